"""Printing records: one JSON object with --json, a rich table otherwise."""

from __future__ import annotations

import json
from typing import Iterable

import click

from qresource.core.record import EstimateRecord


def emit_records(records: Iterable[EstimateRecord], as_json: bool) -> None:
    """Print one JSON object for a single record, a JSON list for a sweep, or tables."""
    records = list(records)
    if as_json:
        payload = records[0].to_dict() if len(records) == 1 else [r.to_dict() for r in records]
        click.echo(json.dumps(payload, indent=2))
        return
    from rich.console import Console
    from rich.table import Table

    console = Console()
    for record in records:
        data = record.to_dict()
        title = f"{record.primitive}" + (f" — {record.model}" if record.model else "")
        table = Table(title=title, show_header=True, header_style="bold")
        table.add_column("quantity")
        table.add_column("value", justify="right")
        for key, value in data["params"].items():
            table.add_row(f"param {key}", str(value))
        for section in ("logical", "registers", "classical", "physical", "schedule", "shots", "error_budget", "oracle"):
            block = data.get(section)
            if not block:
                continue
            for key, value in _flatten(block):
                table.add_row(f"{section} {key}", _fmt(value))
        for key in ("queries", "iterations", "success_probability"):
            if data.get(key) is not None:
                table.add_row(key, _fmt(data[key]))
        console.print(table)
        for note in record.notes:
            console.print(f"note: {note}")


def _flatten(block: dict, prefix: str = ""):
    for key, value in block.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            yield from _flatten(value, name + ".")
        else:
            yield name, value


def _fmt(value) -> str:
    if isinstance(value, bool) or value is None:
        return str(value)
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        return f"{value:.6g}"
    return str(value)
