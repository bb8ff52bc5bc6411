"""Statevector checks of lowered bloqs on Qiskit Aer, with a memory guard.

``run_bloq_statevector(bloq, prepare)`` lowers ``bloq`` with ``to_circuit``, prepares its input
registers (a basis value, a uniform superposition of a register's first ``n`` values, or any
amplitude vector), runs it on Aer's statevector method (mid-circuit measurements and their
classically controlled corrections included: Aer samples one measurement branch, and a correct
measurement-based uncomputation gives the same final state on every branch), and returns the
amplitudes over the named registers after checking that every ancilla is back in |0>.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass
from typing import Mapping, Optional, Union

import numpy as np
from qualtran import Bloq

from qresource.core.errors import QResourceError, ResourceLimitError
from qresource.core.guards import MEMORY_ENV, available_memory_bytes, format_size, memory_limit_bytes
from qresource.machinery.flatten import to_circuit

BYTES_PER_AMPLITUDE = 16  # complex128


def default_limit_bytes() -> int:
    """``QRESOURCE_MAX_MEMORY`` when set, else a quarter of available memory: the simulator
    keeps a few copies of the state."""
    if os.environ.get(MEMORY_ENV):
        return memory_limit_bytes()
    return available_memory_bytes() // 4


def statevector_bytes(n_qubits: int) -> int:
    return BYTES_PER_AMPLITUDE << n_qubits


def check_statevector_size(n_qubits: int, limit_bytes: Optional[int] = None) -> int:
    """Raise ``ResourceLimitError`` naming the bytes needed if the state would pass the limit."""
    limit = default_limit_bytes() if limit_bytes is None else int(limit_bytes)
    needed = statevector_bytes(n_qubits)
    if needed > limit:
        raise ResourceLimitError(
            f"a statevector of {n_qubits} qubits needs {format_size(needed)}, over the limit of "
            f"{format_size(limit)}; raise it with {MEMORY_ENV}=SIZE if this machine really has the memory"
        )
    return needed


Preparation = Union[int, str, np.ndarray, tuple]


@dataclass
class StatevectorResult:
    """Amplitudes over the named registers (ancillas checked to be |0>)."""

    register_names: tuple[str, ...]
    amplitudes: dict[tuple[int, ...], complex]
    circuit_qubits: int

    def probabilities(self) -> dict[tuple[int, ...], float]:
        return {k: abs(v) ** 2 for k, v in self.amplitudes.items()}


def _prepare_register(prep_circuit, register, how: Preparation) -> None:
    from qiskit.circuit.library import StatePreparation

    width = len(register)
    if isinstance(how, (int, np.integer)):
        value = int(how)
        if value < 0 or value >> width:
            raise QResourceError(f"value {value} does not fit register {register.name} ({width} bits)")
        for k in range(width):
            if value >> k & 1:
                prep_circuit.x(register[k])
        return
    if isinstance(how, tuple) and len(how) == 2 and how[0] == "uniform":
        count = int(how[1])
        if not 1 <= count <= 1 << width:
            raise QResourceError(f"cannot spread register {register.name} over {count} values")
        amplitudes = np.zeros(1 << width, dtype=complex)
        amplitudes[:count] = 1 / math.sqrt(count)
        how = amplitudes
    elif isinstance(how, str) and how == "uniform":
        for k in range(width):
            prep_circuit.h(register[k])
        return
    amplitudes = np.asarray(how, dtype=complex)
    if amplitudes.shape != (1 << width,):
        raise QResourceError(f"register {register.name} needs {1 << width} amplitudes")
    prep_circuit.append(StatePreparation(amplitudes / np.linalg.norm(amplitudes)), list(register))


def run_circuit_statevector(qc, prepare: Mapping[str, Preparation], *, seed: int = 0,
                            limit_bytes: Optional[int] = None, tolerance: float = 1e-9,
                            ancilla_registers: tuple[str, ...] = ("ancilla",)) -> StatevectorResult:
    """Run ``qc`` after preparing the named registers; see :func:`run_bloq_statevector`."""
    from qiskit import QuantumCircuit, transpile
    from qiskit_aer import AerSimulator

    check_statevector_size(qc.num_qubits, limit_bytes)
    registers = {reg.name: reg for reg in qc.qregs}
    unknown = set(prepare) - set(registers)
    if unknown:
        raise QResourceError(f"the circuit has no register named {sorted(unknown)[0]!r}")
    full = QuantumCircuit(*qc.qregs, *qc.cregs)
    for name, how in prepare.items():
        _prepare_register(full, registers[name], how)
    full.compose(qc, inplace=True)
    full.save_statevector()
    simulator = AerSimulator(method="statevector", seed_simulator=seed)
    compiled = transpile(full, simulator, optimization_level=0)
    state = np.asarray(simulator.run(compiled, shots=1).result().get_statevector())

    position = {bit: k for k, bit in enumerate(qc.qubits)}
    named = [reg for reg in qc.qregs if reg.name not in ancilla_registers]
    ancillas = [position[q] for reg in qc.qregs if reg.name in ancilla_registers for q in reg]
    ancilla_mask = sum(1 << p for p in ancillas)
    indices = np.nonzero(np.abs(state) > tolerance)[0]
    amplitudes: dict[tuple[int, ...], complex] = {}
    dirty = 0.0
    for index in indices:
        index = int(index)
        if index & ancilla_mask:
            dirty += abs(state[index]) ** 2
            continue
        key = tuple(
            sum(((index >> position[q]) & 1) << k for k, q in enumerate(reg)) for reg in named
        )
        amplitudes[key] = complex(state[index])
    if dirty > tolerance:
        raise QResourceError(f"ancillas are not returned to |0> (probability {dirty:.3g} elsewhere)")
    return StatevectorResult(tuple(reg.name for reg in named), amplitudes, qc.num_qubits)


def run_bloq_statevector(bloq: Bloq, prepare: Mapping[str, Preparation], *, seed: int = 0,
                         limit_bytes: Optional[int] = None, tolerance: float = 1e-9,
                         ancillas: str = "reuse") -> StatevectorResult:
    """Lower ``bloq`` and run it on Aer from the prepared input state.

    ``prepare`` maps register names to: an int (basis value, little-endian), ``"uniform"`` (H on
    every qubit), ``("uniform", n)`` (equal superposition of the values 0..n-1) or an amplitude
    vector of length 2^width. Registers not named start in |0>. The qubit count is checked
    against the memory guard before anything is built on the simulator. ``ancillas`` is the
    layout policy of ``to_circuit`` (the default reuses released qubits: fewest qubits).
    """

    qc = to_circuit(bloq, ancillas=ancillas)
    return run_circuit_statevector(qc, prepare, seed=seed, limit_bytes=limit_bytes,
                                   tolerance=tolerance)
