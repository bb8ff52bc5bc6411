"""The physical estimate on qdk.qre (frontier and headline), the older qdk.estimator on the same
logical counts and hardware, and Qualtran's Gidney-Fowler model, side by side for three
configurations.

The older estimator is deprecated (qdk 1.33 says it will be removed) and serves here only as a
cross-check: where it is no longer installed its column says so. It models one layout (PSSPC)
and one family of factories (15-to-1 distillation); qre searches several factories (magic-state
cultivation, Litinski's, round-based 15-to-1) and returns every Pareto point, so the headline is
expected to need fewer qubits where a cheaper factory applies, with a runtime set by the same
logical cycle (see docs/physical.md).

    python benchmarks/physical_crosscheck.py
"""

from __future__ import annotations

import warnings

from qresource.machinery.physical import LEGACY_QUBIT_MODELS, physical_estimate
from qresource.report import sources


def older_estimator(counts: dict, qubit_model: str, error_budget: float, repetitions: int) -> dict | None:
    """qdk.estimator (v2) on one unit with the unit's share of the budget, or None if absent."""
    try:
        from qdk.estimator import LogicalCounts
    except ImportError:
        return None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        result = LogicalCounts(counts).estimate(
            {"qubitParams": {"name": qubit_model}, "errorBudget": error_budget / repetitions})
    return {
        "physical_qubits": result["physicalCounts"]["physicalQubits"],
        "runtime_s": repetitions * result["physicalCounts"]["runtime"] / 1e9,
        "code_distance": result["logicalQubit"]["codeDistance"],
        "t_factories": result["physicalCounts"]["breakdown"]["numTfactories"],
    }


def qlaci_prototype() -> dict:
    """The QLACI paper's prototype (section 4.5: N = 16, 4 query qubits), one shot as the unit."""
    from dataclasses import replace

    from qresource.machinery.logical import logical_counts
    from qresource.machinery.physical import bare_t_count
    from qresource.qlaci.build import build_shot, plan
    from qresource.qlaci.params import PROTOTYPE

    plan_ = plan(PROTOTYPE)
    shot = build_shot(plan_)
    counts = logical_counts(shot, with_depth=False)
    counts = replace(counts, measurements=counts.measurements + PROTOTYPE.out)
    return {"unit": counts, "unit_t_outside_toffoli": bare_t_count(shot),
            "repetitions": PROTOTYPE.n * plan_.shots.shots_per_query}


def configurations():
    yield ("Grover attention, full circuit (qrom), n=1024 d=64 k=8; qubit_gate_ns_e3, budget 1e-3",
           sources.grover_circuit(1024, 8, 64, None, "qrom"), "qubit_gate_ns_e3", 1e-3)
    yield ("Grover attention, query model, n=1024 d=64 k=8; qubit_gate_ns_e4, budget 1e-2",
           sources.grover_query(1024, 8, 64), "qubit_gate_ns_e4", 1e-2)
    yield ("QLACI prototype (N=16, q_Q=4, q_KV=2, q_out=1), one shot x N x shots; qubit_gate_us_e3, budget 1e-3",
           qlaci_prototype(), "qubit_gate_us_e3", 1e-3)


def _cell(value) -> str:
    return f"{value:>12.4g}" if isinstance(value, (int, float)) else f"{'-' if value is None else value:>12}"


def main() -> None:
    keys = ("physical_qubits", "runtime_s", "code_distance", "t_factories")
    for title, counts, qubit_model, budget in configurations():
        ours = physical_estimate(counts["unit"], counts["repetitions"], t_outside_toffoli=counts["unit_t_outside_toffoli"],
                                 qubit_model=qubit_model, error_budget=budget)
        older = older_estimator(ours["estimator_input"], qubit_model, budget, ours["repetitions"]) or {}
        second = ours["qualtran_gidney_fowler"] or {}
        print(title)
        print(f"  architecture {LEGACY_QUBIT_MODELS[qubit_model]} / {ours['qec_scheme']}, factory {ours['factory']}; "
              f"estimator_input = {ours['estimator_input']} x {ours['repetitions']} repetitions")
        print(f"  {'':16s} {'qre headline':>12s} {'v2 estimator':>12s} {'Qualtran GF':>12s}")
        for key in keys:
            print(f"  {key:16s} {_cell(ours[key])} {_cell(older.get(key))} {_cell(second.get(key))}")
        if older:
            print(f"  qre / v2: qubits x{ours['physical_qubits'] / older['physical_qubits']:.3f}, "
                  f"runtime x{ours['runtime_s'] / older['runtime_s']:.3f}")
        else:
            print("  v2 estimator: not installed")
        print("  qre frontier (physical_qubits, runtime_s, factory):")
        for point in ours["frontier"]:
            print(f"    {point['physical_qubits']:>12,d} {point['runtime_s']:>12.4g}  {point['factory']}"
                  f" {point['magic_state_factories']}")
        if "error" in second:
            print(f"  Qualtran: {second['error']}")


if __name__ == "__main__":
    main()
