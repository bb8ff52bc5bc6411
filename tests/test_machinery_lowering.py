"""Each leaf's lowering is the right unitary or channel, checked once on small matrices."""

from __future__ import annotations

import math

import numpy as np
import pytest
from qiskit import ClassicalRegister, QuantumCircuit
from qiskit.circuit.library import RXGate, RYGate, RZGate
from qiskit.quantum_info import Operator, Statevector
from qualtran.bloqs.basic_gates import CNOT, Toffoli, TwoBitCSwap, TwoBitSwap, XGate
from qualtran.bloqs.mcmt import And, MultiTargetCNOT

from qresource.machinery import lowering
from qresource.machinery.lowering import leaf_rule


def template_circuit(template, n_qubits: int) -> QuantumCircuit:
    """The template as a plain Qiskit circuit (no classical control allowed here)."""
    qc = QuantumCircuit(n_qubits)
    for op in template:
        name, qubits = op[0], op[1]
        assert name not in ("measure", "if")
        if len(op) == 3:
            getattr(qc, name)(op[2], *qubits)
        else:
            getattr(qc, name)(*qubits)
    return qc


def test_toffoli_template_is_ccx():
    ops = leaf_rule(Toffoli()).template
    reference = QuantumCircuit(3)
    reference.ccx(0, 1, 2)
    assert Operator(template_circuit(ops, 3)).equiv(Operator(reference))


def test_cswap_template_is_fredkin():
    ops = leaf_rule(TwoBitCSwap()).template
    reference = QuantumCircuit(3)
    reference.cswap(0, 1, 2)
    assert Operator(template_circuit(ops, 3)).equiv(Operator(reference))


def test_swap_and_fanout_templates():
    reference = QuantumCircuit(2)
    reference.swap(0, 1)
    assert Operator(template_circuit(leaf_rule(TwoBitSwap()).template, 2)).equiv(Operator(reference))
    reference = QuantumCircuit(4)
    for target in (1, 2, 3):
        reference.cx(0, target)
    assert Operator(template_circuit(leaf_rule(MultiTargetCNOT(3)).template, 4)).equiv(Operator(reference))


@pytest.mark.parametrize("cv1", [0, 1])
@pytest.mark.parametrize("cv2", [0, 1])
def test_and_compute_maps_basis_states_with_one_common_phase(cv1, cv2):
    """|a, b, 0> -> |a, b, [a == cv1][b == cv2]>, the same phase for all four inputs."""
    matrix = Operator(template_circuit(leaf_rule(And(cv1, cv2)).template, 3)).data
    phases = []
    for a in (0, 1):
        for b in (0, 1):
            column = matrix[:, a | b << 1]  # target (qubit 2) starts in |0>
            expected_index = a | b << 1 | int(a == cv1 and b == cv2) << 2
            assert abs(abs(column[expected_index]) - 1) < 1e-12
            phases.append(column[expected_index])
    assert np.allclose(phases, phases[0])


@pytest.mark.parametrize("cv1", [0, 1])
@pytest.mark.parametrize("cv2", [0, 1])
def test_and_uncompute_restores_every_superposition(cv1, cv2):
    """Random (a, b) state, AND computed exactly, then the measurement-based uncomputation:
    the final state is the initial one with the target back in |0>, on both outcomes."""
    from qiskit_aer import AerSimulator

    rng = np.random.default_rng(7 + 2 * cv1 + cv2)
    amplitudes = rng.normal(size=4) + 1j * rng.normal(size=4)
    amplitudes /= np.linalg.norm(amplitudes)
    rule = leaf_rule(And(cv1, cv2, uncompute=True))
    outcomes = set()
    for seed in range(12):
        qc = QuantumCircuit(3)
        creg = ClassicalRegister(1, "meas")
        qc.add_register(creg)
        qc.initialize(amplitudes, [0, 1])
        for q, cv in ((0, cv1), (1, cv2)):
            if cv == 0:
                qc.x(q)
        qc.ccx(0, 1, 2)
        for q, cv in ((0, cv1), (1, cv2)):
            if cv == 0:
                qc.x(q)
        for op in rule.template:
            if op[0] == "measure":
                qc.measure(op[1][0], creg[0])
            elif op[0] == "if":
                with qc.if_test((creg[0], 1)):
                    for name, qubits in op[2]:
                        getattr(qc, name)(*qubits)
            else:
                getattr(qc, op[0])(*op[1])
        qc.save_statevector()
        result = AerSimulator(method="statevector", seed_simulator=seed).run(qc, shots=1).result()
        outcomes.add(next(iter(result.get_counts())))
        final = np.asarray(result.get_statevector())
        expected = np.asarray(Statevector(np.kron([1, 0], amplitudes)))
        overlap = abs(np.vdot(expected, final))
        assert overlap == pytest.approx(1.0, abs=1e-9)
    assert outcomes == {"0", "1"}  # both branches of the correction were exercised


def test_template_counts_match_the_documented_table():
    # Gidney 2018 AND: T on the prepared target + 3 T/T-dagger = 4 T; Cliffords H, 6 CNOT, H, S
    # = 9; an inverted control adds an X before and after.
    assert leaf_rule(And()).counts == {"t": 4, "clifford": 9, "rotations": 0, "measurements": 0}
    assert leaf_rule(And(0, 0)).counts["clifford"] == 9 + 4
    # Uncompute: H, measurement, then CZ and the X that resets the target; inverted controls add Z.
    assert leaf_rule(And(uncompute=True)).counts == {"t": 0, "clifford": 3, "rotations": 0, "measurements": 1}
    assert leaf_rule(And(0, 1, uncompute=True)).counts["clifford"] == 4
    # Toffoli: 7 T, 6 CNOT + 2 H; CSWAP adds two CNOTs.
    assert leaf_rule(Toffoli()).counts == {"t": 7, "clifford": 8, "rotations": 0, "measurements": 0}
    assert leaf_rule(TwoBitCSwap()).counts == {"t": 7, "clifford": 10, "rotations": 0, "measurements": 0}
    assert leaf_rule(CNOT()).counts["clifford"] == 1
    assert leaf_rule(XGate()).toffoli_class == 0 and leaf_rule(And()).toffoli_class == 1
    assert leaf_rule(And(uncompute=True)).toffoli_class == 0


@pytest.mark.parametrize("axis,gate", [("z", RZGate), ("x", RXGate), ("y", RYGate)])
@pytest.mark.parametrize("quarter_turns", range(-8, 9))
def test_rotation_templates_equal_the_rotation(axis, gate, quarter_turns):
    angle = quarter_turns * math.pi / 4
    ops = lowering.rotation_template(axis, angle)
    assert not any(op[0] in lowering.ROTATION_GATES for op in ops)  # all T/S/Z and H
    reference = QuantumCircuit(1)
    reference.append(gate(angle), [0])
    assert Operator(template_circuit(ops, 1)).equiv(Operator(reference))


def test_generic_angle_stays_one_rotation():
    assert lowering.rotation_template("z", 0.3) == (("rz", (0,), 0.3),)
    assert lowering.rotation_template("y", 1.0) == (("ry", (0,), 1.0),)


@pytest.mark.parametrize("k", [0, 1, 6, 9, 15])
def test_controlled_xor_constant_is_qualtrans_permutation_and_decomposition(k):
    """Controlled(XorK): the template's unitary is the permutation of Qualtran's classical action,
    with as many CNOTs as Qualtran's own decomposition has gates."""
    from qualtran import QUInt
    from qualtran.bloqs.arithmetic.bitwise import XorK

    bloq = XorK(QUInt(4), k).controlled()
    rule = leaf_rule(bloq)
    assert rule is not None and rule.name == "controlled_xor_k"
    expected = np.zeros((32, 32))
    for ctrl in (0, 1):
        for x in range(16):
            out = bloq.call_classically(ctrl=ctrl, x=x)
            local_in = [ctrl] + [(x >> (3 - i)) & 1 for i in range(4)]  # Qualtran order, MSB first
            local_out = [int(out[0])] + [(int(out[1]) >> (3 - i)) & 1 for i in range(4)]
            column = sum(bit << q for q, bit in enumerate(local_in))  # Qiskit: qubit q is bit q
            expected[sum(bit << q for q, bit in enumerate(local_out)), column] = 1
    assert np.allclose(Operator(template_circuit(rule.template, 5)).data, expected)
    decomposition = bloq.decompose_bloq().flatten()
    gates = [inst.bloq for inst in decomposition.bloq_instances if inst.bloq.__class__.__name__ == "CNOT"]
    assert len(gates) == len(rule.template) == bin(k).count("1")
