"""The console script itself: help, version, and one-line refusals."""

from __future__ import annotations

import subprocess
import sys

import pytest

from qresource import __version__


def run_cli(*args: str, input_text: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "qresource", *args],
        capture_output=True,
        text=True,
        input=input_text,
        timeout=300,
    )


def test_version_matches_package():
    result = run_cli("--version")
    assert result.returncode == 0
    assert __version__ in result.stdout


@pytest.mark.parametrize("group", ["estimate", "export", "validate"])
def test_every_group_has_help(group):
    result = run_cli(group, "--help")
    assert result.returncode == 0
    assert "Usage:" in result.stdout


def test_unknown_subcommand_is_one_line_and_nonzero():
    result = run_cli("estimate", "no-such-primitive")
    assert result.returncode != 0
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.stderr
