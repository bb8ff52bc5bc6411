"""Count the logical resources of any OpenQASM 2 or 3 circuit: read (:mod:`.read`), lowered
(:mod:`.lower`), counted by the same counter that checks every exported circuit, and its rotations
costed (:mod:`.synthesis`).

"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from qresource.core.errors import QResourceError
from qresource.core.record import EstimateRecord, LogicalCounts
from qresource.machinery.circuit_counts import circuit_counts
from qresource.qasm.lower import lower_circuit
from qresource.qasm.read import load_qasm2, load_qasm3, read_source
from qresource.qasm.synthesis import (
    DEFAULT_EPS,
    SYNTHESIS_METHODS,
    check_eps,
    rotation_angles,
    rotation_synthesis,
)


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
    check_eps(eps)
    if synthesis not in SYNTHESIS_METHODS:
        raise QResourceError(f"unknown synthesis method {synthesis!r}; choose one of {', '.join(SYNTHESIS_METHODS)}")
    source = read_source(path, max_memory)
    if progress is not None:
        progress(f"reading {source.path.name} (OpenQASM {source.version}, {len(source.text):,} characters)")
    try:
        circuit = load_qasm2(source) if source.version == 2 else load_qasm3(source)
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
