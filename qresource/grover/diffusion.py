"""Grover's diffusion operator: the reflection about the uniform superposition of an index register.

Grover (1996), "A fast quantum mechanical algorithm for database search", STOC '96, the operator
D = H^m (2|0><0| - I) H^m ("inversion about average") on an m-qubit index register.  We build
H^m (I - 2|0><0|) H^m = -D, which differs from Grover's D by the global phase -1 only; a Grover
iterate applied r times picks up (-1)^r, which no measurement sees.

The reflection about |0...0> is X^m . C^(m-1)Z . X^m, and the multi-controlled Z is an AND ladder
of temporary logical-ANDs (Gidney 2018, "Halving the cost of quantum addition", Quantum 2, 74,
figure 3): for m >= 3 index qubits q_0..q_(m-1),

    a_1 = q_0 AND q_1,   a_j = a_(j-1) AND q_j  (j = 2..m-2),   CZ(a_(m-2), q_(m-1)),

then the ANDs are undone in reverse order by X-basis measurement and a classically controlled CZ
(no T gates).  Cost: m - 2 ANDs (4 T each), m - 2 measurements, m - 2 clean ancillas returned to
|0>, 2m H and 2m X gates and one CZ.  m = 2 is a bare CZ and m = 1 a bare Z (no ancilla).
"""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING

import sympy
from attrs import field, frozen
from qualtran import Bloq, BloqBuilder, BloqDocSpec, DecomposeTypeError, QAny, Register, Signature, SoquetT
from qualtran.bloqs.basic_gates import CZ, Hadamard, XGate, ZGate
from qualtran.bloqs.mcmt import And
from qualtran.symbolics import SymbolicInt, is_symbolic, smax

from qresource.machinery.examples import bloq_example_of

if TYPE_CHECKING:
    from qualtran.resource_counting import BloqCountDictT, SympySymbolAllocator


def _at_least_one(_instance, _attribute, value: SymbolicInt) -> None:
    if is_symbolic(value):
        return  # a sympy size: taken to be large enough for the general (m >= 3) ladder
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        raise ValueError(f"the index register needs at least one qubit, got {value!r}")


@frozen
class ReflectAboutZero(Bloq):
    """I - 2|0...0><0...0| on an m-qubit register: X^m, a multi-controlled Z by an AND ladder, X^m.

    Registers:
        index: the m-qubit register reflected (any dtype of m bits connects).

    Args:
        bitsize: m >= 1, or a sympy symbol (taken as m >= 3: the call graph is then the closed form
            of the ladder).

    Cost (m >= 3): m - 2 ANDs computed and m - 2 uncomputed by measurement, 2m X, 1 CZ, with
    m - 2 clean ancillas live at the peak (Gidney 2018, figure 3).
    """

    bitsize: SymbolicInt = field(validator=_at_least_one)

    @cached_property
    def signature(self) -> Signature:
        return Signature([Register("index", QAny(self.bitsize))])

    @property
    def and_count(self) -> SymbolicInt:
        return self.bitsize - 2 if is_symbolic(self.bitsize) else smax(self.bitsize - 2, 0)

    def build_composite_bloq(self, bb: BloqBuilder, *, index: SoquetT) -> dict[str, SoquetT]:
        m = self.bitsize
        if is_symbolic(m):
            raise DecomposeTypeError(f"cannot decompose {self} with a symbolic size")
        qubits = bb.split(index) if m > 1 else [index]
        qubits = [bb.add(XGate(), q=q) for q in qubits]
        if m == 1:
            qubits[0] = bb.add(ZGate(), q=qubits[0])
        elif m == 2:
            qubits[0], qubits[1] = bb.add(CZ(), q1=qubits[0], q2=qubits[1])
        else:
            # ladder[j] holds a_(j+1) = q_0 AND ... AND q_(j+1)
            ladder = []
            (qubits[0], qubits[1]), partial = bb.add(And(), ctrl=[qubits[0], qubits[1]])
            ladder.append(partial)
            for j in range(2, m - 1):
                (ladder[-1], qubits[j]), partial = bb.add(And(), ctrl=[ladder[-1], qubits[j]])
                ladder.append(partial)
            ladder[-1], qubits[m - 1] = bb.add(CZ(), q1=ladder[-1], q2=qubits[m - 1])
            for j in range(m - 2, 1, -1):
                partial = ladder.pop()
                ladder[-1], qubits[j] = bb.add(
                    And().adjoint(), ctrl=[ladder[-1], qubits[j]], target=partial
                )
            qubits[0], qubits[1] = bb.add(And().adjoint(), ctrl=[qubits[0], qubits[1]], target=ladder.pop())
        qubits = [bb.add(XGate(), q=q) for q in qubits]
        return {"index": bb.join(qubits, dtype=QAny(m)) if m > 1 else qubits[0]}

    def build_call_graph(self, ssa: "SympySymbolAllocator") -> "BloqCountDictT":
        m = self.bitsize
        counts: dict[Bloq, int] = {XGate(): 2 * m}
        if m == 1:
            counts[ZGate()] = 1
        else:
            counts[CZ()] = 1
        if is_symbolic(m) or m >= 3:
            counts[And()] = m - 2
            counts[And().adjoint()] = m - 2
        return counts

    def __str__(self) -> str:
        return f"ReflectAboutZero({self.bitsize})"


@frozen
class GroverDiffusion(Bloq):
    """Grover's diffusion H^m (I - 2|0><0|) H^m = I - 2|s><s| on the m-qubit `index` register.

    |s> is the uniform superposition over all 2^m index values: when the problem has n < 2^m
    items, the unused values n..2^m-1 take part in the search space as unmarked items
    (docs/grover.md, "Index register wider than n").

    Args:
        bitsize: m >= 1, or a sympy symbol (as for :class:`ReflectAboutZero`).

    Registers:
        index: m qubits.
    """

    bitsize: SymbolicInt = field(validator=_at_least_one)

    @cached_property
    def signature(self) -> Signature:
        return Signature([Register("index", QAny(self.bitsize))])

    @cached_property
    def reflection(self) -> ReflectAboutZero:
        return ReflectAboutZero(self.bitsize)

    def build_composite_bloq(self, bb: BloqBuilder, *, index: SoquetT) -> dict[str, SoquetT]:
        if is_symbolic(self.bitsize):
            raise DecomposeTypeError(f"cannot decompose {self} with a symbolic size")
        index = hadamard_each(bb, index, self.bitsize)
        index = bb.add(self.reflection, index=index)
        index = hadamard_each(bb, index, self.bitsize)
        return {"index": index}

    def build_call_graph(self, ssa: "SympySymbolAllocator") -> "BloqCountDictT":
        return {Hadamard(): 2 * self.bitsize, self.reflection: 1}

    def __str__(self) -> str:
        return f"GroverDiffusion({self.bitsize})"


#: Per AND of the ladder, its compute and its measured uncomputation as the lowering table
#: counts them: Cliffords, and the layers it adds to the ladder's path (depth, T-depth,
#: lattice-surgery depth: the compute's 9, 1 and 7 from a control to the output, the
#: uncomputation's 3, 0 and 3).
_AND_PAIR_CLIFFORDS = 9 + 3
_AND_PAIR_LAYERS = (9 + 3, 1, 7 + 3)


def diffusion_closed_form(m: int) -> tuple[dict[str, int], int, tuple[int, int, int], tuple[int, int, int]]:
    """``GroverDiffusion(m)``'s counts in closed form, the numbers a Grover search composes:
    (gates by ``GATE_KEYS`` of the lowering, qubits, through, end), where ``through`` is the
    longest path from an input to an output and ``end`` from an input to the last gate, each as
    (depth, T-depth, lattice-surgery depth).

    With a = max(m - 2, 0) ANDs (Gidney 2018, figure 3; module docstring): a Toffolis, 4a T,
    a measurements, 2m H + 2m X + one CZ (one Z when m = 1) + 12a Cliffords (9 per AND, 3 per
    measured uncomputation), m + a qubits. Every path crosses the H and X layers on both sides
    (4 layers), the CZ (or Z) and the ladder, so through = end = (5 + 12a, a, 5 + 10a): each AND
    and its uncomputation add 12 layers of depth (10 in the lattice-surgery reading, where a
    CNOT fan-out is one step) and one T layer. Tests hold these equal to the call graph, Qualtran's
    qubit count and the walked depth profiles for m = 1..20."""
    if m < 1:
        raise ValueError(f"the index register needs at least one qubit, got {m!r}")
    ands = max(m - 2, 0)
    gates = {"toffoli": ands, "t": 4 * ands, "clifford": 4 * m + 1 + _AND_PAIR_CLIFFORDS * ands,
             "rotations": 0, "measurements": ands}
    through = (5 + _AND_PAIR_LAYERS[0] * ands, _AND_PAIR_LAYERS[1] * ands, 5 + _AND_PAIR_LAYERS[2] * ands)
    return gates, m + ands, through, through


def hadamard_each(bb: BloqBuilder, register: SoquetT, bitsize: int) -> SoquetT:
    """H on every qubit of a register (split and joined as QAny so any dtype passes through)."""
    if bitsize == 1:
        return bb.add(Hadamard(), q=register)
    qubits = [bb.add(Hadamard(), q=q) for q in bb.split(register)]
    return bb.join(qubits, dtype=QAny(bitsize))


@bloq_example_of(ReflectAboutZero)
def _reflect_about_zero() -> ReflectAboutZero:
    reflect_about_zero = ReflectAboutZero(bitsize=3)
    return reflect_about_zero


@bloq_example_of(GroverDiffusion)
def _grover_diffusion() -> GroverDiffusion:
    grover_diffusion = GroverDiffusion(bitsize=3)
    return grover_diffusion


@bloq_example_of(GroverDiffusion)
def _grover_diffusion_symb() -> GroverDiffusion:
    """An index register of m qubits: the call graph gives the counts in m."""
    grover_diffusion_symb = GroverDiffusion(bitsize=sympy.Symbol("m", positive=True, integer=True))
    return grover_diffusion_symb


_REFLECT_ABOUT_ZERO_DOC = BloqDocSpec(
    bloq_cls=ReflectAboutZero, import_line="from qresource.grover.diffusion import ReflectAboutZero",
    examples=[_reflect_about_zero])
_GROVER_DIFFUSION_DOC = BloqDocSpec(
    bloq_cls=GroverDiffusion, import_line="from qresource.grover.diffusion import GroverDiffusion",
    examples=[_grover_diffusion, _grover_diffusion_symb])
