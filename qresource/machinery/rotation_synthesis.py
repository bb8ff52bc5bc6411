"""Clifford+T synthesis of single-qubit Z rotations with pygridsynth, and the one T-count formula
used wherever synthesising every angle is pointless (QLACI at scale, ``count --synthesis formula``).

Ross and Selinger (2016, "Optimal ancilla-free Clifford+T approximation of z-rotations",
Quantum Inf. Comput. 16, 901) give an algorithm whose T count for an eps-approximation of
Rz(theta) in operator norm is 3 log2(1/eps) + O(log log(1/eps)) for generic angles;
pygridsynth implements it. ``t_per_rotation(eps)`` is that leading term plus a constant offset
measured from pygridsynth's own sequences (see ``measure_gridsynth``): for random angles the mean
excess over 3 log2(1/eps) lies between +1.4 and +3.1 at eps = 1e-2 .. 1e-10 (about +2.5
typically), and ceil(3 log2(1/eps)) + 2 sits at that mean. It is an estimate of the expected T
count of a generic angle, not a bound: a particular angle may need a few T more or fewer, and
angles that are multiples of pi/4 need none (they never reach synthesis).
"""

from __future__ import annotations

import math
import warnings
from functools import lru_cache

import mpmath
from pygridsynth import gridsynth_gates

from qresource.core.errors import QResourceError

# Measured excess of pygridsynth's mean T count over 3 log2(1/eps), 10 random angles in
# [0, 2 pi): eps=1e-2: 22.0 - 19.93 = +2.1; 1e-3: 32.6 - 29.9 = +2.7; 1e-4: 42.4 - 39.9 = +2.5;
# 1e-6: 62.4 - 59.8 = +2.6; 1e-8: 82.2 - 79.7 = +2.5; 1e-10: 102.8 - 99.7 = +3.1. The ceiling
# adds 0.5 on average, so the offset is 2.
ROSS_SELINGER_OFFSET = 2


def t_per_rotation(eps: float) -> int:
    """T gates per arbitrary Z rotation synthesised to operator-norm error ``eps``:
    ceil(3 log2(1/eps)) + ROSS_SELINGER_OFFSET (an exact int)."""
    if not 0.0 < eps < 1.0:
        raise QResourceError(f"rotation precision must lie strictly between 0 and 1, got {eps}")
    return math.ceil(3.0 * math.log2(1.0 / eps)) + ROSS_SELINGER_OFFSET


@lru_cache(maxsize=4096)
def gridsynth_sequence(angle: float, eps: float) -> str:
    """pygridsynth's Clifford+T word for Rz(angle) up to a global phase, at error ``eps``.

    Letters, leftmost applied last (matrix-product order): H, S, T, X and W (the global phase
    e^{i pi/4}, dropped by callers). Deterministic: pygridsynth's default seed is fixed.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theta = mpmath.mpf(repr(float(angle)))
        epsilon = mpmath.mpf(repr(float(eps)))
        return gridsynth_gates(theta, epsilon, up_to_phase=True)


def sequence_t_count(word: str) -> int:
    return word.count("T")


def gridsynth_t_count(angle: float, eps: float) -> int:
    """T gates of pygridsynth's approximation of Rz(angle) within ``eps`` (operator norm, up to a
    global phase). Rz(a + 2 pi) = -Rz(a) shares its sequence, so angles are reduced mod 2 pi."""
    return sequence_t_count(gridsynth_sequence(math.fmod(float(angle), 2 * math.pi), float(eps)))


def measure_gridsynth(eps: float, angles) -> list[int]:
    """The exact T count of pygridsynth's sequence for each angle."""
    return [sequence_t_count(gridsynth_sequence(float(a), eps)) for a in angles]


def append_rz(qc, angle: float, qubit, eps: float) -> int:
    """Append the Clifford+T sequence for Rz(angle) on ``qubit``; return its T count.

    The word is read right to left because pygridsynth writes it as a matrix product.
    """
    word = gridsynth_sequence(float(angle), float(eps))
    for letter in reversed(word):
        if letter == "H":
            qc.h(qubit)
        elif letter == "S":
            qc.s(qubit)
        elif letter == "T":
            qc.t(qubit)
        elif letter == "X":
            qc.x(qubit)
        elif letter == "W":
            continue
        else:  # pragma: no cover - pygridsynth's alphabet is fixed
            raise QResourceError(f"unexpected letter {letter!r} in a gridsynth word")
    return sequence_t_count(word)
