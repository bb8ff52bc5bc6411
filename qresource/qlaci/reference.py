"""What a QLACI circuit computes, evaluated classically and independently of the bloqs.

With the index register prepared in N^{-1/2} sum_j |j> and never touched after the feature
map, the state of (query, kv, out) is the mixture (1/N) sum_j |psi_j><psi_j|, where |psi_j>
is the small circuit on q_Q + q_KV + q_out qubits that applies U_F(K_j, V_j) in place of the
controlled access. Every expectation value is therefore

    c_i = <O> = (1/N) sum_j f(Q_i, K_j, V_j),   f(Q_i, K_j, V_j) = <psi_j| O |psi_j>,

a uniform average of per-key terms. The causal form prepares (i + 1)^{-1/2} sum_{j<=i} |j>
instead, so query i's average runs over keys 0..i only: c_i = (1/(i+1)) sum_{j<=i} f. This module computes f with a plain numpy statevector of
that small circuit (gate by gate, in the order of ``qresource.qlaci.attention_bloq``).
"""

from __future__ import annotations

import numpy as np

from qresource.qlaci.attention_bloq import QlaciAngles, parameter_counts
from qresource.qlaci.layers import (
    interaction_pairs,
    score_pairs,
)
from qresource.qlaci.params import QlaciParams
from qresource.qlaci.phase_rotation import loaded_angle, quantize_angle

_PAULI = {
    "I": np.eye(2, dtype=complex),
    "X": np.array([[0, 1], [1, 0]], dtype=complex),
    "Y": np.array([[0, -1j], [1j, 0]], dtype=complex),
    "Z": np.diag([1.0, -1.0]).astype(complex),
}


def _ry(theta: float) -> np.ndarray:
    c, s = np.cos(theta / 2), np.sin(theta / 2)
    return np.array([[c, -s], [s, c]], dtype=complex)


def _rz(theta: float) -> np.ndarray:
    return np.diag([np.exp(-0.5j * theta), np.exp(0.5j * theta)])


class _State:
    """A statevector as a tensor with one axis per qubit."""

    def __init__(self, n_qubits: int):
        self.n = n_qubits
        self.psi = np.zeros((2,) * n_qubits, dtype=complex)
        self.psi[(0,) * n_qubits] = 1.0

    def apply(self, gate: np.ndarray, qubit: int) -> None:
        self.psi = np.moveaxis(np.tensordot(gate, self.psi, axes=([1], [qubit])), 0, qubit)

    def cnot(self, control: int, target: int) -> None:
        index = [slice(None)] * self.n
        index[control] = 1
        sub = self.psi[tuple(index)]
        axis = target if target < control else target - 1
        self.psi[tuple(index)] = np.flip(sub, axis=axis)

    def rzz(self, a: int, b: int, theta: float) -> None:
        self.cnot(a, b)
        self.apply(_rz(theta), b)
        self.cnot(a, b)

    def expectation(self, label: str, qubits: list[int]) -> float:
        phi = self.psi
        for letter, qubit in zip(label, qubits):
            if letter != "I":
                phi = np.moveaxis(np.tensordot(_PAULI[letter], phi, axes=([1], [qubit])), 0, qubit)
        return float(np.real(np.vdot(self.psi, phi)))


def per_key_terms(params: QlaciParams, angles: QlaciAngles, labels: list[str]) -> np.ndarray:
    """f(Q, K_j, V_j) for every key j (rows) and observable (columns)."""
    dq, kv, out = params.dq, params.kv, params.out
    query = list(range(dq))
    kvq = [dq + k for k in range(kv)]
    outq = [dq + kv + o for o in range(out)]
    n = len(angles.alpha[0])
    terms = np.zeros((n, len(labels)))
    int_pairs = interaction_pairs(dq, kv, params.connectivity)
    sc_pairs = score_pairs(dq, kv, out, params.connectivity)
    for j in range(n):
        state = _State(dq + kv + out)
        for k in range(dq):
            state.apply(_ry(angles.query[k]), query[k])
        for k in range(kv):
            state.apply(_ry(angles.alpha[k][j]), kvq[k])
            state.apply(_rz(angles.beta[k][j]), kvq[k])
        for layer in range(params.layers):
            theta = angles.theta[layer]
            for (q, k), a in zip(int_pairs, theta):
                state.rzz(query[q], kvq[k], a)
            singles = theta[len(int_pairs):]
            for q in range(dq):
                state.apply(_ry(singles[q]), query[q])
            for k in range(kv):
                state.apply(_ry(singles[dq + k]), kvq[k])
        sources = query + kvq
        for layer in range(params.layers):
            phi = angles.phi[layer]
            for o in range(out):
                state.apply(_ry(phi[len(sc_pairs) + o]), outq[o])
            for (s, o), a in zip(sc_pairs, phi):
                state.rzz(sources[s], outq[o], a)
            for o in range(out):
                state.apply(_ry(phi[len(sc_pairs) + out + o]), outq[o])
        for col, label in enumerate(labels):
            terms[j, col] = state.expectation(label, outq)
    return terms


def context_vector(params: QlaciParams, angles: QlaciAngles, labels: list[str]) -> np.ndarray:
    """c_i = (1/N) sum_j f(Q_i, K_j, V_j) for each observable; causal: (1/(i+1)) sum_{j<=i}."""
    return per_key_terms(params, angles, labels)[: params.attended_keys].mean(axis=0)


def random_angles(params: QlaciParams, seed: int) -> QlaciAngles:
    """Angles drawn uniformly from [0, 2 pi) with ``numpy.random.default_rng(seed)``."""

    rng = np.random.default_rng(seed)
    per_int, per_score = parameter_counts(params.dq, params.kv, params.out, params.connectivity)

    def draw(count):
        return tuple(float(x) for x in rng.uniform(0.0, 2.0 * np.pi, count))

    return QlaciAngles(
        query=draw(params.dq),
        theta=tuple(draw(per_int) for _ in range(params.layers)),
        phi=tuple(draw(per_score) for _ in range(params.layers)),
        alpha=tuple(draw(params.n) for _ in range(params.kv)),
        beta=tuple(draw(params.n) for _ in range(params.kv)),
    )


def quantized(angles: QlaciAngles, bits: int) -> QlaciAngles:
    """The key/value angles the loader feature map really applies with b-bit words (equal to the
    wanted ones up to rounding, and up to 2 pi, which only flips the sign of a branch)."""

    def q(table):
        return tuple(tuple(loaded_angle(quantize_angle(a, bits), bits) for a in row) for row in table)

    return QlaciAngles(angles.query, angles.theta, angles.phi, q(angles.alpha), q(angles.beta))
