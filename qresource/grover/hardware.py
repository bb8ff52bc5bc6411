"""One Grover search (the circuit ``export grover`` writes) on a named device: transpiled for
it, and simulated under its noise model."""

from __future__ import annotations

from typing import Optional

from qresource.grover.instances import marked_indices
from qresource.grover.problem import DEFAULT_LOADER
from qresource.grover.search_circuit import grover_search_bloq, measured_search_circuit
from qresource.machinery.device import export_for_device, measure_registers, validate_on_device


def export_grover_device(data: dict, target: str, output, *, k: Optional[int] = None,
                         loader: str = DEFAULT_LOADER) -> dict:
    """The measured search circuit transpiled for ``target``, written as OpenQASM 3."""

    search_bloq, problem = grover_search_bloq(data, k=k, loader=loader)
    info = export_for_device(measured_search_circuit(search_bloq), target, output)
    return {**info, "primitive": "grover", "iterations": search_bloq.iterations}


def validate_grover_noisy(data: dict, noise: str, shots: int, *, loader: str = DEFAULT_LOADER, seed: int = 0,
                          limit_bytes: Optional[int] = None) -> dict:
    """The ``noisy`` block: the search with `index` measured into `result` and every other
    register measured after it; a shot succeeds when `result` is a marked index and every
    ancilla reads 0 (the ideal value is sin^2((2r + 1) theta))."""

    search_bloq, _ = grover_search_bloq(data, loader=loader)
    marked = set(marked_indices(data))
    qc = measure_registers(measured_search_circuit(search_bloq), skip=("index",))
    others = [reg.name for reg in qc.qregs if reg.name != "index"]

    def accept(values: dict[str, int]) -> bool:
        return values["result"] in marked and all(values[f"m_{name}"] == 0 for name in others)

    block = validate_on_device(qc, noise, accept, shots=shots, seed=seed, limit_bytes=limit_bytes,
                               success="result is a marked index and every ancilla 0")
    block["iterations"] = search_bloq.iterations
    return block
