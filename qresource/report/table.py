"""``qresource table``'s Python API: resource tables over parameter grids, through the sweep
engine (each primitive evaluated once per distinct point of the axes it reads)."""

from __future__ import annotations

import math
from typing import Any, Mapping, Sequence

import pandas as pd

from qresource.classical.hardware import DEFAULT_HARDWARE
from qresource.compare.classical_side import classical_seconds, hybrid_classical_seconds
from qresource.core.errors import NotBuiltError, QResourceError, ResourceLimitError
from qresource.core.guards import MEMORY_ENV, format_size, memory_limit_bytes
from qresource.core.record import LOGICAL_KEYS
from qresource.loaders.kinds import LOADER_KINDS
from qresource.machinery.parallel import Runner, Stream, Task, check_execution
from qresource.machinery.physical import WORKER_PRELOAD, physical_estimate
from qresource.machinery.sweep import ColumnSource, PointSource, sweep
from qresource.oracle.closed_forms import PARALLEL_ROW_PAIRS
from qresource.report import sources

#: Table primitives, and the availability key (qresource.report.sources) each needs.
PRIMITIVES = {
    "attention-query": "grover-query",
    "attention-circuit": "grover-circuit",
    "classical": "classical",
    "qram": "loaders",
    "qlaci": "qlaci",
}

#: Word width of ``qram`` rows when the grid gives none.
DEFAULT_QRAM_BITS = 8

PHYSICAL_COLUMNS = ("physical_qubits", "runtime_s", "code_distance", "t_factories", "repetitions")

#: What a worker process that finds the oracle's row sides loads before its first task.
ROW_PRELOAD = ("qresource.oracle.closed_forms",)


#: Axes a grid may leave out, and what they take then (the `table` command's defaults).
GRID_DEFAULTS = {"bits": (None,), "loader": LOADER_KINDS, "hardware": (DEFAULT_HARDWARE,)}


def default_primitives() -> list[str]:
    """Every built primitive but QLACI (asked for by name: each size synthesises a circuit)."""
    status = sources.availability()
    return [name for name, key in PRIMITIVES.items() if status.get(key) is None and name != "qlaci"]


def build_table(
    grid: Mapping[str, Sequence[Any]],
    primitives: Sequence[str],
    *,
    physical: bool = False,
    architecture: str | None = None,
    qec: str | None = None,
    factory: str | None = None,
    error_budget: float | None = None,
    qubit_model: str | None = None,
    workers: int = 1,
    scheduler: str | None = None,
    progress=None,
) -> pd.DataFrame:
    """One row per grid point and primitive. ``grid`` has axes n, k, d, bits, loader, hardware.

    With ``physical``, the estimator runs once per distinct unit (its counts, repetitions and T
    gates outside Toffolis) after the logical table is built, on ``workers`` local processes or
    on the Dask cluster at ``scheduler`` (``qresource.machinery.parallel``): the table is the
    same however the units ran, and a unit that fails stops the table with one line naming it.
    The local workers start (and load the estimator) while the logical table is built, and each
    distinct unit goes to them as the sweep finds it. The same workers find the oracle's row
    side of each distinct (d, b) of a full-circuit table, where there are at least
    ``PARALLEL_ROW_PAIRS`` of them, physical or not.

    ``n``, ``k`` and ``d`` are required; ``bits`` (None: the oracle's own width), ``loader``
    and ``hardware`` default to ``GRID_DEFAULTS``. Primitives are the keys of ``PRIMITIVES``.
    """
    missing = [axis for axis in ("n", "k", "d") if axis not in grid]
    if missing:
        raise QResourceError(f"the grid needs the axes {', '.join(missing)}")
    grid = dict(grid)
    for axis, values in GRID_DEFAULTS.items():
        grid.setdefault(axis, list(values))
    check_execution(workers, scheduler)
    _check_table_memory(grid, primitives)
    status = sources.availability()
    for name in primitives:
        if name not in PRIMITIVES:
            raise QResourceError(f"unknown primitive {name!r}; choose from {', '.join(PRIMITIVES)}")
        reason = status.get(PRIMITIVES[name])
        if reason is not None:
            raise NotBuiltError(f"table: {name} is not built ({reason})")
    options = {"architecture": architecture, "qec": qec, "factory": factory, "error_budget": error_budget,
               "qubit_model": qubit_model}
    rows = "attention-circuit" in primitives and len(grid["d"]) * len(grid["bits"]) >= PARALLEL_ROW_PAIRS
    preload = (*(WORKER_PRELOAD if physical else ()), *(ROW_PRELOAD if rows else ()))
    with Runner(workers, scheduler, preload=preload) as runner:
        if physical or rows:
            runner.start()
        return _build(grid, primitives, physical, options, runner, progress)


def _build(grid: dict, primitives: Sequence[str], physical: bool, options: dict, runner: Runner,
           progress) -> pd.DataFrame:
    units: dict[tuple, int] = {}
    # each distinct unit starts on a worker as soon as the sweep finds it
    estimates = runner.stream() if physical else None

    def with_physical(row: dict, unit, repetitions, t_outside) -> dict:
        if physical:
            key = (unit, int(repetitions), t_outside)
            if key not in units:
                units[key] = len(units)
                estimates.add(_physical_task(units[key], key, options))
            row[_UNIT] = units[key]
        return row

    def attention_query(n, k, d):
        if k > n:
            return {}
        counts = sources.grover_query(n, k, d)
        row = {"queries": counts["queries"], "query_time_units": counts["time_units"], "paper_n1.5_k0.5_d": counts["paper_scaling"]}
        return with_physical(row, counts["unit"], counts["repetitions"], counts["unit_t_outside_toffoli"])

    def attention_circuit(points: pd.DataFrame) -> pd.DataFrame:
        columns = sources.grover_circuit_columns(points, runner)
        if physical:
            ids = []
            for n, k, d, bits, loader in zip(points["n"], points["k"], points["d"], columns["bits_used"],
                                             points["loader"]):
                if k > n:
                    ids.append(None)
                    continue
                unit = sources.grover_circuit_unit(n, k, d, bits, loader)
                ids.append(with_physical({}, unit["unit"], unit["repetitions"], unit["unit_t_outside_toffoli"])[_UNIT])
            columns[_UNIT] = pd.Series(ids, index=columns.index, dtype=object)
        return columns

    def classical(n, k, d, hardware):

        if k > n:
            return {}
        return {
            "naive_s": classical_seconds("naive", n, d, k, hardware),
            "half_space_s": classical_seconds("half-space", n, d, k, hardware),
            "sparse_inference_s": hybrid_classical_seconds(n, d, k, hardware),
        }

    def qlaci(model):
        def point(n, d):
            head = sources.qlaci_head(n, d)
            part = head[model]
            logical = sources.scaled(part["unit"], head["executions"])
            row = {"queries": n, "shots_per_query": head["shots_per_query"], **sources.logical_row(logical)}
            row["depth"] = row["t_depth"] = row["lattice_surgery_depth"] = None
            return with_physical(row, part["unit"], head["executions"], part["unit_t_outside_toffoli"])

        return point

    factories = {
        "qlaci": lambda: [
            PointSource("qlaci", "QRAM-free", ("n", "d"), qlaci("free")),
            PointSource("qlaci", "full circuit", ("n", "d"), qlaci("full")),
        ],
        "attention-query": lambda: PointSource("attention", "query", ("n", "k", "d"), attention_query),
        "attention-circuit": lambda: ColumnSource("attention", "circuit", ("n", "k", "d", "bits", "loader"),
                                                  attention_circuit),
        "classical": lambda: PointSource("classical", "flops at peak rate", ("n", "k", "d", "hardware"), classical),
    }
    chosen = []
    for name in primitives:
        if name == "qram":
            chosen += sources.loader_sources("word_bits")
        elif name == "qlaci":
            chosen += factories[name]()
        else:
            chosen.append(factories[name]())
    grid = dict(grid)
    if "qram" in primitives:
        given = [b for b in grid.get("bits", [None]) if b is not None]
        grid["word_bits"] = given or [DEFAULT_QRAM_BITS]
    frame = sweep(grid, chosen, project=True)
    if physical and _UNIT in frame.columns:
        frame = _attach_physical(frame, estimates, progress)
    if "bits_used" in frame.columns:
        # the oracle's entry width where the grid left it to the precision planner
        used = frame["bits_used"].notna()
        frame["bits"] = frame["bits"].astype(object)
        frame.loc[used, "bits"] = frame.loc[used, "bits_used"]
        frame = frame.drop(columns=["bits_used"])
    return _order_columns(frame, grid)


_UNIT = "_physical_unit"

#: Memory per table row on its way to a file: about 25 columns, each a pointer, an exact int
#: (up to 150 bits) and its text, in the frame, the sweep's blocks and the writer's cell lists
#: (a million-row full-circuit table written as CSV peaks near 2.1 GB).
TABLE_ROW_BYTES = 2000


def _check_table_memory(grid: Mapping[str, Sequence[Any]], primitives: Sequence[str]) -> None:
    """Refuse, before any work, a grid whose table would not fit in memory (its rows bounded by
    the grid's size for every primitive)."""
    rows = math.prod(len(list(values)) for values in grid.values()) * max(1, len(primitives))
    limit = memory_limit_bytes()
    if rows * TABLE_ROW_BYTES > limit:
        raise ResourceLimitError(
            f"table: a grid of {rows:,} rows needs about {format_size(rows * TABLE_ROW_BYTES)} of memory, over the "
            f"limit of {format_size(limit)}; raise it with {MEMORY_ENV}=SIZE if this machine really has the memory")


def _physical_task(index: int, key: tuple, options: dict) -> Task:
    unit, repetitions, t_outside = key
    return Task(f"physical estimate of {unit.toffoli} Toffolis x {repetitions} (unit {index})", physical_estimate,
                (unit, repetitions), {"t_outside_toffoli": t_outside, "second_opinion": False, **options})


def _attach_physical(frame: pd.DataFrame, estimates: Stream, progress) -> pd.DataFrame:
    """Fill the physical columns from one estimate per distinct unit."""
    if progress is not None:
        progress(0, len(estimates))
    blocks = estimates.results(progress)
    index = frame[_UNIT]
    for column in PHYSICAL_COLUMNS:
        values = [None if pd.isna(i) else blocks[int(i)][column] for i in index]
        frame[column] = pd.Series(values, index=frame.index, dtype=object)
    return frame.drop(columns=[_UNIT])


def _order_columns(frame: pd.DataFrame, grid: Mapping[str, Sequence[Any]]) -> pd.DataFrame:
    leading = list(dict.fromkeys(["primitive", "model", *grid, "word_bits"]))
    metrics = [c for c in frame.columns if c not in leading]
    preferred = ["queries", "query_time_units", "paper_n1.5_k0.5_d", *LOGICAL_KEYS, *PHYSICAL_COLUMNS,
                 "naive_s", "half_space_s", "sparse_inference_s"]
    ordered = [c for c in preferred if c in metrics] + sorted(c for c in metrics if c not in preferred)
    return frame[[c for c in leading if c in frame.columns] + ordered]
