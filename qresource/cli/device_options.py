"""The device options shared by ``export`` (``--target``, ``--json``) and ``validate``
(``--noise``, ``--noise-shots``), and how their results are printed."""

from __future__ import annotations

import json

import click

from qresource.cli.params import IntType
from qresource.core.errors import QResourceError

TARGET_HELP = (
    "Write the circuit transpiled for a device as OpenQASM 3 (physical qubits $p, corrections as "
    "if blocks, the layout of every register as comments): fake_torino (Heron, CZ), "
    "fake_sherbrooke (Eagle, ECR), any other fake backend of qiskit-ibm-runtime that runs "
    "dynamic circuits (an unknown name lists them), or all-to-all[:GATES] (every pair coupled; "
    "default gates cz,rz,sx,x)."
)
NOISE_HELP = (
    "Also run the circuit transpiled for this fake backend under its noise model on Qiskit Aer "
    "(fake_torino, fake_sherbrooke, ...; an unknown name lists them)."
)


def target_options(command):
    command = click.option("--json", "as_json", is_flag=True, help="Print what was written as one JSON object.")(command)
    return click.option("--target", default=None, metavar="NAME", help=TARGET_HELP)(command)


def noise_options(command):
    command = click.option("--noise-shots", type=IntType(minimum=1, maximum=10**6), default=1000,
                           show_default=True, help="Shots of the noisy simulation.")(command)
    return click.option("--noise", default=None, metavar="NAME", help=NOISE_HELP)(command)


def require_qasm3(version, target) -> None:
    if target is not None and int(version) != 3:
        raise QResourceError("--target writes OpenQASM 3 (physical qubits and if blocks): use --qasm 3")


def _fmt(value, spec: str, unit: str = "") -> str:
    return "n/a" if value is None else f"{value:{spec}}{unit}"


def echo_device_export(info: dict, as_json: bool) -> None:
    """One line of device-run costs on standard error, or the whole record as JSON."""
    if as_json:
        click.echo(json.dumps(info, indent=2))
        return
    device = info["device"]
    duration = None if device["duration_s"] is None else device["duration_s"] * 1e6
    click.echo(
        f"qresource: wrote {info['path']} for {device['backend']}: {device['logical_qubits']} logical qubits on "
        f"{device['qubits']} physical, {device['native_two_qubit_gates']} {device['native_two_qubit_gate']} "
        f"(logical: {info['logical']['clifford'] + info['logical']['t']} Clifford+T gates), depth "
        f"{device['depth']}, duration {_fmt(duration, '.1f', ' us')}, estimated success "
        f"{_fmt(device['estimated_success_probability'], '.3g')}",
        err=True,  # standard output is for data (the JSON above, or the circuit without --output)
    )
    for note in device["notes"]:
        click.echo(f"qresource: note: {note}", err=True)


def noisy_line(block: dict) -> str:
    return (
        f"noisy on {block['backend']} ({block['method']}, {block['shots']} shots, {block['seconds']} s): "
        f"success {_fmt(block['success_probability'], '.4f')} (noiseless "
        f"{_fmt(block['ideal_success_probability'], '.4f')}, estimated from error rates "
        f"{_fmt(block['estimated_success_probability'], '.4f')})"
    )
