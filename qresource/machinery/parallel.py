"""Run a list of independent tasks on local worker processes or on a Dask cluster.

One small API for every command that splits its work (``validate`` over index blocks,
``table --physical`` over grid points)::

    tasks = [Task(f"block {k}", run_block, (program, chunk)) for k, chunk in enumerate(chunks)]
    results = run_tasks(tasks, workers=2)                         # local processes
    results = run_tasks(tasks, scheduler="tcp://10.0.0.5:8786")   # a Dask cluster

Contract:

- ``results[k]`` is what ``tasks[k].function(*tasks[k].args, **tasks[k].kwargs)`` returned,
  whatever order the tasks finished in, so the caller's answer is the same as run alone.
- Tasks must be picklable: the function importable by name (a module-level function of an
  installed package), the arguments plain data. Dask workers must have qresource installed.
- All or nothing: the first task that raises stops the run (the tasks not yet started are
  cancelled) and ``run_tasks`` raises one :class:`QResourceError` line naming that task and
  the error. Nothing is returned for the tasks that did finish, so a caller that writes its
  output after ``run_tasks`` returns never leaves a partial file behind.
- ``progress(done, total)`` is called in the calling process after each finished task
  (:func:`stderr_progress` draws a bar on a terminal).
- ``workers=1`` without a scheduler runs in this process, in order: no pickling, plain
  tracebacks for debugging, the reference the parallel runs are held against.
- Local workers start from a clean process, as Dask workers do: a task sees only what it was
  sent. Where the platform has it (Linux, macOS) they are forked from a fork server that
  imported ``preload`` once, so a worker starts in milliseconds with the heavy modules loaded
  (and leaves without tearing them down); elsewhere each is a fresh interpreter (``spawn``).
  :meth:`Runner.start` starts them early, while the caller still computes what they will run.
- A scheduler that cannot be reached within ``connect_timeout`` seconds is one error line.
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import functools
import importlib
import multiprocessing
import re
import sys
import threading
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Iterator, Optional, Sequence

from qresource.core.errors import QResourceError

#: Most tasks sent to a worker as one message: fewer messages, and still a fair share of the
#: work for each worker.
MAX_CHUNK = 16

#: Seconds to wait for a Dask scheduler to answer before giving up.
DEFAULT_CONNECT_TIMEOUT = 5.0

Progress = Callable[[int, int], None]

_ADDRESS = re.compile(r"^(?:(tcp|tls|inproc|ucx|ws|wss)://)?[^\s/:]+(?::\d+)?/?$")


@dataclass(frozen=True)
class Task:
    """One unit of work: ``function(*args, **kwargs)``; ``name`` is what an error names."""

    name: str
    function: Callable[..., Any]
    args: tuple = ()
    kwargs: dict = field(default_factory=dict)

    def __call__(self) -> Any:
        return self.function(*self.args, **self.kwargs)


def check_execution(workers: int = 1, scheduler: Optional[str] = None) -> None:
    """Raise one error line for a worker count or scheduler address that cannot work."""
    if isinstance(workers, bool) or not isinstance(workers, int) or workers < 1:
        raise QResourceError(f"--workers must be a positive integer, got {workers!r}")
    if scheduler is not None:
        if workers != 1:
            raise QResourceError("give either --workers N (local processes) or --scheduler ADDRESS, not both")
        if not _ADDRESS.match(scheduler.strip()):
            raise QResourceError(f"--scheduler {scheduler!r} is not a Dask scheduler address (e.g. tcp://host:8786)")


def run_tasks(tasks: Sequence[Task], *, workers: int = 1, scheduler: Optional[str] = None,
              progress: Optional[Progress] = None,
              connect_timeout: float = DEFAULT_CONNECT_TIMEOUT) -> list:
    """Run every task and return their results in task order (see the module docstring).

    Args:
        tasks: the work, each a picklable :class:`Task`.
        workers: local worker processes (1: run here, in order).
        scheduler: a Dask scheduler address (``tcp://host:port``); excludes ``workers``.
        progress: called as ``progress(done, total)`` after each finished task.
        connect_timeout: seconds to wait for the scheduler.
    """
    check_execution(workers, scheduler)
    tasks = list(tasks)
    if progress is not None:
        progress(0, len(tasks))
    if not tasks:
        return []
    with Runner(workers, scheduler, connect_timeout) as runner:
        return runner.run(tasks, progress)


class Runner:
    """Runs batch after batch of tasks on workers kept between batches: one local process pool
    (started by :meth:`start` or at the first batch that needs it) or one connection to a Dask
    scheduler (made at once, so an unreachable scheduler fails before any work). Each
    :meth:`run` keeps the contract of :func:`run_tasks`; a command whose work comes in rounds
    (one round's tasks decide the next) pays for starting the workers once.

    ``preload``: modules the local workers import before their first task (the tasks' heavy
    dependencies). ``start_method``: ``"forkserver"`` or ``"spawn"``; None takes the first of
    them the platform has."""

    def __init__(self, workers: int = 1, scheduler: Optional[str] = None,
                 connect_timeout: float = DEFAULT_CONNECT_TIMEOUT, *, preload: Sequence[str] = (),
                 start_method: Optional[str] = None):
        check_execution(workers, scheduler)
        self.workers = workers
        self.preload = tuple(preload)
        self.start_method = start_method or next(
            method for method in ("forkserver", "spawn") if method in multiprocessing.get_all_start_methods())
        self._pool: concurrent.futures.ProcessPoolExecutor | None = None
        self._client = None if scheduler is None else _client(scheduler.strip(), connect_timeout)

    @property
    def parallel(self) -> bool:
        """Whether tasks run outside this process: on more than one local worker, or on Dask."""
        return self._client is not None or self.workers > 1

    def start(self) -> None:
        """Start the local worker processes now, in the background, so that their start-up runs
        while the caller prepares the first batch; nothing to do on one worker or on a Dask
        cluster."""
        if self._client is not None or self.workers == 1 or self._pool is not None:
            return
        self._pool = _local_pool(self.workers, self.start_method, self.preload)
        pool, workers = self._pool, self.workers

        def start_workers() -> None:
            # the pool starts a process per task that finds no idle worker; a process starts once
            # the fork server has loaded ``preload``, which this thread waits for, not the caller
            with contextlib.suppress(RuntimeError):  # the runner was closed first
                for _ in range(workers):
                    pool.submit(_started)

        threading.Thread(target=start_workers, name="qresource-start-workers", daemon=True).start()

    def run(self, tasks: Sequence[Task], progress: Optional[Progress] = None) -> list:
        tasks = list(tasks)
        stream = self.stream(alone=len(tasks) <= 1, chunk=max(1, min(MAX_CHUNK, len(tasks) // (4 * self.workers))))
        for task in tasks:
            stream.add(task)
        return stream.results(progress)

    def stream(self, alone: bool = False, chunk: int = MAX_CHUNK) -> "Stream":
        """A batch whose tasks are handed over one at a time as the caller finds them; every
        ``chunk`` of them goes to a free worker at once, as one message (``alone``, or on one
        local worker: they run here, in order, in :meth:`Stream.results`)."""
        if self._client is not None:
            client = self._client
            return Stream(chunk, lambda tasks: client.submit(_run_chunk, tasks, pure=False),
                          functools.partial(_dask_finished, client), client.cancel, lambda future: future.key)
        if alone or self.workers == 1:
            return Stream()
        self.start()
        pool = self._pool
        return Stream(chunk, lambda tasks: pool.submit(_run_chunk, tasks), concurrent.futures.as_completed,
                      lambda futures: [future.cancel() for future in futures])

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None
        if self._client is not None:
            self._client.close()
            self._client = None

    def __enter__(self) -> "Runner":
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()


class Stream:
    """Tasks added one at a time (:meth:`Runner.stream`), sent in chunks; :meth:`results` waits
    for them all and keeps the contract of :func:`run_tasks` (progress counts tasks)."""

    def __init__(self, chunk: int = 1, submit: Optional[Callable[[list[Task]], Any]] = None,
                 finished: Optional[Callable[[list], Iterable]] = None,
                 cancel: Optional[Callable[[list], Any]] = None, identity: Callable[[Any], Any] = id):
        # a finished future is matched to its chunk by ``identity`` (Dask: its key)
        self._chunk, self._submit, self._finished, self._cancel, self._identity = chunk, submit, finished, cancel, identity
        self._tasks: list[Task] = []
        self._futures: list = []
        self._sent = 0  # tasks sent so far; chunk j holds tasks [starts[j], starts[j + 1])
        self._starts: list[int] = []

    def add(self, task: Task) -> None:
        self._tasks.append(task)
        if self._submit is not None and len(self._tasks) - self._sent >= self._chunk:
            self._send()

    def _send(self) -> None:
        self._starts.append(self._sent)
        self._futures.append(self._submit(self._tasks[self._sent:]))
        self._sent = len(self._tasks)

    def __len__(self) -> int:
        return len(self._tasks)

    def results(self, progress: Optional[Progress] = None) -> list:
        """Every task's result, in the order the tasks were added."""
        if self._submit is None:
            return _run_here(self._tasks, progress)
        if self._sent < len(self._tasks):
            self._send()
        chunk_of = {self._identity(future): j for j, future in enumerate(self._futures)}
        ends = [*self._starts[1:], len(self._tasks)]
        results: list = [None] * len(self._tasks)
        done = 0
        try:
            for future in self._finished(self._futures):
                j = chunk_of[self._identity(future)]
                try:
                    answers = future.result()
                except Exception as exc:  # the chunk could not run (a worker died, say): name its first task
                    raise _failure(self._tasks[self._starts[j]], exc) from None
                if isinstance(answers, _Failed):
                    raise answers.error
                results[self._starts[j]:ends[j]] = answers
                done += len(answers)
                if progress is not None:
                    progress(done, len(self._tasks))
            return results
        finally:
            self._cancel(self._futures)


@dataclass(frozen=True)
class _Failed:
    """What a chunk returns when one of its tasks raised: the one error line naming that task."""

    error: QResourceError


def _run_chunk(tasks: list[Task]) -> list | _Failed:
    """Run a chunk of tasks in order on a worker; the first that raises stops the chunk."""
    results = []
    for task in tasks:
        try:
            results.append(task())
        except Exception as exc:
            return _Failed(_failure(task, exc))
    return results


def _local_pool(workers: int, start_method: str, preload: tuple[str, ...]) -> concurrent.futures.ProcessPoolExecutor:
    context = multiprocessing.get_context(start_method)
    if start_method == "forkserver":
        # read when the fork server starts (once per process); a module it cannot import is skipped
        context.set_forkserver_preload(list(preload))
    elif preload:
        return concurrent.futures.ProcessPoolExecutor(max_workers=workers, mp_context=context,
                                                      initializer=_import, initargs=(preload,))
    return concurrent.futures.ProcessPoolExecutor(max_workers=workers, mp_context=context)


def _import(modules: tuple[str, ...]) -> None:
    for name in modules:
        with contextlib.suppress(ImportError):
            importlib.import_module(name)


def _started() -> None:
    """The task that starts a worker process."""


def _failure(task: Task, exc: BaseException) -> QResourceError:
    """One line naming the task; a QResourceError keeps its class (and so its exit status)."""
    message = " ".join(str(exc).split()) or exc.__class__.__name__
    if isinstance(exc, QResourceError):
        return type(exc)(f"task {task.name!r} failed: {message}")
    return QResourceError(f"task {task.name!r} failed: {exc.__class__.__name__}: {message}")


def _run_here(tasks: list[Task], progress: Optional[Progress]) -> list:
    results = []
    for task in tasks:
        try:
            results.append(task())
        except Exception as exc:
            raise _failure(task, exc) from exc
        if progress is not None:
            progress(len(results), len(tasks))
    return results


def _client(address: str, connect_timeout: float):
    """A Dask client of the scheduler at ``address``, or one error line."""
    try:
        import distributed
    except ImportError:  # pragma: no cover - a declared dependency
        raise QResourceError("--scheduler needs dask.distributed: pip install 'dask[distributed]'") from None
    try:
        return distributed.Client(address, timeout=connect_timeout, set_as_default=False)
    except (OSError, TimeoutError, ValueError) as exc:
        reason = " ".join(str(exc).split())
        raise QResourceError(
            f"cannot reach the Dask scheduler at {address} within {connect_timeout:g} s ({reason})"
        ) from None


def _dask_finished(client, futures: list) -> Iterable:
    import distributed

    with client.as_current():
        return distributed.as_completed(futures)


@contextlib.contextmanager
def stderr_progress(label: str) -> Iterator[Optional[Progress]]:
    """A ``progress`` callback drawing a bar on stderr while the block runs, or ``None`` when
    stderr is not a terminal (scripts and tests get no control characters)."""
    if not sys.stderr.isatty():
        yield None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, TimeElapsedColumn
    from rich.progress import Progress as Bar

    with Bar(f"[bold]{label}", BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
             console=Console(stderr=True), transient=True) as bar:
        task_id = bar.add_task(label, total=None)

        def update(done: int, total: int) -> None:
            bar.update(task_id, completed=done, total=total)

        yield update
