"""Flatten a Qualtran bloq to its atomic leaves, and lower those to a Qiskit circuit.

``leaf_program(bloq)`` walks the decomposition recursively (each distinct composite is
decomposed once) and records, in the sequential order Qualtran's own greedy topological sort
gives, every leaf of :mod:`qresource.compile.lowering` applied to *virtual wires*, plus the
allocation and release of each temporary wire. Bookkeeping bloqs (Split, Join, Partition, Cast)
only relabel wires; Allocate and Free open and close wires. ``to_circuit(bloq)`` lowers that
program to Clifford+T plus measurement and classically controlled Paulis.

Qubit layout of ``to_circuit``:

- one ``QuantumRegister`` per bloq register, named as the register, little-endian: ``reg[0]``
  is the least significant bit (Qualtran orders an integer's bits most significant first, so
  the order is reversed here; a register of shape ``s`` holds its elements one after another,
  each little-endian);
- one register ``ancilla`` for every other qubit. A released wire's qubit goes to the back of
  a first-in-first-out pool and the next allocation takes the qubit released longest ago (a
  fresh one only when the pool is empty), so the width is the peak number of simultaneously
  live wires in the sequential order, and a reused qubit has had the longest time to finish
  its previous work (the choice that least delays the as-soon-as-possible schedule);
- one classical bit ``meas[0]``, written by every measurement of a measurement-based
  uncomputation and read right after it by the classically controlled correction.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Optional

import numpy as np
from qualtran import Bloq, LeftDangle, Side, Soquet

from qresource.compile.lowering import LeafRule, leaf_rule
from qresource.errors import QResourceError

ALLOC = "alloc"
FREE = "free"


@dataclass
class RegisterWires:
    """A top-level register: its virtual wires on the way in and out, in Qualtran bit order."""

    name: str
    side: Side
    bitsize: int
    shape: tuple[int, ...]
    inputs: list[int]
    outputs: list[int]

    @property
    def width(self) -> int:
        return self.bitsize * math.prod(self.shape)


@dataclass
class LeafProgram:
    """The flattened bloq: leaves on virtual wires, in sequential order.

    ``ops`` holds ``(rule, wires)`` for a leaf (``wires`` are the leaf's local qubits in order)
    and ``(ALLOC, wire)`` / ``(FREE, wire)`` for the opening and closing of a temporary wire.
    """

    registers: list[RegisterWires]
    ops: list = field(default_factory=list)
    n_wires: int = 0

    def new_wire(self) -> int:
        self.n_wires += 1
        return self.n_wires - 1

    @property
    def toffoli_class(self) -> int:
        return sum(op[0].toffoli_class for op in self.ops if isinstance(op[0], LeafRule))


def _register_width(reg) -> int:
    return int(reg.bitsize) * int(math.prod(int(s) for s in reg.shape))


_DECOMPOSITIONS: dict = {}


def _decompose(bloq: Bloq):
    try:
        cached = _DECOMPOSITIONS.get(bloq)
    except TypeError:
        cached = None
    if cached is not None:
        return cached
    try:
        cbloq = bloq.decompose_bloq()
    except Exception as exc:  # Qualtran raises several types for atomic or symbolic bloqs
        raise QResourceError(
            f"cannot flatten {bloq}: it has no decomposition and no lowering "
            f"({exc.__class__.__name__})"
        ) from None
    try:
        if len(_DECOMPOSITIONS) > 20000:
            _DECOMPOSITIONS.clear()
        _DECOMPOSITIONS[bloq] = cbloq
    except TypeError:
        pass
    return cbloq


def _is_relabelling(bloq: Bloq) -> bool:
    from qualtran.bloqs.bookkeeping import Cast, Join, Partition, Split

    return isinstance(bloq, (Split, Join, Partition, Cast))


def _bloq_signature_kind(bloq: Bloq) -> Optional[str]:
    from qualtran.bloqs.basic_gates import ZeroEffect, ZeroState
    from qualtran.bloqs.bookkeeping import Allocate, Free

    if _is_relabelling(bloq):
        return "relabel"
    if isinstance(bloq, (Allocate, ZeroState)):
        return "allocate"
    if isinstance(bloq, (Free, ZeroEffect)):
        return "free"
    return None


def _walk(bloq: Bloq, in_wires: dict[str, list[int]], prog: LeafProgram,
          rules=leaf_rule) -> dict[str, list[int]]:
    """Append ``bloq`` applied to ``in_wires`` to ``prog``; return its output wires."""
    rule = rules(bloq)
    if rule is not None:
        local: list[int] = []
        out: dict[str, list[int]] = {}
        freed: list[int] = []
        for name, width, side in rule.registers:
            if side & Side.LEFT:
                wires = in_wires[name]
            else:
                wires = []
                for _ in range(width):
                    wire = prog.new_wire()
                    prog.ops.append((ALLOC, wire))
                    wires.append(wire)
            local.extend(wires)
            if side & Side.RIGHT:
                out[name] = wires
            else:
                freed.extend(wires)
        prog.ops.append((rule, tuple(local)))
        for wire in freed:
            prog.ops.append((FREE, wire))
        return out

    kind = _bloq_signature_kind(bloq)
    if kind == "relabel":
        flat = [w for reg in bloq.signature.lefts() for w in in_wires[reg.name]]
        out, start = {}, 0
        for reg in bloq.signature.rights():
            width = _register_width(reg)
            out[reg.name] = flat[start:start + width]
            start += width
        return out
    if kind == "allocate":
        out = {}
        for reg in bloq.signature.rights():
            wires = []
            for _ in range(_register_width(reg)):
                wire = prog.new_wire()
                prog.ops.append((ALLOC, wire))
                wires.append(wire)
            out[reg.name] = wires
        return out
    if kind == "free":
        for reg in bloq.signature.lefts():
            for wire in in_wires[reg.name]:
                prog.ops.append((FREE, wire))
        return {}

    cbloq = _decompose(bloq)
    soq_wires: dict = {}
    for reg in cbloq.signature.lefts():
        wires = in_wires[reg.name]
        if reg.shape:
            size = int(reg.bitsize)
            for k, idx in enumerate(np.ndindex(*reg.shape)):
                soq_wires[Soquet(LeftDangle, reg, idx)] = wires[k * size:(k + 1) * size]
        else:
            soq_wires[Soquet(LeftDangle, reg)] = wires
    for binst, in_soqs, out_soqs in cbloq.iter_bloqsoqs():
        sub_in = {name: _gather(soqs, soq_wires) for name, soqs in in_soqs.items()}
        sub_out = _walk(binst.bloq, sub_in, prog, rules)
        for reg, soqs in zip(binst.bloq.signature.rights(), out_soqs):
            _scatter(soqs, sub_out[reg.name], int(reg.bitsize), soq_wires)
    return {name: _gather(soqs, soq_wires) for name, soqs in cbloq.final_soqs().items()}


def _gather(soqs, soq_wires) -> list[int]:
    if isinstance(soqs, Soquet):
        return soq_wires.pop(soqs)
    return [w for soq in np.asarray(soqs).reshape(-1) for w in soq_wires.pop(soq)]


def _scatter(soqs, wires: list[int], bitsize: int, soq_wires) -> None:
    if isinstance(soqs, Soquet):
        soq_wires[soqs] = wires
        return
    for k, soq in enumerate(np.asarray(soqs).reshape(-1)):
        soq_wires[soq] = wires[k * bitsize:(k + 1) * bitsize]


def leaf_program(bloq: Bloq, *, rules=leaf_rule) -> LeafProgram:
    """Flatten ``bloq`` into leaves of the lowering table on virtual wires.

    ``rules`` decides what is a leaf (default: the lowering table); the classical simulator
    passes a table that also stops at larger bloqs whose classical action it knows.
    """
    registers: list[RegisterWires] = []
    prog = LeafProgram(registers=registers)
    in_wires: dict[str, list[int]] = {}
    for reg in bloq.signature:
        if reg.is_symbolic():
            raise QResourceError(f"cannot flatten {bloq}: register {reg.name} has a symbolic size")
        entry = RegisterWires(reg.name, reg.side, int(reg.bitsize),
                              tuple(int(s) for s in reg.shape), [], [])
        if reg.side & Side.LEFT:
            entry.inputs = [prog.new_wire() for _ in range(_register_width(reg))]
            in_wires[reg.name] = entry.inputs
        registers.append(entry)
    out = _walk(bloq, in_wires, prog, rules)
    for entry in registers:
        if entry.side & Side.RIGHT:
            entry.outputs = list(out[entry.name])
    return prog


def little_endian_positions(bitsize: int, shape: tuple[int, ...]) -> list[int]:
    """For each Qualtran bit position of a register, its little-endian index in the register."""
    positions = []
    for element in range(math.prod(shape)):
        for bit in range(bitsize):
            positions.append(element * bitsize + (bitsize - 1 - bit))
    return positions


# --- physical layout ------------------------------------------------------------------------

@dataclass
class Layout:
    """Virtual wire -> physical qubit (register name, index); ancillas numbered from 0."""

    physical: dict[int, tuple[str, int]]
    n_ancilla: int


def assign_qubits(prog: LeafProgram, *, reuse_ancillas: bool = True) -> Layout:
    """Map virtual wires to register qubits and ancillas: a first-in-first-out pool of released
    qubits when ``reuse_ancillas``, else a new qubit for every temporary wire."""
    from collections import deque

    physical: dict[int, tuple[str, int]] = {}
    reserved: dict[int, tuple[str, int]] = {}
    for entry in prog.registers:
        positions = little_endian_positions(entry.bitsize, entry.shape)
        for wire, pos in zip(entry.inputs, positions):
            physical[wire] = (entry.name, pos)
        for wire, pos in zip(entry.outputs, positions):
            if wire in physical and physical[wire] != (entry.name, pos):
                raise QResourceError(
                    f"cannot lay out register {entry.name}: an output bit arrives on another "
                    "register's qubit"
                )
            reserved[wire] = (entry.name, pos)
    busy: set[tuple[str, int]] = set(physical.values())
    pool: deque = deque()
    n_ancilla = 0
    for op in prog.ops:
        tag = op[0]
        if tag is ALLOC:
            wire = op[1]
            if wire in reserved:
                qubit = reserved[wire]
                if qubit in busy:
                    raise QResourceError(
                        f"cannot lay out register {qubit[0]}: its qubit {qubit[1]} is still in "
                        "use when the output is allocated"
                    )
                try:
                    pool.remove(qubit)
                except ValueError:
                    pass
            elif pool:
                qubit = pool.popleft()
            else:
                qubit = ("ancilla", n_ancilla)
                n_ancilla += 1
            physical[wire] = qubit
            busy.add(qubit)
        elif tag is FREE:
            qubit = physical[op[1]]
            busy.discard(qubit)
            if op[1] not in reserved and reuse_ancillas:
                pool.append(qubit)
    return Layout(physical=physical, n_ancilla=n_ancilla)


def to_circuit(bloq: Bloq, *, reuse_ancillas: bool = True, program: Optional[LeafProgram] = None):
    """``bloq`` as a Qiskit circuit of Clifford+T, measurement and classically controlled Paulis.

    See the module docstring for the register layout. With ``reuse_ancillas=False`` every
    temporary wire gets its own qubit: the circuit is wider, and its as-soon-as-possible depth
    is exactly the bloq-level ``DepthCost`` (a reused qubit must wait for its previous work and
    be prepared again, which can only lengthen the schedule). ``qc.metadata`` records the number of
    Toffoli-class leaves lowered (``toffoli``), since a Clifford+T circuit no longer shows them.
    """
    from qiskit import ClassicalRegister, QuantumCircuit, QuantumRegister
    from qiskit.circuit import CircuitInstruction, IfElseOp

    prog = program if program is not None else leaf_program(bloq)
    layout = assign_qubits(prog, reuse_ancillas=reuse_ancillas)
    qregs = {entry.name: QuantumRegister(entry.width, entry.name) for entry in prog.registers}
    if "ancilla" in qregs or "meas" in qregs:
        raise QResourceError(f"{bloq} has a register named 'ancilla' or 'meas', reserved for layout")
    ordered = list(qregs.values())
    if layout.n_ancilla:
        qregs["ancilla"] = QuantumRegister(layout.n_ancilla, "ancilla")
        ordered.append(qregs["ancilla"])
    needs_clbit = any(
        isinstance(op[0], LeafRule) and any(g[0] == "measure" for g in op[0].template)
        for op in prog.ops
    )
    creg = ClassicalRegister(1, "meas") if needs_clbit else None
    qc = QuantumCircuit(*ordered, *([creg] if creg is not None else []))
    qubit_of = {wire: qregs[name][index] for wire, (name, index) in layout.physical.items()}

    gates = _gate_objects()
    if_ops: dict = {}
    append = qc._append
    for op in prog.ops:
        rule = op[0]
        if not isinstance(rule, LeafRule):
            continue
        qubits = [qubit_of[w] for w in op[1]]
        for gate_op in rule.template:
            name = gate_op[0]
            if name == "measure":
                append(CircuitInstruction(gates["measure"], (qubits[gate_op[1][0]],), (creg[0],)))
            elif name == "if":
                key = (rule.name, gate_op[1])
                if key not in if_ops:
                    body = _body_circuit(gate_op[1], gate_op[2], gates, creg[0])
                    if_ops[key] = IfElseOp((creg[0], 1), body)
                append(CircuitInstruction(if_ops[key], tuple(qubits[q] for q in gate_op[1]), (creg[0],)))
            elif len(gate_op) == 3:
                gate = gates[name](gate_op[2])
                append(CircuitInstruction(gate, tuple(qubits[q] for q in gate_op[1]), ()))
            else:
                append(CircuitInstruction(gates[name], tuple(qubits[q] for q in gate_op[1]), ()))
    qc.metadata = {"toffoli": prog.toffoli_class, "source": str(bloq)}
    return qc


def _body_circuit(body_qubits, body, gates, clbit):
    from qiskit import QuantumCircuit
    from qiskit.circuit import CircuitInstruction, Qubit

    # The body shares the outer classical bit, as Qiskit's own ``if_test`` builder does.
    circuit = QuantumCircuit([Qubit() for _ in body_qubits], [clbit])
    position = {q: k for k, q in enumerate(body_qubits)}
    for name, qubits in body:
        circuit._append(CircuitInstruction(gates[name], tuple(circuit.qubits[position[q]] for q in qubits), ()))
    return circuit


def _gate_objects() -> dict:
    from qiskit.circuit import Measure
    from qiskit.circuit.library import (
        CXGate, CZGate, HGate, RXGate, RYGate, RZGate, SdgGate, SGate, TdgGate, TGate, XGate,
        YGate, ZGate,
    )

    return {
        "h": HGate(), "s": SGate(), "sdg": SdgGate(), "t": TGate(), "tdg": TdgGate(),
        "x": XGate(), "y": YGate(), "z": ZGate(), "cx": CXGate(), "cz": CZGate(),
        "measure": Measure(), "rz": RZGate, "rx": RXGate, "ry": RYGate,
    }
