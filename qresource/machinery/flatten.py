"""Flatten a Qualtran bloq to its atomic leaves, and lower those to a Qiskit circuit.

``leaf_program(bloq)`` walks the decomposition recursively (each distinct composite is
decomposed once) and records, in the sequential order Qualtran's own greedy topological sort
gives, every leaf of :mod:`qresource.machinery.lowering` applied to *virtual wires*, plus the
allocation and release of each temporary wire. Bookkeeping bloqs (Split, Join, Partition, Cast)
only relabel wires; Allocate and Free open and close wires. ``to_circuit(bloq)`` lowers that
program to Clifford+T plus measurement and classically controlled Paulis.

Qubit layout of ``to_circuit``:

- one ``QuantumRegister`` per bloq register, named as the register, little-endian: ``reg[0]``
  is the least significant bit (Qualtran orders an integer's bits most significant first, so
  the order is reversed here; a register of shape ``s`` holds its elements one after another,
  each little-endian);
- one register ``ancilla`` for every other qubit, laid out by one of the policies of
  :func:`assign_qubits` (default ``"reuse"``: a released wire's qubit goes to the back of a
  first-in-first-out pool and the next allocation takes the qubit released longest ago, so the
  width is the peak number of simultaneously live wires in the sequential order, Qualtran's
  ``QubitCount``);
- one classical bit ``meas[0]``, written by every measurement of a measurement-based
  uncomputation and read right after it by the classically controlled correction.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Optional

import numpy as np
from qualtran import Bloq, LeftDangle, Side, Soquet

from qresource.core.errors import QResourceError
from qresource.machinery.decomposition import (
    Bookkeeping,
    bookkeeping_kind,
    decompose_once,
    register_width,
)
from qresource.machinery.lowering import LeafRule, gate_duration, leaf_rule, template_depth

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
    signed: bool = False  # two's complement (QInt, signed QFxp)

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

    @property
    def toffoli_class(self) -> int:
        return sum(op[0].toffoli_class for op in self.ops if isinstance(op[0], LeafRule))


_LEAF, _RELABEL, _ALLOCATE, _FREE, _COMPOSITE = range(5)


@dataclass
class _Plan:
    """A decomposition compiled once: soquets numbered as slots, sub-bloqs as handlers.

    ``left_slots``/``final_slots``: per register, its slots and bit size; each step is
    ``(handler, input slots per left register, (output slots, bit size) per right register)``.
    """

    n_slots: int
    left_slots: list
    steps: list
    final_slots: list


_HANDLERS: dict = {}


def _handler(bloq: Bloq, rules) -> tuple:
    """How the walk treats ``bloq`` (memoised per bloq and leaf table)."""
    table = _HANDLERS.setdefault(rules, {})
    try:
        cached = table.get(bloq)
    except TypeError:
        cached = None
    if cached is not None:
        return cached
    handler = _make_handler(bloq, rules)
    try:
        if len(table) > 50000:
            table.clear()
        table[bloq] = handler
    except TypeError:
        pass
    return handler


def _make_handler(bloq: Bloq, rules) -> tuple:
    rule = rules(bloq)
    if rule is not None:
        sides = tuple((bool(side & Side.LEFT), bool(side & Side.RIGHT), width)
                      for _, width, side in rule.registers)
        return (_LEAF, rule, sides)
    kind = bookkeeping_kind(bloq)
    if kind is Bookkeeping.RELABEL:
        return (_RELABEL, tuple(register_width(r) for r in bloq.signature.rights()))
    if kind is Bookkeeping.ALLOCATE:
        return (_ALLOCATE, tuple(register_width(r) for r in bloq.signature.rights()))
    if kind is Bookkeeping.FREE:
        return (_FREE,)
    cbloq = decompose_once(bloq)
    slot_of: dict = {}

    def slots_for(soqs) -> list[int]:
        out = []
        for soq in ([soqs] if isinstance(soqs, Soquet) else np.asarray(soqs).reshape(-1)):
            if soq not in slot_of:
                slot_of[soq] = len(slot_of)
            out.append(slot_of[soq])
        return out

    left_slots = []
    for reg in cbloq.signature.lefts():
        if reg.shape:
            soqs = [Soquet(LeftDangle, reg, idx) for idx in np.ndindex(*reg.shape)]
        else:
            soqs = [Soquet(LeftDangle, reg)]
        left_slots.append((slots_for(np.array(soqs, dtype=object)) if reg.shape else slots_for(soqs[0]),
                           int(reg.bitsize)))
    steps = []
    for binst, in_soqs, out_soqs in cbloq.iter_bloqsoqs():
        sub = binst.bloq
        inputs = [slots_for(in_soqs[reg.name]) for reg in sub.signature.lefts()]
        outputs = [(slots_for(soqs), int(reg.bitsize))
                   for reg, soqs in zip(sub.signature.rights(), out_soqs)]
        steps.append((_handler(sub, rules), inputs, outputs))
    final = cbloq.final_soqs()
    final_slots = [slots_for(final[reg.name]) for reg in cbloq.signature.rights()]
    return (_COMPOSITE, _Plan(len(slot_of), left_slots, steps, final_slots))


def _allocate(width: int, prog: LeafProgram) -> list[int]:
    wires = list(range(prog.n_wires, prog.n_wires + width))
    prog.n_wires += width
    prog.ops.extend((ALLOC, w) for w in wires)
    return wires


def _walk(handler: tuple, in_lists: list, prog: LeafProgram) -> list:
    """Append the bloq of ``handler`` on input wires ``in_lists`` (one list per left register,
    Qualtran bit order) to ``prog``; return one wire list per right register."""
    kind = handler[0]
    if kind == _LEAF:
        local: list[int] = []
        out: list = []
        freed: list[int] = []
        position = 0
        for is_left, is_right, width in handler[2]:
            if is_left:
                wires = in_lists[position]
                position += 1
            else:
                wires = _allocate(width, prog)
            local.extend(wires)
            if is_right:
                out.append(wires)
            else:
                freed.extend(wires)
        prog.ops.append((handler[1], tuple(local)))
        if freed:
            prog.ops.extend((FREE, w) for w in freed)
        return out
    if kind == _RELABEL:
        flat = [w for wires in in_lists for w in wires]
        out, start = [], 0
        for width in handler[1]:
            out.append(flat[start:start + width])
            start += width
        return out
    if kind == _ALLOCATE:
        return [_allocate(width, prog) for width in handler[1]]
    if kind == _FREE:
        prog.ops.extend((FREE, w) for wires in in_lists for w in wires)
        return []
    plan: _Plan = handler[1]
    values: list = [None] * plan.n_slots
    for (slots, bitsize), wires in zip(plan.left_slots, in_lists):
        _store(values, slots, bitsize, wires)
    for sub_handler, inputs, outputs in plan.steps:
        sub_in = [values[s[0]] if len(s) == 1 else [w for k in s for w in values[k]] for s in inputs]
        sub_out = _walk(sub_handler, sub_in, prog)
        for (slots, bitsize), wires in zip(outputs, sub_out):
            _store(values, slots, bitsize, wires)
    return [values[s[0]] if len(s) == 1 else [w for k in s for w in values[k]]
            for s in plan.final_slots]


def _store(values: list, slots: list[int], bitsize: int, wires: list[int]) -> None:
    if len(slots) == 1:
        values[slots[0]] = wires
        return
    for k, slot in enumerate(slots):
        values[slot] = wires[k * bitsize:(k + 1) * bitsize]


def leaf_program(bloq: Bloq, *, rules=leaf_rule) -> LeafProgram:
    """Flatten ``bloq`` into leaves of the lowering table on virtual wires.

    ``rules`` decides what is a leaf (default: the lowering table); the classical simulator
    passes a table that also stops at larger bloqs whose classical action it knows.
    """
    registers: list[RegisterWires] = []
    prog = LeafProgram(registers=registers)
    in_lists: list = []
    for reg in bloq.signature:
        if reg.is_symbolic():
            raise QResourceError(f"cannot flatten {bloq}: register {reg.name} has a symbolic size")
        entry = RegisterWires(reg.name, reg.side, int(reg.bitsize),
                              tuple(int(s) for s in reg.shape), [], [],
                              signed=_is_signed(reg.dtype))
        if reg.side & Side.LEFT:
            entry.inputs = list(range(prog.n_wires, prog.n_wires + entry.width))
            prog.n_wires += entry.width
            in_lists.append(entry.inputs)
        registers.append(entry)
    out = _walk(_handler(bloq, rules), in_lists, prog)
    for entry, wires in zip([e for e in registers if e.side & Side.RIGHT], out):
        entry.outputs = list(wires)
    return prog


def _is_signed(dtype) -> bool:
    from qualtran import QInt

    return isinstance(dtype, QInt) or bool(getattr(dtype, "signed", False))


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


ANCILLA_POLICIES = ("reuse", "fresh", "schedule")


def _fresh_schedule_windows(prog: LeafProgram) -> dict[int, tuple[int, int, int, int]]:
    """For every temporary wire: (latest start, latest T-start, end, T-end) in the ASAP schedule
    with fresh wires, where *latest start* is when its preparation (the single-qubit gates
    before its first multi-qubit gate) must begin at the latest for that gate to start on time."""
    ready = [0] * prog.n_wires
    t_ready = [0] * prog.n_wires
    prep = {}  # wire -> (layers, T layers) of single-qubit gates before its first multi-qubit gate
    windows: dict[int, list[int]] = {}
    block_cache: dict = {}
    for op in prog.ops:
        rule = op[0]
        if rule is ALLOC:
            prep[op[1]] = [0, 0]
            windows[op[1]] = [0, 0, 0, 0]
            continue
        if rule is FREE:
            continue
        wires = op[1]
        for gate_op in rule.template:
            qubits = [wires[q] for q in gate_op[1]]
            if gate_op[0] == "if":
                key = id(gate_op)
                if key not in block_cache:
                    block_cache[key] = (template_depth(gate_op[2]),
                                        template_depth(gate_op[2], t_only=True))
                duration, t_duration = block_cache[key]
            else:
                duration, t_duration = 1, gate_duration(gate_op[0], t_only=True)
            start = max(ready[q] for q in qubits)
            t_start = max(t_ready[q] for q in qubits)
            if len(qubits) > 1:
                for q in qubits:
                    pending = prep.pop(q, None)
                    if pending is not None:
                        windows[q][0] = start - pending[0]
                        windows[q][1] = t_start - pending[1]
            else:
                pending = prep.get(qubits[0])
                if pending is not None:
                    pending[0] += duration
                    pending[1] += t_duration
            for q in qubits:
                ready[q] = start + duration
                t_ready[q] = t_start + t_duration
    for wire, window in windows.items():
        window[2], window[3] = ready[wire], t_ready[wire]
        # A wire that never meets another qubit can start only at time 0 (it is never reused).
    return {wire: tuple(w) for wire, w in windows.items()}


def assign_qubits(prog: LeafProgram, *, ancillas: str = "reuse") -> Layout:
    """Map virtual wires to register qubits and ancilla qubits.

    ``ancillas``: ``"reuse"``: a released qubit goes to the back of a first-in-first-out pool
    and the next temporary wire takes the front one (width = peak live wires in program order);
    ``"fresh"``: every temporary wire gets a new qubit; ``"schedule"``: a released qubit is
    reused only when its last gate ends, in the fresh-wire ASAP schedule, no later than the new
    wire's preparation must start (for depth and for T-depth), so the schedule, and hence depth
    and T-depth, is exactly the fresh-wire one.
    """
    from collections import deque

    if ancillas not in ANCILLA_POLICIES:
        raise QResourceError(f"unknown ancilla policy {ancillas!r}: use one of {ANCILLA_POLICIES}")
    windows = _fresh_schedule_windows(prog) if ancillas == "schedule" else {}
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
    pool: deque = deque()  # (qubit, end, T-end) of released qubits, oldest release first
    n_ancilla = 0
    for op in prog.ops:
        tag = op[0]
        if tag is ALLOC:
            wire = op[1]
            qubit = None
            if wire in reserved:
                qubit = reserved[wire]
                if qubit in busy:
                    raise QResourceError(
                        f"cannot lay out register {qubit[0]}: its qubit {qubit[1]} is still in "
                        "use when the output is allocated"
                    )
                for k, item in enumerate(pool):
                    if item[0] == qubit:
                        del pool[k]
                        break
            elif ancillas == "reuse" and pool:
                qubit = pool.popleft()[0]
            elif ancillas == "schedule" and pool:
                start, t_start = windows[wire][0], windows[wire][1]
                for k, (candidate, end, t_end) in enumerate(pool):
                    if end <= start and t_end <= t_start:
                        qubit = candidate
                        del pool[k]
                        break
            if qubit is None:
                qubit = ("ancilla", n_ancilla)
                n_ancilla += 1
            physical[wire] = qubit
            busy.add(qubit)
        elif tag is FREE:
            wire = op[1]
            qubit = physical[wire]
            busy.discard(qubit)
            if wire not in reserved and ancillas != "fresh":
                window = windows.get(wire, (0, 0, 0, 0))
                pool.append((qubit, window[2], window[3]))
    return Layout(physical=physical, n_ancilla=n_ancilla)


def to_circuit(bloq: Bloq, *, ancillas: str = "reuse", program: Optional[LeafProgram] = None):
    """``bloq`` as a Qiskit circuit of Clifford+T, measurement and classically controlled Paulis.

    See the module docstring for the register layout and :func:`assign_qubits` for the
    ``ancillas`` policies: ``"reuse"`` (default) gives width = Qualtran's ``QubitCount``;
    ``"fresh"`` and ``"schedule"`` give an as-soon-as-possible depth and T-depth exactly equal to
    ``DepthCost``/``TDepthCost`` (a reused qubit must wait for its previous work and be prepared
    again, which under ``"reuse"`` can lengthen the schedule), ``"schedule"`` with as few qubits
    as that allows. ``qc.metadata`` records the number of
    Toffoli-class leaves lowered (``toffoli``), since a Clifford+T circuit no longer shows them.
    """
    from qiskit import ClassicalRegister, QuantumCircuit, QuantumRegister
    from qiskit.circuit import CircuitInstruction

    prog = program if program is not None else leaf_program(bloq)
    layout = assign_qubits(prog, ancillas=ancillas)
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
    compiled: dict[int, list] = {}
    append = qc._append
    for op in prog.ops:
        rule = op[0]
        if not isinstance(rule, LeafRule):
            continue
        steps = compiled.get(id(rule))
        if steps is None:
            steps = compiled[id(rule)] = _compile_template(rule, gates, creg)
        qubits = [qubit_of[w] for w in op[1]]
        for operation, local, clbits in steps:
            append(CircuitInstruction(operation, tuple([qubits[q] for q in local]), clbits))
    qc.metadata = {"toffoli": prog.toffoli_class, "source": str(bloq)}
    return qc


def _compile_template(rule: LeafRule, gates: dict, creg) -> list:
    """(operation, local qubits, clbits) per template step, built once per leaf rule."""
    from qiskit.circuit import IfElseOp

    steps = []
    for gate_op in rule.template:
        name = gate_op[0]
        if name == "measure":
            steps.append((gates["measure"], gate_op[1], (creg[0],)))
        elif name == "if":
            body = _body_circuit(gate_op[1], gate_op[2], gates, creg[0])
            steps.append((IfElseOp((creg[0], 1), body), gate_op[1], (creg[0],)))
        elif len(gate_op) == 3:
            steps.append((gates[name](gate_op[2]), gate_op[1], ()))
        else:
            steps.append((gates[name], gate_op[1], ()))
    return steps


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
        CXGate,
        CZGate,
        HGate,
        RXGate,
        RYGate,
        RZGate,
        SdgGate,
        SGate,
        TdgGate,
        TGate,
        XGate,
        YGate,
        ZGate,
    )

    return {
        "h": HGate(), "s": SGate(), "sdg": SdgGate(), "t": TGate(), "tdg": TdgGate(),
        "x": XGate(), "y": YGate(), "z": ZGate(), "cx": CXGate(), "cz": CZGate(),
        "measure": Measure(), "rz": RZGate, "rx": RXGate, "ry": RYGate,
    }
