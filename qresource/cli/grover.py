"""``qresource estimate grover|attention``, ``qresource export grover``, ``qresource validate grover``.

A thin layer over :mod:`qresource.grover.api`: parse, build a ``Problem``, print records.
"""

from __future__ import annotations

import math
import re
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
from qresource.cli.k_from import k_from_options, measured_k, record_k_source
from qresource.cli.output import emit_records, number, report_written
from qresource.cli.params import FiniteFloat, IntType, OpenUnitInterval
from qresource.core.errors import QResourceError
from qresource.core.io import atomic_write_text
from qresource.grover import api, hardware
from qresource.loaders.kinds import LOADER_KINDS as LOADERS
from qresource.report.grover_physical import attach_grover_physical
from qresource.report.physical_options import (
    attach_physical,
    largest_answered_size,
    physical_options,
)


def _problem_options(command):
    decorators = [
        click.option("--n", type=IntType(minimum=2), default=None, help="Number of keys n >= 2."),
        click.option("--k", type=IntType(minimum=1), default=None,
                     help="Marked keys per row (at most k for --schedule unknown), 1 <= k <= n."),
        click.option("--d", type=IntType(minimum=1), default=None, help="Head dimension d."),
        click.option("--bits", type=IntType(minimum=2), default=None,
                     help="Fixed-point bits per entry [default: the precision planner's, else 8]."),
        click.option("--tau", type=FiniteFloat(), default=None,
                     help="Threshold tau [default: 2 log n in --log-base, Theorem 1.3's smallest]."),
        click.option("--log-base", type=click.Choice(("e", "2")), default="e", show_default=True,
                     help="Base of the log in Theorem 1.3's tau >= 2 log n (the paper gives none): "
                     "e checks tau >= 2 ln n, 2 the stronger tau >= 2 log2 n."),
        click.option("--instance", "instance_path", type=click.Path(dir_okay=False), default=None,
                     help="Instance JSON instead of --n/--d/--tau (grover: {q, K, tau, bits}; "
                     "attention: {Q, K, V, tau, ...})."),
        click.option("--loader", type=click.Choice(LOADERS), default="qrom", show_default=True,
                     help="Data loader for K inside the oracle (circuit model)."),
        click.option("--model", type=click.Choice(("query", "circuit", "both")), default="circuit",
                     show_default=True,
                     help="circuit: the full Clifford+T circuit with its data loader; query: the seeds' "
                          "query model; both: the two side by side (with --json, a list of two objects)."),
        click.option("--schedule", type=click.Choice(("known", "unknown")), default="known",
                     show_default=True,
                     help="known: exactly k marked, found one by one; unknown: at most k, capped "
                     "BBHT exponential search plus certification."),
        click.option("--delta", type=OpenUnitInterval(), default=0.01, show_default=True,
                     help="Failure probability for the 1 - delta counts (and BBHT's cap)."),
        click.option("--json", "as_json", is_flag=True, help="Print JSON (one object per model)."),
    ]
    for decorate in reversed(decorators):
        command = decorate(command)
    return command


def _models(model: str) -> tuple[str, ...]:
    return ("query", "circuit") if model == "both" else (model,)


def _warn(records) -> None:
    for note in {n for r in records for n in r.notes if n.startswith("warning:")}:
        click.echo(f"qresource: {note}", err=True)


def _emit(records, as_json: bool, physical_args: dict, problem, data=None, unit_at=None) -> None:
    """Print the records; with --physical, circuit-model records get a physical estimate of one
    Grover iterate (oracle + diffusion) repeated once per expected oracle call. The human form
    also shows the Toffolis by role of one oracle call with no key excluded."""
    if not physical_args["physical"]:
        attach_physical(records[0], **physical_args)  # refuses physical options without --physical
    else:
        options = {key: value for key, value in physical_args.items() if key != "physical"}
        attach_grover_physical(records, problem, data, **options)
        for record in records:
            if record.logical is not None and (record.physical or {}).get("physical_qubits") is None \
                    and unit_at is not None:
                record.notes.append(_answered_up_to(record.params["n"], record.params["k"], unit_at, physical_args))
    _warn(records)
    extras = {}
    if not as_json and any(r.logical is not None for r in records):
        extras = api.answer_extras(problem, data)
    emit_records(records, as_json, extras=extras)


def _answered_up_to(n: int, k: int, unit_at, physical_args: dict) -> str:
    """The note saying up to which n (a power of two, other options unchanged) the physical
    estimator answers."""
    options = {key: value for key, value in physical_args.items() if key != "physical"}
    sizes = [1 << e for e in range(max(1, (k - 1).bit_length()), n.bit_length()) if (1 << e) < n]
    largest = largest_answered_size(sizes, unit_at, **options)
    if largest is None:
        return "physical: the estimator answers at no power-of-two n below this one with these options"
    return (f"physical: with these options the estimator answers up to n = 2**{largest.bit_length() - 1} "
            f"(powers of two tried); a larger --error-budget reaches a little further")


def _unit_at(n, k, d, bits, tau, loader, schedule, delta, log_base, rows: bool):
    """unit_at(size): the physical estimate's input at another n, every other option as given
    (defaults, such as tau = 2 ln n, follow n as they would on the command line)."""

    def unit_at(size: int):
        other = _problem(size, k, d, bits, tau, loader, schedule, delta, log_base)
        queries = api.find_all_schedule(other).expected_queries * (size if rows else 1)
        counts, bloq = api.iterate_unit(other)
        return counts, max(math.ceil(queries), 1), bloq

    return unit_at


@click.command("grover", context_settings=CONTEXT)
@_problem_options
@physical_options
def estimate_grover(n, k, d, bits, tau, log_base, instance_path, loader, model, schedule, delta, as_json, physical,
                    architecture, qec, factory, error_budget, qubit_model):
    """Find all marked keys of one row by Grover search: expected oracle queries (`queries`),
    the single search's iterations and success probability, and in the circuit model the
    Clifford+T counts of the search circuit and of the whole schedule."""

    if instance_path is not None:
        data = api.load_oracle_instance(instance_path)
        problem = api.problem_from_oracle_instance(data, k=k, loader=loader, schedule=schedule, delta=delta,
                                                   log_base=log_base)
        records = api.grover_records(problem, _models(model), data=data)
    else:
        data = None
        problem = _problem(n, k, d, bits, tau, loader, schedule, delta, log_base)
        records = api.grover_records(problem, _models(model))
    physical_args = dict(physical=physical, architecture=architecture, qec=qec, factory=factory,
                        error_budget=error_budget, qubit_model=qubit_model)
    _emit(records, as_json, physical_args, problem, data,
          unit_at=None if data is not None else _unit_at(n, k, d, bits, tau, loader, schedule, delta,
                                                                 log_base, rows=False))


@click.command("attention", context_settings=CONTEXT)
@_problem_options
@k_from_options
@physical_options
def estimate_attention(n, k, d, bits, tau, log_base, instance_path, loader, model, schedule, delta, as_json, k_from,
                       k_head, k_stat, physical, architecture, qec, factory, error_budget, qubit_model):
    """Whole Grover sparse attention (Theorem 1.4 / 6.1): n row searches plus Algorithm 2, in
    the seeds' query model and the full-circuit model side by side."""

    choice = measured_k(k_from, k_head, k_stat, k, n)
    if choice is not None:
        if instance_path is not None:
            raise QResourceError("--k-from sets k for generated problems; an --instance has its own marked keys")
        n = choice.n if n is None else n
        d = choice.d if d is None else d
        tau = choice.tau if tau is None and n == choice.n else tau
        problem = _problem(n, choice.k, d, bits, tau, loader, schedule, delta, log_base)
        records = api.attention_records(problem, _models(model))
        record_k_source(records, choice, n)
    elif instance_path is not None:
        problem, row_marked = api.problem_from_attention_instance(
            instance_path, k=k, bits=bits, loader=loader, schedule=schedule, delta=delta, log_base=log_base)
        records = api.attention_records(problem, _models(model), row_marked=row_marked)
    else:
        problem = _problem(n, k, d, bits, tau, loader, schedule, delta, log_base)
        records = api.attention_records(problem, _models(model))
    physical_args = dict(physical=physical, architecture=architecture, qec=qec, factory=factory,
                        error_budget=error_budget, qubit_model=qubit_model)
    _emit(records, as_json, physical_args, problem,
          unit_at=None if instance_path is not None else _unit_at(problem.n, problem.k, problem.d, bits, tau, loader,
                                                                  schedule, delta, log_base, rows=True))


def _problem(n, k, d, bits, tau, loader, schedule, delta, log_base):

    missing = [name for name, value in (("--n", n), ("--k", k), ("--d", d)) if value is None]
    if missing:
        raise QResourceError(f"give {', '.join(missing)} (or --instance FILE)")
    return api.make_problem(n=n, k=k, d=d, bits=bits, tau=tau, loader=loader, schedule=schedule, delta=delta,
                            log_base=log_base)


@click.command("grover", context_settings=CONTEXT)
@click.option("--instance", "instance_path", type=click.Path(dir_okay=False), required=True,
              help="Oracle instance JSON {q, K, tau, bits}.")
@click.option("--k", type=IntType(minimum=1), default=None,
              help="Marked keys the iteration count is chosen for [default: the instance's].")
@click.option("--loader", type=click.Choice(LOADERS), default="qrom", show_default=True)
@click.option("--qasm", "version", type=click.Choice(("2", "3")), required=True, help="OpenQASM version.")
@click.option("--output", type=click.Path(dir_okay=False), default=None,
              help="Output file [default: standard output].")
@target_options
def export_grover(instance_path, k, loader, version, output, target, as_json):
    """One Grover search with the optimal iteration count for k marked keys, ending with `index`
    measured into the classical register `result`."""

    start = time.perf_counter()
    require_qasm3(version, target)
    data = api.load_oracle_instance(instance_path)
    if target is not None:
        if output is None:
            raise QResourceError("--target needs --output FILE (the costs are printed)")
        echo_device_export(hardware.export_grover_device(data, target, output, k=k, loader=loader), as_json)
        return
    if as_json:
        raise QResourceError("--json describes a device export: give --target")
    search, problem = api.grover_search_bloq(data, k=k, loader=loader)
    circuit = api.measured_search_circuit(search)
    text = api.qasm_text(circuit, int(version))
    if output is None:
        click.echo(text, nl=False)
        return
    atomic_write_text(output, text)
    t_gates = len(re.findall(r"^\s*(?:t|tdg)\s", text, flags=re.MULTILINE))
    report_written(output, f"Grover search, n = {number(problem.n)}, {number(search.iterations)} "
                   f"iteration{'' if search.iterations == 1 else 's'}, "
                   f"{number(circuit.num_qubits)} qubits, {number(t_gates)} T",
                   time.perf_counter() - start)


@click.command("grover", context_settings=CONTEXT)
@click.option("--instance", "instance_path", type=click.Path(dir_okay=False), default=None,
              help="Oracle instance JSON {q, K, tau, bits} (small: n <= 16).")
@click.option("--seed", type=IntType(minimum=0), default=0, show_default=True,
              help="Seed of the generated instance (without --instance) and of the simulator.")
@click.option("--loader", type=click.Choice(LOADERS), default="qrom", show_default=True)
@click.option("--shots", type=IntType(minimum=100, maximum=10**6), default=4000, show_default=True)
@click.option("--json", "as_json", is_flag=True)
@noise_options
def validate_grover(instance_path, seed, loader, shots, as_json, noise, noise_shots):
    """Run the exported search on Qiskit Aer and compare the measured frequency of marked
    indices with `success_probability` (5 binomial standard deviations)."""
    import json

    data = api.load_oracle_instance(instance_path) if instance_path else api.small_oracle_instance(seed)
    result = api.validate_grover_search(data, loader=loader, shots=shots, seed=seed)
    if noise is not None:
        result["noisy"] = hardware.validate_grover_noisy(data, noise, noise_shots, loader=loader, seed=seed)
    if as_json:
        click.echo(json.dumps(result, indent=2))
    else:
        verdict = "PASS" if result["passed"] else "FAIL"
        click.echo(
            f"{verdict}: n={result['n']} marked={result['marked']} r={result['iterations']} "
            f"measured {result['measured_success']:.4f} vs predicted "
            f"{result['success_probability']:.4f} (5 sigma = {5 * result['sigma']:.4f}, {shots} shots)"
        )
        if noise is not None:
            click.echo(noisy_line(result["noisy"]))
    if not result["passed"]:

        raise QResourceError("validation failed: measured success is outside 5 sigma of the prediction")
