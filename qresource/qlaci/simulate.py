"""QLACI circuits on Qiskit Aer: exact expectation values from the statevector of the lowered
bloq, and shot-based estimates from sampling the measured circuit.

Both run the same bloq that is counted and exported (``qresource.machinery.flatten.to_circuit``),
with the index register prepared by the circuit's own Hadamards and never measured.
"""

from __future__ import annotations

from typing import Optional

import numpy as np

from qresource.core.errors import ResourceLimitError
from qresource.machinery.flatten import to_circuit
from qresource.machinery.statevector import check_statevector_size, run_bloq_statevector, statevector_bytes
from qresource.qlaci.attention_bloq import QlaciAngles
from qresource.qlaci.build import QlaciPlan, build_qlaci, build_shot
from qresource.qlaci.shots import observable_labels

_PAULI = {
    "I": np.eye(2, dtype=complex),
    "X": np.array([[0, 1], [1, 0]], dtype=complex),
    "Y": np.array([[0, -1j], [1j, 0]], dtype=complex),
    "Z": np.diag([1.0, -1.0]).astype(complex),
}


def pauli_matrix(label: str) -> np.ndarray:
    """The matrix of ``label`` with label[k] on qubit k, qubit 0 the least significant bit."""
    matrix = np.array([[1.0 + 0j]])
    for letter in label:
        matrix = np.kron(_PAULI[letter], matrix)
    return matrix


def lowered_qubits(bloq) -> int:

    return to_circuit(bloq).num_qubits


def output_density_matrix(plan_: QlaciPlan, angles: QlaciAngles, *, synthesize: bool = False,
                          limit_bytes: Optional[int] = None, seed: int = 0) -> np.ndarray:
    """The reduced state of the output register after the circuit (statevector on Aer)."""

    bloq = build_qlaci(plan_, angles, synthesize=synthesize)
    # A synthesised rotation is only eps-close to diagonal, so where one acts on an ancilla (the
    # causal preparation's AND target) the measured uncomputation leaves up to
    # ||U' - U||^2 <= eps_synthesis^2 of probability off |0>.
    tolerance = plan_.budget.eps_synthesis**2 if synthesize else 1e-13
    result = run_bloq_statevector(bloq, {}, seed=seed, limit_bytes=limit_bytes, tolerance=tolerance)
    names = list(result.register_names)
    out_axis = names.index("out")
    dim_out = 2**plan_.params.out
    rho = np.zeros((dim_out, dim_out), dtype=complex)
    grouped: dict = {}
    for key, amplitude in result.amplitudes.items():
        rest = key[:out_axis] + key[out_axis + 1:]
        grouped.setdefault(rest, np.zeros(dim_out, dtype=complex))[key[out_axis]] += amplitude
    for vector in grouped.values():
        rho += np.outer(vector, vector.conj())
    return rho


def exact_expectations(plan_: QlaciPlan, angles: QlaciAngles, labels: Optional[list[str]] = None, **kwargs) -> dict[str, float]:
    """<P> on the output register for each Pauli label (default: the plan's observable set)."""
    labels = labels or observable_labels(plan_.params.observables, plan_.params.out)
    rho = output_density_matrix(plan_, angles, **kwargs)
    return {label: float(np.real(np.trace(rho @ pauli_matrix(label)))) for label in labels}


def measured_circuit(plan_: QlaciPlan, angles: QlaciAngles, basis: str, *, synthesize: bool = False):
    """The lowered shot circuit with the output register measured into ``result``."""
    from qiskit import ClassicalRegister

    qc = to_circuit(build_shot(plan_, angles, basis=basis, synthesize=synthesize))
    result = ClassicalRegister(plan_.params.out, "result")
    qc.add_register(result)
    out = next(reg for reg in qc.qregs if reg.name == "out")
    qc.measure(out, result)
    return qc


def settings_for(labels: list[str]) -> dict[str, list[str]]:
    """Group Pauli labels by a measurement basis that reads them all (qubit-wise commuting)."""
    groups: dict[str, list[str]] = {}
    for label in labels:
        placed = False
        for basis, members in groups.items():
            if all(p == "I" or b == "I" or p == b for p, b in zip(label, basis)):
                merged = "".join(b if b != "I" else p for p, b in zip(label, basis))
                members.append(label)
                groups[merged] = groups.pop(basis)
                placed = True
                break
        if not placed:
            groups[label] = [label]
    return {basis.replace("I", "Z"): members for basis, members in groups.items()}


class OutcomeSampler:
    """Samples the measured output register of one shot circuit (lowered and compiled once)."""

    def __init__(self, plan_: QlaciPlan, angles: QlaciAngles, basis: str, limit_bytes: Optional[int] = None):
        from qiskit import transpile
        from qiskit_aer import AerSimulator

        qc = measured_circuit(plan_, angles, basis)
        check_statevector_size(qc.num_qubits, limit_bytes)
        self.out = plan_.params.out
        self.simulator = AerSimulator(method="statevector")
        self.compiled = transpile(qc, self.simulator, optimization_level=0)
        order = [reg.name for reg in qc.cregs][::-1]  # Qiskit writes the last register first
        self.chunk = order.index("result")

    def counts(self, shots: int, seed: int) -> dict[tuple[int, ...], int]:
        """Outcome counts keyed by (bit of out[0], bit of out[1], ...)."""
        raw = self.simulator.run(self.compiled, shots=shots, seed_simulator=seed).result().get_counts()
        counts: dict[tuple[int, ...], int] = {}
        for word, times in raw.items():
            bits = word.split(" ")[self.chunk]
            key = tuple(int(bits[-1 - k]) for k in range(self.out))
            counts[key] = counts.get(key, 0) + times
        return counts


def estimate_from_counts(counts: dict[tuple[int, ...], int], label: str) -> float:
    """Mean of prod_{k: label[k] != I} (-1)^{bit k} over the shots."""
    total = sum(counts.values())
    signed = 0
    for key, times in counts.items():
        parity = sum(bit for bit, letter in zip(key, label) if letter != "I") % 2
        signed += (1 - 2 * parity) * times
    return signed / total


def sampled_expectations(plan_: QlaciPlan, angles: QlaciAngles, shots: int, seed: int = 0,
                         labels: Optional[list[str]] = None) -> dict[str, float]:
    """Estimates of the observables from ``shots`` shots per measurement setting."""
    labels = labels or observable_labels(plan_.params.observables, plan_.params.out)
    estimates = {}
    for k, (basis, members) in enumerate(sorted(settings_for(labels).items())):
        counts = OutcomeSampler(plan_, angles, basis).counts(shots, seed + k)
        for label in members:
            estimates[label] = estimate_from_counts(counts, label)
    return estimates


def require_simulable(n_qubits: int, limit_bytes: Optional[int] = None) -> None:
    """One-line refusal naming the memory a statevector of ``n_qubits`` would need."""

    try:
        check_statevector_size(n_qubits, limit_bytes)
    except ResourceLimitError:
        need = statevector_bytes(n_qubits)
        raise ResourceLimitError(
            f"qlaci: simulating {n_qubits} qubits needs a statevector of {need / 2**30:.3g} GiB "
            f"({need} bytes), more than memory allows; use smaller --n/--dq/--kv/--out or --angle-bits"
        ) from None
