"""What it would take, for every algorithm of the report: the step model's inputs gathered from
the primitives (:mod:`qresource.report.sources`), qre's step times
(:func:`qresource.machinery.physical.step_for`) and the classical seconds
(:mod:`qresource.compare.classical_side`), handed to :mod:`qresource.compare.breakeven`.

Step model (docs/breakeven.md): the whole computation's lattice-surgery steps S(n) are the
estimator unit's steps (qre's Pauli-based computation: one per T or measurement, three per CCX)
times its repetitions, as the physical estimates run it; the logical cycle time is the fastest
step of qre's QEC code whose error over S(n) steps of the unit's logical qubits stays within half
the error budget. On the report's points where qre answers, S tau is qre's headline runtime and
the distance is qre's headline distance (tests hold one point).
"""

from __future__ import annotations

import enum
import functools
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

import pandas as pd

from qresource.classical.hardware import get_hardware
from qresource.compare.breakeven import (
    Knob,
    QuantumSide,
    access_answer,
    breakeven_n,
    cycle_time_answer,
    error_rate_answer,
    factor_needed,
    needed_cycle_time,
    processors_answer,
)
from qresource.compare.classical_side import classical_seconds, hybrid_classical_seconds
from qresource.core.errors import QResourceError
from qresource.core.integers import address_width
from qresource.loaders.api import loader_bloq
from qresource.loaders.closed_forms import unload_counts
from qresource.loaders.kinds import LoaderKind
from qresource.machinery.physical import (
    ARCHITECTURES,
    DEFAULT_ARCHITECTURE,
    DEFAULT_ERROR_BUDGET,
    STEP_MODEL_LOGICAL_SHARE,
    Architecture,
    QecCode,
    bare_t_count,
    lattice_surgery_steps,
    logical_steps,
    step_for,
)
from qresource.oracle.closed_forms import loader_costs_many
from qresource.report import render, sources


class Algorithm(enum.StrEnum):
    """The quantum algorithms a breakeven answer is given for."""

    GROVER_QUERY = "grover-query"
    GROVER_FANOUT = "grover-fanout"
    GROVER_BUCKET_BRIGADE = "grover-bucket-brigade"
    GROVER_QROM = "grover-qrom"
    GROVER_QROAM = "grover-qroam"
    QLACI_FREE = "qlaci-free"
    QLACI_CIRCUIT = "qlaci-circuit"

    @property
    def loader(self) -> LoaderKind | None:
        if self.value.startswith("grover-") and self is not Algorithm.GROVER_QUERY:
            return LoaderKind(self.value.removeprefix("grover-"))
        return LoaderKind.QROM if self.value.startswith("qlaci") else None

    @property
    def label(self) -> str:
        if self is Algorithm.GROVER_QUERY:
            return sources.GROVER_QUERY
        if self is Algorithm.QLACI_FREE:
            return sources.QLACI_FREE
        if self is Algorithm.QLACI_CIRCUIT:
            return sources.QLACI_CIRCUIT
        return f"{sources.GROVER_CIRCUIT} ({self.loader.value})"

    @property
    def reads_k(self) -> bool:
        return not self.value.startswith("qlaci")


CLASSICAL_ALGORITHMS = ("naive", "half-space")

#: The crossover search's rules: those of the report's crossover table (qresource.report.build).
CROSSOVER_RULES = {"rel_tol": 2.0**-10, "stop_after_rising": 6, "rising_from": 2**20}
CROSSOVER_N_MIN, CROSSOVER_N_MAX = 2**4, 2**80

#: The n of each knob's curve: powers of two.
CURVE_EXPONENTS = tuple(range(4, 33, 2))

MODEL = ("step model: quantum runtime = lattice-surgery steps (qre's Pauli-based computation: 1 per T "
         "or measurement, 3 per CCX) x logical cycle time at the code distance that keeps the patches' "
         f"errors within {STEP_MODEL_LOGICAL_SHARE:g} of the error budget, magic-state factories keeping pace; "
         "plus the hybrid algorithm's classical part on the classical hardware")


@dataclass(frozen=True)
class Hardware:
    """What is held fixed: the quantum machine and the classical competitor."""

    architecture: Architecture = DEFAULT_ARCHITECTURE
    qec: QecCode | None = None
    error_budget: float = DEFAULT_ERROR_BUDGET
    classical_hardware: str = "h100-sxm"
    classical_algorithm: str = "naive"

    @property
    def code(self) -> QecCode:
        return self.qec or ARCHITECTURES[self.architecture].default_code

    def as_dict(self) -> dict[str, Any]:
        return {"architecture": self.architecture.value, "qec": self.code.value, "error_budget": self.error_budget,
                "classical_hardware": self.classical_hardware, "classical_algorithm": self.classical_algorithm}


@dataclass(frozen=True)
class Work:
    """An algorithm's whole computation at one n, in steps (exact integers)."""

    steps: int
    logical_qubits: int
    independent_pieces: int
    access_steps: int | None
    accesses: int | None
    hybrid_flops: int


@functools.lru_cache(maxsize=65536)
def work(algorithm: Algorithm, n: int, k: int, d: int) -> Work:
    """The steps of ``algorithm`` at (n, k, d): the estimator unit's steps times its repetitions,
    the units :mod:`qresource.report.sources` hands the physical estimator."""
    if algorithm is Algorithm.GROVER_QUERY:
        query = sources.grover_query(n, k, d)
        unit_steps = lattice_surgery_steps(query["unit"], query["unit_t_outside_toffoli"])
        return Work(query["repetitions"] * unit_steps, query["unit"].qubits, n, None, None, query["classical_flops"])
    if algorithm in (Algorithm.QLACI_FREE, Algorithm.QLACI_CIRCUIT):
        head = sources.qlaci_head(n, d)
        runs = head["executions"]
        full = lattice_surgery_steps(head["full"]["unit"], head["full"]["unit_t_outside_toffoli"])
        free = lattice_surgery_steps(head["free"]["unit"], head["free"]["unit_t_outside_toffoli"])
        if algorithm is Algorithm.QLACI_FREE:
            return Work(runs * free, head["free"]["unit"].qubits, runs, None, None, 0)
        return Work(runs * full, head["full"]["unit"].qubits, runs, runs * (full - free), 2 * runs, 0)
    unit = sources.grover_circuit_unit(n, k, d, None, algorithm.loader)
    runs = unit["repetitions"]
    steps = lattice_surgery_steps(unit["unit"], unit["unit_t_outside_toffoli"])
    return Work(runs * steps, unit["unit"].qubits, n, runs * load_and_unload_steps(algorithm.loader, n, d * unit["bits"]),
                2 * runs, unit["checks_flops"])


@functools.lru_cache(maxsize=4096)
def load_and_unload_steps(loader: LoaderKind, n: int, width: int) -> int:
    """Steps of the two data accesses of one oracle call: the load of the 2^m-word table of
    ``width``-bit rows and its unload (the load again for every loader but QROAM, which unloads
    by measurement for far less)."""
    words = 1 << address_width(n)
    bloq = loader_bloq(loader, words, width)
    load = {key: int(values[0]) for key, values in loader_costs_many(loader, [words], [width]).items()}
    unload = unload_counts(loader, words, width)
    return (3 * load["toffoli"] + bare_t_count(bloq) + load["measurements"]
            + 3 * unload["toffoli"] + bare_t_count(bloq.adjoint()) + unload["measurements"])


def quantum_side(algorithm: Algorithm, n: int, k: int, d: int, hardware: Hardware) -> tuple[QuantumSide, Any]:
    """The step model's quantum side at one n, and the step qre's code gives it (None if none)."""
    done = work(algorithm, n, k, d)
    step = step_for(hardware.architecture, hardware.code, done.logical_qubits, done.steps, hardware.error_budget)
    hybrid = done.hybrid_flops / get_hardware(hardware.classical_hardware).peak_flops_per_s
    if algorithm.loader is not None and algorithm.reads_k:
        hybrid += hybrid_classical_seconds(n, d, k, hardware.classical_hardware)
    side = QuantumSide(n=n, steps=done.steps, step_s=None if step is None else step.step_ns * 1e-9,
                       hybrid_classical_s=hybrid, independent_pieces=done.independent_pieces,
                       access_steps=done.access_steps, accesses=done.accesses)
    return side, step


def total_seconds(algorithm: Algorithm, n: int, k: int, d: int, hardware: Hardware) -> float | None:
    """Quantum runtime plus the hybrid algorithm's classical part, today, in the step model."""
    if algorithm.reads_k and k > n:
        return None
    try:
        return quantum_side(algorithm, n, k, d, hardware)[0].total_s
    except QResourceError:  # beyond the sizes the counts allow: no estimate, as in the report
        return None


def today_error_rate(architecture: Architecture) -> float | None:
    """The preset's physical (two-qubit) error rate, where its model names one."""
    params = dict(ARCHITECTURES[architecture].params)
    return params.get("error_rate")


def answer(algorithm: Algorithm, n: int, k: int, d: int, hardware: Hardware, *, crossover: bool = True,
           curves: bool = True) -> dict[str, Any]:
    """Everything ``qresource breakeven`` says about one algorithm (the keys of its JSON)."""
    if algorithm.reads_k and k > n:
        raise QResourceError(f"k = {k} exceeds n = {n}; need 1 <= k <= n")
    side, step = quantum_side(algorithm, n, k, d, hardware)
    done = work(algorithm, n, k, d)
    classical = classical_seconds(hardware.classical_algorithm, n, d, k, hardware.classical_hardware)
    knobs = [
        cycle_time_answer(side, classical),
        access_answer(side, classical),
        _error_rate(side, classical, done, hardware),
        processors_answer(side, classical),
    ]
    factor = factor_needed(side, classical)
    out: dict[str, Any] = {
        "primitive": "breakeven",
        "algorithm": algorithm.value,
        "series": algorithm.label,
        "loader": None if algorithm.loader is None else algorithm.loader.value,
        "model": MODEL,
        "params": {"n": n, "k": k if algorithm.reads_k else None, "d": d},
        "held_fixed": hardware.as_dict(),
        "classical": {"algorithm": hardware.classical_algorithm, "hardware": hardware.classical_hardware,
                      "seconds": classical},
        "quantum": {
            "steps": side.steps, "logical_qubits": done.logical_qubits,
            "code_distance": None if step is None else step.code_distance,
            "logical_cycle_time_s": side.step_s, "runtime_s": side.quantum_s,
            "hybrid_classical_s": side.hybrid_classical_s, "total_s": side.total_s,
            "access_steps": side.access_steps, "accesses": side.accesses,
            "independent_pieces": side.independent_pieces,
        },
        "factor": factor,
        "knobs": {answer_.knob.value: answer_.as_dict() for answer_ in knobs},
        "notes": _notes(algorithm, step),
    }
    if crossover:
        out["crossover"] = crossover_today(algorithm, k, d, hardware)
    if curves:
        out["curves"] = knob_curves(algorithm, k, d, hardware)
    return out


def _error_rate(side: QuantumSide, classical: float, done: Work, hardware: Hardware):
    """The error-rate knob: qre's code re-read with every physical error rate scaled."""
    fastest = logical_steps(hardware.architecture, hardware.code, done.logical_qubits)[0].step_ns * 1e-9

    def step_at(scale: float) -> float | None:
        found = step_for(hardware.architecture, hardware.code, done.logical_qubits, done.steps,
                         hardware.error_budget, scale)
        return None if found is None else found.step_ns * 1e-9

    return error_rate_answer(side, classical, step_at, fastest, today_error_rate(hardware.architecture))


def _notes(algorithm: Algorithm, step) -> list[str]:
    notes = []
    if step is None:
        notes.append("no code distance of the QEC code meets the error budget at this size: no runtime today")
    if algorithm in (Algorithm.GROVER_FANOUT, Algorithm.GROVER_BUCKET_BRIGADE):
        notes.append("the step model runs every non-Clifford operation in sequence, as qre does: the loader's "
                     "parallel depth is not used (the parallel-processor knob is where parallelism enters)")
    if algorithm.value.startswith("qlaci"):
        notes.append("QLACI has no sparsity parameter: k is not read; its classical competitor is read at the k given")
    return notes


def crossover_today(algorithm: Algorithm, k: int, d: int, hardware: Hardware) -> dict[str, Any]:
    """The least n at which the algorithm is faster on today's hardware (step model), with the
    report's crossover rules."""
    result = breakeven_n(
        lambda n: total_seconds(algorithm, n, k, d, hardware),
        lambda n: classical_seconds(hardware.classical_algorithm, n, d, k, hardware.classical_hardware),
        max(CROSSOVER_N_MIN, k), CROSSOVER_N_MAX, **CROSSOVER_RULES,
    )
    return {**result.as_dict(), "label": result.label()}


def knob_curves(algorithm: Algorithm, k: int, d: int, hardware: Hardware,
                exponents: tuple[int, ...] = CURVE_EXPONENTS) -> dict[str, list]:
    """Each knob's breakeven value at every n = 2^e, the others at today's: the logical cycle
    time (s), the steps per data access, the factor by which the physical error rates must fall,
    the processors; None where no value of the knob alone reaches breakeven."""
    ns, sides, classical, curves = _cycle_time_curve(algorithm, k, d, hardware, exponents)
    access, processors, errors = [], [], []
    for n, side, seconds in zip(ns, sides, classical):
        access.append(access_answer(side, seconds).needed)
        processors.append(processors_answer(side, seconds).needed)
        errors.append(_error_rate(side, seconds, work(algorithm, n, k, d), hardware).factor)
    curves[Knob.DATA_ACCESS.value] = access
    curves[Knob.PHYSICAL_ERROR_RATE.value] = errors
    curves[Knob.PARALLEL_PROCESSORS.value] = processors
    return curves


def _cycle_time_curve(algorithm: Algorithm, k: int, d: int, hardware: Hardware, exponents: tuple[int, ...]):
    ns, sides = [], []
    for n in (1 << e for e in exponents if k <= 1 << e):
        try:
            sides.append(quantum_side(algorithm, n, k, d, hardware)[0])
        except QResourceError:  # beyond the sizes the counts allow
            break
        ns.append(n)
    classical = [classical_seconds(hardware.classical_algorithm, n, d, k, hardware.classical_hardware) for n in ns]
    tau = needed_cycle_time([s.steps for s in sides], classical, [s.hybrid_classical_s for s in sides])
    curves: dict[str, list] = {"n": ns, Knob.LOGICAL_CYCLE_TIME.value: [None if math.isnan(t) else float(t) for t in tau]}
    return ns, sides, classical, curves


def architecture_cycle_times(algorithm: Algorithm, n: int, k: int, d: int,
                             hardware: Hardware) -> dict[str, float | None]:
    """Each qubit model's logical cycle time for this algorithm at n (today's machines)."""
    done = work(algorithm, n, k, d)
    out = {}
    for architecture in Architecture:
        code = ARCHITECTURES[architecture].default_code
        step = step_for(architecture, code, done.logical_qubits, done.steps, hardware.error_budget)
        out[architecture.value] = None if step is None else step.step_ns * 1e-9
    return out


# ---------------------------------------------------------------------------------------------
# The report's section


TABLE_COLUMNS = [
    "series", "loader", "n", "k", "d", "hardware", "classical", "quantum_s", "classical_s", "factor",
    "code_distance", "cycle_time_s", "cycle_time_needed_s", "data_access_factor", "error_rate_factor",
    "processors_needed", "breakeven_n_today", "note",
]


def built_algorithms(status: dict[str, str | None], loaders) -> list[Algorithm]:
    """The algorithms whose primitives are built (``sources.availability``), Grover's circuit
    with the given loaders."""
    out = [Algorithm.GROVER_QUERY] if status.get("grover-query") is None else []
    if status.get("grover-circuit") is None:
        out += [a for a in Algorithm if a.loader is not None and a.reads_k and a.loader in set(map(LoaderKind, loaders))]
    if status.get("qlaci") is None:
        out += [Algorithm.QLACI_FREE, Algorithm.QLACI_CIRCUIT]
    return out


def what_it_would_take(n: int, k: int, d: int, hardware: Hardware,
                       algorithms=tuple(Algorithm)) -> tuple[pd.DataFrame, list[dict]]:
    """The table "what it would take at n" for each algorithm, and the answers behind it."""
    rows, answers = [], []
    for algorithm in algorithms:
        one = answer(algorithm, n, k, d, hardware, curves=False)
        answers.append(one)
        knobs = one["knobs"]
        reasons = [f"{key.replace('_', ' ')}: {knob['reason']}" for key, knob in knobs.items() if knob["reason"]]
        rows.append({
            "series": one["series"], "loader": one["loader"] or "", "n": n, "k": one["params"]["k"], "d": d,
            "hardware": hardware.classical_hardware, "classical": hardware.classical_algorithm,
            "quantum_s": one["quantum"]["total_s"], "classical_s": one["classical"]["seconds"],
            "factor": one["factor"], "code_distance": one["quantum"]["code_distance"],
            "cycle_time_s": knobs["logical_cycle_time"]["today"],
            "cycle_time_needed_s": knobs["logical_cycle_time"]["needed"],
            "data_access_factor": None if knobs["data_access"]["reason"] else knobs["data_access"]["factor"],
            "error_rate_factor": None if knobs["physical_error_rate"]["reason"] else knobs["physical_error_rate"]["factor"],
            "processors_needed": knobs["parallel_processors"]["needed"],
            "breakeven_n_today": one["crossover"]["label"], "note": "; ".join(reasons),
        })
    return pd.DataFrame(rows, columns=TABLE_COLUMNS, dtype=object), answers


def cycle_time_plot(k: int, d: int, hardware: Hardware, n_mark: int, algorithms=tuple(Algorithm)) -> bytes:
    """Breakeven n against the logical cycle time, per algorithm (the curve tau*(n) read the
    other way), today's qubit models' cycle times marked."""
    series = []
    for algorithm in algorithms:
        exponents = tuple(range(4, 33, 2 if algorithm.value.startswith("qlaci") else 1))  # QLACI is slow to count
        curves = _cycle_time_curve(algorithm, k, d, hardware, exponents)[3]
        points = [(t, n) for n, t in zip(curves["n"], curves[Knob.LOGICAL_CYCLE_TIME.value]) if t is not None]
        series.append((algorithm.label, [t for t, _ in points], [n for _, n in points]))
    reference = Algorithm.GROVER_QROM if Algorithm.GROVER_QROM in algorithms else algorithms[0]
    today = architecture_cycle_times(reference, n_mark, k, d, hardware)
    marks = _grouped_marks(today)
    return render.loglog_png(
        series,
        title=f"Breakeven n vs logical cycle time (d = {d}, k = {k}) against {hardware.classical_algorithm} "
              f"attention on {hardware.classical_hardware}\nbelow a curve's cycle time, quantum wins from that n on",
        xlabel="logical cycle time (s)",
        ylabel="breakeven sequence length n",
        hlines=[(float(n_mark), f"n = 2^{n_mark.bit_length() - 1}")],
        vlines=marks,
        base_x=10,
    )


def _readable_row(one: dict) -> dict[str, str]:
    """One algorithm's answer in the index's words: each knob's factor, or why it cannot."""
    knobs, quantum = one["knobs"], one["quantum"]

    def factor(key: str, short: str) -> str:
        knob = knobs[key]
        return short if knob["reason"] else f"{render.number(knob['factor'])}x"

    cycle = knobs["logical_cycle_time"]
    access_short = "free already" if knobs["data_access"]["today"] is None else "not even at free access"
    floor = "-"
    if knobs["physical_error_rate"]["reason"] and quantum["logical_cycle_time_s"]:
        floor = knobs["physical_error_rate"]["reason"].split("runtime ")[-1].split(",")[0]
        floor = f"not alone (distance 3 gives {floor.replace(' shorter', '')})"
    processors = knobs["parallel_processors"]
    return {
        "series": one["series"],
        "quantum / classical": f"{render.number(one['factor'])}x" if one["factor"] is not None else "-",
        "logical cycle time": (f"{render.number(cycle['today'])} s -> {render.number(cycle['needed'])} s"
                               if cycle["needed"] is not None else "-"),
        "data access": factor("data_access", access_short),
        "physical error rate": factor("physical_error_rate", floor),
        "parallel processors": (render.number(processors["needed"]) if processors["needed"] is not None
                                else f"not alone ({render.number(processors['factor'])} > "
                                     f"{render.number(quantum['independent_pieces'])} pieces)"
                                if processors["factor"] is not None else "-"),
        "breakeven n today": one["crossover"]["label"],
    }


def _grouped_marks(today: dict[str, float | None]) -> list[tuple[float, str]]:
    """One dotted line per qubit model; models within a factor 3 of each other share one label."""
    known = sorted((value, name) for name, value in today.items() if value is not None)
    groups: list[list[tuple[float, str]]] = []
    for value, name in known:
        if groups and value < 3 * groups[-1][0][0]:
            groups[-1].append((value, name))
        else:
            groups.append([(value, name)])
    marks = []
    for group in groups:
        names = ", ".join(name.replace("gate_based_", "gate ").replace("majorana_", "Majorana ").replace("_", " ")
                          for _, name in group)
        label = f"{names}: {render.human_time(group[0][0])}"
        if len(group) > 1:
            label += f" to {render.human_time(group[-1][0])}"
        marks += [(value, label if i == 0 else "") for i, (value, _) in enumerate(group)]
    return marks


def report_section(out: Path, n: int, k: int, d: int, hardware: Hardware, algorithms: list[Algorithm],
                   write_table: Callable[[str, pd.DataFrame], None]) -> tuple[str, list[str]]:
    """The report's "what it would take" section (Markdown) and the picture it wrote."""
    if not algorithms:
        return f"## What it would take at n = 2^{n.bit_length() - 1}\n\nNo quantum algorithm is built.\n", []
    table, answers = what_it_would_take(n, k, d, hardware, algorithms)
    write_table("breakeven", table)
    name = f"breakeven_cycle_time_d{d}.png"
    render.write_png(cycle_time_plot(k, d, hardware, n, tuple(algorithms)), out / name)
    shown = pd.DataFrame([_readable_row(one) for one in answers], dtype=object)
    reference_label = (Algorithm.GROVER_QROM if Algorithm.GROVER_QROM in algorithms else algorithms[0]).label
    qlaci = [f"{one['series']}: {one['crossover']['label']}" for one in answers if one["algorithm"].startswith("qlaci")]
    lines = [
        f"## What it would take at n = 2^{n.bit_length() - 1}", "",
        f"For each algorithm, the factor by which each hardware knob would have to improve, the others held at "
        f"today's ({hardware.architecture.value}, {hardware.code.value}, error budget {hardware.error_budget:g}), "
        f"for the quantum runtime to equal {hardware.classical_algorithm} attention on {hardware.classical_hardware} "
        f"at n = {n:,}, k = {k}, d = {d} ([breakeven.md](breakeven.md); the reasons a knob alone cannot reach "
        "breakeven are in its note column). Step model: lattice-surgery steps times the logical cycle time, "
        "equal to qre's headline runtime where qre answers "
        "([docs/breakeven.md](../docs/breakeven.md); `qresource breakeven` answers for any n).", "",
        render.to_markdown(shown).rstrip("\n"), "",
        *(["QLACI's crossover search (the rules of the crossover table, step model): " + "; ".join(qlaci)
           + ". \"No quantum estimate beyond\": at the next size no code distance qre offers (up to 51) keeps the "
           "errors within the budget.", ""] if qlaci else []),
        f"![{name}]({name})", "",
        "Each curve is the logical cycle time at which the algorithm breaks even at each n (read the other way: "
        "the least n at which a machine with that cycle time wins); the dotted vertical lines are today's qubit "
        f"models' cycle times for {reference_label} at n = 2^{n.bit_length() - 1}. The fan-out loader's curve lies "
        "on QROM's: both make the same Toffolis, and the step model runs them in sequence.", "",
    ]
    return "\n".join(lines), [name]
