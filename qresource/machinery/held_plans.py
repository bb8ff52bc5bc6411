"""Both held plans of a composite in one pass over an array of wires.

:func:`~qresource.machinery.depth.held_depth_plan` and
:func:`~qresource.machinery.lattice_surgery.held_plan` walk a composite soquet by soquet and,
for the lattice-surgery reading, bit by bit with keyed wires. For a composite whose wide parts
give their wiring (a thousand-term inner product between two loads), :func:`held_plans` gives
the same two plans from one walk instead (docs/machinery.md, "Both held plans in one walk"):

1. :func:`flat_wiring` numbers the composite's wires (a relabelling keeps the numbers, an
   allocation takes new ones); a wide sub-bloq without a closed form becomes one *chain* step
   over its own wiring, as both keyed walks push rows through such a bloq rather than build a
   profile over a thousand wires;
2. one walk pushes rows over the plan's sources (the start and the end of each held sub-bloq)
   through every step for the three readings at once: depth, T-depth and lattice-surgery depth,
   a step being its depth profile, its T-depth profile and its lattice-surgery profile with
   every fan-out closed at its end;
3. inside a chain, a *run* of one rank-one step repeated in place on the same wires (the inner
   product's terms at one shift) is one running maximum, the max-plus recurrence of the steps
   unrolled (:meth:`_Walk._chain`).

Closing every fan-out at the end of its step is exact when no later step continues one: a
fan-out a step leaves open closes, at its start + 1 on every member, as soon as a later step
touches a member, and that is what the closed profile gives. Whether a later step's first CNOT
on a wire continues a fan-out left open on that control depends on the wiring alone, not on
arrival times, so :func:`_fan_out_facts` (and, inside a chain, :func:`_chain_facts`) decides it
before the walk; where one does (or a step is a CNOT, or a wide part gives no wiring) the keyed
walks run instead.

References: max-plus (tropical) algebra for longest paths in scheduling, e.g. Baccelli, Cohen,
Olsder and Quadrat, *Synchronization and Linearity* (Wiley 1992), ch. 3; the lattice-surgery
reading as defined in :mod:`qresource.machinery.lattice_surgery`.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass
from typing import Callable, Optional

import numpy as np
from qualtran import Bloq, LeftDangle, Soquet

from qresource.machinery.decomposition import Bookkeeping, BoundedMemo, bookkeeping_kind, register_width
from qresource.machinery.depth import (
    NO_PATH,
    WIDE_WIRES,
    HeldDepthPlan,
    _closed_form,
    compiled_wiring,
    depth_profile,
    held_depth_plan,
)
from qresource.machinery.lattice_surgery import (
    _CX,
    SUMMARY_WIRES,
    HeldPlan,
    _summary,
    closed_form,
    held_plan,
    lattice_surgery_profile,
)
from qresource.machinery.lowering import leaf_rule

#: Step kinds of a flat wiring: a held sub-bloq, gates, a free (its wires' rows reach the sink),
#: an inlined wiring's release of a wire (fresh again, as the wiring's own walk has it), a wide
#: sub-bloq walked through its wiring (:class:`_Chain`; its ``ins`` the slot of each of its own).
_HELD, _GATES, _FREE, _RESET, _CHAIN = 0, 1, 2, 3, 4


@dataclass(frozen=True)
class FlatWiring:
    """A composite as numbered wires: ``inputs`` and ``outputs`` slot arrays (signature order),
    ``steps`` as (kind, sub-bloq, input slots, output slots); a ``_FREE`` step lists the slots
    a free releases (their rows reach the sink)."""

    slots: int
    inputs: np.ndarray
    steps: tuple
    outputs: np.ndarray


@dataclass(frozen=True)
class _Facts:
    """What the flat walk needs of a sub-bloq, found once per distinct sub-bloq."""

    wide: bool          # walked through its wiring (no closed form, more than WIDE_WIRES inputs)
    summary: object     # its lattice-surgery summary where the keyed walk enters it whole
    gate_by_gate: bool  # the keyed walk plays it gate by gate (a leaf with a CNOT, a wide composite)


_FACTS: BoundedMemo = BoundedMemo(limit=50000)


def _facts(sub: Bloq) -> _Facts:
    return _FACTS.get_or_compute(sub, lambda: _find_facts(sub))


def _find_facts(sub: Bloq) -> _Facts:
    rule = leaf_rule(sub)
    n_in = sum(register_width(r) for r in sub.signature.lefts())
    closed = rule is not None or _closed_form(sub) is not None or closed_form(sub) is not None
    summary = None
    if rule is None and closed_form(sub) is None and n_in <= SUMMARY_WIRES:
        summary = _summary(sub)
    gate_by_gate = (rule is not None and any(op[0] == _CX for op in rule.template)) or (
        rule is None and closed_form(sub) is None and summary is None)
    return _Facts(wide=n_in > WIDE_WIRES and not closed, summary=summary, gate_by_gate=gate_by_gate)


def _wide(sub: Bloq) -> bool:
    return _facts(sub).wide


def flat_wiring(cbloq, held: Callable[[Bloq], bool]) -> Optional[FlatWiring]:
    """The composite's :class:`FlatWiring`, its wide parts replaced by their wirings' steps
    (recursively), or None where a wide part gives no wiring."""
    slots_of: dict = {}
    counter = [0]

    def new(count: int) -> np.ndarray:
        block = np.arange(counter[0], counter[0] + count, dtype=np.intp)
        counter[0] += count
        return block

    def soquets(value) -> list:
        return [value] if isinstance(value, Soquet) else list(np.asarray(value).reshape(-1))

    inputs = []
    for reg in cbloq.signature.lefts():
        if reg.shape:
            for idx in np.ndindex(*reg.shape):
                block = new(int(reg.bitsize))
                slots_of[Soquet(LeftDangle, reg, idx)] = block
                inputs.append(block)
        else:
            block = new(int(reg.bitsize))
            slots_of[Soquet(LeftDangle, reg)] = block
            inputs.append(block)
    steps: list = []
    for binst, in_soqs, out_soqs in cbloq.iter_bloqsoqs():
        sub = binst.bloq
        ins = [slots_of.pop(soq) for reg in sub.signature.lefts() for soq in soquets(in_soqs[reg.name])]
        ins = np.concatenate(ins) if ins else np.empty(0, dtype=np.intp)
        widths = [(soq, int(reg.bitsize)) for reg, value in zip(sub.signature.rights(), out_soqs)
                  for soq in soquets(value)]
        n_out = sum(width for _, width in widths)
        kind = None if held(sub) or leaf_rule(sub) is not None else bookkeeping_kind(sub)
        if kind is Bookkeeping.RELABEL:
            outs = ins
        elif kind is Bookkeeping.ALLOCATE:
            outs = new(n_out)
        elif kind is Bookkeeping.FREE:
            steps.append((_FREE, sub, ins, ins))
            outs = np.empty(0, dtype=np.intp)
        elif not held(sub) and _wide(sub):
            chain = _chain(sub)
            if chain is not None:
                mapping = np.full(chain.wiring.slots, -1, dtype=np.intp)
                mapping[chain.wiring.inputs] = ins
                own = mapping < 0
                mapping[own] = new(int(own.sum()))
                outs = mapping[chain.wiring.outputs]
                steps.append((_CHAIN, sub, mapping, outs))
            else:
                outs = _inline(sub, ins, steps, new)
                if outs is None:
                    return None
        else:
            outs = new(n_out) if held(sub) else _in_place(ins, n_out, sub, new)
            steps.append((_HELD if held(sub) else _GATES, sub, ins, outs))
        begin = 0
        for soq, width in widths:
            slots_of[soq] = outs[begin:begin + width]
            begin += width
    final = cbloq.final_soqs()
    outputs = [slots_of.pop(soq) for reg in cbloq.signature.rights() for soq in soquets(final[reg.name])]
    outputs = np.concatenate(outputs) if outputs else np.empty(0, dtype=np.intp)
    return FlatWiring(counter[0], np.concatenate(inputs) if inputs else np.empty(0, dtype=np.intp),
                      tuple(steps), outputs)


def _in_place(ins: np.ndarray, n_out: int, sub: Bloq, new) -> np.ndarray:
    """Output slots of a step: its input slots where the wire runs through (same count and a
    THRU signature), else fresh numbers (a row is written to each output either way)."""
    if n_out == len(ins) and all(reg.side.name == "THRU" for reg in sub.signature):
        return ins
    return new(n_out)


def _inline(sub: Bloq, ins: np.ndarray, steps: list, new) -> Optional[np.ndarray]:
    wiring = compiled_wiring(sub)
    if wiring is None:
        return None
    mapping = np.full(wiring.slots, -1, dtype=np.intp)
    mapping[wiring.inputs] = ins
    own = mapping < 0
    mapping[own] = new(int(own.sum()))
    for inner, inner_ins, inner_outs, released in wiring.steps:
        outer_ins, outer_outs = mapping[inner_ins], mapping[inner_outs]
        if _wide(inner):
            produced = _inline(inner, outer_ins, steps, new)
            if produced is None:
                return None
            # the inner wiring's outputs are fresh numbers: carry them to the slots named here
            steps.append((_GATES, None, produced, outer_outs))
        else:
            steps.append((_GATES, inner, outer_ins, outer_outs))
        if len(released):
            steps.append((_RESET, None, mapping[released], mapping[released]))
    return mapping[wiring.outputs]


@dataclass(frozen=True)
class _Run:
    """Steps of a wiring that one vectorised update can walk: the same sub-bloq in place on the
    same ``chain`` wires (positions), each step's ``side`` wires its own and written by no other
    step of the run; ``ins`` the slots of each step (rows), ``released`` those of a single step."""

    sub: Bloq
    ins: np.ndarray
    outs: np.ndarray
    chain: np.ndarray
    side: np.ndarray
    released: np.ndarray


@dataclass(frozen=True)
class _Chain:
    """A wide sub-bloq's wiring, walked run by run (:class:`_Run`), with what the
    lattice-surgery check needs of it: whether a fan-out continues from one of its steps into
    another (``merges``), the input positions whose first gate is a CNOT they control
    (``leading``) and the fan-outs still open at its end, as (control slot, member slots)."""

    wiring: object
    runs: tuple
    merges: bool
    leading: tuple
    trailing: tuple


_CHAINS: BoundedMemo = BoundedMemo(limit=4096)


def _chain(sub: Bloq) -> Optional[_Chain]:
    """The :class:`_Chain` of a wide sub-bloq whose wiring's steps are all narrow (memoised), or
    None (then its steps are inlined)."""
    return _CHAINS.get_or_compute(sub, lambda: _find_chain(sub))


def _find_chain(sub: Bloq) -> Optional[_Chain]:
    grouped = getattr(sub, "numbered_groups", None)
    if grouped is not None:
        slots, inputs, outputs, groups = grouped()
        if not any(_wide(inner) for inner in {group[0] for group in groups}):
            runs = [run for inner, rows in groups for run in _runs_of(inner, rows)]
            return _chain_of(_Slots(slots, inputs, outputs), runs)
        return None
    wiring = compiled_wiring(sub)
    if wiring is not None and not any(_wide(inner) for inner in {step[0] for step in wiring.steps}):
        return _chain_of(wiring, _wiring_runs(wiring.steps))
    return None


@dataclass(frozen=True)
class _Slots:
    """A wiring's slot count and its input and output slots (what a chain maps)."""

    slots: int
    inputs: np.ndarray
    outputs: np.ndarray


def _wiring_runs(steps) -> list:
    """Runs of a compiled wiring's steps: consecutive equal sub-bloqs in place grouped, then cut
    by :func:`_runs_of`; any other step a run of its own."""
    runs = []
    index = 0
    while index < len(steps):
        sub, ins, outs, released = steps[index]
        end = index + 1
        if ins is outs and not len(released):
            while (end < len(steps) and steps[end][1] is steps[end][2] and not len(steps[end][3])
                   and len(steps[end][1]) == len(ins) and (steps[end][0] is sub or steps[end][0] == sub)):
                end += 1
        if end - index > 1:
            runs.extend(_runs_of(sub, np.stack([step[1] for step in steps[index:end]])))
        else:
            runs.append(_Run(sub, ins[None, :], outs[None, :], np.empty(0, dtype=np.intp), np.arange(len(ins)),
                             released))
        index = end
    return runs


def _chain_of(wiring, runs: list) -> _Chain:
    merges, leading, trailing = _chain_facts(wiring.slots, runs)
    position = {int(slot): p for p, slot in enumerate(wiring.inputs)}
    return _Chain(wiring, tuple(runs), merges, tuple(sorted(position[slot] for slot in leading if slot in position)),
                  trailing)


def _runs_of(sub: Bloq, ins: np.ndarray) -> list:
    """Runs of one sub-bloq in place (its steps' slots as rows), cut where the wires two
    neighbouring steps share change (the accumulator window moves up a bit)."""
    if len(ins) == 1:
        return _run(sub, ins)
    shared = ins[1:] == ins[:-1]
    cuts = 1 + np.flatnonzero((shared[1:] != shared[:-1]).any(axis=1))
    runs = []
    for begin, end in zip((0, *(int(c) + 1 for c in cuts)), (*(int(c) + 1 for c in cuts), len(ins))):
        runs.extend(_run(sub, ins[begin:end]))
    return runs


def _run(sub: Bloq, ins: np.ndarray) -> list:
    """One run for all of these steps (rows) where their slots allow it, else one run each."""
    nothing = np.empty(0, dtype=np.intp)
    if len(ins) > 1:
        constant = (ins == ins[0]).all(axis=0)
        side = np.flatnonzero(~constant)
        sides = ins[:, side].reshape(-1)
        if len(np.unique(sides)) == len(sides) and not np.isin(sides, ins[0, constant]).any():
            return [_Run(sub, ins, ins, np.flatnonzero(constant), side, nothing)]
    return [_Run(sub, row[None, :], row[None, :], nothing, np.arange(len(row)), nothing) for row in ins]


def _chain_facts(slots: int, runs: list) -> tuple[bool, set, tuple]:
    """:func:`_fan_out_facts` of a chain's runs: every step's slots marked touched at once per
    run, the few steps that lead with a CNOT checked one by one. Step k is touch 2k, the release
    of its freed wires touch 2k + 1."""
    last_touch = np.full(slots, -1, dtype=np.intp)
    firsts: list = []  # touch of each run's first step
    leading: set = set()
    touch = 0
    for run in runs:
        facts = _facts(run.sub)
        if facts.gate_by_gate:
            return True, leading, ()
        firsts.append(touch)
        lead = facts.summary.leading if facts.summary is not None else ()
        if lead:
            for row in range(len(run.ins)):
                for local in lead:
                    slot = int(run.ins[row, local])
                    if last_touch[slot] < 0:
                        leading.add(slot)
                    elif _open_in_runs(runs, firsts, last_touch, slot):
                        return True, leading, ()
                last_touch[run.ins[row]] = touch + 2 * row
                last_touch[run.outs[row]] = touch + 2 * row
        else:
            rows = (touch + 2 * np.arange(len(run.ins)))[:, None]
            np.maximum.at(last_touch, run.ins, np.broadcast_to(rows, run.ins.shape))
            np.maximum.at(last_touch, run.outs, np.broadcast_to(rows, run.outs.shape))
        if len(run.released):
            last_touch[run.released] = touch + 1
        touch += 2 * len(run.ins)
    trailing = []
    for last in np.unique(last_touch[(last_touch >= 0) & (last_touch % 2 == 0)]).tolist():
        for control, members in _left_open_in_runs(runs, firsts, last):
            if last_touch[control] == last and (last_touch[members] <= last).all():
                trailing.append((control, members))
    return False, leading, tuple(trailing)


def _left_open_in_runs(runs: list, firsts: list, touch: int) -> list:
    """The fan-outs the step at ``touch`` leaves open, as (control slot, member slots)."""
    which = bisect.bisect_right(firsts, touch) - 1
    run = runs[which]
    summary = _facts(run.sub).summary
    if summary is None:
        return []
    outs = run.outs[(touch - firsts[which]) // 2]
    return [(int(outs[control]), outs[list(members)]) for control, members, _ in summary.trailing]


def _open_in_runs(runs: list, firsts: list, last_touch: np.ndarray, slot: int) -> bool:
    last = int(last_touch[slot])
    if last % 2:
        return False
    for control, members in _left_open_in_runs(runs, firsts, last):
        if control == slot:
            return bool((last_touch[members] <= last).all())
    return False


def _fan_out_facts(flat: FlatWiring) -> tuple[bool, set, tuple]:
    """(whether a fan-out continues from one step into another, the slots whose first gate is a
    CNOT they control, the fan-outs open at the end as (control slot, member slots))."""
    last_touch = np.full(flat.slots, -1, dtype=np.intp)
    leading: set = set()
    for index, step in enumerate(flat.steps):
        kind, sub, ins, outs = step
        if kind == _CHAIN:
            chain = _chain(sub)
            if chain.merges:
                return True, leading, ()
            firsts = [int(ins[chain.wiring.inputs[p]]) for p in chain.leading]
        else:
            facts = _facts(sub) if kind == _GATES and sub is not None else None
            if facts is not None and facts.gate_by_gate:
                return True, leading, ()
            firsts = ([int(ins[local]) for local in facts.summary.leading]
                      if facts is not None and facts.summary is not None else [])
        for slot in firsts:
            if last_touch[slot] < 0:
                leading.add(slot)
            elif _still_open(flat, last_touch, slot):
                return True, leading, ()
        last_touch[ins] = index
        last_touch[outs] = index
    trailing = []
    for index, step in enumerate(flat.steps):
        for control, members in _left_open(step):
            if last_touch[control] == index and (last_touch[members] <= index).all():
                trailing.append((control, members))
    return False, leading, tuple(trailing)


def _left_open(step) -> list:
    """The fan-outs a step leaves open at its end, as (control slot, member slots)."""
    kind, sub, ins, outs = step
    if kind == _CHAIN:
        return [(int(ins[control]), ins[members]) for control, members in _chain(sub).trailing]
    summary = _facts(sub).summary if kind == _GATES and sub is not None else None
    if summary is None:
        return []
    return [(int(outs[control]), outs[list(members)]) for control, members, _ in summary.trailing]


# --- the walk ----------------------------------------------------------------------------------

_STACKS: BoundedMemo = BoundedMemo(limit=50000)


def _stacked(sub: Bloq) -> np.ndarray:
    """(depth, T-depth, lattice-surgery with fan-outs closed) profiles of ``sub`` as one array."""
    def stack() -> np.ndarray:
        profile = depth_profile(sub)
        return np.stack([profile.depth, profile.t_depth, lattice_surgery_profile(sub)])

    return _STACKS.get_or_compute(sub, stack)


def _continues_fan_out(flat: FlatWiring) -> bool:
    """Whether the keyed lattice-surgery walk would merge across steps here (or meet a CNOT, or
    a composite it walks gate by gate): then the closed profiles are not its schedule.

    A merge needs a step whose first gate on a wire is a CNOT that wire controls (a *leading*
    input of its summary) while a fan-out with that control is still open: one left open by the
    last earlier step that touched the wire, none of whose members a step has touched since."""
    return _fan_out_facts(flat)[0]


def _still_open(flat: FlatWiring, last_touch: np.ndarray, slot: int) -> bool:
    """Whether the step that last touched ``slot`` left a fan-out controlled by it that no step
    has touched since (``last_touch``: each slot's last step so far)."""
    last = int(last_touch[slot])
    for control, members in _left_open(flat.steps[last]):
        if control == slot:
            return bool((last_touch[members] <= last).all())
    return False


#: The walk runs in int32 (half the memory traffic of int64) while every time stays below this;
#: times only grow along a path, so a sink below it means no sum on the way overflowed.
_NARROW_LIMIT = 1 << 29
_NARROW_NO_PATH = -(1 << 30)


class _Overflow(Exception):
    """A time reached the int32 limit: the walk reruns in int64."""


class _Walk:
    """The walk's state: each slot's arrival row over the sources for each reading, the sink,
    the held sub-bloqs' start rows. ``size`` sources: the start and one per held sub-bloq."""

    def __init__(self, slots: int, size: int, readings: int, dtype):
        self.narrow = dtype == np.int32
        self.no_path = _NARROW_NO_PATH if self.narrow else NO_PATH
        self.dtype = dtype
        self.readings = readings
        self.start = np.full(size, self.no_path, dtype=dtype)
        self.start[0] = 0
        self.state = np.tile(self.start, (readings, slots, 1))
        self.sink = np.full((readings, size), self.no_path, dtype=dtype)
        self.starts: list = []
        self.live = 1  # columns of sources seen so far: the others hold no path yet, so they are skipped
        self.parts: dict = {}

    def copy(self) -> "_Walk":
        twin = object.__new__(_Walk)
        twin.__dict__.update(self.__dict__)
        twin.state, twin.sink, twin.starts = self.state.copy(), self.sink.copy(), list(self.starts)
        return twin

    def _part(self, sub: Bloq):
        part = self.parts.get((sub, self.live))
        if part is None:
            profile = _stacked(sub)[:self.readings]
            if self.narrow:
                if profile.max() >= _NARROW_LIMIT:
                    raise _Overflow
                profile = np.where(profile < 0, self.no_path, profile).astype(self.dtype)
            n_in = profile.shape[1] - 1
            fresh_start = self.start[:self.live]
            factors = _rank_one(profile)
            if factors is not None:
                into, out_of = factors
                part = (True, into[:, :n_in, None], into[:, n_in, None] + fresh_start, out_of[:, :, None])
            else:
                part = (False, profile[:, :n_in, :, None], profile[:, n_in, :, None] + fresh_start, None)
            self.parts[(sub, self.live)] = part
        return part

    def _gates(self, sub: Bloq, ins: np.ndarray, outs: np.ndarray) -> Optional[np.ndarray]:
        """One step of gates; the point every path crosses (``meet``) where it is rank one."""
        live, state = self.live, self.state
        rank_one, through, fresh, out_of = self._part(sub)
        meet = None
        if rank_one:
            # every path through the step passes one point: the latest arrival there, then out
            meet = (through + state[:, ins, :live]).max(axis=1) if len(ins) else fresh.copy()
            np.maximum(meet, fresh, out=meet)
            out = out_of + meet[:, None, :]
        elif len(ins):
            out = (through + state[:, ins, None, :live]).max(axis=1)
            np.maximum(out, fresh, out=out)
        else:
            out = fresh.copy()
        out[out < 0] = self.no_path
        np.maximum(self.sink[:, :live], out[:, -1, :], out=self.sink[:, :live])
        state[:, outs, :live] = out[:, :-1, :]
        return meet

    def _chain(self, chain: _Chain, mapping: np.ndarray) -> None:
        """A wide sub-bloq's wiring, run by run: a run of one rank-one step repeated in place is
        one recurrence, meet_j = max(meet_{j-1} + c, A_j) with c the longest way through the
        chain wires from one step's meet to the next's and A_j what the step's own (side) wires
        and fresh wires bring; so meet_j = j c + max(meet_0, max_{i <= j} (A_i - i c)), a
        running maximum."""
        live, state = self.live, self.state
        for run in chain.runs:
            ins, outs = mapping[run.ins], mapping[run.outs]
            meet = self._gates(run.sub, ins[0], outs[0])
            if len(run.released):
                state[:, mapping[run.released], :] = self.start
            if len(ins) == 1:
                continue
            if meet is None:
                for row in range(1, len(ins)):
                    self._gates(run.sub, ins[row], outs[row])
                continue
            _, through, fresh, out_of = self._part(run.sub)
            into, leaving = through[:, :, 0].astype(np.int64), out_of[:, :, 0].astype(np.int64)
            step = (leaving[:, run.chain] + into[:, run.chain]).max(axis=1) if len(run.chain) else None
            side = ins[1:, run.side]
            brought = (into[:, run.side][:, None, :, None] + state[:, side, :live]).max(axis=2)
            brought = np.maximum(brought, fresh[:, None, :])
            if step is None:
                meets = brought
            else:
                climb = step[:, None, None] * np.arange(1, len(ins), dtype=np.int64)[None, :, None]
                meets = climb + np.maximum(meet[:, None, :], np.maximum.accumulate(brought - climb, axis=1))
            if self.narrow and meets.max() >= _NARROW_LIMIT:
                raise _Overflow  # computed in int64: it would wrap when stored in int32
            meets = np.where(meets < 0, self.no_path, meets)
            self.sink[:, :live] = np.maximum(self.sink[:, :live], leaving[:, -1, None] + meets.max(axis=1))
            written = leaving[:, run.side][:, None, :, None] + meets[:, :, None, :]
            state[:, outs[1:, run.side], :live] = np.where(written < 0, self.no_path, written)
            if len(run.chain):
                last = leaving[:, run.chain, None] + meets[:, -1, None, :]
                state[:, outs[-1, run.chain], :live] = np.where(last < 0, self.no_path, last)

    def run(self, steps) -> None:
        state, sink, start, no_path = self.state, self.sink, self.start, self.no_path
        for kind, sub, ins, outs in steps:
            if kind == _GATES and sub is not None:
                self._gates(sub, ins, outs)
            elif kind == _CHAIN:
                self._chain(_chain(sub), ins)
            elif kind == _HELD:
                if len(ins):
                    begin = np.maximum(state[:, ins, :].max(axis=1), start)
                else:
                    begin = np.tile(start, (self.readings, 1))
                self.starts.append(begin)
                ended = np.full(len(start), no_path, dtype=self.dtype)
                ended[len(self.starts)] = 0
                state[:, outs, :] = ended
                np.maximum(sink, ended, out=sink)
                self.live += 1
            elif kind == _FREE:
                if len(ins):
                    np.maximum(sink, state[:, ins, :].max(axis=1), out=sink)
            elif kind == _RESET:
                state[:, ins, :] = start
            else:  # an inlined wiring's outputs carried to the slots its enclosing step names
                state[:, outs, :] = state[:, ins, :]

    def finish(self, outputs: np.ndarray, size: int) -> tuple[list, np.ndarray]:
        """Held starts and sink rows over the first ``size`` sources, ``NO_PATH`` where there is
        no path."""
        sink = self.sink.copy()
        if len(outputs):
            np.maximum(sink, self.state[:, outputs, :].max(axis=1), out=sink)
        if self.narrow and sink.max() >= _NARROW_LIMIT:
            raise _Overflow
        return [_widen(row[:, :size]) for row in self.starts], _widen(sink[:, :size])


def _walk(flat: FlatWiring, readings: int) -> tuple[list, np.ndarray]:
    """Held starts (per reading, per held step) and sink rows of the walk over ``flat``."""
    (result,) = _walk_sharing([flat], readings)
    return result


def _sources(flat: FlatWiring) -> int:
    return 1 + sum(1 for step in flat.steps if step[0] == _HELD)


def _same_step(one, other) -> bool:
    return (one[0] == other[0] and (one[1] is other[1] or one[1] == other[1])
            and np.array_equal(one[2], other[2]) and np.array_equal(one[3], other[3]))


def _walk_sharing(flats: list, readings: int) -> list:
    """:func:`_walk` of each flat wiring, their common first steps walked once (the oracle with
    and without exclusions share their load and inner product)."""
    shared = 0
    if len(flats) > 1:
        shortest = min(len(flat.steps) for flat in flats)
        while shared < shortest and all(_same_step(flats[0].steps[shared], flat.steps[shared]) for flat in flats[1:]):
            shared += 1
    slots, size = max(flat.slots for flat in flats), max(_sources(flat) for flat in flats)
    for dtype in (np.int32, np.int64):
        try:
            common = _Walk(slots, size, readings, dtype)
            common.run(flats[0].steps[:shared])
            results = []
            for flat in flats:
                walk = common.copy() if len(flats) > 1 else common
                walk.run(flat.steps[shared:])
                results.append(walk.finish(flat.outputs, _sources(flat)))
            return results
        except _Overflow:
            continue
    raise AssertionError("unreachable: the int64 walk does not overflow")


def _rank_one(profile: np.ndarray) -> Optional[tuple[np.ndarray, np.ndarray]]:
    """(into, out_of) with profile[r, i, j] = into[r, i] + out_of[r, j] for every reading, input
    (and the fresh row) and output (and the sink), every entry a path; else None. A ripple-carry
    term is such a step: its carry chain runs up and back down through every wire, so every path
    crosses its top, and one max over the inputs gives every output."""
    if (profile < 0).any():
        return None
    into = profile[:, :, 0] - profile[:, :1, 0]
    out_of = profile[:, 0, :]
    if not np.array_equal(profile, into[:, :, None] + out_of[:, None, :]):
        return None
    return into, out_of


def _widen(rows: np.ndarray) -> np.ndarray:
    return np.where(rows < 0, NO_PATH, rows.astype(np.int64))


def _as_tuples(rows) -> tuple:
    return tuple(tuple(int(v) for v in row) for row in rows)


_PLANS: BoundedMemo = BoundedMemo(limit=4096)


def held_plans(cbloq, held: Callable[[Bloq], bool]) -> tuple[HeldDepthPlan, HeldPlan]:
    """(:func:`~qresource.machinery.depth.held_depth_plan`,
    :func:`~qresource.machinery.lattice_surgery.held_plan`) of ``cbloq`` with the same sub-bloqs
    held: the same plans, from one walk over its :func:`flat_wiring` where that is exact (the
    module docstring), else from the keyed walks."""
    (plans,) = held_plans_of([(cbloq, held)])
    return plans


def held_plans_of(items) -> list[tuple[HeldDepthPlan, HeldPlan]]:
    """:func:`held_plans` of each (composite, held) in ``items``, their common first steps
    walked once."""
    flats = [flat_wiring(cbloq, held) for cbloq, held in items]
    results: list = [None] * len(items)
    walked = [i for i, flat in enumerate(flats) if flat is not None]
    exact = {i: not _continues_fan_out(flats[i]) for i in walked}
    if walked:
        readings = 3 if any(exact.values()) else 2
        for i, (starts, sink) in zip(walked, _walk_sharing([flats[i] for i in walked], readings)):
            cbloq, held = items[i]
            depth = HeldDepthPlan(_as_tuples(s[0] for s in starts), tuple(int(v) for v in sink[0]),
                                  _as_tuples(s[1] for s in starts), tuple(int(v) for v in sink[1]))
            surgery = (HeldPlan(_as_tuples(s[2] for s in starts), tuple(int(v) for v in sink[2]))
                       if exact[i] else held_plan(cbloq, held))
            results[i] = (depth, surgery)
    for i, flat in enumerate(flats):
        if flat is None:
            cbloq, held = items[i]
            results[i] = (held_depth_plan(cbloq, held), held_plan(cbloq, held))
    return results
