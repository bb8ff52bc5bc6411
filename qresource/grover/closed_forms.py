"""Whole attention in the circuit model, in closed form over grids of shape-only problems.

The one definition of the circuit model's totals for a problem given by its shape (every row
with k marked keys, the known-k find-all schedule): ``estimate attention`` and ``table`` both
call :func:`attention_grid`. Per row, stage t (t = k..1 keys unfound, e = k - t excluded) runs
``GroverSearch(oracle excluding e, r_t)`` and measures ``index``, 1/p_t times in expectation
(:mod:`qresource.grover.schedules`); the row's expected totals are summed and rounded up, and
whole attention is n rows one after another on one register set (docs/grover.md).

Every search's counts come from the oracle's stage closed forms
(:func:`qresource.oracle.closed_forms.stage_oracles`) and the diffusion's
(:func:`qresource.grover.diffusion.diffusion_closed_form`):

- gates: m Hadamards, then r times (oracle + diffusion); measuring adds m measurements;
- depth: the oracle enters the search as a barrier (its closed form), so every iterate starts
  when the slowest index qubit is ready: 1 + r D_O + (r - 1) D_thru + D_end, where D_thru is
  the diffusion's longest path from an input to an output and D_end to its last gate; measuring
  adds one layer. T-depth the same with T-layers (the Hadamards and the measurement have none);
- qubits: the iterate's peak, max(oracle, diffusion, m); a search of r = 0 iterates holds m.

Expectations are exact: 1/p_t is the reciprocal of the double p_t, summed in fixed point with
2^-200 resolution rounded down and with the largest error that rounding can make; where the two
round up to different integers (the sum is an integer, or within 2^-150 of one), the sum is
redone in exact rationals. Tests hold the
totals equal to counting each search's bloq through its call graph
(:func:`qresource.grover.circuit_costs.circuit_totals`).
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass
from fractions import Fraction
from typing import Iterable, Sequence

import numpy as np

from qresource.core.integers import address_width
from qresource.core.record import LogicalCounts
from qresource.grover.diffusion import diffusion_closed_form
from qresource.grover.schedules import optimal_iterations, success_probability
from qresource.loaders.kinds import LoaderKind
from qresource.machinery.logical import GATE_KEYS
from qresource.oracle.closed_forms import loader_costs_many, stage_oracles

#: Fixed-point resolution of the expectations (bits after the binary point).
SCALE_BITS = 200


@dataclass(frozen=True)
class Stage:
    remaining: int
    iterations: int
    success_probability: float
    weight: int  # floor(2^SCALE_BITS / p): the expected attempts in fixed point, rounded down
    inexact: int  # 1 when the weight was rounded (1/p is not a multiple of 2^-SCALE_BITS)
    attempts: Fraction  # 1/p exactly


@functools.lru_cache(maxsize=1 << 20)
def _stage(remaining: int, space: int) -> Stage:
    r = optimal_iterations(remaining, space)
    p = success_probability(remaining, space, r)
    attempts = 1 / Fraction(p)
    weight, rest = divmod(attempts.numerator << SCALE_BITS, attempts.denominator)
    return Stage(remaining, r, p, weight, int(rest != 0), attempts)


def stages(n: int, k: int) -> list[Stage]:
    """The known-k schedule's stages, t = k, k - 1, ..., 1 (as ``known_k_schedule``)."""
    space = 1 << address_width(n)
    return [_stage(t, space) for t in range(k, 0, -1)]


def expected_queries(n: int, k: int) -> float:
    """One row's expected oracle calls, the float ``KnownKSchedule.expected_queries`` gives."""
    return math.fsum(s.iterations * (1.0 / s.success_probability) for s in stages(n, k))


@dataclass(frozen=True)
class _Diffusion:
    tally: dict
    qubits: int
    through: tuple[int, int, int]  # depth, T-depth, lattice-surgery depth
    end: tuple[int, int, int]


@functools.lru_cache(maxsize=None)
def _diffusion(m: int) -> _Diffusion:
    tally, qubits, through, end = diffusion_closed_form(m)
    return _Diffusion(tally, qubits, through, end)


def search_counts(oracle_tally, oracle_depth: int, oracle_t_depth: int, oracle_qubits: int,
                  iterations: int, m: int, measured: bool = True,
                  oracle_lattice_surgery_depth: int | None = None) -> LogicalCounts:
    """Counts of ``GroverSearch(oracle, iterations)`` (plus the measurement of ``index`` when
    ``measured``) from the oracle's counts (module docstring); the lattice-surgery depth where
    the oracle's is given (the same composition)."""
    diffusion = _diffusion(m)
    r = iterations
    gates = {key: r * (int(getattr(oracle_tally, key)) + diffusion.tally[key]) for key in GATE_KEYS}
    gates["clifford"] += m
    if r:
        depth = 1 + r * oracle_depth + (r - 1) * diffusion.through[0] + diffusion.end[0]
        t_depth = r * oracle_t_depth + (r - 1) * diffusion.through[1] + diffusion.end[1]
        surgery = None if oracle_lattice_surgery_depth is None else (
            1 + r * oracle_lattice_surgery_depth + (r - 1) * diffusion.through[2] + diffusion.end[2])
        qubits = max(oracle_qubits, diffusion.qubits, m)
    else:
        depth, t_depth, surgery, qubits = 1, 0, 1, m
    if measured:
        gates["measurements"] += m
        depth += 1
        surgery = None if surgery is None else surgery + 1
    return LogicalCounts(qubits=qubits, depth=depth, t_depth=t_depth, lattice_surgery_depth=surgery, **gates)


def _ceil_scaled(value: int) -> int:
    return -((-value) >> SCALE_BITS)


@dataclass(frozen=True)
class AttentionTotals:
    """Whole attention's expected logical totals and its expected oracle calls (rounded up)."""

    logical: LogicalCounts
    queries: int


_SUM_KEYS = (*GATE_KEYS, "depth", "t_depth", "lattice_surgery_depth")


def attention_grid(points: Iterable[tuple[int, int, int, int, str]]) -> list[AttentionTotals]:
    """Circuit-model totals of whole attention at every (n, k, d, bits, loader) point.

    Points sharing (n, d, bits, loader) share one evaluation of the oracle's stages (up to the
    largest k among them) and sum each k's stages as vectors; the loaders' closed forms are
    evaluated over all points at once."""
    points = [(int(n), int(k), int(d), int(bits), LoaderKind.parse(loader)) for n, k, d, bits, loader in points]
    groups: dict[tuple, int] = {}
    for n, k, d, bits, loader in points:
        key = (n, d, bits, loader)
        groups[key] = max(groups.get(key, 0), k)
    loads = _loads(groups)
    searches = {key: _SearchArrays.of(key[0], stage_oracles(key[0], key[1], key[2], key[3], most - 1,
                                                                     load=loads[key][0], unload=loads[key][1]))
                for key, most in groups.items()}
    return [_totals(n, k, searches[(n, d, bits, loader)]) for n, k, d, bits, loader in points]


def _loads(groups) -> dict:
    by_kind: dict = {}
    for key in groups:
        by_kind.setdefault(key[3], []).append(key)
    out = {}
    for kind, keys in by_kind.items():
        words = [1 << address_width(n) for n, _, _, _ in keys]
        widths = [d * bits for _, d, bits, _ in keys]
        costs = loader_costs_many(kind, words, widths)
        unload_costs = loader_costs_many(kind, words, widths, unload=True)
        for i, key in enumerate(keys):
            out[key] = ({name: int(values[i]) for name, values in costs.items()},
                        {name: int(values[i]) for name, values in unload_costs.items()})
    return out


@dataclass(frozen=True)
class _SearchArrays:
    """Per exclusion count e: one iterate's gates, the oracle's depths, the iterate's qubits."""

    m: int
    iterate: dict
    depth: np.ndarray
    t_depth: np.ndarray
    qubits: np.ndarray
    lattice_surgery_depth: np.ndarray

    @classmethod
    def of(cls, n: int, oracles) -> "_SearchArrays":
        m = address_width(n)
        diffusion = _diffusion(m)
        iterate = {key: np.array([int(getattr(t, key)) + diffusion.tally[key] for t in oracles.tallies], dtype=object)
                   for key in GATE_KEYS}
        qubits = np.array([max(q, diffusion.qubits, m) for q in oracles.qubits], dtype=np.int64)
        return cls(m, iterate, np.asarray(oracles.depth, dtype=object), np.asarray(oracles.t_depth, dtype=object), qubits,
                   np.asarray(oracles.lattice_surgery_depth, dtype=object))


@dataclass(frozen=True)
class _Schedule:
    """The stages of one row by exclusion count e = k - t: iterations, weights, exactness."""

    iterations: np.ndarray
    weights: np.ndarray
    inexact: np.ndarray
    attempts: list
    queries: int


@functools.lru_cache(maxsize=65536)
def _schedule(n: int, k: int) -> _Schedule:
    row = stages(n, k)
    return _Schedule(np.array([s.iterations for s in row], dtype=object), np.array([s.weight for s in row], dtype=object),
                     np.array([s.inexact for s in row], dtype=object), [s.attempts for s in row],
                     math.ceil(n * expected_queries(n, k)))


def _totals(n: int, k: int, search: _SearchArrays) -> AttentionTotals:
    m = search.m
    plan = _schedule(n, k)
    r = plan.iterations
    ran = r > 0
    diffusion = _diffusion(m)
    values = {key: r * search.iterate[key][:k] for key in GATE_KEYS}
    values["clifford"] = values["clifford"] + m
    values["measurements"] = values["measurements"] + m
    values["depth"] = np.where(ran, 1 + r * search.depth[:k] + (r - 1) * diffusion.through[0] + diffusion.end[0], 1) + 1
    values["t_depth"] = np.where(ran, r * search.t_depth[:k] + (r - 1) * diffusion.through[1] + diffusion.end[1], 0)
    values["lattice_surgery_depth"] = np.where(
        ran, 1 + r * search.lattice_surgery_depth[:k] + (r - 1) * diffusion.through[2] + diffusion.end[2], 1) + 1
    peak = int(np.where(ran.astype(bool), search.qubits[:k], m).max())
    rows = {}
    for key in _SUM_KEYS:
        total = np.dot(plan.weights, values[key])
        low, high = _ceil_scaled(total), _ceil_scaled(total + np.dot(plan.inexact, values[key]))
        if low != high:
            exact = sum(a * int(v) for a, v in zip(plan.attempts, values[key]))
            low = -((-exact.numerator) // exact.denominator)
        rows[key] = n * int(low)
    return AttentionTotals(logical=LogicalCounts(qubits=peak, **rows), queries=plan.queries)


def attention_point(n: int, k: int, d: int, bits: int, loader: str) -> AttentionTotals:
    """:func:`attention_grid` at one point."""
    (totals,) = attention_grid([(n, k, d, bits, loader)])
    return totals


def grid_points(ns: Sequence[int], ks: Sequence[int], ds: Sequence[int], bits: Sequence[int],
                loaders: Sequence[str]) -> list[tuple]:
    return [(n, k, d, b, loader) for n in ns for k in ks if k <= n for d in ds for b in bits for loader in loaders]
