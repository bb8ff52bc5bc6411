"""QLACI bloqs: classical action of the pieces (Qualtran tensor contraction against numpy),
closed-form counts, and bloq counts == counts of the flattened circuit."""

from __future__ import annotations

import math

import cirq
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from qualtran import BloqBuilder
from qualtran.bloqs.basic_gates import IntEffect, IntState

from qresource.machinery.circuit_counts import circuit_counts
from qresource.machinery.flatten import to_circuit
from qresource.machinery.logical import gate_tally, logical_counts
from qresource.qlaci.build import build_qlaci, build_shot, plan
from qresource.qlaci.layers import interaction_pairs, score_pairs
from qresource.qlaci.multiplexed_rotation import MultiplexedRotation
from qresource.qlaci.params import PROTOTYPE, QlaciParams
from qresource.qlaci.phase_rotation import (
    PhaseGradientPrep,
    PhaseGradientRotation,
    loaded_angle,
    quantize_angle,
)
from qresource.qlaci.reference import random_angles


@pytest.mark.parametrize("axis", ["y", "z"])
@pytest.mark.parametrize("m", [1, 3])
def test_multiplexed_rotation_applies_angle_j_on_branch_j(axis, m):
    rng = np.random.default_rng(m)
    angles = rng.uniform(0, 2 * np.pi, 2**m)
    unitary = MultiplexedRotation(m, axis, tuple(angles), synthesize=False).tensor_contract()
    blocks = unitary.reshape(2**m, 2, 2**m, 2)
    for j in range(2**m):
        wanted = cirq.unitary(cirq.ry(angles[j]) if axis == "y" else cirq.rz(angles[j]))
        np.testing.assert_allclose(blocks[j, :, j, :], wanted, atol=1e-10)
        for k in range(2**m):
            if k != j:
                assert np.abs(blocks[j, :, k, :]).max() < 1e-12


def test_phase_gradient_rotation_is_rz_of_loaded_angle():
    bits = 4
    for x in range(2**bits):
        bb = BloqBuilder()
        target = bb.add_register("t", 1)
        grad = bb.add(PhaseGradientPrep(bits, synthesize=False))
        word = bb.add(IntState(x, bits))
        word, grad, target = bb.add(PhaseGradientRotation(bits), angle=word, phase_grad=grad, target=target)
        bb.add(IntEffect(x, bits), val=word)
        bb.add(PhaseGradientPrep(bits, uncompute=True, synthesize=False), phase_grad=grad)
        unitary = bb.finalize(t=target).tensor_contract()
        wanted = cirq.unitary(cirq.rz(loaded_angle(x, bits)))
        # the global phase e^{-i pi / 2^b} does not depend on x (module docstring)
        np.testing.assert_allclose(unitary, np.exp(-1j * np.pi / 2**bits) * wanted, atol=1e-10)


@pytest.mark.parametrize("bits", [3, 6, 10])
def test_quantised_angle_within_half_step(bits):
    # rounding to the nearest odd multiple of 2 pi / 2^b moves Rz by at most pi / 2^b (up to sign)
    for theta in np.random.default_rng(bits).uniform(0, 4 * np.pi, 200):
        applied = loaded_angle(quantize_angle(theta, bits), bits)
        a, b = cirq.unitary(cirq.rz(theta)), cirq.unitary(cirq.rz(applied))
        distance = min(np.linalg.norm(a - b, 2), np.linalg.norm(a + b, 2))
        assert distance <= np.pi / 2**bits + 1e-12


def _expected_rotations(p: QlaciParams, bits: int | None) -> int:
    # query encoding + per layer: interaction (pairs + dq + kv) and score (pairs + 2 out)
    count = p.dq + p.layers * (
        len(interaction_pairs(p.dq, p.kv, p.connectivity)) + p.dq + p.kv
        + len(score_pairs(p.dq, p.kv, p.out, p.connectivity)) + 2 * p.out
    )
    if bits is None:
        return count + 2 * p.kv * p.n  # 2 q_KV multiplexors of 2^m rotations
    return count + 2 * (bits - 3)  # phase gradient: Z, S, T exact, b - 3 rotations, twice


@pytest.mark.parametrize(
    "params",
    [
        PROTOTYPE,
        PROTOTYPE.with_(feature_map="loader"),
        QlaciParams(n=2**10, dq=3, kv=2, out=2, layers=3, connectivity="all"),
        QlaciParams(n=2**30, dq=6, kv=3, out=2, layers=2, feature_map="multiplexed"),
    ],
)
def test_rotation_count_closed_form(params):
    p = plan(params)
    assert p.budget.rotations == _expected_rotations(p.params, p.angle_bits)
    unsynthesised = gate_tally(build_qlaci(p, synthesize=False))
    assert unsynthesised.rotations == p.budget.rotations
    if params.feature_map == "multiplexed":  # (synthesising the loader's phase gradient is slow)
        assert gate_tally(build_qlaci(p)).rotations == 0  # every rotation synthesised


def test_loader_toffoli_closed_form_at_two_to_the_thirty():
    # two QROM calls of N - 2 ANDs each (unary iteration, Babbush et al. 2018) and 2 q_KV
    # Gidney adders of b - 1 ANDs each; the multiplexed layers have no Toffoli at all
    params = QlaciParams(n=2**30, dq=4, kv=2, out=1)
    p = plan(params)
    counts = logical_counts(build_shot(p))
    assert counts.toffoli == 2 * (2**30 - 2) + 2 * params.kv * (p.angle_bits - 1)
    assert counts.qubits >= 4 + 30 + 2 + 1 + 2 * params.kv * p.angle_bits + p.angle_bits


SMALL = [
    QlaciParams(n=4, dq=2, kv=1, out=1, eps=0.2, feature_map="multiplexed"),
    QlaciParams(n=4, dq=1, kv=1, out=2, eps=0.2, angle_bits=4, observables="xyz"),
    QlaciParams(n=8, dq=2, kv=2, out=1, eps=0.3, angle_bits=5, layers=2, connectivity="all", loader="qroam"),
]


@pytest.mark.parametrize("params", SMALL)
@pytest.mark.parametrize("synthesize", [False, True])
def test_counts_equal_flattened_circuit(params, synthesize):
    p = plan(params, strict=False)
    bloq = build_shot(p, random_angles(p.params, 7), basis="Y" * params.out, synthesize=synthesize)
    counted = logical_counts(bloq)
    reused = circuit_counts(to_circuit(bloq))
    scheduled = circuit_counts(to_circuit(bloq, ancillas="schedule"))
    for key in ("toffoli", "t", "clifford", "rotations", "measurements"):
        assert getattr(counted, key) == getattr(reused, key), key
    assert counted.qubits == reused.qubits
    assert (counted.depth, counted.t_depth) == (scheduled.depth, scheduled.t_depth)
    if synthesize:
        assert counted.rotations == 0
        ops = set(to_circuit(bloq).count_ops())
        assert ops <= {"h", "s", "sdg", "t", "tdg", "x", "z", "cx", "cz", "measure", "if_else"}


def test_data_free_counts_match_data_counts_before_synthesis():
    # the call graph of a data-free instance (what the CLI uses at N = 2^30) gives the same
    # non-Clifford counts as the decomposition with data
    for params in SMALL:
        p = plan(params, strict=False)
        free = logical_counts(build_shot(p, synthesize=False))
        data = logical_counts(build_shot(p, random_angles(p.params, 3), synthesize=False))
        assert (free.toffoli, free.t, free.rotations, free.qubits) == (data.toffoli, data.t, data.rotations, data.qubits)


def test_prototype_registers():
    from qresource.qlaci.estimate import estimate_qlaci

    record = estimate_qlaci(PROTOTYPE.with_(feature_map="loader"))
    named = {k: record.registers[k] for k in ("query", "index", "kv", "out")}
    assert named == {"query": 4, "index": 4, "kv": 2, "out": 1}  # section 4.5: 4 + 4 + 3 = 11
    assert sum(named.values()) == 11
    assert sum(record.registers.values()) == record.logical.qubits
    multiplexed = estimate_qlaci(PROTOTYPE)  # the preset is the paper's 11-qubit circuit
    assert PROTOTYPE.feature_map == "multiplexed"
    assert multiplexed.logical.qubits == 11 and multiplexed.registers["work_ancilla"] == 0
    assert math.isclose(sum(v for k, v in record.error_budget.items() if k in ("eps_shot", "eps_synthesis", "eps_loading")), PROTOTYPE.eps)


@pytest.mark.parametrize(
    "params",
    [PROTOTYPE.with_(feature_map="loader"), PROTOTYPE, QlaciParams(n=2**30, dq=5, kv=3, out=2, eps=1e-3, layers=2)],
)
def test_data_free_t_count_closed_form(params):
    # T = 4 Toffoli (ANDs) + 2 (the T^dagger / T of the phase gradient) + R t_rot(eps_rot);
    # prototype with the loader: 4 * 84 + 2 + 46 * 52 = 2730; multiplexed: 86 * 52 = 4472
    from qresource.machinery.rotation_synthesis import t_per_rotation

    p = plan(params)
    counts = logical_counts(build_shot(p))
    exact_t = 2 if params.feature_map == "loader" else 0
    assert counts.t == 4 * counts.toffoli + exact_t + p.budget.rotations * t_per_rotation(p.eps_rotation)
    if params is PROTOTYPE:
        assert counts.t == 4472
    elif params == PROTOTYPE.with_(feature_map="loader"):
        assert counts.t == 2730


@settings(max_examples=25, deadline=None, derandomize=True)
@given(
    log_n=st.integers(1, 40),
    dq=st.integers(1, 6),
    kv=st.integers(1, 4),
    out=st.integers(1, 4),
    layers=st.integers(0, 3),
    connectivity=st.sampled_from(["linear", "all"]),
    feature_map=st.sampled_from(["loader", "multiplexed"]),
)
def test_rotation_and_toffoli_closed_forms_hold_everywhere(log_n, dq, kv, out, layers, connectivity, feature_map):
    params = QlaciParams(n=2**log_n, dq=dq, kv=kv, out=out, layers=layers, connectivity=connectivity,
                         feature_map=feature_map)
    p = plan(params)
    assert p.budget.rotations == _expected_rotations(p.params, p.angle_bits)
    tally = gate_tally(build_shot(p, synthesize=False))
    if feature_map == "loader":
        # two QROM calls (N - 2 ANDs each; N = 2 needs none) and 2 q_KV adders of b - 1 ANDs
        assert tally.toffoli == 2 * max(2**log_n - 2, 0) + 2 * kv * (p.angle_bits - 1)
    else:
        assert tally.toffoli == 0
