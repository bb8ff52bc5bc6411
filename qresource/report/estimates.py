"""The report's physical estimates: each distinct estimator input estimated once per run, in
batches that run on local worker processes or a Dask cluster (:mod:`qresource.machinery.parallel`).

A report asks for the same unit many times: the crossover searches of one quantum series against
two classical algorithms on two classical machines examine the same points, the plots revisit
the tables' sizes, and the best architecture's searches repeat the default's where they agree.
:class:`Estimates` keys every answer by exactly what decides it (the unit's logical counts, its
repetitions, its T gates outside Toffolis, whether the second opinion is asked, and the resolved
architecture, code, factory and error budget), so the answer is the same however, and wherever,
it was computed. An estimator refusal is an answer too (its one-line message), not a failure:
the report shows why a point has no estimate.
"""

from __future__ import annotations

from typing import Any, Iterable, Optional

from qresource.core.errors import QResourceError
from qresource.core.record import LogicalCounts
from qresource.machinery.parallel import Progress, Runner, Task
from qresource.machinery.physical import WORKER_PRELOAD, Settings, physical_estimate

#: (unit, repetitions, T gates outside Toffolis, second opinion, settings)
UnitKey = tuple[LogicalCounts, int, Optional[int], bool, Settings]


def estimate_or_refusal(unit: LogicalCounts, repetitions: int, t_outside: int | None, second_opinion: bool,
                        settings: Settings) -> tuple[str, Any]:
    """``("estimate", physical block)`` or ``("refused", the estimator's one-line reason)``."""
    try:
        return "estimate", physical_estimate(
            unit, repetitions, t_outside_toffoli=t_outside, architecture=settings.architecture, qec=settings.qec,
            factory=settings.factory, error_budget=settings.error_budget, second_opinion=second_opinion)
    except QResourceError as exc:
        return "refused", str(exc)


class Estimates:
    """Physical estimates of one report run, each distinct :data:`UnitKey` computed once.

    ``workers`` local processes or the Dask cluster at ``scheduler`` (kept from the first batch
    to :meth:`close`; an unreachable scheduler fails here, at once; local workers start here and
    load the estimator while the report computes its logical tables) run each batch handed to
    :meth:`prepare`; :meth:`get` answers from what was prepared and computes a unit nobody
    prepared here, in this process. ``progress(done, total)`` follows the estimates run in
    batches.
    """

    def __init__(self, workers: int = 1, scheduler: str | None = None, progress: Progress | None = None):
        # the second opinion is Qualtran's surface-code model
        self.runner = Runner(workers, scheduler, preload=(*WORKER_PRELOAD, __name__, "qualtran.surface_code"))
        self.runner.start()
        self.progress = progress
        self._answers: dict[UnitKey, tuple[str, Any]] = {}
        self._done = 0
        self._total = 0

    def prepare(self, keys: Iterable[UnitKey]) -> None:
        """Estimate every key not answered yet, as one batch of parallel tasks."""
        missing = list(dict.fromkeys(key for key in keys if self._known(key) is None))
        if not missing:
            return
        # widest units first: qre's time grows with the logical qubits, and a round of a search
        # ends with its slowest estimate, so the longest start while the others fill the workers
        missing.sort(key=lambda key: -int(key[0].qubits))
        tasks = [Task(f"physical estimate of {unit.toffoli} Toffolis x {repetitions} on {settings.architecture}",
                      estimate_or_refusal, (unit, repetitions, t_outside, second_opinion, settings))
                 for unit, repetitions, t_outside, second_opinion, settings in missing]
        self._total += len(tasks)
        done_before = self._done

        def batch_progress(done: int, _total: int) -> None:
            self._done = done_before + done
            if self.progress is not None:
                self.progress(self._done, self._total)

        batch_progress(0, len(tasks))
        answers = self.runner.run(tasks, batch_progress)
        self._answers.update(zip(missing, answers))

    def _known(self, key: UnitKey) -> tuple[str, Any] | None:
        """The answer to ``key`` if known: asked for itself, or without the second opinion where
        the same unit was estimated with it (the same block but ``qualtran_gidney_fowler``)."""
        if key in self._answers:
            return self._answers[key]
        unit, repetitions, t_outside, second_opinion, settings = key
        with_second = self._answers.get((unit, repetitions, t_outside, True, settings))
        if second_opinion or with_second is None:
            return None
        kind, value = with_second
        return (kind, {**value, "qualtran_gidney_fowler": None}) if kind == "estimate" else with_second

    def get(self, key: UnitKey) -> dict[str, Any]:
        """The physical block of ``key``; raises the estimator's refusal as a QResourceError."""
        if self._known(key) is None:
            self._answers[key] = estimate_or_refusal(*key)
        kind, value = self._known(key)
        if kind == "refused":
            raise QResourceError(value)
        return value

    def close(self) -> None:
        """Stop the workers (the answers stay)."""
        self.runner.close()

    @property
    def count(self) -> int:
        """Distinct units estimated so far."""
        return len(self._answers)
