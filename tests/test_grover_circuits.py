"""The Grover bloqs as circuits: counted == flattened, exported QASM == estimate, and the search
run on Qiskit Aer against sin^2((2r+1) theta)."""

from __future__ import annotations

import re

import pytest
from test_grover_iterate import TablePhaseOracle

from qresource.grover import api
from qresource.grover import schedules as search
from qresource.grover.diffusion import GroverDiffusion
from qresource.grover.iterate import GroverIterate, GroverSearch, search_depths
from qresource.machinery.circuit_counts import circuit_counts
from qresource.machinery.flatten import to_circuit
from qresource.machinery.logical import logical_counts


@pytest.mark.parametrize("bitsize", [1, 2, 3, 4, 6, 9])
def test_diffusion_counts_equal_flattened_circuit(bitsize):
    counted = logical_counts(GroverDiffusion(bitsize))
    flattened = circuit_counts(to_circuit(GroverDiffusion(bitsize)))
    assert counted == flattened
    ands = max(bitsize - 2, 0)
    # Gidney 2018: 4 T per AND computed, none to uncompute; one Toffoli-class gate per AND
    assert counted.toffoli == ands and counted.t == 4 * ands and counted.measurements == ands
    assert counted.qubits == bitsize + ands


@pytest.mark.parametrize("bitsize, marked, iterations", [(2, (1,), 1), (3, (2, 5), 1), (3, (6,), 2), (4, (3, 9, 12), 3)])
def test_search_counts_equal_flattened_circuit(bitsize, marked, iterations):
    bloq = GroverSearch(TablePhaseOracle(bitsize, marked), iterations)
    counted = logical_counts(bloq)
    flattened = circuit_counts(to_circuit(bloq))
    for key in ("qubits", "toffoli", "t", "clifford", "rotations", "measurements", "depth"):
        assert getattr(counted, key) == getattr(flattened, key), key
    # The flattened circuit reuses released ancillas first-in first-out, which can only delay a
    # gate: its T-depth is at least the as-soon-as-possible T-depth of fresh wires.
    assert flattened.t_depth >= counted.t_depth


def test_search_depth_closed_form_equals_decomposition():
    oracle = TablePhaseOracle(3, (1, 6))
    for iterations in range(0, 9):
        counted = logical_counts(GroverSearch(oracle, iterations))  # r <= 16: decomposed
        assert search_depths(GroverSearch(oracle, iterations)) == (counted.depth, counted.t_depth)


def test_long_search_counts_are_hierarchical():
    oracle = TablePhaseOracle(4, (5,))
    iterate = logical_counts(GroverIterate(oracle))
    iterations = 10**7
    counted = logical_counts(GroverSearch(oracle, iterations))
    assert counted.toffoli == iterations * iterate.toffoli
    assert counted.t == iterations * iterate.t
    assert counted.clifford == iterations * iterate.clifford + 4  # + the first H layer
    assert counted.qubits == iterate.qubits
    # depth grows linearly once the max-plus power is periodic; it is at least r times the
    # iterate's T-depth cycle and at most r times the iterate's depth plus the H layer
    assert iterations * 1 <= counted.t_depth <= iterations * iterate.t_depth
    assert counted.depth <= iterations * iterate.depth + 1


def _qasm_t_count(text: str) -> int:
    """T and T-dagger gate statements in OpenQASM 2 or 3 text, counted on the text itself."""
    return len(re.findall(r"^\s*(?:t|tdg)\s+[^;]*;", text, flags=re.MULTILINE))


@pytest.mark.parametrize("version", [2, 3])
def test_exported_qasm_t_count_equals_estimate(version):
    bloq = GroverSearch(TablePhaseOracle(3, (2, 5)), 1)
    text = api.qasm_text(api.measured_search_circuit(bloq), version)
    assert _qasm_t_count(text) == logical_counts(bloq).t
    # the export ends by measuring every index qubit into `result`
    assert len(re.findall(r"result\[\d\]", text)) >= 3


@pytest.mark.parametrize("bitsize, marked", [(3, (2, 5)), (3, (6,)), (4, (9,)), (4, (1, 7, 12))])
def test_search_on_aer_matches_success_probability(bitsize, marked):
    space = 2**bitsize
    iterations = search.optimal_iterations(len(marked), space)
    bloq = GroverSearch(TablePhaseOracle(bitsize, marked), iterations)
    result = api.validate_search_circuit(bloq, marked, space, shots=4000, seed=5)
    assert result["simulated_success"] == pytest.approx(result["success_probability"], abs=1e-9)
    assert result["passed"], result


def test_measured_circuit_shots_on_aer():
    # N = 8, one marked value, r = 2 (optimal): sin^2(5 asin(1/sqrt 8)) = 0.9453125 (Grover 1996)
    bloq = GroverSearch(TablePhaseOracle(3, (6,)), 2)
    predicted = search.success_probability(1, 8, 2)
    assert predicted == pytest.approx(0.9453125)
    shots = 600
    counts = api.sample_search(api.measured_search_circuit(bloq), shots=shots, seed=9)
    assert sum(counts.values()) == shots
    sigma = (predicted * (1 - predicted) / shots) ** 0.5
    assert abs(counts.get(6, 0) / shots - predicted) <= 5 * sigma
