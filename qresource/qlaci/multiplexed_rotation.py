r"""Uniformly controlled (multiplexed) single-qubit rotation without ancillas.

For a selection register of m qubits holding |j> and angles theta_0 .. theta_{2^m - 1}, applies
R_a(theta_j) (a = y or z) to the target. Möttönen, Vartiainen, Bergholm and Salomaa (2004,
"Quantum circuits for general multiqubit gates", PRL 93, 130502; also Shende, Bullock and Markov
2006, IEEE TCAD 25, 1000, Theorem 8) implement it with 2^m uncontrolled rotations interleaved
with 2^m CNOTs:

    R_a(phi_0) CNOT(c_0) R_a(phi_1) CNOT(c_1) ... R_a(phi_{2^m-1}) CNOT(c_{2^m-1}),

where CNOT(c_i) is controlled by the selection bit in which the Gray codes g(i) and g(i+1)
differ (the top bit for the last one, closing the cycle). X R_a(phi) X = R_a(-phi) for a in
{y, z}, so selection value j sees R_a(sum_i (-1)^{popcount(j & g(i))} phi_i), and the phases are
obtained from the wanted angles by the (Gray-ordered) Walsh–Hadamard transform

    phi_i = 2^{-m} sum_j (-1)^{popcount(j & g(i))} theta_j.

Counts: 2^m rotations and 2^m CNOTs, no T gates before synthesis, no ancilla.
"""

from __future__ import annotations

from functools import cached_property
from typing import Dict, Optional, Tuple

import attrs
import numpy as np
from qualtran import Bloq, BloqBuilder, BloqDocSpec, QBit, QUInt, Signature, SoquetT
from qualtran.bloqs.basic_gates import CNOT

from qresource.machinery.depth import DepthCost, TDepthCost
from qresource.machinery.examples import bloq_example_of
from qresource.qlaci.rotation import SynthesizedRotation, rotation


def gray(i: int) -> int:
    return i ^ (i >> 1)


def multiplexor_phases(angles: np.ndarray) -> np.ndarray:
    """phi_i = 2^-m sum_j (-1)^{popcount(j & g(i))} theta_j (fast Walsh–Hadamard, Gray order)."""
    values = np.asarray(angles, dtype=float).copy()
    size = len(values)
    h = 1
    while h < size:
        for start in range(0, size, 2 * h):
            a = values[start : start + h].copy()
            b = values[start + h : start + 2 * h].copy()
            values[start : start + h] = a + b
            values[start + h : start + 2 * h] = a - b
        h *= 2
    walsh = values / size  # walsh[k] = 2^-m sum_j (-1)^{popcount(j & k)} theta_j
    return np.array([walsh[gray(i)] for i in range(size)])


def cnot_control_bits(m: int) -> list[int]:
    """Selection bit (0 = least significant) controlling the CNOT after rotation i."""
    size = 1 << m
    bits = []
    for i in range(size):
        changed = gray(i) ^ gray((i + 1) % size)
        bits.append(changed.bit_length() - 1)
    return bits


@attrs.frozen
class MultiplexedRotation(Bloq):
    """R_axis(angles[j]) on ``target`` controlled by the value j of ``selection``.

    Args:
        selection_bitsize: m, the number of selection qubits (2^m angles).
        axis: ``"y"`` or ``"z"``.
        angles: the 2^m angles in radians, or None for a data-free instance (its decomposition
            uses a placeholder angle; its counts and depth are closed forms).
        eps: synthesis precision of each rotation.
        synthesize: Clifford+T rotations (True) or Qualtran rotations left for synthesis.

    Registers:
        selection: QUInt(m), big-endian as everywhere in Qualtran.
        target: the rotated qubit.
    """

    selection_bitsize: int
    axis: str = "z"
    angles: Optional[Tuple[float, ...]] = None
    eps: float = 1e-11
    synthesize: bool = True

    def __attrs_post_init__(self):
        if self.axis not in ("y", "z"):
            raise ValueError(f"axis must be 'y' or 'z', got {self.axis!r}")
        if self.angles is not None and len(self.angles) != 2**self.selection_bitsize:
            raise ValueError(f"need {2**self.selection_bitsize} angles, got {len(self.angles)}")

    @cached_property
    def signature(self) -> Signature:
        return Signature.build_from_dtypes(selection=QUInt(self.selection_bitsize), target=QBit())

    def build_composite_bloq(self, bb: BloqBuilder, selection: SoquetT, target: SoquetT) -> Dict[str, SoquetT]:
        m = self.selection_bitsize
        if self.angles is None:
            phases = [None] * 2**m  # data-free: placeholder rotations, counted by formula
        else:
            phases = [float(p) for p in multiplexor_phases(np.array(self.angles))]
        controls = cnot_control_bits(m)
        sel = bb.split(selection)  # big-endian: sel[m - 1 - k] is bit k
        for phase, bit in zip(phases, controls):
            target = bb.add(rotation(self.axis, phase, self.eps, self.synthesize), q=target)
            sel[m - 1 - bit], target = bb.add(CNOT(), ctrl=sel[m - 1 - bit], target=target)
        return {"selection": bb.join(sel, dtype=QUInt(m)), "target": target}

    def build_call_graph(self, ssa):
        if self.angles is not None:
            return super().build_call_graph(ssa)  # exact: the decomposition's own rotations
        size = 2**self.selection_bitsize
        return {rotation(self.axis, None, self.eps, self.synthesize): size, CNOT(): size}

    def my_static_costs(self, cost_key):
        """Depth in closed form for data-free instances: every rotation and CNOT acts on the
        target, one after another, so depth = 2^m (d_rot + 1) and T-depth = 2^m t_rot."""
        from qualtran.resource_counting import QubitCount

        if isinstance(cost_key, QubitCount):
            return self.selection_bitsize + 1
        if self.angles is not None or not isinstance(cost_key, (DepthCost, TDepthCost)):
            return NotImplemented
        size = 2**self.selection_bitsize
        leaf = rotation(self.axis, None, self.eps, self.synthesize)
        if isinstance(leaf, SynthesizedRotation):
            per_rotation = leaf.my_static_costs(cost_key)
        else:
            per_rotation = 0 if isinstance(cost_key, TDepthCost) else 1
        if isinstance(cost_key, TDepthCost):
            return size * per_rotation
        return size * (per_rotation + 1)

    def __str__(self) -> str:
        return f"MultiplexedR{self.axis}(m={self.selection_bitsize})"


@bloq_example_of(MultiplexedRotation)
def _multiplexed_rotation() -> MultiplexedRotation:
    multiplexed_rotation = MultiplexedRotation(selection_bitsize=2, axis="z", angles=(0.1, 0.2, 0.3, 0.4))
    return multiplexed_rotation


_MULTIPLEXED_ROTATION_DOC = BloqDocSpec(
    bloq_cls=MultiplexedRotation, import_line="from qresource.qlaci.multiplexed_rotation import MultiplexedRotation",
    examples=[_multiplexed_rotation])
