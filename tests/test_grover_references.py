"""The find-all-k Grover schedule against references that do not use it.

``tests/test_grover_search.py`` checks the schedule's expectations against a Monte-Carlo run that
draws from the schedule's own iteration counts and success probabilities, which can only agree
with itself. Here the references are written from Grover's amplitudes and from simulation:

- the iteration count r = floor(pi / (4 theta)) and success probability sin^2((2r + 1) theta),
  theta = arcsin(sqrt(m / N)) (Boyer, Brassard, Hoyer, Tapp 1998, section 2), evaluated here;
- a Monte-Carlo run of the whole find-all process in which each search outcome is drawn from a
  dense numpy Grover state (oracle sign flip, inversion about the mean), and a found value leaves
  the marked set; its mean number of oracle queries is compared with the schedule's expectation;
- at small N, the exported search circuit run on Qiskit Aer, stage by stage.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from test_grover_iterate import TablePhaseOracle

from qresource.grover import api
from qresource.grover import schedules as search
from qresource.grover.iterate import GroverSearch


def grover_iterations(marked: int, space: int) -> int:
    return math.floor(math.pi / (4 * math.asin(math.sqrt(marked / space))))


def grover_success(marked: int, space: int, iterations: int) -> float:
    return math.sin((2 * iterations + 1) * math.asin(math.sqrt(marked / space))) ** 2


def dense_outcome_distribution(space: int, marked: list[int], iterations: int) -> np.ndarray:
    """Probabilities of each index after ``iterations`` dense Grover iterations from uniform."""
    state = np.full(space, 1 / math.sqrt(space))
    sign = np.ones(space)
    sign[marked] = -1
    for _ in range(iterations):
        state = sign * state
        state = 2 * state.mean() - state
    return state**2


def monte_carlo_find_all(space: int, k: int, runs: int, seed: int) -> np.ndarray:
    """Oracle queries to find all k marked values, one search at a time, each search with the
    Grover-optimal iteration count for the number still unfound and the found ones excluded."""
    rng = np.random.default_rng(seed)
    queries = np.zeros(runs, dtype=np.int64)
    marked0 = list(rng.choice(space, size=k, replace=False))
    for run in range(runs):
        unfound = list(marked0)
        while unfound:
            r = grover_iterations(len(unfound), space)
            p = dense_outcome_distribution(space, unfound, r)
            outcome = rng.choice(space, p=p / p.sum())
            queries[run] += r
            if outcome in unfound:
                unfound.remove(outcome)
    return queries


@pytest.mark.parametrize("n, k", [(64, 5), (1000, 8), (2**20, 3)])
def test_schedule_stages_follow_grovers_amplitudes(n, k):
    schedule = search.known_k_schedule(n, k)
    space = 1 << max(1, (n - 1).bit_length())
    assert schedule.space == space
    for stage in schedule.stages:
        r = grover_iterations(stage.remaining, space)
        p = grover_success(stage.remaining, space, r)
        assert stage.iterations == r
        assert stage.success_probability == pytest.approx(p, abs=1e-12)
        assert stage.expected_queries == pytest.approx(r / p, rel=1e-12)
    assert schedule.expected_queries == pytest.approx(
        math.fsum(grover_iterations(m, space) / grover_success(m, space, grover_iterations(m, space))
                  for m in range(1, k + 1)), rel=1e-12)


def test_schedule_expectation_against_dense_monte_carlo():
    space, k, runs = 64, 5, 1500
    schedule = search.known_k_schedule(space, k)
    queries = monte_carlo_find_all(space, k, runs=runs, seed=2024)
    sigma = queries.std(ddof=1) / math.sqrt(runs)
    assert abs(queries.mean() - schedule.expected_queries) <= 5 * sigma, (queries.mean(), schedule.expected_queries)
    # and the 1 - delta count the schedule quotes covers the simulated runs
    assert np.quantile(queries, 1 - schedule.delta) <= schedule.queries_upper


@pytest.mark.parametrize("bitsize, k", [(3, 2), (4, 3)])
def test_each_stage_on_aer_succeeds_as_the_schedule_says(bitsize, k):
    space = 2**bitsize
    schedule = search.known_k_schedule(space, k)
    marked = [1, 6, 11][:k]
    for stage in schedule.stages:
        unfound = tuple(marked[: stage.remaining])
        bloq = GroverSearch(TablePhaseOracle(bitsize, unfound), stage.iterations)
        result = api.validate_search_circuit(bloq, unfound, space, shots=2000, seed=stage.remaining)
        assert result["simulated_success"] == pytest.approx(stage.success_probability, abs=1e-9)
        assert result["simulated_success"] == pytest.approx(
            grover_success(stage.remaining, space, stage.iterations), abs=1e-9)
