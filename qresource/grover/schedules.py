"""Grover search schedules with exact iteration counts, success probabilities and expected queries.

Notation: a search space of N = 2^m index values (m = ceil(log2 n) qubits; the values n..N-1 are
never marked), t marked values, sin(theta_t) = sqrt(t / N).  One Grover iterate makes one oracle
query; after r iterates from the uniform superposition a measurement returns a marked value with
probability sin^2((2r + 1) theta_t)  (Boyer, Brassard, Hoyer, Tapp 1998, "Tight bounds on quantum
searching", section 3; BBHT below).  Every measured value is checked classically (one inner
product Q_i . K_j, d multiply-adds), which is how a search knows whether it succeeded.

Two find-all schedules, derived in docs/grover.md:

- ``known_k_schedule``: the number k of marked values is known.  Find them one at a time; with t
  still unfound, run r_t = floor(pi / (4 theta_t)) iterates with the found ones excluded from the
  oracle, repeat on failure.  Attempts are geometric with success p_t = sin^2((2 r_t + 1) theta_t),
  so E[queries] = sum_t r_t / p_t, side by side with Grover's sum_t (pi/4) sqrt(N/t) <=
  (pi/2) sqrt(N k).
- ``unknown_k_schedule``: only an upper bound k is known (Definition 1.2 of the Grover attention
  paper).  Each phase is BBHT's exponential search (their Theorem 3, lambda = 6/5) with a cap:
  after the ramp reaches sqrt(N), at most R rounds at the cap, then the phase declares "nothing
  left".  The last phase (t = 0) is the certification.  R is the smallest count that keeps the
  probability of stopping while something is left at most delta, for every t <= k.

The 1 - delta counts are Cantelli's one-sided bound E + sqrt(Var (1 - delta) / delta), from exact
means and variances; a seeded Monte-Carlo of the same randomised schedule checks both.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from fractions import Fraction
from functools import lru_cache

import mpmath
import numpy as np

from qresource.core.errors import QResourceError
from qresource.core.integers import address_width

#: BBHT's growth factor (any 1 < lambda < 4/3 works; Theorem 3 states the bound for 6/5).
BBHT_GROWTH = Fraction(6, 5)
#: BBHT Theorem 3: expected iterations <= (9/2) sqrt(N / t) for 1 <= t <= 3N/4.
BBHT_CONSTANT = Fraction(9, 2)

_PRECISION_DIGITS = 40


def index_bitsize(n: int) -> int:
    """Qubits of the index register for n items: ceil(log2 n), at least 1."""
    if n < 1:
        raise QResourceError(f"the number of keys n must be at least 1, got {n}")
    return address_width(n)


def _theta(marked: int, space: int) -> mpmath.mpf:
    with mpmath.workdps(_PRECISION_DIGITS):
        return mpmath.asin(mpmath.sqrt(mpmath.mpf(marked) / space))


def optimal_iterations(marked: int, space: int) -> int:
    """r = floor(pi / (4 theta)), sin^2 theta = marked / space (BBHT section 3); 0 if nothing is marked.

    Evaluated with 40 significant digits so that the exact cases (marked/space = 1/2, 1/4, ...)
    are not pushed across an integer by rounding.
    """
    _check_counts(marked, space)
    if marked == 0:
        return 0
    with mpmath.workdps(_PRECISION_DIGITS):
        ratio = mpmath.pi / (4 * _theta(marked, space))
        return int(mpmath.floor(ratio + mpmath.mpf(10) ** (-_PRECISION_DIGITS + 5)))


def success_probability(marked: int, space: int, iterations: int) -> float:
    """sin^2((2r + 1) theta): the probability that r iterates then a measurement find a marked value."""
    _check_counts(marked, space)
    if iterations < 0:
        raise ValueError("iterations must be >= 0")
    with mpmath.workdps(_PRECISION_DIGITS):
        return float(mpmath.sin((2 * iterations + 1) * _theta(marked, space)) ** 2)


def _check_counts(marked: int, space: int) -> None:
    if space < 1 or not 0 <= marked <= space:
        raise ValueError(f"need 0 <= marked <= space, got marked={marked}, space={space}")


def cantelli_upper(mean: float, variance: float, delta: float) -> float:
    """x with P(X >= x) <= delta for any X of this mean and variance (Cantelli's inequality)."""
    if not 0.0 < delta < 1.0:
        raise QResourceError(f"delta must lie strictly between 0 and 1, got {delta}")
    return mean + math.sqrt(max(variance, 0.0) * (1.0 - delta) / delta)


# --------------------------------------------------------------------------------------------
# Known number of marked values


@dataclass(frozen=True)
class KnownKStage:
    """Searching with ``remaining`` marked values unfound and ``excluded`` found ones excluded."""

    remaining: int
    excluded: int
    iterations: int
    success_probability: float
    expected_attempts: float
    expected_queries: float
    query_variance: float
    grover_estimate: float  # (pi/4) sqrt(N / remaining), Grover's continuous count


@dataclass(frozen=True)
class KnownKSchedule:
    """Find all k marked values of one row, one at a time, k known (module docstring)."""

    n: int
    k: int
    space: int
    stages: tuple[KnownKStage, ...]
    delta: float

    @property
    def expected_queries(self) -> float:
        return math.fsum(s.expected_queries for s in self.stages)

    @property
    def query_variance(self) -> float:
        return math.fsum(s.query_variance for s in self.stages)

    @property
    def queries_upper(self) -> float:
        """Oracle queries that suffice with probability >= 1 - delta (Cantelli)."""
        return cantelli_upper(self.expected_queries, self.query_variance, self.delta)

    @property
    def expected_attempts(self) -> float:
        """Searches run, i.e. measured values checked classically."""
        return math.fsum(s.expected_attempts for s in self.stages)

    @property
    def expected_exclusion_comparisons(self) -> float:
        """Index-vs-found-index comparisons made inside the oracle, summed over all queries."""
        return math.fsum(s.excluded * s.expected_queries for s in self.stages)

    @property
    def grover_sum(self) -> float:
        """sum_{t=1..k} (pi/4) sqrt(N/t) (Grover's count for each successive search)."""
        return math.fsum(s.grover_estimate for s in self.stages)

    @property
    def grover_bound(self) -> float:
        """(pi/2) sqrt(N k), an upper bound on ``grover_sum`` (sum_t t^-1/2 <= 2 sqrt(k))."""
        return math.pi / 2 * math.sqrt(self.space * self.k)

    @property
    def first_search(self) -> KnownKStage:
        """The single search with all k values marked: what ``export grover`` writes."""
        return self.stages[0]


@lru_cache(maxsize=1 << 16)
def optimal_stage(remaining: int, space: int) -> tuple[int, float]:
    """(r, p): the optimal iterations with ``remaining`` of ``space`` marked and their success
    probability, computed once per pair (every row, every d and every k above ``remaining``
    meets the same stage)."""
    r = optimal_iterations(remaining, space)
    return r, success_probability(remaining, space, r)


@lru_cache(maxsize=4096)
def known_k_schedule(n: int, k: int, delta: float = 0.01) -> KnownKSchedule:
    """The find-all schedule when exactly k of the n indices are marked (module docstring)."""
    _check_find_all(n, k)
    space = 1 << index_bitsize(n)
    stages = []
    for remaining in range(k, 0, -1):
        r, p = optimal_stage(remaining, space)
        attempts = 1.0 / p
        # attempts ~ Geometric(p): mean 1/p, variance (1 - p)/p^2; queries = r * attempts
        stages.append(
            KnownKStage(
                remaining=remaining,
                excluded=k - remaining,
                iterations=r,
                success_probability=p,
                expected_attempts=attempts,
                expected_queries=r * attempts,
                query_variance=r * r * (1.0 - p) / (p * p),
                grover_estimate=math.pi / 4 * math.sqrt(space / remaining),
            )
        )
    return KnownKSchedule(n=n, k=k, space=space, stages=tuple(stages), delta=delta)


def _check_find_all(n: int, k: int) -> None:
    if n < 1:
        raise QResourceError(f"the number of keys n must be at least 1, got {n}")
    if k < 1:
        raise QResourceError(f"the sparsity k must be at least 1, got {k}")
    if k > n:
        raise QResourceError(f"the sparsity k = {k} exceeds the number of keys n = {n}")


# --------------------------------------------------------------------------------------------
# Unknown number of marked values (BBHT exponential search with a cap)


def bbht_ramp(space: int, growth: Fraction = BBHT_GROWTH) -> tuple[int, ...]:
    """Numbers of choices ceil(m) of the ramp rounds, m = 1, lambda, lambda^2, ... while m < sqrt(N).

    In a round with real parameter m, j is drawn uniformly from the integers 0 <= j < m, i.e.
    from ceil(m) values (BBHT Theorem 3's algorithm, step 3a).  Exact rational arithmetic.
    """
    choices = []
    m = Fraction(1)
    while m * m < space:
        choices.append(math.ceil(m))
        m *= growth
    return tuple(choices)


def bbht_cap_choices(space: int) -> int:
    """ceil(sqrt(N)): the number of choices of j once m has reached its cap sqrt(N)."""
    return math.isqrt(space - 1) + 1 if space > 1 else 1


@lru_cache(maxsize=65536)
def _round_moments(choices: int, marked: int, space: int) -> tuple[float, float, float, float]:
    """For j uniform in {0..c-1}: P(success), E[j], E[j^2], E[j * 1(failure)].

    P(success) = 1/2 - sin(4 c theta) / (4 c sin 2 theta)  (BBHT Lemma 1); the failure moment
    uses sum_j j cos((2j+1) phi) in closed form (derivative of a geometric series), at 40 digits so
    that phi ~ 1/sqrt(N) does not cancel away.
    """
    c = choices
    mean_j = (c - 1) / 2
    mean_j2 = (c - 1) * (2 * c - 1) / 6
    if marked == 0:
        return 0.0, mean_j, mean_j2, mean_j
    with mpmath.workdps(_PRECISION_DIGITS):
        theta = _theta(marked, space)
        phi = 2 * theta
        if marked == space:  # theta = pi/2: every outcome is marked
            return 1.0, mean_j, mean_j2, 0.0
        p_success = mpmath.mpf(1) / 2 - mpmath.sin(2 * c * phi) / (4 * c * mpmath.sin(phi))
        # cos^2((2j+1) theta) = (1 + cos((2j+1) phi)) / 2
        z = mpmath.expj(2 * phi)
        weighted = mpmath.expj(phi) * z * (1 - c * z ** (c - 1) + (c - 1) * z**c) / (1 - z) ** 2
        sum_j_cos = mpmath.re(weighted)
        fail_moment = (mpmath.mpf(c) * (c - 1) / 2 + sum_j_cos) / 2 / c
        return float(p_success), mean_j, mean_j2, float(fail_moment)


@dataclass(frozen=True)
class PhaseMoments:
    """One capped BBHT phase with ``marked`` values unfound: iterations (= oracle queries), rounds."""

    marked: int
    expected_iterations: float
    iteration_variance: float
    expected_rounds: float
    miss_probability: float  # the phase ends with "nothing left" although marked >= 1


def bbht_phase(marked: int, space: int, cap_rounds: int, growth: Fraction = BBHT_GROWTH) -> PhaseMoments:
    """Exact moments of one phase: the ramp rounds, then ``cap_rounds`` rounds at the cap.

    With S_r the cost from round r on, given round r is reached: S_r = j_r + 1(fail_r) S_(r+1),
    where S_(r+1) is independent of round r, so E[S_r] = E[j] + P(fail) E[S_(r+1)] and
    E[S_r^2] = E[j^2] + 2 E[j 1(fail)] E[S_(r+1)] + P(fail) E[S_(r+1)^2].
    """
    rounds = list(bbht_ramp(space, growth)) + [bbht_cap_choices(space)] * cap_rounds
    first, second, rounds_mean, miss = 0.0, 0.0, 0.0, 1.0
    for choices in reversed(rounds):
        p_success, mean_j, mean_j2, fail_moment = _round_moments(choices, marked, space)
        p_fail = 1.0 - p_success
        second = mean_j2 + 2.0 * fail_moment * first + p_fail * second
        first = mean_j + p_fail * first
        rounds_mean = 1.0 + p_fail * rounds_mean
        miss *= p_fail
    return PhaseMoments(
        marked=marked,
        expected_iterations=first,
        iteration_variance=max(second - first * first, 0.0),
        expected_rounds=rounds_mean,
        miss_probability=miss if marked else 0.0,
    )


def bbht_cap_rounds(space: int, k: int, delta: float, growth: Fraction = BBHT_GROWTH) -> int:
    """The fewest cap rounds R with sum_{t=1..k} P(phase with t unfound stops early) <= delta.

    A round at the cap succeeds with probability >= 1/4 when 1 <= t <= 3N/4 (BBHT Lemma 2, since
    sqrt(N) >= 1/sin(2 theta_t)), so R <= ceil(ln(k/delta) / ln(4/3)); the exact miss
    probabilities usually allow fewer.
    """
    if not 0.0 < delta < 1.0:
        raise QResourceError(f"delta must lie strictly between 0 and 1, got {delta}")
    cap = bbht_cap_choices(space)
    ramp = bbht_ramp(space, growth)
    ramp_miss, cap_fail = [], []
    for t in range(1, k + 1):
        miss = 1.0
        for choices in ramp:
            miss *= 1.0 - _round_moments(choices, t, space)[0]
        ramp_miss.append(miss)
        cap_fail.append(1.0 - _round_moments(cap, t, space)[0])
    bound = math.ceil(math.log(k / delta) / math.log(4 / 3))
    for rounds in range(0, max(bound, 1) * 4 + 64):
        if math.fsum(m * f**rounds for m, f in zip(ramp_miss, cap_fail)) <= delta:
            return rounds
    raise QResourceError(f"no cap-round count reaches delta = {delta} for k = {k}, N = {space}")


@dataclass(frozen=True)
class UnknownKSchedule:
    """Find all marked values (at most k; ``actual`` of them) with capped BBHT phases, then certify."""

    n: int
    k: int
    actual: int
    space: int
    delta: float
    cap_rounds: int
    phases: tuple[PhaseMoments, ...]  # marked = actual, actual - 1, ..., 1, then 0 (certification)

    @property
    def certification(self) -> PhaseMoments:
        return self.phases[-1]

    def _reach_weighted(self, per_phase: str) -> float:
        """Exact expectation of a per-phase quantity: phase t runs only if no earlier phase
        stopped early."""
        total, reach = 0.0, 1.0
        for phase in self.phases:
            total += reach * getattr(phase, per_phase)
            reach *= 1.0 - phase.miss_probability
        return total

    @property
    def expected_queries(self) -> float:
        return self._reach_weighted("expected_iterations")

    @property
    def expected_rounds(self) -> float:
        return self._reach_weighted("expected_rounds")

    @property
    def queries_upper(self) -> float:
        """Queries that suffice with probability >= 1 - delta.

        Cantelli on the sum of all phases run to the end; stopping early only removes phases,
        so this sum dominates the actual cost."""
        mean = math.fsum(p.expected_iterations for p in self.phases)
        variance = math.fsum(p.iteration_variance for p in self.phases)
        return cantelli_upper(mean, variance, self.delta)

    @property
    def miss_probability(self) -> float:
        """Probability that the schedule stops before finding every marked value (<= delta)."""
        found_all = 1.0
        for phase in self.phases[:-1]:
            found_all *= 1.0 - phase.miss_probability
        return 1.0 - found_all

    @property
    def bbht_bound(self) -> float:
        """sum_t (9/2) sqrt(N/t) over the finding phases (BBHT Theorem 3), plus the certification."""
        finding = math.fsum(float(BBHT_CONSTANT) * math.sqrt(self.space / t) for t in range(1, self.actual + 1))
        return finding + self.certification.expected_iterations

    @property
    def certification_constant(self) -> float:
        """E[certification iterations] / sqrt(N)."""
        return self.certification.expected_iterations / math.sqrt(self.space)


def unknown_k_schedule(n: int, k: int, delta: float = 0.01, actual: int | None = None) -> UnknownKSchedule:
    """Capped-BBHT find-all for a row with ``actual`` (default k) marked values, at most k known."""
    _check_find_all(n, k)
    actual = k if actual is None else actual
    if not 0 <= actual <= k:
        raise QResourceError(f"the actual number of marked keys must lie in 0..k = {k}, got {actual}")
    space = 1 << index_bitsize(n)
    cap_rounds = bbht_cap_rounds(space, k, delta)
    phases = tuple(bbht_phase(t, space, cap_rounds) for t in range(actual, -1, -1))
    return UnknownKSchedule(
        n=n, k=k, actual=actual, space=space, delta=delta, cap_rounds=cap_rounds, phases=phases
    )


# --------------------------------------------------------------------------------------------
# Monte-Carlo of the randomised schedules, with exact Grover probabilities


@dataclass
class SimulatedQueries:
    """Oracle queries of each simulated run, and whether the run found every marked value."""

    queries: np.ndarray
    found_all: np.ndarray = field(repr=False)

    @property
    def mean(self) -> float:
        return float(self.queries.mean())

    def quantile(self, level: float) -> float:
        return float(np.quantile(self.queries, level))


def _grover_probabilities(marked: int, space: int, iterations: np.ndarray) -> np.ndarray:
    theta = math.asin(math.sqrt(marked / space))
    return np.sin((2 * iterations + 1) * theta) ** 2


def simulate_unknown_k(schedule: UnknownKSchedule, runs: int, seed: int) -> SimulatedQueries:
    """Run the capped-BBHT find-all schedule ``runs`` times (vectorised, seeded)."""
    rng = np.random.default_rng(seed)
    space = schedule.space
    rounds = list(bbht_ramp(space)) + [bbht_cap_choices(space)] * schedule.cap_rounds
    queries = np.zeros(runs, dtype=np.int64)
    still_going = np.ones(runs, dtype=bool)  # no phase has stopped early so far
    for phase in schedule.phases:
        searching = still_going.copy()
        for choices in rounds:
            if not searching.any():
                break
            j = rng.integers(0, choices, size=runs)
            hit = rng.random(runs) < _grover_probabilities(phase.marked, space, j) if phase.marked else np.zeros(runs, bool)
            queries += np.where(searching, j, 0)
            searching &= ~hit
        # runs still searching after the last round declared "nothing left"
        if phase.marked:
            still_going &= ~searching
    return SimulatedQueries(queries=queries, found_all=still_going)


def simulate_known_k(schedule: KnownKSchedule, runs: int, seed: int) -> SimulatedQueries:
    """Run the known-k find-all schedule ``runs`` times: geometric retries at each stage."""
    rng = np.random.default_rng(seed)
    queries = np.zeros(runs, dtype=np.int64)
    for stage in schedule.stages:
        attempts = rng.geometric(stage.success_probability, size=runs)
        queries += stage.iterations * attempts
    return SimulatedQueries(queries=queries, found_all=np.ones(runs, dtype=bool))
