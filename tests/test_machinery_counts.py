"""Hierarchical counts (call graph) == counts of the flattened circuit, on every key."""

from __future__ import annotations

import numpy as np
import pytest
from qiskit import QuantumCircuit
from qualtran import BloqBuilder, QUInt
from qualtran.bloqs.arithmetic import Add, LessThanConstant
from qualtran.bloqs.basic_gates import CNOT, CSwap, Hadamard, TGate, Toffoli, XGate
from qualtran.bloqs.data_loading.qrom import QROM
from qualtran.bloqs.data_loading.select_swap_qrom import SelectSwapQROM
from qualtran.bloqs.mcmt import And, MultiTargetCNOT
from qualtran.resource_counting import QECGatesCost, QubitCount, get_cost_value

from qresource.core.errors import QResourceError
from qresource.machinery.circuit_counts import circuit_counts, structural_toffoli_count
from qresource.machinery.flatten import to_circuit
from qresource.machinery.logical import logical_counts


def _data(n: int, bits: int, seed: int) -> np.ndarray:
    return np.random.default_rng(seed).integers(0, 1 << bits, n)


def small_bloqs():
    return [
        And(), And(0, 1), And(1, 0, uncompute=True), Toffoli(), CSwap(3), MultiTargetCNOT(4),
        Add(QUInt(1)), Add(QUInt(3)), Add(QUInt(5)),
        LessThanConstant(3, 5), LessThanConstant(4, 11),
        QROM.build_from_data(_data(2, 3, 0)), QROM.build_from_data(_data(5, 4, 1)),
        QROM.build_from_data(_data(16, 8, 2)),
        QROM.build_from_data(_data(6, 3, 3), _data(6, 2, 4)),
        SelectSwapQROM.build_from_data(_data(16, 3, 5), log_block_sizes=(2,)),
        SelectSwapQROM.build_from_data(_data(8, 4, 6), log_block_sizes=(1,)),
    ]


@pytest.fixture(scope="module")
def bloq_views():
    views = []
    for bloq in small_bloqs():
        views.append((
            bloq,
            logical_counts(bloq),
            circuit_counts(to_circuit(bloq)),
            circuit_counts(to_circuit(bloq, ancillas="fresh")),
            circuit_counts(to_circuit(bloq, ancillas="schedule")),
        ))
    return views


GATE_KEYS = ("toffoli", "t", "clifford", "rotations", "measurements")


def test_gate_counts_equal_on_both_layouts(bloq_views):
    for bloq, logical, reused, fresh, scheduled in bloq_views:
        for key in GATE_KEYS:
            values = {getattr(c, key) for c in (logical, reused, fresh, scheduled)}
            assert len(values) == 1, (bloq, key)


def test_qubits_equal_the_reused_layout_width(bloq_views):
    """Qualtran's QubitCount (peak live qubits, sequential order) == width with ancilla reuse."""
    for bloq, logical, reused, _, _ in bloq_views:
        assert logical.qubits == reused.qubits, bloq


def test_depths_equal_the_fresh_and_scheduled_layouts_and_bound_the_reused_one(bloq_views):
    for bloq, logical, reused, fresh, scheduled in bloq_views:
        assert (logical.depth, logical.t_depth) == (fresh.depth, fresh.t_depth), bloq
        assert (logical.depth, logical.t_depth) == (scheduled.depth, scheduled.t_depth), bloq
        assert reused.depth >= fresh.depth and reused.t_depth >= fresh.t_depth, bloq
        # The schedule-preserving layout reuses what it can: between the peak and no reuse.
        assert reused.qubits <= scheduled.qubits <= fresh.qubits, bloq


def test_map_from_qualtran_gate_counts(bloq_views):
    """Our keys in terms of Qualtran's QECGatesCost (the map documented in logical.py)."""
    for bloq, logical, _, _, _ in bloq_views:
        g = get_cost_value(bloq, QECGatesCost())
        assert logical.toffoli == g.toffoli + g.cswap + g.and_bloq, bloq
        assert logical.t == g.t + 7 * g.toffoli + 7 * g.cswap + 4 * g.and_bloq, bloq
        assert logical.measurements == g.measurement and logical.rotations == g.rotation, bloq


def test_qrom_published_counts():
    # Babbush et al. 2018 unary iteration: L - 2 ANDs for L = 16 items in Qualtran's variant,
    # hence 14 Toffoli-class gates, 56 T and 14 measurements; 4 + 8 + 3 (ANDs of the 4-level
    # tree, excluding the root) = 15 qubits in all for 8-bit words.
    counts = logical_counts(QROM.build_from_data(_data(16, 8, 2)))
    assert (counts.toffoli, counts.t, counts.measurements, counts.qubits) == (14, 56, 14, 15)


def test_huge_qrom_is_counted_from_the_call_graph():
    """2^30 words: counts come from the hierarchical call graph (no flattening)."""
    bloq = QROM.build_from_bitsize((2**30,), (8,))
    counts = logical_counts(bloq, with_depth=False)
    assert counts.toffoli == 2**30 - 2 and counts.t == 4 * (2**30 - 2)
    assert counts.measurements == 2**30 - 2
    assert counts.qubits == get_cost_value(bloq, QubitCount())
    assert isinstance(counts.clifford, int)


def test_structural_toffoli_count_finds_every_lowered_structure():
    bloq = Add(QUInt(6))
    circuit = to_circuit(bloq)
    # Gidney's adder: n - 1 = 5 temporary ANDs, nothing else Toffoli-class.
    assert structural_toffoli_count(circuit) == circuit.metadata["toffoli"] == 5


def test_negative_call_graph_counts_fall_back_to_the_decomposition():
    """Qualtran's call graph of a 1-bit Add lists CNOT -3 times; the decomposition has 1 CNOT."""
    counts = logical_counts(Add(QUInt(1)))
    assert (counts.clifford, counts.toffoli) == (1, 0)


def test_counts_of_gates_kept_whole():
    qc = QuantumCircuit(5, 1)
    qc.ccx(0, 1, 2)
    qc.cswap(0, 1, 2)
    qc.ccz(0, 1, 2)
    qc.rz(0.3, 0)  # generic angle: one rotation
    qc.rz(np.pi / 2, 0)  # S
    qc.mcx([0, 1, 2, 3], 4)  # 2 ANDs + 1 Toffoli: 3 Toffoli-class, 4*2 + 7 = 15 T, 2 measurements
    qc.measure(0, 0)
    counts = circuit_counts(qc)
    assert counts.toffoli == 3 + 3
    assert counts.t == 7 * 3 + 15
    assert counts.rotations == 1
    assert counts.measurements == 2 + 1
    assert counts.qubits == 5 + 2  # the mcx ladder's two temporary ancillas


def test_depth_agrees_with_qiskit_when_there_is_no_classical_control():
    """Qiskit's own layering (depth, and depth counting only T gates) as an independent check."""
    for bloq in (Toffoli(), CSwap(3), MultiTargetCNOT(3)):
        qc = to_circuit(bloq)
        counts = circuit_counts(qc)
        assert counts.depth == qc.depth()
        assert counts.t_depth == qc.depth(lambda inst: inst.operation.name in ("t", "tdg"))


def test_random_composites_of_leaves():
    """A random circuit of leaves built with BloqBuilder: hierarchical == flattened."""
    rng = np.random.default_rng(11)
    for trial in range(6):
        builder = BloqBuilder()
        wires = [builder.add_register(f"q{k}", 1) for k in range(5)]
        for _ in range(25):
            kind = rng.integers(6)
            a, b, c = (int(x) for x in rng.choice(5, size=3, replace=False))
            if kind == 0:
                wires[a], wires[b] = builder.add(CNOT(), ctrl=wires[a], target=wires[b])
            elif kind == 1:
                (wires[a], wires[b]), wires[c] = builder.add(Toffoli(), ctrl=[wires[a], wires[b]], target=wires[c])
            elif kind == 2:
                wires[a] = builder.add(TGate(), q=wires[a])
            elif kind == 3:
                wires[a] = builder.add(Hadamard(), q=wires[a])
            elif kind == 4:
                wires[a] = builder.add(XGate(), q=wires[a])
            else:
                cv1, cv2 = (int(x) for x in rng.integers(2, size=2))
                (wires[a], wires[b]), target = builder.add(And(cv1, cv2), ctrl=[wires[a], wires[b]])
                wires[c], target = builder.add(CNOT(), ctrl=wires[c], target=target)
                wires[c], target = builder.add(CNOT(), ctrl=wires[c], target=target)
                (wires[a], wires[b]) = builder.add(And(cv1, cv2, uncompute=True), ctrl=[wires[a], wires[b]], target=target)
        bloq = builder.finalize(**{f"q{k}": w for k, w in enumerate(wires)})
        logical = logical_counts(bloq)
        fresh = circuit_counts(to_circuit(bloq, ancillas="schedule"))
        assert logical.as_dict() | {"qubits": 0} == fresh.as_dict() | {"qubits": 0}, trial
        assert logical.qubits == circuit_counts(to_circuit(bloq)).qubits


def test_uncountable_gate_is_one_line_error():
    from qualtran.bloqs.basic_gates import CHadamard  # atomic in Qualtran, not Clifford+T

    with pytest.raises(QResourceError, match="cannot count"):
        logical_counts(CHadamard())
    with pytest.raises(QResourceError, match="cannot flatten"):
        to_circuit(CHadamard())


@pytest.mark.parametrize("kind", ["bucket-brigade", "qrom", "qroam"])
def test_project_loaders_hierarchical_equals_flattened(kind):
    """The machinery on the project's own loaders: gate counts and width from the call graph,
    the exact longest-path depth of the decomposition, against the flattened circuits."""
    from qresource.loaders.table_loader import make_loader
    from qresource.machinery.depth import decomposition_depths

    data = [6, 0, 1, 1, 7, 2, 5]
    bloq = make_loader(kind, len(data), 3, data)
    logical = logical_counts(bloq, with_depth=False)
    reused = circuit_counts(to_circuit(bloq))
    scheduled = circuit_counts(to_circuit(bloq, ancillas="schedule"))
    for key in GATE_KEYS:
        assert getattr(logical, key) == getattr(reused, key) == getattr(scheduled, key), key
    assert logical.qubits == reused.qubits
    assert decomposition_depths(bloq) == (scheduled.depth, scheduled.t_depth)
