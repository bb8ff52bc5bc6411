"""``qresource estimate|export|validate oracle``: a thin layer over :mod:`qresource.oracle.api`."""

from __future__ import annotations

import json
import time

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
from qresource.cli.params import FiniteFloat, IntListType, IntType, MemorySize, execution_options
from qresource.core.errors import QResourceError
from qresource.loaders.kinds import LOADER_KINDS as LOADERS
from qresource.machinery.parallel import check_execution, stderr_progress
from qresource.oracle import api
from qresource.oracle.instance_file import read_instance
from qresource.oracle.threshold_oracle import FORMS
from qresource.report.physical_options import attach_physical, physical_options

_INSTANCE_HELP = 'Instance file {"q": [d numbers], "K": [[d numbers] x n], "tau": number, "bits": int}.'


@click.command("oracle", context_settings=CONTEXT)
@click.option("--n", "n_values", type=IntListType(minimum=2), default=None,
              help="Keys n >= 2: one, a list or a range (2**10..2**20).")
@click.option("--d", type=IntType(minimum=1), default=None, help="Head dimension d.")
@click.option("--bits", type=IntType(minimum=1, maximum=48), default=None, help="Bits per entry b.")
@click.option("--tau", type=FiniteFloat(), default=None,
              help="Threshold (checked against Theorem 1.3's tau >= 2 log n, log in --log-base).")
@click.option("--log-base", type=click.Choice(("e", "2")), default="e", show_default=True,
              help="Base of the log in tau >= 2 log n (the paper gives none): e checks 2 ln n, 2 the "
              "stronger 2 log2 n.")
@click.option("--k", type=IntType(minimum=1), default=None,
              help="Sparsity k <= n: cost the last call of the find-all schedule (k - 1 excluded).")
@click.option("--instance", "instance_path", type=click.Path(dir_okay=False), default=None, help=_INSTANCE_HELP)
@click.option("--loader", type=click.Choice(LOADERS), default="qrom", show_default=True)
@click.option("--form", type=click.Choice(FORMS), default="bit-flip", show_default=True,
              help="bit-flip: registers index, flag; phase: index only (as Grover uses it).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@physical_options
def estimate_oracle(n_values, d, bits, tau, log_base, k, instance_path, loader, form, as_json, physical,
                    architecture, qec, factory, error_budget, qubit_model):
    """Logical resources of one call of the threshold oracle O_i (Toffolis split by role)."""

    if instance_path is not None:
        if any(v is not None for v in (n_values, d, bits, tau, k)):
            raise QResourceError("--instance gives n, d, bits and tau; do not combine it with them")
        records = [api.estimate_oracle_instance(read_instance(instance_path), loader=loader, form=form,
                                                log_base=log_base)]
    else:
        if n_values is None or d is None or bits is None:
            raise QResourceError("--n, --d and --bits are required (or --instance FILE)")
        records = [api.estimate_oracle(n, d, bits, tau=tau, loader=loader, form=form, k=k, log_base=log_base)
                   for n in n_values]
    for record in records:
        attach_physical(record, physical=physical, architecture=architecture, qec=qec, factory=factory,
                        error_budget=error_budget, qubit_model=qubit_model)
    if not as_json:
        for record in records:
            for note in record.notes:
                if "precondition" in note and "fails" in note:
                    click.echo(f"qresource: warning: {note}", err=True)
    emit_records(records, as_json)


@click.command("oracle", context_settings=CONTEXT)
@click.option("--instance", "instance_path", type=click.Path(dir_okay=False), required=True, help=_INSTANCE_HELP)
@click.option("--loader", type=click.Choice(LOADERS), default="qrom", show_default=True)
@click.option("--form", type=click.Choice(FORMS), default="bit-flip", show_default=True)
@click.option("--qasm", "version", type=click.Choice(("2", "3")), required=True, help="OpenQASM version.")
@click.option("--output", type=click.Path(dir_okay=False), required=True, help="File to write.")
@target_options
def export_oracle(instance_path, loader, form, version, output, target, as_json):
    """Write the oracle's Clifford+T circuit as OpenQASM (registers `index`, little-endian, and
    `flag`; every other qubit starts and ends in |0>)."""

    require_qasm3(version, target)
    if target is not None:
        info = api.export_oracle_device(read_instance(instance_path), target, output, loader=loader, form=form)
        for note in info["notes"]:
            click.echo(f"qresource: note: {note}", err=True)
        echo_device_export(info, as_json)
        return
    start = time.perf_counter()
    info = api.export_oracle(read_instance(instance_path), int(version), output, loader=loader, form=form)
    for note in info["notes"]:
        click.echo(f"qresource: note: {note}", err=True)
    if as_json:
        click.echo(json.dumps(info, indent=2))
        return
    counts = info["counts"]
    report_written(info["output"], f"oracle, {number(counts['qubits'])} qubits, "
                   f"{number(counts['toffoli'])} Toffoli-class, {number(counts['t'])} T", time.perf_counter() - start)


@click.command("oracle", context_settings=CONTEXT)
@click.option("--instance", "instance_path", type=click.Path(dir_okay=False), default=None, help=_INSTANCE_HELP)
@click.option("--seed", type=IntType(minimum=0), default=None,
              help="Validate a random integer instance (n = 64, d = 2, b = 4) from this seed.")
@click.option("--n", "n_keys", type=IntType(minimum=2), default=None,
              help="With --seed: keys n of the random instance (default 64).")
@click.option("--d", type=IntType(minimum=1), default=None, help="With --seed: head dimension d (default 2).")
@click.option("--loader", type=click.Choice(LOADERS), default="qrom", show_default=True)
@click.option("--max-memory", type=MemorySize(), default=None,
              help="Memory limit for the run (e.g. 8G); default QRESOURCE_MAX_MEMORY or half the available memory.")
@execution_options
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@noise_options
def validate_oracle(instance_path, seed, n_keys, d, loader, max_memory, workers, scheduler, as_json, noise,
                    noise_shots):
    """Simulate the flattened oracle on every index and compare with [Q_i . K_j >= tau]."""

    if (instance_path is None) == (seed is None):
        raise QResourceError("give exactly one of --instance FILE and --seed S")
    if instance_path is not None and (n_keys is not None or d is not None):
        raise QResourceError("--n and --d shape the random instance of --seed; the instance file gives them")
    shape = {key: value for key, value in (("n", n_keys), ("d", d)) if value is not None}
    data = read_instance(instance_path) if instance_path is not None else api.random_instance(seed, **shape)
    check_execution(workers, scheduler)
    with stderr_progress("simulating index blocks") as progress:
        result = api.validate_oracle(data, loader=loader, workers=workers, scheduler=scheduler,
                                     progress=progress, limit_bytes=max_memory)
    if noise is not None:
        result["noisy"] = api.validate_oracle_noisy(data, noise, noise_shots, loader=loader, seed=seed or 0)
    if as_json:
        click.echo(json.dumps(result, indent=2))
    else:
        status = "PASS" if result["passed"] else "FAIL"
        click.echo(f"{status}: oracle n={result['n']} d={result['d']} bits={result['bits']}: "
                   f"{result['indices_simulated']} indices simulated, {result['marked']} marked, "
                   f"{len(result['mismatches'])} mismatches; counts bloq == flattened: "
                   f"{result['counts']['bloq'] == result['counts']['flattened']}")
        if noise is not None:
            click.echo(noisy_line(result["noisy"]))
    if not result["passed"]:
        raise QResourceError("oracle validation failed")
