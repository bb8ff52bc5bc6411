"""File input and output: atomic writes, and JSON instance files read with one-line errors."""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from pathlib import Path
from typing import Any, Iterator, TextIO

from qresource.core.errors import QResourceError


@contextlib.contextmanager
def _atomic_handle(path: str | os.PathLike, mode: str, **open_args) -> Iterator[Any]:
    """A handle on a temporary file beside ``path``, renamed over it when the block ends
    normally; an exception in the block removes the temporary file and leaves ``path`` alone."""
    target = Path(path)
    directory = target.parent if str(target.parent) else Path(".")
    if not directory.is_dir():
        raise QResourceError(f"cannot write {target}: directory {directory} does not exist")
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=directory)
    try:
        # mkstemp creates the file private (0600); outputs get the permissions of an ordinary file.
        os.fchmod(fd, 0o666 & ~_current_umask())
        with os.fdopen(fd, mode, **open_args) as handle:
            yield handle
        os.replace(tmp_name, target)
    except BaseException:
        try:
            os.unlink(tmp_name)
        except FileNotFoundError:
            pass
        raise


def _current_umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def atomic_write_bytes(path: str | os.PathLike, data: bytes) -> Path:
    """Write ``data`` to ``path`` so that readers see either the old file or the whole new one."""
    with _atomic_handle(path, "wb") as handle:
        handle.write(data)
    return Path(path)


def atomic_write_text(path: str | os.PathLike, text: str) -> Path:
    return atomic_write_bytes(path, text.encode("utf-8"))


def atomic_text_writer(path: str | os.PathLike) -> contextlib.AbstractContextManager[TextIO]:
    """Stream text to ``path`` atomically: readers see the old file or the whole new one."""
    return _atomic_handle(path, "w", encoding="utf-8", newline="\n")


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
