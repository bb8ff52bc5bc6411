r"""Rotations by a loaded angle through a phase-gradient register.

The phase-gradient state of b qubits is |phi_b> = 2^{-b/2} sum_k e^{-2 pi i k / 2^b} |k>. Adding an
integer x into it modulo 2^b multiplies it by e^{2 pi i x / 2^b} and leaves it unchanged
otherwise, so a b-bit adder turns a loaded integer into a phase (Gidney 2018, "Halving the cost of
quantum addition", Quantum 2, 74; Sanders, Berry, Costa et al. 2020, "Compilation of fault-tolerant
quantum heuristics for combinatorial optimization", PRX Quantum 1, 020312, section II.B and
appendix A). The state is a catalyst: prepared once, reused by every rotation, unprepared at the end.

``PhaseGradientRotation`` makes the phase conditional on a target qubit t without a controlled
adder: CNOTs from t onto every bit of x turn x into its complement ~x = -x - 1 when t = 1, so one
uncontrolled Gidney adder (b - 1 temporary ANDs, 4(b - 1) T) adds x when t = 0 and -x - 1 when
t = 1. The target thus sees diag(e^{2 pi i x/2^b}, e^{-2 pi i (x+1)/2^b})
= e^{-i pi/2^b} Rz(-2 pi (2x + 1) / 2^b): a Z rotation whose angle is an odd multiple of 2 pi / 2^b,
with a global phase that does not depend on x.
"""

from __future__ import annotations

import math
from functools import cached_property
from typing import Dict

import attrs
from qualtran import (
    Bloq,
    BloqBuilder,
    BloqDocSpec,
    DecomposeTypeError,
    QBit,
    QUInt,
    Register,
    Side,
    Signature,
    SoquetT,
)
from qualtran.bloqs.arithmetic import Add
from qualtran.bloqs.basic_gates import CNOT, Hadamard, SGate, TGate, ZGate
from qualtran.symbolics import SymbolicInt, is_symbolic

from qresource.machinery.examples import bloq_example_of
from qresource.qlaci.rotation import rotation


def loaded_angle(x: int, bits: int) -> float:
    """The Rz angle that ``PhaseGradientRotation`` applies for loaded value x (in [0, 4 pi))."""
    return (-2.0 * math.pi * (2 * x + 1) / 2**bits) % (4.0 * math.pi)


def quantize_angle(theta: float, bits: int) -> int:
    """The loaded value x whose rotation is closest to Rz(theta) up to a sign (Rz has period
    4 pi, and Rz(theta + 2 pi) = -Rz(theta) differs by a sign only)."""
    # want -2 pi (2x + 1) / 2^b = theta (mod 2 pi): 2x + 1 = -theta 2^b / (2 pi) (mod 2^b)
    target = (-theta / (2.0 * math.pi) * 2**bits) % (2 * 2**bits)
    odd = 2 * math.floor(target / 2.0) + 1
    if abs(odd + 2 - target) < abs(odd - target):
        odd += 2
    return ((odd - 1) // 2) % 2**bits


def _gradient_gate(position: int, bits: int, adjoint: bool, eps: float, synthesize: bool, exact: bool = True) -> Bloq:
    """Phase diag(1, e^{-i pi / 2^p}) (up to global phase) on big-endian position p."""
    if position == 0:
        return ZGate()
    if position == 1:
        return SGate(is_adjoint=not adjoint)
    if position == 2:
        return TGate(is_adjoint=not adjoint)
    angle = -math.pi / 2**position
    if not exact:
        return rotation("z", None, eps, synthesize)  # counted by the synthesis formula
    return rotation("z", -angle if adjoint else angle, eps, synthesize)


@attrs.frozen
class PhaseGradientPrep(Bloq):
    """Prepare (or, with ``uncompute``, unprepare and free) the b-qubit phase-gradient state.

    H on every qubit, then on big-endian position p (weight 2^{b-1-p}) the phase
    e^{-2 pi i 2^{b-1-p} / 2^b} = e^{-i pi / 2^p} on |1>: Z, S^dagger, T^dagger and then b - 3
    arbitrary rotations, each synthesised like every other rotation of the circuit. With
    ``exact_angles=False`` (data-free circuits) they are counted by the synthesis formula, like
    every other rotation of a data-free circuit.

    ``bits`` may be a sympy symbol (b >= 3 taken) when the b - 3 rotations are all alike: counted
    by the synthesis formula (``exact_angles=False``) or left unsynthesised (each one rotation);
    synthesised exactly, each angle has its own word and the count is a sum over positions.
    """

    bits: SymbolicInt
    uncompute: bool = False
    eps: float = 1e-11
    synthesize: bool = True
    exact_angles: bool = True

    def __attrs_post_init__(self):
        if is_symbolic(self.bits) and self.synthesize and self.exact_angles:
            raise ValueError("a phase gradient of symbolic size synthesises its rotations by the formula:"
                             " give exact_angles=False or synthesize=False")

    @cached_property
    def signature(self) -> Signature:
        side = Side.LEFT if self.uncompute else Side.RIGHT
        return Signature([Register("phase_grad", QUInt(self.bits), side=side)])

    def build_composite_bloq(self, bb: BloqBuilder, **soqs: SoquetT) -> Dict[str, SoquetT]:
        if is_symbolic(self.bits):
            raise DecomposeTypeError(f"cannot decompose {self} with a symbolic size")
        if self.uncompute:
            qubits = bb.split(soqs["phase_grad"])
            for p in range(self.bits):
                qubits[p] = bb.add(_gradient_gate(p, self.bits, True, self.eps, self.synthesize, self.exact_angles), q=qubits[p])
                qubits[p] = bb.add(Hadamard(), q=qubits[p])
            bb.free(bb.join(qubits, dtype=QUInt(self.bits)))
            return {}
        qubits = bb.split(bb.allocate(dtype=QUInt(self.bits)))
        for p in range(self.bits):
            qubits[p] = bb.add(Hadamard(), q=qubits[p])
            qubits[p] = bb.add(_gradient_gate(p, self.bits, False, self.eps, self.synthesize, self.exact_angles), q=qubits[p])
        return {"phase_grad": bb.join(qubits, dtype=QUInt(self.bits))}

    def build_call_graph(self, ssa):
        counts: Dict[Bloq, int] = {Hadamard(): self.bits}
        if is_symbolic(self.bits):
            for p in range(3):
                counts[_gradient_gate(p, 3, self.uncompute, self.eps, self.synthesize)] = 1
            # positions 3..b-1: one rotation each, all alike (generic angle)
            counts[rotation("z", None, self.eps, self.synthesize)] = self.bits - 3
            return counts
        for p in range(self.bits):
            gate = _gradient_gate(p, self.bits, self.uncompute, self.eps, self.synthesize, self.exact_angles)
            counts[gate] = counts.get(gate, 0) + 1
        return counts

    def adjoint(self) -> "PhaseGradientPrep":
        return attrs.evolve(self, uncompute=not self.uncompute)

    def __str__(self) -> str:
        return f"PhaseGradient{'†' if self.uncompute else ''}({self.bits})"


@attrs.frozen
class PhaseGradientRotation(Bloq):
    """Rz(-2 pi (2x + 1) / 2^b) on ``target`` for the b-bit value x in ``angle`` (up to a global
    phase independent of x): b-bit CNOT fan-out, Gidney adder into ``phase_grad``, fan-out again.

    Registers:
        angle: QUInt(b), the loaded value x (unchanged).
        phase_grad: QUInt(b), a phase-gradient state (unchanged).
        target: the rotated qubit.
    """

    bits: int

    @cached_property
    def signature(self) -> Signature:
        return Signature.build_from_dtypes(angle=QUInt(self.bits), phase_grad=QUInt(self.bits), target=QBit())

    def build_composite_bloq(self, bb: BloqBuilder, angle: SoquetT, phase_grad: SoquetT, target: SoquetT) -> Dict[str, SoquetT]:
        x_bits = bb.split(angle)
        for k in range(self.bits):
            target, x_bits[k] = bb.add(CNOT(), ctrl=target, target=x_bits[k])
        angle = bb.join(x_bits, dtype=QUInt(self.bits))
        angle, phase_grad = bb.add(Add(QUInt(self.bits)), a=angle, b=phase_grad)
        x_bits = bb.split(angle)
        for k in range(self.bits):
            target, x_bits[k] = bb.add(CNOT(), ctrl=target, target=x_bits[k])
        return {"angle": bb.join(x_bits, dtype=QUInt(self.bits)), "phase_grad": phase_grad, "target": target}

    def build_call_graph(self, ssa):
        return {CNOT(): 2 * self.bits, Add(QUInt(self.bits)): 1}

    def __str__(self) -> str:
        return f"PhaseGradRz({self.bits})"


@bloq_example_of(PhaseGradientPrep)
def _phase_gradient_prep() -> PhaseGradientPrep:
    phase_gradient_prep = PhaseGradientPrep(bits=3)
    return phase_gradient_prep


@bloq_example_of(PhaseGradientRotation)
def _phase_gradient_rotation() -> PhaseGradientRotation:
    phase_gradient_rotation = PhaseGradientRotation(bits=3)
    return phase_gradient_rotation


_PHASE_GRADIENT_PREP_DOC = BloqDocSpec(
    bloq_cls=PhaseGradientPrep, import_line="from qresource.qlaci.phase_rotation import PhaseGradientPrep",
    examples=[_phase_gradient_prep])
_PHASE_GRADIENT_ROTATION_DOC = BloqDocSpec(
    bloq_cls=PhaseGradientRotation, import_line="from qresource.qlaci.phase_rotation import PhaseGradientRotation",
    examples=[_phase_gradient_rotation])
