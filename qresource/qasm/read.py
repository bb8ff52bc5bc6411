"""Reading OpenQASM 2 and 3 files with Qiskit's own readers.

OpenQASM 2 goes through ``qiskit.qasm2`` with the legacy custom instructions, so that ``ccx`` and
``cswap`` of ``qelib1.inc`` stay single Toffoli-class gates instead of being unrolled on load;
OpenQASM 3 through ``qiskit.qasm3`` (``qiskit-qasm3-import``). What cannot be counted statically
is refused with one line naming the file and line: a ``while`` loop, an opaque gate, a gate
with an unbound parameter. A memory guard refuses a file whose declared registers or size would
not fit before any parsing starts.
"""

from __future__ import annotations

import contextlib
import io
import math
import os
import re
import sys
from dataclasses import dataclass
from pathlib import Path

from qresource.core.errors import QResourceError
from qresource.core.guards import require_memory

#: Rough memory per declared bit and per byte of source, measured with Qiskit 2.6 (a register of
#: 10^6 qubits takes about 320 MB). A 5.4 MB file of 300,000 gates peaks at 0.32 GB through the
#: OpenQASM 2 reader and at 2.6 GB through the reference OpenQASM 3 importer (a Python syntax
#: tree per statement); the guard assumes the worse of the two readers a file may need.
_BYTES_PER_BIT = 400
_BYTES_PER_SOURCE_BYTE = {2: 64, 3: 512}



@dataclass(frozen=True)
class QasmSource:
    """A decoded OpenQASM file: its text and the major version it declares (3 when absent)."""

    path: Path
    text: str
    version: int


_VERSION = re.compile(r"\A\s*OPENQASM\s+([0-9]+)(?:\.([0-9]+))?\s*;")
_BLOCK_COMMENT = re.compile(r"/\*.*?\*/", re.DOTALL)
_LINE_COMMENT = re.compile(r"//[^\n]*")
_NUMBER = re.compile(r"(?<![\w.])(\d[\d_]*)(\.\d*)?([eE][+-]?\d+)?(?![\w])")
_DECLARATION = re.compile(
    r"\b(?:qreg|creg)\s+[^\s\[;]+\s*\[\s*(\d+)\s*\]|\b(?:qubit|bit)\s*\[\s*(\d+)\s*\]"
)
_MAX_LITERAL = 2**63 - 1


def strip_comments(text: str) -> str:
    """Comments blanked out, with line breaks kept so that line numbers stay right."""
    text = _BLOCK_COMMENT.sub(lambda m: re.sub(r"[^\n]", " ", m.group(0)), text)
    return _LINE_COMMENT.sub(lambda m: " " * len(m.group(0)), text)


def _line_col(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    col = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return line, col


def read_source(path: str | Path, max_memory: int | None = None) -> QasmSource:
    """Read and decode an OpenQASM file, with one-line errors for everything a file can be."""
    source = Path(path)
    try:
        raw = source.read_bytes()
    except FileNotFoundError:
        raise QResourceError(f"{source}: no such file") from None
    except IsADirectoryError:
        raise QResourceError(f"{source}: is a directory, expected an OpenQASM file") from None
    except OSError as exc:
        raise QResourceError(f"{source}: cannot read ({exc.strerror or exc.__class__.__name__})") from None
    if b"\x00" in raw:
        offset = raw.index(b"\x00")
        raise QResourceError(f"{source}: binary file (NUL byte at offset {offset}), expected OpenQASM text")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise QResourceError(f"{source}: not UTF-8 text (bad byte at offset {exc.start})") from None
    code = strip_comments(text)
    if not code.strip():
        raise QResourceError(f"{source}: empty file, expected an OpenQASM program")
    match = _VERSION.match(code)
    version = 3
    if match:
        version = int(match.group(1))
        if version not in (2, 3):
            line, col = _line_col(code, match.start(1))
            raise QResourceError(
                f"{source}:{line}:{col}: OpenQASM version {match.group(1)} is not supported (2 or 3)"
            )
    require_memory(
        len(raw) * _BYTES_PER_SOURCE_BYTE[version], f"reading {source} (OpenQASM {version})", "--max-memory", max_memory
    )
    _check_nesting(source, code)
    _check_literals(source, code, max_memory)
    return QasmSource(source, text, version)


def _check_literals(source: Path, code: str, max_memory: int | None) -> None:
    """Refuse numbers Qiskit's readers cannot hold (integers beyond 64 bits make the OpenQASM 2
    reader abort the interpreter; floats that overflow become inf) and registers too large for
    memory, before the reader sees them."""
    for match in _NUMBER.finditer(code):
        digits, fraction, exponent = match.groups()
        literal = match.group(0)
        if fraction is None and exponent is None:
            plain = digits.replace("_", "").lstrip("0")
            if len(plain) > 19 or int(plain or "0") > _MAX_LITERAL:
                line, col = _line_col(code, match.start())
                raise QResourceError(f"{source}:{line}:{col}: integer {literal[:30]} is too large (over 2^63 - 1)")
        elif not math.isfinite(float(literal.replace("_", ""))):
            line, col = _line_col(code, match.start())
            raise QResourceError(f"{source}:{line}:{col}: number {literal[:30]} overflows a float")
    declared = 0
    for match in _DECLARATION.finditer(code):
        declared += int(match.group(1) or match.group(2))
    require_memory(
        declared * _BYTES_PER_BIT, f"{source}: declaring {declared:,} (qu)bits", "--max-memory", max_memory
    )


_QASM2_POSITION = re.compile(r"^(.*?):(\d+),(\d+):\s*(.*)$", re.DOTALL)
_QASM3_POSITION = re.compile(r"^L?(\d+)[,:]C?(\d+):\s*(.*)$", re.DOTALL)


def _one_line(text: str) -> str:
    return " ".join(str(text).split())


def load_qasm2(source: QasmSource):
    import qiskit.qasm2 as qasm2

    try:
        return qasm2.loads(
            source.text,
            include_path=(str(source.path.parent or Path(".")), "."),
            custom_instructions=qasm2.LEGACY_CUSTOM_INSTRUCTIONS,
        )
    except qasm2.QASM2ParseError as exc:
        raise QResourceError(_qasm2_message(source.path, str(exc))) from None


def _qasm2_message(path: Path, message: str) -> str:
    message = _one_line(message).strip("'\"")
    match = _QASM2_POSITION.match(message)
    if not match:
        return f"{path}: {message}"
    where, line, col, what = match.groups()
    where = str(path) if where == "<input>" else where
    return f"{where}:{line}:{int(col) + 1}: {what}"


#: Deepest bracket nesting accepted. Real circuits nest a few levels; Qiskit 2.6's native
#: OpenQASM 3 importer overflows its stack (a segmentation fault, not an exception) near 20,000
#: levels, and the reference importer's parser exhausts Python's recursion limit near 1,000.
MAX_NESTING = 500


def _check_nesting(source: Path, code: str) -> None:
    depth = 0
    for match in re.finditer(r"[()\[\]{}]", code):
        if match.group(0) in "([{":
            depth += 1
            if depth > MAX_NESTING:
                line, col = _line_col(code, match.start())
                raise QResourceError(f"{source}:{line}:{col}: brackets nested more than {MAX_NESTING} deep")
        elif depth:
            depth -= 1


@contextlib.contextmanager
def _native_output_discarded():
    """File descriptors 1 and 2 pointed at the null device for the duration.

    Qiskit's native OpenQASM 3 importer is Rust: it prints its diagnostics on the process's
    standard output and its panics on standard error, straight to the file descriptors, past
    ``sys.stdout`` and ``sys.stderr``; ``contextlib.redirect_*`` cannot see those writes. Its
    failures are read again by the reference importer, which says what is wrong in one line, so
    nothing it prints is worth keeping.
    """
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):
            stream.flush()  # what Python buffered before the call goes where it was meant to
    saved: list[tuple[int, int]] = []
    try:
        with open(os.devnull, "wb") as sink:
            for fd in (1, 2):
                try:
                    saved.append((fd, os.dup(fd)))
                except OSError:  # descriptor closed: nothing to protect
                    continue
                os.dup2(sink.fileno(), fd)
            with contextlib.redirect_stderr(io.StringIO()):
                yield
    finally:
        for fd, copy in saved:
            os.dup2(copy, fd)
            os.close(copy)


def _load_qasm3_native(source: QasmSource):
    """Qiskit's native OpenQASM 3 importer, or None where it does not apply.

    It reads plain gate lists about 40 times faster than the reference importer below, and with
    a tenth of its memory, but it has no ``if``, no user-defined gates and no line numbers in
    its errors; so any failure falls back to the reference importer, which either reads the
    file or says what is wrong with it and where.
    """
    import warnings

    from qiskit import qasm3

    loader = getattr(qasm3, "loads_experimental", None)
    if loader is None:  # pragma: no cover - Qiskit before 1.1
        return None
    try:
        with warnings.catch_warnings(), _native_output_discarded():
            warnings.simplefilter("ignore")
            return loader(source.text)
    except (KeyboardInterrupt, SystemExit, MemoryError):
        raise
    except BaseException:  # noqa: BLE001 - includes the native code's own exception types
        return None


def load_qasm3(source: QasmSource):
    circuit = _load_qasm3_native(source)
    return circuit if circuit is not None else _load_qasm3_reference(source)


def _load_qasm3_reference(source: QasmSource):
    import openqasm3
    from openqasm3.parser import QASM3ParsingError
    from qiskit_qasm3_import import ConversionError, convert

    try:
        # ANTLR's lexer also reports to its console listener (stderr): keep that off the terminal,
        # the error itself is raised and turned into one line below.
        with contextlib.redirect_stderr(io.StringIO()):
            program = openqasm3.parse(source.text)
    except QASM3ParsingError as exc:
        raise QResourceError(_qasm3_syntax_message(source.path, exc)) from None
    except RecursionError:
        raise QResourceError(f"{source.path}: expressions nested too deeply to parse") from None
    _refuse_dynamic_constructs(source.path, program)
    try:
        return convert(program)
    except ConversionError as exc:
        raise QResourceError(_qasm3_conversion_message(source.path, exc)) from None
    except (TypeError, ValueError, KeyError, IndexError, AttributeError, ZeroDivisionError, OverflowError) as exc:
        # The importer raises bare Python errors for a few constructs it does not handle (a
        # register indexed by a loop variable, division by zero in a constant expression).
        raise QResourceError(
            f"{source.path}: OpenQASM 3 construct not supported by Qiskit's importer "
            f"({exc.__class__.__name__}: {_one_line(exc)})"
        ) from None


def _qasm3_syntax_message(path: Path, exc: Exception) -> str:
    text = _one_line(exc)
    match = _QASM3_POSITION.match(text)
    if match:
        line, col, what = match.groups()
        return f"{path}:{line}:{int(col) + 1}: syntax error: {what}"
    # With ANTLR's bail-out strategy the position sits on the wrapped RecognitionException.
    cause = exc.__cause__
    recognition = cause.args[0] if cause is not None and cause.args else cause
    token = getattr(recognition, "offendingToken", None)
    if token is None:
        token = getattr(getattr(recognition, "ctx", None), "start", None)
    if token is not None and getattr(token, "line", None) is not None:
        shown = token.text if token.text not in (None, "<EOF>") else "end of file"
        return f"{path}:{token.line}:{token.column + 1}: syntax error at {shown!r}"
    return f"{path}: syntax error"


def _qasm3_conversion_message(path: Path, exc: Exception) -> str:
    text = _one_line(getattr(exc, "message", None) or exc)
    match = _QASM3_POSITION.match(text)
    if match:
        line, col, what = match.groups()
        return f"{path}:{line}:{int(col) + 1}: {what}"
    return f"{path}: {text}"


def _refuse_dynamic_constructs(path: Path, program) -> None:
    """Constructs whose cost is decided at run time, found in the syntax tree with their line."""
    from openqasm3 import ast

    refused = {
        ast.WhileLoop: "'while' loop: its number of iterations is decided at run time, so the circuit has no static count",
        ast.SubroutineDefinition: "subroutine definitions ('def') are not supported by Qiskit's OpenQASM 3 importer",
        ast.ExternDeclaration: "'extern' functions have no definition to count",
        ast.CalibrationDefinition: "'defcal' calibrations are pulse-level, not gates to count",
    }

    def visit(node) -> None:
        for kind, reason in refused.items():
            if isinstance(node, kind):
                span = getattr(node, "span", None)
                line = f":{span.start_line}:{span.start_column + 1}" if span is not None else ""
                raise QResourceError(f"{path}{line}: {reason}")
        for value in vars(node).values():
            for child in value if isinstance(value, list) else [value]:
                if isinstance(child, ast.QASMNode) and not isinstance(child, ast.Span):
                    visit(child)

    for statement in program.statements:
        visit(statement)


def read_qasm(path: str | Path, max_memory: int | None = None):
    """The ``qiskit.QuantumCircuit`` of an OpenQASM 2 or 3 file, or a one-line QResourceError."""
    source = read_source(path, max_memory)
    try:
        circuit = load_qasm2(source) if source.version == 2 else load_qasm3(source)
    except RecursionError:
        raise QResourceError(f"{source.path}: nested too deeply to read") from None
    return circuit
