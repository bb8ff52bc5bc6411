"""The T cost of synthesising a circuit's arbitrary-angle rotations to precision eps: pygridsynth
on every distinct angle, or the T-count formula of :mod:`qresource.machinery.rotation_synthesis`
where that many syntheses would be pointless."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from qresource.core.errors import QResourceError
from qresource.machinery.lowering import quarter_turns
from qresource.machinery.rotation_synthesis import gridsynth_t_count, t_per_rotation

#: Default precision of each rotation synthesis, in operator norm (diamond distance is at most
#: twice this). A circuit with R rotations then carries at most R x eps synthesis error.
DEFAULT_EPS = 1e-10

#: How to cost rotations: ``gridsynth`` runs pygridsynth on every distinct angle (exact T count
#: of the Ross–Selinger sequence it returns); ``formula`` charges ``t_per_rotation(eps)`` =
#: ceil(3 log2(1/eps)) + 2 T per rotation (Ross and Selinger 2016, arXiv:1403.2975: T-count
#: 3 log2(1/eps) + O(log log 1/eps) for a typical angle; the +2 is pygridsynth's measured mean
#: excess, see :mod:`qresource.machinery.rotation_synthesis`); ``auto`` takes gridsynth up to :data:`MAX_GRIDSYNTH_ANGLES` distinct
#: angles and the formula beyond.
SYNTHESIS_METHODS = ("auto", "gridsynth", "formula")
MAX_GRIDSYNTH_ANGLES = 64


@dataclass(frozen=True)
class RotationSynthesis:
    """The T cost of synthesising every arbitrary-angle rotation of a circuit to precision eps.

    ``t_count`` is the sum over rotations; ``t_total`` adds it to the circuit's own ``t`` (the
    T count of the circuit once every rotation is replaced by its Clifford+T sequence).
    """

    method: str
    eps: float
    rotations: int
    distinct_angles: int
    t_count: int
    t_per_rotation_max: int
    t_total: int

    def as_dict(self) -> dict[str, Any]:
        return {
            "method": self.method,
            "eps": self.eps,
            "rotations": self.rotations,
            "distinct_angles": self.distinct_angles,
            "t_count": self.t_count,
            "t_per_rotation_max": self.t_per_rotation_max,
            "t_total": self.t_total,
        }


def check_eps(eps: float) -> None:
    if not (isinstance(eps, (int, float)) and math.isfinite(eps) and 1e-30 <= eps < 0.5):
        raise QResourceError(f"rotation precision eps must lie in [1e-30, 0.5), got {eps}")


def rotation_angles(circuit) -> list[float]:
    """Angles of the arbitrary rotations (``rz``, ``rx``, ``ry``) of a lowered circuit, in order,
    including those inside ``if_else`` branches (each branch counted, as the counter does)."""
    angles: list[float] = []
    for instruction in circuit.data:
        op = instruction.operation
        if op.name in ("rz", "rx", "ry"):
            angle = float(op.params[0])
            if quarter_turns(angle) is None:  # X/Y rotations by k pi/4 are Clifford+T gates
                angles.append(angle)
        elif op.name == "if_else":
            for block in op.blocks:
                if block is not None:
                    angles.extend(rotation_angles(block))
    return angles


def rotation_synthesis(
    angles: list[float], circuit_t: int, eps: float = DEFAULT_EPS, method: str = "auto", progress=None
) -> RotationSynthesis:
    """Cost the rotations of ``angles`` at precision ``eps`` per rotation (see SYNTHESIS_METHODS).
    ``progress``, if given, is called with a short message before each slow step."""
    check_eps(eps)
    if method not in SYNTHESIS_METHODS:
        raise QResourceError(f"unknown synthesis method {method!r}; choose one of {', '.join(SYNTHESIS_METHODS)}")
    distinct = sorted(set(math.fmod(a, 2 * math.pi) for a in angles))
    if method == "auto":
        method = "gridsynth" if len(distinct) <= MAX_GRIDSYNTH_ANGLES else "formula"
    if method == "formula" or not angles:
        per = t_per_rotation(eps) if angles else 0
        per_angle = {a: per for a in distinct}
        method = "formula"
    else:
        per_angle = {}
        for number, angle in enumerate(distinct, start=1):
            if progress is not None:
                progress(f"synthesising rotations with gridsynth: angle {number} of {len(distinct)}")
            per_angle[angle] = gridsynth_t_count(angle, eps)
    total = sum(per_angle[math.fmod(a, 2 * math.pi)] for a in angles)
    return RotationSynthesis(
        method=method,
        eps=float(eps),
        rotations=len(angles),
        distinct_angles=len(distinct),
        t_count=total,
        t_per_rotation_max=max(per_angle.values(), default=0),
        t_total=int(circuit_t) + total,
    )
