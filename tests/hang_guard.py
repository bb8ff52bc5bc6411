"""A SIGALRM deadline for fuzzing: a call that outlives it raises TimeoutError (a hang)."""

from __future__ import annotations

import contextlib
import signal


@contextlib.contextmanager
def alarm(seconds: int):
    def on_alarm(signum, frame):
        raise TimeoutError(f"no answer within {seconds} s")

    previous = signal.signal(signal.SIGALRM, on_alarm)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
