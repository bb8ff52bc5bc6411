"""``qresource report``: a thin layer over qresource.report.build."""

from __future__ import annotations

import os
from pathlib import Path

import click

from qresource.cli.app import CONTEXT
from qresource.machinery.parallel import stderr_progress
from qresource.report.build import build_report


@click.command("report", context_settings=CONTEXT)
@click.option("--output-dir", type=click.Path(file_okay=False, path_type=Path), default=Path("reports"),
              show_default=True, help="Directory for the tables, plots and index.md.")
@click.option("--workers", type=int, default=None,
              help="Local worker processes for the physical estimates (default: the machine's cores).")
@click.option("--scheduler", default=None, metavar="ADDRESS",
              help="Run the physical estimates on this Dask scheduler (tcp://host:port) instead.")
def report(output_dir, workers, scheduler):
    """The default report: resource tables, classical comparison, crossovers and plots."""

    if workers is None:
        workers = 1 if scheduler else (os.cpu_count() or 1)
    with stderr_progress("report: physical estimates") as progress:
        files = build_report(output_dir, workers=workers, scheduler=scheduler, estimate_progress=progress)
    click.echo(f"wrote {len(files)} files to {output_dir}: {', '.join(files)}")
