"""The shape-only phase oracle at every stage of a find-all schedule, in closed form.

Stage e of the schedule calls ``ThresholdOracle(n, d, b, loader, form="phase",
excluded=(n-1, ..., n-e))``. Its counts are those :meth:`ThresholdOracle.my_static_costs` gives
(tests hold every value here equal to them), computed without building the oracle of each stage:
the oracle splits into a *row side* (the loads, the inner product and the comparison: it depends
on d, b and the loader, never on e) and an *index side* (the exclusion tests on ``index``: it
depends on n and e, never on d, b or the loader), which meet in one gate, the CZ between the
comparison's qubit and the exclusion qubit (docs/oracle.md, "Stages in closed form"):

- gate counts: the row side's (the load's and the unload's closed forms, which differ for QROAM,
  unloaded by measurement, and the middle's parts) plus two
  of each exclusion test, summed once over e for every n;
- depth and T-depth: the held-depth plan (:class:`~qresource.machinery.depth.HeldDepthPlan`) of
  the oracle with the loads *and the CZ* held; a CZ is a barrier of one layer on its two qubits,
  so holding it loses nothing. The row side's plan is taken once per (d, b) on the oracle of
  index width 1; the index side's paths to the CZ, to the second load and to the end are max-plus
  products through the tests' depth profiles, built up one test at a time for every n; each
  entry of the stage's plan is the larger of the two sides' (the index width 1 oracle's own test
  paths are shorter than any wider index's, so taking the larger changes nothing else);
- qubits: the peak of Qualtran's sequential width, whose points are the loads (the loader's
  width alone), the exclusion tests (their own width 2m plus bystanders that do not grow with m),
  and every other point (a width plus the m qubits of ``index``).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np
from qualtran.bloqs.basic_gates import CZ
from qualtran.resource_counting import get_cost_value
from qualtran.resource_counting._qubit_counts import _cbloq_max_width

from qresource.arithmetic.comparator import EqualsConstant, equals_constant_profiles
from qresource.core.integers import address_width
from qresource.loaders import closed_forms as loader_forms
from qresource.loaders.kinds import LoaderKind
from qresource.machinery.depth import NO_PATH, HeldDepthPlan, augmented, max_plus_product
from qresource.machinery.held_plans import held_plans_of
from qresource.machinery.lattice_surgery import HeldPlan
from qresource.machinery.logical import GATE_KEYS, GateTally, LoweredGateCost
from qresource.machinery.sweep import exact_lambdify
from qresource.oracle.threshold_oracle import ThresholdOracle, _part_qubits, _part_tally

_LOADER_KEYS = ("qubits", *GATE_KEYS, "depth", "t_depth", "lattice_surgery_depth")


@functools.lru_cache(maxsize=None)
def _loader_functions(kind: str, unload: bool = False):
    expressions = (loader_forms.unload_expressions if unload else loader_forms.expressions)(kind)
    symbols = (loader_forms.N, loader_forms.b, loader_forms.W, loader_forms.V, loader_forms.L, loader_forms.k,
               loader_forms.Z)
    return {key: exact_lambdify(symbols, expressions[key]) for key in _LOADER_KEYS}


def loader_costs_many(kind: str, words, bits, *, unload: bool = False) -> dict[str, np.ndarray]:
    """The loaders' closed forms (the table weight without a table, QROAM's own block size, one
    fan-out lane per bit) evaluated over arrays of table sizes and word widths at once: the
    values ``loader_counts`` gives (``unload``: those of ``unload_counts``)."""
    words = np.asarray(words, dtype=object)
    bits = np.asarray(bits, dtype=object)
    ones = np.array([loader_forms.table_weight(kind, int(w), int(b)) for w, b in zip(words, bits)], dtype=object)
    if kind == LoaderKind.QROAM:
        block = np.array([loader_forms.qroam_log_block_size(int(w), int(b)) for w, b in zip(words, bits)], dtype=object)
    else:
        block = np.zeros(len(words), dtype=object)
    return {key: function(words, bits, ones, ones, bits, block, words)
            for key, function in _loader_functions(str(kind), unload).items()}


# ---------------------------------------------------------------------------------------------
# Row side: one oracle of index width 1 per (d, b)


@functools.lru_cache(maxsize=None)
def _narrow(d: int, bits: int, excluding: bool) -> ThresholdOracle:
    return ThresholdOracle(2, d, bits, form="phase", excluded=(1,) if excluding else ())


@functools.lru_cache(maxsize=None)
def _narrow_composite(d: int, bits: int, excluding: bool):
    return _narrow(d, bits, excluding).decompose_bloq()


def _is_test(bloq) -> bool:
    return isinstance(bloq, EqualsConstant)


@functools.lru_cache(maxsize=None)
def _row_plans_both(d: int, bits: int) -> tuple:
    def item(excluding):
        oracle, cz = _narrow(d, bits, excluding), CZ()
        return _narrow_composite(d, bits, excluding), lambda bloq: oracle.is_row_load(bloq) or (excluding and bloq == cz)

    return tuple(held_plans_of([item(False), item(True)]))


def row_plans(d: int, bits: int, excluding: bool) -> tuple[HeldDepthPlan, HeldPlan]:
    """Held plans (depth and T-depth; lattice-surgery depth) of the width-1 oracle: loads held
    (and, excluding, the CZ). Both forms at once: they share the load and the inner product."""
    return _row_plans_both(d, bits)[int(excluding)]


def row_plan(d: int, bits: int, excluding: bool) -> HeldDepthPlan:
    """The depth and T-depth plan of :func:`row_plans`."""
    return row_plans(d, bits, excluding)[0]


def row_lattice_surgery_plan(d: int, bits: int, excluding: bool) -> HeldPlan:
    """The lattice-surgery depth plan of :func:`row_plans`."""
    return row_plans(d, bits, excluding)[1]


@functools.lru_cache(maxsize=None)
def row_tally(d: int, bits: int, excluding: bool) -> GateTally:
    """Gates of the oracle other than its loads and exclusion tests (any index width)."""
    oracle = _narrow(d, bits, excluding)
    total = GateTally()
    for _, bloq in oracle.parts():
        if not oracle.is_row_load(bloq) and not _is_test(bloq):
            total = total + _part_tally(bloq)
    return total


@functools.lru_cache(maxsize=None)
def row_widths(d: int, bits: int, excluding: bool) -> tuple[int, int | None]:
    """(X0, B): the oracle's peak width without its loads is max(X0 + m - 1, B + 2m) at index
    width m (B is None without exclusions: then X0 + m - 1)."""
    oracle = _narrow(d, bits, excluding)
    graph = _narrow_composite(d, bits, excluding)._binst_graph

    def width(test_width):
        return int(_cbloq_max_width(graph, lambda bloq: 0 if oracle.is_row_load(bloq) else (
            test_width if _is_test(bloq) else _part_qubits(bloq))))

    if not excluding:
        return width(0), None
    big = 1 << 40
    return width(0), width(big) - big


# ---------------------------------------------------------------------------------------------
# Index side: the exclusion tests of n - 1, n - 2, ... one after another


@dataclass
class IndexSide:
    """For every stage e = 1..len: the index side's paths (sources: start, end of the first
    load, end of the CZ), for depth and T-depth: to the CZ (``cz``: start, load), to the second
    load (``load``) and to the end (``sink``); and the two passes of the tests' gates."""

    cz: list
    load: list
    sink: list
    tallies: list


_INDEX_SIDES: dict[int, tuple[IndexSide, object]] = {}

#: Layers of one X gate in each reading: depth, T-depth, lattice-surgery depth.
_X_LAYER = (1, 0, 1)


def index_side(n: int, stages: int) -> IndexSide:
    """The index side of the first ``stages`` exclusion counts of n's oracles (memoised, grown
    one test at a time: forward along the compute pass, backward along the uncompute pass)."""
    have = _INDEX_SIDES.get(n)
    if have is not None and len(have[0].cz) >= stages:
        return have[0]
    m = address_width(n)
    if have is None:
        side = IndexSide(cz=[], load=[], sink=[], tallies=[])
        state = None
    else:
        side, state = have
    if state is None:
        size = m + 3  # index wires, listed, fresh, sink
        start = np.full((3, size), NO_PATH, dtype=np.int64)
        start[1, :m] = 0       # index: ready when the first load ends
        start[0, m] = 0        # listed: a fresh qubit
        start[0, m + 1] = 0    # fresh wires
        targets = np.full((size, 2), NO_PATH, dtype=np.int64)
        targets[:m, 0] = 0     # into the second load
        targets[:, 1] = 0      # to the end
        targets[m + 1, :] = NO_PATH
        state = {"forward": [start, start.copy(), start.copy()], "backward": [targets, targets.copy(), targets.copy()],
                 "tally": GateTally()}
    while len(side.cz) < stages:
        e = len(side.cz) + 1
        test = EqualsConstant(m, n - e)
        entry = {}
        for which, matrix in enumerate(equals_constant_profiles(m, n - e)):
            x_layer = _X_LAYER[which]
            step = augmented(matrix)
            state["forward"][which] = max_plus_product(state["forward"][which], step)
            state["backward"][which] = max_plus_product(step, state["backward"][which])
            forward, backward = state["forward"][which], state["backward"][which]
            listed = np.where(forward[:2, m] >= 0, forward[:2, m] + x_layer, NO_PATH)  # the X before the CZ
            after = forward.copy()
            after[:, m] = NO_PATH
            after[2, m] = x_layer                                # the X after the CZ
            after[2, m + 1] = NO_PATH
            ends = max_plus_product(after, backward)
            entry[which] = (listed, ends[:, 0], ends[:, 1])
        side.cz.append((entry[0][0], entry[1][0], entry[2][0]))
        side.load.append((entry[0][1], entry[1][1], entry[2][1]))
        side.sink.append((entry[0][2], entry[1][2], entry[2][2]))
        state["tally"] = state["tally"] + 2 * get_cost_value(test, LoweredGateCost())
        side.tallies.append(state["tally"])
    _INDEX_SIDES[n] = (side, state)
    return side


# ---------------------------------------------------------------------------------------------
# Every stage of one (n, d, b, loader)


def _evaluate(starts, sink, durations):
    """HeldDepthPlan evaluation over numpy arrays (one value per stage)."""
    times = [np.zeros_like(durations[0])]
    for offsets, duration in zip(starts, durations):
        begin = np.full_like(durations[0], NO_PATH)
        for t, o in zip(times, offsets):
            begin = np.maximum(begin, np.where(np.asarray(o) >= 0, t + o, NO_PATH))
        times.append(begin + duration)
    end = np.zeros_like(durations[0])
    for t, o in zip(times, sink):
        end = np.maximum(end, np.where(np.asarray(o) >= 0, t + o, NO_PATH))
    return end


@dataclass(frozen=True)
class StageOracles:
    """Costs of the phase oracle excluding e = 0..E keys (index e of every list)."""

    tallies: list          # GateTally per e
    depth: np.ndarray      # int64 per e
    t_depth: np.ndarray
    qubits: list           # int per e
    lattice_surgery_depth: np.ndarray


def stage_oracles(n: int, d: int, bits: int, loader, exclusions: int, load: dict | None = None,
                  unload: dict | None = None) -> StageOracles:
    """Costs of ``ThresholdOracle(n, d, bits, loader, "phase", excluded=(n-1, ..., n-e))`` for
    every e in 0..exclusions. ``load``, ``unload``: the loader's and its unload's counts at
    (2^m words, d b bits) if known."""
    m = address_width(n)
    if load is None:
        costs = loader_costs_many(LoaderKind.parse(loader), [1 << m], [d * bits])
        load = {key: int(value[0]) for key, value in costs.items()}
    if unload is None:
        costs = loader_costs_many(LoaderKind.parse(loader), [1 << m], [d * bits], unload=True)
        unload = {key: int(value[0]) for key, value in costs.items()}
    load_tally = GateTally(**{key: load[key] for key in GATE_KEYS})
    unload_tally = GateTally(**{key: unload[key] for key in GATE_KEYS})
    L, LT, LS = int(load["depth"]), int(load["t_depth"]), int(load["lattice_surgery_depth"])
    U, UT, US = int(unload["depth"]), int(unload["t_depth"]), int(unload["lattice_surgery_depth"])
    load_width = max(int(load["qubits"]), int(unload["qubits"]))

    plain = row_plan(d, bits, False)
    depth0 = plain.evaluate([L, U], [LT, UT])
    x0, _ = row_widths(d, bits, False)
    tallies = [load_tally + unload_tally + row_tally(d, bits, False)]
    depths, t_depths = [depth0[0]], [depth0[1]]
    surgery = [row_lattice_surgery_plan(d, bits, False).evaluate([LS, US])]
    qubits = [max(load_width, x0 + m - 1)]
    if exclusions:
        side = index_side(n, exclusions)
        plan = row_plan(d, bits, True)
        surgery_plan = row_lattice_surgery_plan(d, bits, True)
        x0, wide = row_widths(d, bits, True)
        width = max(load_width, x0 + m - 1, wide + 2 * m)
        base = load_tally + unload_tally + row_tally(d, bits, True)
        for which, (starts, sink, durations) in enumerate((
                (plan.depth_starts, plan.depth_sink, (L, 1, U)),
                (plan.t_depth_starts, plan.t_depth_sink, (LT, 0, UT)),
                (surgery_plan.starts, surgery_plan.sink, (LS, 1, US)))):
            cz = np.maximum(np.array([c[which] for c in side.cz[:exclusions]]), np.array(starts[1][:2]))
            load2 = np.maximum(np.array([c[which] for c in side.load[:exclusions]]), np.array(starts[2][:3]))
            ends = np.maximum(np.array([c[which] for c in side.sink[:exclusions]]), np.array(sink[:3]))
            count = len(cz)
            first = [np.full(count, o, dtype=np.int64) for o in starts[0]]
            second = [cz[:, 0], cz[:, 1], np.full(count, NO_PATH), np.full(count, NO_PATH)]
            third = [load2[:, 0], load2[:, 1], load2[:, 2], np.full(count, NO_PATH)]
            last = [ends[:, 0], ends[:, 1], ends[:, 2], np.full(count, sink[3], dtype=np.int64)]
            lengths = [np.full(count, value, dtype=np.int64) for value in durations]
            values = _evaluate([first, second, third], last, lengths)
            (depths, t_depths, surgery)[which].extend(int(v) for v in values)
        tallies += [base + t for t in side.tallies[:exclusions]]
        qubits += [width] * exclusions
    return StageOracles(tallies=tallies, depth=np.array(depths, dtype=object), t_depth=np.array(t_depths, dtype=object),
                        qubits=qubits, lattice_surgery_depth=np.array(surgery, dtype=object))


