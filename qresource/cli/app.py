"""The ``qresource`` command groups.

Subcommands live in one module per primitive and are imported only when they are run or asked
for help: ``qresource --help`` and ``--version`` must answer without importing Qualtran or
Qiskit. Each group names its subcommands here with the import path of their click command and
the one-line summary its listing shows (``tests/test_cli_basics.py`` holds every summary equal
to the command's own).
"""

from __future__ import annotations

import importlib

import click

from qresource import __version__

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}
_VERBOSE_KEY = "qresource.verbose"


def _remember_verbose(ctx: click.Context, _param, value: bool) -> bool:
    ctx.meta[_VERBOSE_KEY] = bool(value)
    return value


#: ``--verbose`` for every ``estimate`` subcommand; the estimate group adds it to each of them
#: (``LazyGroup.shared_params``), so a command's printer reads it from the context
#: (``verbose_requested``) rather than from the command's signature.
VERBOSE_OPTION = click.Option(
    ["--verbose", "-v"], is_flag=True, expose_value=False, callback=_remember_verbose,
    help="After the answer and its breakdown, print every field of the result.",
)


def verbose_requested() -> bool:
    ctx = click.get_current_context(silent=True)
    return bool(ctx is not None and ctx.meta.get(_VERBOSE_KEY))


class LazyGroup(click.Group):
    """A click group whose subcommands are imported on first use.

    Args:
        lazy_commands: subcommand name -> ``"module:attribute"`` of its click command.
        summaries: subcommand name -> the line the group's listing prints for it without
            importing it (a subcommand with none is imported to be listed).
    """

    def __init__(self, *args, lazy_commands: dict[str, str] | None = None,
                 summaries: dict[str, str] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.lazy_commands = dict(lazy_commands or {})
        self.summaries = dict(summaries or {})

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*self.commands, *self.lazy_commands})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in self.lazy_commands:
            self._load(cmd_name)
        return self.commands.get(cmd_name)

    #: Options every subcommand of this group takes in addition to its own (appended on load).
    shared_params: tuple[click.Parameter, ...] = ()

    def _load(self, name: str) -> None:
        module_name, attribute = self.lazy_commands[name].split(":")
        command = getattr(importlib.import_module(module_name), attribute)
        taken = {option for param in command.params for option in getattr(param, "opts", ())}
        command.params.extend(p for p in self.shared_params if not taken & set(p.opts))
        self.add_command(command, name)

    def load_all(self) -> None:
        """Import every subcommand, in this group and the groups below it."""
        for name in self.lazy_commands:
            if name not in self.commands:
                self._load(name)
        for command in self.commands.values():
            if isinstance(command, LazyGroup):
                command.load_all()

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        limit = formatter.width - 6 - max((len(name) for name in self.list_commands(ctx)), default=0)
        rows = []
        for name in self.list_commands(ctx):
            if name not in self.commands and name in self.summaries:
                rows.append((name, click.Command(name, help=self.summaries[name]).get_short_help_str(limit)))
                continue
            command = self.get_command(ctx, name)
            if command.hidden:
                continue
            else:
                summary = command.get_short_help_str(limit)
            rows.append((name, summary))
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)


def _subcommands(verb: str, modules: dict[str, str]) -> dict[str, str]:
    """``verb PRIMITIVE`` -> the command ``verb_PRIMITIVE`` of module ``qresource.cli.MODULE``."""
    return {primitive: f"qresource.cli.{module}:{verb}_{primitive}" for primitive, module in modules.items()}


@click.group(cls=LazyGroup, context_settings=CONTEXT,
             lazy_commands={"breakeven": "qresource.cli.breakeven:breakeven",
                            "count": "qresource.cli.count:count", "profile": "qresource.cli.profile:profile",
                            "report": "qresource.cli.report:report",
                            "table": "qresource.cli.table:table"},
             summaries={
                 "breakeven": "What it would take for quantum attention to break even with classical attention: "
                              "for each algorithm, the factor by which each hardware knob (logical cycle time, "
                              "data access cost, physical error rate, parallel processors) must improve, the "
                              "others held fixed.",
                 "count": "Count qubits, Toffolis, T, Cliffords, rotations, measurements, depth and T-depth of any "
                          "OpenQASM 2 or 3 circuit, with the same keys as `estimate`.",
                 "profile": "Measure how sparse real attention heads are: per (layer, head), the entries of each "
                            "row at or above tau (k), the gap condition of Theorem 1.3, and the slope of k in n, "
                            "for the raw logits and for rows shifted to best meet the condition.",
                 "report": "The default report: resource tables, classical comparison, crossovers and plots.",
                 "table": "Resource tables over a grid of parameters, one row per point and primitive.",
             })
@click.version_option(__version__, "--version", prog_name="qresource")
def cli() -> None:
    """Fault-tolerant resource estimates for quantum algorithms for LLM attention, and their
    comparison with classical attention."""


@cli.group(cls=LazyGroup, context_settings=CONTEXT, lazy_commands=_subcommands("estimate", {
    "attention": "grover", "classical": "classical", "grover": "grover", "oracle": "oracle",
    "qlaci": "qlaci", "qram": "qram"}))
def estimate() -> None:
    """Logical (and with --physical, physical) resources of a primitive."""


estimate.shared_params = (VERBOSE_OPTION,)


@cli.group(cls=LazyGroup, context_settings=CONTEXT, lazy_commands=_subcommands("export", {
    "grover": "grover", "oracle": "oracle", "qlaci": "qlaci", "qram": "qram"}))
def export() -> None:
    """Write a primitive's Clifford+T circuit as OpenQASM 2 or 3."""


@cli.group(cls=LazyGroup, context_settings=CONTEXT, lazy_commands=_subcommands("validate", {
    "grover": "grover", "oracle": "oracle", "qlaci": "qlaci", "qram": "qram"}))
def validate() -> None:
    """Check a small instance of a primitive against an independent simulation."""
