"""The error budget of one QLACI estimate, split between shot noise, rotation synthesis and
the fixed-point precision of loaded angles.

Let O be a Pauli observable (||O|| = 1) and U the ideal circuit. If U' replaces R rotations by
approximations within eps_rot each (operator norm), then ||U' - U|| <= R eps_rot and the
expectation value moves by at most 2 ||U' - U|| <= 2 R eps_rot. A loaded angle rounded by
|delta_theta| changes Rz by ||Rz(theta + delta_theta) - Rz(theta)|| = 2 |sin(delta_theta / 4)|
<= |delta_theta| / 2. The three contributions add (triangle inequality), so choosing

    eps_shot  = share * eps,
    eps_synth = eps_load = (1 - share) * eps / 2   (loader feature map), or
    eps_synth = (1 - share) * eps, eps_load = 0    (multiplexed feature map: exact angles),

makes every estimate eps-accurate with probability 1 - delta.
"""

from __future__ import annotations

import math
from dataclasses import dataclass


@dataclass(frozen=True)
class ErrorBudget:
    eps: float
    eps_shot: float
    eps_synthesis: float
    eps_loading: float
    rotations: int
    eps_rotation: float
    angle_bits: int | None

    def as_dict(self) -> dict:
        return {
            "eps_total": self.eps,
            "eps_shot": self.eps_shot,
            "eps_synthesis": self.eps_synthesis,
            "eps_loading": self.eps_loading,
            "rotations_synthesised": self.rotations,
            "eps_per_rotation": self.eps_rotation,
            "angle_bits": self.angle_bits,
            "split": f"shots {self.eps_shot / self.eps:.0%}, synthesis {self.eps_synthesis / self.eps:.0%}, "
            f"loading {self.eps_loading / self.eps:.0%} of eps",
        }


def split_budget(eps: float, share: float, uses_loader: bool) -> tuple[float, float, float]:
    """(eps_shot, eps_synthesis, eps_loading)."""
    eps_shot = share * eps
    rest = eps - eps_shot
    if uses_loader:
        return eps_shot, rest / 2, rest / 2
    return eps_shot, rest, 0.0


def angle_bits_for(eps_loading: float, loaded_rotations: int) -> int:
    """Bits b of each loaded angle word.

    With the add-or-subtract trick of ``PhaseGradientRotation`` the representable angles are
    2 pi (2x + 1) / 2^b, spaced 4 pi / 2^b, so rounding moves an angle by at most 2 pi / 2^b and
    the rotation by at most pi / 2^b. Over ``loaded_rotations`` rotations the expectation moves
    by at most 2 pi loaded_rotations / 2^b <= eps_loading.
    """
    bits = math.ceil(math.log2(2.0 * math.pi * loaded_rotations / eps_loading))
    return max(bits, 3)


def eps_per_rotation(eps_synthesis: float, rotations: int) -> float:
    """eps_rot = eps_synthesis / (2 R), so that 2 R eps_rot = eps_synthesis."""
    return eps_synthesis / (2.0 * max(rotations, 1))
