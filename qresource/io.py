"""File input and output: atomic writes, and JSON instance files read with one-line errors."""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from pathlib import Path
from typing import Any, Iterator, TextIO

from qresource.errors import QResourceError


def atomic_write_bytes(path: str | os.PathLike, data: bytes) -> Path:
    """Write ``data`` to ``path`` so that readers see either the old file or the whole new one.

    The bytes go to a temporary file in the same directory, which is renamed over ``path`` only
    after it is complete; an exception on the way leaves no partial file behind.
    """
    target = Path(path)
    directory = target.parent if str(target.parent) else Path(".")
    if not directory.is_dir():
        raise QResourceError(f"cannot write {target}: directory {directory} does not exist")
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp_name, target)
    except BaseException:
        try:
            os.unlink(tmp_name)
        except FileNotFoundError:
            pass
        raise
    return target


def atomic_write_text(path: str | os.PathLike, text: str) -> Path:
    return atomic_write_bytes(path, text.encode("utf-8"))


@contextlib.contextmanager
def atomic_text_writer(path: str | os.PathLike) -> Iterator[TextIO]:
    """Stream text to ``path`` atomically: readers see the old file or the whole new one.

    Yields a text handle on a temporary file in the same directory, renamed over ``path`` when
    the block ends normally; an exception in the block removes it and leaves ``path`` alone.
    """
    target = Path(path)
    directory = target.parent if str(target.parent) else Path(".")
    if not directory.is_dir():
        raise QResourceError(f"cannot write {target}: directory {directory} does not exist")
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            yield handle
        os.replace(tmp_name, target)
    except BaseException:
        try:
            os.unlink(tmp_name)
        except FileNotFoundError:
            pass
        raise


def read_json_file(path: str | os.PathLike) -> Any:
    """Parse a JSON file, turning every failure into a one-line ``QResourceError``."""
    source = Path(path)
    try:
        text = source.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise QResourceError(f"{source}: no such file") from None
    except IsADirectoryError:
        raise QResourceError(f"{source}: is a directory, expected a JSON file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise QResourceError(f"{source}: cannot read ({exc.__class__.__name__})") from None
    try:
        return json.loads(text, parse_constant=_refuse_non_finite)
    except json.JSONDecodeError as exc:
        raise QResourceError(
            f"{source}:{exc.lineno}:{exc.colno}: malformed JSON ({exc.msg})"
        ) from None
    except RecursionError:
        raise QResourceError(f"{source}: JSON nested too deeply") from None
    except ValueError as exc:  # NaN/Infinity, or an integer of more than 4300 digits
        raise QResourceError(f"{source}: {' '.join(str(exc).split(';')[0].split())}") from None


def _refuse_non_finite(name: str) -> None:
    raise ValueError(f"non-finite number {name} is not allowed")
