"""An independent count of any Qiskit circuit: gates, measurements, width, depth and T-depth.

This module looks only at the circuit's instructions, never at the bloq it came from, so the
tests can hold the hierarchical counts of :mod:`qresource.machinery.logical` against it.

Gate classes:

- T: ``t``, ``tdg``;
- Clifford (1 each): ``h s sdg x y z sx sxdg cx cz cy swap iswap ecr dcx``;
- measurements: ``measure``; a ``reset`` counts as one measurement (measure, then a Pauli-frame
  flip);
- rotations: ``rz rx ry p u1`` with an angle that is not a multiple of pi/4, ``u``/``u3``/``u2``
  by their Z-Y-Z Euler angles, ``crz cry crx cp cu1`` as two rotations and two CNOTs. Angles
  that are multiples of pi/4 become the T/S/Z gates of :func:`lowering.rotation_template`;
- Toffoli-class gates kept whole (``ccx``, ``ccz``, ``cswap``) count 1 in ``toffoli`` and as
  their lowering of :mod:`qresource.machinery.lowering` in every other key (7 T per ``ccx``);
  ``mcx`` with k >= 3 controls counts as k - 2 temporary ANDs, one Toffoli and k - 2
  measurement-based uncomputations (k - 1 Toffoli-class gates, 4(k - 2) + 7 T, and k - 2
  extra ancilla qubits in ``qubits``), scheduled as one block;
- any other gate is counted through its Qiskit ``definition``;
- ``if_else``: every gate of every branch counts once; ``for_loop``: its body times the number
  of iterations; ``barrier``, ``delay``, ``id`` and global phases count nothing.

Schedule (defines ``depth`` and ``t_depth``): as-soon-as-possible layering. Each gate starts
when all its qubits are free and, for a classically controlled block, when every classical bit
it reads has been written (read-after-write only: a later measurement into the same bit does
not wait for earlier readers). Every gate lasts one layer; a classically controlled block lasts
the depth of its longest branch on all its qubits. ``depth`` is the time the last gate ends.
``t_depth`` is the same schedule with T gates lasting one layer and every other gate zero:
the largest number of T gates on any path through the circuit. ``lattice_surgery_depth`` is the
same schedule with each CNOT fan-out one step: a run of CNOTs that share one control, follow one
another on it and have distinct targets, no qubit of the run touched by another gate meanwhile,
starts when all its qubits are free and ends one layer later on all of them (docs/meaning.md).

``toffoli``: Toffoli-class gates kept whole plus the Toffoli-class structures found in a
Clifford+T circuit (:func:`structural_toffoli_count`: the temporary-AND, Toffoli and CSWAP
sequences of the lowering table, matched gate by gate).
"""

from __future__ import annotations

import math
from typing import Optional

from qresource.core.errors import QResourceError
from qresource.core.record import LogicalCounts
from qresource.machinery import lowering

CLIFFORD_NAMES = frozenset(
    {"h", "s", "sdg", "x", "y", "z", "sx", "sxdg", "cx", "cz", "cy", "swap", "iswap", "ecr", "dcx"}
)
IGNORED_NAMES = frozenset({"barrier", "delay", "id", "global_phase", "store"})
_TEMPLATE_GATES = {
    "ccx": lowering.toffoli_template,
    "ccz": lowering.ccz_template,
    "cswap": lowering.cswap_template,
}


class _Tally:
    __slots__ = ("t", "clifford", "rotations", "measurements", "toffoli", "extra_qubits")

    def __init__(self):
        self.t = self.clifford = self.rotations = self.measurements = 0
        self.toffoli = self.extra_qubits = 0


class _Schedule:
    """ASAP finish times per qubit and per classical bit, for depth, for T-depth and for the
    lattice-surgery depth (with the CNOT fan-outs still open)."""

    def __init__(self, n_qubits: int, n_clbits: int):
        self.ready = [0] * n_qubits
        self.t_ready = [0] * n_qubits
        self.written = [0] * n_clbits
        self.t_written = [0] * n_clbits
        self.depth = 0
        self.t_depth = 0
        self.ls_ready = [0] * n_qubits
        self.ls_written = [0] * n_clbits
        self._ls_depth = 0
        self._group_of: dict[int, int] = {}
        self._groups: dict[int, list] = {}  # id -> [control, start, members]
        self._next = 0

    def _close(self, qubits) -> None:
        for q in qubits:
            group = self._group_of.get(q)
            if group is None:
                continue
            _, start, members = self._groups.pop(group)
            for member in members:
                self.ls_ready[member] = start + 1
                del self._group_of[member]
            self._ls_depth = max(self._ls_depth, start + 1)

    @property
    def lattice_surgery_depth(self) -> int:
        self._close(list(self._group_of))
        return self._ls_depth

    def _fan_out(self, control: int, target: int) -> None:
        """A CNOT: it extends the open fan-out of its control (a new target) or opens one."""
        group = self._group_of.get(control)
        if group is not None and self._groups[group][0] == control and self._group_of.get(target) != group:
            self._close([target])
            entry = self._groups[group]
            entry[1] = max(entry[1], self.ls_ready[target])
            entry[2].append(target)
            self._group_of[target] = group
            return
        self._close([control, target])
        self._next += 1
        self._groups[self._next] = [control, max(self.ls_ready[control], self.ls_ready[target]), [control, target]]
        self._group_of[control] = self._group_of[target] = self._next

    def gate(self, qubits, duration: int, t_duration: int, reads=(), writes=(), ls_duration=None, cx=False):
        if cx:
            self._fan_out(qubits[0], qubits[1])
        else:
            self._close(qubits)
            ls_ready = self.ls_ready
            ls_start = max([ls_ready[q] for q in qubits] + [self.ls_written[c] for c in reads], default=0)
            ls_end = ls_start + (duration if ls_duration is None else ls_duration)
            for q in qubits:
                ls_ready[q] = ls_end
            for c in writes:
                self.ls_written[c] = ls_end
            self._ls_depth = max(self._ls_depth, ls_end)
        ready, t_ready = self.ready, self.t_ready
        start = max([ready[q] for q in qubits] + [self.written[c] for c in reads], default=0)
        t_start = max([t_ready[q] for q in qubits] + [self.t_written[c] for c in reads], default=0)
        end, t_end = start + duration, t_start + t_duration
        for q in qubits:
            ready[q] = end
            t_ready[q] = t_end
        for c in writes:
            self.written[c] = end
            self.t_written[c] = t_end
        if end > self.depth:
            self.depth = end
        if t_end > self.t_depth:
            self.t_depth = t_end


def _angle(param) -> Optional[float]:
    try:
        return float(param)
    except (TypeError, ValueError):
        return None  # unbound parameter: a rotation of unknown angle


def _run_template(template, qubits, tally: _Tally, sched: _Schedule, clbit: Optional[int] = None):
    """Count and schedule a lowering-table template applied to ``qubits``."""
    for op in template:
        name = op[0]
        local = [qubits[q] for q in op[1]]
        if name == "if":
            inner = _Tally()
            inner_sched = _Schedule(len(qubits), 0)
            _run_template(op[2], list(range(len(qubits))), inner, inner_sched)
            _merge(tally, inner)
            sched.gate(local, inner_sched.depth, inner_sched.t_depth,
                       reads=() if clbit is None else (clbit,), ls_duration=inner_sched.lattice_surgery_depth)
            continue
        if name == "measure":
            tally.measurements += 1
        elif name in lowering.T_GATES:
            tally.t += 1
        elif name in lowering.ROTATION_GATES:
            tally.rotations += 1
        else:
            tally.clifford += 1
        sched.gate(local, 1, 1 if name in lowering.T_GATES else 0, cx=name == "cx")


def _merge(into: _Tally, other: _Tally, times: int = 1):
    for key in _Tally.__slots__:
        if key == "extra_qubits":
            into.extra_qubits = max(into.extra_qubits, other.extra_qubits)
        else:
            setattr(into, key, getattr(into, key) + times * getattr(other, key))


def _rotation(axis: str, angle, qubit: int, tally: _Tally, sched: _Schedule):
    value = _angle(angle)
    if value is None:
        tally.rotations += 1
        sched.gate([qubit], 1, 0)
        return
    _run_template(lowering.rotation_template(axis, value), [qubit], tally, sched)


def _mcx_block(n_controls: int, qubits, tally: _Tally, sched: _Schedule):
    ands = n_controls - 2
    inner = _Tally()
    width = n_controls + 1 + ands
    inner_sched = _Schedule(width, 1)
    # AND ladder into ancillas n_controls+1.., Toffoli onto the target, ladder undone.
    ancillas = list(range(n_controls + 1, width))
    chain = [0]
    previous = 0
    for k in range(ands):
        control = 1 + k
        _run_template(lowering.and_compute_template(), [previous, control, ancillas[k]], inner, inner_sched)
        previous = ancillas[k]
        chain.append(previous)
    _run_template(lowering.toffoli_template(), [previous, n_controls - 1, n_controls], inner, inner_sched)
    for k in reversed(range(ands)):
        source = 0 if k == 0 else ancillas[k - 1]
        _run_template(lowering.and_uncompute_template(), [source, 1 + k, ancillas[k]], inner,
                      inner_sched, clbit=0)
    inner.toffoli += n_controls - 1
    inner.extra_qubits = max(inner.extra_qubits, ands)
    _merge(tally, inner)
    sched.gate(list(qubits), inner_sched.depth, inner_sched.t_depth, ls_duration=inner_sched.lattice_surgery_depth)


def _count_into(circuit, qubit_index: list[int], clbit_index: list[int], tally: _Tally,
                sched: _Schedule) -> None:
    """Count ``circuit`` whose qubits/clbits are positions ``qubit_index``/``clbit_index``."""
    local_q = {bit: qubit_index[k] for k, bit in enumerate(circuit.qubits)}
    local_c = {bit: clbit_index[k] for k, bit in enumerate(circuit.clbits)}
    for instruction in circuit.data:
        op = instruction.operation
        name = op.name
        qubits = [local_q[q] for q in instruction.qubits]
        if name in CLIFFORD_NAMES:
            tally.clifford += 1
            sched.gate(qubits, 1, 0, cx=name == "cx")
        elif name == "t" or name == "tdg":
            tally.t += 1
            sched.gate(qubits, 1, 1)
        elif name == "measure":
            tally.measurements += 1
            sched.gate(qubits, 1, 0, writes=[local_c[c] for c in instruction.clbits])
        elif name == "reset":
            tally.measurements += 1
            sched.gate(qubits, 1, 0)
        elif name in IGNORED_NAMES:
            continue
        elif name in ("rz", "p", "u1"):
            _rotation("z", op.params[0], qubits[0], tally, sched)
        elif name == "rx":
            _rotation("x", op.params[0], qubits[0], tally, sched)
        elif name == "ry":
            _rotation("y", op.params[0], qubits[0], tally, sched)
        elif name in ("u", "u3", "u2"):
            theta, phi, lam = (math.pi / 2, *op.params) if name == "u2" else op.params
            # U(theta, phi, lambda) = Rz(phi) Ry(theta) Rz(lambda) up to global phase.
            _rotation("z", lam, qubits[0], tally, sched)
            _rotation("y", theta, qubits[0], tally, sched)
            _rotation("z", phi, qubits[0], tally, sched)
        elif name in ("crz", "cp", "cu1", "crx", "cry"):
            # Two half-angle rotations around two CNOTs (Nielsen and Chuang Fig. 4.6).
            value = _angle(op.params[0])
            half = None if value is None else value / 2
            axis = {"crx": "x", "cry": "y"}.get(name, "z")
            _rotation(axis, half, qubits[1], tally, sched)
            tally.clifford += 1
            sched.gate(qubits, 1, 0)
            _rotation(axis, None if half is None else -half, qubits[1], tally, sched)
            tally.clifford += 1
            sched.gate(qubits, 1, 0)
            if name in ("cp", "cu1"):
                _rotation("z", half, qubits[0], tally, sched)
        elif name in _TEMPLATE_GATES:
            tally.toffoli += 1
            _run_template(_TEMPLATE_GATES[name](), qubits, tally, sched)
        elif name in ("mcx", "mcx_gray", "mcx_recursive", "mcx_vchain", "c3x", "c4x") or (
            name.startswith("mcx")
        ):
            n_controls = op.num_ctrl_qubits
            controls, target = qubits[:n_controls], qubits[n_controls]
            if n_controls == 1:
                tally.clifford += 1
                sched.gate([controls[0], target], 1, 0, cx=True)
            elif n_controls == 2:
                tally.toffoli += 1
                _run_template(lowering.toffoli_template(), controls + [target], tally, sched)
            else:
                _mcx_block(n_controls, controls + [target], tally, sched)
        elif name == "if_else":
            reads = [local_c[c] for c in instruction.clbits]
            duration = t_duration = ls_duration = 0
            for block in op.blocks:
                if block is None:
                    continue
                inner_sched = _Schedule(len(qubits), len(reads))
                inner = _Tally()
                _count_into(block, list(range(len(qubits))), list(range(len(reads))), inner,
                            inner_sched)
                _merge(tally, inner)
                duration = max(duration, inner_sched.depth)
                t_duration = max(t_duration, inner_sched.t_depth)
                ls_duration = max(ls_duration, inner_sched.lattice_surgery_depth)
            sched.gate(qubits, duration, t_duration, reads=reads, ls_duration=ls_duration)
        elif name == "for_loop":
            indexset, _, body = op.params
            repeats = len(indexset)
            inner_sched = _Schedule(len(qubits), len(instruction.clbits))
            inner = _Tally()
            _count_into(body, list(range(len(qubits))), list(range(len(instruction.clbits))),
                        inner, inner_sched)
            _merge(tally, inner, times=repeats)
            clbits = [local_c[c] for c in instruction.clbits]
            sched.gate(qubits, repeats * inner_sched.depth, repeats * inner_sched.t_depth,
                       reads=clbits, writes=clbits, ls_duration=repeats * inner_sched.lattice_surgery_depth)
        elif op.definition is not None:
            _count_into(op.definition, qubits, [local_c[c] for c in instruction.clbits], tally,
                        sched)
        else:
            raise QResourceError(f"cannot count the gate '{name}': no known cost and no definition")


def circuit_counts(qc) -> LogicalCounts:
    """Count ``qc`` (any Qiskit circuit); see the module docstring for every convention.

    ``qubits`` is the circuit width (plus the ancillas an ``mcx`` lowering needs).
    """
    tally = _Tally()
    sched = _Schedule(qc.num_qubits, qc.num_clbits)
    _count_into(qc, list(range(qc.num_qubits)), list(range(qc.num_clbits)), tally, sched)
    return LogicalCounts(
        qubits=qc.num_qubits + tally.extra_qubits,
        toffoli=tally.toffoli + structural_toffoli_count(qc),
        t=tally.t,
        clifford=tally.clifford,
        rotations=tally.rotations,
        measurements=tally.measurements,
        depth=sched.depth,
        t_depth=sched.t_depth,
        lattice_surgery_depth=sched.lattice_surgery_depth,
    )


# --- Toffoli-class structures in a Clifford+T circuit ------------------------------------------

def _structure_templates() -> list[tuple]:
    out = [lowering.toffoli_template(), lowering.cswap_template()]
    for cv1 in (0, 1):
        for cv2 in (0, 1):
            out.append(lowering.and_compute_template(cv1, cv2))
    # Longest first, so a CSWAP is not read as its inner Toffoli.
    return sorted(out, key=len, reverse=True)


def structural_toffoli_count(qc) -> int:
    """Number of lowered Toffoli-class structures (temporary-AND compute, Toffoli, CSWAP).

    Each is recognised as a contiguous run of instructions equal, gate by gate and up to a
    consistent relabelling of qubits, to its template in the lowering table; matched runs do
    not overlap. Gates kept whole (``ccx``...) are counted separately by ``circuit_counts``.
    """
    templates = [(tuple(op[0] for op in t), t) for t in _structure_templates()]
    by_first: dict[str, list] = {}
    for names, template in templates:
        by_first.setdefault(names[0], []).append((names, template))
    index = {bit: k for k, bit in enumerate(qc.qubits)}
    data = qc.data
    names_seq = [inst.operation.name for inst in data]
    count, i, n = 0, 0, len(names_seq)
    while i < n:
        candidates = by_first.get(names_seq[i])
        matched = 0
        if candidates:
            for names, template in candidates:
                length = len(names)
                if tuple(names_seq[i:i + length]) == names and _matches(
                    template, [tuple(index[q] for q in data[i + k].qubits) for k in range(length)]
                ):
                    matched = length
                    break
        if matched:
            count += 1
            i += matched
        else:
            i += 1
    return count


def _matches(template, qubit_lists) -> bool:
    binding: dict[int, int] = {}
    used: set[int] = set()
    for top, qubits in zip(template, qubit_lists):
        if len(qubits) != len(top[1]):
            return False
        for local, actual in zip(top[1], qubits):
            bound = binding.get(local)
            if bound is None:
                if actual in used:
                    return False
                binding[local] = actual
                used.add(actual)
            elif bound != actual:
                return False
    return True
