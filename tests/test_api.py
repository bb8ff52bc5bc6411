"""The public Python API: every name resolves to the object the command line uses, records
render and flatten, the reference in docs/ is current, and the threshold oracle composes into
a user's own Qualtran circuit."""

from __future__ import annotations

import ast
import html
import importlib
import importlib.util
import json
import pathlib
import re
import subprocess
import sys

import numpy as np
import pytest
from qualtran import BloqBuilder
from qualtran.bloqs.basic_gates import XGate

import qresource
from qresource.api_reference import DEFAULT_PATH, render
from qresource.cli import main

ROOT = pathlib.Path(__file__).resolve().parents[1]

#: Public function -> the command module that calls it (the command line goes through the API).
CALLED_BY_CLI = {
    "estimate_qram": "qram", "export_qram": "qram", "validate_qram": "qram", "read_table": "qram",
    "estimate_oracle": "oracle", "estimate_oracle_instance": "oracle", "export_oracle": "oracle",
    "validate_oracle": "oracle", "read_instance": "oracle", "random_instance": "oracle",
    "grover_records": "grover", "attention_records": "grover", "make_problem": "grover",
    "grover_search_bloq": "grover", "validate_grover_search": "grover",
    "estimate_qlaci": "qlaci", "estimate_classical": "classical", "count": "count",
    "table": "table", "readable": "table", "profile_text": "profile", "profile_qk": "profile",
    "choose_k": "k_from", "attach_physical": "qram", "attach_grover_physical": "grover",
    "attach_qlaci_physical": "qlaci", "breakeven": "breakeven",
}


def test_every_public_name_is_its_domain_object():
    assert qresource.__all__ == sorted(qresource.PUBLIC)
    for name, target in qresource.PUBLIC.items():
        module, attribute = target.split(":")
        assert getattr(qresource, name) is getattr(importlib.import_module(module), attribute), name
        assert name in dir(qresource)
    with pytest.raises(AttributeError):
        qresource.no_such_name  # noqa: B018


def test_every_public_name_has_its_own_docstring():
    import inspect

    generic = {inspect.getdoc(object), inspect.getdoc(list)}
    bare = [name for name in qresource.__all__
            if (inspect.getdoc(getattr(qresource, name)) or "") in generic | {""}]
    assert not bare, f"public names without a docstring: {bare}"


def test_import_is_light_until_a_name_is_used():
    probe = ("import sys, qresource; dir(qresource); heavy = ('qualtran', 'qiskit', 'sympy', 'numpy', 'pandas')\n"
             "print(sorted(m for m in heavy if m in sys.modules))\n"
             "qresource.estimate_qram; print('qualtran' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["[]", "True"]


def test_the_command_line_calls_the_public_functions():
    for name, module in CALLED_BY_CLI.items():
        function = getattr(qresource, name).__name__
        tree = ast.parse((ROOT / "qresource" / "cli" / f"{module}.py").read_text(encoding="utf-8"))
        called = {node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", None)
                  for node in ast.walk(tree) if isinstance(node, ast.Call)}
        assert function in called, f"qresource {module} does not call {name}"


def _run(capsys, *args: str) -> str:
    with pytest.raises(SystemExit) as exit_:
        main(list(args))
    assert exit_.value.code == 0
    return capsys.readouterr().out


def test_record_forms_match_the_command_line(capsys):
    record = qresource.estimate_qram("bucket-brigade", 64, 4)
    printed = _run(capsys, "estimate", "qram", "--loader", "bucket-brigade", "--n", "64", "--bits", "4")
    assert record.answer() + "\n" == printed
    shown = re.fullmatch(r"<pre[^>]*>(.*)</pre>", record._repr_html_(), re.DOTALL).group(1)
    assert html.unescape(shown) + "\n" == printed and "target ^= data" in printed
    as_json = _run(capsys, "estimate", "qram", "--loader", "bucket-brigade", "--n", "64", "--bits", "4", "--json")
    assert json.loads(as_json) == record.to_dict()
    row = record.to_frame().iloc[0]
    assert (row["primitive"], row["loader"], row["n"], row["bits"]) == ("qram", "bucket-brigade", 64, 4)
    assert row["toffoli"] == record.logical.toffoli and row["t_depth"] == record.logical.t_depth


def test_records_frame_keeps_one_row_per_record():
    records = qresource.estimate_grover(256, 4, 2)
    frame = qresource.records_frame(records)
    assert len(frame) == 2 and list(frame["queries"]) == [r.queries for r in records]
    assert frame["toffoli"].iloc[1] == records[1].logical.toffoli


def _user_circuit():
    q, keys, tau = (1, 2), ((1, 1), (2, -1), (3, 2), (-1, -2)), 3
    oracle = qresource.ThresholdOracle(n=4, d=2, bits=3, q=q, keys=keys, tau=tau)
    bb = BloqBuilder()
    index, flag = bb.add_register("index", 2), bb.add_register("flag", 1)
    index, flag = bb.add(oracle, index=index, flag=flag)
    flag = bb.add(XGate(), q=flag)
    return oracle, bb.finalize(index=index, flag=flag), np.array(keys) @ np.array(q) >= tau


def test_threshold_oracle_in_a_users_circuit(tmp_path):
    oracle, circuit, marked = _user_circuit()
    for j in range(4):  # the oracle then X: flag = NOT [q . K_j >= tau], against numpy
        assert circuit.call_classically(index=j, flag=0) == (j, int(not marked[j]))
    counts, alone = qresource.logical_counts(circuit), qresource.logical_counts(oracle)
    assert (counts.toffoli, counts.t, counts.qubits) == (alone.toffoli, alone.t, alone.qubits)
    result = qresource.validate(circuit)
    assert result["passed"] and result["inputs"] == 8 and not result["mismatches"]
    written = qresource.export(circuit, tmp_path / "mine.qasm", qasm=2)
    text = (tmp_path / "mine.qasm").read_text()
    assert "qreg index[2];" in text and "qreg flag[1];" in text
    assert written["counts"]["t"] == text.count("\nt ") + text.count("\ntdg ") == alone.t


def test_validate_catches_a_wrong_classical_action(monkeypatch):
    oracle, circuit, _ = _user_circuit()
    monkeypatch.setattr(type(circuit), "call_classically", lambda self, **regs: (regs["index"], 0))
    assert not qresource.validate(circuit)["passed"]


def test_api_reference_is_current():
    assert DEFAULT_PATH.read_text(encoding="utf-8") == render(), (
        "docs/api.md is out of date; run: python3 -m qresource.api_reference")


def test_docs_show_no_import_path_that_is_gone():
    for path in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]:
        text = path.read_text(encoding="utf-8")
        for line in text.splitlines():
            for module in re.findall(r"(?:from|import) (qresource(?:\.\w+)+)", line):
                assert importlib.util.find_spec(module) is not None, f"{path.name}: {line.strip()}"


def test_several_records_show_as_the_command_line_prints_them(capsys):
    records = qresource.estimate_grover(256, 4, 2)
    printed = _run(capsys, "estimate", "grover", "--n", "256", "--k", "4", "--d", "2", "--model", "both")
    assert records.answer() + "\n" == printed and "inner product" in printed
    assert html.unescape(records._repr_html_()).endswith(printed.rstrip("\n") + "</pre>")
    as_json = _run(capsys, "estimate", "grover", "--n", "256", "--k", "4", "--d", "2", "--model", "both", "--json")
    assert json.loads(as_json) == records.to_dict()


def test_the_reference_example_runs(tmp_path, monkeypatch):
    text = DEFAULT_PATH.read_text(encoding="utf-8")
    section = text[text.index("## A threshold oracle inside your own circuit"):]
    code = re.search(r"```python\n(.*?)```", section, re.DOTALL).group(1)
    monkeypatch.chdir(tmp_path)
    exec(compile(code, "docs/api.md", "exec"), {})  # noqa: S102 - the documented example itself
    written = (tmp_path / "mine.qasm").read_text()
    assert written.startswith("OPENQASM 3") and "index" in written and "flag" in written


def test_the_moved_paths_the_reference_lists_are_gone():
    text = DEFAULT_PATH.read_text(encoding="utf-8")
    table = text[text.index("## Changes of import path"):text.index("## A threshold oracle")]
    rows = [line for line in table.splitlines() if line.startswith("| `")]
    assert len(rows) >= 8
    for row in rows:
        earlier = row.split("|")[1]
        for module in re.findall(r"`(qresource(?:\.\w+)+)", earlier):
            if "still there" not in earlier:
                with pytest.raises(ModuleNotFoundError):
                    importlib.import_module(module)


@pytest.mark.slow
def test_qlaci_physical_is_the_commands(capsys):
    params = qresource.QlaciParams(n=16, dq=4, kv=2, out=1, layers=1, feature_map="multiplexed")
    record = qresource.attach_qlaci_physical(qresource.estimate_qlaci(params), params)
    as_json = _run(capsys, "estimate", "qlaci", "--preset", "prototype", "--physical", "--json")
    assert json.loads(as_json) == record.to_dict()
    assert record.physical["physical_qubits"] > 0 and record.notes[-1].startswith("physical: one shot repeated")
