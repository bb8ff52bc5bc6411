"""The single-search circuit: ``GroverSearch`` over an instance's phase oracle, its measured
Qiskit circuit and QASM, and its validation on Qiskit Aer against sin^2((2r + 1) theta)."""

from __future__ import annotations

import math
from typing import Sequence

import numpy as np

from qresource.grover import schedules
from qresource.grover.circuit_costs import threshold_oracle_factory
from qresource.grover.instances import marked_indices, problem_from_oracle_instance
from qresource.grover.iterate import GroverSearch
from qresource.grover.problem import DEFAULT_LOADER, single_search
from qresource.machinery.flatten import to_circuit
from qresource.machinery.qasm_export import qasm_text as lowered_qasm_text
from qresource.machinery.statevector import check_statevector_size, run_circuit_statevector


def grover_search_bloq(data: dict, *, k: int | None = None, loader: str = DEFAULT_LOADER):
    """GroverSearch over the instance's phase oracle with r = r_k (k: the instance's marked count)."""

    problem = problem_from_oracle_instance(data, k=k, loader=loader)
    r, _ = single_search(problem)
    return GroverSearch(threshold_oracle_factory(problem, data)(0), r), problem

def measured_search_circuit(search_bloq):
    """``to_circuit`` of the search, then `index` measured into the classical register `result`."""
    from qiskit.circuit import ClassicalRegister

    qc = to_circuit(search_bloq)
    index = next(reg for reg in qc.qregs if reg.name == "index")
    result = ClassicalRegister(len(index), "result")
    qc.add_register(result)
    qc.measure(index, result)
    return qc

def qasm_text(qc, version: int) -> str:

    return lowered_qasm_text(qc, version)

def grover_search_qasm(data: dict, *, k: int | None = None, loader: str = DEFAULT_LOADER, version: int = 3) -> str:
    """OpenQASM ``version`` text of one measured Grover search over the instance's oracle, with
    the iteration count for ``k`` marked keys (``qresource export grover``)."""
    search_bloq, _ = grover_search_bloq(data, k=k, loader=loader)
    return qasm_text(measured_search_circuit(search_bloq), version)

def sample_search(qc, shots: int, seed: int) -> dict[int, int]:
    """Run the measured search circuit shot by shot on Aer: counts of each value of `result`.

    Every shot re-simulates the mid-circuit measurements of the uncomputations, so this is for
    circuits of a few qubits; ``validate_search_circuit`` samples the final state instead."""
    from qiskit import transpile
    from qiskit_aer import AerSimulator

    check_statevector_size(qc.num_qubits)
    simulator = AerSimulator(method="statevector", seed_simulator=seed)
    counts = simulator.run(transpile(qc, simulator, optimization_level=0), shots=shots).result().get_counts()
    names = [creg.name for creg in qc.cregs]
    out: dict[int, int] = {}
    for key, times in counts.items():
        fields = key.split(" ")  # qiskit prints the last-added classical register first
        value = int(fields[len(fields) - 1 - names.index("result")], 2)
        out[value] = out.get(value, 0) + times
    return out

def validate_search_circuit(search_bloq, marked: Sequence[int], space: int, shots: int, seed: int) -> dict:
    """Simulate the search circuit on Aer and compare with sin^2((2r+1) theta).

    Two checks: the exact probability of the marked values in Aer's final state (the flattened
    circuit, mid-circuit measurements included, ancillas verified back in |0>) equals the
    prediction to 1e-9; and ``shots`` measurements of `index` sampled from that state (seeded)
    give a frequency within 5 binomial standard deviations.  A measurement-based uncomputation
    leaves the same final state on every measurement branch, so one simulated branch suffices.
    """

    qc = to_circuit(search_bloq)
    state = run_circuit_statevector(qc, {}, seed=seed)
    position = state.register_names.index("index")
    probabilities = np.zeros(space)
    for key, amplitude in state.amplitudes.items():
        probabilities[key[position]] += abs(amplitude) ** 2
    marked_set = sorted(set(int(j) for j in marked))
    exact = float(probabilities[marked_set].sum())
    predicted = schedules.success_probability(len(marked_set), space, search_bloq.iterations)
    rng = np.random.default_rng(seed)
    outcomes = rng.choice(space, size=shots, p=probabilities / probabilities.sum())
    measured = float(np.isin(outcomes, marked_set).mean())
    sigma = math.sqrt(max(predicted * (1 - predicted), 1.0 / shots) / shots)
    passed = abs(exact - predicted) <= 1e-9 and abs(measured - predicted) <= 5 * sigma
    return {
        "iterations": search_bloq.iterations, "marked": marked_set, "shots": shots, "seed": seed,
        "measured_success": measured, "simulated_success": exact, "success_probability": predicted,
        "sigma": sigma, "deviation_sigmas": abs(measured - predicted) / sigma, "passed": passed,
        "circuit_qubits": qc.num_qubits,
    }

def validate_grover_search(data: dict, *, loader: str = DEFAULT_LOADER, shots: int = 4000, seed: int = 0) -> dict:
    """Run the instance's Grover search circuit on Qiskit Aer and compare the measured indices
    with the marked set computed classically from q, K and tau (``qresource validate grover``)."""
    search_bloq, problem = grover_search_bloq(data, loader=loader)
    result = validate_search_circuit(search_bloq, marked_indices(data), 1 << problem.index_qubits, shots, seed)
    return {"n": problem.n, "d": problem.d, "bits": problem.bits, "tau": problem.tau, "loader": loader, **result}
