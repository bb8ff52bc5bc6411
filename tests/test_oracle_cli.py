"""``qresource estimate|export|validate oracle``: JSON contract, bad input as one line, export."""

from __future__ import annotations

import json
import re

import pytest

from qresource.cli import main


def run(capsys, *args):
    with pytest.raises(SystemExit) as exit_info:
        main(list(args))
    captured = capsys.readouterr()
    return exit_info.value.code, captured.out, captured.err


def _instance(tmp_path, **overrides):
    # Integer instance, d = 2, b = 3: scores q . K_j = 2 K_j0 - K_j1 over 8 keys.
    data = {"q": [2, -1], "K": [[3, 1], [1, 2], [-2, 3], [3, -4], [0, 0], [2, 2], [-1, -1], [1, -3]],
            "tau": 5, "bits": 4}
    data.update(overrides)
    path = tmp_path / "instance.json"
    path.write_text(json.dumps(data))
    return path


def test_estimate_shape_json_contract(capsys):
    code, out, err = run(capsys, "estimate", "oracle", "--n", "2**30", "--d", "16", "--bits", "8",
                         "--tau", "42", "--form", "phase", "--json")
    assert code == 0, err
    record = json.loads(out)
    assert record["primitive"] == "oracle"
    assert set(record["logical"]) == {"qubits", "toffoli", "t", "clifford", "rotations",
                                      "measurements", "depth", "t_depth", "lattice_surgery_depth"}
    split = record["oracle"]["toffoli_per_call"]
    assert split["total"] == record["logical"]["toffoli"]
    assert split["loading"] == 2**30 - 2  # QROM, N - 2 ANDs
    assert record["registers"] == {"index": 30}
    assert record["logical"]["t"] == 4 * record["logical"]["toffoli"]  # ANDs only: 4 T each


def test_estimate_instance_and_precondition_warning(capsys, tmp_path):
    code, out, err = run(capsys, "estimate", "oracle", "--instance", str(_instance(tmp_path)), "--json")
    assert code == 0, err
    record = json.loads(out)
    assert record["params"]["bits"] == 4 and record["registers"] == {"index": 3, "flag": 1}
    assert not any("2 ln n" in note for note in record["notes"])  # tau = 5 >= 2 ln 8 = 4.16
    code, out, err = run(capsys, "estimate", "oracle", "--n", "1024", "--d", "4", "--bits", "4", "--tau", "3")
    assert code == 0
    assert "warning" in err and "Theorem 1.3" in err  # 3 < 2 ln 1024 = 13.9


def test_precondition_note_only_when_it_fails(capsys, tmp_path):
    code, out, _ = run(capsys, "estimate", "oracle", "--instance", str(_instance(tmp_path, tau=3)), "--json")
    assert code == 0
    assert any("Theorem 1.3's precondition" in note for note in json.loads(out)["notes"])


def test_log_base_2_warns_between_2_ln_n_and_2_log2_n(capsys):
    # n = 1024: 2 ln n = 13.86 < tau = 16 < 2 log2 n = 20
    args = ("estimate", "oracle", "--n", "1024", "--d", "4", "--bits", "4", "--tau", "16")
    code, _, err = run(capsys, *args)
    assert code == 0 and "warning" not in err
    code, _, err = run(capsys, *args, "--log-base", "2")
    assert code == 0 and "warning" in err and "2 log2 n = 20" in err and "base 2" in err
    code, _, err = run(capsys, *args, "--log-base", "10")
    assert code != 0 and len(err.strip().splitlines()) == 1 and "--log-base" in err


@pytest.mark.parametrize(
    "args,pattern",
    [
        (["--n", "8", "--d", "2", "--bits", "3", "--k", "9"], r"k = 9 must lie in \[1, n = 8\]"),
        (["--n", "8", "--d", "2"], r"--bits are required"),
        (["--n", "1", "--d", "2", "--bits", "3"], r"at least 2"),
    ],
)
def test_bad_parameters_are_one_line(capsys, args, pattern):
    code, out, err = run(capsys, "estimate", "oracle", *args)
    assert code != 0
    assert len(err.strip().splitlines()) == 1 and re.search(pattern, err), err


@pytest.mark.parametrize(
    "content,pattern",
    [
        ("{not json", r"malformed JSON"),
        ('{"q": [1], "K": [[1], [2]]}', r"missing key\(s\) tau"),
        ('{"q": [1, 2], "K": [[1], [2]], "tau": 1}', r"K row 0 has 1 numbers, q has 2"),
        ('{"q": [1], "K": [[1], ["x"]], "tau": 1}', r"not a number"),
        ('{"q": [1], "K": [[1], [2]], "tau": 1, "bits": 0}', r"bits must be an integer"),
    ],
)
def test_malformed_instance_files_are_one_line(capsys, tmp_path, content, pattern):
    path = tmp_path / "bad.json"
    path.write_text(content)
    code, out, err = run(capsys, "estimate", "oracle", "--instance", str(path))
    assert code != 0 and len(err.strip().splitlines()) == 1 and re.search(pattern, err), err


def test_width_too_small_names_the_planners_width(capsys, tmp_path):
    # K entries reach 3 and -4: 3 bits hold them, 2 bits cannot mark exactly the scores >= 5.
    code, out, err = run(capsys, "estimate", "oracle", "--instance", str(_instance(tmp_path, bits=2)))
    assert code != 0
    assert re.search(r"bits=2 is too small .* needs bits >= \d+", err), err


def test_export_qasm_t_count_equals_estimate(capsys, tmp_path):
    path = _instance(tmp_path)
    code, out, err = run(capsys, "estimate", "oracle", "--instance", str(path), "--json")
    estimate_t = json.loads(out)["logical"]["t"]
    for version in ("2", "3"):
        target = tmp_path / f"oracle{version}.qasm"
        code, out, err = run(capsys, "export", "oracle", "--instance", str(path), "--qasm", version,
                             "--output", str(target))
        assert code == 0, err
        text = target.read_text()
        assert len(re.findall(r"^\s*(?:t|tdg)\s", text, flags=re.MULTILINE)) == estimate_t
        assert re.search(r"qreg index\[3\]|qubit\[3\] index", text)


def test_validate_seed_and_instance(capsys, tmp_path):
    code, out, err = run(capsys, "validate", "oracle", "--seed", "3", "--json")
    assert code == 0, err
    result = json.loads(out)
    assert result["passed"] and result["mismatches"] == [] and result["indices_simulated"] == 64
    assert result["counts"]["bloq"] == result["counts"]["flattened"]
    code, out, err = run(capsys, "validate", "oracle", "--instance", str(_instance(tmp_path)))
    assert code == 0 and out.startswith("PASS"), err


def test_validate_on_workers_and_unreachable_scheduler(capsys, tmp_path):
    import socket
    import time

    code, out, err = run(capsys, "validate", "oracle", "--seed", "4", "--n", "600", "--d", "4",
                         "--workers", "2", "--json")
    assert code == 0, err
    result = json.loads(out)
    assert result["passed"] and result["n"] == 600 and result["indices_simulated"] == 1024
    assert result["simulator"]["execution"] == "2 local worker processes"
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    start = time.monotonic()
    code, out, err = run(capsys, "validate", "oracle", "--seed", "4", "--scheduler", f"tcp://127.0.0.1:{port}")
    assert code != 0 and out == "" and time.monotonic() - start < 60
    assert err.count("\n") == 1 and f"cannot reach the Dask scheduler at tcp://127.0.0.1:{port}" in err
    code, out, err = run(capsys, "validate", "oracle", "--seed", "4", "--workers", "2", "--scheduler", "tcp://127.0.0.1:1")
    assert code != 0 and "not both" in err and err.count("\n") == 1
    code, out, err = run(capsys, "validate", "oracle", "--instance", str(_instance(tmp_path)), "--n", "99")
    assert code != 0 and err.count("\n") == 1


def test_validate_memory_guard_names_the_need(capsys):
    code, out, err = run(capsys, "validate", "oracle", "--seed", "1", "--max-memory", "100K")
    assert code == 3 and out == ""
    assert re.search(r"validate oracle n = 64 \([\d,]+ gates, 64 indices\) needs about .* over the limit of 100 KiB", err)
