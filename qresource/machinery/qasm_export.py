"""OpenQASM 2 and 3 text of a lowered circuit, written atomically and streamed.

- OpenQASM 3: measurement-based uncomputation appears as ``meas[0] = measure q;`` followed by
  ``if (meas[0]) { ... }``. Qiskit's exporter (``qiskit.qasm3.dump``) spends about 60
  microseconds per gate, a minute for 10^6 gates, so circuits made only of the lowering's gate
  set (what ``to_circuit`` returns) are written line by line by :func:`_write_qasm3_fast` in
  exactly the text Qiskit writes (tests compare the two byte for byte; rotation angles are
  written as Python's shortest exact decimal instead of Qiskit's multiples of pi). Any other
  circuit goes through ``qiskit.qasm3.dump``.
- OpenQASM 2: written line by line by this module for the gates of ``qelib1.inc``. Classically
  controlled corrections are allowed there as ``if(creg==value) gate;``, one gate at a time,
  when the condition is a whole classical register (ours: the 1-bit register ``meas``); Qiskit 2
  no longer writes that form (``c_if`` is gone), and ``qiskit.qasm2.dump`` keeps register names
  that clash with gate names (a register ``x`` gives ``qreg x[4];``, which its own parser then
  rejects), so such names get a ``_reg`` suffix here. Other classical control, and gates
  without a ``qelib1`` name, are refused with one line. Tests parse every file back with
  ``qiskit.qasm2.loads``.

Registers keep their names, so an exported QRAM shows ``address``, ``target`` and ``ancilla``.
"""

from __future__ import annotations

import io
import math
import os
from typing import TextIO

from qresource.core.errors import QResourceError
from qresource.core.io import atomic_text_writer

QASM_VERSIONS = (2, 3)

# Gates written by name in OpenQASM 2 (qelib1.inc), with their parameter counts.
_QASM2_GATES = {
    "h": 0, "s": 0, "sdg": 0, "t": 0, "tdg": 0, "x": 0, "y": 0, "z": 0, "id": 0, "sx": 0,
    "sxdg": 0, "cx": 0, "cz": 0, "cy": 0, "ch": 0, "swap": 0, "ccx": 0, "cswap": 0,
    "rz": 1, "rx": 1, "ry": 1, "u1": 1, "p": 1, "crz": 1, "cu1": 1, "cp": 1, "u2": 2, "u3": 3,
    "u": 3,
}
_QASM2_RENAMES = {"p": "u1", "cp": "cu1", "u": "u3"}


def _check_version(version) -> int:
    try:
        value = int(version)
    except (TypeError, ValueError):
        raise QResourceError(f"unknown OpenQASM version {version!r}: use 2 or 3") from None
    if value not in QASM_VERSIONS:
        raise QResourceError(f"unknown OpenQASM version {version!r}: use 2 or 3")
    return value


def _has_control_flow(qc) -> bool:
    return any(inst.operation.name in ("if_else", "while_loop", "for_loop", "switch_case")
               for inst in qc.data)


def write_qasm_stream(qc, version, stream: TextIO) -> None:
    """Write ``qc`` as OpenQASM ``version`` (2 or 3) to an open text stream."""
    version = _check_version(version)
    if version == 3:
        if _fast_qasm3_applies(qc):
            _write_qasm3_fast(qc, stream)
            return
        import qiskit.qasm3

        qiskit.qasm3.dump(qc, stream)
        return
    _write_qasm2(qc, stream)


def qasm_text(qc, version) -> str:
    """The OpenQASM ``version`` (2 or 3) text of ``qc``."""
    buffer = io.StringIO()
    write_qasm_stream(qc, version, buffer)
    return buffer.getvalue()


def write_qasm(qc, version, path: str | os.PathLike) -> None:
    """Write ``qc`` to ``path`` as OpenQASM ``version``; the file appears whole or not at all."""
    version = _check_version(version)
    with atomic_text_writer(path) as handle:
        write_qasm_stream(qc, version, handle)


def _format_angle(value) -> str:
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise QResourceError("cannot write OpenQASM 2: a gate has an unbound parameter") from None
    if not math.isfinite(number):
        raise QResourceError("cannot write OpenQASM 2: a gate angle is not finite")
    return repr(number)


_QASM2_RESERVED = frozenset(_QASM2_GATES) | {
    "OPENQASM", "include", "qreg", "creg", "gate", "opaque", "barrier", "measure", "reset", "if",
    "pi", "sin", "cos", "tan", "exp", "ln", "sqrt", "U", "CX", "u0", "rxx", "rzz", "c3x", "c4x",
    "c3sqrtx", "rccx", "rc3x", "csx", "cu3", "cry", "crx", "cu", "cswap", "sxdg", "sx",
}


def _qasm2_names(registers) -> dict:
    """Register -> a valid, unreserved, unique OpenQASM 2 identifier."""
    import re

    taken: set[str] = set()
    out = {}
    for reg in registers:
        name = reg.name
        if not re.fullmatch(r"[a-z][A-Za-z0-9_]*", name):
            name = "r_" + re.sub(r"[^A-Za-z0-9_]", "_", name)
        while name in _QASM2_RESERVED or name in taken:
            name += "_reg"
        taken.add(name)
        out[reg] = name
    return out


def _write_qasm2(qc, stream: TextIO) -> None:
    """OpenQASM 2, with ``if(creg==v) gate;`` for conditions on a whole classical register."""
    names = {}
    write = stream.write
    write('OPENQASM 2.0;\ninclude "qelib1.inc";\n')
    register_names = _qasm2_names(list(qc.qregs) + list(qc.cregs))
    for reg in qc.qregs:
        write(f"qreg {register_names[reg]}[{len(reg)}];\n")
        for k, bit in enumerate(reg):
            names.setdefault(bit, f"{register_names[reg]}[{k}]")
    for reg in qc.cregs:
        write(f"creg {register_names[reg]}[{len(reg)}];\n")
        for k, bit in enumerate(reg):
            names.setdefault(bit, f"{register_names[reg]}[{k}]")
    if len(names) != qc.num_qubits + qc.num_clbits:
        raise QResourceError("cannot write OpenQASM 2: every bit must belong to a register")
    clbit_register = {}
    for reg in qc.cregs:
        for bit in reg:
            clbit_register.setdefault(bit, reg)
    lines: list[str] = []
    for inst in qc.data:
        if inst.operation.name == "if_else":
            _qasm2_if(inst, names, clbit_register, register_names, lines)
        else:
            _qasm2_lines(inst.operation, [names[q] for q in inst.qubits],
                         [names[c] for c in inst.clbits], "", lines)
        if len(lines) >= 4096:
            write("".join(lines))
            lines.clear()
    write("".join(lines))


def _qasm2_lines(op, qubits, clbits, prefix: str, lines: list[str]) -> None:
    name = op.name
    if name in ("if_else", "while_loop", "for_loop", "switch_case"):
        raise QResourceError(f"cannot write OpenQASM 2: '{name}' needs OpenQASM 3")
    if name == "measure":
        lines.append(f"{prefix}measure {qubits[0]} -> {clbits[0]};\n")
    elif name == "reset":
        lines.append(f"{prefix}reset {qubits[0]};\n")
    elif name == "barrier":
        lines.append(f"{prefix}barrier {','.join(qubits)};\n")
    elif name in _QASM2_GATES:
        params = op.params
        if len(params) != _QASM2_GATES[name]:
            raise QResourceError(f"cannot write OpenQASM 2: gate {name} with {len(params)} parameters")
        label = _QASM2_RENAMES.get(name, name)
        if params:
            label += "(" + ",".join(_format_angle(p) for p in params) + ")"
        lines.append(f"{prefix}{label} {','.join(qubits)};\n")
    else:
        raise QResourceError(f"cannot write OpenQASM 2: the gate '{name}' has no qelib1 name")


def _qasm2_if(inst, names, clbit_register, register_names, lines: list[str]) -> None:
    op = inst.operation
    condition = op.condition
    if not isinstance(condition, tuple) or len(op.blocks) > 1 and op.blocks[1] is not None:
        raise QResourceError(
            "cannot write OpenQASM 2: only a single-branch condition on a classical register "
            "can be expressed (use --qasm 3)"
        )
    target, value = condition
    register = clbit_register.get(target, target)
    if register is target and not hasattr(target, "size"):
        raise QResourceError("cannot write OpenQASM 2: the condition bit belongs to no register")
    if not hasattr(register, "size") or (register is not target and len(register) != 1):
        raise QResourceError(
            "cannot write OpenQASM 2: conditions on one bit of a wider register need OpenQASM 3"
        )
    if value is True:
        value = 1
    elif value is False:
        value = 0
    body = op.blocks[0]
    inner = dict(zip(body.qubits, (names[q] for q in inst.qubits)))
    inner.update(zip(body.clbits, (names[c] for c in inst.clbits)))
    prefix = f"if({register_names.get(register, register.name)}=={int(value)}) "
    for body_inst in body.data:
        if body_inst.operation.name in ("if_else", "measure", "for_loop", "while_loop"):
            raise QResourceError("cannot write OpenQASM 2: nested classical control needs OpenQASM 3")
        _qasm2_lines(body_inst.operation, [inner[q] for q in body_inst.qubits],
                     [inner[c] for c in body_inst.clbits], prefix, lines)


# --- OpenQASM 3, line by line -------------------------------------------------------------------

_FAST3_GATES = {"h", "s", "sdg", "t", "tdg", "x", "y", "z", "cx", "cz", "rz", "rx", "ry"}
_QASM3_RESERVED = frozenset(
    """OPENQASM include defcalgrammar def cal defcal gate extern box let break continue if else
    end return for while in switch case default input output const readonly mutable qreg qubit
    creg bool bit int uint float angle complex array void duration stretch gphase inv pow ctrl
    negctrl dim durationof delay reset measure barrier true false pi π tau τ euler ℇ sin cos tan
    exp ln sqrt rotl rotr popcount U CX""".split()
) | _FAST3_GATES | {"p", "u", "u1", "u2", "u3", "cy", "ch", "swap", "ccx", "cswap", "crx",
                    "cry", "crz", "cu", "cp", "cphase", "phase", "id", "sx", "sxdg", "stdgates"}


def _plain_registers(registers, bits) -> bool:
    """Every bit in exactly one register, registers named by plain, unreserved identifiers."""
    import re

    seen = set()
    for reg in registers:
        if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", reg.name) or reg.name in _QASM3_RESERVED:
            return False
        for bit in reg:
            if bit in seen:
                return False
            seen.add(bit)
    return len(seen) == len(bits)


def _fast_qasm3_applies(qc) -> bool:
    if qc.global_phase or getattr(qc, "num_vars", 0) or getattr(qc, "num_stretches", 0):
        return False
    if not _plain_registers(qc.qregs, qc.qubits) or not _plain_registers(qc.cregs, qc.clbits):
        return False
    names = {reg.name for reg in qc.qregs} | {reg.name for reg in qc.cregs}
    if len(names) != len(qc.qregs) + len(qc.cregs):
        return False
    for name in qc.count_ops():
        if name in ("measure", "if_else"):
            continue
        if name not in _FAST3_GATES:
            return False
    for inst in qc.data:
        if inst.operation.name != "if_else":
            continue
        op = inst.operation
        condition = op.condition
        if not isinstance(condition, tuple) or len(op.blocks) != 1 or not _is_clbit(condition[0]):
            return False
        for body_inst in op.blocks[0].data:
            if body_inst.operation.name not in _FAST3_GATES - {"rz", "rx", "ry"}:
                return False
    return True


def _is_clbit(bit) -> bool:
    from qiskit.circuit import Clbit

    return isinstance(bit, Clbit)


def _write_qasm3_fast(qc, stream: TextIO) -> None:
    names = {}
    write = stream.write
    write('OPENQASM 3.0;\ninclude "stdgates.inc";\n')
    for reg in qc.cregs:
        write(f"bit[{len(reg)}] {reg.name};\n")
        for k, bit in enumerate(reg):
            names[bit] = f"{reg.name}[{k}]"
    for reg in qc.qregs:
        write(f"qubit[{len(reg)}] {reg.name};\n")
        for k, bit in enumerate(reg):
            names[bit] = f"{reg.name}[{k}]"
    lines: list[str] = []
    for inst in qc.data:
        op = inst.operation
        name = op.name
        if name == "measure":
            lines.append(f"{names[inst.clbits[0]]} = measure {names[inst.qubits[0]]};\n")
        elif name == "if_else":
            bit, value = op.condition
            test = names[bit] if value else "!" + names[bit]
            body = op.blocks[0]
            inner = dict(zip(body.qubits, (names[q] for q in inst.qubits)))
            lines.append(f"if ({test}) {{\n")
            for body_inst in body.data:
                args = ", ".join(inner[q] for q in body_inst.qubits)
                lines.append(f"  {body_inst.operation.name} {args};\n")
            lines.append("}\n")
        elif op.params:
            args = ", ".join(names[q] for q in inst.qubits)
            lines.append(f"{name}({_format_angle(op.params[0])}) {args};\n")
        else:
            lines.append(f"{name} {', '.join(names[q] for q in inst.qubits)};\n")
        if len(lines) >= 8192:
            write("".join(lines))
            lines.clear()
    write("".join(lines))
