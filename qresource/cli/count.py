"""``qresource count FILE.qasm``: the logical (and physical) resources of any OpenQASM circuit."""

from __future__ import annotations

import sys
from contextlib import contextmanager

import click

from qresource.cli.app import CONTEXT
from qresource.cli.output import emit_records
from qresource.cli.params import MemorySize
from qresource.core.errors import NotBuiltError
from qresource.qasm.count import count_qasm
from qresource.qasm.synthesis import DEFAULT_EPS, MAX_GRIDSYNTH_ANGLES, SYNTHESIS_METHODS

try:
    from qresource.report.physical_options import attach_physical, physical_options
except ImportError:  # pragma: no cover - the physical estimator is an optional layer
    attach_physical = None

    def physical_options(command):
        return click.option("--physical", is_flag=True, help="Add a physical estimate (not built).")(command)


class _Precision(click.ParamType):
    name = "EPS"

    def convert(self, value, param, ctx):
        import math

        try:
            number = float(value)
        except (TypeError, ValueError):
            self.fail(f"{value!r} is not a number", param, ctx)
        if not (math.isfinite(number) and 1e-30 <= number < 0.5):
            self.fail(f"must lie in [1e-30, 0.5), got {value}", param, ctx)
        return number


@contextmanager
def _progress(label: str):
    """A spinner with the current step on stderr when stderr is a terminal (reading a large
    OpenQASM 3 file or synthesising many angles takes a while); nothing otherwise."""
    if not sys.stderr.isatty():
        yield None
        return
    from rich.console import Console

    with Console(stderr=True).status(label) as status:
        yield status.update


@click.command("count", context_settings=CONTEXT)
@click.argument("file", metavar="FILE.qasm")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@click.option(
    "--eps",
    type=_Precision(),
    default=DEFAULT_EPS,
    show_default=True,
    help="Precision (operator norm) to which each arbitrary rotation is synthesised.",
)
@click.option(
    "--synthesis",
    type=click.Choice(SYNTHESIS_METHODS),
    default="auto",
    show_default=True,
    help=f"T cost of rotations: gridsynth (exact, pygridsynth per distinct angle), formula "
    f"(ceil(3 log2(1/eps)) each), auto (gridsynth up to {MAX_GRIDSYNTH_ANGLES} distinct angles).",
)
@click.option(
    "--max-memory",
    type=MemorySize(),
    default=None,
    help="Refuse files needing more memory than this (default: half the available memory).",
)
@physical_options
def count(file, as_json, eps, synthesis, max_memory, physical, **physical_kwargs):
    """Count qubits, Toffolis, T, Cliffords, rotations, measurements, depth and T-depth of any
    OpenQASM 2 or 3 circuit, with the same keys as `estimate`."""

    with _progress(f"counting {file}") as update:
        record = count_qasm(file, eps=eps, synthesis=synthesis, max_memory=max_memory, progress=update)
    if attach_physical is None:
        if physical:
            raise NotBuiltError("--physical is not built yet: the physical estimator is missing")
    else:
        attach_physical(record, physical=physical, **physical_kwargs)
    emit_records([record], as_json)
