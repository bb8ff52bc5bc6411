"""Exact attention, find sets, B of Definition 4.2 and Algorithm 2 against independent references."""

from __future__ import annotations

import mpmath
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qresource.classical.attention import (
    SparsePlusOnes,
    algorithm2,
    algorithm2_dense,
    b_normalised_rows,
    exact_attention,
    find_sets,
    naive_attention,
    sparse_attention,
)
from qresource.core.errors import QResourceError, ResourceLimitError


def mp_attention(Q, K, V, digits: int = 50) -> np.ndarray:
    """Definition 1.1 in 50-digit arithmetic, with no shift: exp(1000) is a number to mpmath."""
    with mpmath.workdps(digits):
        out = np.empty((Q.shape[0], V.shape[1]))
        for i in range(Q.shape[0]):
            a = [mpmath.exp(mpmath.fsum(mpmath.mpf(float(x)) * mpmath.mpf(float(y))
                                        for x, y in zip(Q[i], K[j])))
                 for j in range(K.shape[0])]
            total = mpmath.fsum(a)
            for c in range(V.shape[1]):
                out[i, c] = float(mpmath.fsum(a[j] * mpmath.mpf(float(V[j, c]))
                                              for j in range(K.shape[0])) / total)
        return out


def random_qkv(seed: int, n: int, d: int, scale: float = 1.0, m: int | None = None):
    rng = np.random.default_rng(seed)
    Q = rng.standard_normal((m or n, d)) * scale
    K = rng.standard_normal((n, d))
    V = rng.standard_normal((n, d))
    return Q, K, V


def test_exact_attention_matches_float64_textbook_formula_on_moderate_scores():
    Q, K, V = random_qkv(0, 50, 8)
    expected = naive_attention(Q, K, V)  # no overflow at these scores
    np.testing.assert_allclose(exact_attention(Q, K, V), expected, rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("scale", [1.0, 30.0, 300.0])
def test_exact_attention_matches_high_precision_reference(scale):
    Q, K, V = random_qkv(1, 7, 3, scale=scale)
    np.testing.assert_allclose(exact_attention(Q, K, V), mp_attention(Q, K, V), rtol=1e-12, atol=1e-13)


def test_huge_scores_overflow_the_naive_formula_but_not_the_exact_one():
    Q, K, V = random_qkv(2, 6, 3, scale=2000.0)
    scores = Q @ K.T
    assert scores.max() > 710  # exp overflows float64 here
    assert np.isnan(naive_attention(Q, K, V)).any()
    exact = exact_attention(Q, K, V)
    assert np.all(np.isfinite(exact))
    np.testing.assert_allclose(exact, mp_attention(Q, K, V), rtol=1e-12, atol=1e-13)


def test_blocking_does_not_change_exact_attention():
    Q, K, V = random_qkv(3, 40, 5, scale=3.0)
    whole = exact_attention(Q, K, V)
    for block in (1, 3, 7, 40, 1000):
        # BLAS may sum in another order for another block shape: equal up to rounding
        np.testing.assert_allclose(exact_attention(Q, K, V, block_rows=block), whole, rtol=1e-13, atol=1e-15)


def test_find_sets_equal_brute_force_and_are_blocking_independent():
    Q, K, _ = random_qkv(4, 30, 4, m=25)
    tau = 1.5
    scores = Q @ K.T
    for block in (None, 1, 4, 25):
        fs = find_sets(Q, K, tau, block_rows=block)
        assert fs.n_rows == 25 and fs.n_cols == 30
        for i in range(25):
            np.testing.assert_array_equal(fs.row(i), np.flatnonzero(scores[i] >= tau))
        np.testing.assert_allclose(fs.scores, scores[scores >= tau], rtol=1e-14)
        np.testing.assert_array_equal(fs.counts, (scores >= tau).sum(axis=1))


def test_b_dense_is_definition_4_2():
    Q, K, _ = random_qkv(5, 12, 3)
    tau = 0.8
    scores = Q @ K.T
    B = SparsePlusOnes.from_qk(Q, K, tau).to_dense()
    np.testing.assert_array_equal(B, np.where(scores >= tau, np.exp(scores), 1.0))
    np.testing.assert_allclose(SparsePlusOnes.from_qk(Q, K, tau).log_row_sums(), np.log(B.sum(axis=1)))


@settings(max_examples=150, deadline=None, derandomize=True)
@given(
    seed=st.integers(0, 2**32 - 1),
    n=st.integers(2, 40),
    m=st.integers(1, 40),
    d=st.integers(1, 6),
    d_v=st.integers(1, 5),
    tau=st.floats(-3.0, 4.0),
    scale=st.floats(0.1, 3.0),
    block=st.integers(1, 200),
)
def test_algorithm2_equals_dense_reference(seed, n, m, d, d_v, tau, scale, block):
    rng = np.random.default_rng(seed)
    Q = rng.standard_normal((m, d)) * scale
    K = rng.standard_normal((n, d))
    V = rng.standard_normal((n, d_v))
    B = SparsePlusOnes.from_qk(Q, K, tau)
    dense = algorithm2_dense(B, V)
    np.testing.assert_allclose(algorithm2(B, V, block_entries=block), dense, rtol=1e-11, atol=1e-12)
    # and D(B)^-1 B itself, row by row, from the dense-rows helper
    np.testing.assert_allclose(b_normalised_rows(Q @ K.T, tau), B.to_dense() / B.to_dense().sum(1, keepdims=True),
                               rtol=1e-12, atol=1e-15)


def test_algorithm2_is_stable_for_huge_scores():
    Q, K, V = random_qkv(6, 8, 3, scale=1500.0)
    tau = 500.0
    B = SparsePlusOnes.from_qk(Q, K, tau)
    assert B.find_sets.scores.max() > 710 and B.find_sets.nnz > 0
    result = algorithm2(B, V)
    assert np.all(np.isfinite(result))
    # reference: B in 50-digit arithmetic
    with mpmath.workdps(50):
        scores = Q @ K.T
        for i in range(Q.shape[0]):
            b = [mpmath.exp(mpmath.mpf(float(s))) if s >= tau else mpmath.mpf(1) for s in scores[i]]
            total = mpmath.fsum(b)
            for c in range(V.shape[1]):
                ref = float(mpmath.fsum(b[j] * mpmath.mpf(float(V[j, c])) for j in range(8)) / total)
                assert result[i, c] == pytest.approx(ref, rel=1e-9, abs=1e-12)


def test_when_every_score_is_in_the_find_sets_b_is_a_and_sparse_equals_exact():
    Q, K, V = random_qkv(7, 20, 4)
    tau = (Q @ K.T).min()
    np.testing.assert_allclose(sparse_attention(Q, K, V, tau), exact_attention(Q, K, V), rtol=1e-12, atol=1e-14)


def test_empty_find_sets_give_the_mean_of_v():
    Q, K, V = random_qkv(8, 15, 3)
    out = sparse_attention(Q, K, V, tau=1e6)
    np.testing.assert_allclose(out, np.broadcast_to(V.mean(axis=0), out.shape), rtol=1e-13)


def test_dense_reference_refuses_large_n():
    from qresource.classical.attention import DENSE_LIMIT, FindSets

    n = int(DENSE_LIMIT**0.5) + 1
    empty = FindSets(n, 0.0, np.zeros(n + 1, np.int64), np.zeros(0, np.int64), np.zeros(0))
    with pytest.raises(ResourceLimitError):
        SparsePlusOnes(empty).to_dense()
    # the sparse path has no such limit: O(n d) for empty find sets
    out = algorithm2(SparsePlusOnes(empty), np.ones((n, 2)))
    assert out.shape == (n, 2) and np.all(out == 1.0)


def test_shape_errors_are_one_line_errors():
    with pytest.raises(QResourceError, match="columns"):
        exact_attention(np.ones((2, 3)), np.ones((4, 2)), np.ones((4, 1)))
    with pytest.raises(QResourceError, match="rows"):
        exact_attention(np.ones((2, 3)), np.ones((4, 3)), np.ones((5, 1)))
    with pytest.raises(QResourceError, match="finite"):
        find_sets(np.array([[np.nan]]), np.ones((1, 1)), 0.0)
