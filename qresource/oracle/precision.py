"""The precision planner: how many bits per entry the threshold oracle needs to mark exactly S_i.

The oracle of Algorithm 1 (Grover attention paper, Definitions 1.2 and 4.1) marks
S_i = {j : Q_i . K_j >= tau}. Theorem 1.3 assumes a gap: every score outside S_i lies in
[-eta, 0]. With Q and K rounded to b-bit fixed point (:mod:`qresource.arithmetic.fixed_point`) at
scales 2^-f_Q and 2^-f_K, a quantised score differs from the true one by at most

    E = delta_K ||Q_i||_1 + delta_Q max_j ||K_j||_1 + d delta_Q delta_K,
    delta_Q = 2^-(f_Q+1), delta_K = 2^-(f_K+1)                       (docs/oracle.md, eq. E)

so an integer threshold T at the middle of the gap (0, tau) separates the two sides whenever
E < tau/2 (with the grid rounding of T accounted exactly). Where every entry is represented
exactly at the chosen grid (integers that fit, for instance) the quantised scores are the true
ones, and T = ceil(tau / unit) marks exactly {s >= tau} with no gap needed.

:func:`plan_precision` returns the smallest b the bound certifies, from an instance (Q row, K,
tau) or from ranges only (d, max |Q|, max |K|, tau): the range form never looks at a score, so it
costs nothing like the search itself. For an instance it also runs the exact check (all n
quantised scores against [Q_i . K_j >= tau] in exact arithmetic) and reports the smallest width
that this instance alone would tolerate. Both widths come with the accumulator width the oracle
then uses (:func:`qresource.arithmetic.inner_product.accumulator_bits`). When no width up to
``max_bits`` can separate the scores the planner raises :class:`QResourceError` in one line.
"""

from __future__ import annotations

import enum
import math
from dataclasses import dataclass, field, replace
from fractions import Fraction
from typing import Optional, Sequence

import numpy as np

from qresource.arithmetic.fixed_point import (
    FixedPointFormat,
    accumulator_bits_for,
    as_float_array,
    largest_frac_bits,
    quantize_array,
    worst_case_accumulator_bits,
)
from qresource.core.errors import QResourceError

MAX_BITS = 48
# Sums of floats are rounded; inflating them by this factor keeps the bound an upper bound
# (a sum of d <= 2^20 non-negative float64 terms is off by less than d * 2^-53 relative).
_SUM_SLACK = Fraction(1) + Fraction(1, 2**30)


class LogBase(enum.StrEnum):
    """The base read into the paper's ``tau >= 2 log n`` (Lemma 4.3 condition 2, Theorem 1.3).

    The paper gives no base. ``E`` (the natural log, our default) is the weaker threshold and the
    one Lemma 4.3 part 4 needs (``k e^tau >= 2n`` follows from ``e^tau >= n^2``); ``TWO`` is the
    stronger ``tau >= 2 log2 n``.
    """

    E = "e"
    TWO = "2"

    @classmethod
    def parse(cls, value) -> "LogBase":
        try:
            return cls(str(value))
        except ValueError:
            raise QResourceError(f"unknown log base {value!r}; choose e or 2") from None

    @property
    def symbol(self) -> str:
        return "ln n" if self is LogBase.E else "log2 n"

    @property
    def reading(self) -> str:
        return "natural log" if self is LogBase.E else "base 2"

    def smallest_tau(self, n: int) -> float:
        """``2 log n`` in this base: the smallest threshold the paper allows under this reading."""
        return 2.0 * (math.log(n) if self is LogBase.E else math.log2(n))


def tau_precondition_failure(n: int, tau: Optional[float], log_base: LogBase = LogBase.E) -> Optional[str]:
    """The sentence saying ``tau < 2 log n`` under ``log_base``'s reading, or None when it holds
    (or no tau is given). Callers add what still holds (estimates are computed all the same)."""
    if tau is None:
        return None
    bound = log_base.smallest_tau(n)
    if float(tau) >= bound:
        return None
    return (f"tau = {float(tau):g} < 2 {log_base.symbol} = {bound:.4g}: Theorem 1.3's precondition "
            f"tau >= 2 log n fails, reading log as the {log_base.reading} (the paper gives no base)")


@dataclass(frozen=True)
class PrecisionPlan:
    """The widths and threshold the oracle uses, and the evidence for them.

    ``threshold`` is the integer the oracle compares Q_i . K_j against, in units of
    2^-(frac_bits_q + frac_bits_k) (the unit of a product of two entries)."""

    bits: int
    frac_bits_q: int
    frac_bits_k: int
    acc_bits: int
    threshold: int
    error_bound: Fraction
    exactly_represented: bool
    gap: tuple[Fraction, Fraction]
    exact_check: Optional[bool] = None
    instance_bits: Optional[int] = None
    instance_acc_bits: Optional[int] = None
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def format_q(self) -> FixedPointFormat:
        return FixedPointFormat(self.bits, self.frac_bits_q)

    @property
    def format_k(self) -> FixedPointFormat:
        return FixedPointFormat(self.bits, self.frac_bits_k)

    @property
    def unit(self) -> Fraction:
        return self.format_q.scale * self.format_k.scale

    def as_dict(self) -> dict:
        return {
            "bits": self.bits,
            "frac_bits_q": self.frac_bits_q,
            "frac_bits_k": self.frac_bits_k,
            "acc_bits": self.acc_bits,
            "threshold": self.threshold,
            "error_bound": float(self.error_bound),
            "exactly_represented": self.exactly_represented,
            "exact_check": self.exact_check,
            "instance_bits": self.instance_bits,
        }


@dataclass(frozen=True)
class Instance:
    """One row's search problem: Q_i (d numbers), K (n x d numbers), tau, optional eta."""

    q: np.ndarray
    keys: np.ndarray
    tau: Fraction
    eta: Optional[Fraction] = None

    @property
    def n(self) -> int:
        return int(self.keys.shape[0])

    @property
    def d(self) -> int:
        return int(self.keys.shape[1])


def make_instance(q: Sequence, keys: Sequence[Sequence], tau, eta=None) -> Instance:
    """Validate shapes and numbers; every problem is one QResourceError line."""
    try:
        q_array = as_float_array(q)
        k_array = as_float_array(keys)
    except ValueError as exc:
        raise QResourceError(f"instance: {exc}") from None
    if q_array.ndim != 1 or q_array.size == 0:
        raise QResourceError("instance: q must be a non-empty list of d numbers")
    if k_array.ndim != 2 or k_array.shape[0] < 2:
        raise QResourceError("instance: K must be a list of at least 2 rows of d numbers")
    if k_array.shape[1] != q_array.size:
        raise QResourceError(
            f"instance: K rows have {k_array.shape[1]} numbers but q has {q_array.size} (d must agree)"
        )
    return Instance(q_array, k_array, _exact_number(tau, "tau"), None if eta is None else _exact_number(eta, "eta"))


def _exact_number(value, name: str) -> Fraction:
    if isinstance(value, bool) or value is None:
        raise QResourceError(f"{name} must be a number, got {value!r}")
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise QResourceError(f"{name} must be a number, got {value!r}") from None
    if not math.isfinite(number):
        raise QResourceError(f"{name} must be finite, got {value!r}")
    return Fraction(int(value)) if isinstance(value, int) else Fraction(number)


# --------------------------------------------------------------------------------------------
# Exact scores


def exact_scores_at_least(instance: Instance, threshold: Fraction) -> np.ndarray:
    """[Q_i . K_j >= threshold] for every j, exactly: float64 scores decide every j that is far
    from the threshold, and the few within the float error are recomputed in rational arithmetic."""
    scores = instance.keys @ instance.q
    magnitude = np.abs(instance.keys) @ np.abs(instance.q)
    slack = magnitude * (instance.d + 2) * 2.0**-52 + 1e-300
    result = scores >= float(threshold)
    close = np.nonzero(np.abs(scores - float(threshold)) <= slack)[0]
    if close.size:
        q_exact = [Fraction(float(v)) for v in instance.q]
        for j in close:
            s = sum(Fraction(float(k)) * qv for k, qv in zip(instance.keys[j], q_exact))
            result[j] = s >= threshold
    return result


def _exact_score(instance: Instance, j: int) -> Fraction:
    return sum(Fraction(float(k)) * Fraction(float(qv)) for k, qv in zip(instance.keys[j], instance.q))


def lower_gap_edge(instance: Instance) -> tuple[Fraction, list[str]]:
    """The largest score outside S_i when it lies above 0 (Theorem 1.3's gap precondition fails),
    else 0; with notes on the precondition (the gap above 0 and eta below it)."""
    notes: list[str] = []
    marked = exact_scores_at_least(instance, instance.tau)
    negated = Instance(-instance.q, instance.keys, -instance.tau)
    positive = ~exact_scores_at_least(negated, Fraction(0))  # not (s <= 0)
    violators = np.nonzero(positive & ~marked)[0]
    scores = instance.keys @ instance.q
    lo = Fraction(0)
    if violators.size:
        top = float(scores[violators].max())
        slack = float((np.abs(instance.keys[violators]) @ np.abs(instance.q)).max()) * (instance.d + 2) * 2.0**-52
        near_top = [int(j) for j in violators if scores[j] >= top - slack]
        lo = max(_exact_score(instance, j) for j in near_top)
        notes.append(
            f"Theorem 1.3's gap precondition fails: {violators.size} scores outside S_i lie in "
            f"(0, tau), up to {float(lo):.6g}"
        )
    unmarked = np.nonzero(~marked)[0]
    if unmarked.size and instance.eta is not None:
        lowest = float(scores[unmarked].min())
        if -lowest > float(instance.eta) * (1 + 1e-12):
            notes.append(f"scores outside S_i reach {lowest:.6g} < -eta = {-float(instance.eta):.6g}")
    return lo, notes


# --------------------------------------------------------------------------------------------
# The bound


def _error_bound(d: int, q_l1: Fraction, k_l1_max: Fraction, fq: int, fk: int) -> Fraction:
    delta_q = FixedPointFormat(2, fq).max_error
    delta_k = FixedPointFormat(2, fk).max_error
    return delta_k * q_l1 + delta_q * k_l1_max + d * delta_q * delta_k


def _ceil_div(a: Fraction, b: Fraction) -> int:
    return math.ceil(a / b)


def _separating_threshold(lo: Fraction, hi: Fraction, error: Fraction, unit: Fraction) -> Optional[int]:
    """The midpoint integer threshold T (units ``unit``) if the bound certifies it: every score
    >= hi quantises to >= T and every score <= lo to < T."""
    threshold = _ceil_div((lo + hi) / 2, unit)
    if (lo + error) < threshold * unit and threshold * unit <= hi - error:
        return threshold
    return None


def _width_candidates(max_bits: int):
    return range(1, max_bits + 1)


# --------------------------------------------------------------------------------------------
# Planner


def plan_precision(
    *,
    q: Optional[Sequence] = None,
    keys: Optional[Sequence[Sequence]] = None,
    tau,
    eta=None,
    d: Optional[int] = None,
    q_max=None,
    k_max=None,
    max_bits: int = MAX_BITS,
) -> PrecisionPlan:
    """Smallest entry width b for which quantisation cannot move a score across the gap.

    Give either an instance (``q`` = Q_i, or several rows Q_i as a 2-D array, ``keys`` = K,
    ``tau``, optional ``eta``) or ranges
    (``d``, ``q_max`` >= |Q_it|, ``k_max`` >= |K_jt|, ``tau``, optional ``eta``). eta does not
    enter the width: only the top of the low interval (0) and tau bound the gap."""
    if q is not None or keys is not None:
        if q is None or keys is None:
            raise QResourceError("plan_precision: give both q and keys, or d, q_max and k_max")
        if np.ndim(q) == 2:  # several rows Q_i: the widest plan (each row keeps its own scales)
            plans = [_plan_instance(make_instance(row, keys, tau, eta), max_bits) for row in q]
            widest = max(plans, key=lambda plan: (plan.bits, plan.acc_bits))
            note = f"widest of {len(plans)} rows; each row's oracle uses its own scale and threshold"
            return replace(widest, notes=widest.notes + (note,))
        return _plan_instance(make_instance(q, keys, tau, eta), max_bits)
    if d is None or q_max is None or k_max is None:
        raise QResourceError("plan_precision: give an instance (q, keys) or ranges (d, q_max, k_max)")
    return _plan_ranges(int(d), _exact_number(q_max, "q_max"), _exact_number(k_max, "k_max"),
                        _exact_number(tau, "tau"), max_bits)


def _plan_ranges(d: int, q_max: Fraction, k_max: Fraction, tau: Fraction, max_bits: int) -> PrecisionPlan:

    if d < 1:
        raise QResourceError(f"d must be at least 1, got {d}")
    if q_max < 0 or k_max < 0:
        raise QResourceError("value ranges must be non-negative")
    if tau <= 0:
        raise QResourceError(
            f"tau = {float(tau):g} leaves no gap above the scores outside S_i (<= 0): no width can separate them"
        )
    lo, hi = Fraction(0), tau
    best_error = None
    for bits in _width_candidates(max_bits):
        fq = largest_frac_bits([float(q_max)], bits)
        fk = largest_frac_bits([float(k_max)], bits)
        if fq is None or fk is None:
            continue
        error = _error_bound(d, d * q_max * _SUM_SLACK, d * k_max * _SUM_SLACK, fq, fk)
        best_error = error
        unit = FixedPointFormat(bits, fq).scale * FixedPointFormat(bits, fk).scale
        threshold = _separating_threshold(lo, hi, error, unit)
        if threshold is not None:
            return PrecisionPlan(
                bits=bits, frac_bits_q=fq, frac_bits_k=fk,
                acc_bits=worst_case_accumulator_bits(d, bits), threshold=threshold,
                error_bound=error, exactly_represented=False, gap=(lo, hi),
            )
    raise QResourceError(
        f"no entry width up to {max_bits} bits separates the scores: at {max_bits} bits the "
        f"quantisation error bound is {float(best_error):.3g}, the gap (0, {float(tau):g}) needs < {float(tau) / 2:.3g}"
    )


@dataclass(frozen=True)
class QuantisedInstance:
    q: tuple[int, ...]
    keys: tuple[tuple[int, ...], ...]
    threshold: int
    exactly_represented: bool


def quantise(instance: Instance, bits: int, lo: Fraction = Fraction(0)) -> Optional[tuple[QuantisedInstance, int, int, Fraction]]:
    """The instance at width ``bits`` on the finest grid that holds it, with its threshold:
    (quantised instance, f_Q, f_K, error bound); None if the entries cannot fit."""
    fq = largest_frac_bits(instance.q, bits)
    fk = largest_frac_bits(instance.keys, bits)
    if fq is None or fk is None:
        return None
    fmt_q, fmt_k = FixedPointFormat(bits, fq), FixedPointFormat(bits, fk)
    q_int = quantize_array(instance.q, fmt_q)
    k_int = quantize_array(instance.keys, fmt_k)
    represented = bool(
        np.array_equal(np.ldexp(q_int.astype(np.float64), -fq), instance.q)
        and np.array_equal(np.ldexp(k_int.astype(np.float64), -fk), instance.keys)
    )
    unit = fmt_q.scale * fmt_k.scale
    if represented:
        error = Fraction(0)
        threshold = _ceil_div(instance.tau, unit)
    else:
        q_l1 = Fraction(math.fsum(np.abs(instance.q))) * _SUM_SLACK
        k_l1 = Fraction(float(np.max(np.abs(instance.keys).sum(axis=1)))) * _SUM_SLACK
        error = _error_bound(instance.d, q_l1, k_l1, fq, fk)
        threshold = _ceil_div((lo + instance.tau) / 2, unit)
    quantised = QuantisedInstance(
        tuple(int(v) for v in q_int),
        tuple(tuple(int(v) for v in row) for row in k_int),
        int(threshold),
        represented,
    )
    return quantised, fq, fk, error


def quantised_scores(quantised: QuantisedInstance) -> list[int]:
    """Exact integer scores sum_t q_t k_jt (Python ints: no overflow at any width)."""
    return [sum(a * b for a, b in zip(quantised.q, row)) for row in quantised.keys]


def _marks_exactly(instance: Instance, quantised: QuantisedInstance, truth: np.ndarray) -> bool:
    marked = np.array([s >= quantised.threshold for s in quantised_scores(quantised)])
    return bool(np.array_equal(marked, truth))


def _plan_instance(instance: Instance, max_bits: int) -> PrecisionPlan:

    truth = exact_scores_at_least(instance, instance.tau)
    lo, notes = lower_gap_edge(instance)
    hi = instance.tau
    instance_bits = None
    instance_acc = None
    best_error = None
    for bits in _width_candidates(max_bits):
        result = quantise(instance, bits, lo)
        if result is None:
            continue
        quantised, fq, fk, error = result
        best_error = error
        exact_ok = None
        if instance_bits is None:
            exact_ok = _marks_exactly(instance, quantised, truth)
            if exact_ok:
                instance_bits = bits
                instance_acc = accumulator_bits_for(quantised.q, bits)
        unit = FixedPointFormat(bits, fq).scale * FixedPointFormat(bits, fk).scale
        certified = quantised.exactly_represented or (
            hi > lo and _separating_threshold(lo, hi, error, unit) is not None
        )
        if certified:
            if exact_ok is None:
                exact_ok = _marks_exactly(instance, quantised, truth)
            if not exact_ok:  # the bound is a theorem; reaching this line would be a bug
                raise AssertionError(f"precision bound certified {bits} bits but the exact check failed")
            if lo > 0 and not quantised.exactly_represented:
                notes.append(f"planned for this instance's own gap ({float(lo):.6g}, tau)")
            return PrecisionPlan(
                bits=bits, frac_bits_q=fq, frac_bits_k=fk,
                acc_bits=accumulator_bits_for(quantised.q, bits), threshold=quantised.threshold,
                error_bound=error, exactly_represented=quantised.exactly_represented, gap=(lo, hi),
                exact_check=True, instance_bits=instance_bits, instance_acc_bits=instance_acc,
                notes=tuple(notes),
            )
    if hi <= lo:
        raise QResourceError("tau does not exceed the largest unmarked score: no width can separate them")
    bound = "" if best_error is None else f": at {max_bits} bits the error bound is {float(best_error):.3g}"
    raise QResourceError(
        f"no entry width up to {max_bits} bits separates this instance's scores around tau = "
        f"{float(instance.tau):g} (gap ({float(lo):.6g}, {float(hi):.6g})){bound}"
    )


def check_width(instance: Instance, bits: int, max_bits: int = MAX_BITS) -> tuple[QuantisedInstance, PrecisionPlan]:
    """The instance quantised at the user's width ``bits``, if that width marks exactly S_i;
    otherwise a QResourceError naming the planner's widths."""
    plan = _plan_instance(instance, max(max_bits, bits))
    lo = plan.gap[0]
    result = quantise(instance, bits, lo)
    if result is not None:
        quantised, _, _, _ = result
        if _marks_exactly(instance, quantised, exact_scores_at_least(instance, instance.tau)):
            return quantised, plan
        why = "quantisation moves scores across tau"
    else:
        why = "the entries do not fit"
    smallest = plan.instance_bits if plan.instance_bits is not None else plan.bits
    raise QResourceError(
        f"bits={bits} is too small for this instance ({why}): the planner needs bits >= {smallest}"
        f" (and certifies {plan.bits} from the worst-case bound)"
    )
