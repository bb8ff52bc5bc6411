"""Exported circuits on a named device: transpilation, device-run costs and noisy simulation.

A device is either one of the fake backends of ``qiskit-ibm-runtime`` (``fake_torino``: Heron,
CZ; ``fake_sherbrooke``: Eagle, ECR; every other one it ships that runs dynamic circuits), with
its native operations, coupling map, gate durations and calibrated error rates, or the generic
``all-to-all[:GATES]`` target (every pair of qubits coupled, the chosen gate set, no durations
and no error rates).

- :func:`transpile_for` maps a logical circuit (Clifford+T with measurement-based
  uncomputation as ``if_else`` blocks) to the device with Qiskit's preset pass manager: the
  classically controlled corrections stay dynamic-circuit control flow, whose bodies are
  translated and routed like the rest. The layout from logical to physical qubits is kept per
  named register, at the start and at the end (routing moves qubits).
- :func:`device_costs`: native two-qubit gates, depth, duration and the estimated success
  probability. Duration is the as-soon-as-possible schedule with the target's gate durations; a
  classically controlled block lasts its body's longest path and starts once its condition bit
  is measured (feed-forward latency is not in the calibration data, so it is not added). The
  estimated success probability is the product of ``1 - error`` over every gate and readout
  (every gate of every branch counted once, as if each correction ran: a lower bound on the
  gates' share); idle decoherence is not in it, the noisy simulation has it.
- :func:`noisy_counts` runs the transpiled circuit on Qiskit Aer under the backend's noise
  model (``NoiseModel.from_backend``: depolarizing gate errors, thermal relaxation over each
  gate's duration, readout errors), and without noise, with a method picked by the number of
  qubits the circuit touches and refused before it starts when the state would not fit in memory.
"""

from __future__ import annotations

import enum
import importlib
import math
import time
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any, Callable, Mapping, Optional

from qresource.core.errors import QResourceError, ResourceLimitError
from qresource.core.guards import MEMORY_ENV, format_size, memory_limit_bytes
from qresource.core.io import atomic_write_text
from qresource.machinery.circuit_counts import circuit_counts

GENERIC = "all-to-all"
GENERIC_GATES = ("cz", "rz", "sx", "x")
#: Control flow every target here must accept: measurement-based uncomputation is ``if_else``.
CONTROL_FLOW = "if_else"
#: The device the reference circuits of ``circuits/hardware/`` are transpiled for.
REFERENCE_DEVICE = "fake_torino"
OPTIMIZATION_LEVEL = 2
_UNTIMED = frozenset({"barrier", "delay", "global_phase", "store"})
_FAKE_PROVIDER = "qiskit_ibm_runtime.fake_provider"


class SimulationMethod(enum.StrEnum):
    """Qiskit Aer methods, picked by the number of qubits the circuit touches."""

    DENSITY_MATRIX = "density_matrix"
    STATEVECTOR = "statevector"
    MATRIX_PRODUCT_STATE = "matrix_product_state"


#: Density matrices only for a circuit whose measurements all come at the end (one run gives
#: every shot); with mid-circuit measurements each shot is a trajectory and a statevector is
#: cheaper. Beyond STATEVECTOR_MAX_QUBITS, matrix product states.
DENSITY_MATRIX_MAX_QUBITS = 10
STATEVECTOR_MAX_QUBITS = 26
#: Copies of the state the simulator holds at once (the state and a work buffer).
STATE_COPIES = 2


@dataclass(frozen=True)
class Device:
    """A named target: ``backend`` is the fake backend (None for the generic target)."""

    name: str
    target: Any
    backend: Any = None
    description: str = ""

    @property
    def num_qubits(self) -> Optional[int]:
        return None if self.backend is None else self.backend.num_qubits


@dataclass
class DeviceCircuit:
    """A circuit transpiled for a device, with its layout per named register."""

    device: Device
    circuit: Any
    layout: dict[str, dict[str, list[int]]]
    logical_qubits: int
    seconds: float
    costs: dict[str, Any] = field(default_factory=dict)


def _fake_backend_classes() -> dict[str, type]:
    provider = importlib.import_module(_FAKE_PROVIDER)
    classes = {}
    for attribute in dir(provider):
        cls = getattr(provider, attribute)
        name = getattr(cls, "backend_name", None)
        if isinstance(cls, type) and attribute.startswith("Fake") and isinstance(name, str) and name.startswith("fake_"):
            if not attribute.endswith("V1") or name not in classes:
                classes[name] = cls
    return classes


def _dynamic(backend) -> bool:
    return CONTROL_FLOW in backend.target.operation_names


def device_names() -> list[str]:
    """Fake backends of qiskit-ibm-runtime that run dynamic circuits, then the generic target."""
    names = []
    for name, cls in sorted(_fake_backend_classes().items()):
        backend = _quiet(cls)
        if _dynamic(backend):
            names.append(name)
    return names + [f"{GENERIC}[:GATES]"]


def _quiet(cls):
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return cls()


def _unknown(name: str, why: str) -> QResourceError:
    return QResourceError(f"{why} {name!r}: choose one of {', '.join(device_names())}")


def resolve_device(name: str) -> Device:
    """The device called ``name`` (a fake backend's name, or ``all-to-all[:g1,g2,...]``)."""
    text = str(name).strip()
    if text == GENERIC or text.startswith(GENERIC + ":"):
        return _generic(text)
    cls = _fake_backend_classes().get(text)
    if cls is None:
        raise _unknown(text, "unknown target")
    backend = _quiet(cls)
    if not _dynamic(backend):
        raise _unknown(text, "no dynamic circuits (if_else) on target")
    gates = sorted(op for op in backend.operation_names if backend.target.operation_from_name(op).num_qubits == 2)
    return Device(name=text, target=working_target(backend.target), backend=backend,
                  description=f"{backend.num_qubits} qubits, two-qubit gate {'/'.join(gates)}")


def _generic(text: str) -> Device:
    from qiskit.transpiler import Target  # noqa: F811

    gates = tuple(g.strip() for g in text.split(":", 1)[1].split(",")) if ":" in text else GENERIC_GATES
    if not all(gates):
        raise QResourceError(f"target {text!r}: the gate list has an empty name")
    try:
        # Width is set per circuit in transpile_for; this target is only checked here.
        Target.from_configuration(list(gates) + ["measure"], num_qubits=2)
    except Exception as exc:  # noqa: BLE001 - Qiskit raises several types for unknown names
        raise QResourceError(f"target {text!r}: {str(exc).splitlines()[0]}") from None
    return Device(name=f"{GENERIC}:{','.join(gates)}", target=None, backend=None,
                  description=f"all-to-all, gates {', '.join(gates)}, no durations or error rates")


def _generic_target(device: Device, width: int):
    from qiskit.circuit import IfElseOp
    from qiskit.transpiler import Target

    gates = device.name.split(":", 1)[1].split(",")
    target = Target.from_configuration(gates + ["measure"], num_qubits=max(width, 2))
    target.add_instruction(IfElseOp, name=CONTROL_FLOW)
    return target


def transpile_for(qc, device: Device, *, seed: int = 0) -> DeviceCircuit:
    """``qc`` on ``device``'s native operations and coupling map (seeded, so repeatable)."""
    from qiskit import transpile

    width = qc.num_qubits
    if device.num_qubits is not None and width > device.num_qubits:
        raise QResourceError(
            f"the circuit has {width} qubits, wider than {device.name} ({device.num_qubits} qubits)"
        )
    target = device.target if device.target is not None else _generic_target(device, width)
    start = time.perf_counter()
    try:
        out = transpile(qc, target=target, optimization_level=OPTIMIZATION_LEVEL, seed_transpiler=seed)
    except Exception as exc:  # noqa: BLE001 - a TranspilerError names what the target lacks
        raise QResourceError(f"cannot transpile for {device.name}: {str(exc).splitlines()[0]}") from None
    seconds = time.perf_counter() - start
    layout = register_layout(qc, out)
    result = DeviceCircuit(device=device, circuit=out, layout=layout, logical_qubits=width,
                           seconds=round(seconds, 3))
    result.costs = device_costs(out, device)
    return result


def register_layout(logical, transpiled) -> dict[str, dict[str, list[int]]]:
    """Register name -> physical qubit of each of its bits, before and after the circuit."""
    if transpiled.layout is None:
        identity = list(range(logical.num_qubits))
        initial = final = identity
    else:
        initial = transpiled.layout.initial_index_layout(filter_ancillas=True)
        final = transpiled.layout.final_index_layout(filter_ancillas=True)
    position = {bit: k for k, bit in enumerate(logical.qubits)}
    return {
        reg.name: {"initial": [initial[position[q]] for q in reg], "final": [final[position[q]] for q in reg]}
        for reg in logical.qregs
    }


# --- costs --------------------------------------------------------------------------------------


class _Timeline:
    """As-soon-as-possible finish times per qubit and classical bit, in any unit of duration."""

    def __init__(self):
        self.qubit: dict[int, float] = {}
        self.clbit: dict[int, float] = {}
        self.end = 0

    def place(self, qubits, duration, reads=(), writes=()):
        start = max([self.qubit.get(q, 0) for q in qubits] + [self.clbit.get(c, 0) for c in reads], default=0)
        end = start + duration
        for q in qubits:
            self.qubit[q] = end
        for c in writes:
            self.clbit[c] = end
        self.end = max(self.end, end)


@dataclass
class _Tally:
    two_qubit: int = 0
    gates: dict[str, int] = field(default_factory=dict)
    log_fidelity: float = 0.0
    missing_error: set = field(default_factory=set)
    missing_duration: set = field(default_factory=set)


def _walk(circuit, qubit_map, clbit_map, target, tally: _Tally, depth: _Timeline, timing: _Timeline):
    for inst in circuit.data:
        op = inst.operation
        name = op.name
        qubits = [qubit_map[q] for q in inst.qubits]
        clbits = [clbit_map[c] for c in inst.clbits]
        if name in _UNTIMED:
            continue
        if getattr(op, "blocks", None):
            longest, longest_time = 0, 0.0
            for block in op.blocks:
                if block is None:
                    continue
                inner_depth, inner_time = _Timeline(), _Timeline()
                _walk(block, dict(zip(block.qubits, qubits)), dict(zip(block.clbits, clbits)), target, tally,
                      inner_depth, inner_time)
                longest, longest_time = max(longest, inner_depth.end), max(longest_time, inner_time.end)
            depth.place(qubits, longest, reads=clbits)
            timing.place(qubits, longest_time, reads=clbits)
            continue
        tally.gates[name] = tally.gates.get(name, 0) + 1
        if len(qubits) == 2:
            tally.two_qubit += 1
        properties = None
        if target is not None and name in target.operation_names:
            properties = target[name].get(tuple(qubits)) if target[name] else None
        error = None if properties is None else properties.error
        duration = None if properties is None else properties.duration
        if error is None:
            tally.missing_error.add(name)
        else:
            tally.log_fidelity += math.log1p(-min(error, 1.0)) if error < 1 else -math.inf
        if duration is None:
            tally.missing_duration.add(name)
        writes = clbits if name == "measure" else ()
        depth.place(qubits, 1, writes=writes)
        timing.place(qubits, duration or 0.0, writes=writes)


def device_costs(transpiled, device: Device) -> dict[str, Any]:
    """Native gates (two-qubit ones apart), depth, duration and estimated success on ``device``."""
    target = device.target
    tally, depth, timing = _Tally(), _Timeline(), _Timeline()
    _walk(transpiled, {q: k for k, q in enumerate(transpiled.qubits)},
          {c: k for k, c in enumerate(transpiled.clbits)}, target, tally, depth, timing)
    notes = []
    duration = timing.end
    if device.backend is None:
        duration = None
        notes.append(f"duration: {device.name} has no gate durations")
    elif tally.missing_duration:
        notes.append(f"duration: no calibrated duration for {', '.join(sorted(tally.missing_duration))} (counted 0)")
    if target is None or tally.missing_error:
        success = None
        notes.append(f"estimated_success_probability: {device.name} has no error rate for "
                     f"{', '.join(sorted(tally.missing_error)) or 'its gates'}")
    else:
        success = math.exp(tally.log_fidelity)
    active = sorted({transpiled.find_bit(q).index for q in _touched(transpiled)})
    two_qubit_names = sorted(n for n in tally.gates if transpiled_arity(transpiled, n) == 2)
    return {
        "backend": device.name,
        "device": device.description,
        "qubits": len(active),
        "native_two_qubit_gate": "/".join(two_qubit_names) or None,
        "native_two_qubit_gates": tally.two_qubit,
        "native_gates": dict(sorted(tally.gates.items())),
        "depth": depth.end,
        "duration_s": None if duration is None else float(f"{duration:.6g}"),
        "estimated_success_probability": None if success is None else float(f"{success:.6g}"),
        "cost_model": "device: the transpiled circuit, every branch of a correction counted once; "
                      "success = product of (1 - error) over gates and readouts",
        "notes": notes,
    }


def transpiled_arity(circuit, name: str) -> int:
    """Qubits of the first instruction called ``name`` in ``circuit`` or its blocks."""
    for inst in circuit.data:
        if inst.operation.name == name:
            return len(inst.qubits)
        for block in getattr(inst.operation, "blocks", ()):
            if block is not None:
                arity = transpiled_arity(block, name)
                if arity:
                    return arity
    return 0


def _touched(circuit):
    qubits = set()
    for inst in circuit.data:
        if inst.operation.name != "barrier":
            qubits.update(inst.qubits)
    return qubits


# --- the file -----------------------------------------------------------------------------------


def layout_comment(layout: Mapping[str, Mapping[str, list[int]]], device_name: str) -> list[str]:
    """Comment lines naming the physical qubit of every register bit, before and after."""
    lines = [f"// transpiled for {device_name}; logical register bit -> physical qubit $p "
             "(little-endian, at the start -> at the end, routing moves them)"]
    for name, where in layout.items():
        pairs = " ".join(f"{name}[{k}]=${a}->${b}" for k, (a, b) in enumerate(zip(where["initial"], where["final"])))
        lines.append(f"// layout {pairs}")
    return lines


def device_qasm(result: DeviceCircuit) -> str:
    """OpenQASM 3 of the transpiled circuit (physical qubits ``$p``), the layout as comments
    after the header; classical registers keep their names."""
    import qiskit.qasm3

    text = qiskit.qasm3.dumps(result.circuit)
    head, _, body = text.partition('include "stdgates.inc";\n')
    comment = "\n".join(layout_comment(result.layout, result.device.name))
    return f'{head}include "stdgates.inc";\n{comment}\n{body}'


# --- noisy simulation ---------------------------------------------------------------------------


def _mid_circuit_measurement(circuit) -> bool:
    measured = set()
    for inst in circuit.data:
        name = inst.operation.name
        if getattr(inst.operation, "blocks", None):
            return True
        if name == "measure":
            measured.update(inst.qubits)
        elif name not in _UNTIMED and measured.intersection(inst.qubits):
            return True
    return False


def pick_method(transpiled, limit_bytes: Optional[int] = None) -> tuple[SimulationMethod, dict]:
    """The Aer method for ``transpiled`` and its options; refuses what would not fit in memory."""
    width = len(_touched(transpiled))
    limit = memory_limit_bytes(limit_bytes)
    if width <= DENSITY_MATRIX_MAX_QUBITS and not _mid_circuit_measurement(transpiled):
        needed = STATE_COPIES * 16 * 4**width
        if needed <= limit:
            return SimulationMethod.DENSITY_MATRIX, {}
    if width <= STATEVECTOR_MAX_QUBITS:
        needed = STATE_COPIES * 16 * 2**width
        if needed > limit:
            raise ResourceLimitError(
                f"a noisy statevector of {width} qubits needs {format_size(needed)}, over the limit of "
                f"{format_size(limit)}; raise it with {MEMORY_ENV}=SIZE if this machine really has the memory")
        return SimulationMethod.STATEVECTOR, {}
    # A matrix product state holds per qubit two tensors of chi^2 amplitudes; the bond dimension
    # is capped at the largest power of two that fits, so the run cannot outgrow the limit.
    bond = 1
    while STATE_COPIES * width * 2 * 16 * (2 * bond) ** 2 <= limit and bond < 2**20:
        bond *= 2
    if bond < 16:
        raise ResourceLimitError(
            f"a noisy matrix product state of {width} qubits with bond dimension 16 does not fit in "
            f"{format_size(limit)}; raise it with {MEMORY_ENV}=SIZE")
    return SimulationMethod.MATRIX_PRODUCT_STATE, {"matrix_product_state_max_bond_dimension": bond}


def _noise_model(device: Device, transpiled):
    """Aer's noise model of the backend, built only for the qubits the circuit touches."""
    from qiskit_aer.noise import NoiseModel

    active = {transpiled.find_bit(q).index for q in _touched(transpiled)}
    full = device.target
    target = restricted_target(full, lambda qargs, _: set(qargs) <= active)
    view = SimpleNamespace(version=2, operation_names=device.backend.operation_names, target=target, dt=full.dt)
    return NoiseModel.from_backend(view)


def restricted_target(full, keep: Callable[[tuple, Any], bool]):
    """A copy of ``full`` holding only the instances (qubits, properties) that ``keep`` accepts."""
    from qiskit.transpiler import Target

    target = Target(num_qubits=full.num_qubits, dt=full.dt, qubit_properties=full.qubit_properties,
                    concurrent_measurements=getattr(full, "concurrent_measurements", None))
    for name in full.operation_names:
        properties = full[name]
        operation = full.operation_from_name(name)
        if isinstance(operation, type):
            target.add_instruction(operation, name=name)
            continue
        kept = None if properties is None or None in properties else {
            qargs: value for qargs, value in properties.items() if keep(qargs, value)}
        target.add_instruction(operation, kept, name=name)
    return target


def working_target(full):
    """``full`` without the gates its calibration marks broken (error 1: a dead coupler or qubit),
    so that routing never uses them."""
    return restricted_target(full, lambda qargs, value: value is None or value.error is None or value.error < 1)


def noisy_counts(result: DeviceCircuit, shots: int, seed: int = 0,
                 limit_bytes: Optional[int] = None) -> dict[str, Any]:
    """Counts of the transpiled circuit under the device's noise model and without noise."""
    from qiskit_aer import AerSimulator

    device = result.device
    if device.backend is None:
        raise QResourceError(f"{device.name} has no noise model: give a fake backend's name to --noise")
    method, options = pick_method(result.circuit, limit_bytes)
    start = time.perf_counter()
    noise = _noise_model(device, result.circuit)
    out = {}
    for label, model in (("noisy", noise), ("ideal", None)):
        simulator = AerSimulator(method=str(method), noise_model=model, seed_simulator=seed, **options)
        out[label] = simulator.run(result.circuit, shots=shots).result().get_counts()
    out["method"] = method
    out["options"] = options
    out["seconds"] = round(time.perf_counter() - start, 2)
    return out


def register_values(key: str, names: list[str]) -> dict[str, int]:
    """A counts key (classical registers, last-added first, space-separated) as name -> value."""
    fields = key.split(" ")
    return {name: int(fields[len(fields) - 1 - k], 2) for k, name in enumerate(names)}


def success_fraction(counts: Mapping[str, int], names: list[str], accept: Callable[[dict[str, int]], bool]) -> float:
    total = sum(counts.values())
    good = sum(times for key, times in counts.items() if accept(register_values(key, names)))
    return good / total


def noisy_block(logical, result: DeviceCircuit, accept: Callable[[dict[str, int]], bool], *, shots: int,
                seed: int = 0, limit_bytes: Optional[int] = None, success: str = "") -> dict[str, Any]:
    """The ``noisy`` object of ``validate --noise``: ``accept`` judges one shot's classical
    registers (name -> value); None as ``accept`` reports no success probability."""
    counts = noisy_counts(result, shots, seed, limit_bytes)
    names = [reg.name for reg in result.circuit.cregs]
    block = {
        "backend": result.device.name,
        "shots": shots,
        "seed": seed,
        "method": str(counts["method"]),
        "success_probability": None,
        "ideal_success_probability": None,
        "estimated_success_probability": result.costs["estimated_success_probability"],
        "success": success,
        "qubits": result.costs["qubits"],
        "native_two_qubit_gates": result.costs["native_two_qubit_gates"],
        "depth": result.costs["depth"],
        "duration_s": result.costs["duration_s"],
        "layout": result.layout,
        "seconds": counts["seconds"],
        "noise_model": "qiskit_aer NoiseModel.from_backend: depolarizing gate errors, thermal "
                       "relaxation over gate durations, readout errors",
    }
    if counts["options"]:
        block["method_options"] = counts["options"]
    if accept is not None:
        block["success_probability"] = success_fraction(counts["noisy"], names, accept)
        block["ideal_success_probability"] = success_fraction(counts["ideal"], names, accept)
    block["counts_noisy"] = _top(counts["noisy"])
    block["counts_ideal"] = _top(counts["ideal"])
    return block


def _top(counts: Mapping[str, int], keep: int = 8) -> dict[str, int]:
    return dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:keep])


def measure_registers(qc, skip: tuple[str, ...] = ()) -> Any:
    """``qc`` with every quantum register not in ``skip`` measured into ``m_<name>`` at the end."""
    from qiskit.circuit import ClassicalRegister

    out = qc.copy()
    for reg in qc.qregs:
        if reg.name in skip:
            continue
        creg = ClassicalRegister(reg.size, f"m_{reg.name}")
        out.add_register(creg)
        out.measure(reg, creg)
    return out


def prepare_uniform(qc, register: str, count: int):
    """``qc`` preceded by an equal superposition of the first ``count`` values of ``register``."""
    from qiskit import QuantumCircuit
    from qiskit.circuit.library import StatePreparation

    reg = next(r for r in qc.qregs if r.name == register)
    full = QuantumCircuit(*qc.qregs, *qc.cregs)
    if count == 1 << reg.size:
        full.h(reg)
    else:
        amplitudes = [1 / math.sqrt(count)] * count + [0.0] * ((1 << reg.size) - count)
        full.append(StatePreparation(amplitudes), list(reg))
    full.compose(qc, inplace=True)
    return full


# --- what the commands call ---------------------------------------------------------------------


def export_for_device(qc, target: str, output, *, seed: int = 0) -> dict[str, Any]:
    """Transpile ``qc`` for ``target`` and write it as OpenQASM 3 (atomically); returns the path,
    the logical counts of ``qc`` and the ``device`` block (costs and layout)."""
    device = resolve_device(target)
    result = transpile_for(qc, device, seed=seed)
    atomic_write_text(output, device_qasm(result))
    return {"path": str(output), "logical": circuit_counts(qc).as_dict(), "device": device_block(result)}


def device_block(result: DeviceCircuit) -> dict[str, Any]:
    return {**result.costs, "layout": result.layout, "logical_qubits": result.logical_qubits,
            "transpile_seconds": result.seconds}


def validate_on_device(qc, noise: str, accept: Optional[Callable[[dict[str, int]], bool]], *, shots: int,
                       seed: int = 0, limit_bytes: Optional[int] = None, success: str = "") -> dict[str, Any]:
    """The ``noisy`` block for the measured logical circuit ``qc`` on the fake backend ``noise``."""
    device = resolve_device(noise)
    if device.backend is None:
        raise QResourceError(f"{device.name} has no noise model: --noise takes a fake backend's name")
    result = transpile_for(qc, device, seed=seed)
    pick_method(result.circuit, limit_bytes)  # refuse before building the noise model
    return noisy_block(qc, result, accept, shots=shots, seed=seed, limit_bytes=limit_bytes, success=success)
