"""Rotation synthesis: pygridsynth words are eps-close to Rz (numpy), their exact T counts
against the Ross–Selinger formula, and synthesised rotation bloqs counted as their words."""

from __future__ import annotations

import math

import numpy as np
import pytest
from qiskit import QuantumCircuit
from qiskit.quantum_info import Operator

from qresource.machinery.logical import logical_counts
from qresource.machinery.rotation_synthesis import (
    append_rz,
    gridsynth_sequence,
    measure_gridsynth,
    t_per_rotation,
)
from qresource.qlaci.rotation import SynthesizedRotation


def _distance_up_to_phase(u: np.ndarray, v: np.ndarray) -> float:
    phase = np.vdot(v.flatten(), u.flatten())
    return float(np.linalg.norm(u - (phase / abs(phase)) * v, 2))


@pytest.mark.parametrize("eps", [1e-2, 1e-4])
def test_words_approximate_rz_within_eps(eps):
    for angle in np.random.default_rng(11).uniform(0, 2 * np.pi, 6):
        qc = QuantumCircuit(1)
        t_count = append_rz(qc, angle, 0, eps)
        rz = np.diag([np.exp(-0.5j * angle), np.exp(0.5j * angle)])
        assert _distance_up_to_phase(Operator(qc).data, rz) <= eps
        assert qc.count_ops().get("t", 0) == t_count


def test_t_count_formula_against_pygridsynth():
    # Ross & Selinger: 3 log2(1/eps) + O(log log 1/eps) for generic angles. Our formula is
    # ceil(3 log2(1/eps)) + 2; pygridsynth's mean over random angles sits within 2 of it.
    # Single words scatter: with this seed one word at eps = 1e-4 has 49 T (formula 42), so the
    # per-word bound is formula + 8; the formula is a mean, not a worst case.
    rng = np.random.default_rng(2024)
    for eps in (1e-2, 1e-4, 1e-6, 1e-8):
        counts = measure_gridsynth(eps, rng.uniform(0, 2 * np.pi, 12))
        formula = t_per_rotation(eps)
        assert formula == math.ceil(3 * math.log2(1 / eps)) + 2
        assert abs(np.mean(counts) - formula) <= 2.0, (eps, counts)
        assert max(counts) <= formula + 8


def test_formula_is_exact_integer_for_tiny_eps():
    assert t_per_rotation(1e-300) == math.ceil(3 * math.log2(1e300)) + 2
    assert isinstance(t_per_rotation(1e-12), int)


@pytest.mark.parametrize("axis", ["y", "z"])
def test_synthesized_rotation_counts(axis):
    eps = 1e-3
    data_free = logical_counts(SynthesizedRotation(axis, None, eps))
    extra = 4 if axis == "y" else 0  # S^dagger H ... H S around the Rz word
    # The data-free rotation (what N = 2^30 is counted with) against words pygridsynth really
    # writes at this eps: its T count within 2 of their mean, its Cliffords and depth within 10 %.
    words = [gridsynth_sequence(float(a), eps) for a in np.random.default_rng(5).uniform(0, 2 * np.pi, 16)]
    mean = {letter: np.mean([w.count(letter) for w in words]) for letter in "HSTX"}
    assert abs(data_free.t - mean["T"]) <= 2, (data_free.t, mean)
    assert data_free.clifford - extra == pytest.approx(mean["H"] + mean["S"] + mean["X"], rel=0.1)
    assert data_free.depth - extra == pytest.approx(sum(mean.values()), rel=0.1)
    assert data_free.t_depth == data_free.t
    concrete = SynthesizedRotation(axis, 0.7, eps)
    counted = logical_counts(concrete)
    assert counted.t == concrete.word.count("T")
    assert counted.rotations == 0
    # the y rotation really is Ry: compare the flattened bloq with numpy
    from qresource.machinery.flatten import to_circuit

    unitary = Operator(to_circuit(concrete)).data
    c, s = math.cos(0.35), math.sin(0.35)
    wanted = np.array([[c, -s], [s, c]]) if axis == "y" else np.diag([np.exp(-0.35j), np.exp(0.35j)])
    assert _distance_up_to_phase(unitary, wanted) <= eps
