"""Command-line parameter types: integers, integer lists and ranges, probabilities."""

from __future__ import annotations

import re

import click

from qresource.core.errors import QResourceError
from qresource.core.guards import parse_size

_POWER = re.compile(r"^\s*(\d+)\s*\*\*\s*(\d+)\s*$")


def parse_int(text: str) -> int:
    """An integer written plainly, with underscores, in scientific form that is exact, or as a**b."""
    raw = text.strip()
    match = _POWER.match(raw)
    if match:
        base, exponent = int(match.group(1)), int(match.group(2))
        if exponent > 256:
            raise ValueError(f"{raw!r}: exponent too large")
        return base**exponent
    try:
        return int(raw.replace("_", ""), 10)
    except ValueError:
        pass
    try:
        value = float(raw)
    except ValueError:
        raise ValueError(f"{raw!r} is not an integer") from None
    if not value.is_integer():
        raise ValueError(f"{raw!r} is not an integer")
    return int(value)


def parse_int_list(text: str) -> list[int]:
    """``1024``, ``1024,4096`` or ``2**10..2**20`` (every power of the base in between) or
    ``8..12`` (every integer in between), combinable with commas."""
    values: list[int] = []
    for part in text.split(","):
        part = part.strip()
        if not part:
            raise ValueError(f"{text!r}: empty item in list")
        if ".." in part:
            lo_text, hi_text = part.split("..", 1)
            lo_power, hi_power = _POWER.match(lo_text), _POWER.match(hi_text)
            if lo_power and hi_power:
                base = int(lo_power.group(1))
                if base != int(hi_power.group(1)) or base < 2:
                    raise ValueError(f"{part!r}: a power range needs one base >= 2 at both ends")
                lo_exp, hi_exp = int(lo_power.group(2)), int(hi_power.group(2))
                if hi_exp < lo_exp or hi_exp > 256:
                    raise ValueError(f"{part!r}: empty or too large range")
                values.extend(base**e for e in range(lo_exp, hi_exp + 1))
            else:
                lo, hi = parse_int(lo_text), parse_int(hi_text)
                if hi < lo or hi - lo > 100_000:
                    raise ValueError(f"{part!r}: empty or too long range")
                values.extend(range(lo, hi + 1))
        else:
            values.append(parse_int(part))
    return values


class IntType(click.ParamType):
    """A single integer with a lower bound."""

    name = "INT"

    def __init__(self, minimum: int | None = None, maximum: int | None = None):
        self.minimum = minimum
        self.maximum = maximum

    def convert(self, value, param, ctx):
        if isinstance(value, int):
            number = value
        else:
            try:
                number = parse_int(str(value))
            except ValueError as exc:
                self.fail(str(exc), param, ctx)
        if self.minimum is not None and number < self.minimum:
            self.fail(f"must be at least {self.minimum}, got {number}", param, ctx)
        if self.maximum is not None and number > self.maximum:
            self.fail(f"must be at most {self.maximum}, got {number}", param, ctx)
        return number


class IntListType(click.ParamType):
    """One integer, a comma list, or a range; every value bounded below."""

    name = "INTS"

    def __init__(self, minimum: int | None = None):
        self.minimum = minimum

    def convert(self, value, param, ctx):
        if isinstance(value, list):
            return value
        try:
            numbers = parse_int_list(str(value))
        except ValueError as exc:
            self.fail(str(exc), param, ctx)
        if self.minimum is not None:
            low = [x for x in numbers if x < self.minimum]
            if low:
                self.fail(f"must be at least {self.minimum}, got {low[0]}", param, ctx)
        return numbers


class OpenUnitInterval(click.ParamType):
    """A float strictly between 0 and 1 (precisions, failure probabilities)."""

    name = "FLOAT"

    def convert(self, value, param, ctx):
        try:
            number = float(value)
        except (TypeError, ValueError):
            self.fail(f"{value!r} is not a number", param, ctx)
        if not 0.0 < number < 1.0:
            self.fail(f"must lie strictly between 0 and 1, got {value}", param, ctx)
        return number


class FiniteFloat(click.ParamType):
    name = "FLOAT"

    def convert(self, value, param, ctx):
        import math

        try:
            number = float(value)
        except (TypeError, ValueError):
            self.fail(f"{value!r} is not a number", param, ctx)
        if not math.isfinite(number):
            self.fail(f"must be finite, got {value}", param, ctx)
        return number


class MemorySize(click.ParamType):
    """A memory size such as 512M, 8G or a plain number of bytes (see qresource.core.guards)."""

    name = "SIZE"

    def convert(self, value, param, ctx):

        try:
            return parse_size(value)
        except QResourceError as exc:
            self.fail(str(exc), param, ctx)


def execution_options(command):
    """``--workers N`` (local processes) and ``--scheduler ADDRESS`` (a Dask cluster), passed on
    as ``workers`` and ``scheduler`` for :func:`qresource.machinery.parallel.run_tasks`."""
    command = click.option(
        "--scheduler", default=None, metavar="ADDRESS",
        help="Run the work on this Dask scheduler (tcp://host:port); its workers need qresource installed.",
    )(command)
    return click.option(
        "--workers", type=IntType(minimum=1), default=1, show_default=True,
        help="Local worker processes for the work.",
    )(command)
