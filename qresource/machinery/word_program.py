"""A reversible classical circuit as arrays of word operations, and the compiled loop that runs it.

:mod:`qresource.machinery.bitsliced` lowers a flattened bloq once into a :class:`WordProgram`:
every wire becomes a *slot*, every classical leaf one or a few entries of four parallel arrays
(operation code and up to three slots). A run holds one bit per basis input per slot, 64 inputs
to a ``uint64`` word, and :func:`_execute` (compiled by Numba) applies every operation to every
word with no Python-level work per gate; memory is ``slots x words x 8`` bytes.

This module imports neither Qualtran nor Qiskit, so a worker process or Dask worker that runs a
block of inputs starts fast and receives only arrays.

Operations (``a``, ``b``, ``c`` are slots; ``~`` on a control means "the control value is 0"):

- ``X a``: a = NOT a;  ``CX a b``: b ^= a;  ``CCX a b c``: c ^= a AND b;
- ``CSWAP a b c``: swap b and c where a is 1;
- ``AND a b c`` (four variants for inverted controls): c = a AND b, c must be 0 before;
- ``AND_DAG a b c`` (four variants): the measurement-based uncomputation of a temporary AND.
  Its X-basis measurement is random, and its correction (CZ on the controls, applied on outcome
  1) only adds a phase to a basis state, so the two outcomes leave the same basis state exactly
  when c equals the AND of the controls; then c returns to 0. A c that is not that AND would
  leave a phase error behind on one branch, so it is reported;
- ``CHECK_ZERO a``: a temporary wire is released; it must be 0 on every input;
- ``PACKED k``: the bloq ``packed[k]`` acts on the words of its slots through its own
  ``packed_action(words, mask)`` (a permutation built from non-classical gates); the compiled
  loop stops before it and resumes after it, so this is the one operation with Python work.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

import numba
import numpy as np

from qresource.core.errors import QResourceError

#: Words (of 64 inputs) handled together by the inner loop: 8 words fill one 512-bit vector.
LANE_WORDS = 8
INPUTS_PER_LANE = 64 * LANE_WORDS


class Op(enum.IntEnum):
    X = 0
    CX = 1
    CCX = 2
    CSWAP = 3
    AND = 4  # + 2 * (first control inverted) + (second control inverted)
    AND_DAG = 8  # same encoding
    CHECK_ZERO = 12
    PACKED = 13  # a = index into WordProgram.packed: a bloq's own packed_action, run from Python


_FAILURES = {
    Op.AND: "a temporary AND is computed into a qubit that is not |0>",
    Op.AND_DAG: "a measurement-based uncomputation finds a target that is not the AND of its controls",
    Op.CHECK_ZERO: "a temporary qubit is released in a state other than |0>",
}


@dataclass(frozen=True)
class RegisterSlots:
    """A top-level register: name, bit size, shape, two's complement or not, and its slots in
    Qualtran bit order (most significant first, elements in order)."""

    name: str
    bitsize: int
    shape: tuple[int, ...]
    signed: bool
    slots: np.ndarray

    @property
    def elements(self) -> int:
        return int(np.prod(self.shape)) if self.shape else 1


@dataclass(frozen=True)
class WordProgram:
    """A compiled reversible circuit: ``code[k]`` applied to slots ``a[k]``, ``b[k]``, ``c[k]``."""

    code: np.ndarray  # int8
    a: np.ndarray  # int32
    b: np.ndarray
    c: np.ndarray
    n_slots: int
    inputs: tuple[RegisterSlots, ...]
    outputs: tuple[RegisterSlots, ...]
    leaves: int  # leaves of the flattened bloq that the operations came from
    packed: tuple = ()  # (bloq, slots) of each PACKED operation

    @property
    def operations(self) -> int:
        return int(len(self.code))

    def state_bytes(self, count: int) -> int:
        """Bytes of simulator state for ``count`` basis inputs."""
        lanes = -(-max(count, 1) // INPUTS_PER_LANE)
        return lanes * INPUTS_PER_LANE // 8 * max(self.n_slots, 1)


@numba.njit(cache=True, nogil=True)
def _execute(code, a, b, c, state, start, stop):  # pragma: no cover - compiled
    """Run operations ``start`` to ``stop - 1`` on every lane; return (-1, 0, 0, 0) or the first
    failure as (operation index, lane, word in lane, bits of the failing inputs)."""
    lanes, _, width = state.shape
    ones = np.uint64(0xFFFFFFFFFFFFFFFF)
    zero = np.uint64(0)
    for lane in range(lanes):
        s = state[lane]
        for k in range(start, stop):
            op = code[k]
            x, y, z = a[k], b[k], c[k]
            if op == 1:
                for w in range(width):
                    s[y, w] ^= s[x, w]
            elif op == 2:
                for w in range(width):
                    s[z, w] ^= s[x, w] & s[y, w]
            elif op == 0:
                for w in range(width):
                    s[x, w] = ~s[x, w]
            elif op == 3:
                for w in range(width):
                    d = (s[y, w] ^ s[z, w]) & s[x, w]
                    s[y, w] ^= d
                    s[z, w] ^= d
            elif op < 8:
                fx = ones if op & 2 else zero
                fy = ones if op & 1 else zero
                for w in range(width):
                    if s[z, w] != zero:
                        return k, lane, w, s[z, w]
                    s[z, w] = (s[x, w] ^ fx) & (s[y, w] ^ fy)
            elif op < 12:
                fx = ones if op & 2 else zero
                fy = ones if op & 1 else zero
                for w in range(width):
                    wrong = s[z, w] ^ ((s[x, w] ^ fx) & (s[y, w] ^ fy))
                    if wrong != zero:
                        return k, lane, w, wrong
                    s[z, w] = zero
            else:
                for w in range(width):
                    if s[x, w] != zero:
                        return k, lane, w, s[x, w]
    return -1, 0, 0, zero


def _input_bits(values: np.ndarray, reg: RegisterSlots, count: int) -> list[np.ndarray]:
    """Per slot of ``reg`` (Qualtran bit order), a 0/1 uint8 vector over the inputs."""
    values = np.asarray(values)
    if values.shape != (count,) + tuple(reg.shape):
        raise QResourceError(f"expected input values of shape {(count,) + tuple(reg.shape)}, got {values.shape}")
    flat = values.reshape(count, -1)
    bitsize = reg.bitsize
    wide = bitsize > 62 or flat.dtype == object
    if wide or reg.signed:
        as_ints = [int(v) for v in flat.reshape(-1)]
        if reg.signed:
            half = 1 << (bitsize - 1)
            if any(not -half <= v < half for v in as_ints):
                raise QResourceError(f"an input value does not fit in {bitsize} signed bits")
            as_ints = [v % (1 << bitsize) for v in as_ints]
        elif any(v < 0 or v >> bitsize for v in as_ints):
            raise QResourceError(f"an input value does not fit in {bitsize} bits")
        if wide:
            out = []
            for element in range(flat.shape[1]):
                column = as_ints[element::flat.shape[1]]
                out.extend(np.array([(v >> bit) & 1 for v in column], dtype=np.uint8)
                           for bit in reversed(range(bitsize)))
            return out
        flat = np.array(as_ints, dtype=np.int64).reshape(flat.shape)
    flat = flat.astype(np.int64)
    if (flat < 0).any() or (flat >> bitsize).any():
        raise QResourceError(f"an input value does not fit in {bitsize} bits")
    return [((flat[:, element] >> bit) & 1).astype(np.uint8)
            for element in range(flat.shape[1]) for bit in reversed(range(bitsize))]


def _assemble(bit_vectors: list[np.ndarray], reg: RegisterSlots, count: int) -> np.ndarray:
    bitsize = reg.bitsize
    wide = bitsize > 62
    result = np.zeros((count, reg.elements), dtype=object if wide else np.int64)
    for element in range(reg.elements):
        for position, vector in enumerate(bit_vectors[element * bitsize:(element + 1) * bitsize]):
            weight = bitsize - 1 - position
            if wide:
                result[:, element] += vector.astype(np.int64).astype(object) * (1 << weight)
            else:
                result[:, element] |= vector.astype(np.int64) << weight
    if reg.signed:
        result = np.where(result >= (1 << (bitsize - 1)), result - (1 << bitsize), result)
    return result.reshape((count,) + tuple(reg.shape))


def run_block(program: WordProgram, inputs: dict[str, np.ndarray], first_input: int = 0) -> dict[str, np.ndarray]:
    """Run ``program`` on ``count`` basis inputs (``inputs``: one array per input register, first
    axis over the inputs); return the output registers' values in the same form.

    ``first_input`` only numbers the inputs in error messages (a block's offset in a larger run).
    Raises ``QResourceError`` naming the first input on which a temporary qubit is not clean.
    """
    names = {reg.name for reg in program.inputs}
    unknown = sorted(set(inputs) - names)
    if unknown:
        raise QResourceError(f"no input register named {unknown[0]!r}")
    missing = sorted(names - set(inputs))
    if missing:
        raise QResourceError(f"missing input values for register '{missing[0]}'")
    counts = {len(np.asarray(v)) for v in inputs.values()}
    if len(counts) > 1:
        raise QResourceError("every input register needs the same number of values")
    count = counts.pop() if counts else 1
    if count < 1:
        raise QResourceError("no basis inputs given")
    lanes = -(-count // INPUTS_PER_LANE)
    padded = lanes * INPUTS_PER_LANE
    state = np.zeros((lanes, max(program.n_slots, 1), LANE_WORDS), dtype=np.uint64)
    for reg in program.inputs:
        for slot, bits in zip(reg.slots, _input_bits(inputs[reg.name], reg, count)):
            # Padding inputs repeat the first one: they run a real input, so raise nothing new.
            full = np.full(padded, bits[0], dtype=np.uint8)
            full[:count] = bits
            state[:, slot, :] = np.packbits(full, bitorder="little").view(np.uint64).reshape(lanes, LANE_WORDS)
    stops = [int(k) for k in np.flatnonzero(program.code == Op.PACKED)] + [program.operations]
    start = 0
    for stop in stops:
        failed, lane, word, bits = _execute(program.code, program.a, program.b, program.c, state, start, stop)
        if failed >= 0:
            break
        if stop < program.operations:
            bloq, slots = program.packed[int(program.a[stop])]
            words = [state[:, slot, :].reshape(-1).copy() for slot in slots]
            # Padding inputs repeat a real one, so every word is a full word of inputs.
            bloq.packed_action(words, np.full(lanes * LANE_WORDS, np.uint64(0xFFFFFFFFFFFFFFFF)))
            for slot, word in zip(slots, words):
                state[:, slot, :] = np.asarray(word, dtype=np.uint64).reshape(lanes, LANE_WORDS)
        start = stop + 1
    if failed >= 0:
        bits = int(bits)
        first = (lane * LANE_WORDS + word) * 64 + (bits & -bits).bit_length() - 1
        code = int(program.code[failed])
        kind = Op.CHECK_ZERO if code >= Op.CHECK_ZERO else Op.AND_DAG if code >= Op.AND_DAG else Op.AND
        raise QResourceError(f"{_FAILURES[kind]} (operation {failed} of {program.operations}, "
                             f"input {first_input + min(first, count - 1)})")
    outputs = {}
    for reg in program.outputs:
        vectors = [np.unpackbits(np.ascontiguousarray(state[:, slot, :]).view(np.uint8),
                                 bitorder="little")[:count] for slot in reg.slots]
        outputs[reg.name] = _assemble(vectors, reg, count)
    return outputs
