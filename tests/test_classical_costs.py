"""Operation counts against counted scalar implementations, the half-space model's slopes, and
the hardware presets."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

from qresource.classical.attention import SparsePlusOnes, algorithm2, exact_attention
from qresource.classical.costs import (
    OpCounts,
    algorithm2_counts,
    classical_costs,
    estimate_classical,
    halfspace_exponent,
    halfspace_model,
    loglog_slope,
    naive_attention_counts,
    shift_counts,
    sparse_values_counts,
)
from qresource.classical.hardware import PRESETS, get_hardware, measure_this_machine
from qresource.classical.instances import generate_instance
from qresource.core.errors import QResourceError


class Tally:
    """Scalar arithmetic that counts every operation by kind."""

    def __init__(self):
        self.counts = dict(mul=0, add=0, div=0, exp=0, cmp=0)

    def mul(self, a, b):
        self.counts["mul"] += 1
        return a * b

    def add(self, a, b):
        self.counts["add"] += 1
        return a + b

    def sub(self, a, b):
        self.counts["add"] += 1
        return a - b

    def div(self, a, b):
        self.counts["div"] += 1
        return a / b

    def exp(self, a):
        self.counts["exp"] += 1
        return math.exp(a)

    def dot(self, x, y):
        total = self.mul(x[0], y[0])
        for a, b in zip(x[1:], y[1:]):
            total = self.add(total, self.mul(a, b))
        return total

    def total(self, values):
        acc = values[0]
        for v in values[1:]:
            acc = self.add(acc, v)
        return acc

    def as_counts(self) -> OpCounts:
        return OpCounts(**self.counts)


def counted_naive_attention(Q, K, V, t: Tally):
    """Definition 1.1 in the order of costs.naive_attention_counts."""
    n, m = K.shape[0], Q.shape[0]
    S = [[t.dot(Q[i], K[j]) for j in range(n)] for i in range(m)]
    A = [[t.exp(S[i][j]) for j in range(n)] for i in range(m)]
    D = [t.total(A[i]) for i in range(m)]
    AV = [[t.total([t.mul(A[i][j], V[j][c]) for j in range(n)]) for c in range(V.shape[1])] for i in range(m)]
    return np.array([[t.div(AV[i][c], D[i]) for c in range(V.shape[1])] for i in range(m)])


def counted_sparse_values(Q, K, sets, t: Tally):
    """Algorithm 1 / 4's inner loop: B_ij = exp(Q_i . K_j) for j in S_i."""
    return [{j: t.exp(t.dot(Q[i], K[j])) for j in s} for i, s in enumerate(sets)]


def counted_algorithm2(values, V, t: Tally):
    """Algorithm 2 through Lemma 6.2's split, in the order of costs.algorithm2_counts."""
    n, d_v = V.shape
    colsum = [t.total([V[j][c] for j in range(n)]) for c in range(d_v)]
    out = []
    for row in values:
        y = list(colsum)
        for j, a in row.items():
            w = t.sub(a, 1.0)
            y = [t.add(y[c], t.mul(w, V[j][c])) for c in range(d_v)]
        den = float(n - len(row))
        t.counts["add"] += 1  # n - |S_i|
        for a in row.values():
            den = t.add(den, a)
        out.append([t.div(y[c], den) for c in range(d_v)])
    return np.array(out)


@pytest.mark.parametrize("n, d, d_v", [(2, 1, 1), (5, 3, 2), (7, 4, 4)])
def test_naive_counts_equal_a_counted_implementation(n, d, d_v):
    rng = np.random.default_rng(n)
    Q, K, V = rng.standard_normal((n, d)), rng.standard_normal((n, d)), rng.standard_normal((n, d_v))
    t = Tally()
    result = counted_naive_attention(Q, K, V, t)
    assert t.as_counts() == naive_attention_counts(n, d, d_v)
    np.testing.assert_allclose(result, exact_attention(Q, K, V), rtol=1e-12)


@pytest.mark.parametrize("n, d, k, exact_k", [(6, 3, 1, True), (9, 2, 3, True), (12, 4, 3, False), (5, 2, 5, True)])
def test_sparse_counts_equal_a_counted_implementation(n, d, k, exact_k):
    inst = generate_instance(n, d, k, eta=0.3, seed=n, exact_k=exact_k, tau=2.0)
    B = SparsePlusOnes.from_qk(inst.Q, inst.K, inst.tau)
    sets = [list(B.find_sets.row(i)) for i in range(n)]
    entries = sum(len(s) for s in sets)
    t = Tally()
    values = counted_sparse_values(inst.Q, inst.K, sets, t)
    assert t.as_counts() == sparse_values_counts(d, entries)
    t = Tally()
    result = counted_algorithm2(values, inst.V, t)
    assert t.as_counts() == algorithm2_counts(n, d, entries)
    np.testing.assert_allclose(result, algorithm2(B, inst.V), rtol=1e-10, atol=1e-15)
    if exact_k:
        assert entries == n * k  # the worst case that classical_costs charges


def test_closed_forms_at_the_reported_point():
    n, d, k = 4096, 128, 32
    naive = naive_attention_counts(n, d)
    assert naive.mul == 2 * n * n * d
    assert naive.add == n * n * (d - 1) + n * (n - 1) * (d + 1)
    # 2 n^2 d mul + (2 n^2 d - n d - n) add + n d div + n^2 exp
    assert naive.flops() == 4 * n * n * d + n * n - n
    inference = algorithm2_counts(n, d, n * k)
    assert inference.flops() == n * k * d + (n - 1) * d + n * k * (d + 2) + n + n * d
    assert shift_counts(n).flops() == n * n + n * (n - 1)


def test_counts_are_exact_python_integers_at_huge_n():
    n = 2**40
    c = classical_costs(n, 128, 32)
    for block in ("naive", "sparse_values", "sparse_inference"):
        for key in ("mul", "add", "div", "exp", "cmp", "flops"):
            assert type(c[block][key]) is int
    assert c["naive"]["mul"] == 2 * n * n * 128
    assert type(c["halfspace"]["ops_int"]) is int and type(c["halfspace_pipeline"]["ops"]) is int
    assert json.loads(estimate_classical(n, 128, 32).to_json())["classical"]["naive"]["mul"] == 2 * n * n * 128


@pytest.mark.parametrize("d, expected", [(4, 1.5), (64, 1.97)])
def test_halfspace_log_log_slope(d, expected):
    ns = [2**e for e in range(10, 21)]
    ops = [halfspace_model(n, d, 1)["ops"] for n in ns]
    slope = loglog_slope(ns, ops)
    # the dominant term n * n^(1 - 1/floor(d/2)) has slope 2 - 1/floor(d/2): 1.5 and 1.96875;
    # the n log n build and the n k output terms pull the fitted slope a little below it
    assert 2 - 1 / (d // 2) - 0.05 < slope <= 2 - 1 / (d // 2)
    assert abs(slope - expected) < 0.05


def test_halfspace_model_terms_and_low_dimensions():
    m = halfspace_model(1024, 4, 8, constant=2.0, polylog_power=1.0)
    assert m["build"] == 2.0 * 1024 * 10
    assert m["query_each"] == pytest.approx(2.0 * (1024**0.5 * 10 + 8))
    assert m["ops"] == pytest.approx(m["build"] + 1024 * m["query_each"])
    for d in (1, 2, 3):
        assert halfspace_exponent(d) == 0.0
        low = halfspace_model(1024, d, 8)
        assert low["polylog_power"] == 1.0 and low["query_each"] == pytest.approx(10 + 8)
    assert halfspace_exponent(64) == 1 - 1 / 32
    with pytest.raises(QResourceError):
        halfspace_model(1024, 4, 8, constant=0.0)
    with pytest.raises(QResourceError):
        halfspace_model(1024, 4, 8, polylog_power=-1.0)


def test_presets_match_their_documented_derivations():
    assert PRESETS["h100-sxm"].peak_flops_per_s == 989.4e12
    assert PRESETS["h100-pcie"].peak_flops_per_s == 1513e12 / 2
    assert PRESETS["epyc-9654-2s-fp64"].peak_flops_per_s == 2 * 96 * 2.4e9 * 16
    assert PRESETS["epyc-9654-2s-fp32"].peak_flops_per_s == 2 * 96 * 2.4e9 * 32
    with pytest.raises(QResourceError, match="unknown hardware"):
        get_hardware("abacus")


def test_seconds_are_flops_over_rate_times_utilisation():
    c = classical_costs(1024, 64, 8, hardware="epyc-9654-2s-fp64", utilisation=0.5, exp_flops=20)
    rate = 2 * 96 * 2.4e9 * 16 * 0.5
    assert c["rate_flops_per_s"] == rate
    naive = naive_attention_counts(1024, 64)
    assert c["naive"]["flops"] == naive.flops(20) == naive.mul + naive.add + naive.div + 20 * naive.exp
    assert c["naive"]["seconds"] == c["naive"]["flops"] / rate
    assert c["halfspace_pipeline"]["ops"] == (c["halfspace"]["ops_int"] + c["sparse_values"]["flops"]
                                              + c["sparse_inference"]["flops"])
    with pytest.raises(QResourceError, match="utilisation"):
        classical_costs(1024, 64, 8, utilisation=1.5)


def test_default_output_is_deterministic_and_this_machine_is_measured_only_on_request():
    measure_this_machine.cache_clear()
    a = estimate_classical(512, 16, 4).to_json()
    b = estimate_classical(512, 16, 4).to_json()
    assert a == b
    assert measure_this_machine.cache_info().currsize == 0  # never measured by default
    hw = measure_this_machine(size=128, repeats=1)
    assert hw.measured and hw.peak_flops_per_s > 0


def test_record_has_every_contract_key_with_quantum_keys_null():
    data = estimate_classical(256, 8, 2).to_dict()
    for key in ("primitive", "params", "logical", "queries", "iterations", "success_probability",
                "registers", "classical", "physical"):
        assert key in data
    assert data["primitive"] == "classical"
    for key in ("logical", "queries", "iterations", "success_probability", "registers", "physical"):
        assert data[key] is None
    assert data["params"] == {"n": 256, "d": 8, "k": 2, "hardware": "h100-sxm", "halfspace_constant": 1.0,
                              "polylog_power": 0.0, "utilisation": 1.0, "exp_flops": 1}
