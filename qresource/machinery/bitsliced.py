"""Bit-sliced classical simulation of a reversible bloq on many basis inputs at once.

Every wire holds one bit per basis input, packed 64 to a ``uint64`` word, so each leaf of the
flattened bloq is applied once, as a few numpy word operations, to all inputs together.

The simulation runs at the level of the lowering table's classical leaves (X, CNOT, Toffoli,
CSWAP, temporary AND, SWAP, multi-target CNOT; diagonal gates such as Z, S, T, CZ and Z
rotations only add phases and leave basis states alone). Inside the lowered temporary AND the
H and T gates are not classical, so the AND is simulated by its action: compute sets the fresh
target to the AND of the (possibly inverted) controls; the measurement-based uncomputation is,
on a basis state, "the target equals the AND of the controls, and afterwards it is 0" — a
target that is not that AND would leave a phase error behind, so it is reported. That each
lowering implements its leaf is checked separately, once, on the full unitary (tests).

Any temporary wire released in a state other than 0, on any input, raises ``QResourceError``.
"""

from __future__ import annotations

from typing import Mapping

import numpy as np
from qualtran import Bloq, Side

from qresource.core.errors import QResourceError
from qresource.machinery.flatten import ALLOC, FREE, LeafProgram, leaf_program
from qresource.machinery.lowering import LeafRule, _regs, leaf_rule


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


def _pack(bits: np.ndarray, words: int) -> np.ndarray:
    """Bool vector (one entry per input) -> uint64 words, input k at bit k % 64 of word k // 64."""
    packed = np.packbits(bits.astype(np.uint8), bitorder="little")
    padded = np.zeros(words * 8, dtype=np.uint8)
    padded[: len(packed)] = packed
    return padded.view(np.uint64).copy()


def _unpack(word_vector: np.ndarray, count: int) -> np.ndarray:
    return np.unpackbits(word_vector.view(np.uint8), bitorder="little")[:count].astype(bool)


def _input_bits(values: np.ndarray, bitsize: int, shape: tuple[int, ...], count: int,
                signed: bool = False):
    """Per Qualtran bit position (most significant first, elements in order), a bool vector."""
    values = np.asarray(values)
    if values.shape != (count,) + tuple(shape):
        raise QResourceError(
            f"expected input values of shape {(count,) + tuple(shape)}, got {values.shape}"
        )
    flat = values.reshape(count, -1)
    if signed:
        as_ints = [int(v) for v in flat.reshape(-1)]
        half = 1 << (bitsize - 1)
        if any(not -half <= v < half for v in as_ints):
            raise QResourceError(f"an input value does not fit in {bitsize} signed bits")
        flat = np.array([v % (1 << bitsize) for v in as_ints],
                        dtype=object if bitsize > 62 else np.int64).reshape(flat.shape)
    out = []
    for element in range(flat.shape[1]):
        column = flat[:, element]
        if column.dtype == object or bitsize > 62:
            as_ints = [int(v) for v in column]
            if any(v < 0 or v >> bitsize for v in as_ints):
                raise QResourceError(f"an input value does not fit in {bitsize} bits")
            for bit in reversed(range(bitsize)):
                out.append(np.array([(v >> bit) & 1 for v in as_ints], dtype=bool))
        else:
            column = column.astype(np.int64)
            if (column < 0).any() or (column >> bitsize).any():
                raise QResourceError(f"an input value does not fit in {bitsize} bits")
            for bit in reversed(range(bitsize)):
                out.append(((column >> bit) & 1).astype(bool))
    return out


def run_program(prog: LeafProgram, inputs: Mapping[str, np.ndarray], count: int) -> dict[str, np.ndarray]:
    words = max(1, (count + 63) // 64)
    mask = np.full(words, np.uint64(0xFFFFFFFFFFFFFFFF), dtype=np.uint64)
    if count % 64:
        mask[-1] = np.uint64((1 << (count % 64)) - 1)
    zero = np.zeros(words, dtype=np.uint64)
    state: dict[int, np.ndarray] = {}
    for entry in prog.registers:
        if not entry.side & Side.LEFT:
            continue
        if entry.name not in inputs:
            raise QResourceError(f"missing input values for register '{entry.name}'")
        bits = _input_bits(inputs[entry.name], entry.bitsize, entry.shape, count, entry.signed)
        for wire, vector in zip(entry.inputs, bits):
            state[wire] = _pack(vector, words)
    unknown = set(inputs) - {e.name for e in prog.registers if e.side & Side.LEFT}
    if unknown:
        raise QResourceError(f"no input register named {sorted(unknown)[0]!r}")

    for op in prog.ops:
        rule = op[0]
        if rule is ALLOC:
            state[op[1]] = zero.copy()
            continue
        if rule is FREE:
            value = state.pop(op[1])
            if (value & mask).any():
                raise QResourceError("a temporary qubit is released in a state other than |0>")
            continue
        _apply_leaf(rule, op[1], state, mask)

    outputs: dict[str, np.ndarray] = {}
    for entry in prog.registers:
        if not entry.side & Side.RIGHT:
            continue
        bit_vectors = [_unpack(state[w], count) for w in entry.outputs]
        values = _assemble(bit_vectors, entry.bitsize, entry.shape, count)
        if entry.signed:
            values = np.where(values >= (1 << (entry.bitsize - 1)), values - (1 << entry.bitsize), values)
        outputs[entry.name] = values
    return outputs


def _assemble(bit_vectors, bitsize: int, shape: tuple[int, ...], count: int) -> np.ndarray:
    elements = int(np.prod(shape)) if shape else 1
    wide = bitsize > 62
    result = np.zeros((count, elements), dtype=object if wide else np.int64)
    for element in range(elements):
        chunk = bit_vectors[element * bitsize:(element + 1) * bitsize]
        for position, vector in enumerate(chunk):
            weight = bitsize - 1 - position
            if wide:
                result[:, element] += vector.astype(np.int64).astype(object) * (1 << weight)
            else:
                result[:, element] |= vector.astype(np.int64) << weight
    return result.reshape((count,) + tuple(shape))


def _apply_leaf(rule: LeafRule, wires, state, mask) -> None:
    action = rule.classical
    if action is None:
        raise QResourceError(f"the leaf {rule.name} is not a classical reversible gate")
    kind = action[0]
    if kind == "phase":
        return
    if kind == "x":
        w = wires[action[1]]
        state[w] = ~state[w] & mask
    elif kind == "cx":
        state[wires[action[2]]] = state[wires[action[2]]] ^ state[wires[action[1]]]
    elif kind == "ccx":
        a, b, t = (wires[action[k]] for k in (1, 2, 3))
        state[t] = state[t] ^ (state[a] & state[b])
    elif kind == "cswap":
        c, x, y = (wires[action[k]] for k in (1, 2, 3))
        diff = (state[x] ^ state[y]) & state[c]
        state[x] = state[x] ^ diff
        state[y] = state[y] ^ diff
    elif kind == "swap":
        x, y = wires[action[1]], wires[action[2]]
        state[x], state[y] = state[y], state[x]
    elif kind == "cswap_register":
        width = (len(wires) - 1) // 2
        control = state[wires[0]]
        for x, y in zip(wires[1:1 + width], wires[1 + width:]):
            diff = (state[x] ^ state[y]) & control
            state[x] = state[x] ^ diff
            state[y] = state[y] ^ diff
    elif kind == "packed":
        words = [state[w] for w in wires]
        action[1].packed_action(words, mask)
        for w, word in zip(wires, words):
            state[w] = word
    elif kind == "fanout":
        control = state[wires[0]]
        for w in wires[1:]:
            state[w] = state[w] ^ control
    elif kind in ("and_compute", "and_uncompute"):
        cv1, cv2 = action[1], action[2]
        a = state[wires[0]] if cv1 else ~state[wires[0]] & mask
        b = state[wires[1]] if cv2 else ~state[wires[1]] & mask
        target = wires[2]
        if kind == "and_compute":
            if (state[target] & mask).any():  # pragma: no cover - the flattener allocates it
                raise QResourceError("a temporary AND is computed into a qubit that is not |0>")
            state[target] = a & b
        else:
            if ((state[target] ^ (a & b)) & mask).any():
                raise QResourceError(
                    "a measurement-based uncomputation finds a target that is not the AND of "
                    "its controls"
                )
            state[target] = np.zeros_like(state[target])
    else:  # pragma: no cover - every classical tag of the lowering table is handled above
        raise AssertionError(kind)


def simulate(bloq: Bloq, inputs: Mapping[str, np.ndarray], *,
             program: LeafProgram | None = None) -> dict[str, np.ndarray]:
    """Run ``bloq`` on every basis input at once.

    ``inputs`` maps each input register's name to an integer array with one entry per basis
    input (shape ``(count,) + register.shape`` for a register of shape ``register.shape``):
    unsigned for ``QUInt``/``BQUInt``/``QAny``/``QBit``, two's complement for ``QInt`` and
    signed ``QFxp`` (whose values are the raw integers, value x 2^num_frac).
    Returns the output registers' values in the same form. Raises ``QResourceError`` if any
    temporary qubit is left other than |0> or a leaf is not classical.
    """
    arrays = {name: np.asarray(values) for name, values in inputs.items()}
    counts = {len(a) for a in arrays.values()}
    if len(counts) > 1:
        raise QResourceError("every input register needs the same number of values")
    count = counts.pop() if counts else 1
    if count < 1:
        raise QResourceError("no basis inputs given")
    prog = program if program is not None else leaf_program(bloq, rules=classical_leaf_rule)
    return run_program(prog, arrays, count)


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
