"""Printing records: one JSON object with --json (the contract), an answer a person can read
otherwise.

The human form answers first: one short block saying what was estimated and the totals for the
whole task (with ``--physical``, physical qubits and runtime in human units; for attention, the
classical time and the ratio), then a labelled breakdown. ``--verbose`` adds every remaining
field of the record. Lines stay within 80 columns, and numbers follow one rule (``number``):
exact with thousands separators below a million, three significant digits above.
"""

from __future__ import annotations

import json
from typing import Iterable

import click

from qresource.cli.app import verbose_requested
from qresource.core.answer import answer_text, number  # noqa: F401 (commands print numbers by the same rule)
from qresource.core.record import EstimateRecord

# ------------------------------------------------------------------------------------ exports


def report_written(path, summary: str, seconds: float | None = None) -> None:
    """What an export wrote, on standard error (standard output is for data only): the path, a
    summary of the circuit, and the wall time."""
    took = f" in {seconds:.2f} s" if seconds is not None else ""
    click.echo(f"qresource: wrote {path}: {summary}{took}", err=True)


# ------------------------------------------------------------------------------------ records


def emit_records(records: Iterable[EstimateRecord], as_json: bool, verbose: bool | None = None,
                 extras: dict | None = None) -> None:
    """Print one JSON object for a single record, a JSON list for a sweep, or the human form.

    ``extras``: things the command computed for the reader that are not part of the record (and
    so not of the JSON), e.g. ``{"per_call": {role: toffoli}}`` for Grover and attention."""
    records = list(records)
    if as_json:
        payload = records[0].to_dict() if len(records) == 1 else [r.to_dict() for r in records]
        click.echo(json.dumps(payload, indent=2))
        return
    verbose = verbose_requested() if verbose is None else verbose
    click.echo(answer_text(records, verbose=verbose, extras=extras))


