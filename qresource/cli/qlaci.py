"""``qresource estimate|export|validate qlaci``: a thin layer over :mod:`qresource.qlaci`."""

from __future__ import annotations

import json
from dataclasses import replace

import click

from qresource.cli.app import CONTEXT
from qresource.cli.device_options import (
    echo_device_export,
    noise_options,
    noisy_line,
    require_qasm3,
    target_options,
)
from qresource.cli.output import emit_records, number, report_written
from qresource.cli.params import IntListType, IntType, OpenUnitInterval
from qresource.core.errors import QResourceError
from qresource.loaders.kinds import LOADER_KINDS as LOADERS
from qresource.qlaci import estimate as qlaci_estimate
from qresource.qlaci import run as qlaci_run
from qresource.qlaci.params import PRESETS, QlaciParams
from qresource.report.physical_options import attach_physical, physical_options
from qresource.report.qlaci_physical import attach_qlaci_physical

FEATURE_MAPS = ("loader", "multiplexed")


def _circuit_options(command, *, sweep: bool):
    n_type = IntListType(minimum=2) if sweep else IntType(minimum=2)
    decorators = [
        click.option("--preset", type=click.Choice(("prototype",)), default=None,
                     help="prototype: the paper's 11-qubit circuit, N = 16, 4 query + 4 index + 2 kv + "
                     "1 out qubits (section 4.5), multiplexed feature map; other options override it "
                     "(--feature-map loader: the loader variant, 100 qubits)."),
        click.option("--n", "n", type=n_type, default=None,
                     help="Sequence length N >= 2, a power of two" + (" (list or range: 2**4..2**20)." if sweep else ".")),
        click.option("--dq", type=IntType(minimum=1), default=None, help="Query qubits q_Q >= 1."),
        click.option("--kv", type=IntType(minimum=1), default=None, help="Key/value qubits q_KV >= 1."),
        click.option("--out", type=IntType(minimum=1), default=None, help="Output qubits q_out >= 1."),
        click.option("--layers", type=IntType(minimum=0), default=None, help="Depth of U_interact and U_score [1]."),
        click.option("--eps", type=OpenUnitInterval(), default=None,
                     help="Additive error of every expectation value [1e-2]."),
        click.option("--delta", type=OpenUnitInterval(), default=None,
                     help="Failure probability of the whole head [1e-2]."),
        click.option("--feature-map", type=click.Choice(FEATURE_MAPS), default=None,
                     help="loader: load b-bit angles, rotate through a phase gradient; "
                     "multiplexed: uniformly controlled rotations [loader; multiplexed with --preset]."),
        click.option("--loader", type=click.Choice(LOADERS), default=None, help="Data loader [qrom]."),
        click.option("--connectivity", type=click.Choice(("linear", "all")), default=None,
                     help="Pairs coupled by the theta and phi layers [linear]."),
        click.option("--observables", type=click.Choice(("z", "xyz", "all")), default=None,
                     help="Paulis on the output register: Z each, X/Y/Z each, or all 4^q_out - 1 [z]."),
        click.option("--shot-method", type=click.Choice(("grouped", "shadows")), default=None,
                     help="Hoeffding with commuting groups, or classical shadows [grouped]."),
        click.option("--shot-share", type=OpenUnitInterval(), default=None,
                     help="Share of eps given to shot noise; the rest to synthesis and loading [0.8]."),
        click.option("--angle-bits", type=IntType(minimum=3, maximum=64), default=None,
                     help="Bits per loaded angle [from the loading share of eps]."),
        click.option("--causal", is_flag=True, default=None,
                     help="Causal (prefix) QLACI: query i attends keys 0..i, the index register in uniform "
                     "superposition over i + 1 values (Qualtran's PrepareUniformSuperposition); head totals "
                     "sum each query's shot over i = 0..N-1."),
        click.option("--query-position", type=IntType(minimum=0), default=None,
                     help="With --causal: the query i of the shot counted, exported or simulated, "
                     "0 <= i <= N-1 [N-1]."),
    ]
    for decorate in reversed(decorators):
        command = decorate(command)
    return command


def _params(preset, n, **options):

    base = PRESETS[preset] if preset else None
    given = {k: v for k, v in options.items() if v is not None}
    if isinstance(n, int):
        given["n"] = n
    if base is None:
        missing = [f"--{k}" for k in ("dq", "kv", "out") if k not in given]
        if n is None:
            missing.insert(0, "--n")
        if missing:
            raise QResourceError(f"qlaci: {', '.join(missing)} required (or --preset prototype)")
        base = QlaciParams(n=2, dq=given["dq"], kv=given["kv"], out=given["out"])
    return replace(base, **given), n if isinstance(n, list) else None


def _sweep_options(command):
    return _circuit_options(command, sweep=True)


def _single_options(command):
    return _circuit_options(command, sweep=False)


@click.command("qlaci", context_settings=CONTEXT)
@_sweep_options
@click.option("--seed", type=IntType(minimum=0), default=None,
              help="Count the shot that `export qlaci --seed S` writes (its random angles, synthesised "
                   "exactly) instead of charging every rotation the Ross-Selinger T count.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON (one object, or a list for a sweep).")
@physical_options
def estimate_qlaci(preset, n, seed, as_json, physical, architecture, qec, factory, error_budget, qubit_model,
                   **options):
    """Logical resources of one QLACI shot as a Clifford+T circuit, the error-budget split, the
    shot budget, and per-head totals in the full-circuit and zero-cost-access models (with
    --causal, summed over every query's own shot, beside the non-causal head)."""

    params, n_values = _params(preset, n, **options)
    if params.causal and physical:
        raise QResourceError("qlaci: --physical repeats one shot; a causal head's shots differ by query, "
                             "so --physical and --causal are not combined")
    records = []
    for value in n_values if n_values is not None else [params.n]:
        point = replace(params, n=value)
        record = qlaci_estimate.estimate_qlaci(point, seed=seed)
        options = dict(architecture=architecture, qec=qec, factory=factory, error_budget=error_budget,
                       qubit_model=qubit_model)
        if physical:
            attach_qlaci_physical(record, point, seed, **options)
        else:
            attach_physical(record, physical=False, **options)  # refuses physical options alone
        records.append(record)
    emit_records(records, as_json)


@click.command("qlaci", context_settings=CONTEXT)
@_single_options
@click.option("--seed", type=IntType(minimum=0), default=0, show_default=True, help="Seed of the random angles.")
@click.option("--basis", default=None, help="Measurement basis of the output register, one of X/Y/Z per qubit [all Z].")
@click.option("--no-synthesis", is_flag=True, help="Keep arbitrary rotations as rz/ry instead of Clifford+T words.")
@click.option("--qasm", "version", type=click.Choice(("2", "3")), required=True, help="OpenQASM version.")
@click.option("--output", type=click.Path(dir_okay=False), required=True, help="File to write.")
@target_options
def export_qlaci(preset, n, seed, basis, no_synthesis, version, output, target, as_json, **options):
    """Write one QLACI shot (random angles) as OpenQASM: registers query, index, kv, out
    (little-endian), ancilla; the output register is measured into `result`."""

    require_qasm3(version, target)
    params, _ = _params(preset, n, **options)
    if basis is not None and (len(basis) != params.out or set(basis) - set("XYZ")):
        raise QResourceError(f"--basis needs {params.out} letters from X, Y, Z, got {basis!r}")
    if target is not None:
        echo_device_export(qlaci_run.export_qlaci_device(params, seed, target, output, synthesize=not no_synthesis,
                                                         basis=basis), as_json)
        return
    info = qlaci_run.export_qlaci(params, seed, int(version), output, synthesize=not no_synthesis, basis=basis)
    if as_json:
        click.echo(json.dumps(info, indent=2))
        return
    counts = info["counts"]
    report_written(info["path"], f"qlaci N = {number(info['n'])}, {number(counts['qubits'])} qubits, "
                   f"{number(counts['t'])} T, {number(counts['toffoli'])} Toffoli-class, "
                   f"{number(counts['rotations'])} rotations, depth {number(counts['depth'])}", info["seconds"])


@click.command("qlaci", context_settings=CONTEXT)
@_single_options
@click.option("--seed", type=IntType(minimum=0), default=0, show_default=True, help="Seed of the random angles.")
@click.option("--shots", type=IntType(minimum=0, maximum=10**6), default=0, show_default=True,
              help="Also estimate the observables from this many sampled shots (at most 1e6).")
@click.option("--synthesized", is_flag=True,
              help="Simulate the Clifford+T circuit (agreement within the synthesis budget, not 1e-9).")
@click.option("--max-memory", type=IntType(minimum=1), default=None,
              help="Largest statevector in bytes [a quarter of available memory].")
@click.option("--json", "as_json", is_flag=True, help="Print the result as one JSON object.")
@noise_options
def validate_qlaci(preset, n, seed, shots, synthesized, max_memory, as_json, noise, noise_shots, **options):
    """Aer statevector of the circuit against the classical formula c = (1/N) sum_j f(Q, K_j, V_j)
    (with --causal, (1/(i+1)) sum_{j<=i}) for random angles (agreement to 1e-9), optionally with
    shot-based estimates."""

    params, _ = _params(preset, n, **options)
    result = qlaci_run.validate_qlaci(params, seed, shots, synthesize=synthesized, limit_bytes=max_memory)
    if noise is not None:
        result["noisy"] = qlaci_run.validate_qlaci_noisy(params, seed, noise, noise_shots, synthesize=synthesized,
                                                         limit_bytes=max_memory)
    if as_json:
        click.echo(json.dumps(result, indent=2))
        return
    status = "ok" if result["ok"] else "MISMATCH"
    line = (
        f"qlaci N = {result['n']}, {result['qubits']} qubits, {result['feature_map']}: simulator vs "
        f"classical formula max |diff| = {result['max_abs_difference']:.3g} (tolerance "
        f"{result['tolerance']:.3g}) {status}"
    )
    if shots:
        line += f"; {shots} shots: max error {result['sampling_error']:.3g} (1/sqrt(shots) = {result['sampling_error_scale']:.3g})"
    click.echo(line)
    if noise is not None:
        click.echo(noisy_line(result["noisy"]))
    if not result["ok"]:
        raise QResourceError("qlaci: the simulated circuit does not match the classical formula")
