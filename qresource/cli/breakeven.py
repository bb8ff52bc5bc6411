"""``qresource breakeven``: what the hardware would have to become for quantum attention to break
even with classical attention, knob by knob."""

from __future__ import annotations

import json

import click

from qresource.classical.hardware import DEFAULT_HARDWARE, hardware_names
from qresource.cli.app import CONTEXT
from qresource.cli.params import FiniteFloat, IntType
from qresource.core.answer import WIDTH, _para, _rows, seconds_text
from qresource.core.errors import QResourceError
from qresource.grover.problem import MAX_HEAD_DIMENSION
from qresource.machinery.physical import DEFAULT_ERROR_BUDGET, Architecture
from qresource.report.breakeven import CLASSICAL_ALGORITHMS, Algorithm, Hardware, answer
from qresource.report.render import number, scientific

#: The largest k: the find-all schedule runs k searches per row, each counted.
MAX_K = 2**12


class _Algorithms(click.ParamType):
    """``all`` or a comma-separated list of algorithm names."""

    name = "NAMES"
    choices = ("all", *(a.value for a in Algorithm))

    def convert(self, value, param, ctx):
        if isinstance(value, (list, tuple)):
            return list(value)
        items = [item.strip() for item in str(value).split(",")]
        bad = [item for item in items if item not in self.choices]
        if bad:
            self.fail(f"{bad[0]!r} is not one of {', '.join(self.choices)}", param, ctx)
        chosen = [name for item in items for name in (self.choices[1:] if item == "all" else (item,))]
        return [Algorithm(item) for item in dict.fromkeys(chosen)]


class _Budget(FiniteFloat):
    def convert(self, value, param, ctx):
        number_ = super().convert(value, param, ctx)
        if not 0.0 < number_ < 1.0:
            self.fail(f"must lie strictly between 0 and 1, got {value}", param, ctx)
        return number_


@click.command("breakeven", context_settings=CONTEXT)
@click.option("--algorithm", "algorithms", type=_Algorithms(), default="all", show_default=True,
              help="all, or a comma-separated list of: " + ", ".join(a.value for a in Algorithm) + ".")
@click.option("-n", "--n", "n", type=IntType(minimum=2, maximum=2**64), default=2**17, show_default="2**17",
              help="Sequence length 2 <= n <= 2**64 (2**17 is a 128k-token context; Grover's circuit stops "
                   "at 2**32).")
@click.option("-k", "--k", "k", type=IntType(minimum=1, maximum=MAX_K), default=32, show_default=True,
              help=f"Sparsity: marked keys per row, 1 <= k <= min(n, {MAX_K}) (QLACI reads it only for the "
                   "classical side).")
@click.option("-d", "--d", "d", type=IntType(minimum=1, maximum=MAX_HEAD_DIMENSION), default=128,
              show_default=True, help=f"Head dimension 1 <= d <= {MAX_HEAD_DIMENSION}.")
@click.option("--hardware", type=click.Choice(hardware_names()), default=DEFAULT_HARDWARE, show_default=True,
              help="Classical hardware preset the quantum side competes with.")
@click.option("--classical", "classical_algorithm", type=click.Choice(CLASSICAL_ALGORITHMS), default="naive",
              show_default=True, help="Classical attention algorithm: dense (naive) or half-space reporting.")
@click.option("--architecture", type=click.Choice([a.value for a in Architecture]),
              default=Architecture.GATE_BASED_NS_E3.value, show_default=True,
              help="Today's qubit model (qre preset) the factors are measured from.")
@click.option("--error-budget", type=_Budget(), default=DEFAULT_ERROR_BUDGET, show_default=True,
              help="Error budget of the whole computation.")
@click.option("--crossover", is_flag=True,
              help="Also search the least n at which today's hardware breaks even (the report's rules; "
                   "seconds per algorithm, QLACI's about fifteen).")
@click.option("--json", "as_json", is_flag=True,
              help="Print one JSON object (a list for several algorithms), keys in docs/architecture.md.")
def breakeven(algorithms, n, k, d, hardware, classical_algorithm, architecture, error_budget, crossover, as_json):
    """What it would take for quantum attention to break even with classical attention: for each
    algorithm, the factor by which each hardware knob (logical cycle time, data access cost,
    physical error rate, parallel processors) must improve, the others held fixed."""

    if k > n:
        raise click.BadParameter(f"k = {k} exceeds n = {n}; need 1 <= k <= n", param_hint="'-k'")
    held = Hardware(architecture=Architecture(architecture), error_budget=error_budget,
                    classical_hardware=hardware, classical_algorithm=classical_algorithm)
    answers = []
    for algorithm in algorithms:
        try:
            answers.append(answer(algorithm, n, k, d, held, crossover=crossover, curves=as_json))
        except QResourceError as exc:  # one algorithm's sizes end where another's go on
            if len(algorithms) == 1:
                raise
            answers.append({"primitive": "breakeven", "algorithm": algorithm.value, "series": algorithm.label,
                            "params": {"n": n, "k": k, "d": d}, "error": " ".join(str(exc).split())})
    if as_json:
        click.echo(json.dumps(answers[0] if len(answers) == 1 else answers, indent=2, sort_keys=True))
        return
    click.echo("\n\n".join("\n".join(render_answer(one)) for one in answers))


def _times(factor: float) -> str:
    return f"{factor:.3g}x" if factor < 1000 else f"{scientific(factor)}x"


def _n_text(n: int) -> str:
    return f"2**{n.bit_length() - 1}" if n >= 1 << 16 and n & (n - 1) == 0 else number(n)


_KNOB_ROWS = (
    ("logical_cycle_time", "logical cycle time", "shorter"),
    ("data_access", "data access", "cheaper"),
    ("physical_error_rate", "physical error rate", "lower"),
    ("parallel_processors", "parallel processors", "more"),
)


def _value(value, unit: str) -> str:
    if value is None:
        return "-"
    if unit == "s":
        return seconds_text(value).split(" (")[0]
    return number(value)


def render_answer(data: dict) -> list[str]:
    """The human form: the answer, each knob's factor, today's breakeven n, what was held."""
    if "error" in data:
        return _para(f"{data['series']}: not computed: {data['error']}", indent=0)
    params, quantum, classical = data["params"], data["quantum"], data["classical"]
    where = f"n = {_n_text(params['n'])}" + (f", k = {params['k']}" if params.get("k") else "") + f", d = {params['d']}"
    factor = data["factor"]
    if quantum["runtime_s"] is None:
        verdict = "no quantum runtime (no code distance qre offers meets the error budget)"
    elif factor is None:
        verdict = "cannot break even by the quantum hardware alone"
    elif factor <= 1:
        verdict = f"already {_times(1 / factor)} faster"
    else:
        verdict = f"{_times(factor)} too slow"
    lines = _para(f"{data['series']}: {verdict} at {where}", indent=0)
    lines += _para(f"quantum {seconds_text(quantum['runtime_s'])} (+ {seconds_text(quantum['hybrid_classical_s'])} "
                   f"classical part) against {seconds_text(classical['seconds'])} for {classical['algorithm']} "
                   f"attention on {classical['hardware']}")
    lines.append("")
    lines.append("What it would take (each knob alone, the others at today's values)")
    rows, reasons = [], []
    for key, label, direction in _KNOB_ROWS:
        knob = data["knobs"][key]
        change = f"{_value(knob['today'], knob['unit'])} -> {_value(knob['needed'], knob['unit'])}"
        if knob["reason"]:
            rows.append((label, change, "no value alone (below)"))
            reasons.append(f"{label}: {knob['reason']}")
        else:
            rows.append((label, change, f"{_times(knob['factor'])} {direction}"))
    lines += _rows(rows)
    for reason in reasons:
        lines += _para(reason, indent=2)
    units = {data["knobs"][key]["unit"] for key in ("data_access",) if data["knobs"][key]["today"] is not None}
    if units:
        lines += _para(f"(data access in {units.pop()}; 3 per Toffoli-class gate)", indent=2)
    if "crossover" in data:
        lines.append("")
        lines += _para(f"Breakeven n on today's hardware: {data['crossover']['label']}", indent=0)
    held = data["held_fixed"]
    lines.append("")
    distance = quantum["code_distance"]
    lines += _para(f"Held fixed: {held['architecture']}, {held['qec']}, "
                   f"{'no code distance up to 51 meets the budget' if distance is None else f'code distance {distance}'}, "
                   f"error budget {number(held['error_budget'])}, "
                   f"{number(quantum['logical_qubits'])} logical qubits, {number(quantum['steps'])} lattice-surgery "
                   "steps (step model: steps x logical cycle time, as qre runs them; docs/breakeven.md).",
                   indent=0)
    for note in data["notes"]:
        lines += _para(f"note: {note}", indent=0)
    return [line[:WIDTH] if len(line) > WIDTH else line for line in lines]
