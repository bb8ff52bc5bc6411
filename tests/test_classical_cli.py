"""``qresource estimate classical`` through the real console script, in a subprocess."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from qresource.classical.costs import estimate_classical


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "qresource", *args], capture_output=True, text=True, timeout=300)


def test_json_output_is_the_api_record():
    result = run_cli("estimate", "classical", "--n", "4096", "--d", "128", "--k", "32", "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data == estimate_classical(4096, 128, 32).to_dict()
    assert data["classical"]["naive"]["mul"] == 2 * 4096 * 4096 * 128  # QK^T and AV, n^2 d each
    assert data["logical"] is None and data["physical"] is None and data["queries"] is None


def test_a_range_of_n_gives_a_json_list():
    result = run_cli("estimate", "classical", "--n", "2**10..2**12", "--d", "4", "--k", "3", "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert [r["params"]["n"] for r in data] == [1024, 2048, 4096]


def test_options_reach_the_record():
    result = run_cli("estimate", "classical", "--n", "1000", "--d", "6", "--k", "2", "--json",
                     "--hardware", "epyc-9654-2s-fp32", "--halfspace-constant", "3", "--polylog-power", "2",
                     "--utilisation", "0.25", "--exp-flops", "10")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data == estimate_classical(1000, 6, 2, hardware="epyc-9654-2s-fp32", halfspace_constant=3.0,
                                      polylog_power=2.0, utilisation=0.25, exp_flops=10).to_dict()
    # The numbers by hand (not from the function that made the record), n = 1000, d = 6:
    # QK^T and AV are n^2 d multiplications each; additions n^2 (d - 1) + n (n - 1) row sums
    # + n d (n - 1); n d divisions; n^2 exponentials at --exp-flops 10 each.
    n, d = 1000, 6
    naive = data["classical"]["naive"]
    assert naive["mul"] == 2 * n * n * d == 12_000_000
    assert naive["add"] == n * n * (d - 1) + n * (n - 1) + n * d * (n - 1) == 11_993_000
    assert (naive["div"], naive["exp"]) == (n * d, n * n)
    assert naive["flops"] == 12_000_000 + 11_993_000 + 6_000 + 10 * n * n == 33_999_000
    # two EPYC 9654: 2 sockets x 96 cores x 2.4 GHz x 32 FP32 flops per cycle, at 25 %
    assert naive["seconds"] == pytest.approx(33_999_000 / (2 * 96 * 2.4e9 * 32 * 0.25), rel=1e-12)


def test_table_output_without_json():
    result = run_cli("estimate", "classical", "--n", "64", "--d", "4", "--k", "2")
    assert result.returncode == 0, result.stderr
    assert "dense attention" in result.stdout and "flops" in result.stdout
    verbose = run_cli("estimate", "classical", "--n", "64", "--d", "4", "--k", "2", "--verbose")
    assert verbose.returncode == 0 and "classical.naive.flops" in verbose.stdout


def test_help():
    result = run_cli("estimate", "classical", "--help")
    assert result.returncode == 0 and "--halfspace-constant" in result.stdout


@pytest.mark.parametrize(
    "args",
    [
        ["--n", "1", "--d", "4", "--k", "1"],
        ["--n", "8", "--d", "4", "--k", "9"],
        ["--n", "8", "--d", "0", "--k", "1"],
        ["--n", "-5", "--d", "4", "--k", "1"],
        ["--n", "8", "--d", "-2", "--k", "1"],
        ["--n", "8", "--d", "4", "--k", "-1"],
        ["--n", "abc", "--d", "4", "--k", "1"],
        ["--n", "8", "--d", "four", "--k", "1"],
        ["--n", "8", "--d", "4", "--k", "1.5"],
        ["--n", "2**10..2**12", "--d", "4", "--k", "2000"],
        ["--n", "8", "--d", "4", "--k", "1", "--utilisation", "0"],
        ["--n", "8", "--d", "4", "--k", "1", "--polylog-power", "-1"],
        ["--n", "8", "--d", "4", "--k", "1", "--hardware", "abacus"],
        ["--n", "8", "--d", "4"],
    ],
)
def test_bad_input_is_one_stderr_line_and_nonzero(args):
    result = run_cli("estimate", "classical", *args, "--json")
    assert result.returncode != 0
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr and lines[0].startswith("qresource: error:")
