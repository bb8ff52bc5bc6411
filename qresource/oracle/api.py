"""Python API behind ``qresource estimate|export|validate oracle``: plain records and dicts.

The numbers come from :class:`qresource.oracle.threshold_oracle.ThresholdOracle`, the same bloq
that small instances flatten, export and simulate; the Toffoli split per call comes from the
bloq's parts (:func:`~qresource.oracle.threshold_oracle.toffoli_breakdown`).
"""

from __future__ import annotations

import time
from typing import Any, Optional

import numpy as np

from qresource.core.errors import QResourceError, ResourceLimitError
from qresource.core.guards import BYTES_PER_GATE, require_memory
from qresource.core.io import atomic_write_text
from qresource.core.record import EstimateRecord
from qresource.loaders.kinds import LoaderKind
from qresource.machinery.bitsliced import (
    SIMULATOR_ONLY_ACTIONS,
    classical_leaf_rule,
    compile_program,
    simulate,
)
from qresource.machinery.circuit_counts import circuit_counts
from qresource.machinery.device import (
    export_for_device,
    measure_registers,
    prepare_uniform,
    validate_on_device,
)
from qresource.machinery.flatten import leaf_program, to_circuit
from qresource.machinery.logical import logical_counts
from qresource.machinery.lowering import LeafRule
from qresource.machinery.parallel import check_execution
from qresource.machinery.qasm_export import qasm_text
from qresource.oracle.precision import (
    LogBase,
    check_width,
    exact_scores_at_least,
    make_instance,
    plan_precision,
    quantise,
    tau_precondition_failure,
)
from qresource.oracle.threshold_oracle import ThresholdOracle, toffoli_breakdown

EXPORT_MAX_N = 1 << 12


# ------------------------------------------------------------------------------ instances


def random_instance(seed: int, n: int = 64, d: int = 2, bits: int = 4, marked: int = 4) -> dict[str, Any]:
    """A reproducible integer instance whose tau marks about ``marked`` keys (numpy's PCG64)."""
    rng = np.random.default_rng(seed)
    low, high = -(1 << (bits - 1)), (1 << (bits - 1)) - 1
    q = rng.integers(low, high + 1, size=d)
    keys = rng.integers(low, high + 1, size=(n, d))
    scores = np.sort(keys @ q)[::-1]
    tau = int(scores[min(marked, n) - 1]) if scores[min(marked, n) - 1] > 0 else 1
    return {"q": q.tolist(), "K": keys.tolist(), "tau": tau, "bits": bits, "eta": None}


def precondition_notes(n: int, tau: Optional[float], log_base: LogBase = LogBase.E) -> list[str]:
    failure = tau_precondition_failure(n, tau, log_base)
    return [] if failure is None else [f"{failure} (estimate still computed)"]


def instance_oracle(data: dict[str, Any], *, loader: str = "qrom", form: str = "bit-flip",
                    excluded=(), log_base: LogBase = LogBase.E):
    """(oracle, precision plan, notes) for an instance: the user's bits are checked against the
    planner (error naming the planner's width when they cannot mark exactly S_i); without bits
    the planner's certified width is used."""

    instance = make_instance(data["q"], data["K"], data["tau"], data.get("eta"))
    if data.get("bits") is not None:
        quantised, plan = check_width(instance, int(data["bits"]))
        bits = int(data["bits"])
    else:
        plan = plan_precision(q=data["q"], keys=data["K"], tau=data["tau"], eta=data.get("eta"))
        bits = plan.bits
        quantised = quantise(instance, bits, plan.gap[0])[0]
    oracle = ThresholdOracle(instance.n, instance.d, bits, quantised.q, quantised.keys,
                             quantised.threshold, loader, form, tuple(excluded))
    notes = list(plan.notes) + precondition_notes(instance.n, float(instance.tau), log_base)
    return oracle, plan, notes, instance


# ------------------------------------------------------------------------------ estimate


def _record(oracle, params: dict, notes: list[str], plan=None) -> EstimateRecord:

    registers = {"index": oracle.index_bits}
    if oracle.form == "bit-flip":
        registers["flag"] = 1
    block = {
        "toffoli_per_call": toffoli_breakdown(oracle),
        "acc_bits": oracle.acc_bits,
        "recoding": oracle.recoding,
        "form": oracle.form,
        "excluded": len(oracle.excluded),
        "q_model": "given" if oracle.q is not None else "worst case over all b-bit Q_i",
    }
    if plan is not None:
        block["precision"] = plan.as_dict()
    return EstimateRecord(
        primitive="oracle", params=params, logical=logical_counts(oracle), registers=registers,
        model="full circuit", notes=notes, oracle=block,
    )


def estimate_oracle(n: int, d: int, bits: int, *, tau: Optional[float] = None, loader: str = "qrom",
                    form: str = "bit-flip", k: Optional[int] = None,
                    log_base: LogBase = LogBase.E) -> EstimateRecord:
    """One oracle call for the shape (n, d, b), worst case over Q_i; with k, the costliest call
    of the find-all-k schedule (k - 1 found indices excluded)."""

    if n < 2 or d < 1 or bits < 1:
        raise QResourceError(f"need n >= 2, d >= 1, bits >= 1 (got n={n}, d={d}, bits={bits})")
    if k is not None and not 1 <= k <= n:
        raise QResourceError(f"k = {k} must lie in [1, n = {n}]")
    loader = LoaderKind.parse(loader)
    excluded = tuple(range(k - 1)) if k else ()
    oracle = ThresholdOracle(n, d, bits, loader=loader, form=form, excluded=excluded)
    notes = ["Q_i not given: counts are the worst case over every b-bit Q_i (every digit non-zero)"]
    notes += precondition_notes(n, tau, LogBase.parse(log_base))
    if k:
        notes.append(f"k = {k}: the last search of the find-all schedule, {k - 1} found indices excluded")
    params = {"n": n, "d": d, "bits": bits, "tau": tau, "loader": loader, "form": form, "k": k}
    return _record(oracle, params, notes)


def estimate_oracle_instance(data: dict[str, Any], *, loader: str = "qrom", form: str = "bit-flip",
                             log_base: LogBase = LogBase.E) -> EstimateRecord:
    """Logical resources of the oracle for one instance (``{"q", "K", "tau", "bits"}``, as
    ``read_instance`` returns it): the precision planner turns q, K and tau into integers, and the
    record counts the oracle built on that data (``qresource estimate oracle --instance``)."""
    oracle, plan, notes, instance = instance_oracle(data, loader=loader, form=form,
                                                    log_base=LogBase.parse(log_base))
    params = {"n": instance.n, "d": instance.d, "bits": oracle.bits, "tau": float(instance.tau),
              "threshold": oracle.tau, "loader": loader, "form": form}
    return _record(oracle, params, notes, plan)


# ------------------------------------------------------------------------------ validate


def validate_oracle(data: dict[str, Any], *, loader: str = "qrom", workers: int = 1,
                    scheduler: Optional[str] = None, progress=None,
                    limit_bytes: Optional[int] = None) -> dict[str, Any]:
    """The oracle's whole truth table, every index at once through the bit-sliced simulator of the
    flattened circuit (ancillas checked back to 0), against exact [Q_i . K_j >= tau]; and its
    call-graph counts against the flattened circuit's.

    Index blocks run on ``workers`` local processes or on the Dask ``scheduler``. The size limit
    is memory: the flattened circuit's gates (known from the call graph before flattening) and
    the simulator's state must fit under the guard of :mod:`qresource.core.guards`.
    """

    check_execution(workers, scheduler)
    oracle, plan, notes, instance = instance_oracle(data, loader=loader)
    counted = logical_counts(oracle, with_depth=False).as_dict()
    gates = sum(int(counted[key]) for key in ("t", "clifford", "rotations", "measurements"))
    indices = np.arange(1 << oracle.index_bits)
    # The simulator's state is one bit per input on each live wire, at most the circuit's width.
    state_bytes = int(counted["qubits"]) * len(indices) // 8
    require_memory(gates * BYTES_PER_GATE + state_bytes,
                   f"validate oracle n = {instance.n} ({gates:,} gates, {len(indices):,} indices)",
                   "--max-memory", limit_bytes)
    start = time.perf_counter()
    leaves = leaf_program(oracle, rules=classical_leaf_rule)
    program = compile_program(leaves)
    lowered = time.perf_counter() - start
    start, start_cpu = time.perf_counter(), time.process_time()
    out = simulate(oracle, {"index": indices, "flag": np.zeros_like(indices)}, program=program,
                   workers=workers, scheduler=scheduler, progress=progress)
    simulated, simulated_cpu = time.perf_counter() - start, time.process_time() - start_cpu
    truth = exact_scores_at_least(instance, instance.tau)
    flags = np.asarray(out["flag"]).astype(bool)
    mismatches = [int(j) for j in np.nonzero(flags[: instance.n] != truth)[0]]
    padding_marked = [int(j) for j in indices[instance.n:] if flags[j]]
    start = time.perf_counter()
    # Without simulator-only leaves the classical flattening is the circuit's: flatten once.
    same_leaves = not any(isinstance(op[0], LeafRule) and op[0].classical is not None
                          and op[0].classical[0] in SIMULATOR_ONLY_ACTIONS for op in leaves.ops)
    flat = circuit_counts(to_circuit(oracle, program=leaves if same_leaves else None)).as_dict()
    counted_seconds = time.perf_counter() - start
    keys = ("qubits", "toffoli", "t", "clifford", "measurements")
    counts_agree = all(counted[key] == flat[key] for key in keys)
    passed = not mismatches and counts_agree and bool(np.array_equal(out["index"], indices))
    return {
        "primitive": "oracle",
        "passed": passed,
        "n": instance.n, "d": instance.d, "bits": oracle.bits, "threshold": oracle.tau,
        "marked": int(truth.sum()),
        "indices_simulated": int(len(indices)),
        "mismatches": mismatches[:20],
        "padding_indices_marked": padding_marked[:20],
        "ancillas_clean": True,  # the simulator raises otherwise
        "counts": {"bloq": {k: counted[k] for k in keys}, "flattened": {k: flat[k] for k in keys}},
        "simulation_seconds": round(simulated, 3),
        "simulator": {"operations": program.operations, "slots": program.n_slots,
                      "lowering_seconds": round(lowered, 3),
                      "simulation_cpu_seconds": round(simulated_cpu, 3),  # this process only
                      "counting_seconds": round(counted_seconds, 3),
                      "execution": f"Dask scheduler {scheduler}" if scheduler else
                      f"{workers} local worker process{'es' if workers > 1 else ''}" if workers > 1 else "this process"},
        "notes": notes,
    }


# ------------------------------------------------------------------------------ export


def export_oracle(data: dict[str, Any], version: int, output, *, loader: str = "qrom",
                  form: str = "bit-flip") -> dict[str, Any]:
    """Write the oracle's Clifford+T circuit (registers ``index``, ``flag``) as OpenQASM."""

    oracle, plan, notes, instance = instance_oracle(data, loader=loader, form=form)
    if instance.n > EXPORT_MAX_N:
        raise ResourceLimitError(f"export writes every gate: n = {instance.n} > {EXPORT_MAX_N}")
    circuit = to_circuit(oracle)
    text = qasm_text(circuit, int(version))
    atomic_write_text(output, text)
    return {"output": str(output), "qasm": int(version), "counts": circuit_counts(circuit).as_dict(),
            "registers": {reg.name: reg.size for reg in circuit.qregs}, "notes": notes}


def export_oracle_device(data: dict[str, Any], target: str, output, *, loader: str = "qrom",
                         form: str = "bit-flip") -> dict[str, Any]:
    """The oracle's circuit transpiled for ``target``, written as OpenQASM 3."""

    oracle, plan, notes, instance = instance_oracle(data, loader=loader, form=form)
    if instance.n > EXPORT_MAX_N:
        raise ResourceLimitError(f"export writes every gate: n = {instance.n} > {EXPORT_MAX_N}")
    info = export_for_device(to_circuit(oracle), target, output)
    return {**info, "primitive": "oracle", "notes": notes}


def validate_oracle_noisy(data: dict[str, Any], noise: str, shots: int, *, loader: str = "qrom", seed: int = 0,
                          limit_bytes: Optional[int] = None) -> dict[str, Any]:
    """The ``noisy`` block: every index in uniform superposition, every register measured at the
    end on the device ``noise``; a shot succeeds when flag = [q . K_index >= tau] (exact) and
    every ancilla reads 0. Padding indices (index >= n) expect the flag the circuit computes."""

    oracle, _, _, instance = instance_oracle(data, loader=loader)
    truth = [bool(x) for x in exact_scores_at_least(instance, instance.tau)]
    space = 1 << oracle.index_bits
    if space > instance.n:
        indices = np.arange(space)
        flags = simulate(oracle, {"index": indices, "flag": np.zeros_like(indices)})["flag"]
        truth += [bool(x) for x in np.asarray(flags)[instance.n:]]
    qc = measure_registers(prepare_uniform(to_circuit(oracle), "index", space))
    others = [reg.name for reg in qc.qregs if reg.name not in ("index", "flag")]

    def accept(values: dict[str, int]) -> bool:
        return (values["m_flag"] == int(truth[values["m_index"]])
                and all(values[f"m_{name}"] == 0 for name in others))

    return validate_on_device(qc, noise, accept, shots=shots, seed=seed, limit_bytes=limit_bytes,
                              success="flag = [q . K_index >= tau] and every ancilla 0")
