"""Causal QLACI: the prefix preparation (Qualtran's PrepareUniformSuperposition) counted as it is
flattened, the causal circuit simulated against the numpy average over keys 0..i, exported with
the estimate's T count, and head totals summed over the queries in groups equal to the naive sum."""

from __future__ import annotations

import re
from collections import Counter

import numpy as np
import pytest
from qualtran.bloqs.basic_gates import XGate
from qualtran.bloqs.mcmt import MultiAnd
from qualtran.bloqs.state_preparation import PrepareUniformSuperposition
from qualtran.resource_counting import get_bloq_callee_counts

from qresource.machinery.circuit_counts import circuit_counts
from qresource.machinery.flatten import to_circuit
from qresource.machinery.logical import logical_counts
from qresource.machinery.rotation_synthesis import t_per_rotation
from qresource.machinery.statevector import run_bloq_statevector
from qresource.qlaci.build import at_query, build_shot, plan
from qresource.qlaci.causal import PrefixSuperposition, prefix_groups
from qresource.qlaci.estimate import causal_prefix, estimate_qlaci
from qresource.qlaci.params import PROTOTYPE, QlaciParams
from qresource.qlaci.reference import context_vector, per_key_terms, random_angles
from qresource.qlaci.run import export_qlaci, validate_qlaci
from tests.cli_run import run

GATE_KEYS = ("toffoli", "t", "clifford", "rotations", "measurements")


def _same_counts(bloq):
    counted = logical_counts(bloq)
    reused = circuit_counts(to_circuit(bloq))
    scheduled = circuit_counts(to_circuit(bloq, ancillas="schedule"))
    for key in GATE_KEYS:
        assert getattr(counted, key) == getattr(reused, key), key
    assert counted.qubits == reused.qubits
    # depth keys are the as-soon-as-possible schedule with fresh ancillas; the "reuse" layout
    # serialises a freed comparator ancilla with the AND that takes its qubit
    assert (counted.depth, counted.t_depth) == (scheduled.depth, scheduled.t_depth)
    return counted


def test_uniform_preparation_of_five_counts_as_it_is_flattened():
    counted = _same_counts(PrepareUniformSuperposition(5))
    assert (counted.clifford, counted.t_depth) == (142, 9)
    # the cause of the former 145: Qualtran's MultiAnd call graph charges 2 X per 0-valued control
    # in both directions, while the uncomputing And leaves of its decomposition apply none
    undo = MultiAnd(cvs=(0, 0, 0)).adjoint()
    assert dict(get_bloq_callee_counts(undo)).get(XGate()) == 6
    flat = Counter(type(b.bloq).__name__ for b in undo.decompose_bloq().bloq_instances)
    assert flat["XGate"] == 0 and flat["And"] == 2


@pytest.mark.parametrize("width, count", [(3, 5), (3, 7), (4, 6), (2, 3), (3, 8), (3, 1)])
@pytest.mark.parametrize("synthesize", [False, True])
def test_prefix_counts_equal_flattened_circuit(width, count, synthesize):
    _same_counts(PrefixSuperposition(width, count, eps=1e-3, synthesize=synthesize, exact_angles=True))


@pytest.mark.parametrize("count", range(1, 9))
def test_prefix_state_is_uniform_over_the_first_values(count):
    result = run_bloq_statevector(PrefixSuperposition(3, count, synthesize=False), {}, tolerance=1e-12)
    amplitudes = np.zeros(8, dtype=complex)
    for (value,), amplitude in result.amplitudes.items():
        amplitudes[value] += amplitude
    wanted = np.array([1.0 / np.sqrt(count)] * count + [0.0] * (8 - count))
    assert np.allclose(np.abs(amplitudes), wanted, atol=1e-9)


def test_prefix_groups_equal_grouping_every_query():
    for n in list(range(1, 70)) + [1000, 2**12]:
        naive = Counter((i.bit_length(), ((i + 1) & -(i + 1)).bit_length() - 1) for i in range(n))
        groups = prefix_groups(n)
        assert {key: count for key, (count, _) in groups.items()} == dict(naive), n
        for (width, zeros), (_, position) in groups.items():
            assert (position.bit_length(), ((position + 1) & -(position + 1)).bit_length() - 1) == (width, zeros)
    assert len(prefix_groups(2**20)) == 211  # 21 powers of two + sum_{b=2}^{20} (21 - b)


def test_grouped_preparation_sum_equals_the_sum_over_every_query():
    params = QlaciParams(n=32, dq=1, kv=1, out=1, feature_map="multiplexed", causal=True)
    p = plan(params)
    prefix = causal_prefix(p)
    naive_t = naive_toffoli = 0
    for i in range(32):
        counts = logical_counts(PrefixSuperposition(5, i + 1, p.eps_rotation), with_depth=False)
        naive_t += counts.t
        naive_toffoli += counts.toffoli
    assert (prefix.t_sum, prefix.toffoli_sum) == (naive_t, naive_toffoli)
    # every i + 1 that is not a power of two pays two rotations at the Ross-Selinger formula
    rotations = 32 - 6
    assert naive_t > 2 * rotations * t_per_rotation(p.eps_rotation)


@pytest.mark.parametrize("params", [
    QlaciParams(n=8, dq=2, kv=1, out=1, eps=0.2, feature_map="multiplexed", causal=True),
    PROTOTYPE.with_(causal=True, query_position=3),
])
def test_causal_head_totals_equal_the_naive_sum_over_queries(params):
    p = plan(params)
    record = estimate_qlaci(params)
    head = record.shots["per_head"]
    shots = p.shots.shots_per_query
    shot_counts = [logical_counts(build_shot(at_query(p, i)), with_depth=False) for i in range(params.n)]
    assert head["full_circuit"]["t"] == shots * sum(c.t for c in shot_counts)
    assert head["full_circuit"]["toffoli"] == shots * sum(c.toffoli for c in shot_counts)
    assert head["qubits"] == max(c.qubits for c in shot_counts)
    access = head["full_circuit"]["t_per_shot"] - head["qram_free"]["t_per_shot"]
    assert head["qram_free"]["t"] == shots * sum(c.t - access for c in shot_counts)
    assert record.params["causal"] is True
    # the same head without the mask pays no preparation but its Hadamards
    plain = head["non_causal"]
    assert plain["full_circuit"]["toffoli"] < head["full_circuit"]["toffoli"]
    assert plain["qubits"] < head["qubits"]


@pytest.mark.parametrize("synthesize", [False, True])
def test_causal_shot_counts_equal_flattened_circuit(synthesize):
    params = QlaciParams(n=8, dq=2, kv=1, out=1, eps=0.2, feature_map="multiplexed", causal=True, query_position=4)
    p = plan(params, strict=False)
    _same_counts(build_shot(p, random_angles(p.params, 7), basis="X", synthesize=synthesize))


@pytest.mark.parametrize("n", [4, 8])
def test_causal_simulation_equals_average_over_keys_up_to_i(n):
    for i in range(n):
        params = QlaciParams(n=n, dq=2, kv=1, out=1, feature_map="multiplexed", observables="xyz",
                             causal=True, query_position=i)
        result = validate_qlaci(params, seed=10 + i)
        assert result["ok"] and result["max_abs_difference"] <= 1e-9, i
        p = plan(params, strict=False)
        angles = random_angles(p.params, 10 + i)
        labels = result["observables"]
        assert np.allclose(result["classical_formula"], per_key_terms(p.params, angles, labels)[: i + 1].mean(axis=0))
        if i < n - 1:  # not the full average: the mask matters, far above the 1e-9 agreement
            full = context_vector(p.params.with_(causal=False, query_position=None), angles, labels)
            assert np.max(np.abs(np.array(result["simulated"]) - full)) > 1e-6


def test_causal_loader_and_synthesised_simulations():
    loader = QlaciParams(n=4, dq=1, kv=1, out=1, angle_bits=3, causal=True, query_position=2)
    assert validate_qlaci(loader, seed=2)["ok"]
    synthesised = QlaciParams(n=4, dq=1, kv=1, out=1, eps=0.1, feature_map="multiplexed", causal=True,
                              query_position=2)
    result = validate_qlaci(synthesised, seed=3, synthesize=True)
    assert result["ok"] and result["max_abs_difference"] > 1e-9


def test_exported_causal_t_count_equals_seeded_estimate(tmp_path):
    params = QlaciParams(n=4, dq=1, kv=1, out=1, feature_map="multiplexed", causal=True, query_position=2)
    path = tmp_path / "causal.qasm"
    export_qlaci(params, seed=3, version=3, output=str(path))
    written = len(re.findall(r"^\s*(?:t|tdg)\s+[^;]*;", path.read_text(), flags=re.MULTILINE))
    assert written == estimate_qlaci(params, seed=3).logical.t
    assert written > estimate_qlaci(params.with_(causal=False, query_position=None), seed=3).logical.t


@pytest.mark.parametrize("args, fragment", [
    (["--causal", "--query-position", "16"], "[0, N - 1] = [0, 15]"),
    (["--query-position", "3"], "needs --causal"),
])
def test_query_position_out_of_range_is_one_line(args, fragment):
    result = run("estimate", "qlaci", "--preset", "prototype", *args)
    assert result.returncode != 0 and result.stdout == ""
    assert fragment in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_causal_text_answer_shows_both_heads():
    result = run("estimate", "qlaci", "--preset", "prototype", "--causal", "--query-position", "5")
    assert result.returncode == 0
    assert "T causal" in result.stdout and "non-causal:" in result.stdout
