"""Count the logical resources of any OpenQASM 2 or 3 circuit.

The file is read with Qiskit's own readers (``qiskit.qasm2`` with the legacy custom
instructions, so that ``ccx`` and ``cswap`` of ``qelib1.inc`` stay single Toffoli-class gates
instead of being unrolled on load; ``qiskit.qasm3`` through ``qiskit-qasm3-import``). The circuit
is then *lowered*, without changing its meaning, to the gate set the project's circuit counter
understands, and counted by :func:`qresource.machinery.circuit_counts.circuit_counts` — the same counter
that checks every exported circuit, so ``count`` and ``export`` cannot disagree.

Lowering (each step exact, up to a global phase):

- gates defined in the file (``gate ... { }``) and library gates outside the counted set are
  replaced by their definitions, recursively; ``for`` loops with constant bounds are unrolled;
- a single-qubit gate with no definition in the counted set (``u``, ``u3``, ...) is rewritten
  as Z rotations and sqrt(X) Cliffords by Qiskit's ``OneQubitEulerDecomposer`` (basis ``ZSX``);
- a Z rotation or phase by a multiple of pi/4 becomes T, S, Z or their inverses; any other
  angle stays an arbitrary rotation, as do X and Y rotations;
- barriers, delays, identities and global phases, which cost nothing, are removed.

What cannot be counted statically is refused with one line naming the file and line: a
``while`` loop (its number of iterations is decided at run time), an opaque gate (no
definition), a gate with an unbound parameter, a non-finite angle.
"""

from __future__ import annotations

import contextlib
import io
import math
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from qresource.core.errors import QResourceError
from qresource.core.guards import require_memory
from qresource.core.record import EstimateRecord, LogicalCounts
from qresource.machinery.circuit_counts import circuit_counts

#: Default precision of each rotation synthesis, in operator norm (diamond distance is at most
#: twice this). A circuit with R rotations then carries at most R x eps synthesis error.
DEFAULT_EPS = 1e-10

#: How to cost rotations: ``gridsynth`` runs pygridsynth on every distinct angle (exact T count
#: of the Ross–Selinger sequence it returns); ``formula`` charges ceil(3 log2(1/eps)) T per
#: rotation (Ross and Selinger 2016, arXiv:1403.2975: T-count 3 log2(1/eps) + O(log log 1/eps)
#: for a typical angle); ``auto`` takes gridsynth up to :data:`MAX_GRIDSYNTH_ANGLES` distinct
#: angles and the formula beyond.
SYNTHESIS_METHODS = ("auto", "gridsynth", "formula")
MAX_GRIDSYNTH_ANGLES = 64

#: Gates passed to the circuit counter unchanged.
_CLIFFORD_NAMES = frozenset({"h", "s", "sdg", "x", "y", "z", "sx", "sxdg", "cx", "cz", "swap"})
_T_NAMES = frozenset({"t", "tdg"})
_TOFFOLI_NAMES = frozenset({"ccx", "ccz", "cswap"})
_FREE_NAMES = frozenset({"barrier", "delay", "id", "global_phase"})
_KEEP_NAMES = _CLIFFORD_NAMES | _T_NAMES | _TOFFOLI_NAMES | {"measure", "reset"}
#: Multi-controlled X: the counter lowers these with temporary ANDs and clean ancillas, far
#: cheaper than Qiskit's ancilla-free definitions (which use pi/8 rotations), so they pass as is.
_MCX_PREFIX = "mcx"
_MCX_NAMES = frozenset({"c3x", "c4x"})
_Z_ROTATION_NAMES = frozenset({"rz", "p", "u1"})
#: X and Y rotations pass unchanged too (their T cost equals that of the Z rotation they are
#: conjugate to, by H or by S H).
_KEPT_ROTATION_NAMES = frozenset({"rx", "ry"})

#: Rough memory per declared bit and per byte of source, measured with Qiskit 2.6 (a register of
#: 10^6 qubits takes about 320 MB). A 5.4 MB file of 300,000 gates peaks at 0.32 GB through the
#: OpenQASM 2 reader and at 2.6 GB through the reference OpenQASM 3 importer (a Python syntax
#: tree per statement); the guard assumes the worse of the two readers a file may need.
_BYTES_PER_BIT = 400
_BYTES_PER_SOURCE_BYTE = {2: 64, 3: 512}


# --- reading -------------------------------------------------------------------------------------

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


def _strip_comments(text: str) -> str:
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
    code = _strip_comments(text)
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


def _load_qasm2(source: QasmSource):
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
        with warnings.catch_warnings(), contextlib.redirect_stderr(io.StringIO()):
            warnings.simplefilter("ignore")
            return loader(source.text)
    except (KeyboardInterrupt, SystemExit, MemoryError):
        raise
    except BaseException:  # noqa: BLE001 - includes the native code's own exception types
        return None


def _load_qasm3(source: QasmSource):
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
        circuit = _load_qasm2(source) if source.version == 2 else _load_qasm3(source)
    except RecursionError:
        raise QResourceError(f"{source.path}: nested too deeply to read") from None
    return circuit


# --- lowering ------------------------------------------------------------------------------------

def _line_of(source_text: str | None, name: str) -> str:
    """``:LINE`` of the first statement applying gate ``name``, when the text is at hand."""
    if not source_text:
        return ""
    pattern = re.compile(
        rf"^[ \t]*(?:if\s*\(.*?\)\s*\{{?\s*)?(?:(?:ctrl|negctrl|inv|pow)\b[^@\n]*@\s*)*"
        rf"{re.escape(name)}\b\s*[(\w$]",
        re.MULTILINE,
    )
    match = pattern.search(_strip_comments(source_text))
    return f":{source_text.count(chr(10), 0, match.start()) + 1}" if match else ""


def _angle(value: Any, gate: str, where: str) -> float:
    try:
        angle = float(value)
    except TypeError:
        raise QResourceError(f"{where}: gate '{gate}' has an unbound parameter ({value}); bind it before counting") from None
    if not math.isfinite(angle):
        raise QResourceError(f"{where}: gate '{gate}' has a non-finite angle ({angle})")
    return angle


def _quarter_turns(angle: float) -> int | None:
    """k when angle is k pi/4 modulo 2 pi to double precision, else None (the same test, and
    tolerance, as the counter's own lowering table applies to X and Y rotations)."""
    turns = angle / math.pi * 4
    nearest = round(turns)
    if abs(turns - nearest) < 1e-12:
        return int(nearest) % 8
    return None


_Z_POWERS = {0: (), 1: ("t",), 2: ("s",), 3: ("s", "t"), 4: ("z",), 5: ("z", "t"), 6: ("sdg",), 7: ("tdg",)}


def lower_circuit(circuit, source_text: str | None = None, where: str = "circuit"):
    """An equivalent circuit over Clifford+T, Toffoli-class gates, Z rotations, measurement and
    reset (and ``if_else`` blocks over the same), as described in the module docstring."""
    out = circuit.copy_empty_like()
    _lower_into(out, circuit, source_text, where, depth=0)
    return out


def _lower_into(out, circuit, source_text, where, depth: int) -> None:
    from qiskit.circuit import ControlFlowOp
    from qiskit.circuit.library import RZGate, SdgGate, SGate, TdgGate, TGate, ZGate

    if depth > 200:
        raise QResourceError(f"{where}: gate definitions nested more than 200 deep")
    z_power_gates = {"t": TGate(), "s": SGate(), "z": ZGate(), "sdg": SdgGate(), "tdg": TdgGate()}
    for instruction in circuit.data:
        op, qubits, clbits = instruction.operation, instruction.qubits, instruction.clbits
        name = op.name
        if name in _KEEP_NAMES:
            if op.params:
                raise QResourceError(f"{where}{_line_of(source_text, name)}: gate '{name}' takes no parameters here")
            out._append(instruction)
        elif name in _FREE_NAMES:
            continue
        elif name.startswith(_MCX_PREFIX) or name in _MCX_NAMES:
            out._append(instruction)
        elif isinstance(op, ControlFlowOp):
            _lower_control_flow(out, instruction, source_text, where, depth)
        elif name in _Z_ROTATION_NAMES and op.num_qubits == 1:
            angle = _angle(op.params[0], name, f"{where}{_line_of(source_text, name)}")
            turns = _quarter_turns(angle)
            if turns is None:
                out.append(RZGate(angle), qubits)
            else:
                for gate in _Z_POWERS[turns]:
                    out.append(z_power_gates[gate], qubits)
        elif name in _KEPT_ROTATION_NAMES and op.num_qubits == 1:
            _angle(op.params[0], name, f"{where}{_line_of(source_text, name)}")
            out._append(instruction)
        elif getattr(op, "_directive", False):
            continue
        else:
            for value in op.params:
                _angle(value, name, f"{where}{_line_of(source_text, name)}")
            definition = op.definition if hasattr(op, "definition") else None
            if definition is None and op.num_qubits == 1 and not op.num_clbits:
                definition = _euler(op, where, source_text)
            if definition is None:
                raise QResourceError(
                    f"{where}{_line_of(source_text, name)}: gate '{name}' has no definition "
                    f"(opaque or unknown), so its cost is unknown"
                )
            mapped = _rebind(definition, qubits, clbits)
            _lower_into(out, mapped, source_text, where, depth + 1)


def _euler(op, where: str, source_text: str | None):
    import numpy as np
    from qiskit.synthesis import OneQubitEulerDecomposer

    try:
        matrix = np.asarray(op.to_matrix(), dtype=complex)
    except Exception:  # noqa: BLE001 - a gate without a matrix
        return None
    return OneQubitEulerDecomposer("ZSX")(matrix)


def _rebind(definition, qubits, clbits):
    """The definition circuit re-expressed on the caller's bits (definitions use local bits)."""
    from qiskit.circuit import CircuitInstruction, QuantumCircuit

    qubit_map = dict(zip(definition.qubits, qubits))
    clbit_map = dict(zip(definition.clbits, clbits))
    rebound = QuantumCircuit(list(dict.fromkeys(qubits)), list(dict.fromkeys(clbits)))
    for inner in definition.data:
        rebound._append(
            CircuitInstruction(
                inner.operation,
                tuple(qubit_map[q] for q in inner.qubits),
                tuple(clbit_map[c] for c in inner.clbits),
            )
        )
    return rebound


def _lower_control_flow(out, instruction, source_text, where, depth) -> None:
    op = instruction.operation
    if op.name == "for_loop":
        indexset, loop_parameter, body = op.params
        for index in indexset:
            bound = body.assign_parameters({loop_parameter: index}) if loop_parameter is not None else body
            _lower_into(out, _rebind(bound, instruction.qubits, instruction.clbits), source_text, where, depth + 1)
        return
    if op.name == "if_else":
        blocks = []
        for block in op.blocks:
            lowered = block.copy_empty_like()
            _lower_into(lowered, block, source_text, where, depth + 1)
            blocks.append(lowered)
        out.append(op.replace_blocks(blocks), instruction.qubits, instruction.clbits)
        return
    raise QResourceError(
        f"{where}{_line_of(source_text, op.name.split('_')[0])}: '{op.name}' has no static gate count"
    )


# --- rotation synthesis ----------------------------------------------------------------------------

@dataclass(frozen=True)
class RotationSynthesis:
    """The T cost of synthesising every arbitrary-angle rotation of a circuit to precision eps.

    ``t_count`` is the sum over rotations; ``t_total`` adds it to the circuit's own ``t`` (the
    T count of the circuit once every rotation is replaced by its Clifford+T sequence).
    """

    method: str
    eps: float
    rotations: int
    distinct_angles: int
    t_count: int
    t_per_rotation_max: int
    t_total: int

    def as_dict(self) -> dict[str, Any]:
        return {
            "method": self.method,
            "eps": self.eps,
            "rotations": self.rotations,
            "distinct_angles": self.distinct_angles,
            "t_count": self.t_count,
            "t_per_rotation_max": self.t_per_rotation_max,
            "t_total": self.t_total,
        }


def formula_t_per_rotation(eps: float) -> int:
    """ceil(3 log2(1/eps)): the leading term of Ross–Selinger's T count for a typical angle
    (arXiv:1403.2975, Sec. 7.3, whose measured counts are 3 log2(1/eps) + O(1))."""
    _check_eps(eps)
    return math.ceil(3 * math.log2(1 / eps) - 1e-12)


def _check_eps(eps: float) -> None:
    if not (isinstance(eps, (int, float)) and math.isfinite(eps) and 1e-30 <= eps < 0.5):
        raise QResourceError(f"rotation precision eps must lie in [1e-30, 0.5), got {eps}")


_GRIDSYNTH_CACHE: dict[tuple[float, float], int] = {}


def gridsynth_t_count(angle: float, eps: float) -> int:
    """T gates of pygridsynth's Ross–Selinger approximation of Rz(angle) within eps (operator
    norm, up to global phase). Deterministic: pygridsynth's search uses a fixed seed."""
    _check_eps(eps)
    reduced = math.fmod(angle, 2 * math.pi)  # Rz(a + 2 pi) = -Rz(a): the same sequence
    key = (reduced, float(eps))
    if key not in _GRIDSYNTH_CACHE:
        import mpmath
        from pygridsynth import gridsynth_gates

        gates = gridsynth_gates(theta=mpmath.mpf(reduced), epsilon=mpmath.mpf(eps), up_to_phase=True)
        _GRIDSYNTH_CACHE[key] = gates.count("T")
    return _GRIDSYNTH_CACHE[key]


def rotation_angles(circuit) -> list[float]:
    """Angles of the arbitrary rotations (``rz``, ``rx``, ``ry``) of a lowered circuit, in order,
    including those inside ``if_else`` branches (each branch counted, as the counter does)."""
    angles: list[float] = []
    for instruction in circuit.data:
        op = instruction.operation
        if op.name in ("rz", "rx", "ry"):
            angle = float(op.params[0])
            if _quarter_turns(angle) is None:  # X/Y rotations by k pi/4 are Clifford+T gates
                angles.append(angle)
        elif op.name == "if_else":
            for block in op.blocks:
                if block is not None:
                    angles.extend(rotation_angles(block))
    return angles


def rotation_synthesis(
    angles: list[float], circuit_t: int, eps: float = DEFAULT_EPS, method: str = "auto", progress=None
) -> RotationSynthesis:
    """Cost the rotations of ``angles`` at precision ``eps`` per rotation (see SYNTHESIS_METHODS).
    ``progress``, if given, is called with a short message before each slow step."""
    _check_eps(eps)
    if method not in SYNTHESIS_METHODS:
        raise QResourceError(f"unknown synthesis method {method!r}; choose one of {', '.join(SYNTHESIS_METHODS)}")
    distinct = sorted(set(math.fmod(a, 2 * math.pi) for a in angles))
    if method == "auto":
        method = "gridsynth" if len(distinct) <= MAX_GRIDSYNTH_ANGLES else "formula"
    if method == "formula" or not angles:
        per = formula_t_per_rotation(eps) if angles else 0
        per_angle = {a: per for a in distinct}
        method = "formula"
    else:
        per_angle = {}
        for number, angle in enumerate(distinct, start=1):
            if progress is not None:
                progress(f"synthesising rotations with gridsynth: angle {number} of {len(distinct)}")
            per_angle[angle] = gridsynth_t_count(angle, eps)
    total = sum(per_angle[math.fmod(a, 2 * math.pi)] for a in angles)
    return RotationSynthesis(
        method=method,
        eps=float(eps),
        rotations=len(angles),
        distinct_angles=len(distinct),
        t_count=total,
        t_per_rotation_max=max(per_angle.values(), default=0),
        t_total=int(circuit_t) + total,
    )


# --- the count -----------------------------------------------------------------------------------

@dataclass
class CircuitCountRecord(EstimateRecord):
    """An EstimateRecord for a foreign circuit, with the cost of synthesising its rotations."""

    synthesis: dict[str, Any] | None = None


def count_circuit(
    circuit,
    *,
    name: str = "circuit",
    eps: float = DEFAULT_EPS,
    synthesis: str = "auto",
    source_text: str | None = None,
    params: dict[str, Any] | None = None,
    progress=None,
) -> CircuitCountRecord:
    """Logical counts of a Qiskit circuit by :func:`qresource.machinery.circuit_counts.circuit_counts`, after
    the exact lowering of :func:`lower_circuit`; rotations costed by :func:`rotation_synthesis`."""

    if progress is not None:
        progress(f"counting {circuit.size():,} instructions")
    lowered = lower_circuit(circuit, source_text, name)
    try:
        logical: LogicalCounts = circuit_counts(lowered)
    except QResourceError as exc:
        raise QResourceError(f"{name}: {exc}") from None
    angles = rotation_angles(lowered)
    if len(angles) != logical.rotations:  # pragma: no cover - the lowering leaves only rz/rx/ry
        raise QResourceError(
            f"{name}: {logical.rotations} rotations counted but {len(angles)} angles found"
        )
    costed = rotation_synthesis(angles, logical.t, eps, synthesis, progress)
    registers = {register.name: register.size for register in circuit.qregs}
    notes = []
    if logical.toffoli:
        notes.append(
            "toffoli counts each Toffoli-class gate once; t decomposes ccx, cswap and ccz with the "
            "ancilla-free 7-T Toffoli (Amy et al. 2013) and multi-controlled X with 4-T temporary "
            "ANDs (Gidney 2018)"
        )
    if logical.rotations:
        notes.append(
            f"{logical.rotations} arbitrary rotations cost {costed.t_count:,} T more at eps = "
            f"{costed.eps:g} each ({costed.method}); total error at most {logical.rotations} x eps"
        )
    return CircuitCountRecord(
        primitive="circuit",
        params={"file": name, **(params or {}), "eps": float(eps), "synthesis": costed.method},
        logical=logical,
        registers=registers,
        model="full circuit (OpenQASM file)",
        notes=notes,
        synthesis=costed.as_dict(),
    )


def count_qasm(
    path: str | Path,
    *,
    eps: float = DEFAULT_EPS,
    synthesis: str = "auto",
    max_memory: int | None = None,
    progress=None,
) -> CircuitCountRecord:
    """Read an OpenQASM 2 or 3 file and count it (see :func:`count_circuit`)."""
    _check_eps(eps)
    if synthesis not in SYNTHESIS_METHODS:
        raise QResourceError(f"unknown synthesis method {synthesis!r}; choose one of {', '.join(SYNTHESIS_METHODS)}")
    source = read_source(path, max_memory)
    if progress is not None:
        progress(f"reading {source.path.name} (OpenQASM {source.version}, {len(source.text):,} characters)")
    try:
        circuit = _load_qasm2(source) if source.version == 2 else _load_qasm3(source)
        return count_circuit(
            circuit,
            name=str(source.path),
            eps=eps,
            synthesis=synthesis,
            source_text=source.text,
            params={"qasm_version": source.version},
            progress=progress,
        )
    except RecursionError:
        raise QResourceError(f"{source.path}: nested too deeply to count") from None

