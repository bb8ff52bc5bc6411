"""OpenQASM export: round trips, the T count of the written file, refusals, atomic writes."""

from __future__ import annotations

import re

import numpy as np
import pytest
import qiskit.qasm2
import qiskit.qasm3
from qiskit import ClassicalRegister, QuantumCircuit, QuantumRegister
from qualtran import QUInt
from qualtran.bloqs.arithmetic import Add, LessThanConstant
from qualtran.bloqs.basic_gates import CSwap, Toffoli
from qualtran.bloqs.data_loading.qrom import QROM

from qresource.core.errors import QResourceError
from qresource.machinery.circuit_counts import circuit_counts
from qresource.machinery.flatten import to_circuit
from qresource.machinery.logical import logical_counts
from qresource.machinery.qasm_export import qasm_text, write_qasm

BLOQS = [
    Add(QUInt(4)),
    LessThanConstant(4, 9),
    QROM.build_from_data(np.array([5, 0, 7, 2, 3, 3, 1, 6])),
    CSwap(2),
]


def _text_t_count(text: str) -> int:
    """Independent scan: statements whose gate is t or tdg (inside if-blocks too)."""
    return len(re.findall(r"^\s*(?:if\s*\([^)]*\)\s*)?(?:t|tdg)\s", text, flags=re.MULTILINE))


@pytest.mark.parametrize("bloq", BLOQS, ids=str)
@pytest.mark.parametrize("version", [2, 3])
def test_written_file_t_count_equals_the_estimate(bloq, version, tmp_path):
    circuit = to_circuit(bloq)
    path = tmp_path / f"circuit.qasm{version}"
    write_qasm(circuit, version, path)
    text = path.read_text()
    estimate = logical_counts(bloq)
    assert _text_t_count(text) == estimate.t
    loaded = qiskit.qasm3.loads(text) if version == 3 else qiskit.qasm2.loads(text)
    assert circuit_counts(loaded).t == estimate.t
    assert circuit_counts(loaded) == circuit_counts(circuit)
    # Names clashing with gate names (Qualtran's "x", "y") get a suffix (Qiskit's exporter may
    # suffix the other registers of such a circuit too); names are otherwise kept.
    clash = any(reg.name in ("x", "y") for reg in circuit.qregs)
    for ours, theirs in zip(circuit.qregs, loaded.qregs):
        assert len(theirs) == len(ours)
        assert theirs.name == ours.name or (clash and theirs.name.startswith(ours.name + "_"))


@pytest.mark.parametrize("bloq", BLOQS, ids=str)
def test_fast_qasm3_writer_matches_qiskit_byte_for_byte(bloq):
    circuit = to_circuit(bloq)
    assert qasm_text(circuit, 3) == qiskit.qasm3.dumps(circuit)


def test_qasm2_uses_register_conditions_for_measurement_based_uncomputation():
    text = qasm_text(to_circuit(Add(QUInt(3))), 2)
    assert "creg meas[1];" in text
    assert "if(meas==1) cz" in text and "if(meas==1) x ancilla" in text


def test_qasm2_register_named_like_a_gate_still_parses():
    circuit = to_circuit(CSwap(1))  # registers ctrl, x, y
    loaded = qiskit.qasm2.loads(qasm_text(circuit, 2))
    assert [reg.name for reg in loaded.qregs] == ["ctrl", "x_reg", "y_reg"]


def test_qasm2_refuses_a_condition_on_one_bit_of_a_wider_register():
    q = QuantumRegister(1, "q")
    c = ClassicalRegister(2, "c")
    qc = QuantumCircuit(q, c)
    qc.measure(q[0], c[0])
    with qc.if_test((c[0], 1)):
        qc.x(q[0])
    with pytest.raises(QResourceError, match="OpenQASM 3"):
        qasm_text(qc, 2)
    assert "if (c[0])" in qasm_text(qc, 3)


def test_rotation_angles_round_trip_exactly():
    qc = QuantumCircuit(QuantumRegister(1, "q"))
    qc.rz(0.1234567890123, 0)
    for version in (2, 3):
        text = qasm_text(qc, version)
        loaded = qiskit.qasm3.loads(text) if version == 3 else qiskit.qasm2.loads(text)
        assert float(loaded.data[0].operation.params[0]) == 0.1234567890123


def test_bad_version_and_failed_write_leave_no_file(tmp_path):
    circuit = to_circuit(Toffoli())
    with pytest.raises(QResourceError, match="version"):
        write_qasm(circuit, 4, tmp_path / "x.qasm")
    with pytest.raises(QResourceError, match="does not exist"):
        write_qasm(circuit, 3, tmp_path / "missing" / "x.qasm")
    qc = QuantumCircuit(QuantumRegister(2, "q"))
    qc.append(qiskit.circuit.library.UnitaryGate(np.eye(4)), [0, 1])
    with pytest.raises(QResourceError):
        write_qasm(qc, 2, tmp_path / "unitary.qasm")
    assert list(tmp_path.iterdir()) == []
