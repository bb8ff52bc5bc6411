"""Lattice-surgery depth: the depth of :mod:`qresource.machinery.depth` with each CNOT fan-out
counted as one step.

Definition. The circuit and its schedule are those of ``depth`` (the lowering of every leaf, in
circuit order, as soon as possible, every temporary qubit a fresh wire), with one change: a
*fan-out* — a maximal run of CNOTs that share one control, follow one another on that control's
wire, and have pairwise distinct targets, no qubit of the run being touched by any other gate
while the run lasts — is one step. It starts when its control and all its targets are free and
ends one step later on all of them. On a surface code such a fan-out is one lattice-surgery
operation: a CNOT is a Z⊗Z then an X⊗X product measurement through an ancilla patch (Horsman et
al. 2012, arXiv:1111.4022), and a CNOT from one control onto many targets measures the control's
Z with the ancilla once and the ancilla's X with every target in one multi-patch X measurement
(Litinski 2019, "A Game of Surface Codes", arXiv:1808.02892, Fig. 11 and Sec. 3: a multi-target
CNOT takes one time step, 1d code cycles, whatever the number of targets). Nothing else merges:
CNOTs onto one target from several controls (a fan-in), CNOTs whose control is a target of the
run, Toffolis, T gates and measurements keep their ``depth`` durations (one step per gate). The
run's boundaries are those of the circuit as written: it closes at the edge of a sub-bloq that
gives its depth whole (a closed form) and at a wire relabelling (Split, Join).

Computation. The same max-plus profiles as :mod:`qresource.machinery.depth` (one matrix per
bloq: longest paths from input wires and the fresh source to output wires and the sink), with the
open fan-out carried while the profile is built: its start row (the latest arrival of its
control and targets) and its members, released together at ``start + 1`` when a gate touches a
member, the bloq's wiring ends, or the composite ends. Closed forms come through Qualtran's
``my_static_costs`` hook with :class:`LatticeSurgeryDepthCost`; a bloq that gives only its
``depth`` in closed form enters with that depth (no fan-out inside it is merged: an upper bound
where it holds one, exact where it holds none, e.g. a synthesised rotation).

:func:`qresource.machinery.circuit_counts.circuit_counts` reads the same quantity off any Qiskit
circuit, gate by gate, without the bloqs: the tests' independent reference.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Optional

import attrs
import numpy as np
from qualtran import Bloq, LeftDangle, Side, Soquet

from qresource.core.errors import QResourceError
from qresource.machinery.decomposition import (
    Bookkeeping,
    BoundedMemo,
    bookkeeping_kind,
    decompose_once,
    register_width,
)
from qresource.machinery.depth import (
    DEPTH_LIMIT,
    NO_PATH,
    HeldDepthPlan,
    _apply,
    _bookkeeping_profile,
    _closed_form,
    _IntegerCostKey,
    _unit_rows,
    check_depth_range,
    compiled_wiring,
    leaf_wires,
)
from qresource.machinery.lowering import leaf_rule, template_depth

_CX = "cx"


def _ended(row: np.ndarray) -> np.ndarray:
    return np.where(row > NO_PATH, row + 1, NO_PATH)


class _Wires:
    """Arrival rows of wires named by hashable keys, and the open fan-outs among them: a member
    of an open fan-out has no row until the fan-out closes (at ``start + 1``, every member).
    ``sink`` is the end of every gate so far."""

    def __init__(self, size: int):
        self.rows: dict = {}
        self.sink = np.full(size, NO_PATH, dtype=np.int64)
        self.group_of: dict = {}  # key -> fan-out id
        self.control: dict = {}   # fan-out id -> its control's key
        self.start: dict = {}     # fan-out id -> start row
        self.members: dict = {}   # fan-out id -> keys
        self._next = 0
        self.virgin: dict = {}    # input wires no gate has touched yet -> input index
        self.held: Optional[Callable[[Bloq], bool]] = None  # sub-bloqs held as plan sources
        self.held_starts: list = []
        self.leading: set = set()  # input indices whose first gate is a CNOT they control

    def _close(self, group: int) -> None:
        end = _ended(self.start.pop(group))
        np.maximum(self.sink, end, out=self.sink)
        for key in self.members.pop(group):
            del self.group_of[key]
            self.rows[key] = end
        del self.control[group]

    def close_touching(self, keys, keep: Optional[int] = None) -> None:
        for key in keys:
            group = self.group_of.get(key)
            if group is not None and group != keep:
                self._close(group)

    def close_all(self) -> None:
        for group in list(self.start):
            self._close(group)

    def take(self, keys) -> list:
        """Rows of ``keys`` (consumed), closing the fan-outs they are in."""
        self.close_touching(keys)
        if self.virgin:
            for key in keys:
                self.virgin.pop(key, None)
        rows = self.rows
        return [rows.pop(key) for key in keys]

    def read(self, keys) -> np.ndarray:
        """:meth:`take` as one array (a row per key)."""
        return np.array(self.take(keys), dtype=np.int64).reshape(len(keys), len(self.sink))

    def write(self, keys, block: np.ndarray) -> None:
        for key, row in zip(keys, block):
            self.rows[key] = row

    def rename(self, old, new) -> None:
        """A wire relabelled (no gate): an open fan-out keeps it."""
        if old == new:
            return
        if old in self.virgin:
            self.virgin[new] = self.virgin.pop(old)
        group = self.group_of.pop(old, None)
        if group is None:
            self.rows[new] = self.rows.pop(old)
            return
        members = self.members[group]
        members[members.index(old)] = new
        self.group_of[new] = group
        if self.control[group] == old:
            self.control[group] = new

    def free(self, keys) -> None:
        """Wires freed (no gate): one still in an open fan-out ends with it."""
        for key in keys:
            self.virgin.pop(key, None)
        for key in keys:
            if key not in self.group_of:
                np.maximum(self.sink, self.rows.pop(key), out=self.sink)

    def fan_out(self, control_in, targets_in, control_out, targets_out) -> None:
        """CNOTs from one control onto ``targets_in`` (distinct), issued in that order: they
        extend the open fan-out of the control when it has one and no target is in it, else
        they open one."""
        if self.virgin:
            if control_in in self.virgin:
                self.leading.add(self.virgin[control_in])
            for key in (control_in, *targets_in):
                self.virgin.pop(key, None)
        group = self.group_of.get(control_in)
        continuing = (group is not None and self.control[group] == control_in
                      and not any(self.group_of.get(t) == group for t in targets_in))
        self.close_touching([control_in, *targets_in], keep=group if continuing else None)
        if continuing:
            self.members[group].remove(control_in)
            del self.group_of[control_in]
        else:
            group = self._next
            self._next += 1
            self.start[group] = self.rows.pop(control_in)
            self.members[group] = []
        start = self.start[group]
        for target in targets_in:
            start = np.maximum(start, self.rows.pop(target))
        self.start[group] = start
        for key in (*targets_out, control_out):
            self.members[group].append(key)
            self.group_of[key] = group
        self.control[group] = control_out


def fan_out_targets(rule) -> Optional[tuple[int, ...]]:
    """Local targets of a leaf whose lowering is CNOTs from local qubit 0 onto distinct other
    qubits (a CNOT, a multi-target CNOT, a controlled word write), else None."""
    if rule is None or not rule.template:
        return None
    targets = []
    for op in rule.template:
        if op[0] != _CX or op[1][0] != 0 or op[1][1] == 0:
            return None
        targets.append(op[1][1])
    return tuple(targets) if len(set(targets)) == len(targets) else None


def _step(wires: _Wires, sub: Bloq, in_keys: list, out_keys: list, fresh: np.ndarray) -> None:
    """Apply one sub-bloq whose input and output wires are ``in_keys`` and ``out_keys``."""
    if wires.held is not None and wires.held(sub):
        _hold(wires, in_keys, out_keys, fresh)
        return
    rule = leaf_rule(sub)
    targets = fan_out_targets(rule)
    if targets is not None:
        wires.fan_out(in_keys[0], [in_keys[t] for t in targets], out_keys[0], [out_keys[t] for t in targets])
        touched = {0, *targets}
        for local, (old, new) in enumerate(zip(in_keys, out_keys)):
            if local not in touched:
                wires.rename(old, new)
        return
    kind = bookkeeping_kind(sub) if rule is None else None
    if kind is Bookkeeping.RELABEL:
        for old, new in zip(in_keys, out_keys):
            wires.rename(old, new)
        return
    if kind is Bookkeeping.ALLOCATE:
        wires.write(out_keys, np.tile(fresh, (len(out_keys), 1)))
        return
    if kind is Bookkeeping.FREE:
        wires.free(in_keys)
        return
    if rule is not None:
        _walk_template(wires, rule.template, _local_keys(rule, in_keys, out_keys), fresh)
        return
    if closed_form(sub) is None:
        summary = _summary(sub)
        if summary is None or any(wires.control.get(wires.group_of.get(in_keys[i])) == in_keys[i]
                                  for i in summary.leading):
            _inline(wires, sub, in_keys, out_keys, fresh)
            return
        _enter(wires, summary, in_keys, out_keys, fresh)
        return
    out = _apply(lattice_surgery_profile(sub), wires.read(in_keys), fresh)
    np.maximum(wires.sink, out[-1], out=wires.sink)
    wires.write(out_keys, out[:-1])


_INLINED = [0]


def _inline(wires: _Wires, sub: Bloq, in_keys: list, out_keys: list, fresh: np.ndarray) -> None:
    """Walk ``sub``'s wiring or decomposition inside the enclosing walk, so that a fan-out runs on
    across its edges as in the flattened circuit (its wires get keys of their own)."""
    _INLINED[0] += 1
    prefix = _INLINED[0]
    wiring = compiled_wiring(sub)
    if wiring is not None:
        inner_in = [(prefix, int(slot)) for slot in wiring.inputs]
        for old, new in zip(in_keys, inner_in):
            wires.rename(old, new)
        _walk_wiring(wires, wiring, prefix, fresh, set(wiring.inputs.tolist()))
        inner_out = [(prefix, int(slot)) for slot in wiring.outputs]
    else:
        if any(reg.is_symbolic() for reg in sub.signature):
            raise QResourceError(f"no closed form for the lattice-surgery depth of {sub}, and it is too "
                                 "symbolic to decompose")
        try:
            cbloq = decompose_once(sub)
        except QResourceError:
            raise QResourceError(
                f"no closed form for the lattice-surgery depth of {sub}, and it cannot be decomposed") from None
        inner_in = [(prefix, *key) for key in _dangling_keys(cbloq)]
        for old, new in zip(in_keys, inner_in):
            wires.rename(old, new)
        inner_out = _walk_cbloq(wires, cbloq, prefix, fresh)
    for old, new in zip(inner_out, out_keys):
        wires.rename(old, new)


def _hold(wires: _Wires, in_keys: list, out_keys: list, fresh: np.ndarray) -> None:
    """A held sub-bloq: a barrier whose end is a source of its own (see :func:`held_plan`)."""
    arrivals = wires.read(in_keys)
    wires.held_starts.append(np.maximum(arrivals.max(axis=0), fresh) if len(arrivals) else fresh)
    ended = np.full(len(fresh), NO_PATH, dtype=np.int64)
    ended[len(wires.held_starts)] = 0
    np.maximum(wires.sink, ended, out=wires.sink)
    wires.write(out_keys, np.tile(ended, (len(out_keys), 1)))


def _finish(wires: _Wires, output_keys) -> np.ndarray:
    """Rows of the output wires and the sink row, every fan-out closed."""
    wires.close_all()
    out = wires.read(list(output_keys))
    sink = wires.sink
    if len(out):
        sink = np.maximum(sink, out.max(axis=0))
    return np.vstack([out, sink[None, :]])


# --- leaves ------------------------------------------------------------------------------------

def _local_keys(rule, in_keys: list, out_keys: list) -> list:
    """Keys of a leaf's local qubits: an input wire's key (renamed to its output's on the way
    out), or a fresh key for a qubit the leaf allocates."""
    _INLINED[0] += 1
    keys, position, ins, outs = [], 0, iter(in_keys), iter(out_keys)
    for _, width, side in rule.registers:
        for _ in range(width):
            left = next(ins) if side & Side.LEFT else None
            right = next(outs) if side & Side.RIGHT else None
            keys.append((left, right, ("leaf", _INLINED[0], position)))
            position += 1
    return keys


def _walk_template(wires: "_Wires", template, local: list, fresh: np.ndarray) -> None:
    """A leaf's lowering gate by gate inside the enclosing walk (a fan-out runs on across the
    leaf's edges, as in the flattened circuit)."""
    names = []
    for left, right, own in local:
        if left is None:
            wires.write([own], fresh[None, :])
            names.append(own)
        elif left == right:  # a wire through the leaf keeps its name (a rename there and back)
            names.append(left)
        else:
            wires.rename(left, own)
            names.append(own)
    _play(wires, template, names)
    for (left, right, own), name in zip(local, names):
        if right is None:
            wires.free([name])
        elif name != right:
            wires.rename(name, right)


def _play(wires: "_Wires", template, names) -> None:
    """Walk a lowering template's gates over ``wires``, its local qubit q being ``names[q]``:
    each CNOT enters the open fan-outs, every other gate takes its depth's duration."""
    for op in template:
        qubits = [names[q] for q in op[1]]
        if op[0] == _CX:
            wires.fan_out(qubits[0], [qubits[1]], qubits[0], [qubits[1]])
            continue
        duration = template_depth(op[2]) if op[0] == "if" else 1
        rows = wires.take(qubits)
        start = rows[0] if len(rows) == 1 else np.maximum.reduce(rows)
        end = np.where(start > NO_PATH, start + duration, NO_PATH)
        np.maximum(wires.sink, end, out=wires.sink)
        for name in qubits:  # rows are never changed in place: one array serves every wire
            wires.rows[name] = end


def template_profile(template, n_qubits: int, inputs: list[int], outputs: list[int]) -> np.ndarray:
    """Lattice-surgery profile of a lowering template over local qubits (rows: inputs + fresh;
    columns: outputs + sink)."""
    size = len(inputs) + 1
    fresh = np.full(size, NO_PATH, dtype=np.int64)
    fresh[-1] = 0
    wires = _Wires(size)
    wires.write(range(n_qubits), np.tile(fresh, (n_qubits, 1)))
    wires.write(inputs, _unit_rows(len(inputs), size))
    _play(wires, template, range(n_qubits))
    return _finish(wires, outputs).T.copy()


def leaf_lattice_surgery_profile(rule) -> np.ndarray:
    return template_profile(rule.template, *leaf_wires(rule))


# --- closed forms -------------------------------------------------------------------------------

def closed_form(bloq: Bloq) -> Optional[int]:
    """The bloq's lattice-surgery depth in closed form, else its ``depth`` closed form (no fan-out
    merged inside it), else None."""
    value = bloq.my_static_costs(LatticeSurgeryDepthCost())
    if value is not NotImplemented:
        return int(value)
    pair = _closed_form(bloq)
    return None if pair is None else pair[0]


# --- composite profiles -------------------------------------------------------------------------

_PROFILES: BoundedMemo = BoundedMemo(limit=50000)


def lattice_surgery_profile(bloq: Bloq) -> np.ndarray:
    """Memoised lattice-surgery profile of ``bloq`` (rows: input wires + fresh; columns: output
    wires + sink)."""
    return _PROFILES.get_or_compute(bloq, lambda: _compute(bloq))


def total(profile: np.ndarray) -> int:
    return max(0, int(profile[:, -1].max()))


def _compute(bloq: Bloq, use_closed_form: bool = True) -> np.ndarray:
    rule = leaf_rule(bloq)
    if rule is not None:
        return leaf_lattice_surgery_profile(rule)
    n_in = sum(register_width(r) for r in bloq.signature.lefts())
    n_out = sum(register_width(r) for r in bloq.signature.rights())
    if use_closed_form:
        value = closed_form(bloq)
        if value is not None:
            check_depth_range(np.array([min(value, DEPTH_LIMIT + 1)], dtype=np.int64))
            return np.full((n_in + 1, n_out + 1), int(value), dtype=np.int64)
    kind = bookkeeping_kind(bloq)
    if kind is not None:
        return _bookkeeping_profile(bloq, kind, n_in, n_out).depth
    return _walk_whole(bloq, n_in, n_out).closed


@dataclass(frozen=True)
class _Summary:
    """A composite as an enclosing walk sees it: ``closed``, its profile with every fan-out
    closed at its end; ``open``, the same with the fan-outs still open at its end (``trailing``)
    left out of its columns and its sink; ``trailing``: for each such fan-out, the output index
    of its control, those of its members and its start column (rows: inputs + fresh);
    ``leading``: input indices whose first gate is a CNOT they control (an enclosing fan-out of
    that wire would run on into the bloq)."""

    closed: np.ndarray
    open: np.ndarray
    trailing: tuple
    leading: frozenset


def _walk_whole(bloq: Bloq, n_in: int, n_out: int) -> _Summary:
    cached = _SUMMARIES.get(bloq)
    if cached is not None and cached is not _UNSUMMARISED:
        return cached
    size = n_in + 1
    fresh = np.full(size, NO_PATH, dtype=np.int64)
    fresh[-1] = 0
    wires = _Wires(size)
    inputs = [("in", k) for k in range(n_in)]
    wires.write(inputs, _unit_rows(n_in, size))
    outputs = [("out", k) for k in range(n_out)]
    wires.virgin = {key: k for k, key in enumerate(inputs)}
    _inline(wires, bloq, inputs, outputs, fresh)
    position = {key: k for k, key in enumerate(outputs)}
    trailing, pending = [], set()
    for group in list(wires.start):
        control = wires.control[group]
        if control in position:
            members = tuple(position[key] for key in wires.members[group] if key in position and key != control)
            trailing.append((position[control], members, wires.start[group].copy()))
            pending.update((position[control], *members))
        else:
            wires._close(group)
    open_sink = wires.sink.copy()
    closed = _finish(wires, outputs)
    opened = closed.copy()
    if pending:
        rows = [k for k in range(n_out) if k not in pending]
        opened[sorted(pending)] = NO_PATH
        opened[-1] = open_sink if not rows else np.maximum(open_sink, closed[rows].max(axis=0))
    summary = _Summary(closed.T.copy(), opened.T.copy(), tuple(trailing), frozenset(wires.leading))
    _SUMMARIES.put(bloq, summary)
    return summary


_SUMMARIES: BoundedMemo = BoundedMemo(limit=50000)

#: Composites with more input wires than this are walked gate by gate in the enclosing walk
#: rather than summarised (a profile over a thousand wires costs more than the walk).
SUMMARY_WIRES = 96


_UNSUMMARISED = object()


def _summary(bloq: Bloq) -> Optional[_Summary]:
    """The bloq's summary, or None for a bloq walked gate by gate (wide, symbolic, unhashable)."""
    cached = _SUMMARIES.get(bloq)
    if cached is not None:
        return None if cached is _UNSUMMARISED else cached
    n_in = sum(register_width(r) for r in bloq.signature.lefts())
    if n_in > SUMMARY_WIRES or any(reg.is_symbolic() for reg in bloq.signature):
        _SUMMARIES.put(bloq, _UNSUMMARISED)
        return None
    try:
        hash(bloq)
    except TypeError:
        return None
    n_out = sum(register_width(r) for r in bloq.signature.rights())
    return _walk_whole(bloq, n_in, n_out)


def _enter(wires: _Wires, summary: _Summary, in_keys: list, out_keys: list, fresh: np.ndarray) -> None:
    """A summarised composite in an enclosing walk: its profile, its open fan-outs reopened."""
    arrivals = wires.read(in_keys)
    out = _apply(summary.open, arrivals, fresh)
    np.maximum(wires.sink, out[-1], out=wires.sink)
    pending = set()
    for control, members, column in summary.trailing:
        start = _apply(column[:, None], arrivals, fresh)[0]
        group = wires._next
        wires._next += 1
        wires.start[group] = start
        keys = [out_keys[k] for k in (*members, control)]
        wires.members[group] = keys
        for key in keys:
            wires.group_of[key] = group
        wires.control[group] = out_keys[control]
        pending.update((control, *members))
    for k, key in enumerate(out_keys):
        if k not in pending:
            wires.rows[key] = out[k]


def _walk_wiring(wires: _Wires, plan, prefix, fresh: np.ndarray, inputs: set) -> None:
    """Walk a wiring's steps; its wires are keyed (prefix, slot), its inputs already present."""
    fresh_slots = [(prefix, slot) for slot in range(plan.slots) if slot not in inputs]
    wires.write(fresh_slots, np.tile(fresh, (len(fresh_slots), 1)))
    for sub, ins, outs, released in plan.steps:
        _step(wires, sub, [(prefix, int(k)) for k in ins], [(prefix, int(k)) for k in outs], fresh)
        if len(released):
            keys = [(prefix, int(k)) for k in released]
            wires.close_touching(keys)
            wires.write(keys, np.tile(fresh, (len(keys), 1)))
    unused = set(range(plan.slots)) - set(plan.outputs.tolist())
    for slot in unused:  # wires the wiring leaves behind hold no data: drop them
        key = (prefix, slot)
        if key in wires.rows and key not in wires.group_of:
            del wires.rows[key]


def _bit_keys(soqs, bitsize: int) -> list:
    return [(soq, bit) for soq in np.asarray(soqs).reshape(-1) for bit in range(bitsize)]


def _dangling_keys(cbloq) -> list:
    keys = []
    for reg in cbloq.signature.lefts():
        if reg.shape:
            soqs = [Soquet(LeftDangle, reg, idx) for idx in np.ndindex(*reg.shape)]
        else:
            soqs = [Soquet(LeftDangle, reg)]
        keys.extend(_bit_keys(soqs, int(reg.bitsize)))
    return keys


def _walk_cbloq(wires: _Wires, cbloq, prefix, fresh: np.ndarray) -> list:
    """Walk a composite whose input wires are present as (prefix, soquet, bit); its output keys."""
    for binst, in_soqs, out_soqs in cbloq.iter_bloqsoqs():
        sub = binst.bloq
        in_keys = [(prefix, *key) for reg in sub.signature.lefts()
                   for key in _bit_keys(in_soqs[reg.name], int(reg.bitsize))]
        out_keys = [(prefix, *key) for reg, soqs in zip(sub.signature.rights(), out_soqs)
                    for key in _bit_keys(soqs, int(reg.bitsize))]
        _step(wires, sub, in_keys, out_keys, fresh)
    final = cbloq.final_soqs()
    return [(prefix, *key) for reg in cbloq.signature.rights() for key in _bit_keys(final[reg.name], int(reg.bitsize))]


def decomposition_lattice_surgery_depth(bloq: Bloq) -> int:
    """The lattice-surgery depth over the bloq's own decomposition, ignoring any closed form the
    bloq itself gives (its sub-bloqs' are used): the reference a closed form is tested against."""
    return total(_compute(bloq, use_closed_form=False))


@dataclass(frozen=True)
class HeldPlan:
    """The lattice-surgery depth of a composite as an exact function of the lattice-surgery
    depths of some of its sub-bloqs (held: barriers), as
    :class:`~qresource.machinery.depth.HeldDepthPlan` gives depth: ``starts[h][s]`` is the
    longest path from source ``s`` (0: the start; h + 1: the end of held sub-bloq h) to the
    start of held sub-bloq ``h``, ``sink[s]`` to the end of the last gate."""

    starts: tuple[tuple[int, ...], ...]
    sink: tuple[int, ...]

    def evaluate(self, durations) -> int:
        """The lattice-surgery depth given each held sub-bloq's (in order)."""
        return HeldDepthPlan._evaluate(self.starts, self.sink, durations)


def held_plan(cbloq, held: Callable[[Bloq], bool]) -> HeldPlan:
    """:class:`HeldPlan` of ``cbloq`` with the sub-bloqs for which ``held`` is true held (runs of
    CNOTs close at their edges, as at any barrier)."""
    count = sum(1 for binst in cbloq.bloq_instances if held(binst.bloq))
    start = np.full(1 + count, NO_PATH, dtype=np.int64)
    start[0] = 0
    wires = _Wires(len(start))
    wires.held = held
    inputs = [(0, *key) for key in _dangling_keys(cbloq)]
    wires.write(inputs, np.tile(start, (len(inputs), 1)))
    _INLINED[0] += 1
    outputs = _walk_cbloq(wires, cbloq, 0, start)
    sink = _finish(wires, outputs)[-1]
    return HeldPlan(tuple(tuple(int(v) for v in row) for row in wires.held_starts), tuple(int(v) for v in sink))


@attrs.frozen
class LatticeSurgeryDepthCost(_IntegerCostKey):
    """Depth with every CNOT fan-out from one control one step (see the module docstring)."""

    def compute(self, bloq: Bloq, get_callee_cost: Callable[[Bloq], int]) -> int:
        return total(lattice_surgery_profile(bloq))

    def __str__(self):
        return "lattice-surgery depth"
