"""Write ``docs/cli-reference.md`` from the command line itself.

Every group and command registered on :data:`qresource.cli.app.cli` gets a section with the
help text click prints for it, rendered at a fixed width so that the file does not depend on
the terminal. Run ``python3 -m qresource.cli_reference`` after changing any option;
``tests/test_userfacing_docs.py`` fails while the committed file is out of date.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

WIDTH = 100
DEFAULT_PATH = Path(__file__).resolve().parent.parent / "docs" / "cli-reference.md"

HEADER = """# Command-line reference

Generated from the command line itself by `python3 -m qresource.cli_reference`; do not edit by
hand. Every command also answers `--help`. A command marked "not built yet" refuses, in one
line and with exit status 2, to print numbers for a primitive that does not exist.

Conventions shared by every command: bad input gets one line on stderr starting
`qresource: error:` and a non-zero exit status (1 for bad input, 2 for usage errors and
commands not built, 3 for work refused by the memory guard, 70 for an internal error, which is
a bug); files are written atomically; `--json` prints one JSON object with the keys listed in
`guide.md`.
"""


def _walk(command: click.Command, context: click.Context):
    yield command, context
    if isinstance(command, click.Group):
        for name in sorted(command.commands):
            child = command.commands[name]
            yield from _walk(child, click.Context(child, info_name=name, parent=context,
                                                  terminal_width=WIDTH, max_content_width=WIDTH))


def render() -> str:
    """The whole reference as Markdown."""
    from qresource.cli import cli  # importing the package registers every subcommand

    root = click.Context(cli, info_name="qresource", terminal_width=WIDTH, max_content_width=WIDTH)
    entries = list(_walk(cli, root))
    lines = [HEADER, "## Contents\n"]
    for command, context in entries:
        path = context.command_path
        anchor = path.replace(" ", "-")
        indent = "  " * (path.count(" "))
        summary = command.get_short_help_str(limit=80)
        lines.append(f"{indent}- [`{path}`](#{anchor}) — {summary}")
    lines.append("")
    for command, context in entries:
        path = context.command_path
        lines.append(f"## {path}\n")
        lines.append("```text")
        lines.append(command.get_help(context).rstrip())
        lines.append("```\n")
    return "\n".join(lines).rstrip() + "\n"


def write(path: Path = DEFAULT_PATH) -> Path:
    from qresource.io import atomic_write_text

    return atomic_write_text(path, render())


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_PATH
    print(write(target))
