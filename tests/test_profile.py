"""``qresource profile``: statistics against direct counts on planted matrices, the exact --qk
path, the real all-MiniLM-L6-v2 weights, --k-from, and bad input (one line, no file)."""

from __future__ import annotations

import json
import math
import statistics as stdlib_statistics
import types

import numpy as np
import pytest

from qresource.cli import main
from qresource.profile import api
from qresource.profile.model import load_encoder
from qresource.profile.statistics import Convention, loglog_slope, row_sparsity, summarise


@pytest.fixture
def cli(capsys, monkeypatch):
    """Run ``qresource ARGS`` in this process: (exit code, stdout, stderr)."""

    def run(*args, cwd=None):
        if cwd is not None:
            monkeypatch.chdir(cwd)
        with pytest.raises(SystemExit) as stop:
            main(list(args))
        captured = capsys.readouterr()
        return types.SimpleNamespace(returncode=stop.value.code, stdout=captured.out, stderr=captured.err)

    return run


def _direct_raw(row, tau):
    marked = [v for v in row if v >= tau]
    rest = [v for v in row if v < tau]
    meets = all(v <= 0 for v in rest)
    eta = (max(0.0, -min(rest)) if rest else 0.0) if meets else None
    return len(marked), meets, eta


def _direct_shifted(row, tau):
    ordered = sorted(row, reverse=True)
    for k in range(1, len(ordered)):
        if ordered[k - 1] - ordered[k] >= tau:
            shifted = [v - ordered[k] for v in row]
            assert sum(v >= tau for v in shifted) == k and all(v <= 0 for v in shifted if v < tau)
            return k, True, ordered[k] - ordered[-1]
    return len(row), False, None


def _planted(rng, rows, n, tau, eta):
    """Rows with a random number of entries in [tau, tau + 5] and the rest in [-eta, 0], plus
    rows that break the gap condition (an entry in (0, tau))."""
    scores = rng.uniform(-eta, 0.0, size=(rows, n))
    for i in range(rows):
        k = int(rng.integers(0, n // 2))
        scores[i, rng.choice(n, size=k, replace=False)] = rng.uniform(tau, tau + 5.0, size=k)
        if i % 3 == 0:
            scores[i, rng.integers(0, n)] = tau / 2
    return scores


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_row_statistics_match_a_direct_count_on_planted_matrices(seed):
    rng = np.random.default_rng(seed)
    tau, eta = 2 * math.log(40), 0.7
    scores = _planted(rng, 30, 40, tau, eta)
    for convention, direct in ((Convention.RAW, _direct_raw), (Convention.SHIFTED, _direct_shifted)):
        rows = row_sparsity(scores, tau, convention)
        for i, row in enumerate(scores.tolist()):
            k, meets, needed = direct(row, tau)
            assert rows.k[i] == k and bool(rows.meets[i]) == meets
            assert (math.isnan(rows.eta[i]) if needed is None else rows.eta[i] == pytest.approx(needed, abs=1e-12))
        summary = summarise(rows)
        ks = [direct(row, tau)[0] for row in scores.tolist()]
        quantiles = stdlib_statistics.quantiles(ks, n=100, method="inclusive")
        assert summary["k_mean"] == pytest.approx(sum(ks) / len(ks))
        assert summary["k_p50"] == pytest.approx(stdlib_statistics.median(ks))
        assert summary["k_p90"] == pytest.approx(quantiles[89]) and summary["k_p99"] == pytest.approx(quantiles[98])
        assert summary["k_max"] == max(ks) and summary["rows"] == len(ks)
        assert summary["rows_k0_fraction"] == pytest.approx(ks.count(0) / len(ks))
    raw = summarise(row_sparsity(scores, tau, Convention.RAW))
    assert raw["rows_gap_fraction"] == pytest.approx(20 / 30)  # every third row has an entry in (0, tau)
    assert raw["eta_needed"] <= eta


def test_shifted_rows_find_a_planted_gap_that_raw_logits_miss():
    # every entry is positive, so raw logits fail the gap condition; shifting by 3 makes row 0
    # (tau, 2)-good with eta = 1
    tau = 4.0
    scores = np.array([[10.0, 9.0, 3.0, 2.0], [5.0, 4.0, 3.0, 2.0]])
    raw = row_sparsity(scores, tau, Convention.RAW)
    shifted = row_sparsity(scores, tau, Convention.SHIFTED)
    assert raw.k.tolist() == [2, 2] and raw.meets.tolist() == [False, False]
    assert shifted.k.tolist() == [2, 4] and shifted.meets.tolist() == [True, False]
    assert shifted.eta[0] == 1.0


def test_loglog_slope_recovers_a_power_law():
    assert loglog_slope([64, 128, 256], [3 * 64**0.5, 3 * 128**0.5, 3 * 256**0.5]) == pytest.approx(0.5)
    assert loglog_slope([64, 128], [0.0, 1.0]) is None


def test_qk_profile_is_exact(tmp_path, cli):
    # A = Q K^T with K = I: A is Q itself, so the planted counts are read back exactly
    rng = np.random.default_rng(7)
    n = 24
    tau = 2 * math.log(n)
    a = _planted(rng, n, n, tau, 0.5)
    np.savez(tmp_path / "qk.npz", Q=a, K=np.eye(n))
    result = cli("profile", "--qk", str(tmp_path / "qk.npz"), "--json")
    assert result.returncode == 0, result.stderr
    profile = json.loads(result.stdout)
    (head,) = profile["heads"]
    ks = [_direct_raw(row, tau)[0] for row in a.tolist()]
    assert (profile["n"], profile["convention"], head["layer"], head["head"]) == (n, "raw", 0, 0)
    assert profile["tau"] == pytest.approx(tau)
    assert head["k_max"] == max(ks) and head["k_mean"] == pytest.approx(sum(ks) / n) and head["rows"] == n
    assert head["rows_gap_fraction"] == pytest.approx(sum(_direct_raw(r, tau)[1] for r in a.tolist()) / n)
    (shifted,) = profile["shifted"]["heads"]
    assert shifted["k_max"] == max(_direct_shifted(row, tau)[0] for row in a.tolist())


@pytest.fixture(scope="module")
def encoder():
    return load_encoder()


def test_real_model_windows_are_what_bert_sees(encoder):
    text, _ = api.read_text(None)
    ids = encoder.token_ids(text)
    cls, sep = encoder.special_ids()
    assert len(ids) > 4 * 510  # the bundled text covers the benchmark: four windows at n = 512
    windows = api.token_windows(ids, 16, 2, cls, sep, encoder.positions)
    assert windows[:, 0].tolist() == [cls, cls] and windows[:, -1].tolist() == [sep, sep]
    assert windows[:, 1:-1].ravel().tolist() == ids[:28]
    assert encoder.tokenizer.decode(windows[0].tolist()).startswith("chapter i. down the rabbit")


def test_real_model_profile_has_every_head(encoder):
    text, label = api.read_text(None)
    profile = api.profile_model(encoder, text, label, [32, 64], windows=2)
    assert (encoder.layers, encoder.heads, encoder.head_dim) == (6, 12, 32)
    assert profile["n"] == [32, 64] and profile["tau"] == pytest.approx([2 * math.log(32), 2 * math.log(64)])
    for heads in (*profile["heads"], *profile["shifted"]["heads"]):
        assert sorted((h["layer"], h["head"]) for h in heads) == [(l, h) for l in range(6) for h in range(12)]
        assert all({"k_mean", "k_p50", "k_p90", "k_p99", "k_max", "rows", "rows_k0_fraction",
                    "k_mean_slope"} <= set(h) for h in heads)
    assert all(h["rows"] == 2 * 64 for h in profile["heads"][1])
    # the dense head seen in the first layer: a quarter or more of each row above 2 ln n
    densest = max(profile["heads"][1], key=lambda h: h["k_mean"])
    assert (densest["layer"], densest["head"]) == (0, 2) and densest["k_mean"] > 64 / 8


def test_profile_cli_writes_pictures_and_feeds_estimates(tmp_path, cli):
    out = tmp_path / "out"
    result = cli("profile", "--n", "32,48", "--output-dir", str(out))
    assert result.returncode == 0, result.stderr
    assert "densest heads at n = 48" in result.stdout
    assert sorted(p.name for p in out.iterdir()) == ["heatmap.png", "k_vs_n.png", "profile.json"]
    profile_path = out / "profile.json"
    worst = max(json.loads(profile_path.read_text())["heads"][1], key=lambda h: (h["k_max"], -h["layer"], -h["head"]))
    estimate = cli("estimate", "attention", "--k-from", str(profile_path), "--model", "query", "--json")
    assert estimate.returncode == 0, estimate.stderr
    record = json.loads(estimate.stdout)
    assert record["params"]["k"] == worst["k_max"] and record["params"]["n"] == 48 and record["params"]["d"] == 32
    assert record["params"]["k_from"]["layer"] == worst["layer"] and record["params"]["k_from"]["stat"] == "max"
    assert any(note.startswith(f"k = {worst['k_max']} measured") for note in record["notes"])
    chosen = api.choose_k(profile_path, head=(5, 0), stat=api.KStat.MEAN, n=32)
    assert chosen.n == 32 and chosen.k >= 1 and (chosen.layer, chosen.head) == (5, 0)
    table = cli("table", "--k-from", str(profile_path), "--k-stat", "p99", "--n", "48", "--d", "32",
                 "--primitive", "attention-query", "--format", "csv")
    assert table.returncode == 0, table.stderr
    header, row = table.stdout.splitlines()[:2]
    assert "k_from" in header.split(",") and "k_p99 = " in row


def _npz(path, **arrays):
    np.savez(path, **arrays)
    return str(path)


@pytest.mark.parametrize("make, message", [
    (lambda d: str(d / "missing.npz"), "no such file"),
    (lambda d: _npz(d / "noq.npz", K=np.eye(3)), "no array Q"),
    (lambda d: _npz(d / "shape.npz", Q=np.eye(3), K=np.ones((4, 3))), "both must be n x d"),
    (lambda d: _npz(d / "nan.npz", Q=np.full((3, 2), np.nan), K=np.ones((3, 2))), "NaN or infinite"),
    (lambda d: _npz(d / "inf.npz", Q=np.ones((3, 2)), K=np.full((3, 2), np.inf)), "NaN or infinite"),
    (lambda d: _npz(d / "vector.npz", Q=np.ones(3), K=np.ones(3)), "must be a matrix"),
    (lambda d: (d / "junk.npz").write_text("not a zip") and str(d / "junk.npz"), "not a readable .npz"),
])
def test_bad_qk_files_get_one_line(tmp_path, cli, make, message):
    out = tmp_path / "out"
    result = cli("profile", "--qk", make(tmp_path), "--output-dir", str(out))
    assert result.returncode != 0 and message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and not out.exists()


@pytest.mark.parametrize("args, message", [
    (["--model", "gpt-9"], "gpt-9"),
    (["--n", "513"], "out of range"),
    (["--n", "2"], "at least 3"),
    (["--n", "512", "--windows", "40"], "WordPiece tokens"),
    (["--tau", "-1"], "positive"),
    (["--qk", "x.npz", "--n", "64"], "--qk takes only"),
])
def test_bad_profile_options_get_one_line(tmp_path, cli, args, message):
    result = cli("profile", *args, "--output-dir", str(tmp_path / "out"), cwd=tmp_path)
    assert result.returncode != 0 and message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and not (tmp_path / "out").exists()


def test_empty_text_gets_one_line(tmp_path, cli):
    (tmp_path / "empty.txt").write_text("  \n")
    result = cli("profile", "--text", str(tmp_path / "empty.txt"), "--json")
    assert result.returncode != 0 and "empty" in result.stderr and result.stdout == ""


@pytest.mark.parametrize("args, message", [
    (["--k-from", "missing.json"], "no such file"),
    (["--k-from", "bad.json"], "not a profile"),
    (["--k-from", "p.json", "--head", "9:0"], "no head 9:0"),
    (["--k-from", "p.json", "--head", "zero"], "LAYER:HEAD"),
    (["--k-from", "p.json", "--k", "4"], "not both"),
    (["--head", "0:0", "--n", "8", "--k", "2", "--d", "2"], "need --k-from"),
])
def test_bad_k_from_gets_one_line(tmp_path, cli, args, message):
    (tmp_path / "bad.json").write_text("{}")
    (tmp_path / "p.json").write_text(json.dumps({"n": 16, "tau": 5.5, "convention": "raw", "d_head": 4,
                                                 "heads": [{"layer": 0, "head": 0, "k_max": 3, "k_p99": 2.5,
                                                            "k_mean": 1.2}]}))
    result = cli("estimate", "attention", *args, cwd=tmp_path)
    assert result.returncode != 0 and message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
