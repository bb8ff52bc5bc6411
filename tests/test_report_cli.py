"""``qresource table`` and the shared physical options, through the real command line."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys

import click
import pytest
from cli_run import run
from click.testing import CliRunner

from qresource.core.record import EstimateRecord, LogicalCounts
from qresource.loaders.kinds import LOADER_KINDS
from qresource.machinery.physical import estimator_input, physical_estimate
from qresource.report.physical_options import attach_physical, physical_options


def test_the_console_script_runs_a_table():
    result = subprocess.run([sys.executable, "-m", "qresource", "table", "--n", "64", "--k", "2", "--d", "4",
                             "--primitive", "classical", "--format", "csv"], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[0].startswith("primitive,model,n,k,d")


def test_table_csv_rows_match_the_closed_forms_and_the_classical_model(tmp_path):
    out = tmp_path / "t.csv"
    result = run("table", "--n", "1024,2**40", "--k", "8", "--d", "64", "--primitive", "qram,classical",
                 "--format", "csv", "--output", str(out))
    assert result.returncode == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(out.read_text())))
    from qresource.classical.costs import classical_costs
    from qresource.loaders.closed_forms import loader_counts

    qram = [r for r in rows if r["primitive"] == "qram"]
    assert {(r["loader"], int(r["n"])) for r in qram} == {
        (kind, n) for kind in LOADER_KINDS for n in (1024, 2**40)
    }
    for r in qram:  # exact integers beyond 2^63, not floats
        expected = loader_counts(r["loader"], int(r["n"]), 8)
        assert int(r["toffoli"]) == expected["toffoli"] and int(r["t"]) == expected["t"]
    classical = [r for r in rows if r["primitive"] == "classical"]
    for r in classical:
        seconds = classical_costs(int(r["n"]), 64, 8, hardware="h100-sxm")["naive"]["seconds"]
        assert float(r["naive_s"]) == pytest.approx(seconds, rel=1e-3)  # 4 significant digits


def test_table_json_with_physical_matches_a_direct_estimate():
    result = run("table", "--n", "1024", "--k", "8", "--d", "64", "--primitive", "attention-query",
                 "--format", "json", "--physical", "--architecture", "gate_based_ns_e4")
    assert result.returncode == 0, result.stderr
    (row,) = json.loads(result.stdout)
    from qresource.report.sources import grover_query

    counts = grover_query(1024, 8, 64)
    direct = physical_estimate(counts["unit"], counts["repetitions"], t_outside_toffoli=0,
                               architecture="gate_based_ns_e4", second_opinion=False)
    assert row["physical_qubits"] == direct["physical_qubits"]
    assert row["code_distance"] == direct["code_distance"]
    assert row["queries"] == counts["queries"]


@pytest.mark.parametrize(
    "args, message",
    [
        (["table", "--n", "1"], "at least 2"),
        (["table", "--qec", "floquet_code"], "need --physical"),
        (["table", "--factory", "cultivation"], "need --physical"),
        (["table", "--loader", "magic"], "not one of"),
        (["table", "--primitive", "teleport"], "unknown primitive"),
        (["table", "--format", "xml"], "xml"),
        (["report", "--output-dir", "/proc/forbidden/dir"], "cannot create"),
        (["report", "--output-dir", "{tmp}/a_file/reports"], "cannot create"),
    ],
)
def test_bad_input_is_one_line_and_no_file(args, message, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "a_file").write_text("in the way\n")
    args = [a.replace("{tmp}", str(tmp_path)) for a in args]
    if args[0] == "table":  # where a table would go, and in the working directory
        args = [*args, "--output", str(tmp_path / "table.md")]
    result = run(*args)
    assert result.returncode != 0
    assert len(result.stderr.strip().splitlines()) == 1 and message in result.stderr
    assert "Traceback" not in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a_file"], "a refused command left a file"
    assert (tmp_path / "a_file").read_text() == "in the way\n"


def test_table_output_is_atomic_on_failure(tmp_path):
    target = tmp_path / "keep.md"
    target.write_text("old")
    result = run("table", "--n", "4", "--k", "8", "--primitive", "attention-query", "--output", str(target))
    # k > n everywhere: an empty table is still a table, and the file is replaced whole
    assert result.returncode == 0, result.stderr
    assert target.read_text() != "old"
    result = run("table", "--n", "4", "--primitive", "teleport", "--output", str(target))
    assert result.returncode != 0 and target.exists()


def test_physical_options_decorator_and_attach():
    """Another CLI module applies the options and the function: a bare --physical gives the
    stated defaults, the block keeps the older keys and adds the frontier and the estimator's
    name, and a budget no estimate meets leaves nulls, the least budget and one stderr line."""
    seen = {}

    @click.command()
    @physical_options
    def command(physical, **options):
        counts = LogicalCounts(qubits=50, toffoli=1000, t=7000, clifford=0, rotations=0, measurements=50, depth=0, t_depth=0)
        record = EstimateRecord(primitive="demo", params={}, logical=counts)
        attach_physical(record, physical=physical, **options)
        seen["record"] = record

    runner = CliRunner()
    assert runner.invoke(command, ["--physical"]).exit_code == 0
    block = seen["record"].physical
    assert block["toffoli_mapping"] == "t" and block["architecture"] == "gate_based_ns_e3"
    assert block["estimator_params"]["factory"] == "all" and block["error_budget"] == 1e-3
    assert {"physical_qubits", "runtime_s", "code_distance", "t_factories", "qubit_model", "estimator_input",
            "repetitions", "frontier", "estimator"} <= set(block)
    direct = physical_estimate(seen["record"].logical, architecture="gate_based_ns_e3", qec="surface_code",
                               factory="all", error_budget=1e-3)
    assert block == direct
    assert runner.invoke(command, []).exit_code == 0 and seen["record"].physical is None
    bad = runner.invoke(command, ["--qec", "surface_code"])
    assert bad.exit_code != 0 and "need --physical" in str(bad.exception)
    bad = runner.invoke(command, ["--physical", "--architecture", "nope"])
    assert bad.exit_code == 2 and "gate_based_ns_e3" in bad.output
    short = runner.invoke(command, ["--physical", "--factory", "cultivation", "--error-budget", "1e-15"])
    assert short.exit_code == 0
    block = seen["record"].physical
    assert block["physical_qubits"] is None and block["frontier"] == [] and block["least_error_budget"] > 1e-15
    assert seen["record"].logical.toffoli == 1000


def test_report_units_are_the_ones_estimate_attention_hands_the_estimator():
    """One source of truth for the physical side too: the report's full-circuit unit and
    repetitions are exactly what `qresource estimate attention --physical` gives qdk."""
    result = run("estimate", "attention", "--n", "64", "--k", "2", "--d", "4", "--physical", "--json")
    assert result.returncode == 0, result.stderr
    records = json.loads(result.stdout)
    (circuit,) = [r for r in (records if isinstance(records, list) else [records]) if r["model"].startswith("circuit")]
    from qresource.report.sources import grover_circuit

    ours = grover_circuit(64, 2, 4, None, "qrom")
    assert circuit["physical"]["estimator_input"] == estimator_input(ours["unit"], ours["unit_t_outside_toffoli"])
    assert circuit["physical"]["repetitions"] == ours["repetitions"] == circuit["queries"]


def test_a_table_too_large_for_memory_is_refused_before_any_work(tmp_path, monkeypatch):
    monkeypatch.setenv("QRESOURCE_MAX_MEMORY", "64M")
    target = tmp_path / "table.csv"
    result = run("table", "--n", "2**10..2**20", "--k", "1..100", "--d", "8,16,32", "--bits", "3..12",
                 "--primitive", "attention-circuit", "--output", str(target))
    assert result.returncode == 3
    line = result.stderr.strip()
    assert len(line.splitlines()) == 1 and "Traceback" not in line
    # 11 n x 100 k x 3 d x 10 bits x 4 loaders x 1 hardware = 132,000 rows, named with the limit
    assert "132,000 rows" in line and "64 MiB" in line and "QRESOURCE_MAX_MEMORY" in line
    assert not target.exists()
