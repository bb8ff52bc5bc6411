"""Measured errors against Lemma 4.5 and Lemma 5.2, on hundreds of generated instances."""

from __future__ import annotations

import math

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from qresource.classical.attention import exact_attention, sparse_attention
from qresource.classical.bounds import (
    COLUMNS,
    error_row,
    error_table,
    measure_errors,
    sharp_ratio,
    summary,
    to_markdown,
)
from qresource.classical.instances import check_instance, generate_instance


@settings(max_examples=300, deadline=None, derandomize=True)
@given(
    n=st.integers(2, 96),
    d=st.integers(1, 24),
    k_frac=st.floats(0.0, 1.0),
    log_eta=st.floats(-4.0, 0.5),
    extra_tau=st.floats(0.0, 20.0),
    exact_k=st.booleans(),
    seed=st.integers(0, 2**32 - 1),
)
def test_errors_respect_the_papers_bounds_and_the_sharp_bound(n, d, k_frac, log_eta, extra_tau, exact_k, seed):
    k = max(1, min(n, round(k_frac * n)))
    eta = 10.0**log_eta
    inst = generate_instance(n, d, k, tau=2 * math.log(n) + extra_tau, eta=eta, seed=seed, exact_k=exact_k)
    check = check_instance(inst.Q, inst.K, inst.tau, V=inst.V)
    m = measure_errors(inst.Q, inst.K, inst.V, inst.tau)
    eta_m = check.eta_actual
    eta_v = max(eta_m, check.v_inf_norm)
    tol = 1e-12  # float64 rounding of probabilities and outputs of size <= 1
    # the paper's bounds read with constant 1, and with its proof's constants
    assert m["err_matrix"] <= eta_m + tol
    assert m["err_matrix"] <= 3 * eta_m + tol
    assert m["err_attention"] <= eta_v**2 + tol * eta_v
    assert m["err_attention"] <= 2 * eta_v * check.v_inf_norm + tol * eta_v
    # the sharper bound of docs/classical.md, through the measured mass ratio
    r = sharp_ratio(n, check.min_k, inst.tau, eta_m)
    assert m["mass_ratio"] <= r * (1 + 1e-9) + 1e-15
    assert m["err_matrix"] <= m["mass_ratio"] + tol
    assert m["err_attention"] <= 2 * check.v_inf_norm * m["mass_ratio"] + tol * eta_v
    # ... which under tau >= 2 ln n is at most eta / (k n), up to the (1 - e^-eta) <= eta factor
    assert r <= eta_m / (check.min_k * n) + 1e-300


def test_measured_errors_agree_with_a_direct_dense_computation():
    inst = generate_instance(60, 5, 3, eta=0.5, seed=4)
    scores = inst.Q @ inst.K.T
    A = np.exp(scores)
    B = np.where(scores >= inst.tau, A, 1.0)
    direct_matrix = np.abs(A / A.sum(1, keepdims=True) - B / B.sum(1, keepdims=True)).max()
    direct_att = np.abs(exact_attention(inst.Q, inst.K, inst.V) - sparse_attention(inst.Q, inst.K, inst.V, inst.tau)).max()
    delta = (B - A).sum(1) / B.sum(1)
    m = measure_errors(inst.Q, inst.K, inst.V, inst.tau, block_rows=7)
    # the same quantities computed two ways (blocked and shifted vs whole and unshifted)
    assert abs(m["err_matrix"] - direct_matrix) <= 1e-12 * direct_matrix
    assert abs(m["err_attention"] - direct_att) <= 1e-9 * direct_att
    assert abs(m["mass_ratio"] - delta.max()) < 1e-12 * delta.max()


def test_sharp_ratio_closed_form():
    n, s, tau, eta = 100, 3, 9.0, 0.2
    expected = (n - s) * (1 - math.exp(-eta)) / (s * math.exp(tau) + n - s)
    assert math.isclose(sharp_ratio(n, s, tau, eta), expected, rel_tol=1e-14)
    assert sharp_ratio(100, 3, 5000.0, 0.2) == 0.0  # e^-5000 underflows; no overflow
    assert math.isclose(sharp_ratio(100, 0, 9.0, 0.2), 1 - math.exp(-0.2))  # no find set: 1 - e^-eta


def test_error_table_shape_and_determinism():
    a = error_table(etas=(0.01, 0.1), ns=(32, 64), ds=(4,), ks=(1, 64))
    b = error_table(etas=(0.01, 0.1), ns=(32, 64), ds=(4,), ks=(1, 64))
    assert list(a.columns) == list(COLUMNS)
    assert len(a) == 2 * (1 + 2)  # k = 64 > n = 32 is skipped
    assert a.equals(b)
    assert (a["preconditions"] == "ok").all()
    s = summary(a)
    assert s["rows"] == 6 and s["within sharp bounds"] == 6
    text = to_markdown(a, ["n", "k", "eta", "err_matrix", "matrix_le_eta"])
    assert text.count("\n") == 7 and "| n | k | eta |" in text


def test_error_row_reports_failed_preconditions_plainly():
    row = error_row(64, 4, 2, 0.1, tau=1.0, seed=0)  # tau < 2 ln 64 = 8.3
    assert row["preconditions"].startswith("fails") and "tau>=2ln n" in row["preconditions"]
