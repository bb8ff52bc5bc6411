"""Grover search for one row and whole Grover sparse attention as records, one per cost model.

Record keys (the JSON contract): ``queries`` is the expected number of oracle calls to find all
marked keys of one row (grover) or of all n rows (attention), rounded up; ``iterations`` and
``success_probability`` describe the single search with all k keys marked, the circuit ``export
grover`` writes. In the circuit model, ``logical`` is that single search (grover) or the expected
totals of the whole computation (attention, rows one after another); the ``schedule`` block
carries the find-all totals. Derivations: docs/grover.md.
"""

from __future__ import annotations

import math
from typing import Callable, Iterable, Sequence

from qresource.classical.costs import classical_costs
from qresource.core.errors import QResourceError
from qresource.core.record import LOGICAL_KEYS, EstimateRecord
from qresource.grover.circuit_costs import (
    OracleFactory,
    as_mpf,
    attention_totals,
    ceil_int,
    circuit_totals,
    oracle_bits,
    threshold_oracle_factory,
)
from qresource.grover.closed_forms import attention_point
from qresource.grover.instances import marked_indices
from qresource.grover.problem import (
    CIRCUIT_MODEL,
    DEFAULT_LOADER,
    MODELS,
    QUERY_MODEL,
    Problem,
    expected_searches,
    find_all_schedule,
    precondition_notes,
    schedule_summary,
    single_search,
)


def _query_charge(problem: Problem, queries: float, searches: float, rows: int) -> dict:
    """The query model's time: d units per oracle call, d per classical check of a measured index."""
    d = problem.d
    paper = problem.n**1.5 * problem.k**0.5 * d
    return {
        "charge_per_query": d,
        "oracle_time_units": ceil_int(as_mpf(queries) * d),
        "check_time_units": ceil_int(as_mpf(searches) * d * rows),
        "paper_scaling_n1.5_k0.5_d": paper if rows > 1 else math.sqrt(problem.n * problem.k) * d,
    }

#: The unit of every accounting line: the seeds charge an oracle call d (one inner product).
ACCOUNTING_UNIT = "time units: d per inner product Q_i . K_j, 1 per comparison of two indices"


def _accounting_lines(problem: Problem, queries: float, searches: float,
                      exclusions: float | None, entries: int) -> dict:
    """The query model's work, one line per kind, in one unit; which lines the paper charges.

    ``exclusions`` is None where the schedule does not exclude found indices inside the oracle
    (unknown k); ``entries`` is sum |S_i| over the rows counted (the instance's, when given)."""
    d = problem.d
    oracle = ceil_int(as_mpf(queries) * d)
    checks = ceil_int(as_mpf(searches) * d)
    excluded = None if exclusions is None else ceil_int(as_mpf(exclusions))
    lines = {
        "unit": ACCOUNTING_UNIT,
        "oracle_calls": {"count": math.ceil(queries), "time_units": oracle, "charged_by_paper": True,
                         "source": "O(d) per call assuming QRAM (section 1, proof of Lemma 5.1)"},
        "exclusion_comparisons": {"count": excluded, "time_units": excluded, "charged_by_paper": False,
                                  "source": "known-k schedule: each call compares the index with the "
                                            "found ones (up to k - 1); null: the schedule excludes none"},
        "classical_checks": {"count": math.ceil(searches), "time_units": checks, "charged_by_paper": False,
                             "source": "one inner product per measured index; it repeats the product "
                                       "the B_ij step computes for a found key"},
        "b_ij_step": {"count": entries, "time_units": entries * d, "charged_by_paper": True,
                      "source": "B_ij = exp(Q_i . K_j) on S_i (Algorithm 1; Lemma 5.1 part 2, O(k d) per row)"},
    }
    lines["paper_time_units"] = oracle + entries * d
    lines["all_lines_time_units"] = None if excluded is None else oracle + excluded + checks + entries * d
    return lines


def grover_records(
    problem: Problem,
    models: Sequence[str] = MODELS,
    *,
    data: dict | None = None,
    oracle_for: OracleFactory | None = None,
) -> list[EstimateRecord]:
    """The find-all-k search of one row, one record per model (``query``, ``circuit``)."""
    _check_models(models)
    actual = len(marked_indices(data)) if data is not None else None
    if actual is not None and problem.schedule == "known" and actual == 0:
        raise QResourceError("the instance has no key with q . K_j >= tau: nothing to find")
    schedule = find_all_schedule(problem, actual)
    r, p = single_search(problem)
    notes = precondition_notes(problem)
    if actual is not None and actual != problem.k:
        notes.append(f"the instance has {actual} marked keys (k = {problem.k} requested)")
    records = []
    summary = schedule_summary(schedule)
    base = dict(
        primitive="grover", params=problem.params(), queries=math.ceil(schedule.expected_queries),
        iterations=r, success_probability=p, registers={"index": problem.index_qubits},
    )
    if "query" in models:
        charge = _query_charge(problem, schedule.expected_queries, expected_searches(schedule), 1)
        charge["accounting_lines"] = _accounting_lines(
            problem, schedule.expected_queries, expected_searches(schedule),
            getattr(schedule, "expected_exclusion_comparisons", None),
            problem.k if actual is None else actual)
        records.append(EstimateRecord(
            **base, model=QUERY_MODEL, schedule=summary,
            classical=charge,
            notes=notes + ["queries: expected oracle calls to find all marked keys of one row, rounded up"],
        ))
    if "circuit" in models:
        factory = oracle_for or threshold_oracle_factory(problem, data)
        totals = circuit_totals(problem, schedule, factory)
        records.append(EstimateRecord(
            **base, model=CIRCUIT_MODEL, logical=totals.first_search,
            schedule={**summary, "expected_totals": totals.totals.as_dict(),
                      "depth_is_upper_bound": totals.depth_is_bound},
            notes=notes + [
                "logical: the single search export writes (H on index, r iterates, no measurement)",
                "schedule.expected_totals: the whole find-all schedule, expectations rounded up",
            ],
        ))
    return records

def attention_records(
    problem: Problem,
    models: Sequence[str] = MODELS,
    *,
    oracle_for: OracleFactory | None = None,
    row_marked: Sequence[int] | None = None,
) -> list[EstimateRecord]:
    """Whole attention (Theorem 1.4 / 6.1): n row searches one after another, then Algorithm 2.

    ``row_marked``: the actual number of marked keys of every row (from an instance); default
    k in every row, the worst case of a (tau, k)-good matrix.
    """

    _check_models(models)
    n = problem.n
    counts = _row_multiplicities(problem, row_marked)
    row_schedules = {t: find_all_schedule(problem, t) for t in counts if t > 0 or problem.schedule == "unknown"}
    queries = math.fsum(counts[t] * row_schedules[t].expected_queries for t in row_schedules)
    searches = math.fsum(counts[t] * expected_searches(row_schedules[t]) for t in row_schedules)
    entries = sum(t * c for t, c in counts.items())
    r, p = single_search(problem)
    classical = classical_costs(n, problem.d, problem.k, entries=entries)
    notes = precondition_notes(problem)
    base = dict(
        primitive="attention", params={**problem.params(), "rows": n, "marked_entries": entries},
        queries=math.ceil(queries), iterations=r, success_probability=p,
        registers={"index": problem.index_qubits},
    )
    summary = {
        "kind": problem.schedule, "rows": n, "expected_queries": queries, "expected_searches": searches,
        "row_marked_counts": {str(t): c for t, c in sorted(counts.items())},
    }
    records = []
    if "query" in models:
        charge = _query_charge(problem, queries, searches, 1)
        charge["paper_scaling_n1.5_k0.5_d"] = n**1.5 * problem.k**0.5 * problem.d
        inference = classical["sparse_inference"]["flops"] + classical["sparse_values"]["flops"]
        charge["classical_inference_flops"] = inference
        charge["total_time_units"] = charge["oracle_time_units"] + charge["check_time_units"] + inference
        exclusions = None if problem.schedule == "unknown" else math.fsum(
            counts[t] * row_schedules[t].expected_exclusion_comparisons for t in row_schedules)
        charge["accounting_lines"] = _accounting_lines(problem, queries, searches, exclusions, entries)
        records.append(EstimateRecord(
            **base, model=QUERY_MODEL, schedule=summary,
            classical={**charge, "classical_costs": classical},
            notes=notes + ["queries: expected oracle calls over all n rows, rounded up",
                           "classical_inference_flops: sparse values B_ij and Algorithm 2 (Lemma 6.2)"],
        ))
    if "circuit" in models:
        if oracle_for is None and row_marked is None and problem.schedule == "known":
            # the shape-only problem: whole attention in closed form (grover.closed_forms)
            totals = attention_point(n, problem.k, problem.d, oracle_bits(problem), problem.loader).logical
            bound = False
        else:
            factory = oracle_for or threshold_oracle_factory(problem)
            whole = attention_totals(problem, counts, row_schedules, factory)
            totals, bound = whole.totals, whole.depth_is_bound
        records.append(EstimateRecord(
            **base, model=CIRCUIT_MODEL, logical=totals,
            schedule={**summary, "depth_is_upper_bound": bound},
            classical=classical,
            notes=notes + ["logical: expected totals of all n row searches run one after another "
                           "on one register set, rounded up; classical: Algorithm 2 and the baselines"],
        ))
    return records

def _row_multiplicities(problem: Problem, row_marked: Sequence[int] | None) -> dict[int, int]:
    if row_marked is None:
        return {problem.k: problem.n}
    if len(row_marked) != problem.n:
        raise QResourceError(f"row_marked has {len(row_marked)} rows, expected n = {problem.n}")
    counts: dict[int, int] = {}
    for t in row_marked:
        if not 0 <= t <= problem.k:
            raise QResourceError(f"a row has {t} marked keys, outside 0..k = {problem.k}")
        counts[int(t)] = counts.get(int(t), 0) + 1
    return counts

def _check_models(models: Iterable[str]) -> None:
    bad = [m for m in models if m not in MODELS]
    if bad or not models:
        raise QResourceError(f"unknown model {bad[0] if bad else ''!r}; choose from query, circuit, both")

def sweep(
    ns: Iterable[int],
    ks: Iterable[int],
    ds: Iterable[int],
    *,
    bits: int | None = None,
    loaders: Sequence[str] = (DEFAULT_LOADER,),
    models: Sequence[str] = MODELS,
    schedule: str = "known",
    primitive: str = "attention",
    oracle_for: Callable[[Problem], OracleFactory] | None = None,
):
    """A pandas DataFrame with one row per (n, k, d, loader, model) point."""
    import pandas as pd

    rows = []
    for n in ns:
        for k in ks:
            if k > n:
                continue
            for d in ds:
                for loader in loaders:
                    problem = Problem(n=n, k=k, d=d, bits=bits, loader=loader, schedule=schedule)
                    factory = oracle_for(problem) if oracle_for is not None else None
                    make = attention_records if primitive == "attention" else grover_records
                    for record in make(problem, models, oracle_for=factory):
                        rows.append(_flat_row(record))
    return pd.DataFrame(rows)

def _flat_row(record: EstimateRecord) -> dict:
    p = record.params
    row = {key: p.get(key) for key in ("n", "k", "d", "bits", "loader", "schedule")}
    row["model"] = "query" if record.model == QUERY_MODEL else "circuit"
    row["queries"] = record.queries
    row["iterations"] = record.iterations
    row["success_probability"] = record.success_probability
    if record.logical is not None:
        for key in LOGICAL_KEYS:
            row[key] = getattr(record.logical, key)
    if record.model == QUERY_MODEL and record.classical is not None:
        row["query_time_units"] = record.classical.get("total_time_units", record.classical.get("oracle_time_units"))
        row["paper_scaling"] = record.classical.get("paper_scaling_n1.5_k0.5_d")
    return row
