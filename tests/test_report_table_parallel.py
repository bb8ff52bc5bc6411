"""``table --physical`` with its estimates on local worker processes and on a real Dask cluster
(a scheduler and two workers on loopback, started here) writes exactly the table it writes alone."""

from __future__ import annotations

import pytest
from hang_guard import alarm

from qresource.core.errors import QResourceError
from qresource.report.table import build_table

GRID = {"n": [1024, 4096], "k": [8], "d": [16], "bits": [None], "loader": ["qrom"], "hardware": ["h100-sxm"]}
PRIMITIVES = ["attention-circuit", "attention-query"]


@pytest.fixture(scope="module")
def alone():
    return build_table(GRID, PRIMITIVES, physical=True).to_csv(index=False)


def test_local_workers_write_the_table_written_alone(alone):
    assert build_table(GRID, PRIMITIVES, physical=True, workers=2).to_csv(index=False) == alone
    assert "physical_qubits" in alone


def test_dask_cluster_writes_the_table_written_alone(alone):
    distributed = pytest.importorskip("distributed")
    with alarm(120):
        cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                                           dashboard_address=None, silence_logs=50)
    try:
        with alarm(300):
            table = build_table(GRID, PRIMITIVES, physical=True, scheduler=cluster.scheduler_address)
        assert table.to_csv(index=False) == alone
    finally:
        with alarm(60):
            cluster.close()


def test_workers_and_scheduler_together_are_refused():
    with pytest.raises(QResourceError, match="not both"):
        build_table(GRID, PRIMITIVES, physical=True, workers=2, scheduler="tcp://127.0.0.1:1")
