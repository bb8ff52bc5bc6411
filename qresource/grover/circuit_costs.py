"""The circuit model: expected logical totals of a find-all schedule, every search counted on its
own ``GroverSearch`` bloq over the phase-form ``ThresholdOracle``.

Counts come from the call graph (``LoweredGateCost``, Qualtran's ``QubitCount``, our depth and
T-depth keys) with Qualtran cost caches shared across the stage oracles of one schedule, which
differ only in their exclusion list. Expectations are summed in 40-digit arithmetic and rounded
up. Derivations: docs/grover.md.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache
from typing import Callable

import mpmath

from qresource.core.record import LOGICAL_KEYS, LogicalCounts
from qresource.grover import schedules
from qresource.grover.instances import marked_indices
from qresource.grover.iterate import GroverIterate, GroverSearch
from qresource.grover.problem import Problem, default_bits, single_search
from qresource.machinery.depth import DepthCost, TDepthCost, depth_profile
from qresource.machinery.lattice_surgery import LatticeSurgeryDepthCost, lattice_surgery_profile
from qresource.machinery.lattice_surgery import total as lattice_surgery_total
from qresource.machinery.logical import LoweredGateCost
from qresource.oracle.precision import check_width, make_instance
from qresource.oracle.threshold_oracle import ThresholdOracle

OracleFactory = Callable[[int], object]
"""excluded count -> phase oracle bloq (registers: `index` only) excluding that many found keys."""

def as_mpf(value) -> mpmath.mpf:
    return mpmath.mpf(value)

def ceil_int(value) -> int:
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
def cached_counts(bloq) -> LogicalCounts:
    """``qresource.machinery.logical.logical_counts`` with Qualtran cost caches kept across calls.

    Same cost keys (lowered gate counts, Qualtran's QubitCount, our depth and T-depth), so the
    values are identical (tests compare the two); only the bookkeeping is shared."""
    from qualtran.resource_counting import QubitCount, get_cost_value

    if sum(len(cache) for cache in _COST_CACHES.values()) > 200_000:
        _COST_CACHES.clear()
    values = {}
    for name, key in (("gates", LoweredGateCost()), ("qubits", QubitCount()),
                      ("depth", DepthCost()), ("t_depth", TDepthCost()),
                      ("lattice_surgery_depth", LatticeSurgeryDepthCost())):
        values[name] = get_cost_value(bloq, key, costs_cache=_COST_CACHES.setdefault(name, {}))
    gates = values["gates"]
    return LogicalCounts(
        qubits=int(values["qubits"]), toffoli=int(gates.toffoli), t=int(gates.t),
        clifford=int(gates.clifford), rotations=int(gates.rotations),
        measurements=int(gates.measurements), depth=int(values["depth"]), t_depth=int(values["t_depth"]),
        lattice_surgery_depth=int(values["lattice_surgery_depth"]),
    )

def _measured(counts: LogicalCounts, index_qubits: int) -> dict:
    """A search plus the final measurement of `index`: m more measurements, one more layer."""
    out = counts.as_dict()
    out["measurements"] += index_qubits
    out["depth"] += 1
    out["lattice_surgery_depth"] += 1
    return out

#: Stages whose oracle excludes at most this many found keys are counted on their own bloq in
#: full; None (the default) counts every stage so, since the shape-only oracle's closed forms
#: make each stage cheap. With a number, later stages keep exact gate counts, the peak qubits of
#: the last fully counted oracle, and depth and T-depth bounded above by adding every further
#: exclusion test and its uncomputation one after another (docs/grover.md, section 6); the
#: record then says ``depth_is_upper_bound``.
EXACT_EXCLUSIONS = None

@lru_cache(maxsize=65536)
def _gates(bloq) -> dict:
    from qualtran.resource_counting import get_cost_value

    tally = get_cost_value(bloq, LoweredGateCost(), costs_cache=_COST_CACHES.setdefault("gates", {}))
    return {"toffoli": int(tally.toffoli), "t": int(tally.t), "clifford": int(tally.clifford),
            "rotations": int(tally.rotations), "measurements": int(tally.measurements)}

def _exclusion_depths(oracle, first: int) -> tuple[int, int, int]:
    """Depth, T-depth and lattice-surgery depth of the oracle's exclusion tests beyond the first
    ``first``, each run twice (compute and uncompute) one after another: an upper bound on what
    they add."""

    depth = t_depth = surgery = 0
    for test in getattr(oracle, "equality_tests", ())[first:]:
        profile = depth_profile(test)
        depth += 2 * profile.total_depth
        t_depth += 2 * profile.total_t_depth
        surgery += 2 * lattice_surgery_total(lattice_surgery_profile(test))
    return depth, t_depth, surgery

def _stage_counts(oracle_for: OracleFactory, excluded: int, iterations: int,
                  exact_up_to: int) -> tuple[LogicalCounts, bool]:
    """Counts of GroverSearch(oracle excluding ``excluded`` keys, r = ``iterations``), and
    whether its depth is an upper bound (see ``EXACT_EXCLUSIONS``)."""

    if excluded <= exact_up_to:
        return cached_counts(GroverSearch(oracle_for(excluded), iterations)), False
    base = cached_counts(GroverSearch(oracle_for(exact_up_to), iterations))
    oracle = oracle_for(excluded)
    extra_depth, extra_t_depth, extra_surgery = _exclusion_depths(oracle, exact_up_to)
    return LogicalCounts(
        qubits=base.qubits, **_gates(GroverSearch(oracle, iterations)),
        depth=base.depth + iterations * extra_depth, t_depth=base.t_depth + iterations * extra_t_depth,
        lattice_surgery_depth=base.lattice_surgery_depth + iterations * extra_surgery,
    ), True

def _stage_iterate(oracle_for: OracleFactory, excluded: int, exact_up_to: int) -> tuple[LogicalCounts, bool]:

    if excluded <= exact_up_to:
        return cached_counts(GroverIterate(oracle_for(excluded))), False
    base = cached_counts(GroverIterate(oracle_for(exact_up_to)))
    oracle = oracle_for(excluded)
    extra_depth, extra_t_depth, extra_surgery = _exclusion_depths(oracle, exact_up_to)
    return LogicalCounts(
        qubits=base.qubits, **_gates(GroverIterate(oracle)),
        depth=base.depth + extra_depth, t_depth=base.t_depth + extra_t_depth,
        lattice_surgery_depth=base.lattice_surgery_depth + extra_surgery,
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
    sums = {key: as_mpf(0) for key in LOGICAL_KEYS if key != "qubits"}
    peak = 0
    first = None
    depth_is_bound = False
    with mpmath.workdps(40):
        if isinstance(schedule, schedules.KnownKSchedule):
            for stage in schedule.stages:
                counts, bounded = _stage_counts(oracle_for, stage.excluded, stage.iterations, exact_up_to)
                depth_is_bound = depth_is_bound or bounded
                if first is None:
                    first = counts
                peak = max(peak, counts.qubits)
                per_search = _measured(counts, m)
                attempts = 1 / as_mpf(stage.success_probability)
                for key in sums:
                    sums[key] += attempts * per_search[key]
        else:
            depth_is_bound = True
            actual = schedule.actual
            for phase in schedule.phases:
                excluded = actual - phase.marked
                iterate, _ = _stage_iterate(oracle_for, excluded, exact_up_to)
                layer = cached_counts(GroverSearch(oracle_for(0), 0))
                peak = max(peak, iterate.qubits)
                per_round = _measured(layer, m)
                for key in sums:
                    sums[key] += as_mpf(phase.expected_rounds) * per_round[key]
                    sums[key] += as_mpf(phase.expected_iterations) * getattr(iterate, key)
            r, _ = single_search(problem)
            first = cached_counts(GroverSearch(oracle_for(0), r))
        totals = LogicalCounts(qubits=peak, **{key: ceil_int(value) for key, value in sums.items()})
    return CircuitTotals(totals=totals, first_search=first, depth_is_bound=depth_is_bound)

def attention_totals(problem: Problem, row_counts: dict[int, int], row_schedules: dict,
                     oracle_for: OracleFactory) -> CircuitTotals:
    """Expected totals of whole attention in the circuit model: every row's find-all schedule
    (``row_counts``: marked count -> rows with it; ``row_schedules``: marked count -> schedule)
    run one row after another on one register set. The one definition ``estimate attention``
    and ``table`` both use. ``first_search`` is that of the most common row."""
    sums = {key: as_mpf(0) for key in LOGICAL_KEYS if key != "qubits"}
    peak = 0
    bound = False
    first = None
    with mpmath.workdps(40):
        for t, rows in row_counts.items():
            if t not in row_schedules:
                continue
            row = circuit_totals(problem, row_schedules[t], oracle_for)
            first = first or row.first_search
            peak = max(peak, row.totals.qubits)
            bound = bound or row.depth_is_bound
            for key in sums:
                sums[key] += rows * getattr(row.totals, key)
        totals = LogicalCounts(qubits=peak, **{key: ceil_int(v) for key, v in sums.items()})
    return CircuitTotals(totals=totals, first_search=first, depth_is_bound=bound)


def oracle_bits(problem: Problem) -> int:
    """The oracle's entry width: the problem's, else the precision planner's for tau (default
    2 ln n)."""
    if problem.bits is not None:
        return problem.bits
    tau = problem.tau if problem.tau is not None else 2.0 * math.log(problem.n)
    return default_bits(problem.n, problem.d, tau)


def threshold_oracle_factory(problem: Problem, data: dict | None = None) -> OracleFactory:
    """excluded count -> the phase-form ``ThresholdOracle`` of this problem.

    Without an instance the oracle is the shape-only one (worst case over every b-bit Q_i) and
    the excluded keys are the last indices n-1, n-2, ... (an exclusion's Toffoli and T counts do
    not depend on which index it is; its X gates do).  With an instance (``data``: q, K, tau,
    bits) the entries are quantised at the instance's width by the precision planner, which
    refuses a width that would not mark exactly S_i, and the excluded keys are the marked ones
    in index order.
    """

    bits = oracle_bits(problem)
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
    return cached_counts(bloq), bloq
