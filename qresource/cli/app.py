"""The ``qresource`` command groups. Subcommands live in one module per primitive and register
themselves on these groups; this module knows none of them."""

from __future__ import annotations

import click

from qresource import __version__

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


@click.group(context_settings=CONTEXT)
@click.version_option(__version__, "--version", prog_name="qresource")
def cli() -> None:
    """Fault-tolerant resource estimates for quantum algorithms for LLM attention, and their
    comparison with classical attention."""


@cli.group(context_settings=CONTEXT)
def estimate() -> None:
    """Logical (and with --physical, physical) resources of a primitive."""


@cli.group(context_settings=CONTEXT)
def export() -> None:
    """Write a primitive's Clifford+T circuit as OpenQASM 2 or 3."""


@cli.group(context_settings=CONTEXT)
def validate() -> None:
    """Check a small instance of a primitive against an independent simulation."""

