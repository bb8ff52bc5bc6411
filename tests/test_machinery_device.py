"""Export for a device and noisy validation, on real fake backends of qiskit-ibm-runtime.

Independent checks: the written OpenQASM 3 parses back with Qiskit; every two-qubit gate in it
acts on a pair the backend couples; the estimated success equals the product of (1 - error)
recomputed here from the backend's own Target; the transpiled circuit, run without noise with
the layout the file states, still loads data[address] on every shot (ideal success 1)."""

from __future__ import annotations

import json
import math
import re

import pytest
import qiskit.qasm3
from qiskit_ibm_runtime.fake_provider import FakePerth

from qresource.cli import main

SMALL_TABLE = {"data": [1, 0, 1, 1], "bits": 1}


def run(capsys, *args):
    with pytest.raises(SystemExit) as exit_info:
        main(list(args))
    out, err = capsys.readouterr()
    return exit_info.value.code, out, err


@pytest.fixture()
def table(tmp_path):
    path = tmp_path / "table.json"
    path.write_text(json.dumps(SMALL_TABLE))
    return str(path)


def _gates(circuit):
    """(name, qubit indices) of every gate, if-branch bodies included."""
    for inst in circuit.data:
        blocks = getattr(inst.operation, "blocks", ())
        if blocks:
            outer = [circuit.find_bit(q).index for q in inst.qubits]
            for block in blocks:
                if block is not None:
                    for name, qubits in _gates(block):
                        yield name, [outer[q] for q in qubits]
        else:
            yield inst.operation.name, [circuit.find_bit(q).index for q in inst.qubits]


def test_export_for_a_fake_backend_respects_its_coupling_and_costs(capsys, table, tmp_path):
    output = tmp_path / "perth.qasm"
    code, out, _ = run(capsys, "export", "qram", "--loader", "qrom", "--data", table, "--qasm", "3",
                       "--output", str(output), "--target", "fake_perth", "--json")
    assert code == 0
    info = json.loads(out)
    device = info["device"]
    backend = FakePerth()
    text = output.read_text()
    assert "// layout address[0]=$" in text and "// layout target[0]=$" in text
    circuit = qiskit.qasm3.loads(text)
    coupled = {tuple(pair) for pair in backend.coupling_map.get_edges()}
    gates = list(_gates(circuit))
    two_qubit = [(name, tuple(qubits)) for name, qubits in gates if len(qubits) == 2]
    assert two_qubit and all(pair in coupled for _, pair in two_qubit)
    assert {name for name, _ in gates} <= set(backend.operation_names)
    assert device["native_two_qubit_gates"] == len(two_qubit)
    assert device["native_two_qubit_gate"] == "cx"
    fidelity = 1.0
    for name, qubits in gates:
        if name not in ("barrier", "delay"):
            fidelity *= 1 - (backend.target[name][tuple(qubits)].error or 0.0)
    assert math.isclose(device["estimated_success_probability"], fidelity, rel_tol=1e-5)
    # the layout comment names the same physical qubits as the JSON
    for name, where in device["layout"].items():
        for k, (a, b) in enumerate(zip(where["initial"], where["final"])):
            assert f"{name}[{k}]=${a}->${b}" in text
    assert device["duration_s"] > 0 and 0 < device["estimated_success_probability"] < 1


@pytest.mark.parametrize("target, gate", [("fake_torino", "cz"), ("fake_sherbrooke", "ecr")])
def test_heron_and_eagle_use_their_native_two_qubit_gate(capsys, table, tmp_path, target, gate):
    output = tmp_path / f"{target}.qasm"
    code, out, err = run(capsys, "export", "qram", "--loader", "qrom", "--data", table, "--qasm", "3",
                         "--output", str(output), "--target", target)
    # stdout carries data only: what was written, and for which device, is told on stderr
    assert code == 0 and not out and f" {gate} " in err and "estimated success" in err
    assert re.search(rf"^\s*{gate} \$\d+, \$\d+;", output.read_text(), re.MULTILINE)


def test_all_to_all_target_needs_no_routing(capsys, table, tmp_path):
    output = tmp_path / "generic.qasm"
    code, out, err = run(capsys, "export", "qram", "--loader", "qrom", "--data", table, "--qasm", "3",
                         "--output", str(output), "--target", "all-to-all:cx,h,s,sdg,t,tdg,x", "--json")
    assert code == 0
    device = json.loads(out)["device"]
    for where in device["layout"].values():
        assert where["initial"] == where["final"]  # no SWAP moved anything
    assert device["duration_s"] is None and device["estimated_success_probability"] is None
    assert set(device["native_gates"]) <= {"cx", "h", "s", "sdg", "t", "tdg", "x", "measure"}


def test_noisy_validation_of_a_qram(capsys, table):
    code, out, _ = run(capsys, "validate", "qram", "--loader", "qrom", "--data", table, "--noise", "fake_perth",
                       "--noise-shots", "100", "--json")
    assert code == 0
    noisy = json.loads(out)["noisy"]
    assert noisy["backend"] == "fake_perth" and noisy["shots"] == 100
    assert noisy["ideal_success_probability"] == 1.0
    assert 0.0 < noisy["success_probability"] < 1.0
    assert noisy["method"] == "statevector"
    assert 0 < noisy["estimated_success_probability"] < 1


@pytest.mark.parametrize("args, message", [
    (["--target", "fake_nowhere"], "fake_torino"),
    (["--target", "fake_lima"], "no dynamic circuits"),
    (["--target", "all-to-all:cx,nosuchgate"], "nosuchgate"),
])
def test_bad_targets_are_one_line_and_write_nothing(capsys, table, tmp_path, args, message):
    output = tmp_path / "x.qasm"
    code, out, err = run(capsys, "export", "qram", "--loader", "qrom", "--data", table, "--qasm", "3",
                         "--output", str(output), *args)
    assert code != 0 and message in err and len(err.strip().splitlines()) == 1
    assert "fake_sherbrooke" in err or "nosuchgate" in err
    assert not output.exists()


def test_wider_than_the_device_gives_both_widths(capsys, tmp_path):
    path = tmp_path / "wide.json"
    path.write_text(json.dumps({"data": list(range(8)), "bits": 3}))
    output = tmp_path / "x.qasm"
    code, _, err = run(capsys, "export", "qram", "--loader", "fanout", "--data", str(path), "--qasm", "3",
                       "--output", str(output), "--target", "fake_perth")
    assert code != 0 and "30 qubits" in err and "7 qubits" in err and not output.exists()


def test_qasm2_with_a_target_is_refused(capsys, table, tmp_path):
    code, _, err = run(capsys, "export", "qram", "--loader", "qrom", "--data", table, "--qasm", "2",
                       "--output", str(tmp_path / "x.qasm"), "--target", "fake_perth")
    assert code != 0 and "--qasm 3" in err


def test_noisy_simulation_over_the_memory_limit_is_refused(capsys, table, monkeypatch):
    monkeypatch.setenv("QRESOURCE_MAX_MEMORY", "100")
    code, _, err = run(capsys, "validate", "qram", "--loader", "qrom", "--data", table, "--noise", "fake_perth",
                       "--noise-shots", "10")
    assert code == 3 and "QRESOURCE_MAX_MEMORY" in err and len(err.strip().splitlines()) == 1


def test_qlaci_noisy_validation_reports_the_method(capsys):
    code, out, _ = run(capsys, "validate", "qlaci", "--n", "2", "--dq", "1", "--kv", "1", "--out", "1",
                       "--feature-map", "multiplexed", "--noise", "fake_perth", "--noise-shots", "20", "--json")
    assert code == 0
    noisy = json.loads(out)["noisy"]
    assert noisy["method"] == "density_matrix"  # 4 qubits, every measurement at the end
    assert noisy["ideal_success_probability"] == 1.0 and "no single right output" in noisy["success"]


def test_hardware_manifest_matches_its_files():
    from qresource.circuits_gen import DEFAULT_DIR, HARDWARE_DIR

    folder = DEFAULT_DIR / HARDWARE_DIR
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["device"] == "fake_torino"
    for entry in manifest["circuits"]:
        text = (folder / entry["file"]).read_text()
        for name, where in entry["device"]["layout"].items():
            assert f"{name}[0]=${where['initial'][0]}->${where['final'][0]}" in text
        simulated = entry["simulated"]
        if simulated["success_probability"] is not None:
            # noiseless, the transpiled circuit is exactly right; noisy, between 0 and 1
            assert simulated["ideal_success_probability"] == 1.0
            assert 0 < simulated["success_probability"] < 1
        else:
            assert simulated["note"]
