"""Every ``validate`` command shown to FAIL: the same invocation that passes on the real
circuit must fail, with its exit status and one line, when one gate of the flattened circuit is
flipped (the control and target of one CNOT exchanged). Both simulators the commands use, the
bit-sliced one and Aer's statevector through ``to_circuit``, read the flattened leaf program, so
the broken gate reaches whichever the command runs."""

from __future__ import annotations

import contextlib
import io
import json
import re
import sys

import pytest

from qresource.cli import main
from qresource.machinery import flatten

ORACLE = {"q": [1, -1], "K": [[1, 0], [0, 1], [1, 1], [-1, 1]], "tau": 1, "bits": 4}
QRAM = {"data": [3, 1, 4, 1, 5, 0, 2, 6], "bits": 3}

CASES = {
    "qram": (["validate", "qram", "--loader", "qrom", "--data", "{dir}/qram.json"], r"qrom: address \d+ loaded|uncomputation finds a target that is not the AND"),
    "oracle": (["validate", "oracle", "--instance", "{dir}/oracle.json"], "oracle validation failed"),
    "grover": (["validate", "grover", "--instance", "{dir}/oracle.json", "--shots", "400", "--seed", "5"],
               "validation failed"),
    "qlaci": (["validate", "qlaci", "--preset", "prototype", "--feature-map", "multiplexed", "--seed", "5"],
              "does not match the classical formula"),
}


def run(argv: list[str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = 0
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            main(argv)
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    return code, out.getvalue(), err.getvalue()


def flip_one_cnot(original):
    """``leaf_program`` with the control and target of its middle CNOT exchanged."""

    def broken(bloq, *args, **kwargs):
        program = original(bloq, *args, **kwargs)
        cnots = [i for i, op in enumerate(program.ops)
                 if isinstance(op[0], flatten.LeafRule) and op[0].name == "cx"]
        if cnots:
            i = cnots[len(cnots) // 2]
            rule, wires = program.ops[i]
            program.ops[i] = (rule, list(reversed(wires)))
        return program

    return broken


@pytest.fixture
def files(tmp_path):
    (tmp_path / "oracle.json").write_text(json.dumps(ORACLE))
    (tmp_path / "qram.json").write_text(json.dumps(QRAM))
    return tmp_path


@pytest.mark.parametrize("name", sorted(CASES))
def test_validate_passes_on_the_real_circuit_and_fails_on_a_flipped_gate(name, files, monkeypatch):
    argv, failure = CASES[name]
    argv = [a.replace("{dir}", str(files)) for a in argv]
    code, stdout, stderr = run(argv)
    assert code == 0 and not stderr, (code, stderr)

    original = flatten.leaf_program
    broken = flip_one_cnot(original)
    # every module that imported the flattener by name gets the broken one
    for module in list(sys.modules.values()):
        if getattr(module, "__name__", "").startswith("qresource") and getattr(module, "leaf_program", None) is original:
            monkeypatch.setattr(module, "leaf_program", broken)
    code, stdout, stderr = run(argv)
    assert code == 1, (code, stdout, stderr)
    lines = stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("qresource: error:") and re.search(failure, lines[0]), stderr
    if name in ("oracle", "grover"):
        assert stdout.startswith("FAIL"), stdout
    if name == "qlaci":
        assert "MISMATCH" in stdout, stdout
