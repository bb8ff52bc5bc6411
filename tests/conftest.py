"""Settings every test runs under, so that a test takes the same path on every machine.

- The memory guard's limit is fixed (``QRESOURCE_MAX_MEMORY``) instead of half of the memory
  the machine has free: without it a 30-qubit statevector is simulated on a machine with 64 GiB
  free and skipped elsewhere. Subprocesses inherit the setting; a test that needs another limit
  sets its own.
- Hypothesis runs derandomised, without an example database: the same examples on every run.
"""

from __future__ import annotations

import os

import pytest
from hang_guard import alarm
from hypothesis import settings

#: Larger than any statevector the tests mean to simulate (26 qubits at 16 bytes an amplitude
#: is 1 GiB), smaller than a 30-qubit one (16 GiB).
TEST_MEMORY_LIMIT = "4GiB"

os.environ["QRESOURCE_MAX_MEMORY"] = TEST_MEMORY_LIMIT

settings.register_profile("qresource", derandomize=True, database=None, deadline=None)
settings.load_profile("qresource")


@pytest.fixture(scope="module")
def dask_scheduler():
    """A scheduler and two single-threaded worker processes on 127.0.0.1, stopped after the
    module (and at the latest when the alarm fires)."""
    distributed = pytest.importorskip("distributed")
    with alarm(120):
        cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                           host="127.0.0.1", dashboard_address=None,
                                           silence_logs=50)
    try:
        assert cluster.scheduler_address.startswith("tcp://127.0.0.1:")
        yield cluster.scheduler_address
    finally:
        with alarm(60):
            cluster.close()
