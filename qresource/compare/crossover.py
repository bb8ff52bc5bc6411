"""Crossover between a quantum and a classical runtime, and Babbush et al.'s breakeven formula.

``find_crossover`` answers "from which sequence length n on is the quantum runtime below the
classical one?" for two runtime functions of n. It scans the powers of two between ``n_min`` and
``n_max`` and then bisects over the integers inside the first bracket where the sign changes, so it
assumes the difference changes sign at most once in that bracket (both runtimes are monotone
power laws times logarithms; docs/report.md). ``None`` means no crossover at or below ``n_max``.

``babbush_breakeven`` is the closed form of Babbush et al. 2021 (PRX Quantum 2, 010103, section II)
for a quadratic speedup, applied to one attention row: a classical scan makes n primitive calls
of t_C seconds, a Grover search c sqrt(n k) calls of t_Q seconds, so they break even at
n* = c^2 k (t_Q / t_C)^2, after a row time of n* t_C.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Callable, Generator, Sequence

from qresource.core.errors import QResourceError


@dataclass(frozen=True)
class Crossover:
    """Where ``quantum(n) < classical(n)`` first holds, within ``[n_min, n_max]``."""

    n_star: int | None
    n_min: int
    n_max: int
    status: str  # "crossover", "quantum faster at n_min", "none below n_max", "no estimate beyond"
    quantum_s: float | None  # at n_star
    classical_s: float | None
    n_checked: int | None = None  # "no estimate beyond" / "ratio rising": the largest n examined
    ratio_slope: float | None = None  # "ratio rising": d log(quantum/classical) / d log n there

    def as_dict(self) -> dict:
        return asdict(self)

    def label(self) -> str:
        if self.status == "crossover":
            return f"n* = {self.n_star:,}"
        if self.status == "quantum faster at n_min":
            return f"n* <= {self.n_min:,}"
        if self.status == "no estimate beyond" and self.n_checked is None:
            return "no quantum estimate at n_min"
        if self.status == "ratio rising":
            return (
                f"none up to n = {_power(self.n_checked)}: quantum/classical grows as "
                f"n^{self.ratio_slope:.2f}"
            )
        if self.status == "no estimate beyond":
            return f"none up to n = {_power(self.n_checked)} (no quantum estimate beyond)"
        return f"none below n_max = {_power(self.n_max)}"


def _power(n: int) -> str:
    return f"2^{n.bit_length() - 1}" if n & (n - 1) == 0 else f"{n:,}"


def find_crossover(
    quantum: Callable[[int], float],
    classical: Callable[[int], float],
    n_min: int,
    n_max: int,
    rel_tol: float = 0.0,
    stop_after_rising: int | None = None,
    rising_from: int = 0,
) -> Crossover:
    """The least integer n in [n_min, n_max] with quantum(n) < classical(n) (see module notes).

    With ``rel_tol`` > 0 the bisection stops once the bracket is narrower than ``rel_tol`` times
    its lower end, and ``n_star`` is the bracket's upper end: the quantum side wins there, and
    loses at an n at most that fraction smaller. Runtimes the models cannot give (None or NaN)
    count as "not faster"."""
    (result,) = find_crossovers([CrossoverSearch(quantum, classical, n_min, n_max, rel_tol, stop_after_rising,
                                                 rising_from)])
    return result


@dataclass(frozen=True)
class CrossoverSearch:
    """The arguments of one :func:`find_crossover`."""

    quantum: Callable[[int], float]
    classical: Callable[[int], float]
    n_min: int
    n_max: int
    rel_tol: float = 0.0
    stop_after_rising: int | None = None
    rising_from: int = 0


def find_crossovers(searches: Sequence[CrossoverSearch],
                    before_round: Callable[[list[tuple[int, int]]], None] | None = None) -> list[Crossover]:
    """Run many searches in lockstep: each round asks every unfinished search for its next n,
    calls ``before_round([(search index, n), ...])`` (where a caller evaluates those points
    together, in parallel say), then evaluates each search at its n. Every search examines the
    same points, and answers the same, as :func:`find_crossover` alone."""
    steps = []
    for search in searches:
        if not 2 <= search.n_min <= search.n_max:
            raise QResourceError(f"crossover search needs 2 <= n_min <= n_max, got {search.n_min}, {search.n_max}")
        steps.append(_steps(search.n_min, search.n_max, search.rel_tol, search.stop_after_rising, search.rising_from))
    results: list[Crossover | None] = [None] * len(searches)
    answers: dict[int, tuple[float, float] | None] = dict.fromkeys(range(len(searches)))
    while True:
        asked: dict[int, int] = {}
        for index, answer in answers.items():
            try:
                asked[index] = steps[index].send(answer)
            except StopIteration as stop:
                results[index] = stop.value
        if not asked:
            return results
        if before_round is not None:
            before_round(list(asked.items()))
        answers = {index: (_seconds(searches[index].quantum(n)), _seconds(searches[index].classical(n)))
                   for index, n in asked.items()}


def _steps(n_min: int, n_max: int, rel_tol: float, stop_after_rising: int | None,
           rising_from: int) -> Generator[int, tuple[float, float], Crossover]:
    """One search as a generator: yields each n it needs and receives (quantum, classical) there."""
    cache: dict[int, tuple[float, float]] = {}

    def wins(n: int):
        if n not in cache:
            cache[n] = yield n
        q, c = cache[n]
        return q < c

    def known(n: int) -> bool:
        return math.isfinite(cache[n][0])

    if (yield from wins(n_min)):
        q, c = cache[n_min]
        return Crossover(n_min, n_min, n_max, "quantum faster at n_min", q, c)
    if not known(n_min):
        return Crossover(None, n_min, n_max, "no estimate beyond", None, None, n_checked=None)
    low = n_min
    probe = 1 << n_min.bit_length()  # next power of two above n_min
    high = None
    rising = 0
    while True:
        candidate = min(probe, n_max)
        if (yield from wins(candidate)):
            high = candidate
            break
        if not known(candidate):
            return Crossover(None, n_min, n_max, "no estimate beyond", None, None, n_checked=low)
        slope = _ratio_slope(cache, low, candidate)
        rising = rising + 1 if slope is not None and slope > 0 and low >= rising_from else 0
        if stop_after_rising is not None and rising >= stop_after_rising and candidate < n_max:
            return Crossover(None, n_min, n_max, "ratio rising", None, None, n_checked=candidate, ratio_slope=slope)
        if candidate == n_max:
            return Crossover(None, n_min, n_max, "none below n_max", None, None)
        low = candidate
        probe <<= 1
    while high - low > max(1, int(low * rel_tol)):
        middle = (low + high) // 2
        if (yield from wins(middle)):
            high = middle
        else:
            low = middle
    q, c = cache[high]
    return Crossover(high, n_min, n_max, "crossover", q, c)


def _ratio_slope(cache: dict, low: int, high: int) -> float | None:
    """d log(q/c) / d log n between two examined points, or None if a side is not positive."""
    (q_low, c_low), (q_high, c_high) = cache[low], cache[high]
    if min(q_low, c_low, q_high, c_high) <= 0 or not math.isfinite(q_low * q_high):
        return None
    return (math.log(q_high / c_high) - math.log(q_low / c_low)) / (math.log(high) - math.log(low))


def _seconds(value) -> float:
    if value is None:
        return math.inf
    value = float(value)
    return math.inf if math.isnan(value) else value


def babbush_breakeven(t_quantum_s: float, t_classical_s: float, k: int, calls_constant: float) -> dict:
    """Babbush et al. 2021's breakeven for one row: classical n t_C against quantum
    ``calls_constant`` sqrt(n k) t_Q (the constant of the find-all-k schedule, pi/2 for the
    textbook bound sum_m (pi/4) sqrt(n/m) <= (pi/2) sqrt(n k)).

    Returns ``n_star`` (real), ``row_seconds`` at breakeven (= n* t_C), and the ratio t_Q / t_C.
    """
    if t_quantum_s <= 0 or t_classical_s <= 0 or k < 1 or calls_constant <= 0:
        raise QResourceError("breakeven needs positive times, k >= 1 and a positive constant")
    ratio = t_quantum_s / t_classical_s
    n_star = calls_constant**2 * k * ratio**2
    return {"n_star": n_star, "row_seconds": n_star * t_classical_s, "time_ratio": ratio}
