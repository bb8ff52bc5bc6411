"""Runs one golden case in-process and returns what is held: exit code, stdout, output file."""

from __future__ import annotations

import hashlib
import pathlib

from click.testing import CliRunner

from qresource.cli import main  # noqa: F401  (registers every subcommand)
from qresource.cli.app import cli
from tests.golden.cases import CASES, normalised

ROOT = pathlib.Path(__file__).resolve().parents[2]
EXPECTED = pathlib.Path(__file__).resolve().parent / "expected"


def run_case(name: str, work: pathlib.Path) -> str:
    out = work / f"{name}.out"
    argv = [str(out) if a == "OUT" else a for a in CASES[name]]
    result = CliRunner().invoke(cli, argv, catch_exceptions=False, env={"COLUMNS": "100"})
    lines = [f"exit: {result.exit_code}", normalised(result.stdout).replace(str(out), "OUT").rstrip("\n")]
    if out.exists():
        data = out.read_bytes()
        lines.append(f"file: {len(data)} bytes, sha256 {hashlib.sha256(data).hexdigest()}")
    return "\n".join(lines) + "\n"
