"""QLACI's simulated outputs against a reference written here from the paper and the documented
layer layout, importing nothing of the circuit under test.

``qresource.qlaci.reference`` reuses the bloq modules' register pairings and angle helpers, so a
wrong connectivity would pass both it and the simulator. This reference builds the whole
register set of section 3.2.2 (query, the log2 N index register in uniform superposition,
key/value, output) as one numpy state, applies the controlled feature map U_F(K_j, V_j)
branch by branch on the index value j (section 3.2.3, step 2), and the layers from the pairings
stated in docs/qlaci.md and the module docstring of the layers:

- interaction (linear): pairs (i mod q_Q, i mod q_KV) for i < max(q_Q, q_KV); (all): every pair;
  an Rzz(theta) = exp(-i theta Z Z / 2) per pair, then Ry(theta) on every query and kv qubit;
- score (linear): sources (query 0..q_Q-1, then kv) paired with out s mod q_out; (all): every
  pair; Ry(phi) on every output qubit, an Rzz(phi) per pair, Ry(phi) again;
- each layer's angles in that order (pairs first), as ``QlaciAngles`` documents them.

The expectation of each Pauli label on the output register is then read off the full state.
"""

from __future__ import annotations

import numpy as np
import pytest

from qresource.qlaci.attention_bloq import QlaciAngles
from qresource.qlaci.build import plan
from qresource.qlaci.params import QlaciParams
from qresource.qlaci.simulate import exact_expectations

PAULI = {"I": np.eye(2), "X": np.array([[0, 1], [1, 0]]), "Y": np.array([[0, -1j], [1j, 0]]),
         "Z": np.diag([1, -1])}


def ry(t):
    return np.array([[np.cos(t / 2), -np.sin(t / 2)], [np.sin(t / 2), np.cos(t / 2)]], dtype=complex)


def rz(t):
    return np.diag([np.exp(-0.5j * t), np.exp(0.5j * t)])


def rzz(t):
    """exp(-i t Z Z / 2) as a 2 x 2 x 2 x 2 tensor (diagonal: phase by the parity)."""
    parity = np.array([[1, -1], [-1, 1]])
    diagonal = np.exp(-0.5j * t * parity)
    gate = np.zeros((2, 2, 2, 2), dtype=complex)
    for a in range(2):
        for b in range(2):
            gate[a, b, a, b] = diagonal[a, b]
    return gate


def interaction_pairs(dq, kv, connectivity):
    if connectivity == "all":
        return [(q, k) for q in range(dq) for k in range(kv)]
    return [(i % dq, i % kv) for i in range(max(dq, kv))]


def score_pairs(dq, kv, out, connectivity):
    if connectivity == "all":
        return [(s, o) for s in range(dq + kv) for o in range(out)]
    return [(s, s % out) for s in range(dq + kv)]


class State:
    """Axis 0: the index register (N values); then one axis per qubit."""

    def __init__(self, n, qubits):
        self.psi = np.zeros((n,) + (2,) * qubits, dtype=complex)
        self.psi[(slice(None),) + (0,) * qubits] = 1 / np.sqrt(n)  # H on the index register

    def one(self, gate, q, branch=None):
        axis = q + 1
        target = self.psi if branch is None else self.psi[branch]
        moved = np.moveaxis(np.tensordot(gate, target, axes=([1], [axis if branch is None else q])), 0,
                            axis if branch is None else q)
        if branch is None:
            self.psi = moved
        else:
            self.psi[branch] = moved

    def two(self, gate, a, b):
        moved = np.tensordot(gate, self.psi, axes=([2, 3], [a + 1, b + 1]))
        self.psi = np.moveaxis(moved, [0, 1], [a + 1, b + 1])

    def expectation(self, label, qubits):
        phi = self.psi
        for letter, q in zip(label, qubits):
            phi = np.moveaxis(np.tensordot(PAULI[letter], phi, axes=([1], [q + 1])), 0, q + 1)
        return float(np.real(np.vdot(self.psi, phi)))


def paper_expectations(params: QlaciParams, angles: QlaciAngles, labels):
    dq, kv, out, n = params.dq, params.kv, params.out, params.n
    query, kvq, outq = list(range(dq)), [dq + k for k in range(kv)], [dq + kv + o for o in range(out)]
    state = State(n, dq + kv + out)
    for k in range(dq):
        state.one(ry(angles.query[k]), query[k])
    for j in range(n):  # controlled on |j> of the index register: U_F(K_j, V_j) on R_KV
        for k in range(kv):
            state.one(ry(angles.alpha[k][j]), kvq[k], branch=j)
            state.one(rz(angles.beta[k][j]), kvq[k], branch=j)
    pairs = interaction_pairs(dq, kv, params.connectivity)
    for theta in angles.theta:
        for (q, k), t in zip(pairs, theta):
            state.two(rzz(t), query[q], kvq[k])
        for position, qubit in enumerate(query + kvq):
            state.one(ry(theta[len(pairs) + position]), qubit)
    sources = query + kvq
    spairs = score_pairs(dq, kv, out, params.connectivity)
    for phi in angles.phi:
        for o in range(out):
            state.one(ry(phi[len(spairs) + o]), outq[o])
        for (s, o), t in zip(spairs, phi):
            state.two(rzz(t), sources[s], outq[o])
        for o in range(out):
            state.one(ry(phi[len(spairs) + out + o]), outq[o])
    return {label: state.expectation(label, outq) for label in labels}


def draw_angles(params: QlaciParams, seed: int) -> QlaciAngles:
    rng = np.random.default_rng(seed)
    per_interaction = len(interaction_pairs(params.dq, params.kv, params.connectivity)) + params.dq + params.kv
    per_score = len(score_pairs(params.dq, params.kv, params.out, params.connectivity)) + 2 * params.out

    def draw(count):
        return tuple(float(x) for x in rng.uniform(0, 2 * np.pi, count))

    return QlaciAngles(query=draw(params.dq), theta=tuple(draw(per_interaction) for _ in range(params.layers)),
                       phi=tuple(draw(per_score) for _ in range(params.layers)),
                       alpha=tuple(draw(params.n) for _ in range(params.kv)),
                       beta=tuple(draw(params.n) for _ in range(params.kv)))


def all_labels(out):
    labels = [""]
    for _ in range(out):
        labels = [label + p for label in labels for p in "IXYZ"]
    return labels[1:]


@pytest.mark.parametrize("params, seed", [
    (QlaciParams(n=16, dq=4, kv=2, out=1, feature_map="multiplexed"), 0),  # the prototype's shape
    (QlaciParams(n=4, dq=3, kv=2, out=2, layers=2, feature_map="multiplexed"), 1),
    (QlaciParams(n=8, dq=2, kv=3, out=2, connectivity="all", feature_map="multiplexed"), 2),
    (QlaciParams(n=4, dq=1, kv=1, out=2, layers=2, connectivity="all", feature_map="multiplexed"), 3),
])
def test_simulated_circuit_equals_the_paper_model(params, seed):
    p = plan(params, strict=False)
    angles = draw_angles(p.params, seed)
    labels = all_labels(params.out)
    simulated = exact_expectations(p, angles, labels)
    expected = paper_expectations(p.params, angles, labels)
    for label in labels:
        assert simulated[label] == pytest.approx(expected[label], abs=1e-9), label
    # not a trivial agreement: some expectation is far from 0
    assert max(abs(v) for v in expected.values()) > 0.05
