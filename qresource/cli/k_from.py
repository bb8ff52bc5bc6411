"""``--k-from PROFILE.json [--head L:H] [--k-stat max|p99|mean]`` of ``estimate attention`` and
``table``: k measured by ``qresource profile`` instead of assumed."""

from __future__ import annotations

import click

from qresource.core.errors import QResourceError
from qresource.profile import api as profile_api


def k_from_options(command):
    """--k-from PROFILE.json [--head L:H] [--k-stat max|p99|mean]: k measured by ``qresource profile``."""
    decorators = [
        click.option("--k-from", "k_from", type=click.Path(dir_okay=False), default=None,
                     help="Take k from a `qresource profile --json` file [default head: the worst, the one with "
                          "the largest statistic; n and d default to the profile's]."),
        click.option("--head", "k_head", default=None, metavar="L:H",
                     help="With --k-from: the head (layer:head) whose k is used."),
        click.option("--k-stat", "k_stat", type=click.Choice([s.value for s in profile_api.KStat]), default=None,
                     help="With --k-from: which statistic of k per row [default: max]."),
    ]
    for decorate in reversed(decorators):
        command = decorate(command)
    return command


def measured_k(k_from, k_head, k_stat, k, n):
    """The profile's k choice, or None without --k-from; refuses --head / --k-stat alone and --k
    beside --k-from."""
    if k_from is None:
        if k_head is not None or k_stat is not None:
            raise QResourceError("--head and --k-stat need --k-from PROFILE.json")
        return None
    if k is not None:
        raise QResourceError("give --k or --k-from, not both")
    head = profile_api.parse_head(k_head) if k_head is not None else None
    return profile_api.choose_k(k_from, head=head, stat=profile_api.KStat(k_stat or "max"), n=n)


def record_k_source(records, choice, n) -> None:
    for record in records:
        record.params["k_from"] = choice.params()
        record.notes.append(choice.note())
        if n != choice.n:
            record.notes.append(f"k was measured at n = {choice.n} and is used unchanged at n = {n} "
                                "(not extrapolated; the profile's k_mean_slope says how k grew with n)")
