"""Atomic writes: whole file or nothing, with ordinary permissions."""

from __future__ import annotations

import os
import stat

import pytest

from qresource.core.errors import QResourceError
from qresource.core.io import atomic_text_writer, atomic_write_text


def test_written_file_has_umask_permissions(tmp_path):
    mask = os.umask(0o022)
    try:
        target = atomic_write_text(tmp_path / "out.txt", "hello")
    finally:
        os.umask(mask)
    assert target.read_text() == "hello"
    assert stat.S_IMODE(target.stat().st_mode) == 0o644


def test_failure_inside_stream_leaves_old_file_and_no_temporary(tmp_path):
    target = tmp_path / "out.txt"
    target.write_text("old")
    with pytest.raises(RuntimeError):
        with atomic_text_writer(target) as handle:
            handle.write("partial")
            raise RuntimeError("boom")
    assert target.read_text() == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.txt"]


def test_missing_directory_is_one_line_error(tmp_path):
    with pytest.raises(QResourceError, match="does not exist"):
        atomic_write_text(tmp_path / "nope" / "out.txt", "x")
