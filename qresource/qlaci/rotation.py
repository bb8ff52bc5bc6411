r"""An arbitrary single-qubit rotation compiled to Clifford+T.

``SynthesizedRotation(axis, angle, eps)`` is Rz(angle) replaced by pygridsynth's Ross–Selinger
word (Ross and Selinger 2016, "Optimal ancilla-free Clifford+T approximation of z-rotations",
QIC 16, 901), within ``eps`` in operator norm up to a global phase, and Ry(angle) as
S H Rz(angle) H S^dagger (S H Z H S^dagger = Y). With a concrete angle the decomposition and the
counts are those of the actual word; with ``angle=None`` (a data-free instance, for counting
at scale) the counts are the formula of :func:`qresource.machinery.rotation_synthesis.t_per_rotation`,
with H and S counts from the measured average word composition (about one H per T and one S
per two T).

Every bloq of QLACI takes ``synthesize``: True gives this bloq, False gives Qualtran's ``Rz`` /
``Ry`` (the circuit before synthesis, with its rotations counted as rotations).
"""

from __future__ import annotations

from collections import Counter
from functools import cached_property
from typing import Dict, Optional

import attrs
from qualtran import Bloq, BloqBuilder, BloqDocSpec, QBit, Signature, SoquetT
from qualtran.bloqs.basic_gates import Hadamard, Ry, Rz, SGate, TGate, XGate

from qresource.machinery.depth import DepthCost, TDepthCost
from qresource.machinery.examples import bloq_example_of
from qresource.machinery.rotation_synthesis import gridsynth_sequence, t_per_rotation

# Placeholder angle of data-free circuits: not a multiple of pi/4, so it stays a rotation.
GENERIC_ANGLE = 1.0

_LETTER_BLOQ = {"H": Hadamard(), "S": SGate(), "T": TGate(), "X": XGate()}


def rotation(axis: str, angle: Optional[float], eps: float, synthesize: bool) -> Bloq:
    """The rotation leaf every QLACI bloq uses."""
    if synthesize:
        return SynthesizedRotation(axis, None if angle is None else float(angle), float(eps))
    value = GENERIC_ANGLE if angle is None else float(angle)
    return Ry(value, eps=eps) if axis == "y" else Rz(value, eps=eps)


def formula_word_counts(eps: float) -> Dict[str, int]:
    """Letters of a typical gridsynth word at ``eps`` (T from the Ross–Selinger formula)."""
    t = t_per_rotation(eps)
    return {"T": t, "H": t, "S": t // 2, "X": 0}


@attrs.frozen
class SynthesizedRotation(Bloq):
    """R_axis(angle) (axis ``y`` or ``z``) as a Clifford+T word within ``eps``."""

    axis: str
    angle: Optional[float]
    eps: float

    def __attrs_post_init__(self):
        if self.axis not in ("y", "z"):
            raise ValueError(f"axis must be 'y' or 'z', got {self.axis!r}")

    @cached_property
    def signature(self) -> Signature:
        return Signature.build_from_dtypes(q=QBit())

    @cached_property
    def word(self) -> str:
        angle = GENERIC_ANGLE if self.angle is None else self.angle
        return gridsynth_sequence(angle, self.eps).replace("W", "")

    def _letter_counts(self) -> Dict[str, int]:
        if self.angle is None:
            return formula_word_counts(self.eps)
        counts = Counter(self.word)
        return {letter: counts.get(letter, 0) for letter in "HSTX"}

    def build_composite_bloq(self, bb: BloqBuilder, q: SoquetT) -> Dict[str, SoquetT]:
        if self.axis == "y":
            q = bb.add(SGate(is_adjoint=True), q=q)
            q = bb.add(Hadamard(), q=q)
        for letter in reversed(self.word):  # the word is a matrix product: rightmost first
            q = bb.add(_LETTER_BLOQ[letter], q=q)
        if self.axis == "y":
            q = bb.add(Hadamard(), q=q)
            q = bb.add(SGate(), q=q)
        return {"q": q}

    def build_call_graph(self, ssa):
        letters = self._letter_counts()
        counts: Dict[Bloq, int] = {}
        for letter, times in letters.items():
            if times:
                counts[_LETTER_BLOQ[letter]] = times
        if self.axis == "y":
            counts[Hadamard()] = counts.get(Hadamard(), 0) + 2
            counts[SGate()] = counts.get(SGate(), 0) + 1
            counts[SGate(is_adjoint=True)] = 1
        return counts

    def my_static_costs(self, cost_key):
        from qualtran.resource_counting import QubitCount

        if isinstance(cost_key, QubitCount):
            return 1
        if isinstance(cost_key, (DepthCost, TDepthCost)):
            letters = self._letter_counts()
            if isinstance(cost_key, TDepthCost):
                return letters["T"]
            return sum(letters.values()) + (4 if self.axis == "y" else 0)
        return NotImplemented

    def __str__(self) -> str:
        angle = "θ" if self.angle is None else f"{self.angle:.4g}"
        return f"R{self.axis}({angle}; ε={self.eps:.1e})"


@bloq_example_of(SynthesizedRotation)
def _synthesized_rotation() -> SynthesizedRotation:
    synthesized_rotation = SynthesizedRotation(axis="z", angle=0.7, eps=1e-3)
    return synthesized_rotation


_SYNTHESIZED_ROTATION_DOC = BloqDocSpec(
    bloq_cls=SynthesizedRotation, import_line="from qresource.qlaci.rotation import SynthesizedRotation",
    examples=[_synthesized_rotation])
