"""What reaches the process's standard output and standard error, at the file-descriptor level.

``contextlib.redirect_stdout`` replaces ``sys.stdout`` only: native code (a Rust parser, an ANTLR
runtime, a C library) writes to file descriptors 1 and 2 directly, past it. ``captured_fds``
points both descriptors at files of its own for the duration, so those writes are seen too, and
restores them whether the body returns or raises.
"""

from __future__ import annotations

import contextlib
import os
import sys
import tempfile
from dataclasses import dataclass


@dataclass
class Captured:
    """Bytes written to file descriptors 1 and 2 (filled in when the ``with`` block ends)."""

    stdout: bytes = b""
    stderr: bytes = b""

    @property
    def text(self) -> str:
        return (self.stdout + self.stderr).decode("utf-8", "replace")


@contextlib.contextmanager
def captured_fds():
    """Capture everything written to file descriptors 1 and 2, Python's and native code's."""
    for stream in (sys.stdout, sys.stderr, sys.__stdout__, sys.__stderr__):
        with contextlib.suppress(Exception):
            stream.flush()
    captured = Captured()
    saved = {fd: os.dup(fd) for fd in (1, 2)}
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        os.dup2(out.fileno(), 1)
        os.dup2(err.fileno(), 2)
        try:
            yield captured
        finally:
            for stream in (sys.__stdout__, sys.__stderr__):
                with contextlib.suppress(Exception):
                    stream.flush()
            for fd, copy in saved.items():
                os.dup2(copy, fd)
                os.close(copy)
            out.seek(0)
            err.seek(0)
            captured.stdout, captured.stderr = out.read(), err.read()


@contextlib.contextmanager
def nothing_printed():
    """Fail if anything reaches file descriptors 1 or 2 during the block, also when the block
    raises (a refused input is exactly where a parser prints its own diagnostics)."""
    raised: BaseException | None = None
    with captured_fds() as captured:
        try:
            yield
        except BaseException as exc:  # noqa: BLE001 - checked below, then raised again
            raised = exc
    assert not (captured.stdout or captured.stderr), f"printed: {captured.text[:300]!r}" + (
        f" (and then raised {raised.__class__.__name__}: {raised})" if raised is not None else "")
    if raised is not None:
        raise raised
