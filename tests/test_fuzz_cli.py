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

import collections
import contextlib
import functools
import io
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import click
import pytest
from fd_capture import captured_fds
from hang_guard import alarm
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

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
SLOW_COMMANDS = {"report", "table", "breakeven", "validate grover", "validate oracle", "validate qlaci", "validate qram"}
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
    # Qiskit's native OpenQASM 3 importer prints diagnostics on file descriptor 1 for the first
    # and panics, printing on file descriptor 2, on the second.
    "qasm3_undefined_gate": b"OPENQASM 3.0;\nfoo q[0];\n",
    "qasm3_bare_block": b"{}",
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
            handle.write(json.dumps({"file": __name__, **TRIED, "findings": FINDINGS,
                                     "body": {name: dict(c) for name, c in sorted(BODY.items())}}) + "\n")






#: Per command: invocations tried, and how many of them got past click's parsing into the
#: command's own function (its callback ran). "hostile" is the fuzzer below that draws any value
#: for any option; "well_formed" draws values each option's type accepts (see further down).
BODY: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)
_BODY_CALLS: collections.Counter = collections.Counter()


def _count_body_calls() -> None:
    """Wrap every command's callback once, so that each call into a command's own code counts."""
    for path, command in COMMANDS:
        if getattr(command.callback, "__counted__", False):
            continue
        original = command.callback

        @functools.wraps(original)
        def counted(*args, __original=original, __name=" ".join(path), **kwargs):
            _BODY_CALLS[__name] += 1
            return __original(*args, **kwargs)

        counted.__counted__ = True
        command.callback = counted


_count_body_calls()


def run_main(argv: list[str], tally: str | None = None) -> tuple[int, str, str]:
    """``qresource.cli.main(argv)`` in-process: exit status, stdout, stderr.

    Both streams are captured twice: at the Python level (``sys.stdout``, which click writes to)
    and at the file-descriptor level, where native code (Qiskit's Rust parsers, ANTLR) writes past
    ``sys.stdout``. The two are joined, so the contract below sees every byte the process would
    have shown. With ``tally``, whether the command's own function ran is counted under it.
    """
    out, err = io.StringIO(), io.StringIO()
    code = 0
    command = " ".join(argv[:2]) if argv and argv[0] in ("estimate", "export", "validate") else (argv[:1] or [""])[0]
    before = _BODY_CALLS[command]
    start = time.perf_counter()
    with captured_fds() as native:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err), alarm(HANG_SECONDS):
            try:
                main(argv)
            except SystemExit as exc:
                code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    if tally is not None:
        BODY[command][f"{tally}_tried"] += 1
        BODY[command][f"{tally}_reached"] += _BODY_CALLS[command] > before
        BODY[command][f"{tally}_ms"] += int(1000 * (time.perf_counter() - start))
        if os.environ.get("QRESOURCE_FUZZ_TRACE"):
            with open(os.environ["QRESOURCE_FUZZ_TRACE"], "a", encoding="utf-8") as trace:
                trace.write(json.dumps({"argv": argv, "code": code, "s": round(time.perf_counter() - start, 2),
                                        "stderr": err.getvalue()[-300:]}) + "\n")
    stdout = out.getvalue() + native.stdout.decode("utf-8", "replace")
    stderr = err.getvalue() + native.stderr.decode("utf-8", "replace")
    return code, stdout, stderr


def check_contract(path: tuple[str, ...], argv: list[str], code: int, stdout: str, stderr: str):
    where = f"qresource {' '.join(argv)!r}"
    assert "Traceback" not in stderr and "Traceback" not in stdout, where
    if code != 0:
        assert not stdout.strip(), f"{where}: failed, and printed on stdout: {stdout[:300]!r}"
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
        code, stdout, stderr = run_main(argv, tally="hostile")
        check_contract(path, argv, code, stdout, stderr)
        if code == 0 and "--json" in argv and "--help" not in argv:
            json.loads(stdout, parse_constant=refuse_constant)  # strict JSON: no NaN
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
        if name.startswith(("empty", "binary", "nul", "missing", "a_directory", "qasm_truncated", "qasm_huge",
                            "qasm3_deep", "qasm3_undefined_gate", "qasm3_bare_block")):
            assert code != 0, f"qresource {argv}: accepted {name}"


#: Each case costs an interpreter start: a few that only a real process shows (the OpenQASM 2
#: reader's native code aborts on integers over 64 bits, printing to file descriptor 2).
SUBPROCESS_CASES = [
    ["count", "{hostile}/qasm_huge_register"],
    ["count", "{hostile}/qasm3_undefined_gate"],
    ["count", "{hostile}/qasm3_bare_block"],
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


# --- Fuzzing that reaches the commands' own code --------------------------------------------------
#
# The fuzzer above draws any text for any option, so most of its examples stop at click's
# parsing (a usage error, exit 2) before a command's own function runs. The one below walks the
# same option tree but draws, for each option, only values its own type accepts: numbers inside
# the declared bounds yet hostile to the work (the bounds themselves, odd and huge sizes, 2**62,
# precisions near 0 and 1), every choice, and files of the right kind for the option (a table
# file for --data, an instance for --instance, OpenQASM for count) whose contents are
# well-formed JSON or OpenQASM with hostile values. Each command must mostly get past parsing.

#: Sizes and numbers a caller may pass; each option keeps those its type converts.
HOSTILE_NUMBERS = [
    "0", "1", "2", "3", "5", "7", "15", "17", "63", "65", "1000", "2**20", "2**20+1", "2**31",
    "2**40", "2**62", "2**63", "2**64", "2**100", "-1", "-2**62",
    "1e-300", "5e-324", "1e-30", "1e-12", "1e-6", "0.4999999", "0.5", "0.999999999999", "1.0000001",
    "1e300", "-1e300", "-0.0", "3,5", "2**3..2**5", "2..3", "2**62,2", "1K", "1G", "1P",
]
#: Small values, so that an invocation mostly carries one or two hostile values among sane ones.
PLAUSIBLE = {
    "--n": ["16", "8", "4"], "--k": ["1", "2"], "--d": ["2", "4"], "--bits": ["4", "3"],
    "--seed": ["0", "5"], "--shots": ["100", "0"], "--layers": ["1"], "--dq": ["2", "1"],
    "--kv": ["1"], "--out": ["1"], "--angle-bits": ["4"], "--eps": ["0.1", "0.01"],
    "--delta": ["0.1", "0.01"], "--tau": ["1.0", "0.5"], "--error-budget": ["0.01"],
    "--max-memory": ["64M", "67108864"], "--block-size": ["2"], "--utilisation": ["0.5"], "--shot-share": ["0.8"],
    "--primitive": ["classical", "attention-query", "qram", "attention-circuit"],
    "--basis": ["clifford_t"],
}
PRIMITIVE_WORDS = ["attention-query", "attention-circuit", "classical", "qram", "qlaci", "qram,classical",
                   "nonsense", "classical,classical", ""]

#: Well-formed files with hostile contents, by the option they are for.
QRAM_TABLES = {
    "ok": {"data": [3, 1, 4, 1, 5, 0, 2, 6], "bits": 3},
    "one_word": {"data": [1], "bits": 1},
    "three_words": {"data": [1, 2, 3], "bits": 2},
    "word_too_wide": {"data": [5, 1], "bits": 2},
    "negative_word": {"data": [-1, 1], "bits": 2},
    "fractional_word": {"data": [1.5, 2], "bits": 2},
    "booleans": {"data": [True, False], "bits": 1},
    "zero_bits": {"data": [1, 0], "bits": 0},
    "huge_bits": {"data": [1, 0], "bits": 2**62},
    "huge_word": {"data": [2**62, 1], "bits": 63},
    "empty": {"data": [], "bits": 4},
    "extra_key": {"data": [1, 2], "bits": 2, "note": "x"},
    "wide_table": {"data": [i % 5 for i in range(1024)], "bits": 3},
}
ORACLE_INSTANCES = {
    "ok": {"q": [1, -1], "K": [[1, 0], [0, 1], [1, 1], [-1, 1]], "tau": 1, "bits": 4},
    "one_key": {"q": [1, -1], "K": [[1, 0]], "tau": 1, "bits": 4},
    "ragged": {"q": [1, -1], "K": [[1, 0], [1]], "tau": 1, "bits": 4},
    "three_keys": {"q": [1], "K": [[1], [0], [1]], "tau": 1, "bits": 3},
    "seventeen_keys": {"q": [1], "K": [[j % 3] for j in range(17)], "tau": 2, "bits": 3},
    "all_marked": {"q": [1, 1], "K": [[1, 1]] * 4, "tau": -100, "bits": 4},
    "none_marked": {"q": [1, 1], "K": [[1, 1]] * 4, "tau": 100, "bits": 4},
    "huge_tau": {"q": [1], "K": [[1], [0]], "tau": 1e308, "bits": 4},
    "one_bit": {"q": [1], "K": [[1], [0]], "tau": 1, "bits": 1},
    "wide_bits": {"q": [1], "K": [[1], [0]], "tau": 1, "bits": 64},
    "huge_entries": {"q": [2**62], "K": [[2**62], [1]], "tau": 1, "bits": 8},
    "fractions": {"q": [0.3, -0.7], "K": [[0.1, 0.2], [0.5, -0.25]], "tau": 0.01, "bits": 4},
    "empty_query": {"q": [], "K": [[], []], "tau": 0, "bits": 4},
    "attention": {"Q": [[1.0, 0.0], [0.0, 1.0]], "K": [[1.0, 0.0], [0.0, 1.0]], "V": [[1.0], [2.0]], "tau": 0.5},
}
QASM_FILES = {
    "ok2": 'OPENQASM 2.0;\ninclude "qelib1.inc";\nqreg q[3];\nccx q[0],q[1],q[2];\nrz(0.3) q[1];\n',
    "ok3": 'OPENQASM 3.0;\ninclude "stdgates.inc";\nqubit[2] q;\nbit[2] c;\nfor int i in [0:2] { t q[0]; }\n'
           "c[0] = measure q[0];\nif (c[0]) { z q[1]; }\nrx(0.7) q[1];\n",
    "tiny_angle": 'OPENQASM 2.0;\ninclude "qelib1.inc";\nqreg q[1];\nrz(1e-300) q[0];\nrz(0) q[0];\n',
    "many_rotations": 'OPENQASM 2.0;\ninclude "qelib1.inc";\nqreg q[1];\n' + "rz(0.1234) q[0];\n" * 2000,
    "undefined_gate": "OPENQASM 3.0;\nfoo q[0];\n",
    "bare_block": "{}",
    "undefined_qubit": 'OPENQASM 3.0;\ninclude "stdgates.inc";\nh r[0];\n',
    "huge_loop": 'OPENQASM 3.0;\ninclude "stdgates.inc";\nqubit q;\nfor int i in [0:4611686018427387904] { t q; }\n',
    "while": 'OPENQASM 3.0;\ninclude "stdgates.inc";\nqubit q;\nbit c;\nwhile (c) { h q; c = measure q; }\n',
    "huge_register": "OPENQASM 2.0;\nqreg q[4611686018427387904];\n",
}
#: Output locations: a fresh file, and places where it cannot be written.
OUTPUT_PLACES = ["fresh.out", "fresh.csv", "fresh.json", "missing_dir/x.out", "a_file/x.out"]
#: Output directories that the report must refuse before doing its (minute-long) work.
OUTPUT_DIRS = ["a_file/sub", "/dev/null/sub", "/proc/self/no/such", "x" * 300]


@pytest.fixture(scope="module")
def well_formed_dir(tmp_path_factory):
    directory = tmp_path_factory.mktemp("well_formed")
    for group, files in (("qram", QRAM_TABLES), ("instance", ORACLE_INSTANCES)):
        for name, data in files.items():
            (directory / f"{group}_{name}.json").write_text(json.dumps(data))
    for name, text in QASM_FILES.items():
        (directory / f"{name}.qasm").write_text(text)
    (directory / "a_file").write_text("a regular file\n")
    return directory


def _accepted(param: click.Parameter, values) -> list[str]:
    """The values the option's own type converts without complaint: well-formed for it."""
    kept = []
    for value in values:
        try:
            param.type.convert(value, param, None)
        except (click.BadParameter, click.UsageError, ValueError, TypeError, OverflowError):
            continue
        kept.append(value)
    return kept


def well_formed_values(param: click.Parameter, directory: Path, out_dir: Path):
    """A strategy of values ``param``'s type accepts, hostile to the command's work."""
    name = param.opts[-1] if isinstance(param, click.Option) else param.name
    kind = param.type
    if isinstance(param, click.Argument):  # count FILE
        return st.sampled_from([str(directory / f"{n}.qasm") for n in QASM_FILES])
    if isinstance(kind, click.Path):
        if kind.dir_okay and not kind.file_okay:
            return st.sampled_from([str(directory / d) if not d.startswith("/") else d for d in OUTPUT_DIRS])
        if name == "--output":
            return st.sampled_from([str(out_dir / p) if not p.startswith("a_file") else str(directory / p)
                                    for p in OUTPUT_PLACES])
        group = "qram" if name == "--data" else "instance"
        files = QRAM_TABLES if group == "qram" else ORACLE_INSTANCES
        return st.sampled_from([str(directory / f"{group}_{n}.json") for n in files])
    if isinstance(kind, click.Choice):
        return st.sampled_from(list(kind.choices))
    if name == "--primitive":
        return st.sampled_from(PRIMITIVE_WORDS)
    choices = getattr(kind, "choices", None)
    if choices:  # comma lists of names (table --loader, --hardware)
        return st.lists(st.sampled_from(list(choices)), min_size=1, max_size=3, unique=True).map(",".join)
    plausible = _accepted(param, PLAUSIBLE.get(name, ["4", "2", "0.1", "1"]))
    # A memory limit is hostile when tiny; a huge one would only let a legitimately long job run.
    pool = ["0", "1", "1K", "1000"] if name == "--max-memory" else HOSTILE_NUMBERS
    hostile = _accepted(param, pool) or plausible or ["x"]
    plausible = plausible or hostile
    return st.integers(0, 9).flatmap(lambda roll: st.sampled_from(plausible if roll < 6 else hostile))


@st.composite
def well_formed_invocations(draw, command: click.Command, directory: Path, out_dir: Path):
    argv: list[str] = []
    for param in command.params:
        if isinstance(param, click.Argument):
            argv.append(draw(well_formed_values(param, directory, out_dir)))
            continue
        if not isinstance(param, click.Option) or "--help" in param.opts:
            continue
        flag = param.opts[-1] if param.opts[-1].startswith("--") else param.opts[0]
        if param.is_flag:
            if draw(st.integers(0, 2)) == 0:
                argv.append(flag)
            continue
        # An output directory is always given (one of the places that must be refused):
        # without it, report and profile would run their whole, minute-long job in place.
        always = isinstance(param.type, click.Path) and param.type.dir_okay and not param.type.file_okay
        if param.required or always or draw(st.integers(0, 2)) == 0:
            argv.extend([flag, draw(well_formed_values(param, directory, out_dir))])
    return argv


#: Examples per command for the well-formed fuzzer, and the share of them that must reach the
#: command's own code.
WELL_FORMED_EXAMPLES = int(os.environ.get("QRESOURCE_FUZZ_EXAMPLES", 0)) or 6
MOST = 0.75


@pytest.mark.parametrize("path,command", BUILT, ids=[" ".join(p) for p, _ in BUILT])
def test_fuzz_well_formed_values_reach_each_command(path, command, well_formed_dir, tmp_path_factory, monkeypatch):
    out_dir = tmp_path_factory.mktemp("out")
    monkeypatch.chdir(tmp_path_factory.mktemp("cwd"))
    # Sizes inside the options' bounds can ask for hours of legitimate work (an export of 2**20
    # words); a small memory limit makes the guards refuse those at once, which is the path
    # worth fuzzing.
    monkeypatch.setenv("QRESOURCE_MAX_MEMORY", "256M")
    name = " ".join(path)

    # No shrinking: a failing example is reported as drawn (shrinking would rerun slow ones).
    @settings(max_examples=WELL_FORMED_EXAMPLES, deadline=None, derandomize=True, database=None,
              phases=(Phase.generate,), suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
    @given(args=well_formed_invocations(command, well_formed_dir, out_dir))
    def fuzz(args):
        for leftover in out_dir.iterdir():
            leftover.unlink()
        argv = [*path, *args]
        TRIED["argv"] += 1
        code, stdout, stderr = run_main(argv, tally="well_formed")
        check_contract(path, argv, code, stdout, stderr)
        if code == 0 and "--json" in argv:
            json.loads(stdout, parse_constant=refuse_constant)
        if code != 0:
            assert not list(out_dir.iterdir()), f"qresource {argv}: failed but left {list(out_dir.iterdir())}"

    fuzz()
    counts = BODY[name]
    reached, tried = counts["well_formed_reached"], counts["well_formed_tried"]
    assert reached >= MOST * tried, f"{name}: only {reached} of {tried} well-formed invocations got past parsing"
