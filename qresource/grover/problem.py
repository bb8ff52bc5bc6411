"""One search or attention problem, its find-all schedule and the single search ``export grover`` writes.

Two cost models are reported side by side (derivations: docs/grover.md):

- ``query`` (the Grover attention paper's own accounting: O(d) per oracle call "assuming the data
  are stored in QRAM", section 1 and the proof of Lemma 5.1; totals in Theorems 1.3 / 6.1): oracle
  calls, each charged d time units with QRAM access taken as free, plus the classical work;
- ``circuit``: every oracle call is the real ``ThresholdOracle`` with its data loader, counted on
  the very ``GroverSearch`` bloqs that ``export grover`` flattens.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from qresource.core.errors import QResourceError
from qresource.grover import schedules
from qresource.oracle.precision import LogBase, plan_precision, tau_precondition_failure

MODELS = ("query", "circuit")

SCHEDULES = ("known", "unknown")

DEFAULT_LOADER = "qrom"

DEFAULT_DELTA = 0.01

QUERY_MODEL = ("query: oracle calls, each charged d time units (QRAM access free, as in section 1 "
               "and the proof of Lemma 5.1)")

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
    log_base: LogBase = LogBase.E

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
        return schedules.index_bitsize(self.n)

    def params(self) -> dict:
        return {
            "n": self.n, "k": self.k, "d": self.d, "bits": self.bits, "tau": self.tau,
            "loader": self.loader, "schedule": self.schedule, "delta": self.delta,
            "index_qubits": self.index_qubits, "search_space": 1 << self.index_qubits,
        }

def precondition_notes(problem: Problem) -> list[str]:
    """Theorem 1.3's tau >= 2 log n under the problem's reading of log, checked and reported,
    never assumed."""
    failure = tau_precondition_failure(problem.n, problem.tau, problem.log_base)
    if failure is None:
        return []
    return [f"warning: {failure}; its error bound does not apply, the costs below are still computed"]

#: The largest n: one search's depth grows as n^1.5 and stays below 2^62 layers (the depth
#: calculation's exact int64 range) up to here for every k, d <= 256 and loader at the planned bits.
MAX_KEYS = 2**32
#: The largest head dimension d: the oracle's inner product is decomposed term by term.
MAX_HEAD_DIMENSION = 256


def make_problem(*, n: int, k: int, d: int, bits: int | None = None, tau: float | None = None,
                 loader: str = DEFAULT_LOADER, schedule: str = "known",
                 delta: float = DEFAULT_DELTA, log_base: LogBase = LogBase.E) -> Problem:
    """A ``Problem`` with tau defaulting to 2 log n in ``log_base`` (Theorem 1.3's smallest under
    that reading; 2 ln n by default) and bits to the precision planner's width for entries in
    [-1, 1] (``default_bits``)."""
    if n > MAX_KEYS:
        raise QResourceError(
            f"n = {n:,} is too large: the largest n allowed is 2**{MAX_KEYS.bit_length() - 1} = {MAX_KEYS:,} "
            f"(beyond it one search's depth can leave the exact 64-bit range of the depth calculation)")
    if d > MAX_HEAD_DIMENSION:
        raise QResourceError(
            f"d = {d:,} is too large: the largest d allowed is {MAX_HEAD_DIMENSION} (the circuit model "
            f"decomposes the inner product term by term; its time and memory grow past reach beyond that)")
    if k > n:
        raise QResourceError(f"the sparsity k = {k} exceeds the number of keys n = {n}")
    log_base = LogBase.parse(log_base)
    tau = log_base.smallest_tau(n) if tau is None else float(tau)
    bits = default_bits(n, d, tau) if bits is None else bits
    return Problem(n=n, k=k, d=d, bits=bits, tau=tau, loader=loader, schedule=schedule, delta=delta,
                   log_base=log_base)

#: Entries |Q_it|, |K_jt| <= VALUE_RANGE when the planner picks the width from ranges alone.
VALUE_RANGE = 1

def default_bits(n: int, d: int, tau: float) -> int:
    """The precision planner's entry width for d-dimensional entries in [-1, 1] and threshold
    tau (``qresource.oracle.precision.plan_precision``, range form): the smallest b at which
    quantisation cannot move a score across the gap (0, tau)."""

    return plan_precision(d=d, q_max=VALUE_RANGE, k_max=VALUE_RANGE, tau=tau).bits

def find_all_schedule(problem: Problem, actual: int | None = None):
    """The find-all schedule of one row: ``KnownKSchedule`` or ``UnknownKSchedule``."""
    if problem.schedule == "known":
        k = problem.k if actual is None else actual
        return schedules.known_k_schedule(problem.n, k, problem.delta)
    return schedules.unknown_k_schedule(problem.n, problem.k, problem.delta, actual=actual)

def expected_searches(schedule) -> float:
    """Expected number of searches (each ends in one measured index, checked classically)."""
    if isinstance(schedule, schedules.KnownKSchedule):
        return schedule.expected_attempts
    return schedule.expected_rounds

def schedule_summary(schedule) -> dict:
    """The JSON ``schedule`` block: expected and 1 - delta queries, searches, reference bounds."""
    out = {
        "kind": "known" if isinstance(schedule, schedules.KnownKSchedule) else "unknown",
        "search_space": schedule.space,
        "expected_queries": schedule.expected_queries,
        "queries_1_minus_delta": math.ceil(schedule.queries_upper),
        "delta": schedule.delta,
        "expected_searches": expected_searches(schedule),
    }
    if isinstance(schedule, schedules.KnownKSchedule):
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
    r = schedules.optimal_iterations(problem.k, space)
    return r, schedules.success_probability(problem.k, space, r)
