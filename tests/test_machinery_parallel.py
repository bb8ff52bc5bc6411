"""Parallel task runner: local processes and a real Dask cluster on loopback give the results of
a run alone, in task order; a failing task or an unreachable scheduler is one error line."""

from __future__ import annotations

import math
import multiprocessing
import operator
import os
import socket
import time

import pytest
from hang_guard import alarm

from qresource.core.errors import QResourceError
from qresource.machinery.parallel import Runner, Task, check_execution, run_tasks

TASKS = [Task(f"factorial {k}", math.factorial, (k,)) for k in (30, 5, 17, 0, 12, 25)]
EXPECTED = [math.factorial(k) for k in (30, 5, 17, 0, 12, 25)]


def test_alone_in_order_with_progress():
    seen = []
    assert run_tasks(TASKS, progress=lambda done, total: seen.append((done, total))) == EXPECTED
    assert seen == [(k, len(TASKS)) for k in range(len(TASKS) + 1)]
    assert run_tasks([]) == []


def test_local_processes_match_alone():
    seen = []
    with alarm(120):
        results = run_tasks(TASKS, workers=2, progress=lambda done, total: seen.append(done))
    assert results == EXPECTED
    assert sorted(seen) == list(range(len(TASKS) + 1))


@pytest.mark.parametrize("workers", [1, 2])
def test_failing_task_is_one_line_naming_it(workers):
    tasks = TASKS[:2] + [Task("factorial -1", math.factorial, (-1,))] + TASKS[2:]
    with alarm(120), pytest.raises(QResourceError) as info:
        run_tasks(tasks, workers=workers)
    message = str(info.value)
    assert "'factorial -1' failed" in message and "ValueError" in message and "\n" not in message


def test_bad_execution_options():
    for workers in (0, -2, 1.5, True):
        with pytest.raises(QResourceError, match="--workers"):
            check_execution(workers)
    with pytest.raises(QResourceError, match="not both"):
        check_execution(2, "tcp://127.0.0.1:8786")
    with pytest.raises(QResourceError, match="not a Dask scheduler address"):
        check_execution(1, "tcp://no such host")


def test_dask_cluster_matches_alone(dask_scheduler):
    seen = []
    with alarm(120):
        results = run_tasks(TASKS, scheduler=dask_scheduler, progress=lambda done, total: seen.append(done))
    assert results == EXPECTED
    assert sorted(seen) == list(range(len(TASKS) + 1))
    with alarm(120), pytest.raises(QResourceError, match=r"'power' failed: .*ZeroDivisionError"):
        run_tasks([Task("power", operator.truediv, (1, 0))] + TASKS, scheduler=dask_scheduler)


def test_unreachable_scheduler_is_quick_and_one_line():
    with socket.socket() as probe:  # a port nobody listens on once the probe closes
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    start = time.monotonic()
    with alarm(60), pytest.raises(QResourceError) as info:
        run_tasks(TASKS, scheduler=f"tcp://127.0.0.1:{port}", connect_timeout=2)
    assert time.monotonic() - start < 15
    message = str(info.value)
    assert message.startswith(f"cannot reach the Dask scheduler at tcp://127.0.0.1:{port}") and "\n" not in message


def test_oracle_validation_on_dask_matches_alone(dask_scheduler):
    from qresource.oracle import api

    data = api.random_instance(5, n=1000, d=4, bits=4, marked=7)
    timings = ("simulation_seconds", "simulator")
    alone = api.validate_oracle(data)
    with alarm(300):
        on_dask = api.validate_oracle(data, scheduler=dask_scheduler)
    assert alone["passed"] and alone["marked"] >= 7
    assert {k: v for k, v in alone.items() if k not in timings} == {k: v for k, v in on_dask.items() if k not in timings}
    assert on_dask["simulator"]["execution"] == f"Dask scheduler {dask_scheduler}"


def test_a_runner_keeps_its_worker_processes_between_batches():
    with alarm(120), Runner(workers=2) as runner:
        first = runner.run(TASKS)
        pids = set(runner.run([Task(f"pid {k}", os.getpid) for k in range(6)]))
        pids |= set(runner.run([Task(f"pid {k}", os.getpid) for k in range(6)]))
    assert first == EXPECTED
    assert os.getpid() not in pids and len(pids) <= 2


FORTY = [Task(f"factorial {k}", math.factorial, (k,)) for k in range(40)]


@pytest.mark.parametrize("start_method", [m for m in ("forkserver", "spawn") if m in multiprocessing.get_all_start_methods()])
def test_a_stream_in_chunks_matches_alone_on_each_start_method(start_method):
    seen = []
    with alarm(120), Runner(workers=2, start_method=start_method, preload=("fractions",)) as runner:
        stream = runner.stream(chunk=7)
        for task in FORTY:
            stream.add(task)
        results = stream.results(lambda done, total: seen.append((done, total)))
    assert results == run_tasks(FORTY)
    # one progress call per chunk (five of 7 tasks, one of 5), counting tasks
    assert len(seen) == 6 and seen[-1] == (40, 40) and {total for _, total in seen} == {40}


@pytest.mark.parametrize("where", ["local", "dask"])
def test_a_failure_inside_a_chunk_names_its_task(where, request):
    tasks = FORTY[:9] + [Task("factorial -1", math.factorial, (-1,))] + FORTY[9:]
    options = {"scheduler": request.getfixturevalue("dask_scheduler")} if where == "dask" else {"workers": 2}
    with alarm(120), Runner(**options) as runner, pytest.raises(QResourceError) as info:
        stream = runner.stream(chunk=4)
        for task in tasks:
            stream.add(task)
        stream.results()
    message = str(info.value)
    assert message.startswith("task 'factorial -1' failed: ValueError") and "\n" not in message


def test_a_chunked_stream_on_dask_matches_alone(dask_scheduler):
    with alarm(120), Runner(scheduler=dask_scheduler) as runner:
        stream = runner.stream(chunk=6)
        for task in FORTY:
            stream.add(task)
        assert stream.results() == run_tasks(FORTY)
