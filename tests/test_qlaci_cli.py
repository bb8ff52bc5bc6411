"""``qresource estimate|export|validate qlaci``: the JSON contract, the export, and one-line
refusals of bad input (run in-process through ``qresource.cli.main``)."""

from __future__ import annotations

import json

import pytest

from qresource.cli import main


def run(capsys, *args: str) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as stop:
        main(list(args))
    captured = capsys.readouterr()
    return stop.value.code, captured.out, captured.err


def test_estimate_json_contract(capsys):
    code, out, err = run(capsys, "estimate", "qlaci", "--preset", "prototype", "--json")
    assert code == 0, err
    record = json.loads(out)
    assert record["primitive"] == "qlaci"
    assert set(record["logical"]) == {"qubits", "toffoli", "t", "clifford", "rotations", "measurements", "depth", "t_depth",
                                      "lattice_surgery_depth"}
    regs = record["registers"]
    assert (regs["query"], regs["index"], regs["kv"], regs["out"]) == (4, 4, 2, 1)
    assert sum(regs.values()) == record["logical"]["qubits"]
    assert record["shots"]["per_head"]["full_circuit"]["t"] > record["shots"]["per_head"]["qram_free"]["t"]
    assert "split" in record["error_budget"]


def test_prototype_preset_is_the_papers_11_qubits_and_the_loader_is_an_option(capsys):
    code, out, err = run(capsys, "estimate", "qlaci", "--preset", "prototype", "--json")
    assert code == 0, err
    record = json.loads(out)
    assert record["logical"]["qubits"] == 11  # section 4.5: 4 query + 4 index + 3 ancilla/readout
    assert record["params"]["feature_map"] == "multiplexed"
    code, out, err = run(capsys, "estimate", "qlaci", "--preset", "prototype", "--feature-map", "loader", "--json")
    assert code == 0, err
    assert json.loads(out)["logical"]["qubits"] == 100


def test_estimate_sweep_is_a_list(capsys):
    code, out, err = run(capsys, "estimate", "qlaci", "--n", "2**4..2**6", "--dq", "2", "--kv", "1", "--out", "1",
                         "--feature-map", "multiplexed", "--json")
    assert code == 0, err
    records = json.loads(out)
    assert [r["params"]["n"] for r in records] == [16, 32, 64]
    assert all(r["registers"]["work_ancilla"] == 0 for r in records)


@pytest.mark.parametrize(
    "args, fragment",
    [
        (["--n", "1", "--dq", "2", "--kv", "1", "--out", "1"], "--n"),
        (["--n", "16", "--dq", "0", "--kv", "1", "--out", "1"], "--dq"),
        (["--n", "16", "--dq", "2", "--kv", "0", "--out", "1"], "--kv"),
        (["--n", "16", "--dq", "2", "--kv", "1", "--out", "0"], "--out"),
        (["--n", "16", "--dq", "2", "--kv", "1", "--out", "1", "--eps", "0"], "--eps"),
        (["--n", "16", "--dq", "2", "--kv", "1", "--out", "1", "--eps", "1.5"], "--eps"),
        (["--n", "16", "--dq", "2", "--kv", "1", "--out", "1", "--delta", "1"], "--delta"),
        (["--n", "16", "--dq", "2", "--kv", "1", "--out", "1", "--delta", "-0.1"], "--delta"),
        (["--n", "12", "--dq", "2", "--kv", "1", "--out", "1"], "power of two"),
        (["--n", "16", "--dq", "2"], "required"),
        (["--n", "16", "--dq", "2", "--kv", "1", "--out", "1", "--angle-bits", "3"], "--angle-bits"),
    ],
)
def test_bad_input_is_one_line(capsys, args, fragment):
    code, out, err = run(capsys, "estimate", "qlaci", *args)
    assert code != 0
    assert out == ""
    assert len(err.strip().splitlines()) == 1 and fragment in err
    assert "Traceback" not in err


def test_validate_refuses_a_statevector_too_large(capsys):
    code, _, err = run(capsys, "validate", "qlaci", "--n", "2**10", "--dq", "8", "--kv", "2", "--out", "2",
                       "--feature-map", "multiplexed", "--max-memory", "1000000")
    # 8 + 10 + 2 + 2 = 22 qubits: 16 * 2^22 bytes = 67108864 > 10^6
    assert code == 3
    assert len(err.strip().splitlines()) == 1 and "67108864 bytes" in err


def test_validate_prototype_json(capsys):
    code, out, err = run(capsys, "validate", "qlaci", "--preset", "prototype", "--feature-map", "multiplexed",
                         "--seed", "4", "--json")
    assert code == 0, err
    result = json.loads(out)
    assert result["ok"] and result["max_abs_difference"] <= 1e-9 and result["qubits"] == 11


def test_export_writes_qasm_matching_its_counts(capsys, tmp_path):
    from qresource.machinery.circuit_counts import circuit_counts

    target = tmp_path / "qlaci.qasm"
    code, out, err = run(capsys, "export", "qlaci", "--n", "4", "--dq", "1", "--kv", "1", "--out", "1",
                         "--eps", "0.2", "--feature-map", "multiplexed", "--qasm", "3", "--output", str(target))
    assert code == 0, err
    import qiskit.qasm3

    circuit = qiskit.qasm3.loads(target.read_text())
    counts = circuit_counts(circuit)
    assert out == "" and f"{counts.t:,} T" in err  # what was written is reported on stderr
    assert counts.rotations == 0 and counts.measurements == 1
    assert {reg.name for reg in circuit.qregs} >= {"query", "index", "kv", "out"}


def test_export_bad_basis_and_no_partial_file(capsys, tmp_path):
    target = tmp_path / "never.qasm"
    code, _, err = run(capsys, "export", "qlaci", "--preset", "prototype", "--basis", "Q", "--qasm", "2",
                       "--output", str(target))
    assert code != 0 and "--basis" in err and not target.exists()
