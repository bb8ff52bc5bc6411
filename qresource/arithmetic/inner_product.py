"""s = Q_i . K_j with Q_i classical: shift-and-add of the loaded row K_j into an accumulator.

Each classical coefficient q_t is recoded as signed digits, q_t = sum_l e_l 2^l with e_l in
{-1, 0, +1}: plain binary of |q_t| with the sign of q_t, or the non-adjacent form (NAF, also
called canonical signed digit; Reitwiesner 1960), which has the fewest non-zero digits of any
signed-digit form, about b/3 instead of b/2 on average. Every non-zero digit is one *term*: add
(K_jt << l) to the accumulator, or subtract it.

Signs without subtractors or sign extension. K_jt is b-bit two's complement. Its offset-binary
pattern K'_jt = K_jt + 2^(b-1) (the pattern with its top bit flipped) is unsigned in [0, 2^b), and
its bitwise complement ~K'_jt = 2^(b-1) - 1 - K_jt (the pattern with every bit but the top one
flipped) is too. So a +1 digit adds K'_jt << l = K_jt 2^l + 2^(b-1+l), and a -1 digit adds
~K'_jt << l = -K_jt 2^l + (2^(b-1) - 1) 2^l; both flips are X gates on the loaded row, undone
after the term. The accumulator therefore only ever adds unsigned numbers:

    acc = Q_i . K_j + C,   C = sum_{+ terms} 2^(b-1+l) + sum_{- terms} (2^(b-1) - 1) 2^l,

a classical constant that the comparator folds into its threshold. The partial sums grow
monotonically, bounded after term m by P_m = (2^b - 1) sum_{terms <= m} 2^(l), so the
accumulator needs exactly ``bitlen(P_total)`` bits and cannot overflow, and the m-th term only
touches accumulator bits [l, bitlen(P_m)): it is an addition of a b-bit number into a
(bitlen(P_m) - l)-bit window, costing bitlen(P_m) - l - 1 ANDs with the ripple-carry adder below,
or nothing (a CNOT copy) when the window is still all zero (P_{m-1} < 2^l). Terms run in
increasing shift order so that windows stay narrow.

:class:`RippleCarryAdd` is Gidney's adder ("Halving the cost of quantum addition",
Quantum 2, 74 (2018), Fig. 2-4): n-1 temporary ANDs for an n-bit target, uncomputed by
measurement, generalised to a narrower addend (the carries above the addend are an increment).
It matches Qualtran's ``Add(QUInt(a), QUInt(n))`` in ANDs and classical action; unlike that
bloq's call graph, its Clifford count is exact for unequal widths (tests hold both facts).
"""

from __future__ import annotations

from collections import Counter
from functools import cached_property
from typing import Optional, Sequence

import numpy as np
import sympy
from attrs import field, frozen
from qualtran import (
    Bloq,
    BloqBuilder,
    BloqDocSpec,
    DecomposeTypeError,
    QUInt,
    Register,
    Side,
    Signature,
    SoquetT,
)
from qualtran.symbolics import SymbolicInt, is_symbolic, smin

from qresource.arithmetic.fixed_point import (  # noqa: F401  (re-exported: the term schedule)
    RECODINGS,
    Term,
    accumulator_bits,
    accumulator_bits_for,
    partial_sum_bounds,
    score_offset,
    signed_digits,
    terms_for,
    worst_case_accumulator_bits,
    worst_case_terms,
)
from qresource.arithmetic.gate_ops import adjoint_ops, apply_ops, ops_steps
from qresource.machinery.depth import Wiring, numbered_wiring
from qresource.machinery.examples import bloq_example_of

# --------------------------------------------------------------------------------------------
# The adder


def ripple_add_cnots(a_bits: SymbolicInt, b_bits: SymbolicInt) -> SymbolicInt:
    """CNOTs of :class:`RippleCarryAdd` (derived in docs/oracle.md): 5r + n - 1 + top with
    n = b_bits, r = min(a_bits - 1, n - 2) middle positions that hold an addend bit, and
    top = 2 when the addend reaches the top bit (a_bits == n), else 1; a single CNOT for n = 1."""
    n = b_bits
    if is_symbolic(a_bits, b_bits):  # n >= 2 taken
        top = sympy.Piecewise((2, sympy.Eq(a_bits, n)), (1, True))
        return 5 * smin(a_bits - 1, n - 2) + n - 1 + top
    if n == 1:
        return 1
    r = min(a_bits - 1, n - 2)
    return 5 * r + n - 1 + (2 if a_bits == n else 1)


@frozen(cache_hash=True)
class RippleCarryAdd(Bloq):
    """``b += a`` modulo 2^b_bits (``b -= a`` for the adjoint), for unsigned a, b.

    Args:
        a_bits: width of the addend ``a`` (1 <= a_bits <= b_bits).
        b_bits: width of the target ``b``. Either may be a sympy symbol (b_bits >= 2 taken): the
            call graph is then the closed form.
        is_adjoint: subtract instead of add.

    Costs: b_bits - 1 temporary ANDs and as many measurement-based uncomputations
    (Gidney 2018), ``ripple_add_cnots`` CNOTs, nothing else.
    """

    a_bits: SymbolicInt
    b_bits: SymbolicInt
    is_adjoint: bool = False

    def __attrs_post_init__(self):
        if is_symbolic(self.a_bits, self.b_bits):
            return  # sympy sizes: 1 <= a_bits <= b_bits and b_bits >= 2 taken
        if not 1 <= self.a_bits <= self.b_bits:
            raise ValueError(f"need 1 <= a_bits <= b_bits, got {self.a_bits}, {self.b_bits}")

    @cached_property
    def signature(self) -> Signature:
        return Signature.build_from_dtypes(a=QUInt(self.a_bits), b=QUInt(self.b_bits))

    @cached_property
    def ops(self) -> list[tuple]:
        """Gate list on ("a", i), ("b", i) (i = 0 least significant) and carries ("c", i)."""
        k, n = self.a_bits, self.b_bits
        a, b, c = (lambda i: ("a", i)), (lambda i: ("b", i)), (lambda i: ("c", i))
        if n == 1:
            ops = [("cnot", a(0), b(0))]
            return ops
        compute = [("and", a(0), b(0), c(1), 1, 1)]
        for i in range(1, n - 1):
            if i < k:  # majority of (a_i, b_i, c_i) into c_{i+1}
                compute += [("cnot", c(i), a(i)), ("cnot", c(i), b(i)),
                            ("and", a(i), b(i), c(i + 1), 1, 1), ("cnot", c(i), c(i + 1))]
            else:  # no addend bit: the carry of an increment
                compute += [("and", c(i), b(i), c(i + 1), 1, 1)]
        top = ([("cnot", a(n - 1), b(n - 1))] if k == n else []) + [("cnot", c(n - 1), b(n - 1))]
        uncompute = []
        for i in range(n - 2, 0, -1):
            if i < k:
                uncompute += [("cnot", c(i), c(i + 1)), ("and_dag", a(i), b(i), c(i + 1), 1, 1),
                              ("cnot", c(i), a(i)), ("cnot", a(i), b(i))]
            else:
                uncompute += [("and_dag", c(i), b(i), c(i + 1), 1, 1), ("cnot", c(i), b(i))]
        uncompute += [("and_dag", a(0), b(0), c(1), 1, 1), ("cnot", a(0), b(0))]
        ops = compute + top + uncompute
        return adjoint_ops(ops) if self.is_adjoint else ops

    def build_composite_bloq(self, bb: BloqBuilder, a: SoquetT, b: SoquetT) -> dict[str, SoquetT]:
        if is_symbolic(self.a_bits, self.b_bits):
            raise DecomposeTypeError(f"cannot decompose {self} with symbolic sizes")
        a_wires, b_wires = bb.split(a)[::-1], bb.split(b)[::-1]
        wires = {("a", i): s for i, s in enumerate(a_wires)}
        wires.update({("b", i): s for i, s in enumerate(b_wires)})
        apply_ops(bb, wires, self.ops)
        return {
            "a": bb.join([wires[("a", i)] for i in reversed(range(self.a_bits))], dtype=QUInt(self.a_bits)),
            "b": bb.join([wires[("b", i)] for i in reversed(range(self.b_bits))], dtype=QUInt(self.b_bits)),
        }

    def depth_wiring(self) -> Wiring:
        """The gate list as wires, laid out as the decomposition (big-endian registers)."""
        wires = tuple(("a", self.a_bits - 1 - r) for r in range(self.a_bits)) + tuple(
            ("b", self.b_bits - 1 - r) for r in range(self.b_bits))
        return Wiring(wires, ops_steps(self.ops), wires)

    def build_call_graph(self, ssa):
        from qualtran.bloqs.basic_gates import CNOT
        from qualtran.bloqs.mcmt import And

        ands = self.b_bits - 1
        counts = {CNOT(): ripple_add_cnots(self.a_bits, self.b_bits)}
        if is_symbolic(ands) or ands:
            counts[And()] = ands
            counts[And(uncompute=True)] = ands
        return counts

    def on_classical_vals(self, a, b):
        sign = -1 if self.is_adjoint else 1
        return {"a": a, "b": (int(b) + sign * int(a)) % (1 << self.b_bits)}

    def adjoint(self) -> "RippleCarryAdd":
        return RippleCarryAdd(self.a_bits, self.b_bits, not self.is_adjoint)

    def __str__(self) -> str:
        return f"{'Sub' if self.is_adjoint else 'Add'}({self.a_bits}->{self.b_bits})"


# --------------------------------------------------------------------------------------------
# The term schedule (recoding and bounds live in fixed_point, which needs no Qualtran)


def _mask(bits: int, negative: bool) -> int:
    """Bits of K_jt to flip for a + digit (top bit: offset binary) or a - digit (all but top)."""
    half = 1 << (bits - 1)
    return (half - 1) if negative else half


def schedule(terms: Sequence[Term], bits: int) -> list[tuple[int, int, "ShiftAddTerm"]]:
    """(coordinate, shift, term bloq) in circuit order: a copy while the window is still empty
    (P_{m-1} < 2^shift), else an addition into bits [shift, bitlen(P_m)) of the accumulator."""
    steps = []
    previous = 0
    made: dict = {}  # one bloq per distinct term: memo keys then compare by identity
    for (t, shift, negative), bound in zip(terms, partial_sum_bounds(terms, bits)):
        copy = previous < (1 << shift)
        window = bits if copy else bound.bit_length() - shift
        key = (window, bool(negative), copy)
        term = made.get(key)
        if term is None:
            term = made[key] = ShiftAddTerm(bits, window, bool(negative), copy)
        steps.append((t, shift, term))
        previous = bound
    return steps


@frozen(cache_hash=True)  # a memo key met once per term of every inner product
class ShiftAddTerm(Bloq):
    """One term of the shift-and-add: acc_window += K'_jt (+ digit) or ~K'_jt (- digit).

    The flip of K_jt (its top bit, or every bit but the top) is applied, the b-bit result is added
    into the accumulator window with :class:`RippleCarryAdd` (or copied by b CNOTs when the window
    is known to be zero), and the flip is undone. Self-contained, so equal terms are one bloq for
    counting, depth and caching.

    Registers (bit arrays, index i = bit i, least significant first):
        k: b qubits of the loaded row (coordinate t); acc: ``window`` accumulator qubits.
    """

    bits: SymbolicInt
    window: SymbolicInt
    negative: bool
    copy: bool
    is_adjoint: bool = False

    @cached_property
    def signature(self) -> Signature:
        from qualtran import QBit

        return Signature([Register("k", QBit(), shape=(self.bits,)), Register("acc", QBit(), shape=(self.window,))])

    @cached_property
    def mask(self) -> int:
        return _mask(self.bits, self.negative)

    @cached_property
    def flip_count(self) -> SymbolicInt:
        """Bits of :attr:`mask` (b - 1 for a - digit, 1 for a + digit), without building it, so
        that ``bits`` and ``window`` may be sympy symbols (the call graph is then symbolic)."""
        return self.bits - 1 if self.negative else 1

    @cached_property
    def adder(self) -> Optional[RippleCarryAdd]:
        return None if self.copy else RippleCarryAdd(self.bits, self.window, self.is_adjoint)

    def build_composite_bloq(self, bb: BloqBuilder, k, acc):
        from qualtran.bloqs.basic_gates import CNOT, XGate

        if is_symbolic(self.bits, self.window):
            raise DecomposeTypeError(f"cannot decompose {self} with symbolic sizes")
        k, acc = list(k), list(acc)
        flips = [i for i in range(self.bits) if (self.mask >> i) & 1]
        for i in flips:
            k[i] = bb.add(XGate(), q=k[i])
        if self.copy:
            for i in range(self.bits):
                k[i], acc[i] = bb.add(CNOT(), ctrl=k[i], target=acc[i])
        else:
            a_out, b_out = bb.add(self.adder, a=bb.join(np.array(k[::-1]), dtype=QUInt(self.bits)),
                                  b=bb.join(np.array(acc[::-1]), dtype=QUInt(self.window)))
            k, acc = list(bb.split(a_out)[::-1]), list(bb.split(b_out)[::-1])
        for i in flips:
            k[i] = bb.add(XGate(), q=k[i])
        return {"k": np.array(k), "acc": np.array(acc)}

    def depth_wiring(self) -> Wiring:
        """The term as wires: ("k", i), ("acc", i) bit i of each array, as the decomposition."""
        from qualtran.bloqs.basic_gates import CNOT, XGate

        k = tuple(("k", i) for i in range(self.bits))
        acc = tuple(("acc", i) for i in range(self.window))
        flips = tuple((XGate(), (("k", i),), (("k", i),)) for i in range(self.bits) if (self.mask >> i) & 1)
        if self.copy:
            middle = tuple((CNOT(), (("k", i), ("acc", i)), (("k", i), ("acc", i))) for i in range(self.bits))
        else:
            adder_wires = k[::-1] + acc[::-1]
            middle = ((self.adder, adder_wires, adder_wires),)
        return Wiring(k + acc, flips + middle + flips, k + acc)

    def build_call_graph(self, ssa):
        from qualtran.bloqs.basic_gates import CNOT, XGate

        counts = {XGate(): 2 * self.flip_count}
        if self.copy:
            counts[CNOT()] = self.bits
        else:
            counts[self.adder] = 1
        return counts

    def on_classical_vals(self, k, acc):
        key = sum(int(bit) << i for i, bit in enumerate(k)) ^ self.mask
        value = sum(int(bit) << i for i, bit in enumerate(acc))
        if self.copy:
            value ^= key
        else:
            value = (value + (-key if self.is_adjoint else key)) % (1 << self.window)
        return {"k": np.asarray(k), "acc": np.array([(value >> i) & 1 for i in range(self.window)], dtype=np.uint8)}

    def adjoint(self) -> "ShiftAddTerm":
        return ShiftAddTerm(self.bits, self.window, self.negative, self.copy, not self.is_adjoint)

    def __str__(self) -> str:
        op = "copy" if self.copy else ("sub" if self.is_adjoint else "add")
        return f"Term({op} {'~' if self.negative else ''}K' {self.bits}->{self.window})"


# --------------------------------------------------------------------------------------------
# The bloq


@frozen(cache_hash=True)  # memo keys hold a thousand terms: hash them once
class ConstantInnerProduct(Bloq):
    """acc := Q_i . K_j + C for classical Q_i (given as its term schedule) and a loaded row K_j.

    Args:
        d: dimension; bits: width b of each two's-complement entry of K_j.
        terms: the additions (:func:`terms_for` of Q_i, or :func:`worst_case_terms`).
        is_adjoint: uncompute: the accumulator comes in holding Q_i . K_j + C and is released.

    Registers:
        keys: QUInt(d * b), coordinate t in bits [t b, (t+1) b) (``fixed_point.pack_row``); restored.
        acc: QUInt(accumulator_bits), RIGHT (allocated here; LEFT and released for the adjoint).

    Use :meth:`from_q` and :meth:`worst_case` to build one.
    """

    d: int
    bits: int
    terms: tuple[Term, ...] = field(converter=lambda ts: tuple(tuple(t) for t in ts))
    is_adjoint: bool = False

    @classmethod
    def from_q(cls, q: Sequence[int], bits: int, recoding: str = "naf") -> "ConstantInnerProduct":
        return cls(len(q), bits, terms_for(q, recoding))

    @classmethod
    def worst_case(cls, d: int, bits: int) -> "ConstantInnerProduct":
        return cls(d, bits, worst_case_terms(d, bits))

    @cached_property
    def acc_bits(self) -> int:
        return accumulator_bits(self.terms, self.bits)

    @cached_property
    def offset(self) -> int:
        return score_offset(self.terms, self.bits)

    @cached_property
    def steps(self) -> list[tuple]:
        return schedule(self.terms, self.bits)

    @cached_property
    def signature(self) -> Signature:
        side = Side.LEFT if self.is_adjoint else Side.RIGHT
        return Signature([Register("keys", QUInt(self.d * self.bits)), Register("acc", QUInt(self.acc_bits), side=side)])

    def build_composite_bloq(self, bb: BloqBuilder, keys: SoquetT, acc: Optional[SoquetT] = None):
        b, w = self.bits, self.acc_bits
        key_wires = list(bb.split(keys)[::-1])
        acc_wires = list(bb.split(acc if self.is_adjoint else bb.allocate(w, dtype=QUInt(w)))[::-1])
        steps = [(t, shift, term.adjoint()) for t, shift, term in reversed(self.steps)] if self.is_adjoint else self.steps
        for t, shift, term in steps:
            k_out, acc_out = bb.add(term, k=np.array(key_wires[t * b:(t + 1) * b]),
                                    acc=np.array(acc_wires[shift:shift + term.window]))
            key_wires[t * b:(t + 1) * b] = list(k_out)
            acc_wires[shift:shift + term.window] = list(acc_out)
        keys_out = bb.join(np.array(key_wires[::-1]), dtype=QUInt(self.d * b))
        acc_out = bb.join(np.array(acc_wires[::-1]), dtype=QUInt(w))
        if self.is_adjoint:
            bb.free(acc_out)
            return {"keys": keys_out}
        return {"keys": keys_out, "acc": acc_out}

    def depth_wiring(self) -> Wiring:
        """The decomposition's terms as wires (depth without decomposing a thousand terms):
        ("k", i) is bit i of the loaded row, ("acc", i) bit i of the accumulator."""
        b, w = self.bits, self.acc_bits
        keys = tuple(("k", self.d * b - 1 - r) for r in range(self.d * b))
        acc = tuple(("acc", w - 1 - r) for r in range(w))
        steps = [(t, shift, term.adjoint()) for t, shift, term in reversed(self.steps)] if self.is_adjoint else self.steps
        wired = tuple(
            (term, wires := tuple(("k", t * b + i) for i in range(b)) + tuple(("acc", shift + i) for i in range(term.window)), wires)
            for t, shift, term in steps)
        if self.is_adjoint:
            return Wiring(keys + acc, wired, keys)
        return Wiring(keys, wired, keys + acc)

    def _numbered(self):
        """Slots of :meth:`depth_wiring`'s wires by arithmetic: bit i of the loaded row is slot i,
        bit i of the accumulator slot d b + i. (slot count, input slots, output slots, the
        coordinate rows of key slots, the accumulator line, the steps in circuit order)."""
        b, w, width = self.bits, self.acc_bits, self.d * self.bits
        keys = np.arange(width - 1, -1, -1)
        acc = width + np.arange(w - 1, -1, -1)
        if self.is_adjoint:
            adjoints: dict = {}
            steps = [(t, shift, adjoints.get(term) or adjoints.setdefault(term, term.adjoint()))
                     for t, shift, term in reversed(self.steps)]
            inputs, outputs = np.concatenate([keys, acc]), keys
        else:
            steps, inputs, outputs = self.steps, keys, np.concatenate([keys, acc])
        return width + w, inputs, outputs, np.arange(width).reshape(self.d, b), width + np.arange(w), steps

    def numbered_wiring(self):
        """:meth:`depth_wiring` with its wires numbered by arithmetic (a thousand-term product is
        numbered in milliseconds rather than by naming every wire)."""
        slots, inputs, outputs, coordinate, line, steps = self._numbered()
        numbered = []
        for t, shift, term in steps:
            wires = np.concatenate((coordinate[t], line[shift:shift + term.window]))
            numbered.append((term, wires, wires))
        return numbered_wiring(slots, inputs, numbered, outputs)

    def numbered_groups(self) -> tuple:
        """:meth:`numbered_wiring`'s steps grouped, each group consecutive equal terms at one
        shift as (term, its steps' slots as rows): (slot count, input slots, output slots,
        groups); every step is in place."""
        slots, inputs, outputs, coordinate, line, steps = self._numbered()
        groups: list = []
        for t, shift, term in steps:
            if groups and groups[-1][1] == shift and groups[-1][0] == term:
                groups[-1][2].append(t)
            else:
                groups.append((term, shift, [t]))
        rows = [(term, np.concatenate((coordinate[ts], np.broadcast_to(line[shift:shift + term.window],
                                                                        (len(ts), term.window))), axis=1))
                for term, shift, ts in groups]
        return slots, inputs, outputs, rows

    def term_counts(self) -> Counter:
        """ShiftAddTerm -> how many (a handful of distinct terms, whatever d)."""
        counts: Counter = Counter()
        for _, _, term in self.steps:
            counts[term.adjoint() if self.is_adjoint else term] += 1
        return counts

    def build_call_graph(self, ssa):
        return dict(self.term_counts())

    @cached_property
    def peak_qubits(self) -> int:
        """keys + accumulator + the carries of the widest adder (all live at its peak)."""
        widest = max((term.window for _, _, term in self.steps if not term.copy), default=1)
        return self.d * self.bits + self.acc_bits + widest - 1

    def my_static_costs(self, cost_key):
        """Peak width in closed form: Qualtran's QubitCount would otherwise rebuild this
        decomposition (a thousand terms at d = 128); tests hold the two equal."""
        from qualtran.resource_counting import QubitCount

        if isinstance(cost_key, QubitCount):
            return self.peak_qubits
        return NotImplemented

    def value(self, keys: int) -> int:
        """acc for the loaded word ``keys`` (what the circuit computes, from the term list)."""
        b = self.bits
        total = 0
        for t, shift, negative in self.terms:
            pattern = (int(keys) >> (t * b)) & ((1 << b) - 1)
            total += (pattern ^ _mask(b, negative)) << shift
        return total

    def on_classical_vals(self, keys, acc=None):
        value = self.value(keys)
        if self.is_adjoint:
            if int(acc) != value:
                raise ValueError(f"uncomputing an accumulator that holds {acc}, not {value}")
            return {"keys": keys}
        return {"keys": keys, "acc": value}

    def adjoint(self) -> "ConstantInnerProduct":
        return ConstantInnerProduct(self.d, self.bits, self.terms, not self.is_adjoint)

    def __str__(self) -> str:
        return f"{'Un' if self.is_adjoint else ''}InnerProduct(d={self.d}, b={self.bits}, {len(self.terms)} terms)"


@bloq_example_of(RippleCarryAdd)
def _ripple_carry_add() -> RippleCarryAdd:
    ripple_carry_add = RippleCarryAdd(a_bits=3, b_bits=4)
    return ripple_carry_add


@bloq_example_of(ShiftAddTerm)
def _shift_add_term() -> ShiftAddTerm:
    """The third step of q = (1, -3) at 3 bits: subtract 4 K_1 (digit -1 at shift 2)."""
    shift_add_term = schedule(ConstantInnerProduct.from_q((1, -3), 3).terms, 3)[2][2]
    return shift_add_term


@bloq_example_of(ConstantInnerProduct)
def _constant_inner_product() -> ConstantInnerProduct:
    constant_inner_product = ConstantInnerProduct.from_q((1, -3), 3)
    return constant_inner_product


_RIPPLE_CARRY_ADD_DOC = BloqDocSpec(
    bloq_cls=RippleCarryAdd, import_line="from qresource.arithmetic.inner_product import RippleCarryAdd",
    examples=[_ripple_carry_add])
_SHIFT_ADD_TERM_DOC = BloqDocSpec(
    bloq_cls=ShiftAddTerm, import_line="from qresource.arithmetic.inner_product import ShiftAddTerm",
    examples=[_shift_add_term])
_CONSTANT_INNER_PRODUCT_DOC = BloqDocSpec(
    bloq_cls=ConstantInnerProduct, import_line="from qresource.arithmetic.inner_product import ConstantInnerProduct",
    examples=[_constant_inner_product])
