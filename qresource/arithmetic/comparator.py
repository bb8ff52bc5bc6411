"""``target ^= [x >= c]`` for an unsigned register x and a classical constant c.

Construction: x >= c exactly when x + (2^w - c) carries out of w bits. The carries of an addition
of a classical constant k = 2^w - c follow c_{i+1} = x_i AND c_i where k_i = 0 and
c_{i+1} = x_i OR c_i = NOT(NOT x_i AND NOT c_i) where k_i = 1 (Cuccaro et al. 2004 and Gidney 2018
for the carry recurrence; the constant turns each majority into one AND). Below the lowest set bit
z of k no carry can arise, and at bit z the carry is x_z itself, so the carry chain needs
w - 1 - z temporary ANDs (z = trailing zeros of c, since k = -c mod 2^w). The last carry is copied
into ``target`` and the chain is uncomputed by measurement (0 T).

Toffoli-class cost: ``w - 1 - tz(c)`` ANDs for 1 <= c <= 2^w - 1, and 0 when c <= 0 (always true:
one X) or c >= 2^w (never true: identity). Qualtran's ``LessThanConstant(w, c)`` plus an X costs w
ANDs for every c < 2^w (docs/oracle.md compares the two).

Symbolic sizes. With k = 2^w - c the bits of k above z are the complement of those of c - 1, so
among the w - 1 - z carries, pop(c) - 1 take an AND with plain controls (k_i = 0) and
w - pop(c) - tz(c) take an AND with both controls inverted and an X on its output (k_i = 1). The
call graph of a comparator whose width or constant is a sympy symbol is that count, written with
:class:`Popcount` and :class:`TrailingZeros` of the constant (which evaluate once the constant is
a number), for 1 <= c <= 2^w - 1 and w >= 2.
"""

from __future__ import annotations

from functools import cached_property
from typing import Optional

import numpy as np
import sympy
from attrs import frozen
from qualtran import Bloq, BloqBuilder, BloqDocSpec, DecomposeTypeError, QBit, QUInt, Signature, SoquetT
from qualtran.bloqs.basic_gates import CNOT, XGate
from qualtran.bloqs.mcmt import And
from qualtran.symbolics import SymbolicInt, is_symbolic

from qresource.arithmetic.gate_ops import adjoint_ops, apply_ops, ops_steps, tally_ops
from qresource.machinery.depth import NO_PATH, Wiring
from qresource.machinery.examples import bloq_example_of


class Popcount(sympy.Function):
    """The number of 1-bits of a non-negative integer; evaluates on integers."""

    is_integer = True
    is_nonnegative = True

    @classmethod
    def eval(cls, value):
        if value.is_Integer:
            return sympy.Integer(int(value).bit_count())
        return None


class TrailingZeros(sympy.Function):
    """The number of trailing 0-bits of a positive integer; evaluates on integers."""

    is_integer = True
    is_nonnegative = True

    @classmethod
    def eval(cls, value):
        if value.is_Integer:
            value = int(value)
            if value < 1:
                raise ValueError(f"TrailingZeros needs a positive integer, got {value}")
            return sympy.Integer((value & -value).bit_length() - 1)
        return None


def comparator_and_count(bitsize: int, value: Optional[int]) -> int:
    """ANDs of :class:`AtLeastConstant` (``value`` None: the worst case over constants, w - 1)."""
    if value is None:
        return bitsize - 1 if is_symbolic(bitsize) else max(bitsize - 1, 0)
    if is_symbolic(bitsize, value):
        return bitsize - 1 - TrailingZeros(value)
    if value <= 0 or value >= (1 << bitsize):
        return 0
    trailing_zeros = (value & -value).bit_length() - 1
    return bitsize - 1 - trailing_zeros


@frozen
class AtLeastConstant(Bloq):
    """``target ^= [x >= value]`` for unsigned ``x`` of ``bitsize`` bits.

    Args:
        bitsize: width w of ``x``.
        value: the classical constant (any integer; values outside [1, 2^w - 1] give a constant
            answer), or None for the worst case over constants, built as c = 2^w - 1 (every carry
            an AND) so that counts, depth and export of the data-free oracle stay defined.

    Registers:
        x: QUInt(w), unchanged. target: one qubit, XORed with the comparison.

    Costs: ``comparator_and_count(w, value)`` temporary ANDs, as many measurement-based
    uncomputations, no other non-Clifford gate. Self-inverse.
    """

    bitsize: SymbolicInt
    value: Optional[SymbolicInt]

    def __attrs_post_init__(self):
        if is_symbolic(self.bitsize, self.value):
            return  # w >= 2 and 1 <= value <= 2^w - 1 taken (the module docstring)
        if self.bitsize < 1:
            raise ValueError(f"comparator needs at least 1 bit, got {self.bitsize}")

    @cached_property
    def signature(self) -> Signature:
        return Signature.build_from_dtypes(x=QUInt(self.bitsize), target=QBit())

    @cached_property
    def ops(self) -> list[tuple]:
        """The gate list on qubits ("x", i) (i = 0 least significant), "target", ("carry", i)."""
        w = self.bitsize
        c = (1 << w) - 1 if self.value is None else self.value
        if c <= 0:
            return [("x", "target")]
        if c >= (1 << w):
            return []
        k = (1 << w) - c
        z = (k & -k).bit_length() - 1
        compute: list[tuple] = []
        carry = ("x", z)  # the carry out of bit z is x_z itself
        for i in range(z + 1, w):
            out = ("carry", i + 1)
            if (k >> i) & 1:
                compute.append(("and", ("x", i), carry, out, 0, 0))
                compute.append(("x", out))
            else:
                compute.append(("and", ("x", i), carry, out, 1, 1))
            carry = out
        return compute + [("cnot", carry, "target")] + adjoint_ops(compute)

    def build_composite_bloq(self, bb: BloqBuilder, x: SoquetT, target: SoquetT) -> dict[str, SoquetT]:
        if is_symbolic(self.bitsize, self.value):
            raise DecomposeTypeError(f"cannot decompose {self} with symbolic sizes")
        return _apply_on_x_and_target(bb, self.bitsize, self.ops, x, target)

    def depth_wiring(self) -> Wiring:
        return x_and_target_wiring(self.bitsize, self.ops)

    def build_call_graph(self, ssa):
        if is_symbolic(self.bitsize, self.value):
            return self._symbolic_call_graph()
        return dict(tally_ops(self.ops))

    def _symbolic_call_graph(self) -> dict:
        """The module docstring's count: pop(c) - 1 plain ANDs, w - pop(c) - tz(c) inverted ANDs
        with an X on each output, each AND uncomputed by measurement, one CNOT."""
        w = self.bitsize
        if self.value is None:  # c = 2^w - 1: every carry a plain AND
            plain, inverted = w - 1, 0
        else:
            plain = Popcount(self.value) - 1
            inverted = w - Popcount(self.value) - TrailingZeros(self.value)
        return {And(): plain, And(uncompute=True): plain, And(0, 0): inverted,
                And(0, 0, uncompute=True): inverted, XGate(): 2 * inverted, CNOT(): 1}

    def on_classical_vals(self, x, target):
        if self.value is None:
            raise ValueError(f"{self} has no constant to compare with")
        return {"x": x, "target": int(target) ^ int(int(x) >= self.value)}

    def adjoint(self) -> "AtLeastConstant":
        return self

    def __str__(self) -> str:
        return f"AtLeast({self.bitsize}, {self.value if self.value is not None else 'c'})"


@frozen
class EqualsConstant(Bloq):
    """``target ^= [x == value]`` for unsigned ``x`` of ``bitsize`` bits: an AND ladder over the
    bits of x with control values taken from ``value`` (bitsize - 1 temporary ANDs), a CNOT of its
    last carry into ``target``, and the ladder's measurement-based uncomputation. Used by the
    oracle to exclude already-found indices. Self-inverse.

    (Qualtran's ``EqualsAConstant`` costs the same ANDs; its call graph counts two Cliffords more
    than its decomposition holds, which would break the counted == flattened check.)
    """

    bitsize: SymbolicInt
    value: SymbolicInt

    def __attrs_post_init__(self):
        if is_symbolic(self.bitsize, self.value):
            return  # w >= 2 and 0 <= value < 2^w taken
        if self.bitsize < 1 or not 0 <= self.value < (1 << self.bitsize):
            raise ValueError(f"need 0 <= value < 2^bitsize, got {self.value}, {self.bitsize}")

    @cached_property
    def signature(self) -> Signature:
        return Signature.build_from_dtypes(x=QUInt(self.bitsize), target=QBit())

    @cached_property
    def ops(self) -> list[tuple]:
        bit = [(self.value >> i) & 1 for i in range(self.bitsize)]
        if self.bitsize == 1:
            return [("cnot", ("x", 0), "target")] + ([("x", "target")] if bit[0] == 0 else [])
        compute = [("and", ("x", 0), ("x", 1), ("carry", 1), bit[0], bit[1])]
        for i in range(2, self.bitsize):
            compute.append(("and", ("carry", i - 1), ("x", i), ("carry", i), 1, bit[i]))
        last = ("carry", self.bitsize - 1)
        return compute + [("cnot", last, "target")] + adjoint_ops(compute)

    def build_composite_bloq(self, bb: BloqBuilder, x: SoquetT, target: SoquetT) -> dict[str, SoquetT]:
        if is_symbolic(self.bitsize, self.value):
            raise DecomposeTypeError(f"cannot decompose {self} with symbolic sizes")
        return _apply_on_x_and_target(bb, self.bitsize, self.ops, x, target)

    def depth_wiring(self) -> Wiring:
        """The decomposition's gate list as wires (depth without decomposing: the find-all
        schedule's oracles hold thousands of these tests)."""
        return x_and_target_wiring(self.bitsize, self.ops)

    def build_call_graph(self, ssa):
        if is_symbolic(self.bitsize, self.value):
            return self._symbolic_call_graph()
        return dict(tally_ops(self.ops))

    def _symbolic_call_graph(self) -> dict:
        """w - 1 ANDs and their measured uncomputations, one CNOT; the w - pop(value) 0-bits of
        the value are inverted controls. Every cost counted here is linear in the number of
        inverted controls, so the ANDs are listed with one inverted control per 0-bit (for
        value = 0, which has w of them on w - 1 ANDs, the first AND takes two)."""
        w, value = self.bitsize, self.value
        if value == 0:
            ands = {(0, 0): 1, (1, 0): w - 2}
        else:
            ands = {(1, 0): w - Popcount(value), (1, 1): Popcount(value) - 1}
        counts: dict = {CNOT(): 1}
        for (cv1, cv2), times in ands.items():
            counts[And(cv1, cv2)] = times
            counts[And(cv1, cv2, uncompute=True)] = times
        return counts

    def on_classical_vals(self, x, target):
        return {"x": x, "target": int(target) ^ int(int(x) == self.value)}

    def adjoint(self) -> "EqualsConstant":
        return self

    def __str__(self) -> str:
        return f"Equals({self.bitsize}, {self.value})"


#: Layers a compute AND adds to the carry path (the path from its first control to its output
#: carry): depth, T-depth, lattice-surgery depth of its Clifford+T lowering.
_AND_CARRY_LAYERS = (9, 1, 7)
#: Layers from an input bit to the end of the AND that reads it, when that AND is the last of
#: the ladder (also read off the lowering): depth, T-depth, lattice-surgery depth.
_AND_ENTRY_LAYERS = (8, 1, 6)


def equals_constant_profiles(bitsize: int, value: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The depth, T-depth and lattice-surgery profiles of ``EqualsConstant(bitsize, value)`` in
    closed form: the matrices :func:`qresource.machinery.depth.depth_profile` and
    :func:`qresource.machinery.lattice_surgery.lattice_surgery_profile` walk (rows: the bits of
    x in signature order, most significant first, then target, then fresh; columns: the same
    wires, then the sink), built in O(bitsize^2) without walking the ladder (the find-all
    schedule's index side asks for thousands of them at 30-bit indices).

    Every path from an input to an output crosses the CNOT into ``target`` (the compute ANDs
    form one chain into it, their measured uncomputations one chain out of it), so for
    bitsize >= 2 each profile is a max-plus outer sum, ``entry[i, j] = into[i] + out[j]``, with
    z_i = 1 when bit i of the value is 0 (an inverted control: one X layer in depth and in the
    lattice-surgery reading, none in T-depth), E and C the entry and carry layers of one AND
    (depth 8 and 9, T-depth 1 and 1, lattice surgery 6 and 7), w = bitsize:

    - ``into[bit i] = E + C (w - 1 - i) + z_i`` for i >= 1 (the ANDs from the one reading bit i
      on); ``into[bit 0] = E + C (w - 2) + 1 + z_0`` (one layer more: bit 0 enters the first AND
      as its first control); ``into[target] = 0``; ``into[fresh] = E + C (w - 2) + 3``
      (T-depth: ``into[bit 0] = E + C (w - 2)``, ``into[fresh] = that + 1``);
    - ``out[target] = 1`` (the CNOT); ``out[bit i] = 1 + sum over j = i..w-1 of (3 + z_j)`` for
      i >= 2 (each measured uncomputation: 3 layers, one more for its inverted control);
      ``out[bit 1] = out[bit 0] = out[sink] = out[bit 2] + 3 + max(z_0, z_1)`` (the first AND
      inverts both of its controls in one layer), with ``out[bit 2] = 1`` when w = 2; every
      ``out`` is 0 in T-depth (the uncomputation holds no T gate).

    At bitsize 1 the test is a CNOT into target and, for a 0-bit, an X on target: no fresh wire.
    Tests hold these equal to the walked profiles for every bitsize <= 8 and every constant."""
    if bitsize < 1 or not 0 <= value < (1 << bitsize):
        raise ValueError(f"need 0 <= value < 2^bitsize, got {value}, {bitsize}")
    zero = [1 - ((value >> i) & 1) for i in range(bitsize)]
    size = bitsize + 2
    if bitsize == 1:
        depth = np.full((size, size), NO_PATH, dtype=np.int64)
        depth[:2, 0] = 1
        depth[:2, 1:] = 1 + zero[0]
        t_depth = np.where(depth >= 0, 0, NO_PATH).astype(np.int64)
        return depth, t_depth, depth.copy()
    # wire w - 1 - i holds bit i (signature order); then target, then fresh (rows) / sink (columns)
    profiles = []
    for which in range(3):
        entry, carry = _AND_ENTRY_LAYERS[which], _AND_CARRY_LAYERS[which]
        x_layer = 0 if which == 1 else 1
        into = np.zeros(size, dtype=np.int64)
        out = np.zeros(size, dtype=np.int64)
        base = entry + carry * (bitsize - 2)
        for i in range(1, bitsize):
            into[bitsize - 1 - i] = entry + carry * (bitsize - 1 - i) + x_layer * zero[i]
        into[bitsize - 1] = base + x_layer * (1 + zero[0])
        into[bitsize + 1] = base + (3 if x_layer else 1)
        if x_layer:
            out[bitsize] = 1
            below = 1
            for i in range(bitsize - 1, 1, -1):
                below += 3 + zero[i]
                out[bitsize - 1 - i] = below
            last = below + 3 + max(zero[0], zero[1])
            out[bitsize - 2] = out[bitsize - 1] = out[bitsize + 1] = last
        profiles.append(into[:, None] + out[None, :])
    return profiles[0], profiles[1], profiles[2]


def x_and_target_wiring(bitsize: int, ops) -> Wiring:
    """The depth wiring of a gate list over ("x", i) (bit i) and "target", laid out as
    :func:`_apply_on_x_and_target` lays it out (Qualtran's big-endian order on the register)."""
    wires = tuple(("x", bitsize - 1 - r) for r in range(bitsize)) + ("target",)
    return Wiring(wires, ops_steps(ops), wires)


def _apply_on_x_and_target(bb: BloqBuilder, bitsize: int, ops, x: SoquetT, target: SoquetT) -> dict[str, SoquetT]:
    """Run a gate list over wires ("x", i) (bit i, little-endian) and "target"."""
    bits = bb.split(x)[::-1]  # Qualtran is big-endian; index i here is bit i
    wires = {("x", i): bits[i] for i in range(bitsize)}
    wires["target"] = target
    apply_ops(bb, wires, ops)
    out = [wires[("x", i)] for i in range(bitsize)]
    return {"x": bb.join(out[::-1], dtype=QUInt(bitsize)), "target": wires["target"]}


@bloq_example_of(AtLeastConstant)
def _at_least_constant() -> AtLeastConstant:
    at_least_constant = AtLeastConstant(bitsize=4, value=5)
    return at_least_constant


@bloq_example_of(AtLeastConstant)
def _at_least_constant_worst_case() -> AtLeastConstant:
    at_least_constant_worst_case = AtLeastConstant(bitsize=4, value=None)
    return at_least_constant_worst_case


@bloq_example_of(EqualsConstant)
def _equals_constant() -> EqualsConstant:
    equals_constant = EqualsConstant(bitsize=3, value=5)
    return equals_constant


@bloq_example_of(AtLeastConstant)
def _at_least_constant_symb() -> AtLeastConstant:
    """A w-bit comparison with a constant c: the counts in w, pop(c) and tz(c)."""
    bitsize, value = sympy.symbols("w c", positive=True, integer=True)
    at_least_constant_symb = AtLeastConstant(bitsize=bitsize, value=value)
    return at_least_constant_symb


_AT_LEAST_CONSTANT_DOC = BloqDocSpec(
    bloq_cls=AtLeastConstant, import_line="from qresource.arithmetic.comparator import AtLeastConstant",
    examples=[_at_least_constant, _at_least_constant_worst_case, _at_least_constant_symb])
_EQUALS_CONSTANT_DOC = BloqDocSpec(
    bloq_cls=EqualsConstant, import_line="from qresource.arithmetic.comparator import EqualsConstant",
    examples=[_equals_constant])
