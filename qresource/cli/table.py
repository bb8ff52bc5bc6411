"""``qresource table``: a thin layer over qresource.report.table (it imports no report builder)."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import click
import pandas as pd

from qresource.classical.hardware import PRESETS
from qresource.cli.app import CONTEXT
from qresource.cli.k_from import k_from_options, measured_k
from qresource.cli.params import IntListType
from qresource.core.errors import QResourceError, UsageError
from qresource.core.io import atomic_write_text
from qresource.loaders.kinds import LOADER_KINDS  # no Qualtran import at start-up
from qresource.machinery.parallel import stderr_progress
from qresource.report.physical_options import physical_options
from qresource.report.render import readable, render, terminal_table
from qresource.report.table import PRIMITIVES, build_table, default_primitives


class _NameList(click.ParamType):
    """A comma-separated list of names, each from ``choices``."""

    name = "NAMES"

    def __init__(self, choices):
        self.choices = tuple(choices)

    def convert(self, value, param, ctx):
        if isinstance(value, (list, tuple)):
            return list(value)
        items = [item.strip() for item in str(value).split(",")]
        bad = [item for item in items if item not in self.choices]
        if bad or not items:
            self.fail(f"{bad[0] if bad else value!r} is not one of {', '.join(self.choices)}", param, ctx)
        return items


@click.command("table", context_settings=CONTEXT)
@click.option("--n", "ns", type=IntListType(minimum=2), default="1024,4096", show_default=True,
              help="Sequence lengths: list or range (2**10..2**20).")
@click.option("--k", "ks", type=IntListType(minimum=1), default="8,32,128", show_default=True, help="Sparsities.")
@click.option("--d", "ds", type=IntListType(minimum=1), default="64,128", show_default=True, help="Head dimensions.")
@click.option("--bits", "bits", type=IntListType(minimum=2), default=None,
              help="Fixed-point bits per entry (default: the oracle's own width; qram: 8).")
@click.option("--loader", "loaders", type=_NameList(LOADER_KINDS), default=",".join(LOADER_KINDS),
              show_default=True, help="Data loaders for the full-circuit model and qram.")
@click.option("--hardware", "hardware", type=_NameList(PRESETS), default="h100-sxm",
              show_default=True, help="Classical hardware presets.")
@click.option("--primitive", "primitives", default=None,
              help="Comma list of attention-query, attention-circuit, classical, qram, qlaci (default: all built but "
                   "qlaci, whose circuits take seconds per size to synthesise).")
@click.option("--format", "fmt", type=click.Choice(["markdown", "csv", "json"]), default=None,
              help="Output format (default: a table on a terminal, Markdown otherwise).")
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write to FILE (atomically) instead of standard output.")
@click.option("--workers", type=int, default=None,
              help="Local worker processes for the physical estimates and a full-circuit table's oracle row "
                   "sides (default: the machine's cores).")
@click.option("--scheduler", default=None, metavar="ADDRESS",
              help="Run that work on this Dask scheduler (tcp://host:port) instead.")
@k_from_options
@physical_options
@click.pass_context
def table(ctx, ns, ks, ds, bits, loaders, hardware, primitives, fmt, output, workers, scheduler, k_from, k_head, k_stat,
          physical, architecture, qec, factory, error_budget, qubit_model):
    """Resource tables over a grid of parameters, one row per point and primitive."""

    given_k = None if ctx.get_parameter_source("ks") is click.core.ParameterSource.DEFAULT else ks
    choice = measured_k(k_from, k_head, k_stat, given_k, None)
    if choice is not None:
        ks = [choice.k]

    if not physical and any(v is not None for v in (architecture, qec, factory, error_budget, qubit_model)):
        raise UsageError("--architecture, --qec, --factory, --error-budget and --qubit-model need --physical")
    if workers is None:
        workers = 1 if scheduler else (os.cpu_count() or 1)
    chosen = default_primitives() if primitives is None else [p.strip() for p in primitives.split(",")]
    unknown = [p for p in chosen if p not in PRIMITIVES]
    if unknown:
        raise QResourceError(f"unknown primitive {unknown[0]!r}; choose from {', '.join(PRIMITIVES)}")
    grid = {"n": ns, "k": ks, "d": ds, "bits": bits if bits is not None else [None], "loader": loaders, "hardware": hardware}
    with stderr_progress("physical estimates") as progress:
        frame = build_table(grid, chosen, physical=physical, architecture=architecture, qec=qec, factory=factory,
                            error_budget=error_budget, qubit_model=qubit_model, workers=workers, scheduler=scheduler,
                            progress=progress)
    if choice is not None:
        source = (f"{choice.source} head {choice.layer}:{choice.head} k_{choice.stat} = {choice.value:g} "
                  f"at n = {choice.n} ({choice.convention})")
        frame.insert(frame.columns.get_loc("k") + 1, "k_from", [source if pd.notna(k) else None for k in frame["k"]])
    if output is not None:
        atomic_write_text(output, _render(frame, fmt or _format_for(output)))
        return
    if fmt is None and sys.stdout.isatty():
        click.echo("\n".join(terminal_table(frame, min(shutil.get_terminal_size().columns, 120) - 1)))
        return
    click.echo(_render(frame, fmt or "markdown"), nl=False)


def _render(frame, fmt: str) -> str:
    """Markdown is for people: the readable columns and numbers; CSV and JSON carry every column."""
    return render(readable(frame), fmt) if fmt == "markdown" else render(frame, fmt)


def _format_for(path: Path) -> str:
    return {".csv": "csv", ".json": "json"}.get(path.suffix.lower(), "markdown")
