"""Grover search for one row and whole Grover sparse attention: the domain's public functions.

``qresource estimate|export|validate grover`` and ``estimate attention`` call these; each lives
in the module named beside it.
"""

from __future__ import annotations

from typing import Sequence

from qresource.core.record import Records
from qresource.grover.circuit_costs import (
    EXACT_EXCLUSIONS,
    CircuitTotals,
    OracleFactory,
    cached_counts,
    circuit_totals,
    iterate_unit,
    threshold_oracle_factory,
)
from qresource.grover.instances import (
    load_oracle_instance,
    marked_indices,
    problem_from_attention_instance,
    problem_from_oracle_instance,
    small_oracle_instance,
)
from qresource.grover.problem import (
    CIRCUIT_MODEL,
    DEFAULT_DELTA,
    DEFAULT_LOADER,
    MODELS,
    QUERY_MODEL,
    SCHEDULES,
    Problem,
    default_bits,
    find_all_schedule,
    make_problem,
    precondition_notes,
    schedule_summary,
    single_search,
)
from qresource.grover.records import attention_records, grover_records, sweep
from qresource.grover.search_circuit import (
    grover_search_bloq,
    grover_search_qasm,
    measured_search_circuit,
    qasm_text,
    sample_search,
    validate_grover_search,
    validate_search_circuit,
)
from qresource.oracle.precision import LogBase
from qresource.oracle.threshold_oracle import toffoli_breakdown


def answer_extras(problem: Problem, data: dict | None = None) -> dict:
    """What the human form shows beside the records: the Toffolis by role of one oracle call
    with no key excluded (``{"per_call": {role: toffoli}}``)."""
    return {"per_call": toffoli_breakdown(threshold_oracle_factory(problem, data)(0))}


def _records(records, problem: Problem, models: Sequence[str]) -> Records:
    out = Records(records)
    out.problem = problem
    out.extras = answer_extras(problem) if "circuit" in models else {}
    return out


def estimate_grover(n: int, k: int, d: int, bits: int | None = None, *, tau: float | None = None,
                    loader: str = DEFAULT_LOADER, schedule: str = "known", delta: float = DEFAULT_DELTA,
                    log_base: LogBase | str = LogBase.E, models: Sequence[str] = MODELS) -> Records:
    """Find all (at most ``k``) marked keys of one row of ``n`` keys by Grover search
    (``qresource estimate grover``): one record per cost model, ``query`` (the paper's
    accounting) and ``circuit`` (every oracle call's Clifford+T circuit, loader included), as
    ``Records`` (a list that shows as the command's answer and has ``to_frame()``).

    Args:
        n, k, d: keys, marked keys at most, head dimension.
        bits: width of each entry (default: the precision planner's for entries in [-1, 1]).
        tau: the threshold (default 2 log n in ``log_base``, Theorem 1.3's smallest).
        loader: the data loader inside the oracle (``LoaderKind`` or its name).
        schedule: ``known`` (k known) or ``unknown`` (Boyer et al.'s exponential search).
        delta: failure probability of the whole find-all schedule.
    """
    problem = make_problem(n=n, k=k, d=d, bits=bits, tau=tau, loader=str(loader), schedule=schedule, delta=delta,
                           log_base=log_base)
    return _records(grover_records(problem, models), problem, models)


def estimate_attention(n: int, k: int, d: int, bits: int | None = None, *, tau: float | None = None,
                       loader: str = DEFAULT_LOADER, schedule: str = "known", delta: float = DEFAULT_DELTA,
                       log_base: LogBase | str = LogBase.E, models: Sequence[str] = MODELS) -> Records:
    """Whole Grover sparse attention (Theorem 1.4 / 6.1; ``qresource estimate attention``): n row
    searches plus Algorithm 2, one record per cost model. Arguments as :func:`estimate_grover`."""
    problem = make_problem(n=n, k=k, d=d, bits=bits, tau=tau, loader=str(loader), schedule=schedule, delta=delta,
                           log_base=log_base)
    return _records(attention_records(problem, models), problem, models)


__all__ = [
    "CIRCUIT_MODEL", "DEFAULT_DELTA", "DEFAULT_LOADER", "EXACT_EXCLUSIONS", "MODELS", "QUERY_MODEL", "SCHEDULES",
    "CircuitTotals", "OracleFactory", "Problem", "answer_extras", "attention_records", "estimate_attention", "estimate_grover", "cached_counts", "circuit_totals",
    "default_bits", "find_all_schedule", "grover_records", "grover_search_bloq", "grover_search_qasm",
    "iterate_unit", "load_oracle_instance", "make_problem", "marked_indices", "measured_search_circuit",
    "precondition_notes", "problem_from_attention_instance", "problem_from_oracle_instance", "qasm_text",
    "sample_search", "schedule_summary", "single_search", "small_oracle_instance", "sweep",
    "threshold_oracle_factory", "validate_grover_search", "validate_search_circuit",
]
