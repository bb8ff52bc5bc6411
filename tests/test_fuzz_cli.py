"""Hostile input against every command the CLI has: random and adversarial option values and
files, driven in-process (click's CliRunner and ``qresource.cli.main``) and as a subprocess.

The contract checked for every input (docs/architecture.md, "Conventions"):

- success, or one line on stderr starting ``qresource: error:`` and a non-zero exit;
- never a traceback, never an internal error (exit status 70) outside the list of known
  findings below;
- no output file left behind by a failed command, and no temporary file either;
- no hang: each invocation runs under an alarm.

The commands are discovered by walking the click groups, so commands added later are fuzzed
without touching this file.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings, strategies as st

from hang_guard import alarm
from qresource.cli import main
from qresource.cli.app import cli

#: Exit status ``qresource.cli.main`` gives to an exception no module turned into a user error.
INTERNAL_ERROR = 70
#: Seconds any one invocation may take before it counts as a hang.
HANG_SECONDS = 60
#: Known findings in code this file does not own: (command path, exception class) -> what was
#: found. Inputs that hit one are tolerated (and counted); anything else fails the test.
KNOWN_FINDINGS: dict[tuple[str, str], str] = {}

TRIED = {"argv": 0, "files": 0, "subprocess": 0}
FINDINGS: list[str] = []


def leaf_commands(group: click.Group = cli, prefix: tuple[str, ...] = ()):
    """Every runnable command, as (argv prefix, click command), in a stable order."""
    out = []
    for name in sorted(group.commands):
        command = group.commands[name]
        path = prefix + (name,)
        if isinstance(command, click.Group):
            out.extend(leaf_commands(command, path))
        else:
            out.append((path, command))
    return out


cli.load_all()
COMMANDS = leaf_commands()
BUILT = [(path, cmd) for path, cmd in COMMANDS if "(not built yet)" not in (cmd.help or "")]
#: The fuzzing budget is shared among the commands that exist, so the file's run time stays
#: about the same as commands are added.
#: Commands whose success path is long by design (the whole report, default table grids,
#: simulations): a few examples, every option present with a hostile value, so that the fuzzing
#: exercises their error paths without running the work itself.
SLOW_COMMANDS = {"report", "table", "validate grover", "validate oracle", "validate qlaci", "validate qram"}
SLOW_EXAMPLES = 4
FAST = [p for p, _ in BUILT if " ".join(p) not in SLOW_COMMANDS]
EXAMPLES_PER_COMMAND = int(os.environ.get("QRESOURCE_FUZZ_EXAMPLES", 0)) or max(6, 150 // max(1, len(FAST)))

HOSTILE_TEXT = [
    "", " ", "-1", "0", "1", "2", "3", "-0", "+5", "nan", "NaN", "inf", "-inf", "1e309", "-1e309",
    "1e-400", "1e-320", "0.5", "1.5", "-0.5", "2**300", "2**1000", "10**256", "9" * 400,
    "-99999999999999999999", "abc", "é", "\U0001f642", "١٢", "1,,2", ",", "..", "2**10..2**5",
    "1..100000000", "2**1..2**999", "0x10", "1_000", "1e3", "3.0", "[1,2]", "{}", "null", "true",
    "-", "--", "%s%n", "\t", "1" * 500, "0..0", "2**0..2**3", "1e308", "4.9e-324", "-2**63",
]

HOSTILE_FILES = {
    "empty": b"",
    "binary": bytes(range(256)) * 4,
    "nul": b"\x00" * 64,
    "truncated_json": b'{"data": [1, 2, 3',
    "json_list": b"[]",
    "json_nan": b'{"data": [NaN], "bits": 4}',
    "json_inf": b'{"q": [Infinity], "K": [[1]], "tau": 0, "bits": 4}',
    "json_wrong_types": b'{"q": "x", "K": 3, "tau": [], "bits": "eight", "data": {"a": 1}}',
    "json_huge": b'{"data": [' + b"9" * 5000 + b'], "bits": 8}',
    "json_negative": b'{"data": [-5, 3], "bits": -2}',
    "json_deep": b"[" * 50000,
    "json_ok_qram": b'{"data": [1, 2, 3, 4], "bits": 3}',
    "json_ok_oracle": b'{"q": [1, -1], "K": [[1, 0], [0, 1], [1, 1], [-1, 1]], "tau": 1, "bits": 4}',
    "latin1": "café".encode("latin-1"),
    "unicode_qasm": 'OPENQASM 3.0;\nqubit[1] é;\nh é[0];\n'.encode(),
    "qasm_truncated": b'OPENQASM 2.0;\ninclude "qelib1.inc";\nqreg q[2];\ncx q[0],',
    "qasm_huge_register": b'OPENQASM 2.0;\nqreg q[18446744073709551616];\n',
    "qasm_ok": b'OPENQASM 2.0;\ninclude "qelib1.inc";\nqreg q[3];\nccx q[0],q[1],q[2];\n',
    # Qiskit 2.6's native OpenQASM 3 importer overflows its stack here (a segmentation fault).
    "qasm3_deep": b"OPENQASM 3.0;\nqubit q;\nrz(" + b"(" * 30000 + b"1" + b")" * 30000 + b") q;\n",
}


@pytest.fixture(scope="module")
def hostile_dir(tmp_path_factory):
    directory = tmp_path_factory.mktemp("hostile")
    for name, data in HOSTILE_FILES.items():
        (directory / name).write_bytes(data)
    (directory / "a_directory").mkdir()
    return directory


@pytest.fixture(scope="module", autouse=True)
def tally_report():
    yield
    target = os.environ.get("QRESOURCE_FUZZ_REPORT")
    if target:
        with open(target, "a", encoding="utf-8") as handle:
            handle.write(json.dumps({"file": __name__, **TRIED, "findings": FINDINGS}) + "\n")






def run_main(argv: list[str]) -> tuple[int, str, str]:
    """``qresource.cli.main(argv)`` in-process: exit status, stdout, stderr."""
    out, err = io.StringIO(), io.StringIO()
    code = 0
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err), alarm(HANG_SECONDS):
        try:
            main(argv)
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    return code, out.getvalue(), err.getvalue()


def check_contract(path: tuple[str, ...], argv: list[str], code: int, stdout: str, stderr: str):
    where = f"qresource {' '.join(argv)!r}"
    assert "Traceback" not in stderr and "Traceback" not in stdout, where
    if code != 0:
        lines = [line for line in stderr.splitlines() if line.strip()]
        assert len(lines) == 1, f"{where}: stderr has {len(lines)} lines: {stderr[:500]!r}"
        assert lines[0].startswith("qresource: error:"), f"{where}: {lines[0]!r}"
        if code == INTERNAL_ERROR:
            kind = lines[0].split("internal error (", 1)[-1].split(":", 1)[0]
            key = (" ".join(path), kind)
            FINDINGS.append(f"{where} -> {lines[0]}")
            assert key in KNOWN_FINDINGS, f"{where}: internal error: {lines[0]}"


def refuse_constant(name: str):
    raise AssertionError(f"--json printed {name}, which is not JSON")


def option_values(param: click.Parameter, hostile_dir: Path, hostile_only: bool = False):
    """A strategy of values for one option: mostly plausible, often hostile (always hostile
    with ``hostile_only``, and then never an existing directory)."""
    plausible: list[str] = []
    kind = param.type
    if isinstance(kind, click.Choice):
        plausible = list(kind.choices)
    elif isinstance(kind, click.types.FloatParamType) or kind.name.upper() in ("FLOAT", "EPS"):
        plausible = ["0.1", "0.01", "1e-3", "0.5"]
    elif kind.name.upper() in ("INT", "INTS", "INTEGER"):
        plausible = ["4", "8", "16", "2", "3"]
    elif kind.name.upper() == "SIZE":
        plausible = ["1G", "100M"]
    else:
        plausible = [str(hostile_dir / name) for name in HOSTILE_FILES] + ["8"]
    files = [str(hostile_dir / name) for name in (*HOSTILE_FILES, "a_directory", "missing")]
    if hostile_only:
        # Existing regular files: hostile to every option, including output directories, which
        # must refuse them instead of running the whole job.
        return st.sampled_from([str(hostile_dir / name) for name in HOSTILE_FILES] + ["-1", "nan", "1e309"])
    hostile = st.one_of(
        st.sampled_from(HOSTILE_TEXT),
        st.sampled_from(files),
        st.text(max_size=12),
        st.integers(-(2**70), 2**70).map(str),
        st.floats(allow_nan=True, allow_infinity=True).map(repr),
    )
    # Mostly plausible values, so that most invocations carry one or two hostile values and
    # reach the code behind the option parsers.
    return st.integers(0, 9).flatmap(lambda roll: st.sampled_from(plausible) if roll < 6 else hostile)


@st.composite
def invocations(draw, command: click.Command, hostile_dir: Path, hostile_only: bool = False):
    argv: list[str] = []
    for param in command.params:
        if isinstance(param, click.Argument):
            argv.append(draw(option_values(param, hostile_dir, hostile_only)))
            continue
        if not isinstance(param, click.Option) or "--help" in param.opts:
            continue
        flag = param.opts[-1] if param.opts[-1].startswith("--") else param.opts[0]
        if param.is_flag:
            if not hostile_only and draw(st.booleans()):
                argv.append(flag)
            continue
        if param.required or hostile_only or draw(st.integers(0, 3)) == 0:
            argv.extend([flag, draw(option_values(param, hostile_dir, hostile_only))])
    if draw(st.integers(0, 9)) == 0:
        argv.insert(draw(st.integers(0, len(argv))), draw(st.sampled_from(["--bogus", "-x", "--json=3", "extra"])))
    return argv


def strip_text(values: list[str]) -> list[str]:
    # argv cannot carry NUL bytes to a subprocess; in-process they are fine but say nothing new.
    return [v.replace("\x00", "") for v in values]


@pytest.mark.parametrize("path,command", BUILT, ids=[" ".join(p) for p, _ in BUILT])
def test_fuzz_command_in_process(path, command, hostile_dir, tmp_path_factory, monkeypatch):
    output_dir = tmp_path_factory.mktemp("out")
    # Commands with default output locations (the report's reports/) write into a scratch
    # folder, never into the working tree.
    monkeypatch.chdir(tmp_path_factory.mktemp("cwd"))
    has_output = any(isinstance(p, click.Option) and "--output" in p.opts for p in command.params)
    slow = " ".join(path) in SLOW_COMMANDS

    @settings(max_examples=SLOW_EXAMPLES if slow else EXAMPLES_PER_COMMAND, deadline=None,
              derandomize=True, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
    @given(args=invocations(command, hostile_dir, hostile_only=slow))
    def fuzz(args):
        args = strip_text(args)
        target = output_dir / "result.out"
        if has_output:
            if target.exists():
                target.unlink()
            args = [*args, "--output", str(target)]
        argv = [*path, *args]
        TRIED["argv"] += 1
        with alarm(HANG_SECONDS):
            result = CliRunner().invoke(cli, argv, catch_exceptions=True)
        if result.exit_code == 0 and result.exception is None and "--json" in argv and "--help" not in argv:
            json.loads(result.stdout, parse_constant=refuse_constant)  # strict JSON: no NaN
        if result.exit_code != 0 or result.exception is not None:
            code, stdout, stderr = run_main(argv)
            check_contract(path, argv, code, stdout, stderr)
            if has_output and code != 0:
                assert not target.exists(), f"qresource {argv}: failed but left {target}"
        assert not [p for p in output_dir.iterdir() if p.name.endswith(".tmp")], "temporary file left"

    fuzz()


def test_fuzz_top_level_argv(hostile_dir, tmp_path, monkeypatch):
    """Random words at the top level: unknown commands, options and stray values."""
    monkeypatch.chdir(tmp_path)
    # Top-level commands that run a long job when called bare are left to their own fuzzing.
    words = [p[0] for p, _ in COMMANDS if p[0] not in SLOW_COMMANDS] + [
        "estimate", "export", "validate", "--json", "--help", "--version", "-h"] + HOSTILE_TEXT

    @settings(max_examples=40, deadline=None, derandomize=True)
    @given(argv=st.lists(st.one_of(st.sampled_from(words), st.text(max_size=8)), min_size=1, max_size=4))
    def fuzz(argv):
        argv = strip_text(argv)
        TRIED["argv"] += 1
        code, stdout, stderr = run_main(argv)
        check_contract(("<top>",), argv, code, stdout, stderr)

    fuzz()


FILE_COMMANDS = [(p, c) for p, c in BUILT if any(isinstance(x, click.Argument) for x in c.params)]


@pytest.mark.parametrize("name", [*HOSTILE_FILES, "a_directory", "missing"])
def test_every_hostile_file_through_every_file_command(name, hostile_dir):
    for path, command in FILE_COMMANDS:
        argv = [*path, str(hostile_dir / name)]
        TRIED["files"] += 1
        code, stdout, stderr = run_main(argv)
        check_contract(path, argv, code, stdout, stderr)
        if name.startswith(("empty", "binary", "nul", "missing", "a_directory", "qasm_truncated", "qasm_huge", "qasm3_deep")):
            assert code != 0, f"qresource {argv}: accepted {name}"


#: Each case costs an interpreter start: a few that only a real process shows (the OpenQASM 2
#: reader's native code aborts on integers over 64 bits, printing to file descriptor 2).
SUBPROCESS_CASES = [
    ["count", "{hostile}/qasm_huge_register"],
    ["count", "{hostile}/qasm3_deep"],
    ["estimate", "classical", "--n", "2**1000", "--d", "1e309", "--k", "1"],
]


@pytest.mark.parametrize("case", SUBPROCESS_CASES, ids=[" ".join(c)[:40] for c in SUBPROCESS_CASES])
def test_subprocess_one_line_and_no_traceback(case, hostile_dir):
    argv = [part.replace("{hostile}", str(hostile_dir)) for part in case]
    TRIED["subprocess"] += 1
    result = subprocess.run([sys.executable, "-m", "qresource", *argv], capture_output=True,
                            text=True, timeout=180, env={**os.environ, "RUST_BACKTRACE": "1"})
    check_contract(tuple(case[:2]), argv, result.returncode, result.stdout, result.stderr)
    assert result.returncode != 0


def test_broken_pipe_is_quiet(hostile_dir):
    """Output piped into a reader that stops early: no traceback, no error line."""
    proc = subprocess.run(
        f"{sys.executable} -m qresource count {hostile_dir / 'qasm_ok'} --json | head -c 1",
        shell=True, capture_output=True, text=True, timeout=180,
    )
    TRIED["subprocess"] += 1
    assert "Traceback" not in proc.stderr and "Exception" not in proc.stderr
