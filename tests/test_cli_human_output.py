"""What a person sees: the human form of every estimate answers first and fits 80 columns, export
keeps standard output for data, and the reliability holes a new user fell into stay closed (sizes
past the exact range, a physical estimator with no answer, exit codes, a closed pipe, output that
depends on the machine)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from hang_guard import alarm
from hypothesis import given, settings
from hypothesis import strategies as st

from qresource.cli import main
from qresource.cli.output import number
from qresource.grover.problem import MAX_HEAD_DIMENSION, MAX_KEYS
from qresource.report.render import human_time
from tests.golden.cases import CASES, normalised
from tests.golden.run import EXPECTED

ROOT = Path(__file__).resolve().parents[1]
INSTANCE = str(ROOT / "circuits/instances/oracle-n4-d2.json")


def run(argv, capsys) -> tuple[int, str, str]:
    """``qresource ARGV`` in-process: exit status, stdout, stderr."""
    with alarm(120):
        try:
            main(list(argv))
            code = 0
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 0
    out, err = capsys.readouterr()
    return code, out, err


# --- the human form ---------------------------------------------------------------------------

TEXT_CASES = sorted(name for name, argv in CASES.items() if argv[0] in ("estimate", "count") and "--json" not in argv)


@pytest.mark.parametrize("name", TEXT_CASES)
def test_human_output_fits_80_columns(name):
    lines = (EXPECTED / f"{name}.txt").read_text().splitlines()
    assert [line for line in lines if len(line) > 80] == []


def test_attention_physical_answers_first_in_one_screen():
    lines = (EXPECTED / "estimate-attention-physical-text.txt").read_text().splitlines()[1:]
    assert len(lines) <= 40
    head = "\n".join(lines[:18])
    for needed in ("Grover sparse attention", "n = 1,024, k = 8, d = 16", "logical qubits", "Toffoli",
                   "physical qubits", "runtime", "Answer: quantum", "x slower"):
        assert needed in head, needed
    assert "headline: qdk.qre" in "\n".join(lines)


def test_grover_labels_one_search_and_all_k_keys():
    text = (EXPECTED / "estimate-grover-text.txt").read_text()
    whole = text.index("Find all k = 2 keys of the row")
    single = text.index("One search (the circuit `export grover` writes)")
    assert whole < single
    # the find-all Toffoli total of --json sits under the find-all label, the single search's below
    record = json.loads((EXPECTED / "estimate-grover-bb.txt").read_text().split("\n", 1)[1])
    assert record["schedule"]["expected_totals"]["toffoli"] > record["logical"]["toffoli"]
    assert re.search(r"Toffoli +11,469", text[whole:single]) and re.search(r"Toffoli +4,488", text[single:])


def test_qlaci_formula_t_is_labelled_and_documented():
    text = (EXPECTED / "estimate-qlaci-text.txt").read_text()
    assert "T (formula)" in text and "export writes" in text
    meaning = (ROOT / "docs/meaning.md").read_text()
    assert "`estimate qlaci` without `--seed`" in meaning


@pytest.mark.parametrize("value, text", [
    (818, "818"), (27_392, "27,392"), (10**6, "1.00e6"), (55_147_245_568, "5.51e10"), (0.001, "0.001"),
    (16.635532, "16.64"), (131_273.25, "131,273"), (8.698916e-06, "8.70e-6"), (2_864_545.7, "2.86e6"), (0, "0"),
    (None, "not computed"),
])
def test_number_rule(value, text):
    assert number(value) == text


@pytest.mark.parametrize("seconds, text", [
    (2_864_545.7, "33 days"), (8.7e-6, "8.7 µs"), (14_009.0, "3.9 h"), (1.1e17, "3.49e9 years"), (0.129, "129 ms"),
])
def test_human_time(seconds, text):
    assert human_time(seconds) == text


def test_verbose_adds_every_field(capsys):
    code, out, _ = run(["estimate", "qram", "--loader", "qrom", "--n", "64", "--bits", "4", "--verbose"], capsys)
    assert code == 0 and "All fields (the keys of --json)" in out and "logical.clifford" in out
    code, short, _ = run(["estimate", "qram", "--loader", "qrom", "--n", "64", "--bits", "4"], capsys)
    assert code == 0 and "logical.clifford" not in short and short in out


# --- export -----------------------------------------------------------------------------------


def test_export_keeps_stdout_for_data(tmp_path, capsys):
    target = tmp_path / "search.qasm"
    code, out, err = run(["export", "grover", "--instance", INSTANCE, "--qasm", "2", "--output", str(target)], capsys)
    assert code == 0 and out == ""
    assert re.fullmatch(rf"qresource: wrote {re.escape(str(target))}: Grover search, n = 4, 1 iteration, "
                        r"22 qubits, 56 T in [0-9.]+ s\n", err.splitlines(keepends=True)[-1])
    assert target.read_text().count("\nt ") + target.read_text().count("\ntdg ") == 56


# --- reliability ------------------------------------------------------------------------------


@settings(max_examples=12, deadline=None)
@given(exponent=st.integers(min_value=MAX_KEYS.bit_length(), max_value=256), primitive=st.sampled_from(["grover", "attention"]))
def test_every_n_past_the_largest_is_refused_in_one_line(exponent, primitive):
    """Past 2**256 the option parser itself refuses the number (one line, exit 2)."""
    import contextlib
    import io

    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()), alarm(60):
        with pytest.raises(SystemExit) as exit_info:
            main(["estimate", primitive, "--n", f"2**{exponent}", "--k", "8", "--d", "64"])
    assert exit_info.value.code == 1
    lines = err.getvalue().splitlines()
    assert len(lines) == 1 and f"largest n allowed is 2**{MAX_KEYS.bit_length() - 1}" in lines[0]


@pytest.mark.parametrize("n", ["2**62", "2**63", "2**33"])
def test_reported_sizes_are_refused(n, capsys):
    code, out, err = run(["estimate", "grover", "--n", n, "--k", "8", "--d", "64"], capsys)
    assert code == 1 and out == "" and "largest n allowed is 2**32" in err and "internal error" not in err


def test_head_dimension_out_of_reach_is_refused_up_front(capsys):
    code, _, err = run(["estimate", "attention", "--n", "64", "--k", "2", "--d", "2**20"], capsys)
    assert code == 1 and f"largest d allowed is {MAX_HEAD_DIMENSION}" in err


def test_wrapped_depth_is_refused_not_printed():
    """2**40 keys: one search's depth (about 1.7e20 layers) is past int64; it used to print wrapped."""
    import numpy as np

    from qresource.core.errors import ResourceLimitError
    from qresource.machinery.depth import DEPTH_LIMIT, check_depth_range

    check_depth_range(np.array([DEPTH_LIMIT], dtype=np.int64))
    with pytest.raises(ResourceLimitError, match="2\\^62"):
        check_depth_range(np.array([DEPTH_LIMIT + 1], dtype=np.int64))


def test_physical_without_an_answer_keeps_the_logical_counts(capsys):
    code, out, _ = run(["estimate", "grover", "--n", "4096", "--k", "1", "--d", "4", "--physical",
                        "--error-budget", "1e-20"], capsys)
    assert code == 0 and "logical qubits" in out and "Toffoli" in out
    assert "no physical estimate meets the error budget" in out
    assert re.search(r"answers up to n = 2\*\*\d+", out)


def test_usage_error_exits_2(capsys):
    code, _, err = run(["estimate", "grover", "--n", "256", "--k", "2", "--d", "4", "--qubit-model",
                        "qubit_gate_ns_e3"], capsys)
    assert code == 2 and err.count("\n") == 1 and "need --physical" in err


def test_closed_pipe_is_not_an_error():
    script = (f"{sys.executable} -m qresource estimate qram --loader qrom --n 1024 --bits 8 | true; "
              "exit ${PIPESTATUS[0]}")
    result = subprocess.run(["bash", "-c", script], capture_output=True, text=True, timeout=180,
                            env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert result.returncode == 0 and result.stderr == ""


def test_validate_qram_output_depends_on_the_inputs_only(capsys, monkeypatch):
    outputs = []
    for memory in ("64MiB", "64GiB"):
        monkeypatch.setenv("QRESOURCE_MAX_MEMORY", memory)
        code, out, _ = run(["validate", "qram", "--loader", "fanout", "--n", "8", "--bits", "8", "--json"],
                           capsys)
        assert code == 0
        outputs.append(normalised(out))
    assert outputs[0] == outputs[1] and "skipped" in outputs[0] and "iB" not in outputs[0]


def test_table_on_a_terminal_fits_its_width():
    import pandas as pd

    from qresource.report.render import terminal_table

    frame = pd.DataFrame([{
        "primitive": "attention", "model": "circuit", "n": 4096, "k": 32, "d": 128, "bits": 6, "loader": "qrom",
        "hardware": None, "queries": 1980606, "qubits": 818, "toffoli": 55147245568, "t": 220588982272,
        "clifford": 1, "depth": 13230127611904, "t_depth": 55073951744, "naive_s": 8.698916e-06,
        "sparse_inference_s": 3.5e-8,
    }])
    for width in (60, 80, 120):
        lines = terminal_table(frame, width)
        assert all(len(line) <= width for line in lines)
        assert "5.51e10" in lines[1] and "clifford" not in lines[0]
    assert "left out for width" in "\n".join(terminal_table(frame, 60))


@pytest.mark.parametrize("primitive", ["attention", "grover"])
def test_query_model_answer_gives_each_accounting_line(primitive, capsys):
    """The human answer shows every line of the JSON's accounting in its unit, the paper's charge
    equal to the sum of the lines the paper charges, and every line equal to the sum of all four."""
    argv = ["estimate", primitive, "--n", "4096", "--k", "32", "--d", "128", "--model", "query"]
    code, out, _ = run([*argv, "--json"], capsys)
    lines = json.loads(out)["classical"]["accounting_lines"]
    code_text, text, _ = run(argv, capsys)
    assert code == code_text == 0
    keys = ("oracle_calls", "b_ij_step", "exclusion_comparisons", "classical_checks")
    charged = sum(lines[key]["time_units"] for key in keys if lines[key]["charged_by_paper"])
    assert charged == lines["paper_time_units"]
    assert sum(lines[key]["time_units"] for key in keys) == lines["all_lines_time_units"]
    assert lines["unit"].startswith("time units: d per inner product") and "in time units: d per" in text
    for label, value in (("oracle calls", lines["oracle_calls"]["time_units"]),
                         ("B_ij entries", lines["b_ij_step"]["time_units"]),
                         ("exclusion tests", lines["exclusion_comparisons"]["time_units"]),
                         ("checks", lines["classical_checks"]["time_units"]),
                         ("paper's charge", charged), ("every line", lines["all_lines_time_units"])):
        assert re.search(rf"^  {re.escape(label)} +{re.escape(number(value))}  ", text, re.M), label
