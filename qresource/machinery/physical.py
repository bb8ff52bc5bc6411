"""Physical resource estimates: logical counts -> physical qubits, runtime, code distance and
magic-state factories, through Microsoft's resource estimator ``qdk.qre`` (its third generation,
run locally), with Qualtran's Gidney–Fowler surface-code model as a second opinion.

Nothing here models a surface code or a factory by hand; this module only decides *what* is
handed to the estimators and how their answers are reported. The decisions (derived in
docs/physical.md):

- **A trace from logical counts.** Each unit becomes a ``qdk.qre`` trace built the way qdk itself
  builds one from the older estimator's logical counts (``qdk.qre.interop``): one block per gate
  kind, on ``numQubits`` compute qubits, every non-Clifford operation in sequence (Pauli-based
  computation applies one multi-qubit rotation at a time). Where the T gates *outside*
  Toffoli-class gates are known (``t_outside_toffoli``, from Qualtran's ``QECGatesCost`` on the
  same bloq: see :func:`bare_t_count`), Toffoli-class gates (Toffoli, CCZ, temporary-AND
  computations, CSWAP) go over as CCX operations and only those other T gates as T; our ``t`` key
  counts the T gates of the *fully decomposed* circuit (7 per Toffoli or CSWAP, 4 per AND), so
  handing over both would count every Toffoli twice. Where the split is not known (counts read
  from a QASM file, say), the circuit goes over as written: every T gate, no CCX. Rotations not
  yet synthesised go over as RZ operations, none assumed parallel.
- **Architectures, codes and factories.** Named presets of qre's qubit models (gate-based,
  neutral-atom, Majorana), its QEC codes and its magic-state factories (:class:`Architecture`,
  :class:`QecCode`, :class:`Factory`); the older estimator's qubit-model names map to the preset
  with the same gate times and error rates (:data:`LEGACY_QUBIT_MODELS`).
- **Frontier and headline.** qre returns the Pareto frontier of physical qubits against runtime.
  Every point is kept (``frontier``); the headline point, reported under the keys every caller
  reads (``physical_qubits``, ``runtime_s``, ...), is the one with the least qubit-seconds
  (:data:`HEADLINE_RULE`).
- **Units and repetitions.** qre, like its predecessor, keeps runtimes in an unsigned 64-bit
  count of nanoseconds: past 2^64 ns (about 585 years) it returns wrapped-around numbers or
  fails. A caller hands over one *unit* (one oracle call, one search, one row) and the number of
  times it runs back to back; the reported runtime is ``repetitions`` times the estimator's
  runtime for the unit, and the unit receives ``error_budget / repetitions`` so that the whole
  computation stays within the stated budget (union bound). If even one unit could pass the
  2^63 ns limit, it is cut into equal slices (gate counts rounded up, never down) and the output
  says so.
"""

from __future__ import annotations

import contextlib
import enum
import functools
import inspect
import io
import math
import os
import re
import tempfile
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

from qresource.core.errors import QResourceError
from qresource.core.record import LogicalCounts

#: Fewest T gates any Toffoli-class gate takes in our lowering (a temporary AND, Gidney 2018,
#: arXiv:1709.06648, fig. 3); Toffolis and CSWAPs take 7 (Amy et al. 2013, arXiv:1206.0758).
MIN_T_PER_TOFFOLI_CLASS = 4

ESTIMATOR_NAME = "qdk.qre"

#: The estimator keeps runtimes as u64 nanoseconds; keep every unit a factor 2 below that.
RUNTIME_LIMIT_NS = 2**63

#: When a magic-state factory runs longer than the algorithm, the runtime stretches to the
#: factory's; even round-based distillation with microsecond gates takes well under a second,
#: so 10^12 ns bounds that stretch with a wide margin.
FACTORY_RUNTIME_SLACK_NS = 10**12

#: Code distances searched. qre's models stop at 25; the older estimator went to 50, and units at
#: n = 2^20 and beyond need more than 25 on 10^-3 hardware, so the search runs to 51.
CODE_DISTANCES = tuple(range(3, 52, 2))

#: The distances of the quick first search that finds refusals: the largest alone. Every error
#: in qre's models falls as the distance grows, so a unit no candidate at the largest distance
#: can run within budget runs at no distance; a refusal of the whole search costs 24-42 s at
#: 7e3-9e4 logical qubits, this one under half a second.
REFUSAL_CHECK_DISTANCES = (CODE_DISTANCES[-1],)

#: Units of fewer logical qubits skip the quick search: the whole search refuses them in under
#: half a second (0.0-0.3 s measured at 43-704 qubits), and the quick one would add a second
#: call to every estimate of a small unit (a fifth more time over the query model's table).
REFUSAL_CHECK_QUBITS = 2**10

#: Lattice-surgery steps per operation, an upper bound for the runtime guard: Pauli-based
#: computation (qre's PSSPC transform) spends one step per T or measurement, at most three per
#: CCX (measured: 3.000 steps per CCX at d = 33), and at most 20 T per rotation plus one.
STEPS_PER_OPERATION = {"measurements": 1, "t": 1, "ccx": 3, "rotations": 21}

#: The most logical qubits one unit may have: qre's lattice-surgery transform takes time growing
#: faster than the square of the qubits (measured: 0.15 s at 1.8e5 layout qubits, 2-4 s at
#: 1.8e6, 225 s at 1.8e7), so larger units get no estimate and say why.
MAX_LOGICAL_QUBITS = 2**17

#: The error budget for the whole computation when none is given: the older estimator's default,
#: and the target of Beverland et al. 2022 (arXiv:2211.07629), so estimates stay comparable.
DEFAULT_ERROR_BUDGET = 1e-3

#: What a worker process that runs physical estimates loads before its first task
#: (``qresource.machinery.parallel.Runner``): qdk.qre brings pandas and IPython, seconds of imports.
WORKER_PRELOAD = ("qresource.machinery.physical", "qdk.qre", "qdk.qre.models")

HEADLINE_RULE = "least physical_qubits x runtime_s on the frontier (ties: fewer qubits)"

ESTIMATOR_KEYS = (
    "numQubits",
    "tCount",
    "rotationCount",
    "rotationDepth",
    "cczCount",
    "ccixCount",
    "measurementCount",
)


class Architecture(enum.StrEnum):
    """Named presets of qre's qubit models (``qdk.qre.models``)."""

    GATE_BASED_NS_E3 = "gate_based_ns_e3"
    GATE_BASED_NS_E4 = "gate_based_ns_e4"
    GATE_BASED_US_E3 = "gate_based_us_e3"
    GATE_BASED_US_E4 = "gate_based_us_e4"
    NEUTRAL_ATOM = "neutral_atom"
    MAJORANA_NS_E4 = "majorana_ns_e4"
    MAJORANA_NS_E6 = "majorana_ns_e6"


class QecCode(enum.StrEnum):
    """qre's QEC codes that turn a qubit model into lattice-surgery instructions."""

    SURFACE_CODE = "surface_code"
    SURFACE_CODE_LOW_MOVE = "surface_code_low_move"
    THREE_AUX = "three_aux"


class Factory(enum.StrEnum):
    """qre's magic-state factories; ``all`` estimates with each that applies and merges the
    frontiers."""

    ALL = "all"
    CULTIVATION = "cultivation"
    LITINSKI = "litinski"
    ROUND_BASED = "round_based"


@dataclass(frozen=True)
class ArchitecturePreset:
    model: str  # class name in qdk.qre.models
    params: tuple[tuple[str, Any], ...]
    default_code: QecCode
    description: str

    def build(self):
        from qdk.qre import models

        return getattr(models, self.model)(**dict(self.params))


ARCHITECTURES: dict[Architecture, ArchitecturePreset] = {
    Architecture.GATE_BASED_NS_E3: ArchitecturePreset(
        "GateBased", (("error_rate", 1e-3), ("gate_time", 50), ("measurement_time", 100)),
        QecCode.SURFACE_CODE, "gate-based, 50 ns gates, 100 ns measurement, error 1e-3 (superconducting-like)"),
    Architecture.GATE_BASED_NS_E4: ArchitecturePreset(
        "GateBased", (("error_rate", 1e-4), ("gate_time", 50), ("measurement_time", 100)),
        QecCode.SURFACE_CODE, "gate-based, 50 ns gates, 100 ns measurement, error 1e-4"),
    Architecture.GATE_BASED_US_E3: ArchitecturePreset(
        "GateBased", (("error_rate", 1e-3), ("gate_time", 100_000), ("measurement_time", 100_000)),
        QecCode.SURFACE_CODE, "gate-based, 100 us gates and measurement, error 1e-3 (trapped-ion-like)"),
    Architecture.GATE_BASED_US_E4: ArchitecturePreset(
        "GateBased", (("error_rate", 1e-4), ("gate_time", 100_000), ("measurement_time", 100_000)),
        QecCode.SURFACE_CODE, "gate-based, 100 us gates and measurement, error 1e-4"),
    Architecture.NEUTRAL_ATOM: ArchitecturePreset(
        "NeutralAtom", (), QecCode.SURFACE_CODE_LOW_MOVE,
        "qre's neutral-atom model with atom transport (its defaults: 500 ns Rydberg gate at 1e-3)"),
    Architecture.MAJORANA_NS_E4: ArchitecturePreset(
        "Majorana", (("error_rate", 1e-4), ("time", 100)), QecCode.THREE_AUX,
        "Majorana, measurement-based, 100 ns, Clifford error 1e-4, T error 5%"),
    Architecture.MAJORANA_NS_E6: ArchitecturePreset(
        "Majorana", (("error_rate", 1e-6), ("time", 100)), QecCode.THREE_AUX,
        "Majorana, measurement-based, 100 ns, Clifford error 1e-6, T error 1%"),
}

#: The default architecture: the older estimator's default qubit model (qubit_gate_ns_e3) in
#: qre's gate-based model, so that moving estimators changes the method and not the hardware.
DEFAULT_ARCHITECTURE = Architecture.GATE_BASED_NS_E3

#: The older estimator's qubit models and QEC schemes, mapped to the presets with the same gate
#: times and error rates (the us models' T error of 1e-6 has no counterpart: qre's gate-based
#: model gives every gate one error rate, so their T states come from factories).
LEGACY_QUBIT_MODELS: dict[str, Architecture] = {
    "qubit_gate_ns_e3": Architecture.GATE_BASED_NS_E3,
    "qubit_gate_ns_e4": Architecture.GATE_BASED_NS_E4,
    "qubit_gate_us_e3": Architecture.GATE_BASED_US_E3,
    "qubit_gate_us_e4": Architecture.GATE_BASED_US_E4,
    "qubit_maj_ns_e4": Architecture.MAJORANA_NS_E4,
    "qubit_maj_ns_e6": Architecture.MAJORANA_NS_E6,
}
LEGACY_QEC_SCHEMES: dict[str, QecCode] = {
    "surface_code": QecCode.SURFACE_CODE,
    "floquet_code": QecCode.THREE_AUX,
}
QUBIT_MODELS = tuple(LEGACY_QUBIT_MODELS)
QEC_NAMES = tuple(c.value for c in QecCode) + ("floquet_code",)


class NoEstimateError(QResourceError):
    """No point of the frontier meets the error budget; ``least_error_budget`` is the smallest
    total budget that would (None when qre does not report one)."""

    def __init__(self, message: str, least_error_budget: float | None):
        super().__init__(message)
        self.least_error_budget = least_error_budget


@functools.cache
def estimator_version() -> str:
    return metadata.version("qdk")


def factory_cache_candidates() -> list[Path]:
    """Where the round-based factory's pipelines may be kept, in order of preference: the user's
    cache (``$XDG_CACHE_HOME``, else ``~/.cache``), else a directory of this user's under the
    system's temporary directory; each named after the qdk version (see
    :func:`factory_cache_dir`)."""
    roots = []
    xdg = os.environ.get("XDG_CACHE_HOME")
    if xdg and os.path.isabs(xdg):
        roots.append(Path(xdg) / "qresource")
    with contextlib.suppress(RuntimeError, KeyError):  # no home directory to be found
        roots.append(Path.home() / ".cache" / "qresource")
    user = getattr(os, "getuid", lambda: "user")()
    roots.append(Path(tempfile.gettempdir()) / f"qresource-{user}")
    return [root / f"qdk-{estimator_version()}" / "round_based" for root in roots]


@functools.cache
def factory_cache_dir() -> Path | None:
    """The directory qre's round-based factory keeps its computed pipelines in (one file per
    implementation instruction set; the first estimate that needs one takes seconds to find
    it). qre's own default (``~/.cache/re3/round_based``) fails every estimate where the home
    directory cannot be written, and its files do not depend on qre's version; so the first of
    :func:`factory_cache_candidates` that can be made and written is used, and None (no cache:
    the pipelines are found anew for every estimate) where none can."""
    for candidate in factory_cache_candidates():
        try:
            candidate.mkdir(parents=True, exist_ok=True)
            with tempfile.NamedTemporaryFile(dir=candidate):
                pass
        except OSError:
            continue
        return candidate
    return None


def parse_choice(value, enum_type, what: str, legacy: dict | None = None):
    """A name given as text -> the enum member; unknown names list the known ones."""
    if value is None or isinstance(value, enum_type):
        return value
    if legacy and value in legacy:
        return legacy[value]
    try:
        return enum_type(value)
    except ValueError:
        known = [m.value for m in enum_type] + list(legacy or ())
        raise QResourceError(f"unknown {what} {value!r}; choose one of {', '.join(known)}") from None


@dataclass(frozen=True)
class Settings:
    """What a physical estimate runs on; ``resolve`` fills the stated defaults."""

    architecture: Architecture
    qec: QecCode
    factory: Factory
    error_budget: float

    @classmethod
    def resolve(cls, architecture=None, qec=None, factory=None, error_budget=None, qubit_model=None) -> "Settings":
        if qubit_model is not None:
            legacy = parse_choice(qubit_model, Architecture, "qubit model", LEGACY_QUBIT_MODELS)
            if architecture is not None and parse_choice(architecture, Architecture, "architecture") != legacy:
                raise QResourceError(f"--qubit-model {qubit_model} and --architecture {architecture} disagree")
            architecture = legacy
        arch = parse_choice(architecture, Architecture, "architecture") or DEFAULT_ARCHITECTURE
        code = parse_choice(qec, QecCode, "QEC code", LEGACY_QEC_SCHEMES) or ARCHITECTURES[arch].default_code
        kind = parse_choice(factory, Factory, "factory") or Factory.ALL
        budget = DEFAULT_ERROR_BUDGET if error_budget is None else float(error_budget)
        if not 0.0 < budget < 1.0:
            raise QResourceError(f"error budget must lie strictly between 0 and 1, got {error_budget}")
        return cls(arch, code, kind, budget)


def estimator_input(logical: LogicalCounts, t_outside_toffoli: int | None = None) -> dict[str, int]:
    """The logical counts handed to the estimator, under the older estimator's ``LogicalCounts``
    key names (see the module docstring).

    ``t_outside_toffoli``: T gates of the lowered circuit that are not part of a Toffoli-class
    gate; None hands every T gate over as written and no CCZ.
    """
    t_total, toffoli = int(logical.t), int(logical.toffoli)
    if t_outside_toffoli is None:
        t_count, ccz_count = t_total, 0
    else:
        t_count, ccz_count = int(t_outside_toffoli), toffoli
        if not 0 <= t_count <= t_total - MIN_T_PER_TOFFOLI_CLASS * toffoli:
            raise QResourceError(
                f"logical counts are inconsistent: {t_count} T gates outside {toffoli} "
                f"Toffoli-class gates, but t = {t_total} in all"
            )
    return {
        "numQubits": int(logical.qubits),
        "tCount": t_count,
        "rotationCount": int(logical.rotations),
        "rotationDepth": int(logical.rotations),
        "cczCount": ccz_count,
        "ccixCount": 0,
        "measurementCount": int(logical.measurements),
    }


#: Qualtran's cost cache for QECGatesCost, kept across calls: the searches of one schedule share
#: their loaders and arithmetic, which are then counted once.
_QEC_GATES_CACHE: dict = {}


def bare_t_count(bloq) -> int:
    """T gates of ``bloq`` outside Toffoli, CSWAP and AND gates: Qualtran's ``QECGatesCost``
    leaves those three as leaves, so its ``t`` field is exactly that remainder (counted over the
    hierarchical call graph, as fast as the other counts)."""
    from qualtran.resource_counting import QECGatesCost, get_cost_value

    if len(_QEC_GATES_CACHE) > 200_000:
        _QEC_GATES_CACHE.clear()
    counts = get_cost_value(bloq, QECGatesCost(), costs_cache=_QEC_GATES_CACHE)
    try:
        return int(counts.t)
    except TypeError:
        raise QResourceError(f"{bloq}: T count is symbolic ({counts.t}); give concrete sizes") from None


def qre_trace(counts: dict[str, int]):
    """The qre trace of one unit (see the module docstring)."""
    from qdk.qre import Trace
    from qdk.qre.instruction_ids import CCX, MEAS_Z, RZ, T

    trace = Trace(int(counts["numQubits"]))
    blocks = (
        (int(counts.get("rotationCount", 0)), RZ, [0]),
        (int(counts.get("tCount", 0)), T, [0]),
        (int(counts.get("cczCount", 0)) + int(counts.get("ccixCount", 0)), CCX, [0, 1, 2]),
        (int(counts.get("measurementCount", 0)), MEAS_Z, [0]),
    )
    for repetitions, operation, qubits in blocks:
        if repetitions:
            trace.add_block(repetitions=repetitions).add_operation(operation, qubits)
    return trace


def _code_query(code: QecCode, distances: tuple[int, ...] = CODE_DISTANCES):
    from qdk.qre import models

    cls = {
        QecCode.SURFACE_CODE: models.SurfaceCode,
        QecCode.SURFACE_CODE_LOW_MOVE: models.SurfaceCodeLowMove,
        QecCode.THREE_AUX: models.ThreeAux,
    }[code]
    return cls.q(distance=list(distances))


def round_based_factory(code: QecCode, distances: tuple[int, ...] = CODE_DISTANCES):
    """qre's round-based distillation over the code's ``distances``, keeping its pipelines in
    :func:`factory_cache_dir`."""
    from qdk.qre import models

    where = factory_cache_dir()
    if where is None:
        # qre makes its cache directory before it looks at use_cache: give it one that exists
        cache = {"cache_dir": Path(os.path.abspath(os.sep)), "use_cache": False}
    else:
        cache = {"cache_dir": where}
    return models.RoundBasedFactory.q(code_query=_code_query(code, distances), **cache)


#: qre's factory model class -> our factory name
FACTORY_MODELS = {
    "GSJ24Factory": Factory.CULTIVATION,
    "GSJ24CCXFactory": Factory.CULTIVATION,
    "Litinski19Factory": Factory.LITINSKI,
    "RoundBasedFactory": Factory.ROUND_BASED,
}


def _isa_query(code: QecCode, factories: tuple[Factory, ...], distances: tuple[int, ...] = CODE_DISTANCES):
    """The code's lattice surgery times the union of the factories' magic states: T states and,
    where the factory makes them, CCX states for the Toffolis. One query for all factories lets
    qre prune across them and lay out each trace once. ``distances``: the code distances of
    the lattice surgery and of the factories' own codes."""
    from qdk.qre import models

    parts = []
    for factory in factories:
        if factory is Factory.LITINSKI:
            # Litinski's tables give T and CCZ factories; CCZ is CCX up to Cliffords
            parts.append(models.MagicUpToClifford.q(source=models.Litinski19Factory.q()))
        elif factory is Factory.CULTIVATION:
            # cultivated T states, and 8 of them to one CCX (Gidney, Shutty, Jones 2024, fig. 24)
            parts.append(models.GSJ24CCXFactory.q(source=_code_query(code, distances) * models.GSJ24Factory.q()))
        elif factory is Factory.ROUND_BASED:
            parts.append(round_based_factory(code, distances))
    union = parts[0]
    for part in parts[1:]:
        union = union + part
    return _code_query(code, distances) * union


def _trace_query(counts: dict[str, int]):
    """qre's default trace transforms: Pauli-based computation (PSSPC), then lattice surgery.
    qre enumerates T per rotation (5 to 20) and CCX as magic states or not; without rotations one
    T-per-rotation value gives the same frontier in a sixteenth of the time."""
    from qdk.qre import PSSPC, LatticeSurgery

    if int(counts.get("rotationCount", 0)):
        return PSSPC.q() * LatticeSurgery.q()
    return PSSPC.q(num_ts_per_rotation=[20]) * LatticeSurgery.q()


def _application(trace):
    from qdk.qre import Application

    class Unit(Application[None]):
        def get_trace(self, parameters: None):
            return trace

    return Unit()


_LEAST_ERROR = re.compile(r"minimum error among candidates that otherwise estimated\s+successfully was ([0-9]+(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?)")
_MISSING = re.compile(r"Instructions absent from every ISA: (.*?)\. Apply")


def _point(entry) -> dict[str, Any]:
    """One frontier entry of one unit, in our keys."""
    from qdk.qre import instruction_name
    from qdk.qre.instruction_ids import LATTICE_SURGERY
    from qdk.qre.property_keys import (
        DISTANCE,
        LOGICAL_COMPUTE_QUBITS,
        NUM_TS_PER_ROTATION,
        PHYSICAL_COMPUTE_QUBITS,
        PHYSICAL_FACTORY_QUBITS,
    )

    code_distance = logical_cycle_ns = None
    factory_models: dict[str, str] = {}
    source = entry.source
    for root in source.roots:
        node = source.nodes[root]
        name = instruction_name(node.instruction.id)
        if node.instruction.id == LATTICE_SURGERY:
            code_distance = node.instruction.get_property(DISTANCE)
            logical_cycle_ns = node.instruction.time(1)
        elif name in ("T", "CCX", "CCZ") or node.instruction.id in entry.factories:
            factory_models[name] = type(node.transform).__name__
    states = {}
    for instruction_id, result in sorted(entry.factories.items()):
        name = instruction_name(instruction_id)
        states[name] = {"copies": int(result.copies), "model": factory_models.get(name)}
    properties = entry.properties
    return {
        "physical_qubits": int(entry.qubits),
        "unit_runtime_ns": int(entry.runtime),
        "unit_error": float(entry.error),
        "code_distance": None if code_distance is None else int(code_distance),
        "logical_cycle_time_ns": None if logical_cycle_ns is None else int(logical_cycle_ns),
        "factory": "+".join(sorted({FACTORY_MODELS[m].value for m in factory_models.values() if m in FACTORY_MODELS}))
        or None,
        "t_factories": sum(s["copies"] for s in states.values()),
        "magic_state_factories": states,
        "physical_qubits_for_t_factories": int(properties.get(PHYSICAL_FACTORY_QUBITS, 0)),
        "physical_compute_qubits": int(properties.get(PHYSICAL_COMPUTE_QUBITS, 0)),
        "logical_qubits": properties.get(LOGICAL_COMPUTE_QUBITS),
        "ts_per_rotation": properties.get(NUM_TS_PER_ROTATION),
    }


def _factories(settings: Settings) -> tuple[Factory, ...]:
    if settings.factory is not Factory.ALL:
        return (settings.factory,)
    return (Factory.CULTIVATION, Factory.LITINSKI, Factory.ROUND_BASED)


@functools.lru_cache(maxsize=4096)
def _frontier_cached(counts_items: tuple, architecture: Architecture, code: QecCode,
                     factories: tuple[Factory, ...], unit_budget: float) -> tuple[tuple[dict, ...], float | None, str | None]:
    """qre's frontier for one unit over the factories; when none meets ``unit_budget``, the least
    unit budget qre reports and the instructions no instruction set provides (both may be None).

    From :data:`REFUSAL_CHECK_QUBITS` logical qubits, the largest code distance alone is asked
    first (:data:`REFUSAL_CHECK_DISTANCES`): where no candidate there meets the budget, none at a
    smaller distance does, and qre's least budget is the one the whole search reports, found in
    a fraction of the time (docs/physical.md, "Refusals")."""
    counts = dict(counts_items)
    if int(counts["numQubits"]) >= REFUSAL_CHECK_QUBITS:
        points, least, reason = _frontier_over(counts, architecture, code, factories, unit_budget,
                                               REFUSAL_CHECK_DISTANCES)
        if not points:
            return points, least, reason
    return _frontier_over(counts, architecture, code, factories, unit_budget, CODE_DISTANCES)


def _frontier_over(counts: dict[str, int], architecture: Architecture, code: QecCode,
                   factories: tuple[Factory, ...], unit_budget: float,
                   distances: tuple[int, ...]) -> tuple[tuple[dict, ...], float | None, str | None]:
    """:func:`_frontier_cached` over the code ``distances`` only."""
    from qdk.qre import estimate

    captured = io.StringIO()
    try:
        with contextlib.redirect_stdout(captured):
            table = estimate(
                _application(qre_trace(counts)),
                ARCHITECTURES[architecture].build(),
                _isa_query(code, factories, distances),
                _trace_query(counts),
                max_error=unit_budget,
            )
    except (OverflowError, RuntimeError, ValueError) as exc:
        raise QResourceError(f"physical estimator ({ESTIMATOR_NAME}): {' '.join(str(exc).split())}") from None
    points = tuple(_point(entry) for entry in table)
    if points:
        return points, None, None
    lines = [line.strip() for line in captured.getvalue().splitlines() if line.strip()]
    message = " ".join(lines)
    least, missing = _LEAST_ERROR.search(message), _MISSING.search(message)
    if missing:
        reason = f"no factory provides {missing.group(1).split(' (')[0]} here"
    else:
        reason = f"qre: {lines[2].rstrip('.')}" if len(lines) > 2 else None
    return points, (float(least.group(1)) if least else None), reason


def pareto(points: list[dict]) -> list[dict]:
    """The points no other point beats in both physical qubits and runtime, by qubits."""
    ordered = sorted(points, key=lambda p: (p["physical_qubits"], p["runtime_s"], p["factory"] or ""))
    front: list[dict] = []
    for point in ordered:
        if not front or point["runtime_s"] < front[-1]["runtime_s"]:
            front.append(point)
    return front


def headline(frontier: list[dict]) -> dict:
    """The frontier point the headline keys report (:data:`HEADLINE_RULE`)."""
    return min(frontier, key=lambda p: (p["physical_qubits"] * p["runtime_s"], p["physical_qubits"]))


@functools.lru_cache(maxsize=None)
def max_logical_step_ns(architecture: Architecture, code: QecCode) -> float:
    """The longest lattice-surgery step the code offers on this architecture (its largest
    distance), read from qre's own instruction set."""
    from qdk.qre.instruction_ids import LATTICE_SURGERY

    context = ARCHITECTURES[architecture].build().context()
    times = [isa[LATTICE_SURGERY].expect_time(1) for isa in _code_query(code).enumerate(context)]
    if not times:
        raise QResourceError(f"QEC code {code} does not apply to architecture {architecture}")
    return float(max(times))


def depth_bound(counts: dict[str, int]) -> int:
    """An upper bound on the lattice-surgery steps of one unit (:data:`STEPS_PER_OPERATION`)."""
    return (
        STEPS_PER_OPERATION["measurements"] * int(counts.get("measurementCount", 0))
        + STEPS_PER_OPERATION["t"] * int(counts.get("tCount", 0))
        + STEPS_PER_OPERATION["ccx"] * (int(counts.get("cczCount", 0)) + int(counts.get("ccixCount", 0)))
        + STEPS_PER_OPERATION["rotations"] * int(counts.get("rotationCount", 0))
    )


def runtime_bound_ns(counts: dict[str, int], settings: Settings) -> float:
    """An upper bound on qre's runtime for ``counts``: the step bound at the longest step, or a
    factory run, whichever is longer."""
    return depth_bound(counts) * max_logical_step_ns(settings.architecture, settings.qec) + FACTORY_RUNTIME_SLACK_NS


def _slice(counts: dict[str, int], pieces: int) -> dict[str, int]:
    """One of ``pieces`` equal back-to-back slices of a unit: gate counts rounded up, same qubits."""
    return {
        key: (value if key == "numQubits" else -(-int(value) // pieces)) for key, value in counts.items()
    }


def physical_estimate(
    unit: LogicalCounts,
    repetitions: int = 1,
    *,
    t_outside_toffoli: int | None = None,
    architecture: str | Architecture | None = None,
    qec: str | QecCode | None = None,
    factory: str | Factory | None = None,
    error_budget: float | None = None,
    qubit_model: str | None = None,
    second_opinion: bool = True,
) -> dict[str, Any]:
    """The physical cost of running ``unit`` ``repetitions`` times back to back.

    Returns the ``physical`` block of an EstimateRecord. Headline point (:data:`HEADLINE_RULE`):
    ``physical_qubits``, ``runtime_s``, ``code_distance``, ``t_factories``,
    ``physical_qubits_for_t_factories``, ``unit_runtime_ns``, ``logical_cycle_time_ns``,
    ``factory`` and ``magic_state_factories``. Then ``frontier`` (every Pareto point, by
    qubits, in the same keys), ``estimator`` (name and version), ``architecture``,
    ``qubit_model`` (the same name), ``qec_scheme``, ``error_budget`` (for the whole
    computation), ``estimator_input`` (the unit's counts), ``estimator_params``,
    ``repetitions``, ``toffoli_mapping`` (``"ccz"`` or ``"t"``, see the module docstring), and
    ``qualtran_gidney_fowler`` (the second opinion, or None where it does not apply).
    ``t_outside_toffoli`` refers to one unit. ``qubit_model`` takes the older estimator's names.

    Raises :class:`NoEstimateError` when no point meets the budget.
    """
    repetitions = int(repetitions)
    if repetitions < 1:
        raise QResourceError(f"repetitions must be at least 1, got {repetitions}")
    settings = Settings.resolve(architecture, qec, factory, error_budget, qubit_model)

    counts = estimator_input(unit, t_outside_toffoli)
    notes: list[str] = []
    if t_outside_toffoli is None and int(unit.toffoli):
        notes.append(
            "Toffoli-class gates handed to the estimator as the T gates of their Clifford+T "
            "decomposition (no CCZ split known for these counts)"
        )
    pieces = 1
    bound_ns = runtime_bound_ns(counts, settings)
    if bound_ns > RUNTIME_LIMIT_NS:
        pieces = 2 ** math.ceil(math.log2(bound_ns / RUNTIME_LIMIT_NS))
        counts = _slice(counts, pieces)
        notes.append(
            f"one unit could run past 2^63 ns, beyond the estimator's range: it was cut into "
            f"{pieces} equal back-to-back slices (gate counts rounded up) and estimated per slice"
        )
    for key, value in counts.items():
        if not 0 <= int(value) < 2**64:
            raise QResourceError(f"estimator input {key} = {value} does not fit in 64 bits")
    if counts["numQubits"] > MAX_LOGICAL_QUBITS:
        raise QResourceError(
            f"the unit has {counts['numQubits']:,} logical qubits, more than the {MAX_LOGICAL_QUBITS:,} "
            f"{ESTIMATOR_NAME} can lay out in reasonable time (its lattice-surgery layout grows faster "
            "than the square of the qubits)"
        )
    total_repetitions = repetitions * pieces
    unit_budget = settings.error_budget / total_repetitions
    if total_repetitions > 1:
        notes.append(
            f"estimated one unit of {total_repetitions} run back to back, with error budget "
            f"{settings.error_budget:g} / {total_repetitions}; runtime_s = repetitions x unit runtime"
        )

    found, least_unit, reason = _frontier_cached(
        tuple(sorted(counts.items())), settings.architecture, settings.qec, _factories(settings), unit_budget
    )
    points: list[dict] = []
    for point in found:
        point = dict(point)
        point["runtime_s"] = total_repetitions * point["unit_runtime_ns"] / 1e9
        point["error"] = min(1.0, total_repetitions * point.pop("unit_error"))
        points.append(point)
    params = {
        "architecture": settings.architecture.value,
        "qec": settings.qec.value,
        "factory": settings.factory.value,
        "unit_error_budget": unit_budget,
        "code_distances": [CODE_DISTANCES[0], CODE_DISTANCES[-1]],
    }
    if not points:
        least_total = least_unit * total_repetitions if least_unit is not None else None
        if least_total is not None:
            what = f"the least error budget that would work is {least_total:.3g}"
        else:
            what = reason or "qre reports no least budget that would work"
        raise NoEstimateError(
            f"no physical estimate meets the error budget {settings.error_budget:g} on "
            f"{settings.architecture} / {settings.qec} / factory {settings.factory}: {what}",
            least_total,
        )
    frontier = pareto(points)
    best = headline(frontier)
    block: dict[str, Any] = {
        "physical_qubits": best["physical_qubits"],
        "runtime_s": best["runtime_s"],
        "code_distance": best["code_distance"],
        "t_factories": best["t_factories"],
        "qubit_model": settings.architecture.value,
        "architecture": settings.architecture.value,
        "qec_scheme": settings.qec.value,
        "factory": best["factory"],
        "magic_state_factories": best["magic_state_factories"],
        "error_budget": settings.error_budget,
        "estimator": {"name": ESTIMATOR_NAME, "version": estimator_version()},
        "headline_rule": HEADLINE_RULE,
        "estimator_input": dict(counts),
        "estimator_params": params,
        "repetitions": total_repetitions,
        "unit_runtime_ns": best["unit_runtime_ns"],
        "logical_cycle_time_ns": best["logical_cycle_time_ns"],
        "toffoli_mapping": "t" if t_outside_toffoli is None else "ccz",
        "physical_qubits_for_t_factories": best["physical_qubits_for_t_factories"],
        "frontier": frontier,
        "notes": notes,
    }
    block["qualtran_gidney_fowler"] = (
        gidney_fowler_estimate(counts, total_repetitions, settings.error_budget, settings.architecture)
        if second_opinion else None
    )
    return block


def gidney_fowler_estimate(
    counts: dict[str, int], repetitions: int, error_budget: float, architecture: Architecture
) -> dict[str, Any] | None:
    """Qualtran's Gidney–Fowler model (CCZ->2T factories, arXiv:1812.01238) on the same work,
    with the physical error rate and surface-code cycle time of the architecture's preset.

    Qualtran's model keeps counts and durations as Python numbers, so it is given the whole
    computation at once (the unit's counts times ``repetitions``, the total error budget) and
    needs no slicing. Applies to gate-based presets only (it models the gate-based surface
    code); the code cycle is one syndrome round, 4 two-qubit gates + 2 measurements, as in the
    older estimator's model. Rotations are left to Qualtran's own T cost per rotation.
    """
    preset = ARCHITECTURES[architecture]
    if preset.model != "GateBased":
        return None
    from qualtran.resource_counting import GateCounts
    from qualtran.surface_code import get_ccz2t_costs_from_grid_search, iter_simple_data_blocks

    params = dict(preset.params)
    phys_err = float(params["error_rate"])
    cycle_ns = 4 * params["gate_time"] + 2 * params["measurement_time"]
    gates = GateCounts(
        t=repetitions * int(counts["tCount"]),
        toffoli=repetitions * (int(counts["cczCount"]) + int(counts["ccixCount"])),
        rotation=repetitions * int(counts["rotationCount"]),
        measurement=repetitions * int(counts["measurementCount"]),
    )
    try:
        cost, factory, data_block = get_ccz2t_costs_from_grid_search(
            n_logical_gates=gates,
            n_algo_qubits=int(counts["numQubits"]),
            phys_err=phys_err,
            error_budget=error_budget,
            cycle_time_us=cycle_ns / 1e3,
            # Qualtran's default data distances stop at 33; qre is searched to 51, so search as far
            data_block_iter=tuple(iter_simple_data_blocks(d_start=7, d_stop=53)),
        )
    except ValueError as exc:  # no factory and data distance in its grid meet the budget
        return {"error": " ".join(str(exc).split())}
    return {
        "physical_qubits": int(cost.footprint),
        "runtime_s": float(cost.duration_hr) * 3600.0,
        "code_distance": int(data_block.data_d),
        "factory_distances": [int(factory.distillation_l1_d), int(factory.distillation_l2_d)],
        "phys_err": phys_err,
        "cycle_time_ns": cycle_ns,
    }


# ---------------------------------------------------------------------------------------------
# The step model: qre's runtime as lattice-surgery steps times the step time of a code distance

#: The share of the error budget the step model gives the logical patches; qre spends the rest on
#: the magic states. With this share the rule below picks the code distance qre's headline picks
#: (docs/breakeven.md: equal at every report point at n = 2^17 checked).
STEP_MODEL_LOGICAL_SHARE = 0.5


@dataclass(frozen=True)
class LogicalStep:
    """One lattice-surgery step of qre's instruction set: its code distance, its time and its
    error for one step over ``logical_qubits`` patches."""

    code_distance: int
    step_ns: float
    error: float


def _scaled_errors(architecture: Architecture, error_scale: float):
    """The architecture's qubit model with every error parameter (``*error*``) times
    ``error_scale``; parameters the preset leaves at qre's defaults are scaled from those."""
    from qdk.qre import models

    preset = ARCHITECTURES[architecture]
    model = getattr(models, preset.model)
    params = dict(preset.params)
    if error_scale != 1.0:
        for name, parameter in inspect.signature(model).parameters.items():
            value = params.get(name, parameter.default)
            if "error" in name and isinstance(value, (int, float)) and value is not inspect.Parameter.empty:
                params[name] = float(value) * error_scale
    return model(**params)


@functools.lru_cache(maxsize=65536)
def logical_steps(architecture: Architecture, code: QecCode, logical_qubits: int,
                  error_scale: float = 1.0) -> tuple[LogicalStep, ...]:
    """Every lattice-surgery step qre's code offers on the architecture (physical error rates
    times ``error_scale``), with its error over ``logical_qubits`` patches, read from qre's own
    instruction set."""
    from qdk.qre.instruction_ids import LATTICE_SURGERY
    from qdk.qre.property_keys import DISTANCE

    context = _scaled_errors(architecture, error_scale).context()
    steps = []
    for isa in _code_query(code).enumerate(context):
        surgery = isa[LATTICE_SURGERY]
        steps.append(LogicalStep(int(surgery.get_property(DISTANCE)), float(surgery.expect_time(1)),
                                 float(surgery.expect_error_rate(int(logical_qubits)))))
    if not steps:
        raise QResourceError(f"QEC code {code} does not apply to architecture {architecture}")
    return tuple(sorted(steps, key=lambda s: (s.step_ns, s.code_distance)))


def step_for(architecture: Architecture, code: QecCode, logical_qubits: int, steps: int,
             error_budget: float = DEFAULT_ERROR_BUDGET, error_scale: float = 1.0) -> LogicalStep | None:
    """The fastest step whose errors over ``steps`` steps of ``logical_qubits`` patches stay
    within :data:`STEP_MODEL_LOGICAL_SHARE` of the budget; None when no distance qre offers does."""
    allowed = STEP_MODEL_LOGICAL_SHARE * error_budget
    for step in logical_steps(architecture, code, int(logical_qubits), float(error_scale)):
        if step.error * steps <= allowed:
            return step
    return None


def lattice_surgery_steps(logical: LogicalCounts, t_outside_toffoli: int | None) -> int:
    """Sequential lattice-surgery steps of one unit as qre's Pauli-based computation runs it
    (:data:`STEPS_PER_OPERATION`: one per T or measurement, three per CCX, 21 per rotation)."""
    return depth_bound(estimator_input(logical, t_outside_toffoli))
