"""The ``--physical`` options every estimating subcommand shares, and the one function that applies
them to a record.

Usage in a CLI module::

    from qresource.report.physical_options import physical_options, attach_physical

    @estimate.command("grover")
    @physical_options
    def grover(..., physical, **physical_kwargs):
        record = ...
        attach_physical(record, physical=physical, unit=per_call_counts, repetitions=calls,
                        unit_bloq=per_call_bloq, **physical_kwargs)

The domain-specific attachments live beside this module, so that a command imports only its
own domain: :mod:`qresource.report.grover_physical` (Grover search and attention) and
:mod:`qresource.report.qlaci_physical` (QLACI, whose shots need the rotation synthesis).

Pass ``unit_bloq`` (the bloq whose counts ``unit`` are) wherever there is one: it lets Toffolis
reach the estimator as CCX states rather than as the T gates of their decomposition (see
``qresource.machinery.physical``).

Defaults (docs/physical.md says why): architecture gate_based_ns_e3 (the older estimator's default
qubit model), the architecture's own QEC code (surface_code for gate-based qubits), every
magic-state factory that applies (the frontier and its headline choose), error budget 1e-3.
"""

from __future__ import annotations

from typing import Callable

import click

from qresource.core.errors import QResourceError, UsageError
from qresource.core.record import EstimateRecord, LogicalCounts
from qresource.machinery.physical import (
    ARCHITECTURES,
    DEFAULT_ARCHITECTURE,
    DEFAULT_ERROR_BUDGET,
    QEC_NAMES,
    QUBIT_MODELS,
    Architecture,
    Factory,
    NoEstimateError,
    bare_t_count,
    physical_estimate,
)

#: The keyword arguments :func:`physical_options` adds, besides ``physical``.
OPTION_NAMES = ("architecture", "qec", "factory", "error_budget", "qubit_model")


def physical_options(command: Callable) -> Callable:
    """Add ``--physical``, ``--architecture``, ``--qec``, ``--factory``, ``--error-budget`` and
    ``--qubit-model`` to a click command (as keyword arguments ``physical`` and
    :data:`OPTION_NAMES`)."""
    decorators = [
        click.option(
            "--physical",
            is_flag=True,
            help="Add a physical estimate (Microsoft's qdk.qre: the qubits-runtime frontier and its "
            "least qubit-seconds point; Qualtran's Gidney–Fowler model beside it).",
        ),
        click.option(
            "--architecture",
            type=click.Choice([a.value for a in Architecture]),
            default=None,
            help=f"Qubit model preset (default: {DEFAULT_ARCHITECTURE}, the older estimator's "
            "default hardware).",
        ),
        click.option(
            "--qec",
            type=click.Choice(QEC_NAMES),
            default=None,
            help="QEC code (default: the architecture's own: surface_code for gate-based, "
            "surface_code_low_move for neutral_atom, three_aux for majorana_*; floquet_code is the "
            "older estimator's name for three_aux).",
        ),
        click.option(
            "--factory",
            type=click.Choice([f.value for f in Factory]),
            default=None,
            help="Magic-state factory (default: all, every factory that applies; the frontier "
            "chooses).",
        ),
        click.option(
            "--error-budget",
            # click's own type: importing qresource.cli here would import every CLI module
            type=click.FloatRange(0.0, 1.0, min_open=True, max_open=True),
            default=None,
            help=f"Total error budget (default: {DEFAULT_ERROR_BUDGET:g}).",
        ),
        click.option(
            "--qubit-model",
            type=click.Choice(QUBIT_MODELS),
            default=None,
            help="The older estimator's qubit-model names, mapped to the architecture with the same "
            "gate times and error rates (qubit_gate_ns_e3 -> gate_based_ns_e3, ...).",
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
    architecture: str | None = None,
    factory: str | None = None,
    unit: LogicalCounts | None = None,
    repetitions: int = 1,
    unit_bloq=None,
) -> EstimateRecord:
    """Fill ``record.physical`` when ``physical`` is set (otherwise only check that no physical
    option was given alone). ``unit`` defaults to the record's own logical counts, run once:
    right for a loader or an oracle call; Grover and attention records repeat one iterate
    (:func:`qresource.report.grover_physical.attach_grover_physical`), QLACI records one shot
    (:func:`qresource.report.qlaci_physical.attach_qlaci_physical`).

    When no estimate meets the error budget, the block holds nulls, ``frontier: []`` and
    ``least_error_budget``, one line goes to stderr and the logical counts are still printed."""
    options = {"architecture": architecture, "qec": qec, "factory": factory,
               "error_budget": error_budget, "qubit_model": qubit_model}
    if not physical:
        if any(value is not None for value in options.values()):
            raise UsageError(
                "--architecture, --qec, --factory, --error-budget and --qubit-model need --physical"
            )
        return record
    counts = unit if unit is not None else record.logical
    if counts is None:
        raise QResourceError(f"{record.primitive}: no logical counts to estimate physically")
    t_outside = bare_t_count(unit_bloq) if unit_bloq is not None else None
    try:
        block = physical_estimate(counts, repetitions, t_outside_toffoli=t_outside, **options)
    except NoEstimateError as exc:
        click.echo(f"warning: {exc}", err=True)
        block = {
            "physical_qubits": None, "runtime_s": None, "code_distance": None, "t_factories": None,
            "frontier": [], "least_error_budget": exc.least_error_budget, "notes": [str(exc)],
        }
    record.physical = block
    record.notes.extend(block.get("notes", []))
    return record


def architecture_description(name: str) -> str:
    return ARCHITECTURES[Architecture(name)].description


def largest_answered_size(
    sizes: list[int],
    unit_at: Callable[[int], tuple[LogicalCounts, int, object]],
    **options,
) -> int | None:
    """The largest of ``sizes`` (ascending) at which the physical estimator answers, by bisection
    (a larger size needs more repetitions of a larger unit, so the answers are monotone); None if
    it answers at none. ``unit_at(size)`` gives (unit counts, repetitions, unit bloq);
    ``options`` are :func:`physical_estimate`'s."""

    def answers(size: int) -> bool:
        counts, repetitions, bloq = unit_at(size)
        try:
            physical_estimate(counts, repetitions, t_outside_toffoli=bare_t_count(bloq) if bloq is not None else None,
                              second_opinion=False, **options)
        except NoEstimateError:
            return False
        return True

    low, high = -1, len(sizes)  # answers at sizes[low] (or low == -1); not at sizes[high]
    while high - low > 1:
        middle = (low + high) // 2
        if answers(sizes[middle]):
            low = middle
        else:
            high = middle
    return sizes[low] if low >= 0 else None
