"""Shot budget (Hoeffding with a union bound, grouped settings, classical shadows) and the
error-budget split."""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qresource.core.errors import QResourceError
from qresource.qlaci.budget import angle_bits_for, eps_per_rotation, split_budget
from qresource.qlaci.build import plan
from qresource.qlaci.params import PROTOTYPE, QlaciParams
from qresource.qlaci.shots import (
    hoeffding_shots,
    observable_labels,
    observable_set,
    plan_shots,
    shadow_shots,
)


def test_hoeffding_value():
    # 2 ln(2 / 0.05) / 0.1^2 = 200 ln 40 = 737.78 -> 738
    assert hoeffding_shots(0.1, 0.05) == 738
    # 2 ln(200) / 1e-4 = 105966.3 -> 105967
    assert hoeffding_shots(0.01, 0.01) == 105967


@settings(max_examples=40, deadline=None, derandomize=True)
@given(st.floats(1e-4, 0.5), st.floats(1e-9, 0.5))
def test_hoeffding_is_smallest_integer_meeting_the_bound(eps, delta):
    shots = hoeffding_shots(eps, delta)
    assert 2 * math.exp(-shots * eps**2 / 2) <= delta * (1 + 1e-9)
    assert 2 * math.exp(-(shots - 1) * eps**2 / 2) > delta * (1 - 1e-9)


def test_hoeffding_holds_for_the_worst_case_coin():
    # outcomes +-1 with p = 1/2 (largest variance): the failure rate stays below delta
    rng = np.random.default_rng(0)
    eps, delta = 0.1, 0.2
    shots = hoeffding_shots(eps, delta)
    means = 1 - 2 * rng.binomial(shots, 0.5, size=20000) / shots
    assert np.mean(np.abs(means) >= eps) <= delta


def test_bad_precision_refused():
    for eps, delta in ((0.0, 0.1), (1.0, 0.1), (0.1, 0.0), (0.1, 1.5)):
        with pytest.raises(QResourceError):
            hoeffding_shots(eps, delta)


def test_union_bound_and_grouping():
    xyz = observable_set("xyz", 2)
    assert (xyz.count, xyz.settings) == (6, 3)
    everything = observable_set("all", 3)
    assert (everything.count, everything.settings, everything.max_weight) == (63, 27, 3)
    assert len(observable_labels("all", 3)) == 63
    shots = plan_shots(0.01, 0.01, xyz, queries=1000)
    assert shots.estimates_union == 6000
    assert shots.shots_per_setting == hoeffding_shots(0.01, 0.01 / 6000)
    assert shots.shots_per_query == 3 * shots.shots_per_setting


def test_classical_shadows():
    # Huang-Kueng-Preskill Theorem 1: K = 2 ln(2M / delta) batches of 34 * 3^w / eps^2 snapshots;
    # M = 10, delta = 0.1, w = 1, eps = 0.1: K = ceil(2 ln 200) = 11, batch = 10200
    assert shadow_shots(0.1, 0.1, 10, 1) == 11 * 10200
    # a head of 16 queries: the failure probability is split over the queries, and each query's
    # snapshots serve all of its M observables: M = 63 weight-<=3 Paulis on 3 output qubits
    everything = observable_set("all", 3)
    planned = plan_shots(0.05, 0.01, everything, 16, "shadows")
    assert planned.shots_per_query == shadow_shots(0.05, 0.01 / 16, 63, 3)
    # with the theorem's constants, full tomography by grouped settings is cheaper here
    assert plan_shots(0.05, 0.01, everything, 16, "grouped").shots_per_query < planned.shots_per_query


def test_budget_split_sums_to_eps():
    for uses_loader in (True, False):
        parts = split_budget(0.01, 0.8, uses_loader)
        assert math.isclose(sum(parts), 0.01)
    assert split_budget(0.01, 0.8, False)[2] == 0.0
    # 2 pi * 4 / 1e-3 = 25132.7 -> 2^15
    assert angle_bits_for(1e-3, 4) == 15
    assert eps_per_rotation(0.002, 100) == 1e-5


def test_plan_states_the_split():
    p = plan(PROTOTYPE.with_(feature_map="loader"))
    split = p.budget.as_dict()
    assert split["split"] == "shots 80%, synthesis 10%, loading 10% of eps"
    assert math.isclose(split["eps_shot"] + split["eps_synthesis"] + split["eps_loading"], PROTOTYPE.eps)
    assert 2 * p.budget.rotations * p.eps_rotation == pytest.approx(split["eps_synthesis"])
    # per-head union bound: N queries x 1 observable
    assert p.shots.shots_per_query == hoeffding_shots(0.8 * PROTOTYPE.eps, PROTOTYPE.delta / 16)


def test_per_head_totals_in_both_models():
    from qresource.qlaci.estimate import estimate_qlaci

    record = estimate_qlaci(QlaciParams(n=2**12, dq=4, kv=2, out=1))
    head = record.shots["per_head"]
    assert head["circuit_executions"] == 2**12 * record.shots["shots_per_query"]
    full, free = head["full_circuit"], head["qram_free"]
    assert full["t"] == head["circuit_executions"] * record.logical.t
    # the QRAM-free model drops the two QROM calls: 2 (N - 2) ANDs of 4 T each
    assert full["t_per_shot"] - free["t_per_shot"] == 2 * 4 * (2**12 - 2)
    assert full["toffoli_per_shot"] - free["toffoli_per_shot"] == 2 * (2**12 - 2)


@pytest.mark.parametrize("n, kv, feature_map", [(2**12, 2, "loader"), (2**6, 1, "loader"), (2**4, 2, "multiplexed")])
def test_paper_model_charges_the_active_path_twice_per_shot(n, kv, feature_map):
    """The paper's model is the zero-cost-access shot plus two accesses, each the routers one
    access of a routing bucket brigade goes through: address bit l passes the l routers above
    its level (sum over l < m = log2 N: m (m - 1) / 2) and each of the 2 q_KV b word bits the
    m - 1 levels of the bus; one AND (4 T) per router passed."""
    from qresource.qlaci.estimate import estimate_qlaci

    params = QlaciParams(n=n, dq=4, kv=kv, out=1, feature_map=feature_map)
    record = estimate_qlaci(params)
    head = record.shots["per_head"]
    free, paper = head["qram_free"], head["paper_model"]
    m = n.bit_length() - 1
    # the word is the loader feature map's, at the same eps, whichever feature map the shot uses
    angle_bits = estimate_qlaci(replace(params, feature_map="loader")).error_budget["angle_bits"]
    word = 2 * kv * angle_bits
    assert paper["access_word_bits"] == word
    ands = m * (m - 1) // 2 + word * (m - 1)
    assert paper["toffoli_per_shot"] - free["toffoli_per_shot"] == 2 * ands
    assert paper["t_per_shot"] - free["t_per_shot"] == 2 * 4 * ands
    assert paper["t"] == head["circuit_executions"] * paper["t_per_shot"]
    # poly(log N) per access: far below the full circuit's access once N is large
    if n >= 2**12:
        assert paper["t_per_shot"] < head["full_circuit"]["t_per_shot"]
