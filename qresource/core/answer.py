"""A record's answer as a person reads it: the one-screen block the command line prints and
notebooks show (``EstimateRecord._repr_html_``), and the number rule both use.

The answer comes first: one short block saying what was estimated and the totals for the whole
task (with a physical estimate, physical qubits and runtime in human units; for attention, the
classical time and the ratio), then a labelled breakdown. ``verbose`` adds every remaining field
of the record. Lines stay within 80 columns, and numbers follow one rule (``number``): exact with
thousands separators below a million, three significant digits above.
"""

from __future__ import annotations

import html
import json
import math
import textwrap
from typing import TYPE_CHECKING, Any, Iterable

if TYPE_CHECKING:
    from qresource.core.record import EstimateRecord

# ---------------------------------------------------------------------------------------------
# Numbers a person reads (terminal output and the `table` command's Markdown)

def number(value: Any) -> str:
    """One number as a person reads it: exact with thousands separators below a million, three
    significant digits (``5.51e10``, ``8.70e-6``) above it or below a thousandth."""
    if value is None:
        return "not computed"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):
        value = value.item()
    if isinstance(value, int):
        return f"{value:,}" if abs(value) < 10**6 else scientific(value)
    if isinstance(value, float):
        if math.isnan(value):
            return "not computed"
        if math.isinf(value):
            return "infinite"
        if value == 0:
            return "0"
        if value.is_integer() and abs(value) < 10**6:
            return f"{int(value):,}"
        if 1e-3 <= abs(value) < 1000:
            return f"{value:.4g}"
        if 1000 <= abs(value) < 10**6:  # four significant digits at least, never an exponent
            decimals = max(0, 3 - math.floor(math.log10(abs(value))))
            return f"{value:,.{decimals}f}"
        return scientific(value)
    return str(value)


def scientific(value: float | int) -> str:
    mantissa, exponent = f"{float(value):.2e}".split("e")
    return f"{mantissa}e{int(exponent)}"


_UNITS = (("years", 365.25 * 86400), ("days", 86400.0), ("h", 3600.0), ("min", 60.0), ("s", 1.0),
          ("ms", 1e-3), ("µs", 1e-6), ("ns", 1e-9))


def human_time(seconds: float) -> str:
    """A duration in the largest unit it fills: ``33 days``, ``8.7 µs``, ``3.1e9 years``."""
    if seconds is None:
        return "not computed"
    seconds = float(seconds)
    if seconds <= 0:
        return "0 s"
    for unit, size in _UNITS:
        if seconds >= size or unit == "ns":
            amount = seconds / size
            if amount >= 1e6:
                return f"{scientific(amount)} {unit}"
            return f"{amount:,.0f} {unit}" if amount >= 100 else f"{amount:.2g} {unit}"
    raise AssertionError("unreachable")



WIDTH = 79
_LABEL = 18


def seconds_text(seconds: float) -> str:
    """``2.86e6 s (33 days)``: seconds in the number rule, then the human unit."""
    if seconds is None:
        return "not computed"
    plain = f"{number(float(seconds))} s"
    human = human_time(seconds)
    return plain if human.endswith(" s") else f"{plain} ({human})"


def ratio_text(quantum_s: float, classical_s: float) -> str:
    if not classical_s or quantum_s is None:
        return "no ratio"
    ratio = float(quantum_s) / float(classical_s)
    if ratio >= 1:
        return f"{_short(ratio)}x slower"
    return f"{_short(1 / ratio)}x faster"


def _short(value: float) -> str:
    return f"{value:.2g}" if value < 1000 else scientific(value).replace(".00e", "e")


# ------------------------------------------------------------------------------------ layout


def _rows(pairs: Iterable[tuple[str, Any, str]], indent: int = 2) -> list[str]:
    """Aligned ``label  value  comment`` lines: values right-aligned in one column."""
    pairs = [(label, value if isinstance(value, str) else number(value), comment) for label, value, comment in pairs]
    if not pairs:
        return []
    label_width = max(_LABEL, max(len(p[0]) for p in pairs))
    value_width = max(len(p[1]) for p in pairs)
    lines = []
    for label, value, comment in pairs:
        line = f"{' ' * indent}{label:<{label_width}} {value:>{value_width}}"
        if comment:
            line += f"  {comment}"
        lines.extend(_wrap(line, indent + label_width + value_width + 3))
    return lines


def _wrap(text: str, hang: int = 2) -> list[str]:
    if len(text) <= WIDTH:
        return [text]
    first_indent = len(text) - len(text.lstrip(" "))
    return textwrap.wrap(text.strip(), WIDTH, initial_indent=" " * first_indent,
                         subsequent_indent=" " * min(hang, 40), break_on_hyphens=False)


def _para(text: str, indent: int = 2) -> list[str]:
    return textwrap.wrap(" ".join(str(text).split()), WIDTH, initial_indent=" " * indent,
                         subsequent_indent=" " * (indent + 2), break_on_hyphens=False)


def _inline(items: Iterable[tuple[str, Any]], indent: int = 2) -> list[str]:
    """``n = 4,096, k = 32, ...`` wrapped at the width."""
    parts = [f"{key} = {value if isinstance(value, str) else number(value)}" for key, value in items if value is not None]
    lines = [" " * indent]
    for part in parts:
        if lines[-1].strip() and len(lines[-1]) + 2 + len(part) > WIDTH:
            lines[-1] += ","
            lines.append(" " * indent)
        lines[-1] += (", " if lines[-1].strip() else "") + part
    return lines if parts else []


_COUNT_LABELS = (("qubits", "logical qubits"), ("toffoli", "Toffoli"), ("t", "T"), ("depth", "depth"),
                 ("lattice_surgery_depth", "surgery depth"), ("t_depth", "T-depth"))


def _count_rows(counts: dict, t_comment: str = "", everything: bool = False) -> list[tuple[str, Any, str]]:
    rows = [(label, counts.get(key), t_comment if key == "t" else "") for key, label in _COUNT_LABELS]
    if counts.get("rotations"):
        rows.insert(3, ("rotations", counts["rotations"], "arbitrary angles left for synthesis"))
    if everything:
        rows += [("Clifford", counts.get("clifford"), ""), ("measurements", counts.get("measurements"), "")]
    return rows


def render_record(record: EstimateRecord, *, verbose: bool = False, extras: dict | None = None) -> list[str]:
    """The human form of one record, as lines of at most 80 columns."""
    data = record.to_dict()
    extras = extras or {}
    render = _RENDERERS.get(record.primitive, _render_generic)
    lines = render(record, data, extras)
    lines += _physical_breakdown(data)
    notes = [note for note in record.notes if verbose or _note_matters(note)]
    if notes:
        lines.append("")
        for note in notes:
            lines += _para(f"note: {note}", indent=0)
    if verbose:
        lines += _everything(data)
    return lines


def _note_matters(note: str) -> bool:
    """Notes shown without --verbose: warnings and what the physical part could not do."""
    return (note.startswith("warning") or note.startswith("physical") or "precondition" in note
            or "physical estimate" in note
            or " measured: head " in note or note.startswith("k was measured"))


def _title(data: dict) -> str:
    return data.get("model") or ""


def _params_lines(data: dict, keys: Iterable[str]) -> list[str]:
    params = data.get("params") or {}
    return _inline((key, _param_value(params.get(key))) for key in keys if key in params)


def _param_value(value: Any) -> Any:
    """Parameters as given: powers of two from 2**16 up as such, others by the number rule."""
    if isinstance(value, float) and not value.is_integer():
        return f"{value:.4g}"
    if isinstance(value, int) and not isinstance(value, bool) and value >= 1 << 16 and value & (value - 1) == 0:
        return f"2**{value.bit_length() - 1}"
    return value


# attention -----------------------------------------------------------------------------------


def _grover_heading(data, title: str) -> tuple[list[str], bool]:
    """The title with the model, the parameters and a blank line; and whether it is the query model."""
    query_model = data.get("logical") is None
    model = "query model (QRAM access free)" if query_model else f"full circuit, {data['params']['loader']} loader"
    lines = [f"{title}, {model}"]
    lines += _params_lines(data, ("n", "k", "d", "bits", "tau", "schedule", "delta"))
    lines.append("")
    return lines, query_model


def _render_attention(record, data, extras) -> list[str]:
    params = data["params"]
    lines, query_model = _grover_heading(data, "Grover sparse attention")
    rows = params["rows"]
    rows_text = f"all {_param_value(rows) if isinstance(_param_value(rows), str) else number(rows)} rows"
    if query_model:
        charge = data["classical"] or {}
        lines.append(f"Whole task ({rows_text}, expected, rounded up)")
        accounting = _accounting(charge)
        return lines + ([f"  {_ACCOUNTING_UNIT_SHORT}", *accounting[2:]] if accounting else
                        _rows([("oracle calls", data.get("queries"), "each charged d time units")]))
    lines.append(f"Whole task ({rows_text} searched one after another; expected, rounded up)")
    rows = _count_rows(data["logical"])
    rows.insert(1, ("oracle calls", data.get("queries"), ""))
    rows += _physical_rows(data)
    lines += _rows(rows)
    lines += _classical_answer(data)
    lines.append("")
    lines += _per_call(extras)
    schedule = data.get("schedule") or {}
    per_row = (schedule.get("expected_queries") or 0) / max(params["rows"], 1)
    lines.append("Schedule")
    lines += _rows([
        ("per row", per_row, f"oracle calls expected (all k = {params['k']} keys)"),
        ("searches", schedule.get("expected_searches"), "measured indices checked classically"),
        ("one search", data.get("iterations"),
         f"Grover iterations with k marked (success {number(data.get('success_probability'))})"),
    ])
    return lines


_ACCOUNTING_UNIT_SHORT = "in time units: d per inner product Q_i . K_j, 1 per index comparison"
#: The query model's accounting lines in the order shown, with what each counts.
_ACCOUNTING_LABELS = (("oracle_calls", "oracle calls", "calls, d each (section 1; Lemma 5.1's proof)"),
                      ("b_ij_step", "B_ij entries", "entries of S_i, d each (Algorithm 1)"),
                      ("exclusion_comparisons", "exclusion tests", "index comparisons of the known-k schedule"),
                      ("classical_checks", "checks", "measured indices, d each"))


def _accounting(charge: dict) -> list[str]:
    """The query model's work line by line in one unit: what the paper charges, then the rest."""
    accounting = charge.get("accounting_lines")
    if not accounting:
        return []
    rows = []
    for charged in (True, False):
        for key, label, counts in _ACCOUNTING_LABELS:
            line = accounting[key]
            if line["charged_by_paper"] is charged:
                count = "not computed" if line["count"] is None else number(line["count"])
                rows.append((label, line["time_units"], f"{count} {counts}"))
        rows.append(("paper's charge", accounting["paper_time_units"], "the lines above") if charged else
                    ("every line", accounting["all_lines_time_units"], "also what the paper leaves out"))
    flops = charge.get("classical_inference_flops")
    if flops is not None:
        rows.append(("classical flops", flops, "2d - 1 per inner product (flops, not time units)"))
    return ["", f"Work, {_ACCOUNTING_UNIT_SHORT}", *_rows(rows)]


def _classical_answer(data: dict) -> list[str]:
    classical = data.get("classical") or {}
    naive = classical.get("naive") or {}
    hardware = (classical.get("hardware") or {}).get("name", "the classical hardware")
    utilisation = classical.get("utilisation")
    at = "at peak" if utilisation in (None, 1, 1.0) else f"at {utilisation:.0%} of peak"
    if naive.get("seconds") is None:
        return []
    physical = data.get("physical") or {}
    classical_text = f"{seconds_text(naive['seconds'])} on {hardware} {at} (dense attention)"
    if physical.get("runtime_s") is None:
        missing = "no quantum runtime (see the notes)" if any(
            note.startswith("physical: not estimated") for note in data.get("notes", [])) else \
            "the quantum runtime needs --physical"
        return ["", *_para(f"Classical: {classical_text}; {missing}", indent=0)]
    quantum = physical["runtime_s"]
    return ["", *_para(f"Answer: quantum {number(quantum)} s ({human_time(quantum)}) against {classical_text}: "
                       f"{ratio_text(quantum, naive['seconds'])}", indent=0)]


def _per_call(extras: dict, excluded: str = "no key excluded yet") -> list[str]:
    per_call = extras.get("per_call")
    if not per_call:
        return []
    roles = [(role.replace("_", " "), value, "") for role, value in per_call.items()
             if role != "total" and (value or role != "exclusion")]
    lines = [f"Per oracle call (Toffoli-class gates, {excluded})"]
    lines += _rows(roles + [("total", per_call.get("total"), "")])
    lines.append("")
    return lines


# grover --------------------------------------------------------------------------------------


def _render_grover(record, data, extras) -> list[str]:
    params = data["params"]
    lines, query_model = _grover_heading(data, "Grover search for all marked keys of one row")
    schedule = data.get("schedule") or {}
    lines.append(f"Find all k = {params['k']} keys of the row (whole schedule; expected, rounded up)")
    rows = [("oracle calls", data.get("queries"), f"{number(schedule.get('queries_1_minus_delta'))} "
             f"with probability {number(1 - params['delta'])}")]
    if not query_model:
        totals = schedule.get("expected_totals") or {}
        rows = _count_rows(totals)[:1] + rows + _count_rows(totals)[1:]
        rows += _physical_rows(data)
    lines += _rows(rows)
    if query_model:
        lines += _accounting(data.get("classical") or {})
    lines.append("")
    success = number(data.get("success_probability"))
    lines.append(f"One search (the circuit `export grover` writes): {data.get('iterations')} iterations, "
                 f"success {success}")
    if not query_model:
        lines += _rows(_count_rows(data["logical"]))
        lines.append("")
        lines += _per_call(extras)
        if lines[-1] == "":
            lines.pop()
    return lines


# oracle, qram, count -------------------------------------------------------------------------


def _render_oracle(record, data, extras) -> list[str]:
    params = data["params"]
    lines = [f"Threshold oracle O_i, one call ({params.get('loader')} loader, {params.get('form')} form)"]
    lines += _params_lines(data, ("n", "d", "bits", "tau", "k"))
    lines.append("")
    lines.append("One call")
    lines += _rows(_count_rows(data["logical"]) + _physical_rows(data))
    block = data.get("oracle") or {}
    per_call = block.get("toffoli_per_call")
    if per_call:
        lines.append("")
        lines += _per_call({"per_call": per_call}, f"{block.get('excluded', 0)} keys excluded")[:-1]
        lines.append(f"  accumulator {block.get('acc_bits')} bits, {block.get('recoding')} recoding, "
                     f"Q_i: {block.get('q_model')}")
    return lines


def _render_qram(record, data, extras) -> list[str]:
    params = data["params"]
    lines = [f"QRAM access target ^= data[address], {params.get('loader')} loader"]
    lines += _params_lines(data, ("n", "bits", "block_size"))
    lines.append("")
    lines.append("One access")
    lines += _rows(_count_rows(data["logical"]) + _physical_rows(data))
    return lines


def _render_circuit(record, data, extras) -> list[str]:
    params = data["params"]
    lines = [f"OpenQASM {params.get('qasm_version')} circuit {params.get('file')}"]
    synthesis = data.get("synthesis") or {}
    t_comment = ""
    if synthesis.get("rotations"):
        t_comment = (f"{number(synthesis['t_total'])} with the {synthesis['rotations']} rotations synthesised "
                     f"({synthesis['method']})")
    lines.append("")
    lines += _rows(_count_rows(data["logical"], t_comment) + _physical_rows(data))
    return lines


# qlaci ---------------------------------------------------------------------------------------


def _render_qlaci(record, data, extras) -> list[str]:
    params = data["params"]
    loader = f", {params['loader']} loader" if params.get("loader") else ""
    lines = [f"QLACI head, {params.get('feature_map')} feature map{loader}"]
    lines += _params_lines(data, ("n", "dq", "kv", "out", "layers", "eps", "delta"))
    lines.append("")
    shots = data.get("shots") or {}
    head = shots.get("per_head") or {}
    full = head.get("full_circuit") or {}
    free = head.get("qram_free") or {}
    paper = head.get("paper_model") or {}
    exact = (data.get("params") or {}).get("seed") is not None or "seed" in json.dumps(record.notes)
    t_label = "T (exact words)" if exact else "T (formula)"
    lines.append(f"Whole head: {number(head.get('queries'))} queries x {number(head.get('shots_per_query'))} "
                 f"shots = {number(head.get('circuit_executions'))} circuit runs")
    lines += _rows([
        ("Toffoli", full.get("toffoli"),
         f"paper's model: {number(paper.get('toffoli'))}, QRAM free: {number(free.get('toffoli'))}"),
        (t_label, full.get("t"), f"paper's model: {number(paper.get('t'))}, QRAM free: {number(free.get('t'))}"),
    ] + _physical_rows(data))
    if "non_causal" in head:
        lines += _qlaci_causal_lines(params, head)
    lines.append("")
    budget = data.get("error_budget") or {}
    lines.append("One shot (one query, one measurement setting)")
    comment = _qlaci_t_comment(record, budget)
    lines += _rows(_count_rows(data["logical"], comment))
    if budget:
        lines.append("")
        lines.append("Error budget")
        angles = f"; angles {budget['angle_bits']} bits" if budget.get("angle_bits") else ""
        lines += _para(f"eps = {number(budget.get('eps_total'))} split {budget.get('split')}; "
                       f"{budget.get('rotations_synthesised')} rotations synthesised to "
                       f"{number(budget.get('eps_per_rotation'))} each{angles}")
    return lines


def _qlaci_causal_lines(params: dict, head: dict) -> list[str]:
    """The causal head beside the same head without the mask (each query over all N keys)."""
    plain = head["non_causal"]
    lines = _para(f"Causal: query i attends keys 0..i; the totals above sum each query's own shot over "
                  f"i = 0..{number(head.get('queries', 0) - 1)}; this shot is query {params.get('query_position')}.")
    rows = [("qubits", head.get("qubits"), f"non-causal: {number(plain.get('qubits'))}; the widest query is i = "
             f"{head.get('widest_query')}")]
    for key, label in (("toffoli", "Toffoli"), ("t", "T")):
        rows.append((f"{label} causal", head["full_circuit"].get(key),
                     f"non-causal: {number(plain['full_circuit'].get(key))}; paper's model "
                     f"{number(head['paper_model'].get(key))} vs {number(plain['paper_model'].get(key))}"))
    return lines + _rows(rows)


def _qlaci_t_comment(record, budget: dict) -> str:
    """Says how the shot's rotations were charged: the estimate's formula is not what `export`
    writes (gridsynth words for its seed's angles), so the two must not be read as one number."""
    if any("synthesised exactly" in note or "gridsynth" in note for note in record.notes):
        return "rotations as gridsynth words, as export writes"
    per = budget.get("t_per_rotation")
    return f"rotations at the formula's {per} T each; export writes gridsynth words (--seed S counts them)"


# classical -----------------------------------------------------------------------------------


def _render_classical(record, data, extras) -> list[str]:
    classical = data.get("classical") or {}
    hardware = classical.get("hardware") or {}
    lines = _para(f"Classical attention on {hardware.get('name')} ({hardware.get('description')})", indent=0)
    lines += _params_lines(data, ("n", "d", "k"))
    utilisation = classical.get("utilisation")
    lines += _para(f"rate {number(classical.get('rate_flops_per_s'))} flop/s"
                   + ("" if utilisation in (None, 1, 1.0) else f" ({utilisation:.0%} of peak)"))
    lines.append("")
    lines.append("Time and work")
    names = (("naive", "dense attention"), ("sparse_inference", "Algorithm 2"),
             ("sparse_values", "sparse values"), ("halfspace", "half-space"),
             ("halfspace_pipeline", "half-space + Alg. 2"))
    rows = []
    for key, label in names:
        part = classical.get(key) or {}
        if not part:
            continue
        work = part.get("flops", part.get("ops_int", part.get("ops")))
        unit = "flops" if "flops" in part else "ops"
        rows.append((label, seconds_text(part.get("seconds")), f"{number(work)} {unit}"))
    lines += _rows(rows)
    return lines


def _render_generic(record, data, extras) -> list[str]:
    lines = [f"{record.primitive}" + (f", {record.model}" if record.model else "")]
    lines += _inline((key, _param_value(value)) for key, value in (data.get("params") or {}).items()
                     if not isinstance(value, (dict, list)))
    if data.get("logical"):
        lines.append("")
        lines += _rows(_count_rows(data["logical"]) + _physical_rows(data))
    return lines


_RENDERERS = {
    "attention": _render_attention,
    "grover": _render_grover,
    "oracle": _render_oracle,
    "qram": _render_qram,
    "circuit": _render_circuit,
    "qlaci": _render_qlaci,
    "classical": _render_classical,
}


# physical ------------------------------------------------------------------------------------


def _physical_rows(data: dict) -> list[tuple[str, Any, str]]:
    physical = data.get("physical")
    if not physical or physical.get("physical_qubits") is None:
        return []
    runtime = physical.get("runtime_s")
    human = human_time(runtime)
    return [
        ("physical qubits", physical["physical_qubits"],
         f"{_estimator(physical).split(' ')[0]}, {physical.get('architecture') or physical.get('qubit_model')}"),
        ("runtime", f"{number(runtime)} s", "" if human.endswith(" s") else human),
    ]


def _estimator(physical: dict) -> str:
    estimator = physical.get("estimator") or {}
    if isinstance(estimator, dict) and estimator.get("name"):
        return f"{estimator['name']} {estimator.get('version', '')}".strip()
    return "qdk estimator"


def _architecture(physical: dict) -> str:
    parts = [physical.get("architecture") or physical.get("qubit_model"), physical.get("qec_scheme"),
             physical.get("factory")]
    return ", ".join(str(p) for p in parts if p)


def _physical_breakdown(data: dict) -> list[str]:
    physical = data.get("physical")
    if not physical or physical.get("physical_qubits") is None:
        return []
    frontier = physical.get("frontier") or []
    lines = ["", f"Physical estimate (headline: {_estimator(physical)}"
                 + (f", best of {len(frontier)} frontier points)" if len(frontier) > 1 else ")")]
    lines += _para(f"architecture {_architecture(physical)}")
    unit_ns = physical.get("unit_runtime_ns")
    rows = [
        ("code distance", physical.get("code_distance"),
         f"logical cycle {human_time((physical.get('logical_cycle_time_ns') or 0) / 1e9)}"),
        ("T factories", physical.get("t_factories"),
         f"{number(physical.get('physical_qubits_for_t_factories'))} physical qubits"),
        ("repetitions", physical.get("repetitions"),
         f"of one unit of {human_time(unit_ns / 1e9)}" if unit_ns else ""),
        ("error budget", physical.get("error_budget"), "for the whole computation"),
    ]
    lines += _rows(rows)
    second = physical.get("qualtran_gidney_fowler")
    if second is None:
        lines += _para("Qualtran Gidney-Fowler (second opinion): does not apply to this qubit model or code")
    elif "error" in second:
        lines += _para(f"Qualtran Gidney-Fowler (second opinion): no answer ({second['error']})")
    else:
        lines += _para(f"Qualtran Gidney-Fowler (second opinion): {number(second.get('physical_qubits'))} "
                       f"physical qubits, {seconds_text(second.get('runtime_s'))}, "
                       f"distance {second.get('code_distance')}")
    return lines


# verbose -------------------------------------------------------------------------------------


def _everything(data: dict) -> list[str]:
    """Every field of the record, one ``section key value`` line each, long texts wrapped."""
    lines = ["", "All fields (the keys of --json)"]
    pairs: list[tuple[str, Any]] = []
    for section, block in data.items():
        if section in ("notes", "model", "primitive") or block is None or block == {} or block == []:
            continue
        if isinstance(block, dict):
            pairs += [(f"{section}.{key}", value) for key, value in _flatten(block)]
        else:
            pairs.append((section, block))
    width = min(max(len(key) for key, _ in pairs), 44) if pairs else 0
    for key, value in pairs:
        text = _verbose_value(value)
        line = f"  {key:<{width}} {text}"
        if len(line) <= WIDTH:
            lines.append(line)
        else:
            lines.append(f"  {key}")
            lines += _para(text, indent=6)
    return lines


def _verbose_value(value: Any) -> str:
    if isinstance(value, list):
        return "; ".join(_verbose_value(v) for v in value) if value else "none"
    if isinstance(value, float) and not math.isnan(value) and 1e-3 <= abs(value) < 1e6 and not value.is_integer():
        return f"{value:,.6g}"
    return number(value)


def _flatten(block: dict, prefix: str = ""):
    for key, value in block.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict) and value:
            yield from _flatten(value, name + ".")
        else:
            yield name, value


# sweeps --------------------------------------------------------------------------------------


def _cell(value: Any) -> str:
    return value if isinstance(value, str) else number(value)


def render_sweep(records: list[EstimateRecord]) -> list[str]:
    """Several points of one primitive: one row each, the swept parameters and the totals."""
    first = records[0].to_dict()
    params = [key for key in first["params"] if any(r.params.get(key) != records[0].params.get(key) for r in records)]
    lines = [f"{first['primitive']}, {len(records)} points" + (f" ({first['model']})" if first.get("model") else "")]
    fixed = [(key, _param_value(value)) for key, value in first["params"].items()
             if key not in params and not isinstance(value, (dict, list))]
    lines += _inline(fixed)
    lines.append("")
    columns = params + ["qubits", "Toffoli", "T", "depth"]
    if first.get("classical") and "naive" in (first.get("classical") or {}):
        columns = params + ["naive s", "Algorithm 2 s", "half-space s"]
    if any(r.physical for r in records):
        columns += ["physical qubits", "runtime"]
    table = []
    for record in records:
        data = record.to_dict()
        row = [_cell(_param_value(data["params"].get(key))) for key in params]
        classical = data.get("classical") or {}
        if "naive s" in columns:
            row += [number(classical.get(k, {}).get("seconds")) for k in ("naive", "sparse_inference", "halfspace_pipeline")]
        else:
            logical = data.get("logical") or {}
            row += [number(logical.get(key)) for key in ("qubits", "toffoli", "t", "depth")]
        if "runtime" in columns:
            physical = data.get("physical") or {}
            row += [number(physical.get("physical_qubits")), human_time(physical.get("runtime_s"))]
        table.append(row)
    widths = [max(len(columns[i]), *(len(row[i]) for row in table)) for i in range(len(columns))]
    lines.append("  " + "  ".join(f"{c:>{w}}" for c, w in zip(columns, widths)))
    lines += ["  " + "  ".join(f"{cell:>{w}}" for cell, w in zip(row, widths)) for row in table]
    lines += ["", "  (--verbose: every field of every point; --json: the same as JSON)"]
    return lines


def answer_text(records: "Iterable[EstimateRecord]", *, verbose: bool = False, extras: dict | None = None) -> str:
    """What ``qresource estimate`` prints for these records without ``--json``: one block per
    record, or one table for several points of one primitive and model."""
    records = list(records)
    blocks = [render_record(record, verbose=verbose, extras=extras) for record in records]
    if len(records) > 1 and not verbose and len({(r.primitive, r.model) for r in records}) == 1:
        blocks = [render_sweep(records)]
    return "\n\n".join("\n".join(block) for block in blocks)


def answer_html(text: str) -> str:
    """The terminal answer as HTML for Jupyter: the same lines, in a fixed-width block."""
    return ('<pre style="font-family: monospace; line-height: 1.25; white-space: pre">'
            f"{html.escape(text)}</pre>")
