"""Depth and T-depth as Qualtran cost keys (Qualtran has none: its issues #1423 and #957).

Definition (the same as :mod:`qresource.machinery.circuit_counts` applies to a circuit): the circuit is
the lowering of every leaf by :mod:`qresource.machinery.lowering`, scheduled as soon as
possible. Every gate, measurement included, lasts one layer on each of its qubits; a
classically controlled block lasts the depth of its body on all of its qubits and starts after
the measurement it reads. ``depth`` is the end of the last gate. ``t_depth`` is the same
schedule with T/T-dagger lasting one layer and every other gate zero, i.e. the largest number
of T gates on any path. Each temporary qubit is a fresh wire, ready at time 0.

How it is computed without flattening: the ASAP end time of every output wire is a max-plus
linear function of the arrival times of the input wires. A bloq's :class:`DepthProfile` is the
matrix of that function: entry ``[i, j]`` is the longest path (in layers) from input wire ``i``
to output wire ``j`` (``NO_PATH`` if none), with one extra row for wires allocated inside the
bloq (they start at time 0) and one extra column, the *sink*, for the end of any gate at all.
A composite's profile is obtained by pushing arrival vectors through its dataflow graph in
topological order, one max-plus product per sub-bloq; leaves get their profile from their
lowering template. Profiles are memoised per bloq, so a bloq used a thousand times is analysed
once. Because max-plus composition is exact, the result equals the ASAP depth of the flattened
circuit whenever every temporary qubit is a fresh wire; ``to_circuit`` reuses released qubits
first-in first-out, which the tests check leaves the schedule unchanged for the bloqs they
flatten.

Bloqs too large to decompose give closed forms through Qualtran's ``my_static_costs`` hook
(``DepthCost()`` and ``TDepthCost()``) or, for bloqs this package does not own, through
:func:`register_depth_rule`. Such a bloq enters an enclosing profile as a barrier (every input
to every output takes its whole depth), an upper bound on the exact schedule.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Optional

import attrs
import numpy as np
from qualtran import Bloq, LeftDangle, Side, Soquet
from qualtran.resource_counting import CostKey

from qresource.core.errors import QResourceError, ResourceLimitError
from qresource.machinery.decomposition import (
    Bookkeeping,
    BoundedMemo,
    bookkeeping_kind,
    decompose_once,
    register_width,
)
from qresource.machinery.lowering import LeafRule, gate_duration, leaf_rule, template_depth

NO_PATH = -(1 << 60)
#: The largest depth the int64 profiles hold exactly: the sum of two such values stays below
#: 2^63, so every max-plus step is exact or refused, never wrapped around.
DEPTH_LIMIT = (1 << 62) - 1


def check_depth_range(values: np.ndarray) -> np.ndarray:
    """``values`` unchanged, or a one-line refusal when a depth left the exact int64 range."""
    if values.size and int(values.max()) > DEPTH_LIMIT:
        raise ResourceLimitError(
            "depth beyond 2^62 layers, past the exact range of the depth calculation; choose smaller sizes")
    return values


@dataclass(frozen=True)
class DepthProfile:
    """Longest-path matrices of one bloq: rows = input wires + fresh source, columns = output
    wires + sink, wires in signature order and Qualtran bit order."""

    depth: np.ndarray
    t_depth: np.ndarray

    @property
    def total_depth(self) -> int:
        return max(0, int(self.depth[:, -1].max()))

    @property
    def total_t_depth(self) -> int:
        return max(0, int(self.t_depth[:, -1].max()))


def _unit_rows(n: int, size: int, offset: int = 0) -> np.ndarray:
    rows = np.full((n, size), NO_PATH, dtype=np.int64)
    rows[np.arange(n), offset + np.arange(n)] = 0
    return rows


_CHUNK_ELEMENTS = 1 << 22


def max_plus_product(left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """``out[i, k] = max_j (left[i, j] + right[j, k])``; a sum through a missing path (negative)
    is ``NO_PATH``. Done a block of rows at a time, so wide registers need no cube of memory."""
    rows, inner = left.shape
    columns = right.shape[1]
    block = max(1, _CHUNK_ELEMENTS // max(1, inner * columns))
    out = np.empty((rows, columns), dtype=np.int64)
    for start in range(0, rows, block):
        out[start:start + block] = (left[start:start + block, :, None] + right[None, :, :]).max(axis=1)
    return check_depth_range(np.where(out < 0, NO_PATH, out))


def augmented(profile: np.ndarray) -> np.ndarray:
    """A depth profile (rows: wires + fresh source; columns: wires + sink) as a square max-plus
    matrix over wires + fresh + sink, in which fresh and sink carry themselves forward."""
    wires = profile.shape[0] - 1
    matrix = np.full((wires + 2, wires + 2), NO_PATH, dtype=np.int64)
    matrix[: wires + 1, :wires] = profile[:, :wires]
    matrix[: wires + 1, wires + 1] = profile[:, wires]
    matrix[wires, wires] = 0
    matrix[wires + 1, wires + 1] = 0
    return matrix


def _apply(profile: np.ndarray, arrivals: np.ndarray, fresh: np.ndarray) -> np.ndarray:
    """outputs[j] = max_i(arrivals'[i] + profile[i, j]), arrivals' = arrivals + the fresh row."""
    rows = np.concatenate([arrivals, fresh[None, :]])
    if profile.size * rows.shape[1] <= _CHUNK_ELEMENTS:
        out = (profile.T[:, :, None] + rows[None, :, :]).max(axis=1)
        out[out < 0] = NO_PATH
        return out
    return max_plus_product(profile.T, rows)


def _template_profile(template, n_qubits: int, inputs: list[int], outputs: list[int],
                      weight: Callable[[str], int]) -> np.ndarray:
    """Profile of a lowering template over local qubits (fresh qubits start at time 0)."""
    size = len(inputs) + 1
    fresh = np.full(size, NO_PATH, dtype=np.int64)
    fresh[-1] = 0
    arrival = [fresh.copy() for _ in range(n_qubits)]
    for k, q in enumerate(inputs):
        arrival[q] = np.full(size, NO_PATH, dtype=np.int64)
        arrival[q][k] = 0
    sink = np.full(size, NO_PATH, dtype=np.int64)
    for op in template:
        qubits = op[1]
        if op[0] == "if":
            duration = template_depth(op[2], t_only=weight is _t_weight)
        else:
            duration = weight(op[0])
        start = arrival[qubits[0]]
        for q in qubits[1:]:
            start = np.maximum(start, arrival[q])
        end = np.where(start > NO_PATH, start + duration, NO_PATH)
        for q in qubits:
            arrival[q] = end
        sink = np.maximum(sink, end)
    columns = [arrival[q] for q in outputs]
    for column in columns:
        sink = np.maximum(sink, column)
    return np.stack(columns + [sink], axis=1)


def _unit_weight(name: str) -> int:
    return gate_duration(name)


def _t_weight(name: str) -> int:
    return gate_duration(name, t_only=True)


def leaf_wires(rule: LeafRule) -> tuple[int, list[int], list[int]]:
    """A leaf template's local qubits: their number, the input ones and the output ones."""
    inputs, outputs, position = [], [], 0
    for _, width, side in rule.registers:
        local = list(range(position, position + width))
        if side & Side.LEFT:
            inputs.extend(local)
        if side & Side.RIGHT:
            outputs.extend(local)
        position += width
    return position, inputs, outputs


def leaf_profile(rule: LeafRule) -> DepthProfile:
    position, inputs, outputs = leaf_wires(rule)
    return DepthProfile(
        depth=_template_profile(rule.template, position, inputs, outputs, _unit_weight),
        t_depth=_template_profile(rule.template, position, inputs, outputs, _t_weight),
    )


# --- closed forms -----------------------------------------------------------------------------

_DEPTH_RULES: list[tuple[type, Callable[[Bloq], Optional[tuple[int, int]]]]] = []


def register_depth_rule(bloq_type: type, rule: Callable[[Bloq], Optional[tuple[int, int]]]) -> None:
    """Give ``(depth, t_depth)`` of bloqs of ``bloq_type`` in closed form (``None``: not known,
    decompose instead). For bloqs this package does not own, such as Qualtran's QROM."""
    _DEPTH_RULES.append((bloq_type, rule))


def _closed_form(bloq: Bloq) -> Optional[tuple[int, int]]:
    depth = bloq.my_static_costs(DepthCost())
    t_depth = bloq.my_static_costs(TDepthCost())
    if depth is not NotImplemented and t_depth is not NotImplemented:
        return int(depth), int(t_depth)
    for bloq_type, rule in _DEPTH_RULES:
        if isinstance(bloq, bloq_type):
            value = rule(bloq)
            if value is not None:
                return int(value[0]), int(value[1])
    return None


def _barrier(n_in: int, n_out: int, value: int) -> np.ndarray:
    check_depth_range(np.array([min(int(value), DEPTH_LIMIT + 1)], dtype=np.int64))
    return np.full((n_in + 1, n_out + 1), int(value), dtype=np.int64)


# --- composite profiles -----------------------------------------------------------------------

_PROFILES: BoundedMemo = BoundedMemo(limit=50000)


def depth_profile(bloq: Bloq) -> DepthProfile:
    """The memoised :class:`DepthProfile` of ``bloq`` (see the module docstring)."""
    return _PROFILES.get_or_compute(bloq, lambda: _compute_profile(bloq))


def _compute_profile(bloq: Bloq) -> DepthProfile:
    rule = leaf_rule(bloq)
    if rule is not None:
        return leaf_profile(rule)
    n_in = sum(register_width(r) for r in bloq.signature.lefts())
    n_out = sum(register_width(r) for r in bloq.signature.rights())
    closed = _closed_form(bloq)
    if closed is not None:
        return DepthProfile(_barrier(n_in, n_out, closed[0]), _barrier(n_in, n_out, closed[1]))

    kind = bookkeeping_kind(bloq)
    if kind is not None:
        return _bookkeeping_profile(bloq, kind, n_in, n_out)
    wiring = compiled_wiring(bloq)
    if wiring is not None:
        size = n_in + 1
        fresh = np.full(size, NO_PATH, dtype=np.int64)
        fresh[-1] = 0
        unit = _unit_rows(n_in, size)
        out_d, out_t = _through_wiring(wiring, unit, unit, fresh)
        return DepthProfile(out_d.T.copy(), out_t.T.copy())
    if any(reg.is_symbolic() for reg in bloq.signature):
        raise QResourceError(f"no closed form for the depth of {bloq}, and it is too symbolic to decompose")
    try:
        cbloq = decompose_once(bloq)
    except QResourceError:
        raise QResourceError(
            f"no closed form for the depth of {bloq}, and it cannot be decomposed"
        ) from None
    return DepthProfile(*_propagate(cbloq, n_in, n_out))


# --- wiring: a bloq's dataflow given as a gate list ---------------------------------------------

@dataclass(frozen=True)
class Wiring:
    """A bloq's decomposition as its own gate list, so that depth needs no Qualtran decomposition
    (building one costs milliseconds per sub-bloq; a thousand-term inner product, seconds).

    ``inputs``: one name per input wire, in the order of the bloq's profile rows (signature
    order, Qualtran bit order); ``steps``: (sub-bloq, names of its input wires, names of its
    output wires), in circuit order, wires in the sub-bloq's own profile order; a name not yet
    seen is a fresh wire (ready at time 0), a name no later step or output reads is released;
    ``outputs``: one name per output wire, in profile column order. The schedule is the one the
    bloq's decomposition gives: tests hold the two equal."""

    inputs: tuple
    steps: tuple
    outputs: tuple


def depth_wiring(bloq: Bloq) -> Optional[Wiring]:
    """The bloq's :class:`Wiring` when it gives one (a ``depth_wiring()`` method), else None."""
    method = getattr(bloq, "depth_wiring", None)
    return None if method is None else method()


@dataclass(frozen=True)
class _CompiledWiring:
    """A wiring with wire names numbered: slots, each step's input and output slots, and the
    slots a step releases (they hold a fresh wire again afterwards)."""

    slots: int
    inputs: np.ndarray
    steps: tuple
    outputs: np.ndarray


_COMPILED: BoundedMemo = BoundedMemo(limit=4096)


def compiled_wiring(bloq: Bloq) -> Optional[_CompiledWiring]:
    """The bloq's wiring with its wires numbered (memoised per bloq), or None without one."""
    cached = _COMPILED.get(bloq)
    if cached is not None:
        return cached
    numbered = getattr(bloq, "numbered_wiring", None)
    if numbered is not None:
        compiled = numbered()
        _COMPILED.put(bloq, compiled)
        return compiled
    wiring = depth_wiring(bloq)
    if wiring is None:
        return None
    numbers: dict = {}

    def slot(name):
        return numbers.setdefault(name, len(numbers))

    inputs = np.array([slot(name) for name in wiring.inputs], dtype=np.intp)
    steps = []
    for sub, ins, outs in wiring.steps:
        in_slots = np.array([slot(name) for name in ins], dtype=np.intp)
        out_slots = np.array([slot(name) for name in outs], dtype=np.intp)
        released = np.array(sorted(set(in_slots.tolist()) - set(out_slots.tolist())), dtype=np.intp)
        steps.append((sub, in_slots, out_slots, released))
    outputs = np.array([slot(name) for name in wiring.outputs], dtype=np.intp)
    compiled = _CompiledWiring(len(numbers), inputs, tuple(steps), outputs)
    _COMPILED.put(bloq, compiled)
    return compiled


def numbered_wiring(slots: int, inputs, steps, outputs) -> _CompiledWiring:
    """A :class:`Wiring` given with its wires already numbered 0..slots-1 (a bloq whose wiring
    is regular builds this with array arithmetic instead of naming every wire): ``steps`` as
    (sub-bloq, input slots, output slots); a slot that is neither an input nor written before
    is fresh, as a new name is in a :class:`Wiring`."""
    compiled_steps = []
    nothing = np.empty(0, dtype=np.intp)
    for sub, ins, outs in steps:
        if ins is outs:  # in place: nothing released
            ins = outs = np.asarray(ins, dtype=np.intp)
            compiled_steps.append((sub, ins, outs, nothing))
            continue
        ins = np.asarray(ins, dtype=np.intp)
        outs = np.asarray(outs, dtype=np.intp)
        compiled_steps.append((sub, ins, outs, np.setdiff1d(ins, outs).astype(np.intp)))
    return _CompiledWiring(int(slots), np.asarray(inputs, dtype=np.intp), tuple(compiled_steps),
                           np.asarray(outputs, dtype=np.intp))


def _through_wiring(plan: _CompiledWiring, arr_d: np.ndarray, arr_t: np.ndarray, start: np.ndarray):
    """Push arrival rows (one per input wire) through a wiring: output rows plus the sink row."""
    size = len(start)
    state_d = np.tile(start, (plan.slots, 1))
    state_t = state_d.copy()
    if len(plan.inputs):
        state_d[plan.inputs] = arr_d
        state_t[plan.inputs] = arr_t
    sink_d = np.full(size, NO_PATH, dtype=np.int64)
    sink_t = sink_d.copy()
    for sub, ins, outs, released in plan.steps:
        out_d, out_t = through(sub, state_d[ins], state_t[ins], start)
        np.maximum(sink_d, out_d[-1], out=sink_d)
        np.maximum(sink_t, out_t[-1], out=sink_t)
        state_d[outs] = out_d[:-1]
        state_t[outs] = out_t[:-1]
        if len(released):
            state_d[released] = start
            state_t[released] = start
    out_d, out_t = state_d[plan.outputs], state_t[plan.outputs]
    if len(out_d):
        sink_d = np.maximum(sink_d, out_d.max(axis=0))
        sink_t = np.maximum(sink_t, out_t.max(axis=0))
    return np.vstack([out_d, sink_d[None, :]]), np.vstack([out_t, sink_t[None, :]])


#: Bloqs with more input wires than this are pushed through their wiring rather than profiled.
WIDE_WIRES = 96


def through(sub: Bloq, arr_d: np.ndarray, arr_t: np.ndarray, start: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Arrival rows of ``sub``'s output wires and its sink row, given its input wires' rows (over
    any sources) and the row of a fresh wire: by its wiring when it gives one, has no closed form
    and is wide (its profile, a matrix over its wires, would cost more than pushing a few rows
    through), else by its memoised profile. Exact either way."""
    if len(arr_d) > WIDE_WIRES and leaf_rule(sub) is None and _closed_form(sub) is None:
        wiring = compiled_wiring(sub)
        if wiring is not None:
            return _through_wiring(wiring, arr_d, arr_t, start)
    profile = depth_profile(sub)
    return _apply(profile.depth, arr_d, start), _apply(profile.t_depth, arr_t, start)


def decomposition_depths(bloq: Bloq) -> tuple[int, int]:
    """(depth, T-depth) of ``bloq`` by the longest path over its own decomposition, ignoring
    any closed form the bloq itself gives (its sub-bloqs' are still used): the reference a
    closed form is tested against."""

    rule = leaf_rule(bloq)
    if rule is not None:
        profile = leaf_profile(rule)
        return profile.total_depth, profile.total_t_depth
    n_in = sum(register_width(r) for r in bloq.signature.lefts())
    n_out = sum(register_width(r) for r in bloq.signature.rights())
    profile = DepthProfile(*_propagate(decompose_once(bloq), n_in, n_out))
    return profile.total_depth, profile.total_t_depth


def _bookkeeping_profile(bloq: Bloq, kind: Bookkeeping, n_in: int, n_out: int) -> DepthProfile:
    matrix = np.full((n_in + 1, n_out + 1), NO_PATH, dtype=np.int64)
    if kind is Bookkeeping.RELABEL:
        matrix[np.arange(n_in), np.arange(n_in)] = 0
        matrix[:n_in, -1] = 0
    elif kind is Bookkeeping.ALLOCATE:
        matrix[-1, :] = 0
    else:  # free
        matrix[:, -1] = 0
    return DepthProfile(matrix, matrix.copy())


def _propagate(cbloq, n_in: int, n_out: int) -> tuple[np.ndarray, np.ndarray]:

    size = n_in + 1
    fresh = np.full(size, NO_PATH, dtype=np.int64)
    fresh[-1] = 0
    sink_d = np.full(size, NO_PATH, dtype=np.int64)
    sink_t = sink_d.copy()
    rows: dict = {}
    offset = 0
    for reg in cbloq.signature.lefts():
        width = register_width(reg)
        block = _unit_rows(width, size, offset)
        offset += width
        if reg.shape:
            bits = int(reg.bitsize)
            for k, idx in enumerate(np.ndindex(*reg.shape)):
                part = block[k * bits:(k + 1) * bits]
                rows[Soquet(LeftDangle, reg, idx)] = (part, part)
        else:
            rows[Soquet(LeftDangle, reg)] = (block, block)
    for binst, in_soqs, out_soqs in cbloq.iter_bloqsoqs():
        sub = binst.bloq
        gathered = [_gather_rows(in_soqs[reg.name], rows) for reg in sub.signature.lefts()]
        arr_d = np.vstack([g[0] for g in gathered]) if gathered else np.empty((0, size), np.int64)
        arr_t = np.vstack([g[1] for g in gathered]) if gathered else np.empty((0, size), np.int64)
        kind = bookkeeping_kind(sub) if leaf_rule(sub) is None else None
        if kind is Bookkeeping.RELABEL:  # a permutation of wires: pass the rows through
            out_d = np.vstack([arr_d, sink_d[None, :]])
            out_t = np.vstack([arr_t, sink_t[None, :]])
        elif kind is Bookkeeping.ALLOCATE:
            width = sum(register_width(r) for r in sub.signature.rights())
            out_d = np.vstack([np.tile(fresh, (width, 1)), sink_d[None, :]])
            out_t = np.vstack([np.tile(fresh, (width, 1)), sink_t[None, :]])
        elif kind is Bookkeeping.FREE:  # released wires end where they arrive: only the sink sees them
            out_d = (arr_d.max(axis=0) if len(arr_d) else sink_d)[None, :]
            out_t = (arr_t.max(axis=0) if len(arr_t) else sink_t)[None, :]
        else:
            profile = depth_profile(sub)
            out_d = _apply(profile.depth, arr_d, fresh)
            out_t = _apply(profile.t_depth, arr_t, fresh)
        sink_d = np.maximum(sink_d, out_d[-1])
        sink_t = np.maximum(sink_t, out_t[-1])
        start = 0
        for reg, soqs in zip(sub.signature.rights(), out_soqs):
            width = register_width(reg)
            _scatter_rows(soqs, out_d[start:start + width], out_t[start:start + width],
                          int(reg.bitsize), rows)
            start += width
    final = cbloq.final_soqs()
    columns_d, columns_t = [], []
    for reg in cbloq.signature.rights():
        block_d, block_t = _gather_rows(final[reg.name], rows)
        columns_d.append(block_d)
        columns_t.append(block_t)
    out_d = np.vstack(columns_d) if columns_d else np.empty((0, size), np.int64)
    out_t = np.vstack(columns_t) if columns_t else np.empty((0, size), np.int64)
    if len(out_d):
        sink_d = np.maximum(sink_d, out_d.max(axis=0))
        sink_t = np.maximum(sink_t, out_t.max(axis=0))
    matrix_d = np.vstack([out_d, sink_d[None, :]]).T.copy()
    matrix_t = np.vstack([out_t, sink_t[None, :]]).T.copy()
    return matrix_d, matrix_t


def _gather_rows(soqs, rows):
    if isinstance(soqs, Soquet):
        return rows.pop(soqs)
    parts = [rows.pop(soq) for soq in np.asarray(soqs).reshape(-1)]
    return np.vstack([p[0] for p in parts]), np.vstack([p[1] for p in parts])


def _scatter_rows(soqs, block_d, block_t, bitsize: int, rows) -> None:
    if isinstance(soqs, Soquet):
        rows[soqs] = (block_d, block_t)
        return
    for k, soq in enumerate(np.asarray(soqs).reshape(-1)):
        rows[soq] = (block_d[k * bitsize:(k + 1) * bitsize], block_t[k * bitsize:(k + 1) * bitsize])


# --- cost keys --------------------------------------------------------------------------------

class _IntegerCostKey(CostKey[int]):
    """Shared by the depth keys: integer values (or sympy expressions), zero for no gates."""

    def zero(self) -> int:
        return 0

    def validate_val(self, val):
        if not isinstance(val, (int, np.integer)) and not hasattr(val, "free_symbols"):
            raise TypeError(f"{self} values should be integers, got {val!r}")


@attrs.frozen
class DepthCost(_IntegerCostKey):
    """Circuit depth of the lowered bloq under ASAP scheduling (see the module docstring)."""

    def compute(self, bloq: Bloq, get_callee_cost: Callable[[Bloq], int]) -> int:
        return depth_profile(bloq).total_depth

    def __str__(self):
        return "depth"


@attrs.frozen
class TDepthCost(_IntegerCostKey):
    """T-depth of the lowered bloq: most T gates on any path (see the module docstring)."""

    def compute(self, bloq: Bloq, get_callee_cost: Callable[[Bloq], int]) -> int:
        return depth_profile(bloq).total_t_depth

    def __str__(self):
        return "t-depth"


# --- depth around held sub-bloqs ---------------------------------------------------------------

@dataclass(frozen=True)
class HeldDepthPlan:
    """The as-soon-as-possible depth of a composite as an exact function of the depths of some
    of its sub-bloqs (the *held* ones, each a barrier: every output waits for its last input and
    then the whole held depth), so that a bloq whose held parts grow with a size (a data loader of
    N words) is analysed once and evaluated at any size.

    Sources are the start (every input and every fresh wire, time 0) and the end of each held
    sub-bloq, in order. ``starts[h][s]`` is the longest path from source ``s`` to the start of
    held sub-bloq ``h`` (``NO_PATH`` if none); ``sink[s]`` to the end of the last gate. Two sets:
    ``depth`` (every gate one layer) and ``t_depth`` (T gates only).
    """

    depth_starts: tuple[tuple[int, ...], ...]
    depth_sink: tuple[int, ...]
    t_depth_starts: tuple[tuple[int, ...], ...]
    t_depth_sink: tuple[int, ...]

    @staticmethod
    def _evaluate(starts, sink, durations) -> int:
        times = [0]
        for offsets, duration in zip(starts, durations):
            begin = max(t + o for t, o in zip(times, offsets) if o > NO_PATH)
            times.append(begin + int(duration))
        return max(0, max(t + o for t, o in zip(times, sink) if o > NO_PATH))

    def evaluate(self, depths, t_depths) -> tuple[int, int]:
        """(depth, T-depth) given each held sub-bloq's (in order)."""
        return (self._evaluate(self.depth_starts, self.depth_sink, depths),
                self._evaluate(self.t_depth_starts, self.t_depth_sink, t_depths))


def held_depth_plan(cbloq, held: Callable[[Bloq], bool]) -> HeldDepthPlan:
    """:class:`HeldDepthPlan` of ``cbloq`` with the sub-bloqs for which ``held`` is true held.

    The same schedule as :func:`depth_profile` (held sub-bloqs are barriers there too, when they
    give their depth in closed form), with one source column per held sub-bloq instead of one
    per input wire."""
    held_count = sum(1 for binst in cbloq.bloq_instances if held(binst.bloq))
    size = 1 + held_count
    start = np.full(size, NO_PATH, dtype=np.int64)
    start[0] = 0
    sink_d = np.full(size, NO_PATH, dtype=np.int64)
    sink_t = sink_d.copy()
    rows: dict = {}
    for reg in cbloq.signature.lefts():
        width = register_width(reg)
        block = np.tile(start, (width, 1))
        if reg.shape:
            bits = int(reg.bitsize)
            for k, idx in enumerate(np.ndindex(*reg.shape)):
                part = block[k * bits:(k + 1) * bits]
                rows[Soquet(LeftDangle, reg, idx)] = (part, part)
        else:
            rows[Soquet(LeftDangle, reg)] = (block, block)
    starts_d, starts_t = [], []
    for binst, in_soqs, out_soqs in cbloq.iter_bloqsoqs():
        sub = binst.bloq
        gathered = [_gather_rows(in_soqs[reg.name], rows) for reg in sub.signature.lefts()]
        arr_d = np.vstack([g[0] for g in gathered]) if gathered else np.empty((0, size), np.int64)
        arr_t = np.vstack([g[1] for g in gathered]) if gathered else np.empty((0, size), np.int64)
        width = sum(register_width(r) for r in sub.signature.rights())
        kind = bookkeeping_kind(sub) if leaf_rule(sub) is None else None
        if held(sub):
            source = 1 + len(starts_d)
            starts_d.append(np.maximum(arr_d.max(axis=0), start) if len(arr_d) else start)
            starts_t.append(np.maximum(arr_t.max(axis=0), start) if len(arr_t) else start)
            ended = np.full(size, NO_PATH, dtype=np.int64)
            ended[source] = 0
            out_d = np.tile(ended, (width + 1, 1))
            out_t = out_d.copy()
        elif kind is Bookkeeping.RELABEL:
            out_d = np.vstack([arr_d, sink_d[None, :]])
            out_t = np.vstack([arr_t, sink_t[None, :]])
        elif kind is Bookkeeping.ALLOCATE:
            out_d = np.vstack([np.tile(start, (width, 1)), sink_d[None, :]])
            out_t = np.vstack([np.tile(start, (width, 1)), sink_t[None, :]])
        elif kind is Bookkeeping.FREE:
            out_d = (arr_d.max(axis=0) if len(arr_d) else sink_d)[None, :]
            out_t = (arr_t.max(axis=0) if len(arr_t) else sink_t)[None, :]
        else:
            out_d, out_t = through(sub, arr_d, arr_t, start)
        sink_d = np.maximum(sink_d, out_d[-1])
        sink_t = np.maximum(sink_t, out_t[-1])
        begin = 0
        for reg, soqs in zip(sub.signature.rights(), out_soqs):
            reg_width = register_width(reg)
            _scatter_rows(soqs, out_d[begin:begin + reg_width], out_t[begin:begin + reg_width],
                          int(reg.bitsize), rows)
            begin += reg_width
    final = cbloq.final_soqs()
    for reg in cbloq.signature.rights():
        block_d, block_t = _gather_rows(final[reg.name], rows)
        if len(block_d):
            sink_d = np.maximum(sink_d, block_d.max(axis=0))
            sink_t = np.maximum(sink_t, block_t.max(axis=0))

    def as_tuples(vectors):
        return tuple(tuple(int(v) for v in vector) for vector in vectors)

    return HeldDepthPlan(as_tuples(starts_d), tuple(int(v) for v in sink_d),
                         as_tuples(starts_t), tuple(int(v) for v in sink_t))
