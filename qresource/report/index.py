"""The report's index.md: what each table and plot shows, and every assumption behind them."""

from __future__ import annotations

import pandas as pd

from qresource.classical.hardware import get_hardware
from qresource.machinery.physical import (
    ARCHITECTURES,
    CODE_DISTANCES,
    DEFAULT_ARCHITECTURE,
    HEADLINE_RULE,
    MAX_LOGICAL_QUBITS,
    Architecture,
    Factory,
    Settings,
    estimator_version,
)
from qresource.report import render

PRIMITIVE_NAMES = {
    "classical": "classical attention costs (naive, half-space, Algorithm 2)",
    "grover-query": "Grover attention in the seeds' query model",
    "grover-circuit": "Grover attention as a full circuit (threshold oracle with data loader)",
    "qlaci": "QLACI",
    "loaders": "data-loader closed forms",
}


def index_markdown(
    config, status: dict, resources: pd.DataFrame, crossovers: pd.DataFrame, plots: list[str],
    slopes: dict[str, float] | None = None, study=None, crossovers_best: pd.DataFrame | None = None,
) -> str:
    settings = Settings.resolve(config.architecture, config.qec, config.factory, config.error_budget)
    architecture = f"{settings.architecture} ({ARCHITECTURES[settings.architecture].description})"
    if config.architecture is None:
        architecture += f", the default ({DEFAULT_ARCHITECTURE}: the older estimator's default hardware)"
    factories = ("every factory qre offers that applies (cultivation, Litinski, round-based), merged into "
                 "one frontier" if settings.factory is Factory.ALL else f"the {settings.factory} factory")

    lines = ["# qresource: default report", ""]
    lines += [
        "Fault-tolerant resource estimates for Grover sparse attention (and, where built, QLACI) next "
        "to classical attention on named hardware. Regenerate with `qresource report`; every number "
        "below comes from the primitives' bloqs and closed forms, the Microsoft resource estimator "
        "and the classical cost model, under the assumptions listed at the end.",
        "",
        "## What is built",
        "",
    ]
    for key, label in PRIMITIVE_NAMES.items():
        reason = status.get(key)
        lines.append(f"- {label}: " + ("built, included." if reason is None else f"not built ({reason}); no numbers shown."))
    if status.get("grover-circuit") is None:
        lines.append(
            f"- Full-circuit Grover attention is shown with the {' and '.join(config.loaders)} loaders; "
            "the QROAM-loaded oracle is left out of the default report because counting its call graph "
            "takes tens of seconds per size (`qresource table --primitive attention-circuit --loader qroam` "
            "gives it)."
        )
    if status.get("qlaci") is None:
        lines.append(
            "- QLACI has no sparsity parameter and no crossover search (each size means synthesising a "
            "circuit); its curves on the plots show where it stands."
        )
    lines += ["", "## Presets", "", "| preset | n | d | what |", "|---|---:|---:|---|"]
    for preset in config.presets:
        lines.append(f"| {preset.name} | {preset.n} | {preset.d} | {preset.description} |")
    lines.append(f"\nSparsity k in {{{', '.join(str(k) for k in config.ks)}}} (at most k scores >= tau per row).")

    lines += ["", "## Tables", ""]
    lines += [
        "- [resources.md](resources.md) ([csv](resources.csv)): logical and physical resources of each "
        "quantum series at each preset and k. Each row is one unit (a Grover iterate, a query-model row, "
        "a QLACI shot) run `repetitions` times: logical columns are the exact totals, unit x repetitions "
        "(blank for the query model, which has no circuit); physical columns are the resource estimator's "
        "on that unit, with Qualtran's Gidney-Fowler model on the same totals beside it and a note where "
        "a model has no answer.",
        "- [classical.md](classical.md) ([csv](classical.csv)): seconds of naive attention and of the "
        "half-space pipeline (Theorem 1.5) on each hardware preset, at peak rate. The last column is the "
        "classical part the Grover algorithm still runs (sparse values and Algorithm 2, O(nkd)).",
        "- [crossover.md](crossover.md) ([csv](crossover.csv)): the least n at which the quantum runtime "
        "(physical estimate plus its classical part) drops below the classical one, searched up to "
        f"n_max = 2^{config.crossover_n_max.bit_length() - 1}; where there is none it says up to which n "
        "it looked and why it stopped. For the query model against naive attention the Babbush et al. "
        "(2021) breakeven n* = c^2 k (t_Q/t_C)^2 is given as a cross-check.",
    ]
    if study is not None:
        lines += [
            "- [architectures.md](architectures.md) ([csv](architectures.csv)): the frontier's best point "
            f"(least qubit-seconds) on each architecture for {study.preset.name} at k = {study.k}, each "
            "architecture with its own QEC code and every factory that applies.",
        ]
    if crossovers_best is not None:
        lines += [
            "- [crossover_best_architecture.md](crossover_best_architecture.md) "
            "([csv](crossover_best_architecture.csv)): the crossover search again on the best architecture "
            f"({study.best}), the one with the shortest headline runtime in architectures.md.",
        ]
    lines += ["", "## Plots", ""]
    for name in plots:
        lines.append(f"### {name}\n\n![{name}]({name})\n\n{_plot_caption(name, config)}\n")
        if name.startswith("logical_vs_n") and slopes:
            lines.append("Log-log slopes of these curves between the smallest and largest n plotted:\n")
            lines.append("| series | slope |\n|---|---:|")
            for series_name, slope in slopes.items():
                lines.append(f"| {series_name} | {slope:.3f} |")
            lines.append("")

    lines += ["## Crossovers at a glance", ""]
    if crossovers.empty:
        lines.append("No quantum series is built, so there is no crossover to report.")
    else:
        glance = crossovers[crossovers.hardware == config.hardware[0]][["d", "k", "series", "loader", "classical", "crossover"]]
        lines.append(render.to_markdown(glance).rstrip())
    if study is not None and study.best is not None:
        series, loader = study.reference
        lines += ["", "## Best architecture", ""]
        lines.append(
            f"On {study.preset.name} (n = {study.preset.n}, d = {study.preset.d}, k = {study.k}) the "
            f"{series}{f' ({loader})' if loader else ''} runs fastest on **{study.best}** "
            f"({ARCHITECTURES[Architecture(study.best)].description}). Crossovers on it, against "
            f"{config.hardware[0]}:"
        )
        lines.append("")
        if crossovers_best is not None and not crossovers_best.empty:
            before = crossovers[crossovers.hardware == config.hardware[0]].reset_index(drop=True)
            after = crossovers_best[crossovers_best.hardware == config.hardware[0]].reset_index(drop=True)
            side = before[["d", "k", "series", "loader", "classical"]].copy()
            side[f"crossover ({settings.architecture})"] = before["crossover"]
            side[f"crossover ({study.best})"] = after["crossover"]
            lines.append(render.to_markdown(side).rstrip())
    lines += ["", "## Assumptions", ""]
    hardware_lines = [
        f"  - {name}: {get_hardware(name).description}, {get_hardware(name).peak_flops_per_s:.4g} flop/s"
        for name in config.hardware
    ]
    lines += [
        f"- **Quantum hardware**: Microsoft's resource estimator qdk.qre (qdk {estimator_version()}), "
        f"architecture {architecture}, QEC code {settings.qec} (distances {CODE_DISTANCES[0]} to "
        f"{CODE_DISTANCES[-1]}), {factories}; Pauli-based computation with lattice surgery as qre "
        f"models it; total error budget {settings.error_budget:g}, split evenly over the repetitions "
        "of the estimated unit (union bound). qre returns the Pareto frontier of physical qubits "
        f"against runtime; every table and curve uses its headline point, the {HEADLINE_RULE}. "
        "Qualtran's Gidney-Fowler model (CCZ->2T factories) on the same total work with the same "
        "physical error rate and syndrome cycle is the second opinion (docs/physical.md).",
        "- **Unit and repetitions**: the estimator is given one unit and the runtime is `repetitions` "
        "times its runtime, units running back to back on one set of logical qubits: Grover full "
        "circuit, one Grover iterate (oracle without exclusions, plus diffusion) per expected oracle "
        "call of all n rows (known-k find-all schedule, rounded up; the exclusion comparisons and the "
        "per-search Hadamard layer and measurement are left out, as in `qresource estimate attention "
        "--physical`); query model, one row; QLACI, one shot, n x shots-per-query times. The error "
        "budget is split evenly over the repetitions; units that could pass 2^63 ns are cut into "
        "equal slices (docs/report.md).",
        f"- **Layout limit**: units with more than {MAX_LOGICAL_QUBITS:,} logical qubits get no qre "
        "estimate (its lattice-surgery layout takes time growing faster than the square of the qubits); "
        "this ends the fan-out series early, as its units hold O(n) qubits (docs/physical.md).",
        "- **Toffoli mapping**: Toffoli-class gates go to the estimator as CCX operations (a CCX "
        "magic state, or T states, whichever the factory offers); only T gates outside them as T. "
        "No gate is counted twice.",
        "- **Query model** (the seeds' accounting, section 1 and Lemma 5.1's proof): each oracle call "
        "costs d time units "
        "with QRAM access free; on the fault-tolerant machine one unit is one logical Toffoli (the "
        "cheapest reading), on index_qubits + 1 logical qubits.",
        "- **Full-circuit model**: every oracle call is the threshold-oracle circuit with the named "
        "data loader, counted from its bloq (Toffolis, T, Cliffords, measurements, peak qubits); the "
        "number of calls is the known-k find-all schedule's expectation with exact iteration counts "
        "and success probabilities, every row holding k marked keys (the worst case).",
        "- **QLACI heads**: q_Q = d query qubits (angle encoding), q_KV = 2, q_out = d output qubits "
        "read as d commuting Z expectations, one interaction and one score layer, eps = delta = 1e-2, "
        "QROM loader for the feature-map angles; the QRAM-free model (zero-cost access) removes the data "
        "access's Toffolis and T gates from each shot: a lower bound on the QLACI paper's model, which "
        "charges each access poly(log N) gates assuming QRAM (section 3.2.4).",
        f"- **Entry width**: {'the oracle default' if config.bits is None else f'{config.bits} bits per entry'}.",
        "- **Classical hardware**: peak arithmetic rates, a lower bound on real time (favouring the "
        "classical side):",
        *hardware_lines,
        "- **Classical flop convention**: one flop per multiplication, addition, division, comparison "
        "and exponential; half-space reporting as C n log2 n build plus n queries of "
        "C (n^(1-1/floor(d/2)) + k), C = 1 (docs/classical.md).",
        "- **Hybrid classical part**: checking every measured index (one inner product), the sparse "
        "values exp(Q_i K_j) and Algorithm 2 run on the classical preset and are added to the quantum "
        "runtime.",
        "- **Crossover**: the least n with quantum < classical, found by doubling then bisection to "
        f"a relative precision of {config.crossover_rel_tol:.3g}; assumes one sign change between "
        "consecutive powers of two (both sides are power laws times logarithms).",
        "- **Babbush et al. 2021** (PRX Quantum 2, 010103): per row, classical n t_C against quantum "
        "c sqrt(n k) t_Q; t_C = one inner product on the preset, t_Q = the query model's time per "
        "oracle call at n_max, c = the schedule's expected queries / sqrt(n k).",
        "",
    ]
    return "\n".join(lines)


def _plot_caption(name: str, config) -> str:
    hardware = config.hardware[0]
    if name.startswith("runtime_vs_n"):
        return (
            f"Runtime in seconds against sequence length n, log-log, at k = {config.plot_k}: each "
            "quantum series is the physical estimate plus its classical part, the classical lines are "
            f"naive attention and the half-space pipeline on {hardware} at peak rate. Where a quantum "
            "line lies above a classical one, the classical computer is faster at that n."
        )
    if name.startswith("crossover_ratio"):
        return (
            "The ratio of quantum to classical runtime against n: a crossover is where a curve falls "
            "below the dotted line at 1. Curves that stay above 1 (or rise) have no crossover in range."
        )
    if name.startswith("frontier_"):
        return (
            "Physical qubits against runtime, log-log: each architecture's Pareto frontier from qdk.qre "
            "for one preset and series (fewer qubits cost more time: fewer factory copies or another "
            "code distance). Tables and crossovers use each frontier's least qubit-seconds point. "
            "Architectures with no point meet no budget there or exceed the layout limit."
        )
    if name.startswith("depth_vs_n"):
        return (
            f"Whole attention's logical depth against n at k = {config.plot_k}, each full-circuit series "
            "in three readings: `depth` (solid; every gate one layer), `lattice_surgery_depth` (dashed; "
            "a CNOT fan-out from one control is one step, docs/meaning.md) and `t_depth` (dotted). Rows "
            "are searched one after another. Where the dashed curve falls far below the solid one, the "
            "loader's word writes (one control fanned out to many bits) were most of the depth."
        )
    if name.startswith("logical_vs_n"):
        return (
            "Logical work against n: Toffoli gates of the full circuits (unit x repetitions), the query "
            "model's charge in Toffolis, and the flops of naive attention. The slopes below are each "
            "model's exponent in n."
        )
    return ""
