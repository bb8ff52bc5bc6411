"""What it would take: the hardware at which a quantum attention algorithm breaks even.

The quantum runtime is taken in the *step model* (docs/breakeven.md): a fault-tolerant machine
running Pauli-based computation applies one lattice-surgery step after another, so

    T_Q(n) = S(n) * tau

with S(n) the sequential steps of the whole computation (exact integers from the closed forms)
and tau the logical cycle time (the step time at the code distance the error budget needs). The
hybrid algorithm's classical part T_h(n) runs on the classical hardware; the competitor is
classical attention T_C(n) on the same hardware. Breakeven is T_Q / f + T_h = T_C, so each knob,
the others held fixed, has to improve by

    f = S tau / (T_C - T_h)

in its own terms:

- logical cycle time (or the physical gate time, which it is proportional to): tau / f;
- data access: the access steps A of S fall to A - (S - (T_C - T_h) / tau); no value of the
  access cost alone reaches breakeven when the rest, (S - A) tau, already exceeds T_C - T_h;
- parallel processors: ceil(f) machines run independent rows (circuit runs) side by side, so
  no more than the number of independent pieces;
- physical error rate: only through the code distance, which sets tau; the least step time the
  code offers bounds what it can give.

Every function here is plain arithmetic on numbers it is handed; the algorithms' counts, qre's
step times and the classical seconds come from their own modules.
"""

from __future__ import annotations

import enum
import math
from dataclasses import asdict, dataclass
from typing import Callable, Sequence

import numpy as np

from qresource.compare.crossover import Crossover, find_crossover
from qresource.core.answer import number, seconds_text
from qresource.core.errors import QResourceError


class Knob(enum.StrEnum):
    """The hardware knobs a breakeven answer turns, one at a time."""

    LOGICAL_CYCLE_TIME = "logical_cycle_time"
    DATA_ACCESS = "data_access"
    PHYSICAL_ERROR_RATE = "physical_error_rate"
    PARALLEL_PROCESSORS = "parallel_processors"


@dataclass(frozen=True)
class QuantumSide:
    """One quantum algorithm at one n in the step model.

    ``step_s`` is None when no code distance meets the error budget; ``access_steps`` and
    ``accesses`` are None where the model's data access is free (the query models)."""

    n: int
    steps: int
    step_s: float | None
    hybrid_classical_s: float
    independent_pieces: int
    access_steps: int | None = None
    accesses: int | None = None

    @property
    def quantum_s(self) -> float | None:
        return None if self.step_s is None else self.steps * self.step_s

    @property
    def total_s(self) -> float | None:
        quantum = self.quantum_s
        return None if quantum is None else quantum + self.hybrid_classical_s


@dataclass(frozen=True)
class KnobAnswer:
    """How far one knob has to move for breakeven: ``factor`` (> 1: an improvement that far;
    <= 1: the quantum side is already faster), the knob's value ``today`` and ``needed`` (in
    ``unit``), or None with ``reason`` when no value of the knob alone reaches breakeven."""

    knob: Knob
    factor: float | None
    today: float | None
    needed: float | None
    unit: str
    reason: str | None = None

    def as_dict(self) -> dict:
        out = asdict(self)
        out["knob"] = self.knob.value
        return out


def room_s(side: QuantumSide, classical_s: float) -> float:
    """The time the quantum part may take for breakeven: T_C - T_h."""
    return float(classical_s) - side.hybrid_classical_s


def _no_room(side: QuantumSide, classical_s: float) -> str | None:
    if side.step_s is None:
        return "no code distance the QEC code offers meets the error budget today"
    if room_s(side, classical_s) <= 0:
        return (f"the hybrid algorithm's classical part alone ({seconds_text(side.hybrid_classical_s)}) takes at "
                f"least as long as classical attention ({seconds_text(float(classical_s))})")
    return None


def factor_needed(side: QuantumSide, classical_s: float) -> float | None:
    """f = S tau / (T_C - T_h), or None when nothing on the quantum side can break even."""
    if _no_room(side, classical_s):
        return None
    return side.quantum_s / room_s(side, classical_s)


def cycle_time_answer(side: QuantumSide, classical_s: float) -> KnobAnswer:
    reason = _no_room(side, classical_s)
    if reason:
        return KnobAnswer(Knob.LOGICAL_CYCLE_TIME, None, side.step_s, None, "s", reason)
    factor = factor_needed(side, classical_s)
    return KnobAnswer(Knob.LOGICAL_CYCLE_TIME, factor, side.step_s, side.step_s / factor, "s")


def access_answer(side: QuantumSide, classical_s: float) -> KnobAnswer:
    """The steps one data access may take (today's: the loader's), down to free access."""
    unit = "lattice-surgery steps per access"
    if side.access_steps is None or not side.accesses:
        return KnobAnswer(Knob.DATA_ACCESS, None, None, None, unit,
                          "data access is already free in this model (the query model's charge)")
    today = side.access_steps / side.accesses
    reason = _no_room(side, classical_s)
    if reason:
        return KnobAnswer(Knob.DATA_ACCESS, None, today, None, unit, reason)
    rest = side.steps - side.access_steps
    allowed = room_s(side, classical_s) / side.step_s - rest
    if allowed <= 0:
        return KnobAnswer(
            Knob.DATA_ACCESS, None, today, None, unit,
            f"even free data access leaves {number(rest)} steps ({seconds_text(rest * side.step_s)}) of other work, "
            f"more than the {seconds_text(room_s(side, classical_s))} classical attention leaves")
    return KnobAnswer(Knob.DATA_ACCESS, side.access_steps / allowed, today, allowed / side.accesses, unit)


def processors_answer(side: QuantumSide, classical_s: float) -> KnobAnswer:
    """Machines running independent pieces (rows, circuit runs) side by side, ideally split."""
    unit = "processors"
    reason = _no_room(side, classical_s)
    if reason:
        return KnobAnswer(Knob.PARALLEL_PROCESSORS, None, 1, None, unit, reason)
    factor = factor_needed(side, classical_s)
    needed = max(1, math.ceil(factor))
    if needed > side.independent_pieces:
        return KnobAnswer(Knob.PARALLEL_PROCESSORS, factor, 1, None, unit,
                          f"needs {needed:.3g} processors, more than the {side.independent_pieces:,} "
                          "independent pieces (rows or circuit runs) that can run side by side")
    return KnobAnswer(Knob.PARALLEL_PROCESSORS, factor, 1, float(needed), unit)


def error_rate_answer(side: QuantumSide, classical_s: float, step_at: Callable[[float], float | None],
                      fastest_step_s: float, error_rate: float | None) -> KnobAnswer:
    """The physical error rate, through the code distance: ``step_at(scale)`` is the step time
    (s) the rule picks with every physical error rate times ``scale`` (None when no distance
    meets the budget), nonincreasing as the scale falls; ``fastest_step_s`` the least step time
    the code offers. ``error_rate``: today's rate (the model's two-qubit error), for ``needed``."""
    unit = "physical error rate (times today's)" if error_rate is None else "physical error rate"
    reason = _no_room(side, classical_s)
    if reason:
        return KnobAnswer(Knob.PHYSICAL_ERROR_RATE, None, error_rate, None, unit, reason)
    factor = factor_needed(side, classical_s)
    target = side.step_s / factor
    if target < fastest_step_s:
        return KnobAnswer(
            Knob.PHYSICAL_ERROR_RATE, None, error_rate, None, unit,
            f"even the smallest code distance ({fastest_step_s * 1e9:.4g} ns per step) only makes the "
            f"runtime {side.step_s / fastest_step_s:.3g}x shorter, and {factor:.3g}x is needed")
    if factor <= 1:
        return KnobAnswer(Knob.PHYSICAL_ERROR_RATE, factor, error_rate, error_rate, unit)

    def fast_enough(log_scale: float) -> bool:
        step = step_at(10.0**log_scale)
        return step is not None and step <= target * (1 + 1e-12)

    low = -1.0
    while not fast_enough(low):
        low *= 2
        if low < -4096:
            raise QResourceError("the step model's error rates do not reach the needed step time")
    high = 0.0
    for _ in range(60):
        middle = (low + high) / 2
        if fast_enough(middle):
            low = middle
        else:
            high = middle
    scale = 10.0**low
    return KnobAnswer(Knob.PHYSICAL_ERROR_RATE, 1 / scale, error_rate,
                      None if error_rate is None else error_rate * scale, unit)


# ---------------------------------------------------------------------------------------------
# Curves: each knob's breakeven value at every n, as one vectorised evaluation


def needed_cycle_time(steps: Sequence[float], classical_s: Sequence[float], hybrid_s: Sequence[float]) -> np.ndarray:
    """tau*(n) = (T_C - T_h) / S: the logical cycle time at which each n breaks even (NaN
    where the classical part alone is slower). Read the other way, the least n with
    tau*(n) >= tau is the breakeven n of a machine with cycle time tau."""
    steps = np.asarray(steps, dtype=float)
    room = np.asarray(classical_s, dtype=float) - np.asarray(hybrid_s, dtype=float)
    return np.where(room > 0, room / np.where(room > 0, steps, 1.0), np.nan)


def breakeven_n_for(tau_s: float, ns: Sequence[int], tau_star: Sequence[float]) -> int | None:
    """The least n of the grid at which a machine with logical cycle time ``tau_s`` is faster."""
    for n, value in zip(ns, tau_star):
        if value is not None and not math.isnan(value) and value > tau_s:
            return int(n)
    return None


def breakeven_n(quantum_s: Callable[[int], float | None], classical_s: Callable[[int], float], n_min: int,
                n_max: int, **rules) -> Crossover:
    """The least integer n where the quantum runtime falls below the classical one: the report's
    crossover search (:func:`qresource.compare.crossover.find_crossover`) with its rules."""
    return find_crossover(quantum_s, classical_s, n_min, n_max, **rules)
