"""Same inputs and seed, same bytes: every subcommand that exists, run in two fresh interpreters
with different hash seeds (so that set and dict ordering cannot leak into the output), must
print the same stdout and write the same files."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import textwrap

import pytest

QASM = 'OPENQASM 2.0;\ninclude "qelib1.inc";\nqreg q[3];\ncreg c[3];\nh q[0];\nccx q[0],q[1],q[2];\nrz(0.3) q[1];\nrx(1.1) q[2];\nmeasure q -> c;\n'
ORACLE = {"q": [1, -1], "K": [[1, 0], [0, 1], [1, 1], [-1, 1]], "tau": 1, "bits": 4}
QRAM = {"data": [3, 1, 4, 1, 5, 0, 2, 6], "bits": 3}

#: One small invocation per subcommand; ``{dir}`` is the working directory of the run, ``OUT``
#: marks an output file whose bytes are compared too.
INVOCATIONS = [
    ["count", "{dir}/c.qasm", "--json"],
    ["count", "{dir}/c.qasm", "--synthesis", "formula"],
    ["estimate", "classical", "--n", "1024,4096", "--d", "64", "--k", "8", "--json"],
    ["estimate", "qram", "--loader", "bucket-brigade", "--n", "16", "--bits", "4", "--json"],
    ["estimate", "qram", "--loader", "qroam", "--n", "2**20", "--bits", "8", "--json"],
    ["export", "qram", "--loader", "qrom", "--data", "{dir}/qram.json", "--qasm", "3", "--output", "OUT"],
    ["validate", "qram", "--loader", "bucket-brigade", "--data", "{dir}/qram.json", "--seed", "5", "--json"],
    ["estimate", "oracle", "--d", "2", "--bits", "4", "--n", "4", "--json"],
    ["export", "oracle", "--instance", "{dir}/oracle.json", "--qasm", "2", "--output", "OUT"],
    ["validate", "oracle", "--instance", "{dir}/oracle.json", "--json"],
    ["estimate", "grover", "--n", "16", "--k", "2", "--d", "2", "--json"],
    ["estimate", "attention", "--n", "16", "--k", "2", "--d", "2", "--json"],
    ["export", "grover", "--instance", "{dir}/oracle.json", "--qasm", "3", "--output", "OUT"],
    ["validate", "grover", "--instance", "{dir}/oracle.json", "--seed", "5", "--shots", "200", "--json"],
    ["estimate", "qlaci", "--preset", "prototype", "--json"],
    ["validate", "qlaci", "--preset", "prototype", "--feature-map", "multiplexed", "--seed", "5", "--shots", "100", "--json"],
    ["table", "--n", "64", "--k", "2", "--d", "4", "--format", "csv"],
]
# export qlaci is held to the same bytes by tests/test_userfacing_circuits.py, which regenerates
# the QLACI prototype's circuit and compares it with the committed file.

#: Each command of the list is small; a command that takes longer than this counts as a hang.
PER_COMMAND_SECONDS = 120

RUNNER = textwrap.dedent(
    """
    import hashlib, json, os, signal, sys, time
    from click.testing import CliRunner
    from qresource.cli import main  # registers every subcommand
    from qresource.cli.app import cli
    work, invocations = sys.argv[1], json.loads(sys.argv[2])
    results = []
    for number, argv in enumerate(invocations):
        out = os.path.join(work, f"out{number}")
        argv = [a.replace("{dir}", work).replace("OUT", out) for a in argv]
        def on_alarm(signum, frame):
            raise TimeoutError("no answer within PER_COMMAND_SECONDS s")
        signal.signal(signal.SIGALRM, on_alarm)
        signal.alarm(PER_COMMAND_SECONDS)
        start = time.perf_counter()
        result = CliRunner().invoke(cli, argv)
        signal.alarm(0)
        seconds = round(time.perf_counter() - start, 1)
        data = open(out, "rb").read() if os.path.exists(out) else b""
        results.append({
            "argv": argv, "exit": result.exit_code, "seconds": seconds,
            "stdout": result.stdout.replace(work, "{dir}"),
            "error": repr(result.exception) if result.exception and result.exit_code != 0 else None,
            "file": hashlib.sha256(data.replace(work.encode(), b"{dir}")).hexdigest() if data else None,
        })
    print(json.dumps(results))
    """
).replace("PER_COMMAND_SECONDS", str(PER_COMMAND_SECONDS))


#: Wall-clock timings that commands report beside their results ("(0.21 s)", "seconds": 0.21)
#: are the one thing allowed to differ between runs. (The memory limit that validate qram's
#: statevector block may quote is fixed for the tests by tests/conftest.py.)
TIMING = [(re.compile(r'("[a-z_]*seconds[a-z_]*": )[0-9.eE+-]+'), r"\1T"),
          (re.compile(r"[0-9.]+ s\)"), "T s)")]


def without_timings(text: str) -> str:
    for pattern, replacement in TIMING:
        text = pattern.sub(replacement, text)
    return text


def run_all(work, hash_seed: str) -> list[dict]:
    env = {**os.environ, "PYTHONHASHSEED": hash_seed, "COLUMNS": "100"}
    proc = subprocess.run([sys.executable, "-c", RUNNER, str(work), json.dumps(INVOCATIONS)],
                          capture_output=True, text=True, timeout=1200, env=env)
    assert proc.returncode == 0, proc.stderr[-2000:]
    return json.loads(proc.stdout)


@pytest.mark.slow
def test_same_inputs_and_seed_give_the_same_bytes(tmp_path):
    runs = []
    for seed in ("1", "2"):
        work = tmp_path / f"run{seed}"
        work.mkdir()
        (work / "c.qasm").write_text(QASM)
        (work / "oracle.json").write_text(json.dumps(ORACLE))
        (work / "qram.json").write_text(json.dumps(QRAM))
        runs.append(run_all(work, seed))
    first, second = runs
    assert len(first) == len(second) == len(INVOCATIONS)
    for a, b in zip(first, second):
        # Every command of the list must run: one that fails or whose options changed (a usage
        # error) is a failure here, not a skip.
        command = " ".join(a["argv"][:2])
        assert a["exit"] == 0 and b["exit"] == 0, f"{command}: exit {a['exit']}: {a['error']}"
        assert a["file"] == b["file"], f"{command}: output files differ"
        assert without_timings(a["stdout"]) == without_timings(b["stdout"]), f"{command}: stdout differs"
        assert a["stdout"].strip() or a["file"], f"{command}: printed and wrote nothing"
