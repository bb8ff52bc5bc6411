"""The default report: resource tables, classical comparison, crossovers and plots.

``build_report(output_dir)`` computes everything through the primitives' own APIs
(:mod:`qresource.report.sources`), writes CSV + Markdown tables, PNG plots and an ``index.md``,
and returns the list of files written. Output is byte-for-byte reproducible: fixed parameter
lists, sorted rows, fixed number formats, deterministic plots (:mod:`qresource.report.render`).
Primitives that are not built get one "not built" line in index.md and no numbers.
"""

from __future__ import annotations

import contextlib
import functools
import math
import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Callable

import pandas as pd

from qresource.classical.costs import naive_attention_counts
from qresource.classical.hardware import get_hardware
from qresource.compare.classical_side import (
    ALGORITHMS,
    classical_seconds,
    hybrid_classical_seconds,
    per_key_seconds,
)
from qresource.compare.crossover import CrossoverSearch, babbush_breakeven, find_crossovers
from qresource.core.errors import QResourceError
from qresource.core.io import atomic_write_text
from qresource.core.record import LogicalCounts
from qresource.loaders.kinds import LoaderKind
from qresource.machinery.physical import Architecture, Settings
from qresource.report import breakeven, render, sources, sparsity
from qresource.report.estimates import Estimates, UnitKey
from qresource.report.index import index_markdown


@dataclass(frozen=True)
class Preset:
    name: str
    n: int
    d: int
    description: str


DEFAULT_PRESETS = (
    Preset("gpt2-small-head", 1024, 64, "one GPT-2-small attention head: context 1024, head dimension 64"),
    Preset("7b-head", 4096, 128, "one head of a 7B-class model: context 4096, head dimension 128"),
    Preset("long-128k", 2**17, 128, "long context, 2^17 tokens, head dimension 128"),
    Preset("long-1m", 2**20, 128, "long context, 2^20 tokens, head dimension 128"),
)


@dataclass(frozen=True)
class ReportConfig:
    presets: tuple[Preset, ...] = DEFAULT_PRESETS
    ks: tuple[int, ...] = (8, 32, 128)
    hardware: tuple[str, ...] = ("h100-sxm", "epyc-9654-2s-fp64")
    loaders: tuple[str, ...] = (LoaderKind.FANOUT, LoaderKind.BUCKET_BRIGADE, LoaderKind.QROM, LoaderKind.QROAM)
    bits: int | None = None  # None: the oracle's own default width
    architecture: str | None = None  # None: the stated defaults (qresource.machinery.physical)
    qec: str | None = None
    factory: str | None = None
    error_budget: float | None = None
    # the qubits-runtime frontier across architectures, for one preset (else the first), k and series
    frontier_preset: str = "7b-head"
    frontier_k: int = 32
    frontier_architectures: tuple[str, ...] = tuple(a.value for a in Architecture)
    plot_d: tuple[int, ...] = (128,)
    plot_k: int = 32
    plot_exponents: tuple[int, ...] = tuple(range(10, 31, 2))
    crossover_n_min: int = 2**4
    crossover_n_max: int = 2**80
    crossover_rel_tol: float = 2.0**-10
    crossover_stop_after_rising: int = 6
    crossover_rising_from: int = 2**20
    babbush_reference_n: int = 2**20
    breakeven_n: int = 2**17  # "what it would take": the long-128k preset's n and d, plot_k
    breakeven_d: int = 128
    sparsity_ns: tuple[int, ...] = (64, 128, 256, 512)  # measured sparsity: the bundled text's profile
    sparsity_windows: int = 4


DEFAULT_CONFIG = ReportConfig()


# ---------------------------------------------------------------------------------------------
# Quantum runtimes (physical estimates of a unit x repetitions)


@dataclass
class QuantumSeries:
    """One quantum cost curve: a name, a loader (or None) and a function (n, k, d) -> dict.
    ``coarse`` series are slow to count (QLACI: a synthesised circuit per point): plots sample
    them at every other plot point, and the crossover search leaves them out. ``unit`` gives the
    physical estimate a point needs (None where it needs none), without estimating it."""

    name: str
    loader: str | None
    evaluate: Callable[..., dict[str, Any]]
    coarse: bool = False
    reads_k: bool = True  # QLACI has no sparsity parameter
    unit: Callable[..., UnitKey | None] = lambda n, k, d, second_opinion=False: None
    runtime: Callable[..., dict[str, Any]] | None = None  # evaluate without the counts

    def __post_init__(self):
        if self.runtime is None:
            self.runtime = self.evaluate


@dataclass(frozen=True)
class _Plan:
    """The physical estimate a point needs, and its counts (computed when asked: a runtime needs
    the unit only)."""

    counts: Callable[[], dict[str, Any]]
    unit: LogicalCounts
    repetitions: int
    t_outside: int | None
    classical_flops: int


class Engine:
    """Evaluates quantum series with physical estimates, cached per point; the estimates come
    from ``estimates`` (shared by the engines of one report run, so each distinct unit is
    estimated once)."""

    def __init__(self, config: ReportConfig, estimates: Estimates | None = None):
        self.config = config
        self.settings = Settings.resolve(config.architecture, config.qec, config.factory, config.error_budget)
        self.status = sources.availability()
        self.estimates = estimates if estimates is not None else Estimates()
        self._cache: dict[tuple, dict[str, Any]] = {}
        self._plans: dict[tuple, _Plan | QResourceError] = {}

    def physical(self, unit, repetitions, t_outside, second_opinion=False) -> dict[str, Any]:
        """The headline point of the frontier on the configured architecture (its keys are the
        ones every table reads), the frontier itself under ``frontier``."""
        return self.estimates.get(self._key(unit, repetitions, t_outside, second_opinion))

    def _key(self, unit, repetitions, t_outside, second_opinion) -> UnitKey:
        return (unit, int(repetitions), t_outside, bool(second_opinion), self.settings)

    def series(self) -> list[QuantumSeries]:
        out = []
        if self.status.get("grover-query") is None:
            out.append(self._series(sources.GROVER_QUERY, None, ("query",), self._grover_query_plan))
        if self.status.get("grover-circuit") is None:
            for loader in self.config.loaders:
                out.append(self._series(sources.GROVER_CIRCUIT, loader, ("circuit", loader),
                                        self._grover_circuit_plan(loader)))
        if self.status.get("qlaci") is None:
            out.append(self._series(sources.QLACI_FREE, "qrom", ("qlaci", "free"), self._qlaci_plan("free"),
                                    coarse=True, reads_k=False))
            out.append(self._series(sources.QLACI_CIRCUIT, "qrom", ("qlaci", "full"), self._qlaci_plan("full"),
                                    coarse=True, reads_k=False))
        return out

    def _series(self, name: str, loader: str | None, tag: tuple, plan: Callable[[int, int, int], _Plan],
                coarse: bool = False, reads_k: bool = True) -> QuantumSeries:
        """A series from its plan: ``plan(n, k, d)`` counts a point (cached here, per point)."""

        def point_key(n: int, k: int, d: int) -> tuple:
            return (*tag, n, k, d) if reads_k else (*tag, n, d)

        def planned(n: int, k: int, d: int) -> _Plan:
            key = point_key(n, k, d)
            if key not in self._plans:
                try:
                    self._plans[key] = plan(n, k, d)
                except QResourceError as exc:
                    self._plans[key] = exc
            found = self._plans[key]
            if isinstance(found, QResourceError):
                raise found
            return found

        def evaluate(n: int, k: int, d: int, second_opinion: bool = False) -> dict[str, Any]:
            def compute():
                p = planned(n, k, d)
                return self._estimate(p.counts(), p.unit, p.repetitions, p.t_outside, second_opinion,
                                      p.classical_flops)

            return self._point((*point_key(n, k, d), second_opinion), compute)

        def runtime(n: int, k: int, d: int) -> dict[str, Any]:
            """``evaluate`` without the counts: the runtime and classical flops only."""
            whole = self._cache.get((*point_key(n, k, d), False))
            if whole is not None:
                return whole

            def compute():
                p = planned(n, k, d)
                return self._estimate(None, p.unit, p.repetitions, p.t_outside, False, p.classical_flops)

            return self._point((*point_key(n, k, d), "runtime"), compute)

        def unit(n: int, k: int, d: int, second_opinion: bool = False) -> UnitKey | None:
            if (*point_key(n, k, d), second_opinion) in self._cache:
                return None
            try:
                p = planned(n, k, d)
            except QResourceError:
                return None
            return self._key(p.unit, p.repetitions, p.t_outside, second_opinion)

        return QuantumSeries(name, loader, evaluate, coarse=coarse, reads_k=reads_k, unit=unit, runtime=runtime)

    def prepare(self, points) -> None:
        """Estimate at once the units the points ``(series, n, k, d, second_opinion)`` need."""
        keys = (series.unit(n, k, d, second_opinion) for series, n, k, d, second_opinion in points
                if not (series.reads_k and k > n))
        self.estimates.prepare(key for key in keys if key is not None)

    def _qlaci_plan(self, model: str) -> Callable[[int, int, int], _Plan]:
        def plan(n: int, k: int, d: int) -> _Plan:
            head = sources.qlaci_head(n, d)
            part = head[model]
            counts = {"queries": head["queries"], "logical": sources.scaled(part["unit"], head["executions"])}
            return _Plan(lambda: counts, part["unit"], head["executions"], part["unit_t_outside_toffoli"], 0)

        return plan

    def _estimate(self, counts, unit, repetitions, t_outside, second_opinion, classical_flops) -> dict[str, Any]:
        """Counts and their physical estimate; where the estimator has no answer the counts stay
        and ``error`` says why."""
        point = {"counts": counts, "classical_flops": classical_flops}
        try:
            point["physical"] = self.physical(unit, repetitions, t_outside, second_opinion)
        except QResourceError as exc:
            return {**point, "error": str(exc), "runtime_s": None}
        return {**point, "runtime_s": point["physical"]["runtime_s"]}

    def _point(self, key: tuple, compute: Callable[[], dict[str, Any]]) -> dict[str, Any]:
        if key not in self._cache:
            try:
                self._cache[key] = compute()
            except QResourceError as exc:
                self._cache[key] = {"error": str(exc), "runtime_s": None}
        return self._cache[key]

    @staticmethod
    def _grover_query_plan(n: int, k: int, d: int) -> _Plan:
        counts = sources.grover_query(n, k, d)
        return _Plan(lambda: counts, counts["unit"], counts["repetitions"], counts["unit_t_outside_toffoli"],
                     counts["classical_flops"])

    def _grover_circuit_plan(self, loader: str) -> Callable[[int, int, int], _Plan]:
        def plan(n: int, k: int, d: int) -> _Plan:
            unit = sources.grover_circuit_unit(n, k, d, self.config.bits, loader)
            return _Plan(lambda: sources.grover_circuit(n, k, d, self.config.bits, loader), unit["unit"],
                         unit["repetitions"], unit["unit_t_outside_toffoli"], unit["checks_flops"])

        return plan

    def error_at(self, series: QuantumSeries, n: int, k: int, d: int) -> str:
        """Why the physical estimate at this point is missing (one line), or ''."""
        return short_reason(str(series.evaluate(n, k, d).get("error", "")), n)

    def total_seconds(self, series: QuantumSeries, n: int, k: int, d: int, hardware: str) -> float | None:
        """Quantum runtime plus the hybrid algorithm's classical work on ``hardware``."""
        if k > n:
            return None
        point = series.runtime(n, k, d)
        if point.get("runtime_s") is None:
            return None

        checks = point.get("classical_flops", 0) / get_hardware(hardware).peak_flops_per_s
        if series.name == sources.GROVER_CIRCUIT:
            checks += hybrid_classical_seconds(n, d, k, hardware)
        return point["runtime_s"] + checks


def short_reason(message: str, n: int | None = None) -> str:
    """An estimator's failure in a few words."""
    limit = re.search(r"code distance (\d+) is too high; maximum allowed code distance is (\d+)", message)
    if limit:
        where = f"at n = {n:,} " if n is not None else ""
        return f"{where}the estimator needs code distance {limit.group(1)} > its maximum {limit.group(2)}"
    if "No valid factories" in message:
        return "Qualtran: no CCZ factory in its grid meets the budget"
    return message


# ---------------------------------------------------------------------------------------------
# Tables


RESOURCE_COLUMNS = [
    "preset", "n", "d", "k", "series", "loader", "queries", "qubits", "toffoli", "t", "measurements",
    "depth", "lattice_surgery_depth", "t_depth", "physical_qubits", "runtime_s", "code_distance", "t_factories",
    "repetitions",
    "qualtran_physical_qubits", "qualtran_runtime_s", "note",
]


#: Why a series' depth is null (a number not computed is never 0).
DEPTH_NOT_COMPUTED = {
    sources.GROVER_QUERY: "depth: the query model has no circuit",
    sources.QLACI_FREE: "depth: not computed (shots back to back; one shot's depth: estimate qlaci)",
    sources.QLACI_CIRCUIT: "depth: not computed (shots back to back; one shot's depth: estimate qlaci)",
}


def resource_table(engine: Engine, progress: Callable[[], None]) -> pd.DataFrame:
    engine.prepare((series, preset.n, k, preset.d, True) for preset in engine.config.presets
                   for k in engine.config.ks for series in engine.series())
    rows = []
    for preset in engine.config.presets:
        for k in engine.config.ks:
            for series in engine.series():
                if not series.reads_k and k != engine.config.ks[0]:
                    continue
                point = series.evaluate(preset.n, k, preset.d, True)
                progress()
                row: dict[str, Any] = {"preset": preset.name, "n": preset.n, "d": preset.d,
                                       "k": k if series.reads_k else None,
                                       "series": series.name, "loader": series.loader or ""}
                counts = point.get("counts")
                if counts is None:
                    rows.append(row)
                    continue
                row["queries"] = counts["queries"]
                logical = counts.get("logical")
                row.update(sources.logical_row(logical))
                if logical is None or logical.depth is None:
                    row["note"] = DEPTH_NOT_COMPUTED.get(series.name, "depth: not computed")
                if "physical" not in point:
                    row["note"] = "; ".join(filter(None, [row.get("note"), short_reason(point.get("error", ""))]))
                    rows.append(row)
                    continue
                phys = point["physical"]
                row.update({
                    "physical_qubits": phys["physical_qubits"], "runtime_s": phys["runtime_s"],
                    "code_distance": phys["code_distance"], "t_factories": phys["t_factories"],
                    "repetitions": phys["repetitions"],
                })
                second = phys.get("qualtran_gidney_fowler") or {}
                row["qualtran_physical_qubits"] = second.get("physical_qubits")
                row["qualtran_runtime_s"] = second.get("runtime_s")
                if "error" in second:
                    row["note"] = "; ".join(filter(None, [row.get("note"), short_reason(second["error"])]))
                rows.append(row)
    return pd.DataFrame(rows, columns=RESOURCE_COLUMNS, dtype=object)


CLASSICAL_COLUMNS = ["preset", "n", "d", "k", "hardware", "naive_s", "half_space_s", "grover_classical_part_s"]


def classical_table(config: ReportConfig) -> pd.DataFrame:
    rows = []
    for preset in config.presets:
        for k in config.ks:
            for hardware in config.hardware:
                rows.append({
                    "preset": preset.name, "n": preset.n, "d": preset.d, "k": k, "hardware": hardware,
                    "naive_s": classical_seconds("naive", preset.n, preset.d, k, hardware),
                    "half_space_s": classical_seconds("half-space", preset.n, preset.d, k, hardware),
                    "grover_classical_part_s": hybrid_classical_seconds(preset.n, preset.d, k, hardware),
                })
    return pd.DataFrame(rows, columns=CLASSICAL_COLUMNS, dtype=object)


CROSSOVER_COLUMNS = [
    "d", "k", "series", "loader", "classical", "hardware", "crossover", "n_star", "quantum_s_at_n_star",
    "classical_s_at_n_star", "babbush_n_star", "babbush_row_s", "note",
]


def crossover_table(engine: Engine, progress: Callable[[], None]) -> pd.DataFrame:
    (frame,) = crossover_tables([engine], progress)
    return frame


def crossover_tables(engines: list[Engine], progress: Callable[[], None]) -> list[pd.DataFrame]:
    """Each engine's crossover table; every search of every engine runs in one lockstep, so
    that each round's distinct units are estimated together (:func:`find_crossovers`)."""
    cases, searches = [], []
    for engine in engines:
        config = engine.config
        for d in sorted({p.d for p in config.presets}):
            for k in config.ks:
                for series in [s for s in engine.series() if not s.coarse]:
                    for algorithm in ALGORITHMS:
                        for hardware in config.hardware:
                            cases.append((engine, d, k, series, algorithm, hardware))
                            searches.append(CrossoverSearch(
                                functools.partial(engine.total_seconds, series, k=k, d=d, hardware=hardware),
                                functools.partial(classical_seconds, algorithm, d=d, k=k, hardware=hardware),
                                max(config.crossover_n_min, k),
                                config.crossover_n_max,
                                rel_tol=config.crossover_rel_tol,
                                stop_after_rising=config.crossover_stop_after_rising,
                                rising_from=config.crossover_rising_from,
                            ))

    def before_round(asked: list[tuple[int, int]]) -> None:
        batches: dict[int, tuple[Estimates, list]] = {}
        for i, n in asked:
            engine, d, k, series = cases[i][:4]
            key = None if k > n else series.unit(n, k, d)
            if key is not None:
                batches.setdefault(id(engine.estimates), (engine.estimates, []))[1].append(key)
        for estimates, keys in batches.values():
            estimates.prepare(keys)

    results = find_crossovers(searches, before_round)
    tables: dict[int, list[dict]] = {id(engine): [] for engine in engines}
    for (engine, d, k, series, algorithm, hardware), result in zip(cases, results):
        progress()
        row = {
            "d": d, "k": k, "series": series.name, "loader": series.loader or "",
            "classical": algorithm, "hardware": hardware, "crossover": result.label(),
            "n_star": result.n_star, "quantum_s_at_n_star": result.quantum_s,
            "classical_s_at_n_star": result.classical_s,
        }
        if result.status == "no estimate beyond":
            beyond = (result.n_checked or result.n_min // 2) * 2
            row["note"] = engine.error_at(series, beyond, k, d)
        if series.name == sources.GROVER_QUERY and algorithm == "naive":
            row.update(_babbush(engine, series, k, d, hardware))
        tables[id(engine)].append(row)
    return [pd.DataFrame(tables[id(engine)], columns=CROSSOVER_COLUMNS, dtype=object) for engine in engines]


def _babbush(engine: Engine, series: QuantumSeries, k: int, d: int, hardware: str) -> dict[str, Any]:
    """Babbush et al.'s closed form with t_Q = the query model's time per oracle call at
    n = babbush_reference_n, t_C = one classical inner product, and the schedule's own constant
    c = E[queries per row] / sqrt(n k) there."""
    n = engine.config.babbush_reference_n
    point = series.evaluate(n, k, d)
    if point.get("runtime_s") is None:
        return {}
    row_queries = point["counts"]["row_queries"]
    t_query = point["physical"]["runtime_s"] / (n * row_queries)
    constant = row_queries / math.sqrt(n * k)
    result = babbush_breakeven(t_query, per_key_seconds(d, hardware), k, constant)
    return {"babbush_n_star": result["n_star"], "babbush_row_s": result["row_seconds"]}


# ---------------------------------------------------------------------------------------------
# Architectures: the frontier's best point per architecture, for one preset


ARCHITECTURE_COLUMNS = [
    "preset", "n", "d", "k", "series", "loader", "architecture", "qec", "factory", "physical_qubits",
    "runtime_s", "code_distance", "t_factories", "frontier_points", "note",
]


@dataclass
class ArchitectureStudy:
    """Each architecture's estimate of each (non-coarse) series at the frontier preset."""

    preset: Preset
    k: int
    points: dict[tuple[str, str, str], dict[str, Any]]  # (architecture, series, loader) -> point
    best: str | None  # the architecture with the least headline runtime of the reference series
    reference: tuple[str, str] | None  # (series, loader) the best architecture is chosen on


def architecture_study(config: ReportConfig, progress: Callable[[], None],
                       estimates: Estimates | None = None) -> ArchitectureStudy:
    preset = next((p for p in config.presets if p.name == config.frontier_preset), config.presets[0])
    k = config.frontier_k
    points: dict[tuple[str, str, str], dict[str, Any]] = {}
    estimates = estimates if estimates is not None else Estimates()
    engines = {a: Engine(replace(config, architecture=a, qec=None), estimates) for a in config.frontier_architectures}
    estimates.prepare(key for engine in engines.values() for series in engine.series() if not series.coarse
                      for key in [series.unit(preset.n, k, preset.d)] if key is not None)
    for architecture, engine in engines.items():
        for series in engine.series():
            if series.coarse:
                continue
            points[(architecture, series.name, series.loader or "")] = series.evaluate(preset.n, k, preset.d)
            progress()
    # the reference series: the full circuit where some architecture estimates it, else the query model
    series_keys = sorted({(s, l) for _, s, l in points}, key=lambda key: (key[0] != sources.GROVER_CIRCUIT, key))
    estimated = [key for key in series_keys
                 if any(points[(a, *key)].get("runtime_s") is not None for a in config.frontier_architectures)]
    reference = estimated[0] if estimated else None
    known = {} if reference is None else {
        a: points[(a, *reference)]["runtime_s"] for a in config.frontier_architectures
        if points[(a, *reference)].get("runtime_s") is not None
    }
    best = min(known, key=lambda a: (known[a], a)) if known else None
    return ArchitectureStudy(preset, k, points, best, reference)


def architecture_table(study: ArchitectureStudy) -> pd.DataFrame:
    rows = []
    for (architecture, series, loader), point in study.points.items():
        row = {"preset": study.preset.name, "n": study.preset.n, "d": study.preset.d, "k": study.k,
               "series": series, "loader": loader, "architecture": architecture}
        phys = point.get("physical")
        if phys is None:
            row["note"] = short_reason(point.get("error", ""))
        else:
            row.update({key: phys[key] for key in ("physical_qubits", "runtime_s", "code_distance", "t_factories")})
            row.update({"qec": phys["qec_scheme"], "factory": phys["factory"], "frontier_points": len(phys["frontier"])})
        rows.append(row)
    return pd.DataFrame(rows, columns=ARCHITECTURE_COLUMNS, dtype=object)


def frontier_plot(study: ArchitectureStudy) -> bytes:
    """Physical qubits against runtime: each architecture's frontier for the reference series."""
    series_data = []
    for (architecture, series, loader), point in study.points.items():
        if study.reference != (series, loader) or "physical" not in point:
            continue
        frontier = point["physical"]["frontier"]
        series_data.append((architecture, [p["runtime_s"] for p in frontier], [p["physical_qubits"] for p in frontier]))
    series, loader = study.reference or ("", "")
    return render.loglog_png(
        series_data,
        title=f"Qubits-runtime frontier per architecture: {study.preset.name}, k = {study.k}\n"
              f"{series}{f' ({loader})' if loader else ''}",
        xlabel="runtime (s)",
        ylabel="physical qubits",
        vlines=[(3600.0, "1 hour"), (86400.0, "1 day")],
        base_x=10,
    )


# ---------------------------------------------------------------------------------------------
# Plots


def _label(series: QuantumSeries) -> str:
    if series.name in (sources.QLACI_FREE, sources.QLACI_CIRCUIT):
        return series.name
    return series.name + (f" ({series.loader})" if series.loader else "")


def plot_ns(config: ReportConfig) -> list[int]:
    return [2**e for e in config.plot_exponents]


def runtime_plot(engine: Engine, d: int, hardware: str, progress: Callable[[], None]) -> bytes:
    config = engine.config
    k = config.plot_k
    ns = plot_ns(config)
    series_data = []
    for series in engine.series():
        label = _label(series)
        xs = ns[::2] if series.coarse else ns
        values = []
        for n in xs:
            values.append(engine.total_seconds(series, n, k, d, hardware))
            progress()
        series_data.append((label, xs, values))
    for algorithm, label in (("naive", "classical naive"), ("half-space", "classical half-space")):
        series_data.append((f"{label} ({hardware})", ns, [classical_seconds(algorithm, n, d, k, hardware) for n in ns]))
    return render.loglog_png(
        series_data,
        title=f"Attention runtime vs n (d = {d}, k = {k}); quantum: physical estimate",
        xlabel="sequence length n",
        ylabel="seconds",
        hlines=[(3600.0, "1 hour"), (3.156e7, "1 year")],
    )


def crossover_plot(engine: Engine, d: int, hardware: str) -> bytes:
    """quantum / classical-naive runtime ratio vs n: the crossover is where a curve meets 1."""
    config = engine.config
    k = config.plot_k
    ns = plot_ns(config)
    series_data = []
    for series in engine.series():
        label = _label(series)
        xs = ns[::2] if series.coarse else ns
        for algorithm in ALGORITHMS:
            ratios = []
            for n in xs:
                quantum = engine.total_seconds(series, n, k, d, hardware)
                classical = classical_seconds(algorithm, n, d, k, hardware)
                ratios.append(None if quantum is None else quantum / classical)
            series_data.append((f"{label} / {algorithm}", xs, ratios))
    return render.loglog_png(
        series_data,
        title=f"Quantum / classical runtime (d = {d}, k = {k}, {hardware}); below 1: quantum faster",
        xlabel="sequence length n",
        ylabel="runtime ratio",
        hlines=[(1.0, "break-even")],
    )


def logical_plot(engine: Engine, d: int, slopes: dict[str, float] | None = None) -> bytes:
    """Logical non-Clifford work vs n: Toffolis of the full circuit, the query model's charge."""
    config = engine.config
    k = config.plot_k
    ns = plot_ns(config)
    series_data = []
    for series in engine.series():
        label = _label(series)
        xs = ns[::2] if series.coarse else ns
        values = []
        for n in xs:
            point = series.evaluate(n, k, d) if k <= n else {}
            if "counts" not in point:
                values.append(None)
            elif series.name == sources.GROVER_QUERY:
                values.append(point["counts"]["unit"].toffoli * point["counts"]["repetitions"])
            else:
                values.append(point["counts"]["logical"].toffoli)
        series_data.append((label, xs, values))

    series_data.append(("classical naive", ns, [naive_attention_counts(n, d).flops() for n in ns]))
    if slopes is not None:
        for label, xs, ys in series_data:
            known = [(x, y) for x, y in zip(xs, ys) if y]
            if len(known) >= 2:
                (x0, y0), (x1, y1) = known[0], known[-1]
                slopes[f"{label}, n = 2^{x0.bit_length() - 1}..2^{x1.bit_length() - 1}"] = (
                    math.log(y1 / y0) / math.log(x1 / x0)
                )
    return render.loglog_png(
        series_data,
        title=f"Logical work vs n (d = {d}, k = {k}): Toffolis (quantum), flops (classical)",
        xlabel="sequence length n",
        ylabel="Toffoli gates / flops",
    )


#: The depth readings the depth plot draws, with the suffix of each curve's label.
DEPTH_READINGS = (("depth", "depth"), ("lattice_surgery_depth", "lattice-surgery depth"), ("t_depth", "T-depth"))


def depth_series(engine: Engine, d: int) -> list[tuple[str, list[int], list[int | None]]]:
    """Whole attention's three depth readings vs n, for every series that has a circuit depth:
    (label, n values, depths), None where a reading was not computed."""
    config = engine.config
    k = config.plot_k
    ns = plot_ns(config)
    series_data = []
    for series in engine.series():
        xs = ns[::2] if series.coarse else ns
        points = [series.evaluate(n, k, d) if k <= n else {} for n in xs]
        logical = [point["counts"].get("logical") if "counts" in point else None for point in points]
        if not any(counts is not None and counts.depth is not None for counts in logical):
            continue
        for key, suffix in DEPTH_READINGS:
            values = [None if counts is None else getattr(counts, key) for counts in logical]
            series_data.append((f"{_label(series)}, {suffix}", xs, values))
    return series_data


def depth_plot(engine: Engine, d: int) -> bytes:
    return render.loglog_png(
        depth_series(engine, d),
        title=f"Logical depth vs n (d = {d}, k = {engine.config.plot_k}): whole attention, rows one after another",
        xlabel="sequence length n",
        ylabel="layers",
    )


# ---------------------------------------------------------------------------------------------
# The report


@dataclass
class ReportFiles:
    written: list[str] = field(default_factory=list)


def _write_table(out: Path, stem: str, frame: pd.DataFrame, files: ReportFiles) -> None:
    atomic_write_text(out / f"{stem}.csv", render.to_csv(frame))
    atomic_write_text(out / f"{stem}.md", render.to_markdown(frame))
    files.written += [f"{stem}.csv", f"{stem}.md"]


def build_report(output_dir: str | Path, config: ReportConfig = DEFAULT_CONFIG, progress=None, *,
                 workers: int = 1, scheduler: str | None = None, estimate_progress=None) -> list[str]:
    """Compute and write the report into ``output_dir`` (created if missing); returns the names
    of the files written, sorted.

    The physical estimates run once per distinct unit, in batches, on ``workers`` local
    processes or on the Dask cluster at ``scheduler`` (:mod:`qresource.report.estimates`); the
    report is the same bytes however they ran. ``estimate_progress(done, total)`` follows them.
    A scheduler that cannot be reached fails before the output directory is created."""
    out = Path(output_dir)
    with contextlib.closing(Estimates(workers, scheduler, estimate_progress)) as estimates:
        try:
            out.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise QResourceError(f"cannot create {out}: {exc.strerror or exc}") from None
        tick = progress.advance if progress is not None else (lambda: None)
        engine = Engine(config, estimates)
        if progress is not None:
            progress.start(_work_units(engine))
        try:
            return _build(out, config, engine, tick)
        finally:
            if progress is not None:
                progress.finish()


def _build(out: Path, config: ReportConfig, engine: Engine, tick: Callable[[], None]) -> list[str]:
    files = ReportFiles()
    resources = resource_table(engine, tick)
    _write_table(out, "resources", resources, files)
    classical = classical_table(config)
    _write_table(out, "classical", classical, files)
    study = architecture_study(config, tick, engine.estimates)
    engines = [engine]
    if study.best is not None:
        engines.append(Engine(replace(config, architecture=study.best, qec=None), engine.estimates))
    crossovers, *best = crossover_tables(engines, tick)
    _write_table(out, "crossover", crossovers, files)

    engine.prepare((series, n, config.plot_k, d, False) for d in config.plot_d
                   for series in engine.series() for n in (plot_ns(config)[::2] if series.coarse else plot_ns(config)))
    plots = []
    for d in config.plot_d:
        hardware = config.hardware[0]
        name = f"runtime_vs_n_d{d}.png"
        render.write_png(runtime_plot(engine, d, hardware, tick), out / name)
        plots.append(name)
    name = f"crossover_ratio_d{config.plot_d[-1]}.png"
    render.write_png(crossover_plot(engine, config.plot_d[-1], config.hardware[0]), out / name)
    plots.append(name)
    name = f"logical_vs_n_d{config.plot_d[-1]}.png"
    slopes: dict[str, float] = {}
    render.write_png(logical_plot(engine, config.plot_d[-1], slopes), out / name)
    plots.append(name)
    name = f"depth_vs_n_d{config.plot_d[-1]}.png"
    render.write_png(depth_plot(engine, config.plot_d[-1]), out / name)
    plots.append(name)
    files.written += plots

    _write_table(out, "architectures", architecture_table(study), files)
    name = f"frontier_{study.preset.name}.png"
    render.write_png(frontier_plot(study), out / name)
    plots.append(name)
    files.written.append(name)
    crossovers_best = best[0] if best else None
    if crossovers_best is not None:
        _write_table(out, "crossover_best_architecture", crossovers_best, files)

    held = breakeven.Hardware(
        architecture=engine.settings.architecture, qec=engine.settings.qec,
        error_budget=engine.settings.error_budget, classical_hardware=config.hardware[0])
    what, pictures = breakeven.report_section(out, config.breakeven_n, config.plot_k, config.breakeven_d, held,
                                              breakeven.built_algorithms(engine.status, config.loaders),
                                              lambda stem, frame: _write_table(out, stem, frame, files))
    files.written += pictures
    section, pictures = sparsity.report_section(out, config.sparsity_ns, config.sparsity_windows,
                                                lambda stem, frame: _write_table(out, stem, frame, files))
    files.written += pictures
    index = index_markdown(config, engine.status, resources, crossovers, plots, slopes, study, crossovers_best)
    atomic_write_text(out / "index.md", index.rstrip("\n") + "\n\n" + what + "\n" + section)
    files.written.append("index.md")
    return sorted(files.written)


def _work_units(engine: Engine) -> int:
    config = engine.config
    resources = len(config.presets) * sum(len(config.ks) if s.reads_k else 1 for s in engine.series())
    ds = len({p.d for p in config.presets})
    fine = len([s for s in engine.series() if not s.coarse])
    crossovers = ds * len(config.ks) * fine * len(ALGORITHMS) * len(config.hardware)
    plots = len(config.plot_d) * sum(
        len(config.plot_exponents[::2]) if s.coarse else len(config.plot_exponents) for s in engine.series()
    )
    architectures = len(config.frontier_architectures) * fine
    return resources + 2 * crossovers + plots + architectures
