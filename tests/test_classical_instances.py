"""The (tau, k)-good instance generator, its JSON forms, and the checker."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qresource.classical.instances import (
    Instance,
    check_instance,
    generate_instance,
    instance_from_json,
    load_instance,
)
from qresource.core.errors import QResourceError


@settings(max_examples=120, deadline=None, derandomize=True)
@given(
    n=st.integers(2, 200),
    d=st.integers(1, 40),
    k_frac=st.floats(0.0, 1.0),
    eta=st.floats(1e-4, 3.0),
    extra_tau=st.floats(0.0, 30.0),
    exact_k=st.booleans(),
    integer=st.booleans(),
    seed=st.integers(0, 2**32 - 1),
)
def test_generated_instances_pass_the_checker_with_exactly_the_requested_max_k(
    n, d, k_frac, eta, extra_tau, exact_k, integer, seed
):
    k = max(1, min(n, round(k_frac * n)))
    tau = 2 * math.log(n) + extra_tau
    inst = generate_instance(n, d, k, tau=tau, eta=eta, seed=seed, exact_k=exact_k, integer=integer)
    check = check_instance(inst.Q, inst.K, inst.tau, eta=eta, k=k, V=inst.V)
    assert check.max_k == k
    assert check.definition_1_2 and check.gap_condition and check.tau_ge_2ln_n
    assert check.theorem_1_3 and check.lemma_4_3_part4 and check.v_within_eta
    assert check.eta_actual <= eta
    if exact_k:
        assert check.min_k == k and check.exactly_k_every_row
    else:
        assert check.min_k >= 1
    if integer:
        assert np.all(inst.Q == np.round(inst.Q)) and np.all(inst.K == np.round(inst.K))
    assert inst.Q.shape == (n, d) and inst.K.shape == (n, d) and inst.V.shape == (n, d)


def test_scores_fill_the_slab_and_the_find_set_range():
    inst = generate_instance(300, 16, 5, eta=0.2, seed=11)
    s = inst.Q @ inst.K.T
    large, small = s[s >= inst.tau], s[s < inst.tau]
    assert large.min() >= inst.tau and large.max() <= inst.tau + 4.0 + 1e-9
    assert -0.2 <= small.min() < -0.19 and -1e-6 > small.max()
    # the rotation makes the vectors dense: no coordinate is zero
    assert np.count_nonzero(inst.Q == 0) == 0


def test_same_seed_same_bytes_and_different_seed_different_instance():
    a = generate_instance(64, 8, 3, eta=0.1, seed=5)
    b = generate_instance(64, 8, 3, eta=0.1, seed=5)
    c = generate_instance(64, 8, 3, eta=0.1, seed=6)
    assert json.dumps(a.to_json_dict()) == json.dumps(b.to_json_dict())
    assert not np.array_equal(a.Q, c.Q)


def test_json_round_trip_is_exact(tmp_path):
    inst = generate_instance(20, 4, 2, eta=0.05, seed=1)
    path = tmp_path / "instance.json"
    path.write_text(json.dumps(inst.to_json_dict()))
    back = load_instance(path)
    for name in ("Q", "K", "V"):
        np.testing.assert_array_equal(getattr(back, name), getattr(inst, name))
    assert (back.tau, back.eta, back.k, back.seed) == (inst.tau, inst.eta, inst.k, inst.seed)
    assert back.check().as_dict() == inst.check().as_dict()


def test_oracle_row_form_matches_the_instance_file_contract():
    inst = generate_instance(16, 4, 2, eta=2.0, seed=3, integer=True)
    row = inst.oracle_row(5, bits=8)
    assert set(row) == {"q", "K", "tau", "bits"}
    assert all(isinstance(x, int) for x in row["q"])
    assert len(row["K"]) == 16 and all(len(r) == 4 for r in row["K"])
    assert isinstance(row["tau"], int) and row["tau"] == math.ceil(2 * math.log(16))
    # read back as a one-query instance: row 5's find set has exactly k members
    single = instance_from_json(row)
    assert single.Q.shape == (1, 4)
    assert check_instance(single.Q, single.K, single.tau).max_k == 2
    with pytest.raises(QResourceError, match="signed 4-bit"):
        inst.oracle_row(0, bits=4)  # the keys' gamma in [6, 10] do not all fit [-8, 7]
    with pytest.raises(QResourceError, match="integer=True"):
        generate_instance(16, 4, 2, eta=0.5, seed=3).oracle_row(0, bits=16)
    with pytest.raises(QResourceError, match="out of range"):
        inst.oracle_row(16, bits=8)


def test_checker_reports_each_failed_condition():
    # 1-d example with scores written out: Q = [1, 1], K = [5, 3, -0.5, 0.2]
    Q = np.array([[1.0], [1.0]])
    K = np.array([[5.0], [3.0], [-0.5], [0.2]])
    check = check_instance(Q, K, tau=2.5, eta=0.4, k=1)
    assert (check.max_k, check.min_k) == (2, 2)
    assert not check.definition_1_2  # two scores >= 2.5 per row, k = 1
    assert check.gap_violations == 4  # 0.2 > 0 and -0.5 < -0.4, in both rows
    assert not check.gap_condition
    assert check.eta_actual == 0.5 and check.max_score_below_tau == 0.2
    assert check.tau_ge_2ln_n == (2.5 >= 2 * math.log(4))  # 2 ln 4 = 2.77: fails
    assert not check.tau_ge_2ln_n and not check.theorem_1_3
    assert check.lemma_4_3_part4  # 2 e^2.5 = 24.4 >= 8
    assert not check.tau_ge_2log2_n
    # with no eta and no k given, the actual ones are used
    free = check_instance(Q, K, tau=2.5)
    assert free.k == 2 and free.definition_1_2 and free.eta == 0.5
    assert free.gap_violations == 2 and free.notes


def test_checker_part4_needs_a_nonempty_find_set_in_every_row():
    Q = np.array([[1.0], [-1.0]])
    K = np.array([[10.0], [-0.1]])
    check = check_instance(Q, K, tau=3.0, eta=0.2, V=np.array([[0.1], [0.3]]))
    assert (check.max_k, check.min_k) == (1, 0)
    assert not check.lemma_4_3_part4  # row 1 has no score >= tau
    assert check.v_inf_norm == 0.3 and check.v_within_eta is False


def test_checker_blocking_does_not_change_the_record():
    inst = generate_instance(90, 6, 4, eta=0.3, seed=2, exact_k=False)
    whole = inst.check().as_dict()
    for block in (1, 7, 90):
        part = inst.check(block_rows=block).as_dict()
        assert part.keys() == whole.keys()
        for key, value in whole.items():  # floats equal up to BLAS summation order
            assert part[key] == (pytest.approx(value, rel=1e-13) if isinstance(value, float) else value)


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"n": 1, "d": 2, "k": 1}, "n must be"),
        ({"n": 8, "d": 0, "k": 1}, "d must be"),
        ({"n": 8, "d": 2, "k": 9}, "at most n"),
        ({"n": 8, "d": 2, "k": 0}, "k must be"),
        ({"n": 8, "d": 2, "k": 1, "tau": -1.0}, "tau must be positive"),
        ({"n": 8, "d": 2, "k": 1, "eta": 0.0}, "eta must be positive"),
        ({"n": 8, "d": 2, "k": 1, "eta": float("nan")}, "eta must be positive"),
    ],
)
def test_generator_rejects_bad_parameters(kwargs, match):
    with pytest.raises(QResourceError, match=match):
        generate_instance(**kwargs)


@pytest.mark.parametrize(
    "data, match",
    [
        ([1, 2], "JSON object"),
        ({"K": [[1.0]], "tau": 1}, "needs"),
        ({"Q": [[1.0]], "tau": 1}, "missing \"K\""),
        ({"Q": [[1.0]], "K": [[1.0, 2.0]], "tau": 1}, "columns"),
        ({"Q": [["a"]], "K": [[1.0]], "tau": 1}, "numbers"),
        ({"Q": [[1.0]], "K": [[1.0]], "tau": 1, "k": -2}, "non-negative integer"),
    ],
)
def test_instance_files_with_bad_content_give_one_line_errors(data, match):
    with pytest.raises(QResourceError, match=match):
        instance_from_json(data)


def test_instance_is_a_plain_record():
    inst = Instance(np.ones((2, 1)), np.ones((3, 1)), None, tau=0.5)
    assert (inst.n, inst.d) == (3, 1)
    assert inst.to_json_dict()["V"] is None
