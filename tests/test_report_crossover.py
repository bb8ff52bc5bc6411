"""Crossover search against brute force, and Babbush et al.'s breakeven against a direct solve."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qresource.compare.crossover import babbush_breakeven, find_crossover
from qresource.core.errors import QResourceError


@settings(max_examples=40, deadline=None, derandomize=True)
@given(
    quantum_exponent=st.floats(0.8, 1.6),
    quantum_scale=st.floats(1e-3, 1e6),
    classical_exponent=st.floats(1.7, 2.3),
)
def test_crossover_is_the_least_winning_n(quantum_exponent, quantum_scale, classical_exponent):
    def quantum(n):
        return quantum_scale * n**quantum_exponent

    def classical(n):
        return n**classical_exponent

    n_max = 2**22
    result = find_crossover(quantum, classical, 2, n_max)
    # brute force: power laws cross once, at (scale)^(1 / (c - q))
    exact = quantum_scale ** (1.0 / (classical_exponent - quantum_exponent))
    if result.n_star is None:
        assert result.status == "none below n_max" and exact >= n_max * 0.999
        return
    n = result.n_star
    assert quantum(n) < classical(n)
    if n == 2:
        assert result.status == "quantum faster at n_min" and exact < 2.0001
        return
    assert not quantum(n - 1) < classical(n - 1)
    assert n - 1 <= exact * 1.0001 and n >= exact * 0.9999


def test_relative_tolerance_brackets_the_crossover():
    result = find_crossover(lambda n: 1e6 * n, lambda n: float(n * n), 2, 2**40, rel_tol=2**-10)
    # exact crossover: n > 10^6
    assert result.n_star > 10**6 and result.n_star <= 10**6 * (1 + 2**-10) + 1


def test_missing_quantum_estimates_end_the_scan_with_the_last_known_n():
    result = find_crossover(lambda n: None if n > 2**10 else 1e9, lambda n: float(n), 4, 2**30)
    assert result.status == "no estimate beyond" and result.n_checked == 2**10
    assert "no quantum estimate beyond" in result.label()


def test_a_ratio_rising_as_a_power_of_n_stops_the_scan():
    result = find_crossover(lambda n: 10.0 * n**2.5, lambda n: float(n**2), 4, 2**60,
                            stop_after_rising=3, rising_from=2**10)
    assert result.status == "ratio rising"
    assert result.ratio_slope == pytest.approx(0.5)
    assert result.n_checked == 2**13  # doublings 2^10->2^11, 2^11->2^12, 2^12->2^13
    assert "n^0.50" in result.label()


def test_quantum_faster_from_the_start():
    result = find_crossover(lambda n: 1.0, lambda n: 2.0, 16, 1024)
    assert result.status == "quantum faster at n_min" and result.n_star == 16


def test_babbush_breakeven_solves_the_row_equation():
    t_q, t_c, k, c = 3e-5, 2.6e-13, 32, math.pi / 2
    result = babbush_breakeven(t_q, t_c, k, c)
    n = result["n_star"]
    # at n*, classical row time n t_C equals quantum row time c sqrt(n k) t_Q
    assert n * t_c == pytest.approx(c * math.sqrt(n * k) * t_q, rel=1e-12)
    assert result["row_seconds"] == pytest.approx(n * t_c)
    with pytest.raises(QResourceError):
        babbush_breakeven(0.0, t_c, k, c)
