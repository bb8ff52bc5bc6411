"""Our physical estimate, qdk's estimator called directly on the same logical counts, and
Qualtran's Gidney-Fowler model, side by side for three configurations.

The first two columns must be identical (the estimate is qdk's, on the unit it reports as
``estimator_input``, with the budget split over the repetitions); the third is an independent
surface-code model and is expected to differ by the two models' design choices.

    python benchmarks/physical_crosscheck.py
"""

from __future__ import annotations

import warnings

from qresource.machinery.physical import physical_estimate
from qresource.report import sources


def qdk_direct(counts: dict, params: dict, repetitions: int) -> dict:
    from qdk.estimator import LogicalCounts

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        result = LogicalCounts(counts).estimate(params)
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
    counts = sources.grover_circuit(1024, 8, 64, None, "qrom")
    yield ("Grover attention, full circuit (qrom), n=1024 d=64 k=8; estimator defaults",
           counts, {})
    counts = sources.grover_query(1024, 8, 64)
    yield ("Grover attention, query model, n=1024 d=64 k=8; qubit_gate_ns_e4, budget 1e-2",
           counts, {"qubit_model": "qubit_gate_ns_e4", "error_budget": 1e-2})
    yield ("QLACI prototype (N=16, q_Q=4, q_KV=2, q_out=1), one shot x N x shots; qubit_gate_us_e3",
           qlaci_prototype(), {"qubit_model": "qubit_gate_us_e3"})


def main() -> None:
    keys = ("physical_qubits", "runtime_s", "code_distance", "t_factories")
    for title, counts, options in configurations():
        ours = physical_estimate(counts["unit"], counts["repetitions"],
                                 t_outside_toffoli=counts["unit_t_outside_toffoli"], **options)
        direct = qdk_direct(ours["estimator_input"], ours["estimator_params"], ours["repetitions"])
        second = ours["qualtran_gidney_fowler"] or {}
        print(title)
        print(f"  estimator_input = {ours['estimator_input']} x {ours['repetitions']} repetitions")
        print(f"  {'':16s} {'ours':>12s} {'qdk direct':>12s} {'Qualtran GF':>12s}")
        for key in keys:
            q = second.get(key if key != "t_factories" else "-", "")
            print(f"  {key:16s} {ours[key]:>12.4g} {direct[key]:>12.4g} {q if q == '' else format(q, '>12.4g'):>12}")
        if "error" in second:
            print(f"  Qualtran: {second['error']}")
        print(f"  identical: {all(ours[k] == direct[k] for k in keys)}")


if __name__ == "__main__":
    main()
