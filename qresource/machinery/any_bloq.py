"""Export and check any bloq, the package's or one a user composed around them.

A bloq whose decomposition reaches the gates the lowering knows (``machinery.lowering``: the
Clifford+T set, Toffoli-class gates, measurement-based uncomputation, and every bloq of this
package) can be written as OpenQASM and simulated on its classical basis inputs. The
per-primitive functions (``export_qram``, ``validate_oracle``, ...) add what each primitive
knows about itself (its table or instance, a statevector run); these two ask only for a bloq.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any, Mapping, Optional

import numpy as np
from qualtran import Bloq

from qresource.core.errors import QResourceError
from qresource.machinery.bitsliced import all_basis_inputs, simulate
from qresource.machinery.circuit_counts import circuit_counts
from qresource.machinery.flatten import to_circuit
from qresource.machinery.logical import logical_counts
from qresource.machinery.qasm_export import write_qasm

#: Inputs checked against the bloq's own classical action by default (the simulation runs them all).
DEFAULT_REFERENCE_INPUTS = 256


def export_bloq(bloq: Bloq, output: str | Path, *, qasm: int = 3) -> dict[str, Any]:
    """Flatten ``bloq`` to Clifford+T and write it as OpenQASM ``qasm`` (2 or 3) to ``output``.

    Registers keep their names (little-endian); every other qubit starts and ends in |0>.

    Returns:
        ``{"path", "qasm", "counts", "seconds"}``: ``counts`` is the written circuit's own
        count (``LogicalCounts.as_dict()``: qubits, toffoli, t, clifford, rotations,
        measurements, depth, t_depth), which for the package's bloqs equals the call graph's.
    """
    start = time.perf_counter()
    circuit = to_circuit(bloq)
    write_qasm(circuit, qasm, output)
    return {"path": str(output), "qasm": int(qasm), "counts": circuit_counts(circuit).as_dict(),
            "seconds": round(time.perf_counter() - start, 3)}


def validate_bloq(bloq: Bloq, inputs: Optional[Mapping[str, Any]] = None, *,
                  reference_inputs: int = DEFAULT_REFERENCE_INPUTS, seed: int = 0) -> dict[str, Any]:
    """Simulate the flattened ``bloq`` on classical basis inputs and compare it with two
    independent answers: the bloq's own classical action (``Bloq.call_classically``, which
    Qualtran evaluates on the bloq, not on its gates) and its call-graph counts against the
    flattened circuit's.

    Args:
        bloq: a bloq with a classical action whose decomposition reaches the lowering's gates.
        inputs: register name -> array of values, one per input (as for ``bitsliced.simulate``);
            default every basis input (at most 2^24).
        reference_inputs: how many of the inputs (drawn with ``seed``) are also evaluated by
            ``call_classically``, which is slow; the bit-sliced simulation covers all of them and
            itself refuses an input that leaves an ancilla other than |0>.

    Returns:
        ``{"passed", "inputs", "compared", "mismatches", "counts": {"bloq", "flattened"}}``.
    """
    if not bloq.signature.lefts():
        raise QResourceError("the bloq has no input register to check")
    if inputs is None:
        inputs = all_basis_inputs(bloq)
    arrays = {name: np.asarray(values) for name, values in inputs.items()}
    outputs = simulate(bloq, arrays)
    count = len(next(iter(arrays.values()))) if arrays else 1
    chosen = np.random.default_rng(seed).permutation(count)[:max(0, int(reference_inputs))]
    mismatches = []
    for i in sorted(int(i) for i in chosen):
        expected = bloq.call_classically(**{name: values[i] for name, values in arrays.items()})
        names = [reg.name for reg in bloq.signature.rights()]
        got = [outputs[name][i] for name in names]
        if any(not np.array_equal(np.asarray(e), np.asarray(g)) for e, g in zip(expected, got)):
            mismatches.append({"input": {name: np.asarray(values[i]).tolist() for name, values in arrays.items()},
                               "expected": [np.asarray(e).tolist() for e in expected],
                               "simulated": [np.asarray(g).tolist() for g in got]})
    bloq_counts = logical_counts(bloq, with_depth=False).as_dict()
    flat_counts = circuit_counts(to_circuit(bloq)).as_dict()
    same_gates = all(bloq_counts[key] == flat_counts[key] for key in ("toffoli", "t", "rotations"))
    return {"passed": not mismatches and same_gates, "inputs": int(count), "compared": len(chosen),
            "mismatches": mismatches[:10], "counts": {"bloq": bloq_counts, "flattened": flat_counts}}
