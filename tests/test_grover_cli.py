"""`qresource estimate grover|attention` in the query model, bad input, and the n^1.5 scaling."""

from __future__ import annotations

import json
import math

import pytest

from qresource.classical.costs import algorithm2_counts, loglog_slope
from qresource.cli import main
from qresource.grover import api
from qresource.grover import schedules as search


def run(capsys, *args):
    with pytest.raises(SystemExit) as stop:
        main(list(args))
    captured = capsys.readouterr()
    return stop.value.code, captured.out, captured.err


def test_estimate_grover_query_json(capsys):
    code, out, err = run(capsys, "estimate", "grover", "--n", "1024", "--k", "8", "--d", "64",
                         "--model", "query", "--json")
    assert code == 0, err
    record = json.loads(out)
    assert record["primitive"] == "grover" and record["model"].startswith("query")
    schedule = search.known_k_schedule(1024, 8)
    assert record["queries"] == math.ceil(schedule.expected_queries)
    # r_8 = floor(pi / (4 asin(sqrt(8/1024)))) = floor(8.878) = 8
    assert record["iterations"] == 8
    assert record["success_probability"] == pytest.approx(search.success_probability(8, 1024, 8))
    assert record["registers"] == {"index": 10}
    assert record["logical"] is None
    assert record["classical"]["oracle_time_units"] == math.ceil(schedule.expected_queries * 64)
    assert record["schedule"]["expected_queries"] == pytest.approx(schedule.expected_queries)
    assert record["params"]["tau"] == pytest.approx(2 * math.log(1024))


def test_estimate_grover_unknown_schedule(capsys):
    code, out, err = run(capsys, "estimate", "grover", "--n", "4096", "--k", "4", "--d", "8",
                         "--model", "query", "--schedule", "unknown", "--delta", "0.05", "--json")
    assert code == 0, err
    block = json.loads(out)["schedule"]
    assert block["kind"] == "unknown" and block["miss_probability"] <= 0.05
    expected = search.unknown_k_schedule(4096, 4, 0.05)
    assert block["expected_queries"] == pytest.approx(expected.expected_queries)
    assert block["queries_1_minus_delta"] >= block["expected_queries"]


def test_k_larger_than_n_is_one_line_error(capsys):
    code, out, err = run(capsys, "estimate", "grover", "--n", "8", "--k", "9", "--d", "2")
    assert code != 0 and out == ""
    assert len(err.strip().splitlines()) == 1 and "exceeds" in err


def test_missing_sizes_is_one_line_error(capsys):
    code, _, err = run(capsys, "estimate", "attention", "--n", "64", "--model", "query")
    assert code != 0 and len(err.strip().splitlines()) == 1 and "--k" in err


def test_small_tau_warns_and_still_computes(capsys):
    code, out, err = run(capsys, "estimate", "grover", "--n", "1024", "--k", "2", "--d", "4",
                         "--tau", "3", "--model", "query", "--json")
    assert code == 0
    assert "warning" in err and "2 ln n" in err
    assert json.loads(out)["queries"] > 0


@pytest.mark.parametrize("command", ["grover", "attention"])
def test_log_base_decides_which_tau_warns(capsys, command):
    # n = 1024: 2 ln n = 13.86 < tau = 16 < 2 log2 n = 20
    base = ["estimate", command, "--n", "1024", "--k", "2", "--d", "4", "--tau", "16", "--model", "query",
            "--json"]
    code, _, err = run(capsys, *base)
    assert code == 0 and "warning" not in err
    code, out, err = run(capsys, *base, "--log-base", "2")
    assert code == 0
    assert "warning" in err and "2 log2 n = 20" in err and "base 2" in err and "no base" in err
    assert any("base 2" in note for note in json.loads(out)["notes"])
    code, _, err = run(capsys, *base[:-5], "--tau", "13", "--model", "query")
    assert code == 0 and "2 ln n = 13.86" in err and "natural log" in err


def test_log_base_2_moves_the_default_tau(capsys):
    code, out, err = run(capsys, "estimate", "grover", "--n", "1024", "--k", "8", "--d", "64", "--model", "query",
                         "--log-base", "2", "--json")
    assert code == 0 and "warning" not in err
    assert json.loads(out)["params"]["tau"] == pytest.approx(2 * math.log2(1024))


def test_bad_instance_file_is_one_line_error(capsys, tmp_path):
    path = tmp_path / "bad.json"
    path.write_text(json.dumps({"q": [1, 2], "K": [[1, 2], [3]], "tau": 1, "bits": 3}))
    code, _, err = run(capsys, "estimate", "grover", "--instance", str(path), "--model", "query")
    assert code != 0 and len(err.strip().splitlines()) == 1 and "K row 1" in err


def test_instance_sets_k_to_its_marked_count(capsys, tmp_path):
    # scores q . K_j = 1*K_j0 + 2*K_j1: 3, -1, 5, 0 -> two keys >= tau = 3
    data = {"q": [1, 2], "K": [[1, 1], [1, -1], [1, 2], [0, 0]], "tau": 3, "bits": 3}
    path = tmp_path / "row.json"
    path.write_text(json.dumps(data))
    code, out, err = run(capsys, "estimate", "grover", "--instance", str(path), "--model", "query", "--json")
    assert code == 0, err
    record = json.loads(out)
    assert record["params"]["k"] == 2 and record["params"]["n"] == 4
    # N = 4, t = 2: theta = pi/4, r = floor(pi / pi) = 1, sin^2(3 pi/4) = 1/2
    assert record["iterations"] == 1 and record["success_probability"] == pytest.approx(0.5)


def test_attention_query_model_scales_as_n_to_1_5():
    ns = [2**e for e in range(10, 21)]
    records = [api.attention_records(api.make_problem(n=n, k=8, d=64), ("query",))[0] for n in ns]
    queries = [r.queries for r in records]
    # n rows x sum_t r_t / p_t with r_t ~ (pi/4) sqrt(N/t): slope 1.5 up to the floor's ripple
    assert loglog_slope(ns, queries) == pytest.approx(1.5, abs=0.02)
    for n, record in zip(ns, records):
        row = search.known_k_schedule(n, 8)
        assert record.queries == math.ceil(n * row.expected_queries)
        # the paper's n^1.5 k^0.5 d against ours: the constant is sum_t (pi/4) t^-1/2 / sqrt(k)
        assert record.classical["oracle_time_units"] <= 1.05 * (math.pi / 2) * n**1.5 * 8**0.5 * 64


def test_sweep_dataframe_query_model():
    frame = api.sweep([2**10, 2**12], [8, 32], [64], models=("query",))
    assert len(frame) == 4
    assert set(frame["model"]) == {"query"}
    assert (frame["queries"] > 0).all()


def test_attention_instance_uses_each_rows_marked_count(capsys, tmp_path):
    from qresource.classical.instances import generate_instance

    instance = generate_instance(64, 4, 3, seed=1)
    path = tmp_path / "attention.json"
    path.write_text(json.dumps(instance.to_json_dict()))
    code, out, err = run(capsys, "estimate", "attention", "--instance", str(path), "--model", "query", "--json")
    assert code == 0, err
    record = json.loads(out)
    counts = record["schedule"]["row_marked_counts"]
    assert sum(int(t) * c for t, c in counts.items()) == record["params"]["marked_entries"]
    expected = sum(c * search.known_k_schedule(64, int(t)).expected_queries for t, c in counts.items() if int(t))
    assert record["queries"] == math.ceil(expected)
    # with k above every row's |S_i|, the classical work and the B_ij line still use the actual S_i
    code, out, err = run(capsys, "estimate", "attention", "--instance", str(path), "--k", "5", "--model", "query",
                         "--json")
    assert code == 0, err
    record = json.loads(out)
    entries = record["params"]["marked_entries"]
    assert entries < 64 * 5
    charge = record["classical"]
    assert charge["accounting_lines"]["b_ij_step"]["count"] == entries
    assert charge["classical_costs"]["sparse_inference"]["flops"] == algorithm2_counts(64, 4, entries).flops(1)
    code, _, err = run(capsys, "estimate", "attention", "--instance", str(path), "--k", "2", "--model", "query")
    assert code != 0 and "not (tau, 2)-good" in err and len(err.strip().splitlines()) == 1


def test_grover_instance_with_more_marked_keys_than_k(capsys, tmp_path):
    # scores 3, -1, 5, 0 against tau = 3: two marked keys, so the row is not (tau, 1)-good
    data = {"q": [1, 2], "K": [[1, 1], [1, -1], [1, 2], [0, 0]], "tau": 3, "bits": 3}
    path = tmp_path / "row.json"
    path.write_text(json.dumps(data))
    code, _, err = run(capsys, "estimate", "grover", "--instance", str(path), "--k", "1", "--model", "query")
    assert code != 0 and "has 2 keys" in err and len(err.strip().splitlines()) == 1


def test_default_json_is_one_object_with_every_contract_key(capsys):
    # docs/architecture.md: `--json` prints one JSON object; scripts read these keys from it.
    code, out, _ = run(capsys, "estimate", "grover", "--n", "64", "--k", "2", "--d", "2", "--json")
    assert code == 0
    record = json.loads(out)
    assert isinstance(record, dict)
    for key in ("primitive", "params", "logical", "queries", "iterations", "success_probability",
                "registers", "classical", "physical"):
        assert key in record
    assert record["logical"]["toffoli"] > 0 and record["iterations"] >= 1


def test_query_model_accounting_lines_in_one_unit(capsys):
    n, k, d = 1024, 8, 16
    code, out, err = run(capsys, "estimate", "attention", "--n", str(n), "--k", str(k), "--d", str(d),
                         "--model", "query", "--json")
    assert code == 0, err
    charge = json.loads(out)["classical"]
    lines = charge["accounting_lines"]
    assert lines["oracle_calls"]["time_units"] == charge["oracle_time_units"]
    assert lines["classical_checks"]["time_units"] == charge["check_time_units"]
    assert lines["b_ij_step"] == {**lines["b_ij_step"], "count": n * k, "time_units": n * k * d}
    row = search.known_k_schedule(n, k)
    # the known-k schedule's t-th search excludes the t - 1 found indices on every call
    assert lines["exclusion_comparisons"]["count"] == math.ceil(n * row.expected_exclusion_comparisons)
    assert lines["paper_time_units"] == lines["oracle_calls"]["time_units"] + n * k * d
    assert lines["all_lines_time_units"] == sum(
        lines[key]["time_units"] for key in ("oracle_calls", "exclusion_comparisons", "classical_checks", "b_ij_step"))
    assert [key for key in lines if isinstance(lines[key], dict) and lines[key]["charged_by_paper"]] == [
        "oracle_calls", "b_ij_step"]
    code, out, err = run(capsys, "estimate", "grover", "--n", str(n), "--k", str(k), "--d", str(d),
                         "--model", "query", "--schedule", "unknown", "--json")
    assert code == 0, err
    lines = json.loads(out)["classical"]["accounting_lines"]
    assert lines["exclusion_comparisons"]["count"] is None and lines["all_lines_time_units"] is None
    assert lines["b_ij_step"]["count"] == k
