"""Grover search over the real ThresholdOracle: counts against the machinery and the flattened
circuit, the circuit model's schedule totals, export and validation from the command line, and
the whole search on Qiskit Aer."""

from __future__ import annotations

import json
import re

import pytest

from qresource.cli import main
from qresource.grover import api
from qresource.grover import schedules as search
from qresource.grover.iterate import GroverSearch
from qresource.machinery.circuit_counts import circuit_counts
from qresource.machinery.flatten import to_circuit
from qresource.machinery.logical import logical_counts
from qresource.oracle.threshold_oracle import ThresholdOracle

# scores q . K_j = 2 K_j0 + K_j1: -2, -8, -12, -4, 5, 0, 7, 2 -> keys 4 and 6 reach tau = 5
ROW = {"q": [2, 1], "K": [[0, -2], [-2, -4], [-4, -4], [-3, 2], [1, 3], [0, 0], [3, 1], [1, 0]],
       "tau": 5, "bits": 3}


def run(capsys, *args):
    with pytest.raises(SystemExit) as stop:
        main(list(args))
    captured = capsys.readouterr()
    return stop.value.code, captured.out, captured.err


def test_marked_indices_of_the_row():
    assert api.marked_indices(ROW) == [4, 6]


def test_shared_cache_counts_equal_machinery_counts():
    for excluded in ((), (6,), (6, 4)):
        oracle = ThresholdOracle(8, 2, 3, loader="qrom", form="phase", excluded=excluded)
        bloq = GroverSearch(oracle, 2)
        assert api.cached_counts(bloq) == logical_counts(bloq)


def test_search_over_threshold_oracle_counts_equal_flattened_circuit():
    bloq, problem = api.grover_search_bloq(ROW)
    # N = 8, t = 2: theta = asin(1/2) = pi/6, r = floor(pi / (4 pi/6)) = 1, p = sin^2(pi/2) = 1
    assert problem.k == 2 and bloq.iterations == 1
    counted = logical_counts(bloq)
    flattened = circuit_counts(to_circuit(bloq))
    for key in ("qubits", "toffoli", "t", "clifford", "rotations", "measurements"):
        assert getattr(counted, key) == getattr(flattened, key), key
    # The flat circuit reuses released ancillas first-in first-out, which can only delay gates;
    # the counted depths are the as-soon-as-possible ones on fresh wires.
    assert flattened.depth >= counted.depth and flattened.t_depth >= counted.t_depth


@pytest.mark.parametrize("loader, schedule", [("qrom", "known"), ("qroam", "known"), ("qrom", "unknown")])
def test_schedule_totals_beyond_exact_exclusions(loader, schedule):
    problem = api.make_problem(n=64, k=7, d=2, loader=loader, schedule=schedule)
    plan = api.find_all_schedule(problem)
    oracle_for = api.threshold_oracle_factory(problem)
    quick = api.circuit_totals(problem, plan, oracle_for, exact_exclusions=3)  # later exclusions bounded
    exact = api.circuit_totals(problem, plan, oracle_for, exact_exclusions=None)
    for key in ("qubits", "toffoli", "t", "clifford", "rotations", "measurements"):
        assert getattr(quick.totals, key) == getattr(exact.totals, key), key
    assert quick.totals.depth >= exact.totals.depth
    assert quick.totals.t_depth >= exact.totals.t_depth
    assert quick.depth_is_bound


def test_known_k_totals_are_attempts_times_searches():
    problem = api.make_problem(n=32, k=2, d=1, loader="qrom")
    plan = api.find_all_schedule(problem)
    oracle_for = api.threshold_oracle_factory(problem)
    totals = api.circuit_totals(problem, plan, oracle_for).totals
    expected = 0.0
    for stage in plan.stages:
        counts = logical_counts(GroverSearch(oracle_for(stage.excluded), stage.iterations))
        expected += counts.toffoli / stage.success_probability
    assert totals.toffoli == pytest.approx(expected, rel=1e-12, abs=1)


def _qasm_t_count(text: str) -> int:
    return len(re.findall(r"^\s*(?:t|tdg)\s+[^;]*;", text, flags=re.MULTILINE))


@pytest.mark.parametrize("version", ["2", "3"])
def test_export_grover_t_count_equals_estimate(capsys, tmp_path, version):
    instance = tmp_path / "row.json"
    instance.write_text(json.dumps(ROW))
    output = tmp_path / f"search.qasm{version}"
    code, _, err = run(capsys, "export", "grover", "--instance", str(instance), "--qasm", version,
                       "--output", str(output))
    assert code == 0, err
    text = output.read_text()
    code, out, err = run(capsys, "estimate", "grover", "--instance", str(instance), "--model", "circuit", "--json")
    assert code == 0, err
    record = json.loads(out)
    assert _qasm_t_count(text) == record["logical"]["t"]
    assert record["iterations"] == 1 and record["success_probability"] == pytest.approx(1.0)
    # `index` (3 qubits) measured into `result` at the end
    assert len(re.findall(r"result\[[0-2]\]", text)) == 3


def test_export_refuses_too_narrow_width(capsys, tmp_path):
    instance = tmp_path / "row.json"
    instance.write_text(json.dumps({**ROW, "bits": 2}))
    code, _, err = run(capsys, "export", "grover", "--instance", str(instance), "--qasm", "3")
    assert code != 0 and len(err.strip().splitlines()) == 1 and "bits" in err


def test_grover_on_aer_with_threshold_oracle():
    result = api.validate_grover_search(ROW, shots=4000, seed=3)
    assert result["marked"] == [4, 6]
    assert result["simulated_success"] == pytest.approx(1.0, abs=1e-9)
    assert result["passed"], result
    # n = 16, d = 1, b = 2: one marked key among 16 -> r = 3, p = sin^2(7 asin(1/4)) = 0.9613
    row = {"q": [1], "K": [[0], [-1], [1], [0], [-2], [0], [0], [-1], [0], [0], [0], [0], [-2], [0], [0], [0]],
           "tau": 1, "bits": 2}
    result = api.validate_grover_search(row, shots=4000, seed=4)
    assert result["iterations"] == 3
    assert result["success_probability"] == pytest.approx(search.success_probability(1, 16, 3))
    assert result["simulated_success"] == pytest.approx(result["success_probability"], abs=1e-9)
    assert result["passed"], result


SMALL_ROW = {"q": [1], "K": [[0], [-1], [1], [0], [-2], [0], [0], [-1], [0], [0], [0], [0], [-2], [0], [1], [0]],
             "tau": 1, "bits": 2}


def test_validate_grover_cli(capsys, tmp_path):
    instance = tmp_path / "small.json"
    instance.write_text(json.dumps(SMALL_ROW))
    code, out, err = run(capsys, "validate", "grover", "--instance", str(instance), "--seed", "7", "--json")
    assert code == 0, err
    result = json.loads(out)
    assert result["passed"] and abs(result["measured_success"] - result["success_probability"]) <= 5 * result["sigma"]


def test_attention_circuit_model_record():
    problem = api.make_problem(n=16, k=2, d=2, loader="qrom")
    query, circuit = api.attention_records(problem)
    assert query.model.startswith("query") and circuit.model.startswith("circuit")
    assert query.queries == circuit.queries
    row = api.grover_records(problem, ("circuit",))[0]
    assert circuit.logical.toffoli == 16 * row.schedule["expected_totals"]["toffoli"]
    assert circuit.logical.qubits == row.schedule["expected_totals"]["qubits"]
