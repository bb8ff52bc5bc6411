"""Lowering a foreign circuit, without changing its meaning, to the gate set the circuit counter
understands (each step exact, up to a global phase):

- gates defined in the file (``gate ... { }``) and library gates outside the counted set are
  replaced by their definitions, recursively; ``for`` loops with constant bounds are unrolled;
- a single-qubit gate with no definition in the counted set (``u``, ``u3``, ...) is rewritten
  as Z rotations and sqrt(X) Cliffords by Qiskit's ``OneQubitEulerDecomposer`` (basis ``ZSX``);
- a Z rotation or phase by a multiple of pi/4 becomes T, S, Z or their inverses; any other
  angle stays an arbitrary rotation, as do X and Y rotations;
- barriers, delays, identities and global phases, which cost nothing, are removed.
"""

from __future__ import annotations

import math
import re
from typing import Any

import numpy as np

from qresource.core.errors import QResourceError
from qresource.core.guards import require_circuit_memory
from qresource.machinery.lowering import Z_POWER_GATES, quarter_turns
from qresource.qasm.read import strip_comments

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


def _line_of(source_text: str | None, name: str) -> str:
    """``:LINE`` of the first statement applying gate ``name``, when the text is at hand."""
    if not source_text:
        return ""
    pattern = re.compile(
        rf"^[ \t]*(?:if\s*\(.*?\)\s*\{{?\s*)?(?:(?:ctrl|negctrl|inv|pow)\b[^@\n]*@\s*)*"
        rf"{re.escape(name)}\b\s*[(\w$]",
        re.MULTILINE,
    )
    match = pattern.search(strip_comments(source_text))
    return f":{source_text.count(chr(10), 0, match.start()) + 1}" if match else ""


def _angle(value: Any, gate: str, where: str) -> float:
    try:
        angle = float(value)
    except TypeError:
        raise QResourceError(f"{where}: gate '{gate}' has an unbound parameter ({value}); bind it before counting") from None
    if not math.isfinite(angle):
        raise QResourceError(f"{where}: gate '{gate}' has a non-finite angle ({angle})")
    return angle


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
            turns = quarter_turns(angle)
            if turns is None:
                out.append(RZGate(angle), qubits)
            else:
                for gate in Z_POWER_GATES[turns]:
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
        # Each iteration is unrolled: refuse at once a loop whose unrolled gates would not fit,
        # instead of unrolling 2^62 iterations one by one.
        require_circuit_memory(len(indexset) * max(1, len(body.data)),
                               f"{where}{_line_of(source_text, 'for')}: unrolling a 'for' loop of {len(indexset):,} iterations")
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
