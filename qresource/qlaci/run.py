"""Export and validation of small QLACI instances (random angles from a seed)."""

from __future__ import annotations

import time
from typing import Optional

import numpy as np

from qresource.core.errors import ResourceLimitError
from qresource.machinery.circuit_counts import circuit_counts
from qresource.machinery.device import export_for_device, measure_registers, validate_on_device
from qresource.machinery.logical import logical_counts
from qresource.machinery.qasm_export import write_qasm
from qresource.qlaci.build import build_qlaci, build_shot, plan
from qresource.qlaci.params import QlaciParams
from qresource.qlaci.reference import context_vector, per_key_terms, quantized, random_angles
from qresource.qlaci.shots import observable_labels
from qresource.qlaci.simulate import (
    exact_expectations,
    measured_circuit,
    require_simulable,
    sampled_expectations,
)

# Circuits above this many gates are not flattened for export (hours and gigabytes of QASM).
MAX_EXPORT_GATES = 20_000_000
AGREEMENT = 1e-9


def _check_exportable(plan_) -> None:

    counts = logical_counts(build_shot(plan_), with_depth=False)
    gates = counts.t + counts.clifford + counts.measurements
    if gates > MAX_EXPORT_GATES:
        raise ResourceLimitError(
            f"qlaci: the circuit at N = {plan_.params.n} has {gates} gates, over the export limit of "
            f"{MAX_EXPORT_GATES}; use a smaller --n"
        )


def export_qlaci(params: QlaciParams, seed: int, version: int, output: str, *, synthesize: bool = True,
                 basis: Optional[str] = None) -> dict:
    """Write one shot (random angles from ``seed``) as OpenQASM: registers ``query``, ``index``,
    ``kv``, ``out`` (+ ``ancilla``), the output register measured into ``result``."""

    start = time.perf_counter()
    plan_ = plan(params)
    _check_exportable(plan_)
    angles = random_angles(plan_.params, seed)
    qc = measured_circuit(plan_, angles, basis or "Z" * plan_.params.out, synthesize=synthesize)
    write_qasm(qc, version, output)
    counts = circuit_counts(qc).as_dict()
    return {
        "path": str(output),
        "n": plan_.params.n,
        "counts": counts,
        "synthesised": synthesize,
        "eps_per_rotation": plan_.eps_rotation,
        **({"query_position": plan_.params.query_index} if plan_.params.causal else {}),
        "seconds": round(time.perf_counter() - start, 2),
    }


def validate_qlaci(params: QlaciParams, seed: int = 0, shots: int = 0, *, synthesize: bool = False,
                   limit_bytes: Optional[int] = None) -> dict:
    """Aer statevector of the lowered circuit against the classical per-key formula
    c = (1/N) sum_j f(Q, K_j, V_j) (causal: (1/(i+1)) sum_{j<=i} for query i), for random angles;
    optionally shot-based estimates.

    The reference uses the angles the circuit really applies (b-bit loaded angles for the loader
    feature map). With ``synthesize`` the Clifford+T circuit is simulated and must agree within
    the synthesis share of the error budget instead of 1e-9.
    """

    start = time.perf_counter()
    plan_ = plan(params, strict=False)
    p = plan_.params
    qubits = logical_counts(build_qlaci(plan_, synthesize=False), with_depth=False).qubits
    require_simulable(qubits, limit_bytes)
    angles = random_angles(p, seed)
    applied = quantized(angles, plan_.angle_bits) if p.feature_map == "loader" else angles
    labels = observable_labels(p.observables, p.out)
    reference = context_vector(p, applied, labels)
    try:
        simulated = exact_expectations(plan_, angles, labels, synthesize=synthesize, limit_bytes=limit_bytes, seed=seed)
    except ResourceLimitError:
        require_simulable(qubits + 64, limit_bytes)  # the lowered circuit was wider than counted
        raise
    differences = [abs(simulated[label] - reference[k]) for k, label in enumerate(labels)]
    tolerance = plan_.budget.eps_synthesis if synthesize else AGREEMENT
    terms = per_key_terms(p, applied, labels)
    result = {
        "primitive": "qlaci",
        "n": p.n,
        "qubits": qubits,
        "feature_map": p.feature_map,
        "angle_bits": plan_.angle_bits,
        "seed": seed,
        "synthesised": synthesize,
        "observables": labels,
        "simulated": [simulated[label] for label in labels],
        "classical_formula": [float(x) for x in reference],
        "max_abs_difference": float(max(differences)),
        "tolerance": tolerance,
        "ok": bool(max(differences) <= tolerance),
        "per_key_spread": [float(x) for x in terms.max(axis=0) - terms.min(axis=0)],
    }
    if p.causal:
        result["query_position"] = p.query_index
    if shots:
        estimates = sampled_expectations(plan_, angles, shots, seed)
        result["shots"] = shots
        result["sampled"] = [estimates[label] for label in labels]
        result["sampling_error"] = max(abs(estimates[label] - simulated[label]) for label in labels)
        result["sampling_error_scale"] = float(1.0 / np.sqrt(shots))
    result["seconds"] = round(time.perf_counter() - start, 2)
    return result


def export_qlaci_device(params: QlaciParams, seed: int, target: str, output: str, *, synthesize: bool = True,
                        basis: Optional[str] = None) -> dict:
    """One shot transpiled for ``target`` and written as OpenQASM 3 (without ``synthesize`` the
    rotations stay rz/ry, which a device runs natively)."""

    start = time.perf_counter()
    plan_ = plan(params)
    _check_exportable(plan_)
    qc = measured_circuit(plan_, random_angles(plan_.params, seed), basis or "Z" * plan_.params.out,
                          synthesize=synthesize)
    info = export_for_device(qc, target, output)
    return {**info, "primitive": "qlaci", "n": plan_.params.n, "synthesised": synthesize,
            "seconds": round(time.perf_counter() - start, 2)}


def validate_qlaci_noisy(params: QlaciParams, seed: int, noise: str, shots: int, *, synthesize: bool = False,
                         limit_bytes: Optional[int] = None) -> dict:
    """The ``noisy`` block of one shot on the device ``noise``. A QLACI shot has no single right
    output (the expectation values come from many shots), so a shot counts as a success when
    every ancilla reads 0, the part of correctness one shot shows; ``result`` is in the counts."""

    plan_ = plan(params, strict=False)
    qc = measured_circuit(plan_, random_angles(plan_.params, seed), "Z" * plan_.params.out, synthesize=synthesize)
    ancillas = [reg.name for reg in qc.qregs if reg.name == "ancilla"]
    qc = measure_registers(qc, skip=tuple(reg.name for reg in qc.qregs if reg.name not in ancillas))

    def accept(values: dict[str, int]) -> bool:
        return all(values[f"m_{name}"] == 0 for name in ancillas)

    return validate_on_device(qc, noise, accept, shots=shots, seed=seed, limit_bytes=limit_bytes,
                              success="every ancilla 0 (a shot has no single right output)")
