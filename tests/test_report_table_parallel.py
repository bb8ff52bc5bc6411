"""``table --physical`` with its estimates on local worker processes and on a real Dask cluster
(a scheduler and two workers on loopback, started here) writes exactly the table it writes alone;
so does a full-circuit table whose oracle row sides were found there."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hang_guard import alarm

from qresource.core.errors import QResourceError
from qresource.oracle import closed_forms as oracle_forms
from qresource.report.table import build_table

GRID = {"n": [1024, 4096], "k": [8], "d": [16], "bits": [None], "loader": ["qrom"], "hardware": ["h100-sxm"]}
PRIMITIVES = ["attention-circuit", "attention-query"]


#: Four (d, b) pairs: the row sides go to the workers once the threshold is lowered to one
ROWS_GRID = {"n": [1024, 4096], "k": [1, 8], "d": [16, 24], "bits": [5, 6], "loader": ["qrom", "qroam"],
             "hardware": ["h100-sxm"]}
#: the last stage of a row searching k keys has k - 1 of them excluded
ROWS_EXCLUSIONS = max(ROWS_GRID["k"]) - 1


@pytest.fixture(scope="module")
def alone():
    return build_table(GRID, PRIMITIVES, physical=True).to_csv(index=False)


@pytest.fixture(scope="module")
def rows_alone():
    oracle_forms._ROW_FACTS.clear()
    return build_table(ROWS_GRID, ["attention-circuit"]).to_csv(index=False)


@pytest.fixture(scope="module")
def dask_cluster():
    distributed = pytest.importorskip("distributed")
    with alarm(120):
        cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                                           dashboard_address=None, silence_logs=50)
    yield cluster
    with alarm(60):
        cluster.close()


@pytest.fixture()
def rows_on_workers(monkeypatch):
    """Row and index sides handed to the workers from one pair on, none known before; checks
    afterwards that the workers' answers are those computed here."""
    monkeypatch.setattr(oracle_forms, "PARALLEL_ROW_PAIRS", 1)
    monkeypatch.setattr(oracle_forms, "_ROW_FACTS", {})
    monkeypatch.setattr(oracle_forms, "_INDEX_SIDES", {})
    rows, sides = oracle_forms._ROW_FACTS, oracle_forms._INDEX_SIDES
    yield
    assert sorted(rows) == sorted(itertools.product(ROWS_GRID["d"], ROWS_GRID["bits"]))
    for (d, bits), facts in rows.items():
        assert facts == oracle_forms.row_facts(d, bits)
    assert sorted((n, len(side.cz)) for n, (side, _) in sides.items()) == [(n, ROWS_EXCLUSIONS)
                                                                           for n in ROWS_GRID["n"]]
    monkeypatch.setattr(oracle_forms, "_INDEX_SIDES", {})
    for n, (side, _) in sides.items():
        here = oracle_forms.index_side(n, ROWS_EXCLUSIONS)
        for field in ("cz", "load", "sink"):
            for theirs, ours in zip(getattr(side, field), getattr(here, field), strict=True):
                assert all(np.array_equal(a, b) for a, b in zip(theirs, ours, strict=True))
        assert side.tallies == here.tallies


def test_local_workers_write_the_table_written_alone(alone):
    assert build_table(GRID, PRIMITIVES, physical=True, workers=2).to_csv(index=False) == alone
    assert "physical_qubits" in alone


def test_dask_cluster_writes_the_table_written_alone(alone, dask_cluster):
    with alarm(300):
        table = build_table(GRID, PRIMITIVES, physical=True, scheduler=dask_cluster.scheduler_address)
    assert table.to_csv(index=False) == alone


def test_row_sides_on_local_workers_give_the_table_written_alone(rows_alone, rows_on_workers):
    assert build_table(ROWS_GRID, ["attention-circuit"], workers=2).to_csv(index=False) == rows_alone


def test_row_sides_on_a_dask_cluster_give_the_table_written_alone(rows_alone, rows_on_workers, dask_cluster):
    with alarm(300):
        table = build_table(ROWS_GRID, ["attention-circuit"], scheduler=dask_cluster.scheduler_address)
    assert table.to_csv(index=False) == rows_alone


def test_row_sides_stay_here_below_the_threshold(rows_alone, monkeypatch):
    monkeypatch.setattr(oracle_forms, "_ROW_FACTS", {})
    assert build_table(ROWS_GRID, ["attention-circuit"], workers=2).to_csv(index=False) == rows_alone
    assert oracle_forms._ROW_FACTS == {}


def test_workers_and_scheduler_together_are_refused():
    with pytest.raises(QResourceError, match="not both"):
        build_table(GRID, PRIMITIVES, physical=True, workers=2, scheduler="tcp://127.0.0.1:1")
