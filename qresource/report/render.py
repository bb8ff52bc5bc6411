"""Deterministic rendering of tables (Markdown, CSV, JSON, plain terminal text) and log-log plots (PNG).

Same frame in, same bytes out: numbers are formatted by fixed rules (exact integers in full,
floats to four significant digits), JSON keys are sorted, and PNGs are drawn by matplotlib's Agg
backend with fixed rcParams and no metadata that carries a version or a date.
"""

from __future__ import annotations

import io
import json
import math
import textwrap
from typing import Any, Iterable, Sequence

import numpy as np
import pandas as pd

from qresource.core.answer import human_time, number, scientific  # noqa: F401 (the number rule's home is core)
from qresource.core.errors import QResourceError
from qresource.core.io import atomic_write_bytes, atomic_write_text
from qresource.core.record import _jsonable

FORMATS = ("markdown", "csv", "json")


def format_cell(value: Any) -> str:
    """One cell as text: ints exact, floats to 4 significant digits, missing values empty."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return str(value)
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):  # numpy scalars
        return format_cell(value.item())
    if isinstance(value, float):
        if math.isnan(value):
            return ""
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
        return f"{value:.4g}"
    return str(value)


#: Columns `table` shows a person (on a terminal and as Markdown); CSV and JSON carry them all.
READABLE_COLUMNS = ("primitive", "model", "n", "k", "d", "bits", "loader", "hardware", "queries", "qubits",
                    "toffoli", "t", "depth", "lattice_surgery_depth", "t_depth", "naive_s", "sparse_inference_s",
                    "physical_qubits", "runtime_s")


def readable(frame: pd.DataFrame) -> pd.DataFrame:
    """The columns a person reads first (those with a value in some row), every number by the
    ``number`` rule and runtimes in human units; the whole frame is in ``--format csv|json``."""
    columns = [c for c in READABLE_COLUMNS if c in frame.columns
               and any(format_cell(v) != "" for v in frame[c].astype(object))]
    out = {}
    for column in columns:
        values = frame[column].astype(object)
        if column == "runtime_s":
            out["runtime"] = [human_time(v) if format_cell(v) != "" else "" for v in values]
        else:
            out[column] = [number(_plain(v)) if isinstance(_plain(v), (int, float)) and format_cell(v) != ""
                           else format_cell(v) for v in values]
    return pd.DataFrame(out, columns=list(out))


def _rows(frame: pd.DataFrame) -> list[list[str]]:
    return [list(row) for row in zip(*_cell_columns(frame))] if len(frame.columns) else [[] for _ in range(len(frame))]


def _cell_columns(frame: pd.DataFrame) -> list[list[str]]:
    """Every column's cells as text (``format_cell``), a column at a time."""
    return [_cells(frame.iloc[:, i])[0] for i in range(len(frame.columns))]


_NONE = type(None)
_CSV_SPECIAL = (",", '"', "\n", "\r")


def _cells(column: pd.Series) -> tuple[list[str], bool]:
    """A column's cells as text (``format_cell``) and whether none of them needs CSV quoting.
    Columns of exact ints, None and strings go through ``str`` in one pass (a column of few
    distinct values through a table of them), others cell by cell."""
    values = column.to_numpy(dtype=object)
    kinds = set(map(type, values))
    if kinds <= {int, _NONE, str}:
        distinct = dict.fromkeys(values) if len(values) > 64 else None
        if distinct is not None and 8 * len(distinct) <= len(values):
            for v in distinct:
                distinct[v] = "" if v is None else str(v)
            out = list(map(distinct.__getitem__, values))
            texts = distinct.values()
        else:
            out = list(map(str, values))
            if _NONE in kinds:
                for i in np.flatnonzero(pd.isna(values)):
                    out[i] = ""
            texts = set(out) if str in kinds else ()
        return out, not any(c in text for text in texts for c in _CSV_SPECIAL)
    if kinds <= {bool, np.bool_, _NONE}:
        return ["" if v is None else ("yes" if v else "no") for v in values], True
    out = [format_cell(v) for v in values]
    return out, not any(c in text for text in set(out) for c in _CSV_SPECIAL)


def to_markdown(frame: pd.DataFrame) -> str:
    header = [str(c) for c in frame.columns]
    rows = _rows(frame)
    numeric = [
        all(_looks_numeric(r[i]) for r in rows if r[i]) and any(r[i] for r in rows) for i in range(len(header))
    ]
    lines = ["| " + " | ".join(header) + " |"]
    lines.append("|" + "|".join("---:" if numeric[i] else "---" for i in range(len(header))) + "|")
    for row in rows:
        lines.append("| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |")
    return "\n".join(lines) + "\n"


def _looks_numeric(text: str) -> bool:
    try:
        float(text.replace(",", ""))
        return True
    except ValueError:
        return False


def to_csv(frame: pd.DataFrame) -> str:
    import csv

    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([str(c) for c in frame.columns])
    columns = [_cells(frame.iloc[:, i]) for i in range(len(frame.columns))]
    if len(columns) > 1 and len(frame) and all(plain for _, plain in columns):
        # no cell needs quoting (and no row is one empty field): the writer's rows are the cells joined
        buffer.write("\n".join(map(",".join, zip(*(cells for cells, _ in columns)))) + "\n")
    elif columns:
        writer.writerows(zip(*(cells for cells, _ in columns)))
    else:
        writer.writerows([] for _ in range(len(frame)))
    return buffer.getvalue()


def to_json(frame: pd.DataFrame) -> str:
    """The rows as a JSON list of objects, keys sorted, two-space indent (``json.dumps``'s
    layout, written a column at a time where every value is a plain scalar)."""
    names = [str(c) for c in frame.columns]
    texts = [_json_column(frame.iloc[:, i]) for i in range(len(names))]
    if len(frame) and names and len(set(names)) == len(names) and all(t is not None for t in texts):
        order = sorted(range(len(names)), key=lambda i: names[i])
        template = "  {{\n" + ",\n".join(
            "    " + json.dumps(names[i]).replace("{", "{{").replace("}", "}}") + ": {}" for i in order) + "\n  }}"
        return "[\n" + ",\n".join(map(template.format, *(texts[i] for i in order))) + "\n]\n"
    records = [
        {str(k): _jsonable(_plain(v)) for k, v in row.items()} for row in frame.astype(object).to_dict("records")
    ]
    return json.dumps(records, indent=2, sort_keys=True) + "\n"


def _json_column(column: pd.Series) -> list[str] | None:
    """Each value's JSON text as ``json.dumps`` writes it after ``_jsonable(_plain(v))``, or None
    where the column holds anything but exact ints, None, NaN, strings and bools."""
    values = column.to_numpy(dtype=object)
    kinds = set(map(type, values))
    if not kinds <= {int, _NONE, str, bool, float, np.bool_}:
        return None
    if float in kinds and any(isinstance(v, float) and not math.isnan(v) for v in values):
        return None
    if kinds <= {int, _NONE, str}:
        distinct = dict.fromkeys(values)
        if 8 * len(distinct) > len(values):
            out = list(map(str, values))
            if kinds != {int}:
                for i in np.flatnonzero([type(v) is not int for v in values]):
                    out[i] = "null" if values[i] is None else json.dumps(values[i])
            return out
        for v in distinct:
            distinct[v] = "null" if v is None else (json.dumps(v) if type(v) is str else str(v))
        return list(map(distinct.__getitem__, values))
    strings = {v: json.dumps(v) for v in set(values) if type(v) is str} if str in kinds else {}
    out = []
    for v in values:
        kind = type(v)
        if kind is int:
            out.append(str(v))
        elif kind is str:
            out.append(strings[v])
        elif v is None or kind is float:
            out.append("null")
        else:
            out.append("true" if v else "false")
    return out


def _plain(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):
        return value.item()
    return value


def render(frame: pd.DataFrame, fmt: str) -> str:
    if fmt == "markdown":
        return to_markdown(frame)
    if fmt == "csv":
        return to_csv(frame)
    if fmt == "json":
        return to_json(frame)
    raise QResourceError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")


_SHORT_HEADERS = {"queries": "calls", "toffoli": "Toffoli", "t": "T", "t_depth": "T-depth",
                  "lattice_surgery_depth": "LS depth", "naive_s": "naive s",
                  "sparse_inference_s": "Alg. 2 s", "physical_qubits": "phys. qubits"}
#: Dropped first when a terminal is too narrow for every readable column.
_DROP_ORDER = ("t_depth", "lattice_surgery_depth", "hardware", "bits", "sparse_inference_s", "depth", "model",
               "queries", "k", "d")


def terminal_table(frame: pd.DataFrame, width: int = 80) -> list[str]:
    """The readable columns as plain aligned text no wider than ``width``: columns are left out
    (and named below the table) until it fits."""
    table = readable(frame)
    columns = list(table.columns)

    def cells(column):
        return [_SHORT_HEADERS.get(column, column)] + [str(v) for v in table[column]]

    def total(chosen):
        return sum(max(len(c) for c in cells(column)) for column in chosen) + 2 * (len(chosen) - 1)

    dropped = []
    for column in _DROP_ORDER:
        if total(columns) <= width:
            break
        if column in columns:
            columns.remove(column)
            dropped.append(column)
    lines = []
    body = [cells(column) for column in columns]
    numeric = [all(_looks_numeric(c) for c in col[1:] if c) for col in body]
    widths = [max(len(c) for c in col) for col in body]
    for row in range(len(table) + 1):
        parts = [(col[row].rjust(w) if num else col[row].ljust(w)) for col, w, num in zip(body, widths, numeric)]
        lines.append("  ".join(parts).rstrip())
    note = "every column: --format csv or json"
    if dropped:
        note = f"left out for width: {', '.join(dropped)}; " + note
    return lines + [""] + textwrap.wrap(f"({note})", width)


# ---------------------------------------------------------------------------------------------
# Plots

RC_PARAMS = {
    "font.family": "DejaVu Sans",
    "font.size": 9.0,
    "axes.titlesize": 10.0,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "lines.linewidth": 1.6,
    "lines.markersize": 4.0,
    "legend.fontsize": 7.5,
    "legend.frameon": False,
    "figure.dpi": 100.0,
    "savefig.dpi": 110.0,
    "path.simplify": False,
    "svg.hashsalt": "qresource",
}

#: Colour and line style per series name, so the same quantity looks the same on every plot.
STYLES = {
    "Grover attention, query model": ("#1f77b4", "--", "o"),
    "Grover attention, full circuit (fanout)": ("#08306b", "-", "s"),
    "Grover attention, full circuit (bucket-brigade)": ("#8c564b", "-", "X"),
    "Grover attention, full circuit (qrom)": ("#17becf", "-", "o"),
    "Grover attention, full circuit (qroam)": ("#9467bd", "-", "^"),
    "Grover attention, full circuit": ("#1f77b4", "-", "s"),
    "QLACI, QRAM-free model": ("#2ca02c", "--", "^"),
    "QLACI, full circuit": ("#2ca02c", "-", "v"),
    "classical naive": ("#d62728", "-", "D"),
    "classical half-space": ("#ff7f0e", "-", "P"),
}
_FALLBACK_COLOURS = ("#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf", "#393b79", "#637939")


def loglog_png(
    series: Sequence[tuple[str, Sequence[float], Sequence[float]]],
    *,
    title: str,
    xlabel: str,
    ylabel: str,
    hlines: Iterable[tuple[float, str]] = (),
    vlines: Iterable[tuple[float, str]] = (),
    base_x: int = 2,
) -> bytes:
    """A log-log plot of named (x, y) series as PNG bytes; points with y <= 0 or None are left
    out (a gap, not a zero)."""
    import matplotlib

    matplotlib.use("Agg", force=True)
    import matplotlib.pyplot as plt

    with matplotlib.rc_context(RC_PARAMS):
        figure, axes = plt.subplots(figsize=(7.5, 6.0))
        try:
            for index, (name, xs, ys) in enumerate(series):
                points = [(float(x), float(y)) for x, y in zip(xs, ys) if y is not None and _positive(y)]
                if not points:
                    continue
                colour, style, marker = _style(name, index)
                axes.plot([p[0] for p in points], [p[1] for p in points], color=colour, linestyle=style, marker=marker, label=name)
            for value, label in hlines:
                axes.axhline(value, color="#444444", linestyle=":", linewidth=1.0)
                axes.annotate(label, (0.01, value), xycoords=("axes fraction", "data"), fontsize=7, va="bottom", color="#444444")
            for value, label in vlines:
                axes.axvline(value, color="#444444", linestyle=":", linewidth=1.0)
                axes.annotate(label, (value, 0.02), xycoords=("data", "axes fraction"), fontsize=7, rotation=90, ha="right", color="#444444")
            axes.set_xscale("log", base=base_x)
            axes.set_yscale("log")
            axes.set_title(title)
            axes.set_xlabel(xlabel)
            axes.set_ylabel(ylabel)
            if axes.get_legend_handles_labels()[0]:
                # below the axes, so that no curve or reference line is hidden
                axes.legend(loc="upper center", bbox_to_anchor=(0.5, -0.13), ncol=2)
            figure.tight_layout()
            buffer = io.BytesIO()
            figure.savefig(buffer, format="png", metadata={"Software": None})
        finally:
            plt.close(figure)
    return buffer.getvalue()


def _style(name: str, index: int) -> tuple[str, str, str]:
    """The style of the longest STYLES key that starts ``name``; a ratio against the half-space
    algorithm (``... / half-space``) is drawn dotted."""
    keys = [key for key in STYLES if name.startswith(key)]
    colour, style, marker = (
        STYLES[max(keys, key=len)] if keys else (_FALLBACK_COLOURS[index % len(_FALLBACK_COLOURS)], "-", "o")
    )
    if name.endswith("/ half-space") or name.endswith(", T-depth"):
        style = ":"
    elif name.endswith(", lattice-surgery depth"):
        style = "--"
    return colour, style, marker


def _positive(value: Any) -> bool:
    try:
        number = float(value)
    except (TypeError, ValueError, OverflowError):
        return False
    return math.isfinite(number) and number > 0


def write_table(frame: pd.DataFrame, path, fmt: str) -> None:
    atomic_write_text(path, render(frame, fmt))


def write_png(data: bytes, path) -> None:
    atomic_write_bytes(path, data)
