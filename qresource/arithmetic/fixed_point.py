"""Signed fixed-point numbers as the threshold oracle stores them.

An entry is a b-bit two's-complement integer ``m`` in [-2^(b-1), 2^(b-1) - 1] with a stated
scale: its value is ``m * 2^-f`` (``f`` fraction bits; ``f`` may be negative for a coarser grid).
Integers that fit the range are represented exactly with ``f = 0``. Rounding is to the nearest
grid point (ties to even, Python's ``round``), so the quantisation error of any value that fits is
at most ``2^-(f+1)``; the bound that the precision planner (:mod:`qresource.oracle.precision`) builds
on. All arithmetic is exact: values are converted through :class:`fractions.Fraction`, so a
float is rounded as the dyadic rational it is, never through another float operation.

A row of ``d`` entries is stored in one ``d * b``-bit word (the word a data loader writes):
coordinate ``t`` occupies bits ``[t*b, (t+1)*b)`` of the word as an unsigned integer, each
coordinate in two's complement with its least significant bit first.
"""

from __future__ import annotations

import enum
import math
import numbers
from dataclasses import dataclass
from fractions import Fraction
from typing import Iterable, Sequence

import numpy as np


def signed_range(bits: int) -> tuple[int, int]:
    """The smallest and largest integer of ``bits``-bit two's complement."""
    if bits < 1:
        raise ValueError(f"a fixed-point entry needs at least 1 bit, got {bits}")
    return -(1 << (bits - 1)), (1 << (bits - 1)) - 1


def to_twos_complement(value: int, bits: int) -> int:
    """The ``bits``-bit pattern (an unsigned integer) of the signed integer ``value``."""
    low, high = signed_range(bits)
    if not low <= value <= high:
        raise ValueError(f"{value} does not fit in {bits}-bit two's complement [{low}, {high}]")
    return value & ((1 << bits) - 1)


def from_twos_complement(pattern: int, bits: int) -> int:
    """The signed integer whose ``bits``-bit two's-complement pattern is ``pattern``."""
    if not 0 <= pattern < (1 << bits):
        raise ValueError(f"{pattern} is not a {bits}-bit pattern")
    return pattern - (1 << bits) if pattern >> (bits - 1) else pattern


def pack_row(row: Sequence[int], bits: int) -> int:
    """The ``len(row) * bits``-bit word holding the signed integers ``row``, coordinate 0 lowest."""
    word = 0
    for t, value in enumerate(row):
        word |= to_twos_complement(int(value), bits) << (t * bits)
    return word


def unpack_row(word: int, d: int, bits: int) -> tuple[int, ...]:
    """Inverse of :func:`pack_row`."""
    mask = (1 << bits) - 1
    return tuple(from_twos_complement((word >> (t * bits)) & mask, bits) for t in range(d))


def exact(value) -> Fraction:
    """``value`` (int, float, Fraction or numpy scalar) as an exact rational; rejects NaN and inf."""
    if isinstance(value, Fraction):
        return value
    if isinstance(value, bool):
        raise ValueError(f"{value!r} is not a number")
    if isinstance(value, numbers.Integral):
        return Fraction(int(value))
    number = float(value)
    if not math.isfinite(number):
        raise ValueError(f"{value!r} is not a finite number")
    return Fraction(number)


@dataclass(frozen=True)
class FixedPointFormat:
    """b-bit two's complement with ``frac_bits`` fraction bits: value = integer * 2^-frac_bits."""

    bits: int
    frac_bits: int

    def __post_init__(self):
        signed_range(self.bits)

    @property
    def scale(self) -> Fraction:
        """The value of one unit in the last place, 2^-frac_bits."""
        return Fraction(1, 1 << self.frac_bits) if self.frac_bits >= 0 else Fraction(1 << -self.frac_bits)

    @property
    def max_error(self) -> Fraction:
        """Largest rounding error of a value that fits: half a unit, 2^-(frac_bits+1)."""
        return self.scale / 2

    def quantize_one(self, value) -> int:
        """The integer m with m * 2^-f nearest to ``value``; raises ValueError if it does not fit."""
        m = round(exact(value) / self.scale)
        low, high = signed_range(self.bits)
        if not low <= m <= high:
            raise ValueError(
                f"{float(value):g} does not fit {self.bits}-bit fixed point with {self.frac_bits}"
                f" fraction bits (range [{float(low * self.scale):g}, {float(high * self.scale):g}])"
            )
        return int(m)

    def quantize(self, values: Iterable) -> tuple[int, ...]:
        return tuple(self.quantize_one(v) for v in values)

    def value(self, integer: int) -> Fraction:
        return integer * self.scale

    def fits(self, values: Iterable) -> bool:
        try:
            self.quantize(values)
        except ValueError:
            return False
        return True


def as_float_array(values) -> np.ndarray:
    """``values`` as float64, refusing what float64 would change (integers beyond 2^53, NaN, inf)."""
    array = np.asarray(values, dtype=object if not isinstance(values, np.ndarray) else None)
    flat = array.reshape(-1)
    for v in flat:
        if isinstance(v, bool) or not isinstance(v, (numbers.Real, np.number)):
            raise ValueError(f"{v!r} is not a number")
        if isinstance(v, numbers.Integral) and abs(int(v)) > 2**53:
            raise ValueError(f"{v} is too large to be an entry (|value| > 2^53)")
    out = np.asarray(array, dtype=np.float64)
    if not np.all(np.isfinite(out)):
        raise ValueError("entries must be finite numbers")
    return out


def quantize_array(values: np.ndarray, fmt: FixedPointFormat) -> np.ndarray:
    """Vectorised :meth:`FixedPointFormat.quantize_one` for float64 input: scaling by 2^f is exact
    in binary floating point and ``np.rint`` rounds half to even, exactly as ``round`` does."""
    scaled = np.rint(np.ldexp(np.asarray(values, dtype=np.float64), fmt.frac_bits))
    low, high = signed_range(fmt.bits)
    if scaled.size and (scaled.min() < low or scaled.max() > high):
        raise ValueError(f"values do not fit {fmt.bits}-bit fixed point with {fmt.frac_bits} fraction bits")
    return scaled.astype(np.int64)


def largest_frac_bits(values, bits: int, *, floor: int = -1024) -> int | None:
    """The largest f such that every value rounds into ``bits``-bit two's complement at scale
    2^-f (the finest grid that holds them all); None if not even f = ``floor`` can.

    All-zero input returns ``bits - 1`` (any grid holds zero; this one is canonical)."""
    array = as_float_array(values).reshape(-1)
    low, high = signed_range(bits)
    top = float(np.max(np.abs(array))) if array.size else 0.0
    if top == 0.0:
        return bits - 1
    # top * 2^f <= high + 1/2 bounds f from above; step down from just above it until all fit.
    f = math.floor(math.log2(high + 1)) - math.floor(math.log2(top)) + 1
    while f >= floor:
        scaled = np.rint(np.ldexp(array, f))
        if scaled.min() >= low and scaled.max() <= high:
            return f
        f -= 1
    return None


def is_integral(values: Iterable) -> bool:
    """True when every value is an integer (so that f = 0 represents it exactly if it fits)."""
    return all(exact(v).denominator == 1 for v in values)


# --------------------------------------------------------------------------------------------
# Constants as signed digits: the additions of a shift-and-add product (inner_product.py)



class DigitRecoding(enum.StrEnum):
    """How a constant is written as signed digits: non-adjacent form (fewest non-zero digits,
    Reitwiesner 1960) or plain binary."""

    NAF = "naf"
    BINARY = "binary"


RECODINGS = tuple(recoding.value for recoding in DigitRecoding)

def signed_digits(value: int, recoding: str = "naf") -> list[tuple[int, int]]:
    """(shift, sign) of the non-zero digits of ``value`` = sum sign * 2^shift, lowest first."""
    if recoding not in RECODINGS:
        raise ValueError(f"unknown recoding {recoding!r}: choose one of {', '.join(RECODINGS)}")
    sign = -1 if value < 0 else 1
    v = abs(int(value))
    digits = []
    shift = 0
    if recoding == "binary":
        while v:
            if v & 1:
                digits.append((shift, sign))
            v >>= 1
            shift += 1
        return digits
    while v:
        if v & 1:
            digit = 2 - (v & 3)  # +1 if v = 1 mod 4, -1 if v = 3 mod 4
            digits.append((shift, sign * digit))
            v -= digit
        v >>= 1
        shift += 1
    return digits


Term = tuple[int, int, bool]  # (coordinate t, shift l, negative digit)


def terms_for(q: Sequence[int], recoding: str = "naf") -> tuple[Term, ...]:
    """The additions of Q_i . K_j, in the order the circuit performs them (shift, then coordinate)."""
    terms = [(t, shift, sign < 0) for t, value in enumerate(q) for shift, sign in signed_digits(value, recoding)]
    return tuple(sorted(terms, key=lambda term: (term[1], term[0])))


def worst_case_terms(d: int, bits: int) -> tuple[Term, ...]:
    """Every digit position 0..b-1 of every coordinate non-zero: the term set of every
    b-bit signed q (binary or NAF) is a subset, so counts from it bound every Q_i (docs/oracle.md)."""
    return tuple((t, shift, False) for shift in range(bits) for t in range(d))


def partial_sum_bounds(terms: Sequence[Term], bits: int) -> list[int]:
    """P_m, the largest value the accumulator can hold after each term."""
    bounds, total = [], 0
    for _, shift, _ in terms:
        total += ((1 << bits) - 1) << shift
        bounds.append(total)
    return bounds


def accumulator_bits(terms: Sequence[Term], bits: int) -> int:
    """Width of the accumulator: bitlen of the last partial-sum bound (at least 1)."""
    bounds = partial_sum_bounds(terms, bits)
    return max(1, bounds[-1].bit_length()) if bounds else 1


def accumulator_bits_for(q: Sequence[int], bits: int, recoding: str = "naf") -> int:
    return accumulator_bits(terms_for(q, recoding), bits)


def worst_case_accumulator_bits(d: int, bits: int) -> int:
    """bitlen(d (2^b - 1)^2): the accumulator of :func:`worst_case_terms`, <= 2b + ceil(log2 d)."""
    return accumulator_bits(worst_case_terms(d, bits), bits)


def score_offset(terms: Sequence[Term], bits: int) -> int:
    """C with acc = Q_i . K_j + C (module docstring)."""
    half = 1 << (bits - 1)
    return sum(((half - 1) if negative else half) << shift for _, shift, negative in terms)


