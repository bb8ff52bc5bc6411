"""The report with its physical estimates on local worker processes and on a real Dask cluster
(a scheduler and two workers on loopback) writes the same bytes as the report run alone; each
distinct unit is estimated once; an unreachable scheduler is one line and writes nothing."""

from __future__ import annotations

import socket
import time
from collections import Counter
from dataclasses import replace
from pathlib import Path

import pytest
from cli_run import run
from hang_guard import alarm
from test_report_default import SMALL

from qresource.report import estimates, sources
from qresource.report.build import build_report

#: A report small enough to run in seconds: one preset, one k, the QROM loader and the query
#: model, two architectures (so the best architecture's crossover table is written too).
TINY = replace(SMALL, crossover_n_max=2**20, frontier_architectures=("gate_based_ns_e3", "majorana_ns_e6"))


@pytest.fixture(scope="module")
def without_qlaci():
    """QLACI's synthesised circuits dominate a small report's time; the full report covers them."""
    status = {name: sources.probe(name) for name in sources.PROBES if name != "qlaci"}
    status["qlaci"] = "left out of this test"
    patch = pytest.MonkeyPatch()
    patch.setattr(sources, "availability", lambda: dict(status))
    yield
    patch.undo()


def contents(directory: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted(directory.iterdir())}


@pytest.fixture(scope="module")
def alone(without_qlaci, tmp_path_factory):
    """The tiny report run in this process, every estimator call counted by its input."""
    calls: Counter = Counter()
    original = estimates.estimate_or_refusal

    def counted(*key):
        calls[key] += 1
        return original(*key)

    patch = pytest.MonkeyPatch()
    patch.setattr(estimates, "estimate_or_refusal", counted)
    out = tmp_path_factory.mktemp("alone")
    try:
        build_report(out, TINY, workers=1)
    finally:
        patch.undo()
    return contents(out), calls


def test_each_distinct_unit_is_estimated_once(alone):
    files, calls = alone
    assert calls and max(calls.values()) == 1
    # the searches against both classical algorithms share the quantum side's units, and both
    # architectures are estimated
    assert {key[-1].architecture.value for key in calls} == {"gate_based_ns_e3", "majorana_ns_e6"}
    assert "crossover_best_architecture.csv" in files


def test_two_local_workers_write_the_report_written_alone(alone, tmp_path):
    build_report(tmp_path, TINY, workers=2)
    assert contents(tmp_path) == alone[0]


def test_dask_cluster_writes_the_report_written_alone(alone, dask_scheduler, tmp_path):
    seen = []
    with alarm(300):
        build_report(tmp_path, TINY, scheduler=dask_scheduler, estimate_progress=lambda d, t: seen.append((d, t)))
    assert contents(tmp_path) == alone[0]
    assert seen and seen[-1][0] == seen[-1][1] == len(alone[1])


def test_unreachable_scheduler_is_one_line_and_writes_nothing(tmp_path):
    with socket.socket() as probe:  # a port nobody listens on once the probe closes
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    out = tmp_path / "report"
    start = time.monotonic()
    with alarm(60):
        result = run("report", "--output-dir", str(out), "--scheduler", f"tcp://127.0.0.1:{port}")
    assert time.monotonic() - start < 15
    assert result.returncode != 0 and result.stdout == ""
    (line,) = result.stderr.strip().splitlines()
    assert f"cannot reach the Dask scheduler at tcp://127.0.0.1:{port}" in line
    assert not out.exists()


def test_workers_and_scheduler_together_are_refused(tmp_path):
    result = run("report", "--output-dir", str(tmp_path / "r"), "--workers", "2", "--scheduler", "tcp://127.0.0.1:1")
    assert result.returncode != 0 and "not both" in result.stderr
    assert not (tmp_path / "r").exists()
