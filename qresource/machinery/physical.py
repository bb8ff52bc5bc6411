"""Physical resource estimates: logical counts -> physical qubits, runtime, code distance and
magic-state factories, through Microsoft's resource estimator (``qdk.estimator``, run locally),
with Qualtran's Gidney–Fowler surface-code model as a second opinion.

Nothing here models a surface code by hand; this module only decides *what* is handed to the two
estimators and how their answers are reported. The decisions (derived in docs/report.md):

- **Mapping to the estimator's logical counts.** Where the T gates *outside* Toffoli-class gates
  are known (``t_outside_toffoli``, from Qualtran's ``QECGatesCost`` on the same bloq: see
  :func:`bare_t_count`), Toffoli-class gates (Toffoli, CCZ, temporary-AND computations, CSWAP) go
  over as ``cczCount`` -- the estimator charges each 4 T states and 3 logical cycles (Beverland
  et al. 2022, arXiv:2211.07629, appendix C) -- and only those other T gates as ``tCount``. Our
  ``t`` key counts the T gates of the *fully decomposed* circuit (7 per Toffoli or CSWAP, 4 per
  AND), so handing over both ``toffoli`` and ``t`` would count every Toffoli twice. Where the
  split is not known (counts read from a QASM file, say), the whole circuit goes over as it is
  written: ``tCount = t``, ``cczCount = 0``. Rotations not yet synthesised go over as
  ``rotationCount`` with ``rotationDepth`` equal to their number (no two assumed parallel).
- **Units and repetitions.** The estimator keeps runtimes in an unsigned 64-bit count of
  nanoseconds: past 2^64 ns (about 585 years) it returns wrong numbers, hangs, or fails to parse.
  A caller hands over one *unit* (one oracle call, one search, one row) and the number of times it
  runs back to back; the reported runtime is ``repetitions`` times the estimator's runtime for the
  unit, and the unit receives ``error_budget / repetitions`` so that the whole computation stays
  within the stated budget (union bound). If even one unit could pass the 2^64 ns limit, it is cut
  into equal slices (gate counts rounded up, never down) and the output says so.
"""

from __future__ import annotations

import functools
import json
import math
import re
import warnings
from typing import Any

from qresource.core.errors import QResourceError
from qresource.core.record import LogicalCounts

#: Fewest T gates any Toffoli-class gate takes in our lowering (a temporary AND, Gidney 2018,
#: arXiv:1709.06648, fig. 3); Toffolis and CSWAPs take 7 (Amy et al. 2013, arXiv:1206.0758).
MIN_T_PER_TOFFOLI_CLASS = 4

#: Qubit models and QEC schemes the estimator predefines (``qdk.estimator.QubitParams`` /
#: ``QECScheme``); floquet_code needs a Majorana (measurement-based) model.
QUBIT_MODELS = (
    "qubit_gate_ns_e3",
    "qubit_gate_ns_e4",
    "qubit_gate_us_e3",
    "qubit_gate_us_e4",
    "qubit_maj_ns_e4",
    "qubit_maj_ns_e6",
)
QEC_SCHEMES = ("surface_code", "floquet_code")

#: The estimator stores runtimes as u64 nanoseconds; keep every unit a factor 2 below that.
RUNTIME_LIMIT_NS = 2**63

#: When a T factory runs longer than the algorithm's logical depth, the estimator stretches the
#: runtime to the factory's; three rounds of 15-to-1 distillation take well under a second even
#: with microsecond gates, so 10^12 ns bounds that stretch with a wide margin.
FACTORY_RUNTIME_SLACK_NS = 10**12

ESTIMATOR_KEYS = (
    "numQubits",
    "tCount",
    "rotationCount",
    "rotationDepth",
    "cczCount",
    "ccixCount",
    "measurementCount",
)


def estimator_input(logical: LogicalCounts, t_outside_toffoli: int | None = None) -> dict[str, int]:
    """The estimator's ``LogicalCounts`` keys for our logical counts (see the module docstring).

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


def estimator_params(
    qubit_model: str | None = None, qec: str | None = None, error_budget: float | None = None
) -> dict[str, Any]:
    """The estimator's job parameters; what is not given is left to the estimator's defaults."""
    params: dict[str, Any] = {}
    if qubit_model is not None:
        if qubit_model not in QUBIT_MODELS:
            raise QResourceError(
                f"unknown qubit model {qubit_model!r}; choose one of {', '.join(QUBIT_MODELS)}"
            )
        params["qubitParams"] = {"name": qubit_model}
    if qec is not None:
        if qec not in QEC_SCHEMES:
            raise QResourceError(f"unknown QEC scheme {qec!r}; choose one of {', '.join(QEC_SCHEMES)}")
        params["qecScheme"] = {"name": qec}
    if error_budget is not None:
        if not 0.0 < float(error_budget) < 1.0:
            raise QResourceError(f"error budget must lie strictly between 0 and 1, got {error_budget}")
        params["errorBudget"] = float(error_budget)
    return params


def run_estimator(counts: dict[str, int], params: dict[str, Any]) -> dict[str, Any]:
    """Call ``qdk.estimator`` on exactly ``counts`` and ``params``; one-line errors."""
    from qdk.estimator import EstimatorError
    from qdk.estimator import LogicalCounts as QdkLogicalCounts

    for key, value in counts.items():
        if not 0 <= int(value) < 2**64:
            raise QResourceError(f"estimator input {key} = {value} does not fit in 64 bits")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            result = QdkLogicalCounts(dict(counts)).estimate(dict(params))
    except EstimatorError as exc:
        raise QResourceError(f"physical estimator: {' '.join(str(exc).split())}") from None
    if result.get("status") != "success":
        raise QResourceError(f"physical estimator failed: {result.get('status')}")
    return dict(result)


_TIME = re.compile(r"^\s*([0-9.eE+-]+)\s*(ns|us|µs|μs|ms|s)\s*$")
_NS_PER = {"ns": 1.0, "us": 1e3, "µs": 1e3, "μs": 1e3, "ms": 1e6, "s": 1e9}


def _time_ns(text: str) -> float:
    match = _TIME.match(str(text))
    if not match:
        raise QResourceError(f"physical estimator: cannot read time {text!r}")
    return float(match.group(1)) * _NS_PER[match.group(2)]


@functools.lru_cache(maxsize=None)
def model_limits(params_json: str) -> dict[str, float]:
    """For one set of job parameters: the estimator's default error budget, and the longest
    logical cycle it can use (its cycle-time formula at the largest code distance), read from the
    parameters the estimator itself reports for a tiny probe."""
    import sympy

    probe = run_estimator({"numQubits": 1, "tCount": 1}, json.loads(params_json))
    job = probe["jobParams"]
    qec = job["qecScheme"]
    values: dict[str, Any] = {"codeDistance": int(qec["maxCodeDistance"])}
    for key, value in job["qubitParams"].items():
        if key.endswith("Time"):
            values[key] = _time_ns(value)
    cycle = sympy.sympify(qec["logicalCycleTime"], locals={k: sympy.Symbol(k) for k in values})
    max_cycle_ns = float(cycle.subs(values))
    budget = job["errorBudget"]
    total_budget = float(budget) if not isinstance(budget, dict) else float(sum(budget.values()))
    return {"max_logical_cycle_ns": max_cycle_ns, "default_error_budget": total_budget}


def depth_bound(counts: dict[str, int], error_budget: float) -> int:
    """An upper bound on the estimator's algorithmic logical depth (Beverland et al. 2022, eq. D3:
    measurements + rotations + T + 3 (CCZ + CCiX) + rotation depth x T per rotation), with the T
    per rotation bounded for a rotation budget as small as the whole ``error_budget``."""
    rotations = int(counts.get("rotationCount", 0))
    ts_per_rotation = 0
    if rotations:
        ts_per_rotation = math.ceil(0.53 * math.log2(rotations / error_budget) + 5.3) + 1
    return (
        int(counts.get("measurementCount", 0))
        + rotations
        + int(counts.get("tCount", 0))
        + 3 * (int(counts.get("cczCount", 0)) + int(counts.get("ccixCount", 0)))
        + int(counts.get("rotationDepth", 0)) * ts_per_rotation
    )


def runtime_bound_ns(counts: dict[str, int], error_budget: float, limits: dict[str, float]) -> float:
    """An upper bound on the estimator's runtime for ``counts``: the depth bound at the longest
    logical cycle, or a factory run, whichever is longer."""
    return depth_bound(counts, error_budget) * limits["max_logical_cycle_ns"] + FACTORY_RUNTIME_SLACK_NS


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
    qubit_model: str | None = None,
    qec: str | None = None,
    error_budget: float | None = None,
    second_opinion: bool = True,
) -> dict[str, Any]:
    """The physical cost of running ``unit`` ``repetitions`` times back to back.

    Returns the ``physical`` block of an EstimateRecord: ``physical_qubits``, ``runtime_s``,
    ``code_distance``, ``t_factories``, ``qubit_model``, ``qec_scheme``, ``error_budget`` (for the
    whole computation), ``estimator_input`` (exactly what qdk received), ``estimator_params``,
    ``repetitions``, ``unit_runtime_ns``, ``toffoli_mapping`` (``"ccz"`` or ``"t"``, see the
    module docstring), and ``qualtran_gidney_fowler`` (the second opinion, or None where it does
    not apply). ``t_outside_toffoli`` refers to one unit.
    """
    repetitions = int(repetitions)
    if repetitions < 1:
        raise QResourceError(f"repetitions must be at least 1, got {repetitions}")
    base_params = estimator_params(qubit_model, qec, None)
    limits = model_limits(json.dumps(base_params, sort_keys=True))
    total_budget = float(error_budget) if error_budget is not None else limits["default_error_budget"]
    estimator_params(None, None, total_budget)  # validates the range

    counts = estimator_input(unit, t_outside_toffoli)
    notes: list[str] = []
    if t_outside_toffoli is None and int(unit.toffoli):
        notes.append(
            "Toffoli-class gates handed to the estimator as the T gates of their Clifford+T "
            "decomposition (no CCZ split known for these counts)"
        )
    pieces = 1
    bound_ns = runtime_bound_ns(counts, total_budget / repetitions, limits)
    if bound_ns > RUNTIME_LIMIT_NS:
        pieces = 2 ** math.ceil(math.log2(bound_ns / RUNTIME_LIMIT_NS))
        counts = _slice(counts, pieces)
        notes.append(
            f"one unit could run past 2^63 ns, beyond the estimator's range: it was cut into "
            f"{pieces} equal back-to-back slices (gate counts rounded up) and estimated per slice"
        )
    total_repetitions = repetitions * pieces
    unit_budget = total_budget / total_repetitions
    if total_repetitions > 1:
        notes.append(
            f"estimated one unit of {total_repetitions} run back to back, with error budget "
            f"{total_budget:g} / {total_repetitions}; runtime_s = repetitions x unit runtime"
        )
    params = dict(base_params)
    if error_budget is not None or total_repetitions > 1:
        params["errorBudget"] = unit_budget
    result = run_estimator(counts, params)
    physical_counts = result["physicalCounts"]
    breakdown = physical_counts["breakdown"]
    job = result["jobParams"]
    unit_runtime_ns = int(physical_counts["runtime"])
    block: dict[str, Any] = {
        "physical_qubits": int(physical_counts["physicalQubits"]),
        "runtime_s": total_repetitions * unit_runtime_ns / 1e9,
        "code_distance": int(result["logicalQubit"]["codeDistance"]),
        "t_factories": int(breakdown["numTfactories"]),
        "qubit_model": job["qubitParams"]["name"],
        "qec_scheme": job["qecScheme"]["name"],
        "error_budget": total_budget,
        "estimator_input": dict(counts),
        "estimator_params": params,
        "repetitions": total_repetitions,
        "unit_runtime_ns": unit_runtime_ns,
        "logical_cycle_time_ns": int(result["logicalQubit"]["logicalCycleTime"]),
        "toffoli_mapping": "t" if t_outside_toffoli is None else "ccz",
        "physical_qubits_for_t_factories": int(breakdown["physicalQubitsForTfactories"]),
        "notes": notes,
    }
    block["qualtran_gidney_fowler"] = (
        gidney_fowler_estimate(counts, total_repetitions, total_budget, job) if second_opinion else None
    )
    return block


def gidney_fowler_estimate(
    counts: dict[str, int], repetitions: int, error_budget: float, job_params: dict[str, Any]
) -> dict[str, Any] | None:
    """Qualtran's Gidney–Fowler model (CCZ->2T factories, arXiv:1812.01238) on the same work,
    with the physical error rate and surface-code cycle time of the estimator's qubit model.

    Qualtran's model keeps counts and durations as Python numbers, so it is given the whole
    computation at once (the unit's counts times ``repetitions``, the total error budget) and
    needs no slicing. Applies to gate-based qubit models under the surface code only (it knows no
    floquet code); the code cycle is one syndrome round, 4 two-qubit gates + 2 measurements.
    Rotations are left to Qualtran's own T cost per rotation.
    """
    qubit = job_params["qubitParams"]
    if job_params["qecScheme"]["name"] != "surface_code" or qubit.get("instructionSet") != "GateBased":
        return None
    from qualtran.resource_counting import GateCounts
    from qualtran.surface_code import get_ccz2t_costs_from_grid_search, iter_simple_data_blocks

    phys_err = float(qubit["twoQubitGateErrorRate"])
    cycle_ns = 4 * _time_ns(qubit["twoQubitGateTime"]) + 2 * _time_ns(qubit["oneQubitMeasurementTime"])
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
            # Qualtran's default data distances stop at 33; the estimator goes to 50, so search as far
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
