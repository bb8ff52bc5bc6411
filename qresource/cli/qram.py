"""``qresource estimate|export|validate qram``: a thin layer over :mod:`qresource.loaders.api`."""

from __future__ import annotations

import json

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
from qresource.cli.params import IntListType, IntType, MemorySize, execution_options
from qresource.core.errors import QResourceError
from qresource.core.guards import require_circuit_memory
from qresource.loaders import api
from qresource.loaders.kinds import LOADER_KINDS as LOADERS
from qresource.machinery.parallel import check_execution, stderr_progress
from qresource.report.physical_options import attach_physical, physical_options

_LOADER_HELP = (
    "fanout: broadcast router tree, N - 2 ANDs, depth O(log N + b); bucket-brigade: routing "
    "tree, about (b/2 + 1) N ANDs, 3N/2 qubits; qrom: Qualtran's unary iteration; qroam: "
    "Qualtran's QROAMClean, unloaded by measurement (about N/K + K b to load, 2 sqrt(N) to unload)."
)


def _table(api, data_path, n_values, bits):
    """The table of a --data file, padded with zero words to --n when that is given."""
    if bits is not None:
        raise QResourceError("--bits comes from the --data file; do not give both")
    data, table_bits = api.read_table(data_path)
    if n_values is not None:
        if len(n_values) != 1:
            raise QResourceError("--n takes one value together with --data")
        data = api.check_table(data, table_bits, n_values[0], source=str(data_path))
    return data, table_bits


@click.command("qram", context_settings=CONTEXT)
@click.option("--loader", type=click.Choice(LOADERS), required=True, help=_LOADER_HELP)
@click.option("--n", "n_values", type=IntListType(minimum=2), default=None,
              help="Words N >= 2: one, a list (1024,4096) or a range (2**10..2**20).")
@click.option("--bits", type=IntType(minimum=1), default=None, help="Bits per word b >= 1.")
@click.option("--data", "data_path", type=click.Path(dir_okay=False), default=None,
              help='Table file {"data": [N ints], "bits": int} instead of --bits (with --n: padded).')
@click.option("--block-size", "log_block_size", type=IntType(minimum=0), default=None,
              help="qroam only: log2 of the block size K [default: the Toffoli optimum].")
@click.option("--json", "as_json", is_flag=True, help="Print JSON (one object, or a list for a sweep).")
@physical_options
def estimate_qram(loader, n_values, bits, data_path, log_block_size, as_json, physical, architecture,
                  qec, factory, error_budget, qubit_model):
    """Logical resources of one access `target ^= data[address]` to a table of N b-bit words."""

    if log_block_size is not None and loader != "qroam":
        raise QResourceError("--block-size applies to --loader qroam only")
    if data_path is not None:
        data, table_bits = _table(api, data_path, n_values, bits)
        records = [api.estimate_qram(loader, len(data), table_bits, data, log_block_size)]
    else:
        if n_values is None or bits is None:
            raise QResourceError("--n and --bits are required (or --data FILE)")
        records = [api.estimate_qram(loader, n, bits, None, log_block_size) for n in n_values]
    for record in records:
        attach_physical(record, physical=physical, architecture=architecture, qec=qec, factory=factory,
                        error_budget=error_budget, qubit_model=qubit_model)
    emit_records(records, as_json)


@click.command("qram", context_settings=CONTEXT)
@click.option("--loader", type=click.Choice(LOADERS), required=True, help=_LOADER_HELP)
@click.option("--data", "data_path", type=click.Path(dir_okay=False), required=True,
              help='Table file {"data": [N ints], "bits": int}.')
@click.option("--n", "n_words", type=IntType(minimum=2), default=None,
              help="Pad the table with zero words to N words (error if it is longer).")
@click.option("--qasm", "version", type=click.Choice(("2", "3")), required=True,
              help="OpenQASM version (3 writes measurement-based uncomputation as if blocks).")
@click.option("--output", type=click.Path(dir_okay=False), required=True, help="File to write.")
@click.option("--max-memory", type=MemorySize(), default=None,
              help="Refuse tables whose circuit needs more memory than this (default: half the available memory).")
@target_options
def export_qram(loader, data_path, n_words, version, output, max_memory, target, as_json):
    """Write the loader's Clifford+T circuit for a table as OpenQASM (registers `address`,
    `target`, little-endian; every other qubit starts and ends in |0>)."""

    require_qasm3(version, target)
    data, bits = _table(api, data_path, None if n_words is None else [n_words], None)
    if target is not None:
        echo_device_export(api.export_qram_device(loader, data, bits, target, output, max_memory=max_memory), as_json)
        return
    info = api.export_qram(loader, data, bits, int(version), output, max_memory=max_memory)
    if as_json:
        click.echo(json.dumps(info, indent=2))
        return
    counts = info["counts"]
    report_written(info["path"], f"{loader}, N = {number(info['n'])}, b = {bits}, {number(counts['qubits'])} qubits, "
                   f"{number(counts['t'])} T, {number(counts['toffoli'])} Toffoli-class, depth {number(counts['depth'])}",
                   info["seconds"])


@click.command("qram", context_settings=CONTEXT)
@click.option("--loader", type=click.Choice(LOADERS), required=True, help=_LOADER_HELP)
@click.option("--n", "n_words", type=IntType(minimum=2), default=None, help="Words N >= 2 (random table).")
@click.option("--bits", type=IntType(minimum=1), default=None, help="Bits per word b >= 1 (random table).")
@click.option("--seed", type=IntType(minimum=0), default=0, show_default=True,
              help="Seed of the random table and of the random target values.")
@click.option("--data", "data_path", type=click.Path(dir_okay=False), default=None,
              help='Table file {"data": [N ints], "bits": int} instead of --n/--bits.')
@click.option("--max-memory", type=MemorySize(), default=None,
              help="Memory limit for the run (e.g. 8G); default QRESOURCE_MAX_MEMORY or half the available memory.")
@execution_options
@click.option("--json", "as_json", is_flag=True, help="Print the result as one JSON object.")
@noise_options
def validate_qram(loader, n_words, bits, seed, data_path, max_memory, workers, scheduler, as_json, noise, noise_shots):
    """Bit-sliced simulation of the circuit on every address (target = data[address], ancillas
    back to 0), and for N <= 8 an Aer statevector run with the address in uniform superposition."""

    if data_path is not None:
        data, bits = _table(api, data_path, None if n_words is None else [n_words], bits)
    else:
        if n_words is None or bits is None:
            raise QResourceError("--n and --bits are required (or --data FILE)")
        # At least one gate per word: refuse before building a table that could not be validated.
        require_circuit_memory(n_words, f"validating {n_words} words", limit_bytes=max_memory)
        data = api.random_table(n_words, bits, seed)
    check_execution(workers, scheduler)
    with stderr_progress("simulating address blocks") as progress:
        result = api.validate_qram(loader, data, bits, seed, workers=workers, scheduler=scheduler,
                                   progress=progress, max_memory=max_memory)
    if noise is not None:
        result["noisy"] = api.validate_qram_noisy(loader, data, bits, noise, noise_shots, seed)
    if as_json:
        click.echo(json.dumps(result, indent=2))
        return
    sv = result["statevector"]
    sv_text = (f"statevector ok on {sv['qubits']} qubits" if sv["ok"] else f"statevector skipped ({sv['skipped']})")
    click.echo(
        f"{loader}: N = {result['n']}, b = {result['bits']}: all {result['n']} addresses ok "
        f"(bit-sliced, {result['bitsliced']['seconds']} s); {sv_text}"
    )
    if noise is not None:
        click.echo(noisy_line(result["noisy"]))
