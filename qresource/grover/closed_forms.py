"""Whole attention in the circuit model, in closed form over grids of shape-only problems.

The one definition of the circuit model's totals for a problem given by its shape (every row
with k marked keys, the known-k find-all schedule): ``estimate attention`` and ``table`` both
call :func:`attention_grid`. Per row, stage t (t = k..1 keys unfound, e = k - t excluded) runs
``GroverSearch(oracle excluding e, r_t)`` and measures ``index``, 1/p_t times in expectation
(:mod:`qresource.grover.schedules`); the row's expected totals are summed and rounded up, and
whole attention is n rows one after another on one register set (docs/grover.md).

Every search's counts come from the oracle's stage closed forms
(:func:`qresource.oracle.closed_forms.stage_oracle_groups`, every (d, b, loader) of one n at
once) and the diffusion's
(:func:`qresource.grover.diffusion.diffusion_closed_form`):

- gates: m Hadamards, then r times (oracle + diffusion); measuring adds m measurements;
- depth: the oracle enters the search as a barrier (its closed form), so every iterate starts
  when the slowest index qubit is ready: 1 + r D_O + (r - 1) D_thru + D_end, where D_thru is
  the diffusion's longest path from an input to an output and D_end to its last gate; measuring
  adds one layer. T-depth the same with T-layers (the Hadamards and the measurement have none);
- qubits: the iterate's peak, max(oracle, diffusion, m); a search of r = 0 iterates holds m.

Expectations are exact: 1/p_t is the reciprocal of the double p_t, summed in fixed point with
2^-200 resolution rounded down, bounded above by the largest error that rounding can make; where
the two bounds round up to different integers (the sum is an integer, or within B 2^-200 of one,
B a bound on the stages' sum),
the sum is redone in exact rationals. A grid is evaluated as whole columns: prefix sums over the
stages and exact convolutions (:func:`attention_columns`, docs/grover.md "Whole grids"). Tests
hold the totals equal to counting each search's bloq through its call graph
(:func:`qresource.grover.circuit_costs.circuit_totals`) and to each search's closed form.
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
from qresource.grover.schedules import optimal_stage
from qresource.loaders.kinds import LoaderKind
from qresource.machinery.logical import GATE_KEYS
from qresource.machinery.parallel import Runner
from qresource.oracle.closed_forms import loader_costs_many, prepare_stages, stage_oracle_groups

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
    r, p = optimal_stage(remaining, space)
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


_DEPTH_KEYS = ("depth", "t_depth", "lattice_surgery_depth")
_SUM_KEYS = (*GATE_KEYS, *_DEPTH_KEYS)
#: Terms a float64 sum of 16-bit limb products holds exactly (each below 2^32, the sum below 2^53).
_LIMB_TERMS = 1 << 20


def attention_grid(points: Iterable[tuple[int, int, int, int, str]]) -> list[AttentionTotals]:
    """Circuit-model totals of whole attention at every (n, k, d, bits, loader) point
    (:func:`attention_columns` over the points, one record per point)."""
    points = list(points)
    if not points:
        return []
    columns = attention_columns(*zip(*points))
    keys = ("qubits", *_SUM_KEYS)
    return [AttentionTotals(logical=LogicalCounts(**dict(zip(keys, values))), queries=queries)
            for queries, *values in zip(columns["queries"], *(columns[key].tolist() for key in keys))]


def attention_columns(ns, ks, ds, bits, loaders, runner: Runner | None = None) -> dict[str, np.ndarray]:
    """Circuit-model totals of whole attention over arrays of points (one entry per point): the
    columns ``queries`` and the logical keys, exact integers (object arrays; ``qubits`` int64).
    The oracle's row side of each distinct (d, b) and index side of each n are found on
    ``runner``'s workers where it has them and the pairs are many
    (:func:`~qresource.oracle.closed_forms.prepare_stages`).

    Per row, stage t (t = k..1, e = k - t keys excluded) contributes W_t (r_t X[e] + c_t),
    W_t = floor(2^200 / p_t), where X[e] is one iterate's count or the oracle's depth at e
    exclusions and c_t the per-search constant (the Hadamards, the measurement, the diffusion's
    tail): W_t, r_t and c_t depend on (n, t) only. With X[e] = X1 + delta[e] for e >= 1, a
    row's sum is X0 W_k r_k + X1 sum_{t<k} W_t r_t + sum_{t<k} W_t r_t delta[k - t] +
    sum_{t<=k} W_t c_t: prefix sums over t, one convolution per n (the index side's tests) or
    per group (depth's delta, exact through 16-bit limbs), and per point a few big-integer
    multiply-adds over whole columns (docs/grover.md, "Whole grids")."""
    ns = np.asarray(ns, dtype=np.int64)
    ks = np.asarray(ks, dtype=np.int64)
    ds = np.asarray(ds, dtype=np.int64)
    bits = np.asarray(bits, dtype=np.int64)
    parsed = {raw: LoaderKind.parse(raw) for raw in dict.fromkeys(loaders)}
    kinds = list(dict.fromkeys(parsed.values()))
    code_of = {raw: kinds.index(kind) for raw, kind in parsed.items()}
    loader_codes = np.array([code_of[raw] for raw in loaders], dtype=np.int64)
    count = len(ns)
    # one group per distinct (n, d, bits, loader), numbered in sorted order
    axes = [np.unique(column, return_inverse=True) for column in (ns, ds, bits, loader_codes)]
    code = np.zeros(count, dtype=np.int64)
    for values, inverse in axes:
        code = code * len(values) + inverse.reshape(-1)
    codes, group_of = np.unique(code, return_inverse=True)
    group_of = group_of.reshape(-1)
    group_keys = np.empty((len(codes), 4), dtype=np.int64)
    for column in range(3, -1, -1):
        values = axes[column][0]
        group_keys[:, column] = values[codes % len(values)]
        codes = codes // len(values)
    most = np.zeros(len(group_keys), dtype=np.int64)
    np.maximum.at(most, group_of, ks)
    prepare_stages(map(tuple, np.unique(group_keys[:, 1:3], axis=0).tolist()),
                   [(int(n), int(most[group_keys[:, 0] == n].max()) - 1) for n in np.unique(ns)], runner)
    loads = _loads(group_keys, kinds)
    out = {key: np.empty(count, dtype=object) for key in ("queries", *_SUM_KEYS)}
    out["qubits"] = np.zeros(count, dtype=np.int64)
    for n in np.unique(ns):
        n = int(n)
        in_n = np.flatnonzero(group_keys[:, 0] == n)
        exclusions = int(most[in_n].max()) - 1
        rows = [(int(group_keys[g, 1]), int(group_keys[g, 2]), *loads[g]) for g in in_n]
        oracles = stage_oracle_groups(n, rows, exclusions)
        chosen = np.flatnonzero(ns == n)
        local_group = np.searchsorted(in_n, group_of[chosen])
        _fill_n(out, n, exclusions + 1, oracles, chosen, local_group, ks[chosen])
    return out


def _loads(group_keys: np.ndarray, kinds) -> list[tuple[dict, dict]]:
    """The loader's and its unload's counts for every group (n, d, bits, loader code), each
    distinct (2^m words, d b bits) evaluated once."""
    out: list = [None] * len(group_keys)
    for code, kind in enumerate(kinds):
        mine = np.flatnonzero(group_keys[:, 3] == code)
        if not len(mine):
            continue
        sizes = [(1 << address_width(int(group_keys[g, 0])), int(group_keys[g, 1] * group_keys[g, 2])) for g in mine]
        distinct = list(dict.fromkeys(sizes))
        words, widths = [w for w, _ in distinct], [b for _, b in distinct]
        costs = loader_costs_many(kind, words, widths)
        unload_costs = loader_costs_many(kind, words, widths, unload=True)
        at = {size: i for i, size in enumerate(distinct)}
        for g, size in zip(mine, sizes):
            i = at[size]
            out[g] = ({name: int(values[i]) for name, values in costs.items()},
                      {name: int(values[i]) for name, values in unload_costs.items()})
    return out


@dataclass(frozen=True)
class _Schedule:
    """The known-k schedule's stages t = 1..K of one n (index t; index 0 unused): iterations,
    weights W_t r_t, each key's constant c_t weighted and summed up to every t, and one row's
    expected oracle calls for every k <= K."""

    stages: list
    iterations: np.ndarray          # int64, index t
    weighted_iterations: np.ndarray  # object: W_t r_t
    before: np.ndarray              # object: sum_{t < k} W_t r_t, index k
    constants: dict                 # key -> object array: sum_{t <= k} W_t c_t, index k
    constant_terms: dict            # key -> int64 array: c_t
    queries: np.ndarray             # object: ceil(n * expected_queries(n, k)), index k


def _schedule(n: int, most: int) -> _Schedule:
    m = address_width(n)
    space = 1 << m
    row = [None] + [_stage(t, space) for t in range(1, most + 1)]
    r = np.array([0] + [s.iterations for s in row[1:]], dtype=np.int64)
    weights = np.array([0] + [s.weight for s in row[1:]], dtype=object)
    weighted = weights * r.astype(object)
    before = np.concatenate([[0], np.cumsum(weighted)[:-1]]).astype(object)
    diffusion = _diffusion(m)
    ran = r > 0
    terms = {key: np.zeros(most + 1, dtype=np.int64) for key in _SUM_KEYS}
    terms["clifford"][1:] = terms["measurements"][1:] = m
    for which, (key, hadamard) in enumerate(zip(_DEPTH_KEYS, (1, 0, 1))):
        # a search's depth beyond its r oracles: the Hadamard layer, the diffusion's r - 1
        # passes and its tail, the measurement; a search of no iterates is the two layers
        tail = hadamard + (r - 1) * diffusion.through[which] + diffusion.end[which] + hadamard
        terms[key][1:] = np.where(ran, tail, 2 * hadamard)[1:]
    constants = {key: np.cumsum(weights * terms[key].astype(object)).astype(object) for key in _SUM_KEYS}
    addends = [0.0] + [s.iterations * (1.0 / s.success_probability) for s in row[1:]]
    queries = np.array([0] + [math.ceil(n * math.fsum(addends[1:k + 1])) for k in range(1, most + 1)], dtype=object)
    return _Schedule(row, r, weighted, before, constants, terms, queries)


def _toeplitz_digits(weighted: np.ndarray, rows: np.ndarray, columns: np.ndarray) -> np.ndarray:
    """out[i, c] = sum_{e=1}^{k-1} weighted[k - e] rows[i, e] at k = columns[c], exactly, as
    base-2^16 digits (last axis, least significant first; ``weighted``: non-negative Python
    ints, index t; ``rows``: non-negative int64, index e). Both are cut into 16-bit limbs, the
    limb products summed in float64 (each below 2^32, their sums below 2^53: exact) by one matrix
    product, and the limbs joined with carries; equal rows are summed once."""
    rows = np.asarray(rows, dtype=np.int64)
    if not rows.any() or not len(columns):
        return np.zeros((rows.shape[0], len(columns), 1), dtype=np.int64)
    rows, inverse = np.unique(rows, axis=0, return_inverse=True)
    inverse = inverse.reshape(-1)
    if rows.shape[1] > _LIMB_TERMS:
        # past 2^20 terms a limb product's sum could pass 2^53: sum in Python integers
        out = np.zeros((rows.shape[0], len(columns)), dtype=object)
        for c, k in enumerate(columns):
            out[:, c] = np.dot(rows[:, 1:k].astype(object), weighted[k - 1:0:-1]) if k > 1 else 0
        count = (max(int(v).bit_length() for v in out.ravel()) + 15) // 16 + 1
        return _to_digits(out.ravel(), count).reshape(*out.shape, count)[inverse]
    w_limbs = (max(int(max(weighted)).bit_length(), 1) + 15) // 16
    r_limbs = (int(rows.max()).bit_length() + 15) // 16
    k_index, e_index = np.meshgrid(np.asarray(columns, dtype=np.int64), np.arange(rows.shape[1]), indexing="ij")
    lag = k_index - e_index
    inside = (e_index >= 1) & (lag >= 1)
    lag = np.where(inside, lag, 0)
    weight_limbs = np.array([[(int(w) >> (16 * j)) & 0xFFFF for w in weighted] for j in range(w_limbs)],
                            dtype=np.float64)
    toeplitz = np.where(inside[None], weight_limbs[:, lag], 0.0).reshape(w_limbs * len(columns), -1)
    row_limbs = np.stack([(rows >> (16 * l)) & 0xFFFF for l in range(r_limbs)]).astype(np.float64)
    products = row_limbs.reshape(r_limbs * rows.shape[0], -1) @ np.ascontiguousarray(toeplitz.T)
    products = products.astype(np.int64).reshape(r_limbs, rows.shape[0], w_limbs, len(columns))
    digits = np.zeros((w_limbs + r_limbs + 4, rows.shape[0], len(columns)), dtype=np.int64)
    for l in range(r_limbs):
        for j in range(w_limbs):
            digits[j + l] += products[l, :, j, :]
    carry = np.zeros(digits.shape[1:], dtype=np.int64)
    for s in range(len(digits)):
        digits[s] += carry
        carry = digits[s] >> 16
        digits[s] &= 0xFFFF
    return np.moveaxis(digits, 0, -1)[inverse]


def _toeplitz_sums(weighted: np.ndarray, rows: np.ndarray, columns: np.ndarray) -> np.ndarray:
    """:func:`_toeplitz_digits` as Python ints."""
    digits = _toeplitz_digits(weighted, rows, columns)
    return _from_digits(digits.reshape(-1, digits.shape[-1])).reshape(digits.shape[:-1])


def _from_digits(digits: np.ndarray) -> np.ndarray:
    """Rows of base-2^16 digits (least significant first, each below 2^16) as Python ints."""
    raw = np.ascontiguousarray(digits.astype("<u2")).tobytes()
    width = 2 * digits.shape[1]
    out = np.empty(len(digits), dtype=object)
    out[:] = [int.from_bytes(raw[i:i + width], "little") for i in range(0, len(raw), width)]
    return out


def _to_digits(values, count: int) -> np.ndarray:
    """Non-negative Python ints as rows of ``count`` base-2^16 digits."""
    raw = b"".join(int(v).to_bytes(2 * count, "little") for v in values)
    return np.frombuffer(raw, dtype="<u2").astype(np.int64).reshape(len(values), count)


def _fill_n(out: dict, n: int, most: int, oracles, chosen: np.ndarray, group: np.ndarray, ks: np.ndarray) -> None:
    """The totals of the points ``chosen`` (all of size n; ``group``: their group in
    ``oracles``) written into ``out``."""
    m = address_width(n)
    plan = _schedule(n, most)
    diffusion = _diffusion(m)
    index_rows = np.array([[0] + [int(getattr(t, key)) for t in oracles.index_tallies] for key in GATE_KEYS],
                          dtype=np.int64).reshape(len(GATE_KEYS), most)
    columns = np.unique(ks)
    at = np.searchsorted(columns, ks)
    index_sums = _toeplitz_sums(plan.weighted_iterations, index_rows, columns)
    # each point's W_k r_k and sum_{t<k} W_t r_t in digits, digit-major (shared by every key)
    weights = _to_digits(plan.weighted_iterations[columns], _digit_count(plan.weighted_iterations[columns]))[at].T
    befores = _to_digits(plan.before[columns], _digit_count(plan.before[columns]))[at].T
    iterations = int(plan.iterations.sum())
    for i, key in enumerate((*GATE_KEYS, *_DEPTH_KEYS)):
        if key in GATE_KEYS:
            first = [int(getattr(t, key)) + diffusion.tally[key] for t in oracles.first_tallies]
            rest = [int(getattr(t, key)) + diffusion.tally[key] for t in oracles.row_tallies] or [0] * len(first)
            per_k = index_sums[i] + plan.constants[key][columns]
            largest = max(max(first), max(rest) + int(index_rows[i].max()))
            shifts = None
        else:
            depths = getattr(oracles, key)
            base = depths[:, 1:].min(axis=1) if most > 1 else np.zeros(len(depths), dtype=np.int64)
            excess = depths - base[:, None]
            excess[:, 0] = 0
            first, rest = depths[:, 0].tolist(), base.tolist()
            per_k = plan.constants[key][columns]
            largest = int(depths.max())
            shifts = _toeplitz_digits(plan.weighted_iterations, excess, columns) if excess.any() else None
        # 2^200 times the exact expectation lies in [S, S + sum_t v_t], sum_t v_t <= bound (the
        # largest X at every stage); where S's fraction is neither 0 nor within bound of 1,
        # the expectation lies strictly inside (S >> 200, (S >> 200) + 1)
        bound = largest * iterations + int(plan.constant_terms[key].sum())
        if bound == 0:  # every v_t of every row is 0
            out[key][chosen] = 0
            continue
        whole, unsure = _ceiling_parts(first, rest, weights, befores, per_k, shifts, group, at, bound)
        ceiling = whole + 1
        if ceiling.dtype != object and int(ceiling.max()) <= (2**63 - 1) // n:
            result = (ceiling * n).astype(object)
        else:
            result = ceiling.astype(object) * n
        for j in unsure:
            result[j] = n * _exact_ceiling(plan, oracles, diffusion, key, int(group[j]), int(ks[j]))
        out[key][chosen] = result
    out["queries"][chosen] = plan.queries[ks]
    out["qubits"][chosen] = _peak_qubits(plan, oracles, diffusion, m, group, ks)


def _digit_count(values) -> int:
    return (max(int(v).bit_length() for v in values) + 15) // 16 + 1


def _ceiling_parts(first, rest, weights, befores, per_k, shifts, group, at, bound):
    """S = first[g] W_k r_k + rest[g] sum_{t<k} W_t r_t + per_k[k] (+ shifts[g, k]) at every
    point (g = group, k = columns[at]; ``weights`` and ``befores``: the points' W_k r_k and
    sum_{t<k} W_t r_t as digit-major digits) in base-2^16 digits over int64 columns: S >> 200 as
    Python ints and the points whose rounding cannot be told from S and ``bound`` (fraction 0,
    or within ``bound`` of the next integer)."""
    count = len(group)
    factor_digits = max(_digit_count(first), _digit_count(rest))
    firsts = _to_digits(first, factor_digits)
    rests = _to_digits(rest, factor_digits)
    constants = _to_digits(per_k, _digit_count(per_k))
    size = max(len(weights), len(befores), constants.shape[1],
               0 if shifts is None else shifts.shape[-1]) + factor_digits + 2
    digits = np.zeros((size, count), dtype=np.int64)  # digit-major: each digit one contiguous row
    w, b = weights, befores
    for i in range(factor_digits):
        a, r = firsts[group, i], rests[group, i]
        if a.any():
            digits[i:i + len(w)] += a * w
        if r.any():
            digits[i:i + len(b)] += r * b
    digits[:constants.shape[1]] += constants[at].T
    if shifts is not None:
        digits[:shifts.shape[-1]] += np.moveaxis(shifts[group, at], -1, 0)
    carry = np.zeros(count, dtype=np.int64)
    for d in range(size):
        digits[d] += carry
        np.right_shift(digits[d], 16, out=carry)
        digits[d] &= 0xFFFF
    split, offset = divmod(SCALE_BITS, 16)  # the binary point: digit 12, bit 8
    fraction_top = digits[split] & ((1 << offset) - 1)
    zero = ~digits[:split].any(axis=0) & (fraction_top == 0)
    start = (bound.bit_length() + 15) // 16
    if start < split:
        near_one = (digits[start:split] == 0xFFFF).all(axis=0) & (fraction_top == (1 << offset) - 1)
    else:
        near_one = np.ones(count, dtype=bool)
    unsure = np.flatnonzero(zero | near_one)
    high = digits[split:]
    high[0] >>= offset
    # the integer part: digit j (j >= 1) weighs 2^(16 j - offset); in int64 while it fits
    used = max([0] + [j for j in range(len(high)) if high[j].any()])
    if 16 * used - offset + 16 <= 62:
        whole = high[0].copy()
        for j in range(1, used + 1):
            whole += high[j] << (16 * j - offset)
        return whole, unsure
    whole = high[0].astype(object)
    for j in range(1, used + 1):
        whole = whole + (high[j].astype(object) << (16 * j - offset))
    return whole, unsure


def _stage_values(plan: _Schedule, oracles, diffusion: _Diffusion, key: str, group: int, k: int) -> list[int]:
    """v_t of one point's stages t = 1..k for ``key`` (index t - 1)."""
    values = []
    for t in range(1, k + 1):
        e = k - t
        if key in GATE_KEYS:
            tally = oracles.first_tallies[group] if e == 0 else oracles.row_tallies[group] + oracles.index_tallies[e - 1]
            x = int(getattr(tally, key)) + diffusion.tally[key]
        else:
            x = int(getattr(oracles, key)[group, e])
        values.append(int(plan.iterations[t]) * x + int(plan.constant_terms[key][t]))
    return values


def _exact_ceiling(plan: _Schedule, oracles, diffusion: _Diffusion, key: str, group: int, k: int) -> int:
    """ceil(sum_t v_t / p_t) in exact rationals (where the fixed-point sum cannot tell)."""
    values = _stage_values(plan, oracles, diffusion, key, group, k)
    exact = sum(plan.stages[t].attempts * v for t, v in zip(range(1, k + 1), values))
    return -((-exact.numerator) // exact.denominator)


def _peak_qubits(plan: _Schedule, oracles, diffusion: _Diffusion, m: int, group: np.ndarray,
                 ks: np.ndarray) -> np.ndarray:
    """Peak over a row's searches: the iterate's at e = 0 where stage t = k runs, at e >= 1
    where any later stage runs, m (the index alone) where some search runs no iterate."""
    ran = plan.iterations > 0
    ran_before = np.concatenate([[False], np.cumsum(ran)[:-1] > 0])    # some t < k ran
    idle_by = np.cumsum(~ran) - (~ran)[0] > 0                           # some t <= k did not
    first = np.maximum(np.array(oracles.first_qubits, dtype=np.int64), max(diffusion.qubits, m))
    rest = np.maximum(np.array(oracles.excluding_qubits or oracles.first_qubits, dtype=np.int64),
                      max(diffusion.qubits, m))
    peak = np.where(ran[ks], first[group], 0)
    peak = np.maximum(peak, np.where(ran_before[ks], rest[group], 0))
    return np.maximum(peak, np.where(idle_by[ks], m, 0))


def attention_point(n: int, k: int, d: int, bits: int, loader: str) -> AttentionTotals:
    """:func:`attention_grid` at one point."""
    (totals,) = attention_grid([(n, k, d, bits, loader)])
    return totals


def grid_points(ns: Sequence[int], ks: Sequence[int], ds: Sequence[int], bits: Sequence[int],
                loaders: Sequence[str]) -> list[tuple]:
    return [(n, k, d, b, loader) for n in ns for k in ks if k <= n for d in ds for b in bits for loader in loaders]
