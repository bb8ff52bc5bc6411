"""``qresource estimate classical``: operation counts and seconds of classical attention."""

from __future__ import annotations

import click

from qresource.classical import costs
from qresource.classical.hardware import DEFAULT_HARDWARE, hardware_names
from qresource.cli.app import CONTEXT
from qresource.cli.output import emit_records
from qresource.cli.params import FiniteFloat, IntListType, IntType


class _Bounded(FiniteFloat):
    """A finite float in ``(low, high]`` (``low`` excluded) or ``[low, ...)``."""

    def __init__(self, low: float, *, low_inclusive: bool, high: float | None = None):
        self.low, self.low_inclusive, self.high = low, low_inclusive, high

    def convert(self, value, param, ctx):
        number = super().convert(value, param, ctx)
        if number < self.low or (number == self.low and not self.low_inclusive):
            side = "at least" if self.low_inclusive else "greater than"
            self.fail(f"must be {side} {self.low:g}, got {value}", param, ctx)
        if self.high is not None and number > self.high:
            self.fail(f"must be at most {self.high:g}, got {value}", param, ctx)
        return number


@click.command("classical", context_settings=CONTEXT)
@click.option("--n", "n_values", type=IntListType(minimum=2), required=True,
              help="Sequence length n >= 2: one value, a list (1024,4096) or a range (2**10..2**20).")
@click.option("--d", type=IntType(minimum=1), required=True, help="Head dimension d >= 1.")
@click.option("--k", type=IntType(minimum=1), required=True,
              help="Sparsity: at most k scores >= tau per row, 1 <= k <= n.")
@click.option("--hardware", type=click.Choice(hardware_names()), default=DEFAULT_HARDWARE,
              show_default=True,
              help="Peak-rate preset for seconds; this-machine measures a numpy matmul now.")
@click.option("--utilisation", type=_Bounded(0.0, low_inclusive=False, high=1.0), default=1.0,
              show_default=True, help="Fraction of the peak rate achieved (1.0 = peak).")
@click.option("--exp-flops", type=_Bounded(0.0, low_inclusive=False), default=1.0,
              show_default=True, help="Flops charged per exponential.")
@click.option("--halfspace-constant", type=_Bounded(0.0, low_inclusive=False), default=1.0,
              show_default=True, help="Constant C hidden in the half-space reporting bounds.")
@click.option("--polylog-power", type=_Bounded(0.0, low_inclusive=True), default=None,
              help="Power p of log2 n per half-space query [default: 0, or 1 when d <= 3].")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object (a list for several n).")
def estimate_classical(n_values, d, k, hardware, utilisation, exp_flops, halfspace_constant,
              polylog_power, as_json):
    """Exact operation counts and seconds of naive attention, the sparse inference step
    (Algorithm 2) and the half-space-reporting algorithm (Theorem 1.5), under the `classical`
    key.  Counts are exact integers; the flop convention is stated in the output."""

    too_large = [n for n in n_values if k > n]
    if too_large:
        raise click.BadParameter(f"k = {k} exceeds n = {too_large[0]}; need 1 <= k <= n",
                                 param_hint="'--k'")
    records = [
        costs.estimate_classical(n, d, k, hardware=hardware, halfspace_constant=halfspace_constant,
                           polylog_power=polylog_power, utilisation=utilisation,
                           exp_flops=exp_flops)
        for n in n_values
    ]
    emit_records(records, as_json)
