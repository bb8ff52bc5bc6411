"""The ``--physical`` options every estimating subcommand shares, and the one function that applies
them to a record.

Usage in a CLI module::

    from qresource.report.physical_options import physical_options, attach_physical

    @estimate.command("grover")
    @physical_options
    def grover(..., physical, qubit_model, qec, error_budget):
        record = ...
        attach_physical(record, physical=physical, qubit_model=qubit_model, qec=qec,
                        error_budget=error_budget, unit=per_call_counts, repetitions=calls,
                        unit_bloq=per_call_bloq)

Pass ``unit_bloq`` (the bloq whose counts ``unit`` are) wherever there is one: it lets Toffolis
reach the estimator as CCZ states rather than as the T gates of their decomposition (see
``qresource.machinery.physical``).

Defaults are the estimator's own (``None`` is passed through), so a bare ``--physical`` matches a
bare ``qdk.estimator`` run on the same logical counts.
"""

from __future__ import annotations

from typing import Callable

import click

from qresource.core.errors import QResourceError
from qresource.core.record import EstimateRecord, LogicalCounts
from qresource.machinery.physical import QEC_SCHEMES, QUBIT_MODELS, bare_t_count, physical_estimate


def physical_options(command: Callable) -> Callable:
    """Add ``--physical``, ``--qubit-model``, ``--qec`` and ``--error-budget`` to a click command
    (as keyword arguments ``physical``, ``qubit_model``, ``qec``, ``error_budget``)."""
    decorators = [
        click.option(
            "--physical",
            is_flag=True,
            help="Add a physical estimate (qdk resource estimator; Qualtran's Gidney–Fowler model "
            "beside it).",
        ),
        click.option(
            "--qubit-model",
            type=click.Choice(QUBIT_MODELS),
            default=None,
            help="Estimator qubit model (default: the estimator's, qubit_gate_ns_e3).",
        ),
        click.option(
            "--qec",
            type=click.Choice(QEC_SCHEMES),
            default=None,
            help="QEC scheme (default: the estimator's, surface_code; floquet_code needs a "
            "qubit_maj_* model).",
        ),
        click.option(
            "--error-budget",
            # click's own type: importing qresource.cli here would import every CLI module
            type=click.FloatRange(0.0, 1.0, min_open=True, max_open=True),
            default=None,
            help="Total error budget (default: the estimator's, 1e-3).",
        ),
    ]
    for decorate in reversed(decorators):
        command = decorate(command)
    return command


def attach_physical(
    record: EstimateRecord,
    *,
    physical: bool,
    qubit_model: str | None = None,
    qec: str | None = None,
    error_budget: float | None = None,
    unit: LogicalCounts | None = None,
    repetitions: int = 1,
    unit_bloq=None,
) -> EstimateRecord:
    """Fill ``record.physical`` when ``physical`` is set (otherwise only check that no physical
    option was given alone). ``unit`` defaults to the record's own logical counts, run once."""
    if not physical:
        if qubit_model is not None or qec is not None or error_budget is not None:
            raise QResourceError("--qubit-model, --qec and --error-budget need --physical")
        return record
    counts = unit if unit is not None else record.logical
    if counts is None:
        raise QResourceError(f"{record.primitive}: no logical counts to estimate physically")
    t_outside = bare_t_count(unit_bloq) if unit_bloq is not None else None
    block = physical_estimate(
        counts,
        repetitions,
        t_outside_toffoli=t_outside,
        qubit_model=qubit_model,
        qec=qec,
        error_budget=error_budget,
    )
    record.physical = block
    record.notes.extend(block.get("notes", []))
    return record
