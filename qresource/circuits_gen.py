"""Regenerate ``circuits/``: reference OpenQASM 2 and 3 for the small preset instance of every
primitive, and ``circuits/manifest.json`` with their counts and how each was made.

    python3 -m qresource.circuits_gen            # rewrite circuits/ in place
    python3 -m qresource.circuits_gen --check    # exit 1 if circuits/ is not what it would write

Each circuit comes from its primitive's own export path (the bloq, flattened by
``qresource.machinery.flatten.to_circuit``, written by ``qresource.machinery.qasm_export``), from a
fixed instance stored beside it in ``circuits/instances/``. The counts in the manifest are
those ``qresource count`` reads back from the written OpenQASM 3 file, so a reader can check
any of them with one command. A primitive that is not built yet is listed under
``not_built`` with the reason, instead of a circuit.

Everything written is a function of the presets below and the library versions, so two runs
give the same bytes.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from qresource.core.errors import NotBuiltError, QResourceError
from qresource.core.io import atomic_write_bytes
from qresource.grover.api import grover_search_bloq, measured_search_circuit
from qresource.grover.hardware import validate_grover_noisy
from qresource.loaders.api import qram_circuit, validate_qram_noisy
from qresource.loaders.kinds import LoaderKind
from qresource.machinery.circuit_counts import circuit_counts
from qresource.machinery.device import REFERENCE_DEVICE, device_qasm, resolve_device, transpile_for
from qresource.machinery.flatten import to_circuit
from qresource.machinery.qasm_export import qasm_text
from qresource.oracle.api import instance_oracle, validate_oracle_noisy
from qresource.oracle.instance_file import check_instance
from qresource.oracle.threshold_oracle import ThresholdOracle  # noqa: F401
from qresource.qasm.count import count_qasm
from qresource.qlaci.build import plan
from qresource.qlaci.params import PROTOTYPE
from qresource.qlaci.reference import random_angles
from qresource.qlaci.simulate import measured_circuit

DEFAULT_DIR = Path(__file__).resolve().parent.parent / "circuits"
HARDWARE_DIR = "hardware"
#: Noisy simulations of circuits/hardware/: this many shots, and only circuits touching at most
#: this many qubits (a statevector trajectory per shot; wider ones take minutes to hours here,
#: run them with ``qresource validate ... --noise``).
HARDWARE_SHOTS = 200
HARDWARE_NOISY_MAX_QUBITS = 12
COMMAND = "python3 -m qresource.circuits_gen"
MAX_FILE_BYTES = 2 * 2**20

#: The QRAM table: N = 8 words of b = 3 bits, every value 0..7 once in a fixed shuffled order,
#: so that every address reads a different word.
QRAM_TABLE = {"data": [5, 0, 3, 6, 1, 7, 2, 4], "bits": 3}

#: The oracle / Grover instance: n = 4 keys of d = 2 entries; Q_0 . K_j = 3, -1, 0, -2, so with
#: tau = 2 exactly one key (j = 0) is marked.
ORACLE_INSTANCE = {"q": [1, 1], "K": [[2, 1], [0, -1], [1, -1], [-1, -1]], "tau": 2, "bits": 4}


#: Hand-written inputs for ``qresource count`` used in the user guide: a circuit with
#: Toffoli-class gates, a defined gate and rotations, and one with an unknown gate.
EXAMPLES = {
    "rotations.qasm": """\
// A hand-written example for `qresource count`: a Toffoli, a CSWAP, a user-defined gate
// with a rotation, and rotations at angles that are and are not multiples of pi/4.
OPENQASM 3.0;
include "stdgates.inc";
qubit[3] q;
bit[3] c;
gate entangle(theta) a, b { cx a, b; rz(theta) b; cx a, b; }
h q[0];
ccx q[0], q[1], q[2];
cswap q[2], q[0], q[1];
entangle(0.25) q[0], q[1];
rz(pi / 4) q[2];
ry(1.2) q[1];
u3(0.1, 0.2, 0.3) q[0];
c = measure q;
""",
    "broken.qasm": """\
OPENQASM 2.0;
include "qelib1.inc";
qreg q[2];
h q[0];
toffoli q[0], q[1];
""",
}


@dataclass
class Preset:
    name: str
    primitive: str
    description: str
    params: dict[str, Any]
    build: Callable[["Preset", Path], Any]
    instance: str | None = None
    command: list[str] = field(default_factory=list)


def _instance_path(directory: Path, name: str) -> Path:
    return directory / "instances" / name


def _build_qram(preset: Preset, directory: Path):
    return qram_circuit(preset.params["loader"], QRAM_TABLE["data"], QRAM_TABLE["bits"])


def _build_oracle(preset: Preset, directory: Path):
    oracle, _, _, _ = instance_oracle(check_instance(ORACLE_INSTANCE), loader=preset.params["loader"])
    return to_circuit(oracle)


def _build_grover(preset: Preset, directory: Path):
    search, _ = grover_search_bloq(ORACLE_INSTANCE, k=preset.params["k"], loader=preset.params["loader"])
    return measured_search_circuit(search)


def _build_qlaci(preset: Preset, directory: Path):
    plan_ = plan(PROTOTYPE)
    angles = random_angles(plan_.params, preset.params["seed"])
    return measured_circuit(plan_, angles, "Z" * plan_.params.out, synthesize=True)


PRESETS = [
    *[
        Preset(
            name=f"qram-{loader}-n8-b3",
            primitive="qram",
            description=f"one access target ^= data[address] by {loader}, N = 8 words of 3 bits",
            params={"loader": loader, "n": 8, "bits": 3},
            build=_build_qram,
            instance="qram-n8-b3.json",
            command=["export", "qram", "--loader", loader, "--data", "{instance}"],
        )
        for loader in LoaderKind
    ],
    Preset(
        name="oracle-qrom-n4-d2",
        primitive="oracle",
        description="threshold oracle |j,0> -> |j, [q . K_j >= tau]> with a QROM loader, n = 4, d = 2",
        params={"loader": "qrom", "n": 4, "d": 2, "bits": 4},
        build=_build_oracle,
        instance="oracle-n4-d2.json",
        command=["export", "oracle", "--instance", "{instance}"],
    ),
    Preset(
        name="grover-qrom-n4-k1",
        primitive="grover",
        description="one Grover search for the single marked key of the oracle instance, index measured",
        params={"loader": "qrom", "n": 4, "k": 1},
        build=_build_grover,
        instance="oracle-n4-d2.json",
        command=["export", "grover", "--instance", "{instance}", "--k", "1", "--loader", "qrom"],
    ),
    Preset(
        name="qlaci-prototype-n16",
        primitive="qlaci",
        description="one shot of the QLACI prototype (paper's section 4.5: N = 16, 4 query + 4 index "
        "+ 2 key/value + 1 output qubits), random angles from seed 0, rotations synthesised",
        params={"preset": "prototype", "n": 16, "dq": 4, "kv": 2, "out": 1, "layers": 1, "seed": 0},
        build=_build_qlaci,
        command=["export", "qlaci", "--preset", "prototype", "--seed", "0"],
    ),
]


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _write(path: Path, data: bytes) -> None:

    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_bytes(path, data)


def _instances(directory: Path) -> dict[str, dict]:
    return {"qram-n8-b3.json": QRAM_TABLE, "oracle-n4-d2.json": ORACLE_INSTANCE}


def generate(directory: Path = DEFAULT_DIR, progress: Callable[[str], None] | None = None) -> dict:
    """Write every built preset's OpenQASM 2 and 3 and the manifest into ``directory``; return
    the manifest. Files of presets not built are removed, so the folder matches the manifest."""

    directory = Path(directory)
    for name, content in _instances(directory).items():
        _write(_instance_path(directory, name), (json.dumps(content, indent=2) + "\n").encode())
    for name, text in EXAMPLES.items():
        _write(directory / "examples" / name, text.encode())
    circuits, not_built = [], []
    for preset in PRESETS:
        if progress is not None:
            progress(preset.name)
        try:
            circuit = preset.build(preset, directory)
        except NotBuiltError as exc:
            not_built.append({"name": preset.name, "primitive": preset.primitive, "reason": str(exc)})
            for version in (2, 3):
                (directory / f"{preset.name}.qasm{version}").unlink(missing_ok=True)
            continue
        files: dict[str, Any] = {}
        for version in (3, 2):
            target = directory / f"{preset.name}.qasm{version}"
            try:
                text = qasm_text(circuit, version)
            except QResourceError as exc:  # e.g. control flow that OpenQASM 2 cannot express
                target.unlink(missing_ok=True)
                files[str(version)] = {"file": None, "reason": str(exc)}
                continue
            data = text.encode("utf-8")
            if len(data) > MAX_FILE_BYTES:
                raise QResourceError(f"{preset.name}: OpenQASM {version} would be {len(data):,} bytes, over 2 MiB")
            _write(target, data)
            files[str(version)] = {"file": target.name, "bytes": len(data), "sha256": _sha256(data)}
        counted = count_qasm(directory / f"{preset.name}.qasm3", synthesis="formula")
        command = [part.replace("{instance}", f"circuits/instances/{preset.instance}") for part in preset.command]
        circuits.append({
            "name": preset.name,
            "primitive": preset.primitive,
            "description": preset.description,
            "params": preset.params,
            "instance": f"instances/{preset.instance}" if preset.instance else None,
            "files": files,
            "registers": {reg.name: reg.size for reg in circuit.qregs},
            "counts": counted.logical.as_dict(),
            "cli_equivalent": "qresource " + " ".join(command + ["--qasm", "3|2", "--output", "FILE"]),
        })
    _hardware(directory, progress)
    manifest = {
        "generated_by": COMMAND,
        "counts_from": "qresource count on the OpenQASM 3 file (rotations none: all circuits are Clifford+T)",
        "circuits": circuits,
        "not_built": not_built,
    }
    _write(directory / "manifest.json", (json.dumps(manifest, indent=2) + "\n").encode())
    _write(directory / "README.md", _readme(manifest).encode())
    return manifest


def _noisy(preset: Preset) -> Callable[[], dict] | None:
    """The noisy validation of a preset on the reference device (None: no single right answer)."""
    if preset.primitive == "qram":
        return lambda: validate_qram_noisy(preset.params["loader"], QRAM_TABLE["data"], QRAM_TABLE["bits"],
                                           REFERENCE_DEVICE, HARDWARE_SHOTS)
    if preset.primitive == "oracle":
        return lambda: validate_oracle_noisy(ORACLE_INSTANCE, REFERENCE_DEVICE, HARDWARE_SHOTS,
                                             loader=preset.params["loader"])
    if preset.primitive == "grover":
        return lambda: validate_grover_noisy(ORACLE_INSTANCE, REFERENCE_DEVICE, HARDWARE_SHOTS,
                                             loader=preset.params["loader"])
    return None


_KEPT_DEVICE_KEYS = ("qubits", "native_two_qubit_gate", "native_two_qubit_gates", "native_gates", "depth",
                     "duration_s", "estimated_success_probability", "layout")


def _hardware(directory: Path, progress: Callable[[str], None] | None) -> None:
    """circuits/hardware/: every built preset transpiled for the reference device, its costs
    there, and the noisy success where the simulation is small enough (timings left out: the
    folder is checked byte for byte)."""
    folder = directory / HARDWARE_DIR
    device = resolve_device(REFERENCE_DEVICE)
    entries = []
    for preset in PRESETS:
        if progress is not None:
            progress(f"{preset.name} on {REFERENCE_DEVICE}")
        try:
            circuit = preset.build(preset, directory)
        except NotBuiltError:
            continue
        result = transpile_for(circuit, device)
        data = device_qasm(result).encode("utf-8")
        name = f"{preset.name}.{REFERENCE_DEVICE}.qasm3"
        if len(data) > MAX_FILE_BYTES:
            raise QResourceError(f"{name} would be {len(data):,} bytes, over 2 MiB")
        _write(folder / name, data)
        costs = {key: (result.layout if key == "layout" else result.costs[key]) for key in _KEPT_DEVICE_KEYS}
        logical = circuit_counts(circuit).as_dict()
        simulated: dict[str, Any] = {"success_probability": None, "ideal_success_probability": None}
        run = _noisy(preset)
        if run is None:
            simulated["note"] = "not simulated: one shot estimates expectation values, there is no single right output"
        elif result.costs["qubits"] > HARDWARE_NOISY_MAX_QUBITS:
            simulated["note"] = (
                f"not simulated here: {result.costs['qubits']} qubits touched (over {HARDWARE_NOISY_MAX_QUBITS}), "
                f"each shot a noisy statevector trajectory; run: qresource validate {preset.primitive} ... "
                f"--noise {REFERENCE_DEVICE}")
        else:
            block = run()
            simulated = {key: block[key] for key in ("success_probability", "ideal_success_probability", "shots",
                                                     "seed", "method", "success")}
        entries.append({
            "name": preset.name,
            "primitive": preset.primitive,
            "file": name,
            "bytes": len(data),
            "sha256": _sha256(data),
            "logical": {key: logical[key] for key in ("qubits", "t", "clifford", "measurements", "depth")},
            "device": costs,
            "simulated": simulated,
            "cli_equivalent": "qresource " + " ".join(
                [part.replace("{instance}", f"circuits/instances/{preset.instance}") for part in preset.command]
                + ["--qasm", "3", "--target", REFERENCE_DEVICE, "--output", "FILE"]),
        })
    manifest = {
        "generated_by": COMMAND,
        "device": REFERENCE_DEVICE,
        "description": device.description,
        "cost_model": "device: the circuit transpiled by Qiskit (optimization level 2, seed 0) for the device's "
                      "native gates and coupling map, gates its calibration marks broken left out; duration "
                      "from its gate durations (feed-forward latency not included); estimated success = "
                      "product of (1 - error) over gates and readouts; simulated success = Qiskit Aer under "
                      "NoiseModel.from_backend, shots with the right output and every ancilla 0",
        "circuits": entries,
    }
    _write(folder / "manifest.json", (json.dumps(manifest, indent=2) + "\n").encode())
    _write(folder / "README.md", _hardware_readme(manifest).encode())


def _hardware_readme(manifest: dict) -> str:
    lines = [
        f"# Reference circuits on {manifest['device']}",
        "",
        f"Generated by `{COMMAND}` with `circuits/` (byte for byte). Each `.qasm3` file is a reference",
        f"circuit of `circuits/` transpiled for {manifest['device']} ({manifest['description']}): physical",
        "qubits `$p`, measurement-based uncomputation kept as `if` blocks, and the layout of every",
        "named register (at the start -> at the end) as `// layout` comments. `manifest.json` holds",
        "the costs below, the layout and how each number was obtained; docs/hardware.md reads them.",
        "",
        "| circuit | logical qubits | logical gates | qubits on device | two-qubit gates | depth | duration (us) | estimated success | simulated success (noiseless) |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for entry in manifest["circuits"]:
        logical, device, simulated = entry["logical"], entry["device"], entry["simulated"]
        success = ("n/a" if simulated["success_probability"] is None else
                   f"{simulated['success_probability']:.3f} ({simulated['ideal_success_probability']:.3f})")
        lines.append(
            f"| `{entry['name']}` | {logical['qubits']} | {logical['t'] + logical['clifford']} | {device['qubits']} | "
            f"{device['native_two_qubit_gates']} {device['native_two_qubit_gate']} | {device['depth']} | "
            f"{device['duration_s'] * 1e6:.1f} | {device['estimated_success_probability']:.3g} | {success} |")
    return "\n".join(lines) + "\n"


def _readme(manifest: dict) -> str:
    lines = [
        "# Reference circuits",
        "",
        f"Generated by `{COMMAND}` (byte for byte; `--check` verifies). Each circuit is the small",
        "preset instance of a primitive, flattened to Clifford+T plus measurement and written as",
        "OpenQASM 3 (`.qasm3`) and, where the circuit needs no classical control beyond what",
        "OpenQASM 2 can express, OpenQASM 2 (`.qasm2`). Registers are named as in the CLI",
        "(`address`/`target`, `index`/`flag`, `result`), little-endian; every other qubit starts and",
        "ends in |0>. `manifest.json` lists parameters, instance files, SHA-256 of every file and",
        "the counts `qresource count` reads back from the `.qasm3` file. `instances/` holds the",
        "input tables; `examples/` two hand-written inputs for `qresource count` (see docs/guide.md).",
        "",
        "| circuit | primitive | qubits | Toffoli-class | T | Clifford | measurements | depth | T-depth |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for entry in manifest["circuits"]:
        c = entry["counts"]
        lines.append(
            f"| `{entry['name']}` | {entry['primitive']} | {c['qubits']} | {c['toffoli']} | {c['t']} | "
            f"{c['clifford']} | {c['measurements']} | {c['depth']} | {c['t_depth']} |"
        )
    if manifest["not_built"]:
        lines += ["", "Not built yet (no circuit written):", ""]
        lines += [f"- `{e['name']}` ({e['primitive']}): {e['reason']}" for e in manifest["not_built"]]
    return "\n".join(lines) + "\n"


def differences(directory: Path = DEFAULT_DIR) -> list[str]:
    """Files of ``directory`` that differ from a fresh generation (empty when current)."""
    directory = Path(directory)
    with tempfile.TemporaryDirectory() as scratch:
        fresh = Path(scratch)
        generate(fresh)
        expected = {p.relative_to(fresh): p.read_bytes() for p in sorted(fresh.rglob("*")) if p.is_file()}
    actual = {
        p.relative_to(directory): p.read_bytes()
        for p in sorted(directory.rglob("*")) if p.is_file()
    } if directory.is_dir() else {}
    out = []
    for name in sorted(set(expected) | set(actual)):
        if name not in actual:
            out.append(f"missing: {name}")
        elif name not in expected:
            out.append(f"not generated: {name}")
        elif expected[name] != actual[name]:
            out.append(f"differs: {name}")
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog=COMMAND, description=__doc__.split("\n\n")[0])
    parser.add_argument("--dir", type=Path, default=DEFAULT_DIR, help="target folder (default: circuits/)")
    parser.add_argument("--check", action="store_true", help="only compare; exit 1 when out of date")
    args = parser.parse_args(argv)
    if args.check:
        diff = differences(args.dir)
        for line in diff:
            print(line)
        return 1 if diff else 0
    manifest = generate(args.dir, progress=lambda name: print(f"building {name}", file=sys.stderr))
    print(f"wrote {len(manifest['circuits'])} circuits to {args.dir}; not built: "
          f"{', '.join(e['name'] for e in manifest['not_built']) or 'none'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
