"""Search schedules: exact Grover numbers against dense simulation, and the randomised schedules'
exact expectations against seeded Monte-Carlo runs of the same schedules."""

from __future__ import annotations

import math

import numpy as np
import pytest

from qresource.core.errors import QResourceError
from qresource.grover import schedules as search


def dense_success(bitsize: int, marked: int, iterations: int) -> float:
    """Probability on the first `marked` values after r dense Grover iterations (independent of
    which values are marked, by symmetry)."""
    size = 2**bitsize
    state = np.full(size, 1 / np.sqrt(size))
    sign = np.ones(size)
    sign[:marked] = -1
    for _ in range(iterations):
        state = sign * state
        state = 2 * state.mean() - state
    return float(np.sum(state[:marked] ** 2))


def test_index_bitsize():
    assert [search.index_bitsize(n) for n in (1, 2, 3, 4, 5, 8, 9, 2**20, 2**20 + 1)] == [1, 1, 2, 2, 3, 3, 4, 20, 21]


@pytest.mark.parametrize("bitsize", [2, 3, 5, 7])
def test_success_probability_matches_dense_grover(bitsize):
    size = 2**bitsize
    for marked in sorted({1, 2, 3, size // 4, size // 2 + 1, size - 1}):
        for iterations in range(0, 6):
            assert search.success_probability(marked, size, iterations) == pytest.approx(
                dense_success(bitsize, marked, iterations), abs=1e-12
            )


def test_optimal_iterations_exact_cases():
    # N = 4, t = 1: theta = pi/6, pi/(4 theta) = 3/2 -> r = 1, and sin^2(3 pi/6) = 1 (Grover 1996)
    assert search.optimal_iterations(1, 4) == 1
    assert search.success_probability(1, 4, 1) == pytest.approx(1.0)
    # t/N = 1/2: theta = pi/4, pi/(4 theta) = 1 exactly: floor must not slip to 0
    assert search.optimal_iterations(2, 4) == 1
    assert search.optimal_iterations(8, 16) == 1
    # t = N: theta = pi/2, pi/(4 theta) = 1/2 -> 0 iterations, a measurement always succeeds
    assert search.optimal_iterations(4, 4) == 0
    assert search.success_probability(4, 4, 0) == pytest.approx(1.0)
    # N = 2^40, t = 1: theta ~ 2^-20, pi/(4 theta) ~ (pi/4) 2^20 = 823549.66 -> 823549
    assert search.optimal_iterations(1, 2**40) == math.floor(math.pi / (4 * math.asin(2.0**-20)))
    # BBHT section 3: the optimal r succeeds with probability >= 1 - t/N
    for size in (8, 64, 1024):
        for marked in range(1, size + 1, max(1, size // 16)):
            r = search.optimal_iterations(marked, size)
            assert search.success_probability(marked, size, r) >= 1 - marked / size - 1e-12


def test_known_k_schedule_sums_and_bounds():
    schedule = search.known_k_schedule(1000, 8)  # n = 1000 -> N = 1024 index values
    assert schedule.space == 1024
    assert [s.remaining for s in schedule.stages] == list(range(8, 0, -1))
    assert [s.excluded for s in schedule.stages] == list(range(0, 8))
    expected = math.fsum(
        search.optimal_iterations(t, 1024) / search.success_probability(t, 1024, search.optimal_iterations(t, 1024))
        for t in range(1, 9)
    )
    assert schedule.expected_queries == pytest.approx(expected, rel=1e-14)
    # sum_t (pi/4) sqrt(N/t) <= (pi/2) sqrt(N k), and the floor makes the exact count smaller
    assert schedule.grover_sum <= schedule.grover_bound
    assert schedule.expected_queries <= schedule.grover_sum * 1.05
    assert schedule.expected_exclusion_comparisons == pytest.approx(
        math.fsum(s.excluded * s.expected_queries for s in schedule.stages)
    )
    assert schedule.first_search.remaining == 8


def test_known_k_schedule_against_monte_carlo():
    schedule = search.known_k_schedule(64, 5)
    runs = 40_000
    simulated = search.simulate_known_k(schedule, runs=runs, seed=7)
    sigma = math.sqrt(schedule.query_variance / runs)
    assert abs(simulated.mean - schedule.expected_queries) <= 5 * sigma
    assert simulated.quantile(1 - schedule.delta) <= schedule.queries_upper


@pytest.mark.parametrize("choices, marked, space", [(1, 1, 4), (5, 3, 64), (17, 1, 1024), (40, 7, 256), (2**15, 1, 2**30)])
def test_bbht_round_moments_closed_form_against_direct_sums(choices, marked, space):
    theta = math.asin(math.sqrt(marked / space))
    j = np.arange(choices, dtype=float)
    success = np.sin((2 * j + 1) * theta) ** 2
    direct = (success.mean(), j.mean(), (j * j).mean(), (j * (1 - success)).mean())
    assert search._round_moments(choices, marked, space) == pytest.approx(direct, rel=1e-9, abs=1e-12)


def test_bbht_ramp_is_exact_geometric_growth():
    # m = (6/5)^i while m^2 < N = 64: 1, 1.2, 1.44, 1.728, 2.07, ..., 7.43 (i = 11); 8.9 > 8 stops
    ramp = search.bbht_ramp(64)
    assert len(ramp) == 12
    assert ramp[:5] == (1, 2, 2, 2, 3)
    assert search.bbht_cap_choices(64) == 8 and search.bbht_cap_choices(128) == 12


@pytest.mark.parametrize("space", [64, 1024, 2**16])
def test_bbht_phase_within_theorem_3(space):
    cap_rounds = search.bbht_cap_rounds(space, 8, 0.01)
    for marked in (1, 2, 5, 8, space // 2):
        phase = search.bbht_phase(marked, space, cap_rounds)
        assert phase.expected_iterations <= 4.5 * math.sqrt(space / marked)


def test_bbht_cap_rounds_meet_delta_and_lemma_2_bound():
    for space, k, delta in [(64, 4, 0.1), (1024, 8, 0.01), (2**20, 128, 1e-3)]:
        rounds = search.bbht_cap_rounds(space, k, delta)
        misses = [search.bbht_phase(t, space, rounds).miss_probability for t in range(1, k + 1)]
        assert math.fsum(misses) <= delta
        assert rounds <= math.ceil(math.log(k / delta) / math.log(4 / 3))
        if rounds > 0:
            fewer = [search.bbht_phase(t, space, rounds - 1).miss_probability for t in range(1, k + 1)]
            assert math.fsum(fewer) > delta


@pytest.mark.parametrize("n, k, actual", [(64, 4, 4), (256, 8, 3), (1024, 8, 8)])
def test_unknown_k_schedule_against_monte_carlo(n, k, actual):
    schedule = search.unknown_k_schedule(n, k, delta=0.05, actual=actual)
    runs = 20_000
    simulated = search.simulate_unknown_k(schedule, runs=runs, seed=11)
    full_variance = math.fsum(p.iteration_variance for p in schedule.phases)
    sigma = math.sqrt(full_variance / runs)
    assert abs(simulated.mean - schedule.expected_queries) <= 5 * sigma
    assert simulated.quantile(1 - schedule.delta) <= schedule.queries_upper
    missed = 1 - simulated.found_all.mean()
    assert missed <= schedule.miss_probability + 5 * math.sqrt(schedule.delta / runs)
    assert schedule.miss_probability <= schedule.delta
    assert schedule.expected_queries <= schedule.bbht_bound


def test_certification_costs_order_sqrt_n():
    for bitsize in (10, 16, 24):
        schedule = search.unknown_k_schedule(2**bitsize, 8, delta=0.01)
        certification = schedule.certification
        assert certification.marked == 0 and certification.miss_probability == 0.0
        # ramp: sum_i (ceil((6/5)^i) - 1)/2 ~ sqrt(N)/(2 (1 - 5/6)) = 3 sqrt(N); each cap round adds sqrt(N)/2
        constant = schedule.certification_constant
        assert 2.5 <= constant <= 3.5 + schedule.cap_rounds / 2 + 0.1


def test_bad_counts_are_one_line_errors():
    with pytest.raises(QResourceError, match="exceeds"):
        search.known_k_schedule(8, 9)
    with pytest.raises(QResourceError):
        search.unknown_k_schedule(8, 0)
    with pytest.raises(QResourceError, match="delta"):
        search.unknown_k_schedule(8, 2, delta=1.5)
