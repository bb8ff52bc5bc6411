"""Grover search for one row, and whole Grover sparse attention, in two cost models side by side.

- ``query`` model (the seeds' own accounting, Theorem 1.3 / 6.1 of the Grover attention paper):
  count oracle calls and charge each d time units, as the paper charges O(d) per inner product
  with QRAM access taken as free; add the classical work (checking measured indices, the sparse
  values B_ij and Algorithm 2's O(nkd) inference, from ``qresource.classical.costs``).  This
  reproduces the paper's n^1.5 k^0.5 d.
- ``circuit`` model: every oracle call is the real ``ThresholdOracle`` with its data loader;
  Toffolis, T, Cliffords, measurements, qubits, depth and T-depth come from
  ``qresource.machinery.logical.logical_counts`` of the very ``GroverSearch`` bloqs that
  ``export grover`` flattens, multiplied by the schedule's expected numbers of searches.

Record keys (ARCHITECTURE.md): ``queries`` is the expected number of oracle calls to find all
marked keys of one row (grover) or of all n rows (attention), rounded up; ``iterations`` and
``success_probability`` describe the single search with all k keys marked, the circuit
``export grover`` writes.  In the circuit model, ``logical`` is that single search (grover) or
the expected totals of the whole computation (attention, rows one after another); the
``schedule`` block carries the find-all totals.  Derivations: docs/grover.md.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache
from typing import Callable, Iterable, Sequence

import mpmath

from qresource.classical.attention import find_sets
from qresource.classical.costs import classical_costs
from qresource.classical.instances import load_instance
from qresource.core.errors import QResourceError
from qresource.core.io import read_json_file
from qresource.core.record import LOGICAL_KEYS, EstimateRecord, LogicalCounts
from qresource.grover import schedules as search
from qresource.grover.iterate import GroverIterate, GroverSearch
from qresource.machinery.depth import DepthCost, TDepthCost, depth_profile
from qresource.machinery.flatten import to_circuit
from qresource.machinery.logical import LoweredGateCost
from qresource.machinery.qasm_export import qasm_text as lowered_qasm_text
from qresource.machinery.statevector import check_statevector_size, run_circuit_statevector
from qresource.oracle.precision import check_width, make_instance, plan_precision
from qresource.oracle.threshold_oracle import ThresholdOracle

MODELS = ("query", "circuit")
SCHEDULES = ("known", "unknown")
DEFAULT_LOADER = "qrom"
DEFAULT_DELTA = 0.01

QUERY_MODEL = "query: oracle calls, each charged d time units (QRAM access free, as in Theorem 1.3)"
CIRCUIT_MODEL = "circuit: full Clifford+T circuit of every oracle call, data loader included"


@dataclass(frozen=True)
class Problem:
    """One search or attention problem: n keys of dimension d, at most k marked per row."""

    n: int
    k: int
    d: int
    bits: int | None = None
    tau: float | None = None
    loader: str = DEFAULT_LOADER
    schedule: str = "known"
    delta: float = DEFAULT_DELTA

    def __post_init__(self):
        for name in ("n", "k", "d"):
            value = getattr(self, name)
            if not isinstance(value, int) or isinstance(value, bool) or value < 1:
                raise QResourceError(f"{name} must be a positive integer, got {value!r}")
        if self.k > self.n:
            raise QResourceError(f"the sparsity k = {self.k} exceeds the number of keys n = {self.n}")
        if self.schedule not in SCHEDULES:
            raise QResourceError(f"unknown schedule {self.schedule!r}; choose from {', '.join(SCHEDULES)}")
        if not 0.0 < self.delta < 1.0:
            raise QResourceError(f"delta must lie strictly between 0 and 1, got {self.delta}")
        if self.bits is not None and self.bits < 2:
            raise QResourceError(f"bits must be at least 2, got {self.bits}")
        if self.tau is not None and not self.tau > 0:
            # scores outside S_i lie in [-eta, 0] (Theorem 1.3), and the unused index values
            # n..2^m-1 score 0: a threshold at or below 0 would mark them
            raise QResourceError(f"tau must be positive, got {self.tau:g}")

    @property
    def index_qubits(self) -> int:
        return search.index_bitsize(self.n)

    def params(self) -> dict:
        return {
            "n": self.n, "k": self.k, "d": self.d, "bits": self.bits, "tau": self.tau,
            "loader": self.loader, "schedule": self.schedule, "delta": self.delta,
            "index_qubits": self.index_qubits, "search_space": 1 << self.index_qubits,
        }


def precondition_notes(problem: Problem) -> list[str]:
    """Theorem 1.3's tau >= 2 ln n, checked and reported, never assumed."""
    if problem.tau is None:
        return []
    bound = 2.0 * math.log(problem.n)
    if problem.tau < bound:
        return [
            f"warning: tau = {problem.tau:g} < 2 ln n = {bound:.4g}: Theorem 1.3's precondition "
            "fails (its error bound does not apply); the costs below are still computed"
        ]
    return []


# --------------------------------------------------------------------------------------------
# schedules


def find_all_schedule(problem: Problem, actual: int | None = None):
    """The find-all schedule of one row: ``KnownKSchedule`` or ``UnknownKSchedule``."""
    if problem.schedule == "known":
        k = problem.k if actual is None else actual
        return search.known_k_schedule(problem.n, k, problem.delta)
    return search.unknown_k_schedule(problem.n, problem.k, problem.delta, actual=actual)


def _searches(schedule) -> float:
    """Expected number of searches (each ends in one measured index, checked classically)."""
    if isinstance(schedule, search.KnownKSchedule):
        return schedule.expected_attempts
    return schedule.expected_rounds


def schedule_summary(schedule) -> dict:
    """The JSON ``schedule`` block: expected and 1 - delta queries, searches, reference bounds."""
    out = {
        "kind": "known" if isinstance(schedule, search.KnownKSchedule) else "unknown",
        "search_space": schedule.space,
        "expected_queries": schedule.expected_queries,
        "queries_1_minus_delta": math.ceil(schedule.queries_upper),
        "delta": schedule.delta,
        "expected_searches": _searches(schedule),
    }
    if isinstance(schedule, search.KnownKSchedule):
        out["grover_sum_pi_over_4_sqrt_N_over_t"] = schedule.grover_sum
        out["grover_bound_pi_over_2_sqrt_Nk"] = schedule.grover_bound
        out["expected_exclusion_comparisons"] = schedule.expected_exclusion_comparisons
    else:
        out["marked"] = schedule.actual
        out["bbht_bound_9_over_2_sqrt_N_over_t_plus_certification"] = schedule.bbht_bound
        out["certification_expected_queries"] = schedule.certification.expected_iterations
        out["certification_over_sqrt_N"] = schedule.certification_constant
        out["cap_rounds"] = schedule.cap_rounds
        out["miss_probability"] = schedule.miss_probability
    return out


def single_search(problem: Problem) -> tuple[int, float]:
    """(r_k, sin^2((2 r_k + 1) theta_k)): the search ``export grover`` writes."""
    space = 1 << problem.index_qubits
    r = search.optimal_iterations(problem.k, space)
    return r, search.success_probability(problem.k, space, r)


# --------------------------------------------------------------------------------------------
# circuit model


OracleFactory = Callable[[int], object]
"""excluded count -> phase oracle bloq (registers: `index` only) excluding that many found keys."""


def _mp(value) -> mpmath.mpf:
    return mpmath.mpf(value)


def _ceil(value) -> int:
    return int(mpmath.ceil(value))


@dataclass(frozen=True)
class CircuitTotals:
    """Expected logical totals of a schedule (rounded up), and the single-search counts."""

    totals: LogicalCounts
    first_search: LogicalCounts
    depth_is_bound: bool


#: Cost caches shared by every count this module makes: the stage oracles of one schedule
#: differ only in their exclusion list, so their loader and inner product are counted once.
_COST_CACHES: dict[str, dict] = {}


@lru_cache(maxsize=4096)
def _counts(bloq) -> LogicalCounts:
    """``qresource.machinery.logical.logical_counts`` with Qualtran cost caches kept across calls.

    Same cost keys (lowered gate counts, Qualtran's QubitCount, our depth and T-depth), so the
    values are identical (tests compare the two); only the bookkeeping is shared."""
    from qualtran.resource_counting import QubitCount, get_cost_value


    if sum(len(cache) for cache in _COST_CACHES.values()) > 200_000:
        _COST_CACHES.clear()
    values = {}
    for name, key in (("gates", LoweredGateCost()), ("qubits", QubitCount()),
                      ("depth", DepthCost()), ("t_depth", TDepthCost())):
        values[name] = get_cost_value(bloq, key, costs_cache=_COST_CACHES.setdefault(name, {}))
    gates = values["gates"]
    return LogicalCounts(
        qubits=int(values["qubits"]), toffoli=int(gates.toffoli), t=int(gates.t),
        clifford=int(gates.clifford), rotations=int(gates.rotations),
        measurements=int(gates.measurements), depth=int(values["depth"]), t_depth=int(values["t_depth"]),
    )


def _measured(counts: LogicalCounts, index_qubits: int) -> dict:
    """A search plus the final measurement of `index`: m more measurements, one more layer."""
    out = counts.as_dict()
    out["measurements"] += index_qubits
    out["depth"] += 1
    return out


#: Stages whose oracle excludes at most this many found keys are counted on their own bloq in
#: full.  Beyond, the gate counts are still exact (the stage oracle's call graph is cheap to
#: count), the peak qubits are those of the last fully counted oracle (exclusion tests run one
#: after another, so more of them do not raise the peak), and depth and T-depth are bounded
#: above by adding every further exclusion test and its uncomputation one after another
#: (docs/grover.md, section 6); the record then says ``depth_is_upper_bound``.
EXACT_EXCLUSIONS = 3


@lru_cache(maxsize=65536)
def _gates(bloq) -> dict:
    from qualtran.resource_counting import get_cost_value


    tally = get_cost_value(bloq, LoweredGateCost(), costs_cache=_COST_CACHES.setdefault("gates", {}))
    return {"toffoli": int(tally.toffoli), "t": int(tally.t), "clifford": int(tally.clifford),
            "rotations": int(tally.rotations), "measurements": int(tally.measurements)}


def _exclusion_depths(oracle, first: int) -> tuple[int, int]:
    """Depth and T-depth of the oracle's exclusion tests beyond the first ``first``, each run
    twice (compute and uncompute) one after another: an upper bound on what they add."""

    depth = t_depth = 0
    for test in getattr(oracle, "equality_tests", ())[first:]:
        profile = depth_profile(test)
        depth += 2 * profile.total_depth
        t_depth += 2 * profile.total_t_depth
    return depth, t_depth


def _stage_counts(oracle_for: OracleFactory, excluded: int, iterations: int,
                  exact_up_to: int) -> tuple[LogicalCounts, bool]:
    """Counts of GroverSearch(oracle excluding ``excluded`` keys, r = ``iterations``), and
    whether its depth is an upper bound (see ``EXACT_EXCLUSIONS``)."""

    if excluded <= exact_up_to:
        return _counts(GroverSearch(oracle_for(excluded), iterations)), False
    base = _counts(GroverSearch(oracle_for(exact_up_to), iterations))
    oracle = oracle_for(excluded)
    extra_depth, extra_t_depth = _exclusion_depths(oracle, exact_up_to)
    return LogicalCounts(
        qubits=base.qubits, **_gates(GroverSearch(oracle, iterations)),
        depth=base.depth + iterations * extra_depth, t_depth=base.t_depth + iterations * extra_t_depth,
    ), True


def _stage_iterate(oracle_for: OracleFactory, excluded: int, exact_up_to: int) -> tuple[LogicalCounts, bool]:

    if excluded <= exact_up_to:
        return _counts(GroverIterate(oracle_for(excluded))), False
    base = _counts(GroverIterate(oracle_for(exact_up_to)))
    oracle = oracle_for(excluded)
    extra_depth, extra_t_depth = _exclusion_depths(oracle, exact_up_to)
    return LogicalCounts(
        qubits=base.qubits, **_gates(GroverIterate(oracle)),
        depth=base.depth + extra_depth, t_depth=base.t_depth + extra_t_depth,
    ), True


def circuit_totals(problem: Problem, schedule, oracle_for: OracleFactory,
                   exact_exclusions: int | None = EXACT_EXCLUSIONS) -> CircuitTotals:
    """Expected totals of the find-all schedule, each search costed from its real bloq.

    Known k: stage t runs GroverSearch(oracle with k - t excluded, r_t) 1/p_t times in
    expectation, plus the measurement of `index`; depth adds up search after search (each
    search's depth exact).  Unknown k: a phase with t unfound and a - t excluded makes
    E[queries_t] iterate calls and E[rounds_t] H layers and measurements; its depth is counted
    with iterates placed one after another (an upper bound on the as-soon-as-possible depth).
    ``exact_exclusions``: see ``EXACT_EXCLUSIONS``; None counts every stage on its own bloq.
    """

    exact_up_to = 1 << 62 if exact_exclusions is None else exact_exclusions
    m = problem.index_qubits
    sums = {key: _mp(0) for key in LOGICAL_KEYS if key != "qubits"}
    peak = 0
    first = None
    depth_is_bound = False
    with mpmath.workdps(40):
        if isinstance(schedule, search.KnownKSchedule):
            for stage in schedule.stages:
                counts, bounded = _stage_counts(oracle_for, stage.excluded, stage.iterations, exact_up_to)
                depth_is_bound = depth_is_bound or bounded
                if first is None:
                    first = counts
                peak = max(peak, counts.qubits)
                per_search = _measured(counts, m)
                attempts = 1 / _mp(stage.success_probability)
                for key in sums:
                    sums[key] += attempts * per_search[key]
        else:
            depth_is_bound = True
            actual = schedule.actual
            for phase in schedule.phases:
                excluded = actual - phase.marked
                iterate, _ = _stage_iterate(oracle_for, excluded, exact_up_to)
                layer = _counts(GroverSearch(oracle_for(0), 0))
                peak = max(peak, iterate.qubits)
                per_round = _measured(layer, m)
                for key in sums:
                    sums[key] += _mp(phase.expected_rounds) * per_round[key]
                    sums[key] += _mp(phase.expected_iterations) * getattr(iterate, key)
            r, _ = single_search(problem)
            first = _counts(GroverSearch(oracle_for(0), r))
        totals = LogicalCounts(qubits=peak, **{key: _ceil(value) for key, value in sums.items()})
    return CircuitTotals(totals=totals, first_search=first, depth_is_bound=depth_is_bound)


# --------------------------------------------------------------------------------------------
# the threshold oracle (built by qresource.oracle.threshold_oracle)


def threshold_oracle_factory(problem: Problem, data: dict | None = None) -> OracleFactory:
    """excluded count -> the phase-form ``ThresholdOracle`` of this problem.

    Without an instance the oracle is the shape-only one (worst case over every b-bit Q_i) and
    the excluded keys are the last indices n-1, n-2, ... (an exclusion's Toffoli and T counts do
    not depend on which index it is; its X gates do).  With an instance (``data``: q, K, tau,
    bits) the entries are quantised at the instance's width by the precision planner, which
    refuses a width that would not mark exactly S_i, and the excluded keys are the marked ones
    in index order.
    """

    bits = problem.bits
    if bits is None:
        tau = problem.tau if problem.tau is not None else 2.0 * math.log(problem.n)
        bits = default_bits(problem.n, problem.d, tau)
    if data is None:
        def oracle_for(excluded: int):
            found = tuple(range(problem.n - 1, problem.n - 1 - excluded, -1))
            return ThresholdOracle(problem.n, problem.d, bits, loader=problem.loader, form="phase",
                                   excluded=found)

        return oracle_for


    quantised, _ = check_width(make_instance(data["q"], data["K"], data["tau"]), int(data["bits"]))
    marked = marked_indices(data)

    def oracle_for(excluded: int):
        return ThresholdOracle(problem.n, problem.d, int(data["bits"]), q=quantised.q, keys=quantised.keys,
                               tau=quantised.threshold, loader=problem.loader, form="phase",
                               excluded=tuple(marked[:excluded]))

    return oracle_for


def iterate_unit(problem: Problem, data: dict | None = None):
    """(counts, bloq) of one Grover iterate with no exclusions: the unit a physical estimate
    repeats once per expected oracle call."""

    bloq = GroverIterate(threshold_oracle_factory(problem, data)(0))
    return _counts(bloq), bloq


def marked_indices(data: dict) -> list[int]:
    """Indices j with q . K_j >= tau, exactly (integers and the dyadic tau compared as Fractions)."""
    from fractions import Fraction

    q = [Fraction(x) for x in data["q"]]
    tau = Fraction(data["tau"])
    return [j for j, row in enumerate(data["K"]) if sum(a * Fraction(b) for a, b in zip(q, row)) >= tau]


# --------------------------------------------------------------------------------------------
# records


def _query_charge(problem: Problem, queries: float, searches: float, rows: int) -> dict:
    """The query model's time: d units per oracle call, d per classical check of a measured index."""
    d = problem.d
    paper = problem.n**1.5 * problem.k**0.5 * d
    return {
        "charge_per_query": d,
        "oracle_time_units": _ceil(_mp(queries) * d),
        "check_time_units": _ceil(_mp(searches) * d * rows),
        "paper_scaling_n1.5_k0.5_d": paper if rows > 1 else math.sqrt(problem.n * problem.k) * d,
    }


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
        records.append(EstimateRecord(
            **base, model=QUERY_MODEL, schedule=summary,
            classical=_query_charge(problem, schedule.expected_queries, _searches(schedule), 1),
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
    searches = math.fsum(counts[t] * _searches(row_schedules[t]) for t in row_schedules)
    entries = sum(t * c for t, c in counts.items())
    r, p = single_search(problem)
    classical = classical_costs(n, problem.d, problem.k)
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
        records.append(EstimateRecord(
            **base, model=QUERY_MODEL, schedule=summary,
            classical={**charge, "classical_costs": classical},
            notes=notes + ["queries: expected oracle calls over all n rows, rounded up",
                           "classical_inference_flops: sparse values B_ij and Algorithm 2 (Lemma 6.2)"],
        ))
    if "circuit" in models:
        factory = oracle_for or threshold_oracle_factory(problem)
        sums = {key: _mp(0) for key in LOGICAL_KEYS if key != "qubits"}
        peak = 0
        bound = False
        with mpmath.workdps(40):
            for t, rows in counts.items():
                if t not in row_schedules:
                    continue
                row = circuit_totals(problem, row_schedules[t], factory)
                peak = max(peak, row.totals.qubits)
                bound = bound or row.depth_is_bound
                for key in sums:
                    sums[key] += rows * getattr(row.totals, key)
        totals = LogicalCounts(qubits=peak, **{key: _ceil(v) for key, v in sums.items()})
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


# --------------------------------------------------------------------------------------------
# sweeps


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


# --------------------------------------------------------------------------------------------
# problems from parameters and instance files


def make_problem(*, n: int, k: int, d: int, bits: int | None = None, tau: float | None = None,
                 loader: str = DEFAULT_LOADER, schedule: str = "known",
                 delta: float = DEFAULT_DELTA) -> Problem:
    """A ``Problem`` with tau defaulting to 2 ln n (Theorem 1.3's smallest) and bits to the
    precision planner's width for entries in [-1, 1] (``default_bits``)."""
    if k > n:
        raise QResourceError(f"the sparsity k = {k} exceeds the number of keys n = {n}")
    tau = 2.0 * math.log(n) if tau is None else float(tau)
    bits = default_bits(n, d, tau) if bits is None else bits
    return Problem(n=n, k=k, d=d, bits=bits, tau=tau, loader=loader, schedule=schedule, delta=delta)


#: Entries |Q_it|, |K_jt| <= VALUE_RANGE when the planner picks the width from ranges alone.
VALUE_RANGE = 1


def default_bits(n: int, d: int, tau: float) -> int:
    """The precision planner's entry width for d-dimensional entries in [-1, 1] and threshold
    tau (``qresource.oracle.precision.plan_precision``, range form): the smallest b at which
    quantisation cannot move a score across the gap (0, tau)."""

    return plan_precision(d=d, q_max=VALUE_RANGE, k_max=VALUE_RANGE, tau=tau).bits


def load_oracle_instance(path) -> dict:
    """An oracle instance file ``{"q": [d], "K": [[d] x n], "tau": number, "bits": int}``."""

    data = read_json_file(path)
    if not isinstance(data, dict):
        raise QResourceError(f"{path}: expected a JSON object with q, K, tau, bits")
    missing = [key for key in ("q", "K", "tau", "bits") if key not in data]
    if missing:
        raise QResourceError(f"{path}: missing key(s) {', '.join(missing)} (need q, K, tau, bits)")
    q, keys, tau, bits = data["q"], data["K"], data["tau"], data["bits"]
    if not isinstance(q, list) or not q or not all(_is_number(x) for x in q):
        raise QResourceError(f"{path}: q must be a non-empty list of numbers")
    if not isinstance(keys, list) or len(keys) < 2:
        raise QResourceError(f"{path}: K must be a list of at least 2 rows")
    for j, row in enumerate(keys):
        if not isinstance(row, list) or len(row) != len(q) or not all(_is_number(x) for x in row):
            raise QResourceError(f"{path}: K[{j}] must be a list of {len(q)} numbers, like q")
    if not _is_number(tau) or not math.isfinite(float(tau)):
        raise QResourceError(f"{path}: tau must be a finite number")
    if not isinstance(bits, int) or isinstance(bits, bool) or bits < 2:
        raise QResourceError(f"{path}: bits must be an integer >= 2")
    return {"q": q, "K": keys, "tau": tau, "bits": bits}


def _is_number(x) -> bool:
    return isinstance(x, (int, float)) and not isinstance(x, bool) and math.isfinite(x)


def problem_from_oracle_instance(data: dict, *, k: int | None = None, loader: str = DEFAULT_LOADER,
                                 schedule: str = "known", delta: float = DEFAULT_DELTA) -> Problem:
    """The problem of one row: n = len(K), d = len(q); k = the instance's marked count unless given."""
    n, d = len(data["K"]), len(data["q"])
    actual = len(marked_indices(data))
    if k is None:
        if actual == 0:
            raise QResourceError("the instance has no key with q . K_j >= tau: nothing to search for")
        k = actual
    if k > n:
        raise QResourceError(f"the sparsity k = {k} exceeds the number of keys n = {n}")
    if actual > k:
        raise QResourceError(f"the instance is not (tau, {k})-good: it has {actual} keys with q . K_j >= tau")
    return Problem(n=n, k=k, d=d, bits=int(data["bits"]), tau=float(data["tau"]), loader=loader,
                   schedule=schedule, delta=delta)


def problem_from_attention_instance(path, *, k: int | None = None, bits: int | None = None,
                                    loader: str = DEFAULT_LOADER, schedule: str = "known",
                                    delta: float = DEFAULT_DELTA) -> tuple[Problem, list[int]]:
    """A whole-attention instance (``qresource.classical.instances`` format): the problem and
    the actual number of marked keys of every row (|S_i|).  Without ``bits`` the width is the
    planner's for the instance's value ranges (max |Q|, max |K|) and tau."""

    instance = load_instance(path)
    sets = find_sets(instance.Q, instance.K, instance.tau)
    row_marked = [int(c) for c in _row_sizes(sets, instance.n)]
    largest = max(row_marked)
    if k is None:
        k = max(largest, 1)
    elif largest > k:
        raise QResourceError(f"the instance is not (tau, {k})-good: a row has {largest} scores >= tau")
    if bits is None:

        q_max, k_max = float(abs(instance.Q).max()), float(abs(instance.K).max())
        bits = plan_precision(d=instance.d, q_max=q_max, k_max=k_max, tau=float(instance.tau)).bits
    problem = make_problem(n=instance.n, k=k, d=instance.d, bits=bits, tau=float(instance.tau),
                           loader=loader, schedule=schedule, delta=delta)
    return problem, row_marked


def _row_sizes(sets, rows: int) -> list[int]:
    """|S_i| of every row, from ``qresource.classical.attention.FindSets``."""
    counts = [int(c) for c in sets.counts]
    if len(counts) != rows:
        raise QResourceError(f"the instance has {len(counts)} query rows, expected n = {rows}")
    return counts


# --------------------------------------------------------------------------------------------
# the single-search circuit: export and validation on Qiskit Aer


def grover_search_bloq(data: dict, *, k: int | None = None, loader: str = DEFAULT_LOADER):
    """GroverSearch over the instance's phase oracle with r = r_k (k: the instance's marked count)."""

    problem = problem_from_oracle_instance(data, k=k, loader=loader)
    r, _ = single_search(problem)
    return GroverSearch(threshold_oracle_factory(problem, data)(0), r), problem


def measured_search_circuit(search_bloq):
    """``to_circuit`` of the search, then `index` measured into the classical register `result`."""
    from qiskit.circuit import ClassicalRegister


    qc = to_circuit(search_bloq)
    index = next(reg for reg in qc.qregs if reg.name == "index")
    result = ClassicalRegister(len(index), "result")
    qc.add_register(result)
    qc.measure(index, result)
    return qc


def qasm_text(qc, version: int) -> str:

    return lowered_qasm_text(qc, version)


def grover_search_qasm(data: dict, *, k: int | None = None, loader: str = DEFAULT_LOADER, version: int = 3) -> str:
    search_bloq, _ = grover_search_bloq(data, k=k, loader=loader)
    return qasm_text(measured_search_circuit(search_bloq), version)


def sample_search(qc, shots: int, seed: int) -> dict[int, int]:
    """Run the measured search circuit shot by shot on Aer: counts of each value of `result`.

    Every shot re-simulates the mid-circuit measurements of the uncomputations, so this is for
    circuits of a few qubits; ``validate_search_circuit`` samples the final state instead."""
    from qiskit import transpile
    from qiskit_aer import AerSimulator


    check_statevector_size(qc.num_qubits)
    simulator = AerSimulator(method="statevector", seed_simulator=seed)
    counts = simulator.run(transpile(qc, simulator, optimization_level=0), shots=shots).result().get_counts()
    names = [creg.name for creg in qc.cregs]
    out: dict[int, int] = {}
    for key, times in counts.items():
        fields = key.split(" ")  # qiskit prints the last-added classical register first
        value = int(fields[len(fields) - 1 - names.index("result")], 2)
        out[value] = out.get(value, 0) + times
    return out


def validate_search_circuit(search_bloq, marked: Sequence[int], space: int, shots: int, seed: int) -> dict:
    """Simulate the search circuit on Aer and compare with sin^2((2r+1) theta).

    Two checks: the exact probability of the marked values in Aer's final state (the flattened
    circuit, mid-circuit measurements included, ancillas verified back in |0>) equals the
    prediction to 1e-9; and ``shots`` measurements of `index` sampled from that state (seeded)
    give a frequency within 5 binomial standard deviations.  A measurement-based uncomputation
    leaves the same final state on every measurement branch, so one simulated branch suffices.
    """
    import numpy as np


    qc = to_circuit(search_bloq)
    state = run_circuit_statevector(qc, {}, seed=seed)
    position = state.register_names.index("index")
    probabilities = np.zeros(space)
    for key, amplitude in state.amplitudes.items():
        probabilities[key[position]] += abs(amplitude) ** 2
    marked_set = sorted(set(int(j) for j in marked))
    exact = float(probabilities[marked_set].sum())
    predicted = search.success_probability(len(marked_set), space, search_bloq.iterations)
    rng = np.random.default_rng(seed)
    outcomes = rng.choice(space, size=shots, p=probabilities / probabilities.sum())
    measured = float(np.isin(outcomes, marked_set).mean())
    sigma = math.sqrt(max(predicted * (1 - predicted), 1.0 / shots) / shots)
    passed = abs(exact - predicted) <= 1e-9 and abs(measured - predicted) <= 5 * sigma
    return {
        "iterations": search_bloq.iterations, "marked": marked_set, "shots": shots, "seed": seed,
        "measured_success": measured, "simulated_success": exact, "success_probability": predicted,
        "sigma": sigma, "deviation_sigmas": abs(measured - predicted) / sigma, "passed": passed,
        "circuit_qubits": qc.num_qubits,
    }


def validate_grover_search(data: dict, *, loader: str = DEFAULT_LOADER, shots: int = 4000, seed: int = 0) -> dict:
    search_bloq, problem = grover_search_bloq(data, loader=loader)
    result = validate_search_circuit(search_bloq, marked_indices(data), 1 << problem.index_qubits, shots, seed)
    return {"n": problem.n, "d": problem.d, "bits": problem.bits, "tau": problem.tau, "loader": loader, **result}


def small_oracle_instance(seed: int, n: int = 8, d: int = 2, bits: int = 3) -> dict:
    """A random integer instance small enough for a statevector: 1 to 3 marked keys, tau >= 1."""
    import numpy as np

    rng = np.random.default_rng(seed)
    low, high = -(1 << (bits - 1)), (1 << (bits - 1)) - 1
    for _ in range(1000):
        q = rng.integers(low, high + 1, size=d)
        keys = rng.integers(low, high + 1, size=(n, d))
        scores = sorted(int(s) for s in keys @ q)
        marked = int(rng.integers(1, 4))
        tau = scores[-marked]
        if tau >= 1 and scores[-marked - 1] < tau:
            return {"q": [int(x) for x in q], "K": [[int(x) for x in row] for row in keys],
                    "tau": tau, "bits": bits}
    raise QResourceError(f"no small instance found for seed {seed}")  # pragma: no cover
