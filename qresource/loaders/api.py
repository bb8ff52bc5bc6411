"""The data-loading API behind ``qresource estimate|export|validate qram``: plain records and
dicts built from the loader bloqs of :mod:`qresource.loaders.table_loader`."""

from __future__ import annotations

import math
import time
from pathlib import Path
from typing import Any, Optional, Sequence

import numpy as np

from qresource.core.errors import QResourceError, ResourceLimitError
from qresource.core.guards import require_circuit_memory
from qresource.core.integers import address_width
from qresource.core.io import read_json_file
from qresource.core.record import EstimateRecord
from qresource.loaders.closed_forms import unload_counts
from qresource.loaders.kinds import LoaderKind
from qresource.loaders.table_loader import make_loader
from qresource.machinery.bitsliced import simulate, word_program
from qresource.machinery.circuit_counts import circuit_counts
from qresource.machinery.device import (
    export_for_device,
    measure_registers,
    prepare_uniform,
    validate_on_device,
)
from qresource.machinery.flatten import to_circuit
from qresource.machinery.logical import logical_counts
from qresource.machinery.parallel import check_execution
from qresource.machinery.qasm_export import write_qasm
from qresource.machinery.statevector import run_bloq_statevector, statevector_bytes

PRIMITIVE = "qram"
# Statevector checks put the address in uniform superposition; beyond this many words the
# check is skipped (the bit-sliced check still covers every address).
STATEVECTOR_MAX_WORDS = 8
#: The widest circuit the statevector check simulates (1 GiB of amplitudes): fixed, so that the
#: result depends on the inputs only, never on the memory free on the machine.
STATEVECTOR_MAX_QUBITS = 26


def check_shape(kind: str, n_words: int, bits: int) -> None:

    LoaderKind.parse(kind)
    if isinstance(n_words, bool) or not isinstance(n_words, (int, np.integer)) or n_words < 2:
        raise QResourceError(f"--n must be at least 2 words, got {n_words}")
    if isinstance(bits, bool) or not isinstance(bits, (int, np.integer)) or bits < 1:
        raise QResourceError(f"--bits must be at least 1, got {bits}")


def check_table(data: Any, bits: Any, n_words: Optional[int] = None, source: str = "data") -> list[int]:
    """Validate a table of words: a list of at least 2 non-negative ints below 2^bits (and at
    most ``n_words`` of them, padded with zeros to ``n_words`` when given)."""
    if isinstance(bits, bool) or not isinstance(bits, int):
        raise QResourceError(f"{source}: 'bits' must be an integer, got {bits!r}")
    if bits < 1:
        raise QResourceError(f"{source}: 'bits' must be at least 1, got {bits}")
    if not isinstance(data, list):
        raise QResourceError(f"{source}: 'data' must be a list of integers")
    words = []
    for position, word in enumerate(data):
        if isinstance(word, bool) or not isinstance(word, int):
            raise QResourceError(f"{source}: word {position} is not an integer: {word!r}")
        if word < 0:
            raise QResourceError(f"{source}: word {position} is negative: {word}")
        if word >> bits:
            raise QResourceError(f"{source}: word {position} = {word} does not fit in {bits} bits")
        words.append(word)
    if n_words is not None:
        if len(words) > n_words:
            raise QResourceError(f"{source}: {len(words)} words do not fit a table of --n {n_words}")
        words += [0] * (n_words - len(words))
    if len(words) < 2:
        raise QResourceError(f"{source}: a table needs at least 2 words, got {len(words)}")
    return words


def read_table(path: str | Path) -> tuple[list[int], int]:
    """Read ``{"data": [n ints], "bits": int}``; every problem is a one-line QResourceError."""

    content = read_json_file(path)
    if not isinstance(content, dict):
        raise QResourceError(f"{path}: expected a JSON object with 'data' and 'bits'")
    missing = [key for key in ("data", "bits") if key not in content]
    if missing:
        raise QResourceError(f"{path}: missing key {missing[0]!r}")
    bits = content["bits"]
    return check_table(content["data"], bits, source=str(path)), bits


def random_table(n_words: int, bits: int, seed: int) -> list[int]:
    rng = np.random.default_rng(seed)
    return [int(x) for x in rng.integers(0, 1 << bits, size=n_words, dtype=np.uint64)]


def loader_bloq(kind: str, n_words: int, bits: int, data: Optional[Sequence[int]] = None,
                log_block_size: Optional[int] = None):

    check_shape(kind, n_words, bits)
    try:
        return make_loader(kind, n_words, bits, data, log_block_size=log_block_size)
    except ValueError as exc:
        raise QResourceError(str(exc)) from None


def estimate_qram(kind: str, n_words: int, bits: int, data: Optional[Sequence[int]] = None,
                  log_block_size: Optional[int] = None) -> EstimateRecord:
    """Logical counts of one access to an ``n_words`` x ``bits`` table through loader ``kind``."""

    bloq = loader_bloq(kind, n_words, bits, data, log_block_size)
    kind = LoaderKind.parse(kind)
    logical = logical_counts(bloq)
    params: dict[str, Any] = {"loader": str(kind), "n": int(n_words), "bits": int(bits)}
    notes = []
    width = address_width(n_words)
    tree = kind in (LoaderKind.FANOUT, LoaderKind.BUCKET_BRIGADE)
    if n_words != 2**width:
        if tree:
            notes.append(
                f"N = {n_words} is not a power of two: the routing tree is padded to 2^{width} "
                f"leaves and addresses {n_words}..{2**width - 1} read the word 0"
            )
        else:
            notes.append(
                f"N = {n_words} is not a power of two: addresses are {width} bits, of which "
                f"{n_words}..{2**width - 1} lie outside the table"
            )
    if kind == LoaderKind.QROAM:
        params["block_size"] = 2**bloq.log_block_size
        unload = unload_counts(kind, n_words, bits)
        notes.append(
            f"block size K = {2**bloq.log_block_size} (Qualtran's QROAMClean with exact swaps into a "
            f"K b-qubit scratch, K minimising ceil(N/K) - 2 + (K - 1) b; the scratch unloaded by "
            f"measurement in blocks of {2**bloq.inner.unload_log_block_size} addresses)"
        )
        notes.append(
            f"unloading the target (the adjoint, as the oracle does) is by measurement: "
            f"{unload['toffoli']} Toffolis, {unload['qubits']} qubits; Cliffords count every parity "
            "read and every fix-up as applied (the worst case over outcomes); depth, lattice-surgery "
            "depth and T-depth are upper bounds (docs/loaders.md)"
        )
    if data is None:
        if kind == LoaderKind.FANOUT:
            notes.append("no table given: Cliffords and depth count every bit as 1 (the worst case)")
        elif kind == LoaderKind.BUCKET_BRIGADE:
            notes.append("no table given: Cliffords and depth count every bit as 1")
        elif kind == LoaderKind.QROM:
            notes.append(
                "no table given: Qualtran's shape-only count (N b CNOTs; unary iteration's own "
                "CNOTs and control flips are not in it, see docs/loaders.md); depth is the closed "
                "form, exact when the number of words (blocks) is a power of two, else an upper bound"
            )
        else:
            notes.append(
                "no table given: Qualtran's shape-only count for the lookup (N b CNOTs; unary "
                "iteration's own CNOTs and control flips are not in it), every bit 1 for the "
                "measured unload (see docs/loaders.md)"
            )
    return EstimateRecord(
        primitive=PRIMITIVE,
        params=params,
        logical=logical,
        registers={"address": width, "target": int(bits)},
        model="circuit",
        notes=notes,
    )


def qram_circuit(kind: str, data: Sequence[int], bits: int):

    return to_circuit(loader_bloq(kind, len(data), bits, data))


def export_qram(
    kind: str, data: Sequence[int], bits: int, version: int, output: str | Path, max_memory: int | None = None
) -> dict:
    """Flatten the loader for ``data`` and write it as OpenQASM ``version``; returns what was
    written (path, qubits, gate counts, seconds). Refuses, before flattening, a circuit whose
    gates (known from the call graph) would not fit in ``max_memory``."""

    start = time.perf_counter()
    planned = logical_counts(loader_bloq(kind, len(data), bits, data), with_depth=False)
    require_circuit_memory(
        planned.t + planned.clifford + planned.rotations + planned.measurements,
        f"exporting the {kind} loader of {len(data)} words",
        limit_bytes=max_memory,
    )
    circuit = qram_circuit(kind, data, bits)
    write_qasm(circuit, version, output)
    return {
        "path": str(output),
        "loader": kind,
        "n": len(data),
        "bits": bits,
        "qasm": int(version),
        "counts": circuit_counts(circuit).as_dict(),
        "seconds": round(time.perf_counter() - start, 3),
    }


def validate_qram(kind: str, data: Sequence[int], bits: int, seed: int = 0, *, workers: int = 1,
                  scheduler: Optional[str] = None, progress=None, max_memory: Optional[int] = None) -> dict:
    """Check the loader on ``data`` against two independent simulations.

    1. Bit-sliced classical simulation of the lowered circuit on every address, with target 0
       and with random target values: the target must come out as ``target XOR data[address]``,
       the address unchanged, every ancilla back to |0>.
    2. For at most :data:`STATEVECTOR_MAX_WORDS` words, Qiskit Aer statevector with the address
       in uniform superposition and target |0>: the state must be sum_j |j>|data_j> / sqrt(N)
       with clean ancillas (skipped, with the reason, if the circuit is too wide to simulate).

    The circuit is lowered once for both runs; address blocks run on ``workers`` local processes
    or on the Dask ``scheduler``. The size limit is memory: the flattened gates (known from the
    call graph) must fit under ``max_memory``.
    """

    n_words = len(data)
    bloq = loader_bloq(kind, n_words, bits, data)
    words = np.array(data, dtype=object)
    rng = np.random.default_rng(seed)
    addresses = np.arange(n_words, dtype=np.int64)
    result: dict[str, Any] = {"loader": kind, "n": n_words, "bits": bits, "seed": seed}

    check_execution(workers, scheduler)
    planned = logical_counts(bloq, with_depth=False)
    require_circuit_memory(planned.t + planned.clifford + planned.rotations + planned.measurements,
                           f"validating the {kind} loader of {n_words} words", limit_bytes=max_memory)
    start = time.perf_counter()
    program = word_program(bloq)
    checked = 0
    for targets in (np.zeros(n_words, dtype=np.int64), rng.integers(0, 1 << bits, n_words, dtype=np.uint64)):
        targets = np.array([int(x) for x in targets], dtype=object)
        out = simulate(bloq, {"address": addresses, "target": _int_array(targets)}, program=program,
                       workers=workers, scheduler=scheduler, progress=progress)
        got_address = [int(x) for x in out["address"]]
        got_target = [int(x) for x in out["target"]]
        if got_address != list(range(n_words)):
            raise QResourceError(f"{kind}: the address register changed")
        for address in range(n_words):
            want = int(targets[address]) ^ int(words[address])
            if got_target[address] != want:
                raise QResourceError(
                    f"{kind}: address {address} loaded {got_target[address] ^ int(targets[address])}, "
                    f"expected {int(words[address])}"
                )
        checked += n_words
    result["bitsliced"] = {"addresses": n_words, "runs": checked, "ok": True,
                           "seconds": round(time.perf_counter() - start, 3)}
    result["statevector"] = _statevector_check(kind, bloq, list(data), bits)
    result["ok"] = True
    return result


def _int_array(values) -> np.ndarray:
    if all(int(v) < (1 << 62) for v in values):
        return np.array([int(v) for v in values], dtype=np.int64)
    return np.array([int(v) for v in values], dtype=object)


def _statevector_check(kind: str, bloq, data: list[int], bits: int) -> dict:

    n_words = len(data)
    if n_words > STATEVECTOR_MAX_WORDS:
        return {"ok": None, "skipped": f"more than {STATEVECTOR_MAX_WORDS} words"}
    start = time.perf_counter()
    try:
        state = run_bloq_statevector(bloq, {"address": ("uniform", n_words)},
                                     limit_bytes=statevector_bytes(STATEVECTOR_MAX_QUBITS))
    except ResourceLimitError:
        return {"ok": None, "skipped": f"the circuit is wider than the {STATEVECTOR_MAX_QUBITS} qubits "
                                       f"a statevector check simulates"}
    names = state.register_names
    expected = {}
    for address, word in enumerate(data):
        key = {"address": address, "target": word}
        expected[tuple(key.get(name, 0) for name in names)] = 1 / math.sqrt(n_words)
    got = state.amplitudes
    if set(got) != set(expected):
        extra = sorted(set(got) ^ set(expected))[0]
        raise QResourceError(f"{kind}: statevector has the wrong support (e.g. {dict(zip(names, extra))})")
    phase = got[next(iter(expected))] / abs(got[next(iter(expected))])
    for key, amplitude in expected.items():
        if abs(got[key] / phase - amplitude) > 1e-7:
            raise QResourceError(f"{kind}: amplitude of {dict(zip(names, key))} is {got[key]:.6g}")
    return {"ok": True, "qubits": state.circuit_qubits, "seconds": round(time.perf_counter() - start, 3)}


def export_qram_device(kind: str, data: Sequence[int], bits: int, target: str, output: str | Path,
                       max_memory: int | None = None) -> dict:
    """The loader's circuit for ``data`` transpiled for ``target`` and written as OpenQASM 3
    (physical qubits, the layout of ``address``, ``target`` and ``ancilla`` as comments)."""

    start = time.perf_counter()
    planned = logical_counts(loader_bloq(kind, len(data), bits, data), with_depth=False)
    require_circuit_memory(planned.t + planned.clifford + planned.rotations + planned.measurements,
                           f"exporting the {kind} loader of {len(data)} words", limit_bytes=max_memory)
    info = export_for_device(qram_circuit(kind, data, bits), target, output)
    return {**info, "primitive": PRIMITIVE, "loader": kind, "n": len(data), "bits": bits, "qasm": 3,
            "seconds": round(time.perf_counter() - start, 3)}


def validate_qram_noisy(kind: str, data: Sequence[int], bits: int, noise: str, shots: int, seed: int = 0,
                        limit_bytes: int | None = None) -> dict:
    """The ``noisy`` block: the address in uniform superposition over the N words, every register
    measured at the end on the device ``noise``; a shot succeeds when target = data[address]
    and every other qubit reads 0."""

    words = list(data)
    qc = measure_registers(prepare_uniform(qram_circuit(kind, words, bits), "address", len(words)))
    others = [reg.name for reg in qc.qregs if reg.name not in ("address", "target")]

    def accept(values: dict[str, int]) -> bool:
        address = values["m_address"]
        return (address < len(words) and values["m_target"] == words[address]
                and all(values[f"m_{name}"] == 0 for name in others))

    return validate_on_device(qc, noise, accept, shots=shots, seed=seed, limit_bytes=limit_bytes,
                              success="target = data[address] and every ancilla 0")
