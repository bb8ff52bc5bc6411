"""Whole attention in closed form (qresource.grover.closed_forms, qresource.oracle.closed_forms)
against counting every search's own bloq through its call graph and depth profile, and the
depth wiring of the arithmetic bloqs against their Qualtran decompositions."""

from __future__ import annotations

import itertools
import math
from fractions import Fraction

import numpy as np
import pytest

from qresource.arithmetic.comparator import AtLeastConstant, EqualsConstant
from qresource.arithmetic.inner_product import ConstantInnerProduct, RippleCarryAdd, ShiftAddTerm
from qresource.grover.api import make_problem
from qresource.grover.circuit_costs import attention_totals, cached_counts, threshold_oracle_factory
from qresource.grover.closed_forms import attention_grid, search_counts, stages
from qresource.grover.iterate import GroverSearch
from qresource.grover.problem import find_all_schedule
from qresource.machinery import depth
from qresource.oracle.closed_forms import stage_oracles
from qresource.oracle.threshold_oracle import ThresholdOracle

LOADERS = ["fanout", "qrom", "qroam", "bucket-brigade"]


@pytest.mark.parametrize("bloq", [
    EqualsConstant(5, 9), EqualsConstant(1, 0), AtLeastConstant(6, 21), AtLeastConstant(5, None),
    RippleCarryAdd(3, 6), RippleCarryAdd(4, 4, True), RippleCarryAdd(1, 2),
    ShiftAddTerm(4, 7, True, False), ShiftAddTerm(4, 4, False, True), ShiftAddTerm(5, 9, False, False, True),
    ConstantInnerProduct.worst_case(3, 4), ConstantInnerProduct.worst_case(4, 5).adjoint(),
], ids=str)
def test_depth_wiring_gives_the_decompositions_profile(bloq):
    profile = depth.depth_profile(bloq)
    n_in = sum(depth.register_width(r) for r in bloq.signature.lefts())
    n_out = sum(depth.register_width(r) for r in bloq.signature.rights())
    by_decomposition = depth._propagate(depth.decompose_once(bloq), n_in, n_out)
    assert np.array_equal(profile.depth, by_decomposition[0])
    assert np.array_equal(profile.t_depth, by_decomposition[1])


@pytest.mark.parametrize("loader", LOADERS)
@pytest.mark.parametrize("n,d,bits,exclusions", [(2, 1, 2, 1), (5, 2, 3, 4), (16, 1, 2, 15), (37, 3, 2, 9), (2**20, 2, 3, 3)])
def test_stage_oracles_equal_each_oracles_own_counts(loader, n, d, bits, exclusions):
    stagewise = stage_oracles(n, d, bits, loader, exclusions)
    for e in range(exclusions + 1):
        oracle = ThresholdOracle(n, d, bits, loader=loader, form="phase", excluded=tuple(range(n - 1, n - 1 - e, -1)))
        assert stagewise.tallies[e] == oracle.gate_tally
        assert (stagewise.depth[e], stagewise.t_depth[e]) == oracle.depths
        assert stagewise.qubits[e] == oracle.qubit_count


@pytest.mark.parametrize("n,k", [(4, 3), (8, 2), (64, 3), (2**20, 2)])
def test_search_counts_equal_the_search_bloq(n, k):
    m = (n - 1).bit_length()
    oracles = stage_oracles(n, 2, 2, "qrom", k - 1)
    for stage in stages(n, k):
        e = k - stage.remaining
        oracle = ThresholdOracle(n, 2, 2, form="phase", excluded=tuple(range(n - 1, n - 1 - e, -1)))
        for r in sorted({stage.iterations, 0, 1, 17}):
            closed = search_counts(oracles.tallies[e], oracles.depth[e], oracles.t_depth[e], oracles.qubits[e],
                                   r, m, measured=False, oracle_lattice_surgery_depth=oracles.lattice_surgery_depth[e])
            assert closed == cached_counts(GroverSearch(oracle, r)), (e, r)


POINTS = [point for point in itertools.product([2, 4, 8, 37, 256], [1, 2, 5], [1, 3], [2, 3], LOADERS) if point[1] <= point[0]]


def test_attention_grid_equals_counting_every_search_bloq():
    """One evaluation over the grid; each point against attention_totals walking every stage's
    GroverSearch bloq (call graph, Qualtran's qubit count, the depth keys), expectations in
    40-digit arithmetic."""
    for point, totals in zip(POINTS, attention_grid(POINTS)):
        n, k, d, bits, loader = point
        problem = make_problem(n=n, k=k, d=d, bits=bits, loader=loader)
        reference = attention_totals(problem, {k: n}, {k: find_all_schedule(problem)}, threshold_oracle_factory(problem))
        assert totals.logical == reference.totals, point
        assert not reference.depth_is_bound


def _reference_point(n, k, d, bits, loader):
    """Whole attention at one point, search by search: each stage's GroverSearch counts
    (search_counts, itself held equal to the search bloq above) weighted by its exact expected
    attempts 1/p_t, summed in rationals and rounded up, times n rows."""
    m = (n - 1).bit_length()
    oracles = stage_oracles(n, d, bits, loader, k - 1)
    sums = dict.fromkeys(("toffoli", "t", "clifford", "rotations", "measurements", "depth", "t_depth",
                          "lattice_surgery_depth"), Fraction(0))
    qubits = 0
    for stage in stages(n, k):
        e = k - stage.remaining
        counts = search_counts(oracles.tallies[e], oracles.depth[e], oracles.t_depth[e], oracles.qubits[e],
                               stage.iterations, m, oracle_lattice_surgery_depth=oracles.lattice_surgery_depth[e])
        qubits = max(qubits, counts.qubits)
        for key in sums:
            sums[key] += Fraction(getattr(counts, key)) / Fraction(stage.success_probability)
    return {"qubits": qubits, **{key: n * math.ceil(value) for key, value in sums.items()}}


def test_attention_grid_equals_each_searchs_counts_over_many_rows():
    """Every k from 1 to 40 (the convolution over stages, the prefix sums, the exact fallback
    where an expectation is an integer), sizes that are and are not powers of two, every loader."""
    points = [(n, k, d, bits, loader) for n in (2, 4, 5, 37, 1024, 3 * 2**20 + 1) for k in range(1, 41) if k <= n
              for d, bits in ((1, 2), (4, 3)) for loader in LOADERS]
    for point, totals in zip(points, attention_grid(points)):
        n, k = point[:2]
        expected = _reference_point(*point)
        assert {key: getattr(totals.logical, key) for key in expected} == expected, point
        assert totals.queries == math.ceil(n * math.fsum(s.iterations * (1.0 / s.success_probability) for s in stages(n, k)))
