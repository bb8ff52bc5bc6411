"""Grover search for one row and whole Grover sparse attention: the domain's public functions.

``qresource estimate|export|validate grover`` and ``estimate attention`` call these; each lives
in the module named beside it.
"""

from __future__ import annotations

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

__all__ = [
    "CIRCUIT_MODEL", "DEFAULT_DELTA", "DEFAULT_LOADER", "EXACT_EXCLUSIONS", "MODELS", "QUERY_MODEL", "SCHEDULES",
    "CircuitTotals", "OracleFactory", "Problem", "attention_records", "cached_counts", "circuit_totals",
    "default_bits", "find_all_schedule", "grover_records", "grover_search_bloq", "grover_search_qasm",
    "iterate_unit", "load_oracle_instance", "make_problem", "marked_indices", "measured_search_circuit",
    "precondition_notes", "problem_from_attention_instance", "problem_from_oracle_instance", "qasm_text",
    "sample_search", "schedule_summary", "single_search", "small_oracle_instance", "sweep",
    "threshold_oracle_factory", "validate_grover_search", "validate_search_circuit",
]
