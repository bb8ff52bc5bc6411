"""``qresource estimate|export|validate qram``: JSON contract, QASM T count, bad input."""

import json
import re

import pytest

from qresource.cli import main
from qresource.core.record import LOGICAL_KEYS


def run(capsys, *args):
    with pytest.raises(SystemExit) as exit_info:
        main(list(args))
    out, err = capsys.readouterr()
    return exit_info.value.code, out, err


def write_table(path, data, bits):
    path.write_text(json.dumps({"data": data, "bits": bits}))
    return str(path)


def test_estimate_json_contract(capsys):
    code, out, _ = run(capsys, "estimate", "qram", "--loader", "fanout", "--n", "4096",
                       "--bits", "8", "--json")
    assert code == 0
    record = json.loads(out)
    assert record["primitive"] == "qram"
    assert set(record["logical"]) == set(LOGICAL_KEYS)
    assert record["registers"] == {"address": 12, "target": 8}
    # N - 2 = 4094 ANDs for a padded tree of 4096 leaves (docs/loaders.md)
    assert record["logical"]["toffoli"] == 4094 and record["logical"]["t"] == 4 * 4094
    code, out, _ = run(capsys, "estimate", "qram", "--loader", "bucket-brigade", "--n", "4096",
                       "--bits", "8", "--json")
    # routing: (N - n - 1) + b (N/2 - 1) = 4083 + 8 * 2047 ANDs
    assert code == 0 and json.loads(out)["logical"]["toffoli"] == 4083 + 8 * 2047


def test_estimate_sweep_and_huge_n(capsys):
    code, out, _ = run(capsys, "estimate", "qram", "--loader", "qrom", "--n", "2**10..2**12",
                       "--bits", "4", "--json")
    assert code == 0
    records = json.loads(out)
    assert [r["params"]["n"] for r in records] == [1024, 2048, 4096]
    assert [r["logical"]["toffoli"] for r in records] == [1022, 2046, 4094]
    code, out, _ = run(capsys, "estimate", "qram", "--loader", "qroam", "--n", "2**30", "--bits",
                       "32", "--json")
    assert code == 0 and json.loads(out)["params"]["block_size"] == 2**12


@pytest.mark.parametrize("loader", ["bucket-brigade", "qrom", "qroam"])
@pytest.mark.parametrize("version", ["2", "3"])
def test_exported_t_count_equals_the_estimate(capsys, tmp_path, loader, version):
    table = write_table(tmp_path / "t.json", [5, 0, 7, 2, 3, 6], 3)
    output = tmp_path / "out.qasm"
    code, _, err = run(capsys, "export", "qram", "--loader", loader, "--data", table, "--qasm",
                       version, "--output", str(output))
    assert code == 0, err
    text = output.read_text()
    t_in_file = len(re.findall(r"^\s*(?:t|tdg)\s", text, flags=re.MULTILINE))
    code, out, _ = run(capsys, "estimate", "qram", "--loader", loader, "--data", table, "--json")
    assert t_in_file == json.loads(out)["logical"]["t"] > 0
    assert re.search(r"qubit\[3\] address|qreg address\[3\]", text)


def test_validate(capsys, tmp_path):
    code, out, _ = run(capsys, "validate", "qram", "--loader", "qroam", "--n", "8", "--bits", "2",
                       "--seed", "3", "--json")
    assert code == 0
    result = json.loads(out)
    assert result["ok"] and result["bitsliced"]["addresses"] == 8 and result["statevector"]["ok"]
    table = write_table(tmp_path / "t.json", [1, 2, 3], 2)
    code, out, _ = run(capsys, "validate", "qram", "--loader", "bucket-brigade", "--data", table)
    assert code == 0 and "all 3 addresses ok" in out


@pytest.mark.parametrize(
    "content",
    [
        {"data": [1, 2, 9], "bits": 3},  # word wider than b
        {"data": [1], "bits": 3},  # fewer than 2 words
        {"data": [1, 2.5], "bits": 3},  # not an integer
        {"data": [1, True], "bits": 3},
        {"data": [1, 2], "bits": 0},  # b < 1
        {"data": [1, -2], "bits": 3},
        {"data": "12", "bits": 3},
        {"bits": 3},
        [1, 2],
    ],
)
def test_bad_tables_fail_in_one_line_without_output(capsys, tmp_path, content):
    table = tmp_path / "bad.json"
    table.write_text(json.dumps(content))
    output = tmp_path / "out.qasm"
    code, out, err = run(capsys, "export", "qram", "--loader", "qrom", "--data", str(table),
                         "--qasm", "3", "--output", str(output))
    assert code != 0 and err.count("\n") == 1 and err.startswith("qresource: error:")
    assert not output.exists() and list(tmp_path.iterdir()) == [table]


@pytest.mark.parametrize(
    "args",
    [
        ("estimate", "qram", "--loader", "qrom", "--n", "1", "--bits", "2"),
        ("estimate", "qram", "--loader", "qrom", "--n", "4", "--bits", "0"),
        ("estimate", "qram", "--loader", "qrom", "--n", "four", "--bits", "2"),
        ("estimate", "qram", "--loader", "sram", "--n", "4", "--bits", "2"),
        ("estimate", "qram", "--loader", "qrom", "--n", "4"),
        ("estimate", "qram", "--loader", "qrom", "--n", "4", "--bits", "2", "--block-size", "1"),
        ("validate", "qram", "--loader", "qrom", "--data", "/nonexistent/table.json"),
    ],
)
def test_bad_arguments_fail_in_one_line(capsys, args):
    code, _, err = run(capsys, *args)
    assert code != 0 and err.count("\n") == 1


def test_data_longer_than_n(capsys, tmp_path):
    table = write_table(tmp_path / "t.json", [1, 2, 3, 4, 5], 3)
    code, _, err = run(capsys, "estimate", "qram", "--loader", "qrom", "--data", table, "--n", "4")
    assert code != 0 and "do not fit" in err
    code, out, _ = run(capsys, "estimate", "qram", "--loader", "qrom", "--data", table, "--n", "8", "--json")
    assert code == 0 and json.loads(out)["params"]["n"] == 8


def test_validate_qram_limit_is_memory_not_a_constant(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["validate", "qram", "--loader", "qrom", "--n", "2**40", "--bits", "8"])
    err = capsys.readouterr().err
    assert exit_info.value.code == 3 and err.count("\n") == 1
    assert "validating 1099511627776 words" in err and "over the limit" in err
