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
from qualtran.resource_counting._qubit_counts import _cbloq_max_width

from qresource.arithmetic.comparator import EqualsConstant, equals_constant_profiles
from qresource.core.integers import address_width
from qresource.loaders import closed_forms as loader_forms
from qresource.loaders.kinds import LoaderKind
from qresource.machinery.depth import NO_PATH, HeldDepthPlan, augmented, max_plus_product
from qresource.machinery.held_plans import held_plans_of
from qresource.machinery.lattice_surgery import HeldPlan
from qresource.machinery.logical import GATE_KEYS, GateTally
from qresource.machinery.parallel import Runner, Task
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
    known = _ROW_FACTS.get((d, bits))
    if known is not None:
        return known.plans[int(excluding)]
    return _row_plans_both(d, bits)[int(excluding)]


def row_plan(d: int, bits: int, excluding: bool) -> HeldDepthPlan:
    """The depth and T-depth plan of :func:`row_plans`."""
    return row_plans(d, bits, excluding)[0]


def row_lattice_surgery_plan(d: int, bits: int, excluding: bool) -> HeldPlan:
    """The lattice-surgery depth plan of :func:`row_plans`."""
    return row_plans(d, bits, excluding)[1]


def row_tally(d: int, bits: int, excluding: bool) -> GateTally:
    """Gates of the oracle other than its loads and exclusion tests (any index width)."""
    known = _ROW_FACTS.get((d, bits))
    if known is not None:
        return known.tallies[int(excluding)]
    return _row_tally(d, bits, excluding)


def row_widths(d: int, bits: int, excluding: bool) -> tuple[int, int | None]:
    """(X0, B): the oracle's peak width without its loads is max(X0 + m - 1, B + 2m) at index
    width m (B is None without exclusions: then X0 + m - 1)."""
    known = _ROW_FACTS.get((d, bits))
    if known is not None:
        return known.widths[int(excluding)]
    return _row_widths(d, bits, excluding)


@dataclass(frozen=True)
class RowFacts:
    """Everything the stages take from the row side of one (d, b), for both forms (index 0:
    no exclusions; 1: excluding): :func:`row_plans`, :func:`row_tally`, :func:`row_widths`."""

    plans: tuple
    tallies: tuple
    widths: tuple


#: Row facts computed elsewhere (:func:`prepare_stages`), by (d, b).
_ROW_FACTS: dict[tuple[int, int], RowFacts] = {}

#: Fewest (d, b) pairs whose row facts :func:`prepare_stages` hands to worker processes: each takes
#: 20-100 ms (d = 8..200), and local workers take about 3 s to start.
PARALLEL_ROW_PAIRS = 64


def row_facts(d: int, bits: int) -> RowFacts:
    """The :class:`RowFacts` of (d, b), computed here (a task for a worker process)."""
    return RowFacts(_row_plans_both(d, bits), tuple(_row_tally(d, bits, e) for e in (False, True)),
                    tuple(_row_widths(d, bits, e) for e in (False, True)))


def prepare_stages(pairs, sizes, runner: Runner | None) -> None:
    """Compute on ``runner``'s workers the row facts of the (d, b) ``pairs`` and the index sides
    of the (n, exclusions) ``sizes`` not known yet, when it has more than one worker (or a Dask
    cluster) and there are at least :data:`PARALLEL_ROW_PAIRS` such pairs; otherwise each is
    computed here when first asked. The index sides go first, then the widest rows."""
    missing = [pair for pair in dict.fromkeys((int(d), int(b)) for d, b in pairs) if pair not in _ROW_FACTS]
    if runner is None or not runner.parallel or len(missing) < PARALLEL_ROW_PAIRS:
        return
    sides = [(int(n), int(stages)) for n, stages in sizes
             if stages and (int(n) not in _INDEX_SIDES or len(_INDEX_SIDES[int(n)][0].cz) < stages)]
    missing.sort(key=lambda pair: -pair[0] * pair[1])
    tasks = [Task(f"index side of the oracle at n = {n}, {stages} exclusions", index_side_state, (n, stages))
             for n, stages in sides]
    tasks += [Task(f"row facts of the oracle at d = {d}, b = {b}", row_facts, (d, b)) for d, b in missing]
    found = runner.run(tasks)
    _INDEX_SIDES.update((n, state) for (n, _), state in zip(sides, found))
    _ROW_FACTS.update(zip(missing, found[len(sides):]))


@functools.lru_cache(maxsize=None)
def _row_tally(d: int, bits: int, excluding: bool) -> GateTally:
    oracle = _narrow(d, bits, excluding)
    total = GateTally()
    for _, bloq in oracle.parts():
        if not oracle.is_row_load(bloq) and not _is_test(bloq):
            total = total + _part_tally(bloq)
    return total


@functools.lru_cache(maxsize=None)
def _row_widths(d: int, bits: int, excluding: bool) -> tuple[int, int | None]:
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
#: Layers of the CZ (held: a barrier of its own duration) in each reading.
_CZ_LAYER = (1, 0, 1)


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
        state["tally"] = state["tally"] + 2 * exclusion_test_tally(test)
        side.tallies.append(state["tally"])
    _INDEX_SIDES[n] = (side, state)
    return side


def index_side_state(n: int, stages: int) -> tuple[IndexSide, object]:
    """:func:`index_side` and the state it grows from (a task for a worker process)."""
    index_side(n, stages)
    return _INDEX_SIDES[n]


def exclusion_test_tally(test: EqualsConstant) -> GateTally:
    """The exclusion test's gates summed over its call graph's leaves, each leaf's lowering
    counted once (memoised): Qualtran's count of the same graph without walking it anew for
    every constant."""
    total = GateTally()
    for leaf, count in test.build_call_graph(None).items():
        total = total + count * _part_tally(leaf)
    return total


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


@dataclass(frozen=True)
class StageOracleGroups:
    """Costs of the phase oracles of one n at several (d, b, loader) groups (index g) and every
    exclusion count e = 0..E: the gates as the e = 0 oracle's, the row side's at e >= 1 and the
    index side's tests (depend on e, never on the group: the oracle at e >= 1 has
    ``row_tallies[g] + index_tallies[e - 1]``); depths as (G, E + 1) int64 arrays; qubits at
    e = 0 and at every e >= 1 (the same for all e >= 1)."""

    first_tallies: list         # GateTally per group, e = 0
    row_tallies: list           # GateTally per group, e >= 1 without the exclusion tests
    index_tallies: list         # GateTally per e = 1..E: the exclusion tests (both passes)
    depth: np.ndarray           # (G, E + 1)
    t_depth: np.ndarray
    lattice_surgery_depth: np.ndarray
    first_qubits: list          # int per group, e = 0
    excluding_qubits: list      # int per group, e >= 1


def stage_oracle_groups(n: int, groups, exclusions: int) -> StageOracleGroups:
    """:class:`StageOracleGroups` at index width ``address_width(n)`` for ``groups``, a sequence
    of (d, b, load, unload) with the loader's and its unload's counts at (2^m words, d b bits),
    for e = 0..``exclusions``: every group's stages evaluated at once over (G, E) arrays."""
    m = address_width(n)
    count = len(groups)
    loads = np.array([[int(load[key]) for key in ("depth", "t_depth", "lattice_surgery_depth")]
                      for _, _, load, _ in groups], dtype=np.int64).reshape(count, 3)
    unloads = np.array([[int(unload[key]) for key in ("depth", "t_depth", "lattice_surgery_depth")]
                        for _, _, _, unload in groups], dtype=np.int64).reshape(count, 3)
    load_tallies = [GateTally(**{key: int(load[key]) for key in GATE_KEYS})
                    + GateTally(**{key: int(unload[key]) for key in GATE_KEYS}) for _, _, load, unload in groups]
    load_widths = [max(int(load["qubits"]), int(unload["qubits"])) for _, _, load, unload in groups]
    first_tallies, first_qubits = [], []
    depth = np.zeros((count, exclusions + 1), dtype=np.int64)
    t_depth = np.zeros_like(depth)
    surgery = np.zeros_like(depth)
    for g, (d, bits, _, _) in enumerate(groups):
        L, LT, LS = (int(v) for v in loads[g])
        U, UT, US = (int(v) for v in unloads[g])
        depth[g, 0], t_depth[g, 0] = row_plan(d, bits, False).evaluate([L, U], [LT, UT])
        surgery[g, 0] = row_lattice_surgery_plan(d, bits, False).evaluate([LS, US])
        first_tallies.append(load_tallies[g] + row_tally(d, bits, False))
        first_qubits.append(max(load_widths[g], row_widths(d, bits, False)[0] + m - 1))
    row_tallies, excluding_qubits, index_tallies = [], [], []
    if exclusions:
        side = index_side(n, exclusions)
        index_tallies = side.tallies[:exclusions]
        plans = [(row_plan(d, bits, True), row_lattice_surgery_plan(d, bits, True)) for d, bits, _, _ in groups]
        for g, (d, bits, _, _) in enumerate(groups):
            x0, wide = row_widths(d, bits, True)
            excluding_qubits.append(max(load_widths[g], x0 + m - 1, wide + 2 * m))
            row_tallies.append(load_tallies[g] + row_tally(d, bits, True))
        for which, (starts_of, sink_of) in enumerate((
                (lambda plan: plan[0].depth_starts, lambda plan: plan[0].depth_sink),
                (lambda plan: plan[0].t_depth_starts, lambda plan: plan[0].t_depth_sink),
                (lambda plan: plan[1].starts, lambda plan: plan[1].sink))):
            starts = [starts_of(plan) for plan in plans]
            sinks = np.array([sink_of(plan) for plan in plans], dtype=np.int64)
            # side: (1, E, c); row side: (G, 1, c); each entry of the stage's plan the larger
            cz = np.maximum(np.array([c[which] for c in side.cz[:exclusions]])[None],
                            np.array([s[1][:2] for s in starts], dtype=np.int64)[:, None])
            load2 = np.maximum(np.array([c[which] for c in side.load[:exclusions]])[None],
                               np.array([s[2][:3] for s in starts], dtype=np.int64)[:, None])
            ends = np.maximum(np.array([c[which] for c in side.sink[:exclusions]])[None], sinks[:, None, :3])
            shape = (count, exclusions)
            column = lambda values: np.broadcast_to(np.asarray(values, dtype=np.int64).reshape(count, 1), shape)
            first = [column([s[0][j] for s in starts]) for j in range(len(starts[0][0]))]
            no_path = np.full(shape, NO_PATH, dtype=np.int64)
            second = [cz[..., 0], cz[..., 1], no_path, no_path]
            third = [load2[..., 0], load2[..., 1], load2[..., 2], no_path]
            last = [ends[..., 0], ends[..., 1], ends[..., 2], column(sinks[:, 3])]
            lengths = [column(loads[:, which]), np.full(shape, _CZ_LAYER[which], dtype=np.int64),
                       column(unloads[:, which])]
            (depth, t_depth, surgery)[which][:, 1:] = _evaluate([first, second, third], last, lengths)
    return StageOracleGroups(first_tallies, row_tallies, list(index_tallies), depth, t_depth, surgery,
                             first_qubits, excluding_qubits)


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
    stages = stage_oracle_groups(n, [(d, bits, load, unload)], exclusions)
    tallies = [stages.first_tallies[0]]
    if exclusions:
        tallies += [stages.row_tallies[0] + t for t in stages.index_tallies]
    return StageOracles(tallies=tallies, depth=stages.depth[0].astype(object),
                        t_depth=stages.t_depth[0].astype(object),
                        qubits=stages.first_qubits + stages.excluding_qubits * exclusions,
                        lattice_surgery_depth=stages.lattice_surgery_depth[0].astype(object))


