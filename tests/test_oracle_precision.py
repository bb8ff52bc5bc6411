"""Fixed point and the precision planner: planned widths always give exactly S_i.

The check is independent of the planner's bound: quantise with the planned formats, compute every
score in exact integer arithmetic, and compare [score >= threshold] with [Q_i . K_j >= tau]
evaluated exactly (rational arithmetic on the float inputs).
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qresource.arithmetic.fixed_point import (
    FixedPointFormat,
    largest_frac_bits,
    pack_row,
    quantize_array,
    unpack_row,
)
from qresource.core.errors import QResourceError
from qresource.oracle.precision import check_width, make_instance, plan_precision, quantise


def _exact_truth(q, keys, tau):
    return np.array([sum(Fraction(float(a)) * Fraction(float(b)) for a, b in zip(q, row)) >= Fraction(tau)
                     for row in keys])


def _marks(q, keys, fmt_q, fmt_k, threshold):
    q_int = quantize_array(np.asarray(q, dtype=float), fmt_q).tolist()
    k_int = quantize_array(np.asarray(keys, dtype=float), fmt_k).tolist()
    return np.array([sum(a * b for a, b in zip(q_int, row)) >= threshold for row in k_int])


# ------------------------------------------------------------------------------ fixed point


@given(st.integers(1, 12).flatmap(lambda b: st.tuples(
    st.just(b), st.lists(st.integers(-(1 << (b - 1)), (1 << (b - 1)) - 1), min_size=1, max_size=6))))
@settings(max_examples=60, deadline=None, derandomize=True)
def test_pack_unpack_roundtrip(args):
    bits, row = args
    word = pack_row(row, bits)
    assert 0 <= word < 1 << (bits * len(row))
    assert unpack_row(word, len(row), bits) == tuple(row)


@given(st.lists(st.floats(-1e3, 1e3, allow_nan=False), min_size=1, max_size=8), st.integers(2, 20))
@settings(max_examples=80, deadline=None, derandomize=True)
def test_quantisation_error_is_at_most_half_a_unit(values, bits):
    f = largest_frac_bits(values, bits)
    assert f is not None
    fmt = FixedPointFormat(bits, f)
    for value, m in zip(values, fmt.quantize(values)):
        assert abs(Fraction(value) - m * fmt.scale) <= fmt.max_error
    # f is the finest grid: one more fraction bit no longer holds every value (unless all zero).
    if any(values):
        assert not FixedPointFormat(bits, f + 1).fits(values)


def test_integers_that_fit_are_exact():
    plan = plan_precision(q=[1, 2, -3], keys=[[1, 1, 1], [3, -2, 1], [0, 0, 5], [4, 4, 0]], tau=2)
    assert plan.exactly_represented and plan.error_bound == 0
    # scores 0, -4, -15, 12: only j = 3 reaches tau = 2, with the threshold at tau exactly.
    assert plan.threshold == 2 * 2 ** (plan.frac_bits_q + plan.frac_bits_k)


# ------------------------------------------------------------------------------ planner


def _gapped_instance(seed, n, d, fraction_marked=0.1):
    """Random Gaussian Q_i, K; rows scoring inside (0, tau) are flipped below 0 (Theorem 1.3)."""
    rng = np.random.default_rng(seed)
    q = rng.normal(size=d)
    keys = rng.normal(size=(n, d))
    scores = keys @ q
    # tau halfway between two consecutive scores, so that no score sits within rounding of it.
    ordered = np.sort(scores)
    top = max(1, int(round(fraction_marked * n)))
    tau = float((ordered[-top] + ordered[-top - 1]) / 2)
    if tau <= 0:  # nothing positive enough: a threshold above every score (S_i empty)
        tau = float(ordered[-1]) + 1.0
    inside = (scores > 0) & (scores < tau)
    keys[inside] *= -0.5
    return q, keys, tau


@given(st.integers(0, 10**6), st.integers(8, 64), st.integers(1, 8))
@settings(max_examples=25, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
def test_planned_width_marks_exactly_s_i(seed, n, d):
    q, keys, tau = _gapped_instance(seed, n, d)
    plan = plan_precision(q=q, keys=keys, tau=tau)
    truth = _exact_truth(q, keys, tau)
    assert np.array_equal(_marks(q, keys, plan.format_q, plan.format_k, plan.threshold), truth)
    assert plan.exact_check and plan.instance_bits <= plan.bits
    # The smallest width the exact check accepts works too (with its own grid and threshold).
    quantised = quantise(make_instance(q, keys, tau), plan.instance_bits, plan.gap[0])[0]
    scores = [sum(a * b for a, b in zip(quantised.q, row)) for row in quantised.keys]
    assert np.array_equal(np.array(scores) >= quantised.threshold, truth)


@given(st.integers(0, 10**6), st.integers(1, 16), st.floats(0.1, 4.0), st.floats(0.1, 4.0))
@settings(max_examples=25, deadline=None, derandomize=True)
def test_range_plan_holds_for_every_instance_in_range(seed, d, q_max, k_max):
    """The data-free plan (d, max|Q|, max|K|, tau) is certified for any data in range: try
    random gapped data, including entries at the range edges."""
    rng = np.random.default_rng(seed)
    tau = float(rng.uniform(0.05, 2.0)) * q_max * k_max
    plan = plan_precision(d=d, q_max=q_max, k_max=k_max, tau=tau)
    q = rng.uniform(-q_max, q_max, size=d)
    q[0] = q_max
    keys = rng.uniform(-k_max, k_max, size=(64, d))
    keys[0] = k_max * np.sign(q)
    scores = keys @ q
    keys[(scores > 0) & (scores < tau)] *= -1.0  # scores now <= 0 or >= tau
    truth = _exact_truth(q, keys, tau)
    assert np.array_equal(_marks(q, keys, plan.format_q, plan.format_k, plan.threshold), truth)


def test_range_plan_widths_grow_as_the_gap_shrinks():
    widths = [plan_precision(d=64, q_max=1, k_max=1, tau=tau).bits for tau in (20.0, 2.0, 0.2, 0.02)]
    assert widths == sorted(widths) and widths[0] < widths[-1]


def test_no_gap_is_a_one_line_error():
    with pytest.raises(QResourceError, match="no gap"):
        plan_precision(d=4, q_max=1, k_max=1, tau=0)
    with pytest.raises(QResourceError, match="no entry width up to 4 bits"):
        plan_precision(d=64, q_max=1, k_max=1, tau=0.01, max_bits=4)


def test_user_width_too_small_names_the_planners_width():
    q, keys, tau = _gapped_instance(1, 32, 8)
    plan = plan_precision(q=q, keys=keys, tau=tau)
    instance = make_instance(q, keys, tau)
    with pytest.raises(QResourceError, match=f"needs bits >= {plan.instance_bits}"):
        check_width(instance, plan.instance_bits - 1)
    check_width(instance, plan.instance_bits)


def test_gap_violation_is_reported_not_assumed():
    q = [1.0, 0.5]
    keys = [[1.0, 1.0], [0.5, 0.1], [-1.0, 0.0], [2.0, 2.0]]  # scores 1.5, 0.55, -1, 3
    plan = plan_precision(q=q, keys=keys, tau=1.2, eta=0.5)
    assert any("gap precondition fails" in note for note in plan.notes)
    assert any("-eta" in note for note in plan.notes)
    assert np.array_equal(_marks(q, keys, plan.format_q, plan.format_k, plan.threshold),
                          _exact_truth(q, keys, 1.2))


def test_several_rows_plan_for_the_widest():
    rows = [_gapped_instance(seed, 32, 4) for seed in (1, 2, 3)]
    keys, tau = rows[0][1], rows[0][2]
    q_rows = np.array([rows[0][0], 0.01 * rows[1][0], rows[2][0]])
    plans = [plan_precision(q=row, keys=keys, tau=tau) for row in q_rows]
    combined = plan_precision(q=q_rows, keys=keys, tau=tau)
    assert combined.bits == max(plan.bits for plan in plans)
