"""Bit-sliced classical simulation of a reversible bloq on many basis inputs at once.

Every wire holds one bit per basis input, packed 64 to a ``uint64`` word. The flattened bloq is
lowered once (:func:`word_program`) into arrays of word operations, which a compiled loop runs
on blocks of inputs (:mod:`qresource.machinery.word_program`); blocks run alone, on local worker
processes or on a Dask cluster (:mod:`qresource.machinery.parallel`) with the same result.

The simulation runs at the level of the lowering table's classical leaves (X, CNOT, Toffoli,
CSWAP, temporary AND, SWAP, multi-target CNOT, controlled XOR of a constant; diagonal gates such as Z, S, T, CZ and Z
rotations only add phases and leave basis states alone). Inside the lowered temporary AND the
H and T gates are not classical, so the AND is simulated by its action: compute sets the fresh
target to the AND of the (possibly inverted) controls; the measurement-based uncomputation is,
on a basis state, "the target equals the AND of the controls, and afterwards it is 0" — a
target that is not that AND would leave a phase error behind, so it is reported. That each
lowering implements its leaf is checked separately, once, on the full unitary (tests).

Any temporary wire released in a state other than 0, on any input, raises ``QResourceError``.
"""

from __future__ import annotations

from typing import Mapping, Optional, Union

import numpy as np
from qualtran import Bloq, Side

from qresource.core.errors import QResourceError
from qresource.machinery.flatten import ALLOC, FREE, LeafProgram, leaf_program
from qresource.machinery.lowering import LeafRule, _regs, leaf_rule
from qresource.machinery.parallel import Task, check_execution, run_tasks
from qresource.machinery.word_program import INPUTS_PER_LANE, Op, RegisterSlots, WordProgram, run_block

#: Classical actions of leaves that only the simulator's table has (the circuit lowers them).
SIMULATOR_ONLY_ACTIONS = frozenset({"cswap_register", "packed"})


def classical_leaf_rule(bloq: Bloq):
    """The lowering table, plus bloqs simulated whole because their lowering is classical only
    up to phases: Qualtran's ``CSwapApprox`` (a relative-phase Fredkin per bit, 4 T each), and
    any bloq with a ``packed_action(words, mask)`` method: a permutation of basis states built
    from non-classical gates (a phase kicked back through H), which acts in place on the
    bit-sliced words of its wires in signature order."""
    from qualtran.bloqs.swap_network import CSwapApprox

    if isinstance(bloq, CSwapApprox):
        return LeafRule("cswap_approx", _regs(bloq), (), classical=("cswap_register",))
    if callable(getattr(bloq, "packed_action", None)):
        return LeafRule(str(bloq), _regs(bloq), (), classical=("packed", bloq))
    return leaf_rule(bloq)


def compile_program(prog: LeafProgram) -> WordProgram:
    """Lower a flattened bloq into word operations, once: wires become slots (a released wire's
    slot is reused, so memory follows the live width, not the total), SWAPs become relabellings,
    phases vanish and multi-target leaves expand into one operation per target."""
    code: list[int] = []
    a: list[int] = []
    b: list[int] = []
    c: list[int] = []

    def emit(op: int, x: int, y: int = 0, z: int = 0) -> None:
        code.append(op)
        a.append(x)
        b.append(y)
        c.append(z)

    slot_of: dict[int, int] = {}

    def register_slots(entry, wires) -> RegisterSlots:
        return RegisterSlots(entry.name, entry.bitsize, tuple(entry.shape), entry.signed,
                             np.array([slot_of[w] for w in wires], dtype=np.int32))

    free: list[int] = []
    n_slots = 0
    inputs = []
    for entry in prog.registers:
        if entry.side & Side.LEFT:
            for wire in entry.inputs:
                slot_of[wire] = n_slots
                n_slots += 1
            inputs.append(entry)
    # Taken before the program runs: a freed or swapped input wire moves or leaves ``slot_of``.
    input_slots = tuple(register_slots(entry, entry.inputs) for entry in inputs)
    leaves = 0
    packed: list = []
    for op in prog.ops:
        rule = op[0]
        if rule is ALLOC:
            if free:
                slot_of[op[1]] = free.pop()
            else:
                slot_of[op[1]] = n_slots
                n_slots += 1
            continue
        if rule is FREE:
            slot = slot_of.pop(op[1])
            emit(Op.CHECK_ZERO, slot)
            free.append(slot)
            continue
        leaves += 1
        action = rule.classical
        if action is None:
            raise QResourceError(f"the leaf {rule.name} is not a classical reversible gate")
        kind, wires = action[0], op[1]
        slots = [slot_of[w] for w in wires]
        if kind == "phase":
            continue
        if kind == "x":
            emit(Op.X, slots[action[1]])
        elif kind == "cx":
            emit(Op.CX, slots[action[1]], slots[action[2]])
        elif kind == "ccx":
            emit(Op.CCX, *(slots[action[k]] for k in (1, 2, 3)))
        elif kind == "cswap":
            emit(Op.CSWAP, *(slots[action[k]] for k in (1, 2, 3)))
        elif kind == "swap":
            x, y = wires[action[1]], wires[action[2]]
            slot_of[x], slot_of[y] = slot_of[y], slot_of[x]
        elif kind == "cswap_register":
            width = (len(slots) - 1) // 2
            for x, y in zip(slots[1:1 + width], slots[1 + width:]):
                emit(Op.CSWAP, slots[0], x, y)
        elif kind == "fanout":
            for target in slots[1:]:
                emit(Op.CX, slots[0], target)
        elif kind == "packed":
            emit(Op.PACKED, len(packed))
            packed.append((action[1], tuple(slots)))
        elif kind == "fanout_to":
            for position in action[1:]:
                emit(Op.CX, slots[0], slots[position])
        elif kind in ("and_compute", "and_uncompute"):
            base = Op.AND if kind == "and_compute" else Op.AND_DAG
            inverted = 2 * (1 - int(action[1])) + (1 - int(action[2]))
            emit(base + inverted, slots[0], slots[1], slots[2])
        else:  # pragma: no cover - every classical tag of the lowering table is handled above
            raise AssertionError(kind)

    return WordProgram(
        code=np.array(code, dtype=np.int8),
        a=np.array(a, dtype=np.int32), b=np.array(b, dtype=np.int32), c=np.array(c, dtype=np.int32),
        n_slots=n_slots,
        inputs=input_slots,
        outputs=tuple(register_slots(e, e.outputs) for e in prog.registers if e.side & Side.RIGHT),
        leaves=leaves,
        packed=tuple(packed),
    )


def word_program(bloq: Bloq) -> WordProgram:
    """``bloq`` flattened to classical leaves and lowered to word operations."""
    return compile_program(leaf_program(bloq, rules=classical_leaf_rule))


def input_blocks(count: int, blocks: int) -> list[tuple[int, int]]:
    """``[start, stop)`` ranges covering ``count`` inputs in at most ``blocks`` near-equal parts,
    each (but the last) a whole number of the compiled loop's lanes."""
    lanes = -(-count // INPUTS_PER_LANE)
    per_block = -(-lanes // max(1, blocks)) * INPUTS_PER_LANE
    return [(start, min(start + per_block, count)) for start in range(0, count, per_block)]


#: Inputs per block when nothing else decides: 2^16 keeps a block's state near a few MB per
#: thousand live wires.
DEFAULT_BLOCK_INPUTS = 1 << 16


def simulate(bloq: Optional[Bloq], inputs: Mapping[str, np.ndarray], *,
             program: Union[LeafProgram, WordProgram, None] = None, workers: int = 1,
             scheduler: Optional[str] = None, progress=None,
             block_inputs: Optional[int] = None) -> dict[str, np.ndarray]:
    """Run ``bloq`` on every basis input at once.

    ``inputs`` maps each input register's name to an integer array with one entry per basis
    input (shape ``(count,) + register.shape`` for a register of shape ``register.shape``):
    unsigned for ``QUInt``/``BQUInt``/``QAny``/``QBit``, two's complement for ``QInt`` and
    signed ``QFxp`` (whose values are the raw integers, value x 2^num_frac).
    Returns the output registers' values in the same form. Raises ``QResourceError`` if any
    temporary qubit is left other than |0> or a leaf is not classical.

    ``program`` reuses a lowering (:func:`word_program`); ``workers``/``scheduler``/``progress``
    run blocks of ``block_inputs`` inputs through :func:`qresource.machinery.parallel.run_tasks`
    (default: one block per worker when that is at most 2^16 inputs).
    """
    arrays = {name: np.asarray(values) for name, values in inputs.items()}
    counts = {len(a) for a in arrays.values()}
    if len(counts) > 1:
        raise QResourceError("every input register needs the same number of values")
    count = counts.pop() if counts else 1
    if count < 1:
        raise QResourceError("no basis inputs given")
    check_execution(workers, scheduler)
    if program is None:
        program = word_program(bloq)
    elif isinstance(program, LeafProgram):
        program = compile_program(program)
    parallel = workers if scheduler is None else 8  # a cluster's size is unknown here: a few blocks
    if block_inputs is None:
        block_inputs = min(DEFAULT_BLOCK_INPUTS, -(-count // parallel))
    ranges = input_blocks(count, -(-count // max(1, int(block_inputs))))
    tasks = [Task(f"inputs {start}..{stop - 1}", run_block,
                  (program, {name: values[start:stop] for name, values in arrays.items()}, start))
             for start, stop in ranges]
    parts = run_tasks(tasks, workers=workers, scheduler=scheduler, progress=progress)
    if len(parts) == 1:
        return parts[0]
    return {name: np.concatenate([part[name] for part in parts]) for name in parts[0]}


def all_basis_inputs(bloq: Bloq) -> dict[str, np.ndarray]:
    """Every combination of values of the bloq's input registers (a product grid)."""
    regs = [r for r in bloq.signature.lefts()]
    widths = [int(r.bitsize) * int(np.prod(r.shape)) if r.shape else int(r.bitsize) for r in regs]
    total = sum(widths)
    if total > 24:
        raise QResourceError(f"{total} input bits: too many for an exhaustive check")
    grid = np.arange(1 << total, dtype=np.int64)
    out, shift = {}, 0
    for reg, width in zip(regs, widths):
        values = (grid >> shift) & ((1 << width) - 1)
        if reg.shape:
            bits = int(reg.bitsize)
            parts = [(values >> (bits * k)) & ((1 << bits) - 1) for k in range(int(np.prod(reg.shape)))]
            values = np.stack(parts, axis=1).reshape((len(grid),) + tuple(int(s) for s in reg.shape))
        out[reg.name] = values
        shift += width
    return out
