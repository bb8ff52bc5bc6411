"""Write ``docs/cli-reference.md`` from the command line itself, and refresh the worked
examples of ``docs/guide.md`` with the real output of their commands.

Every group and command registered on :data:`qresource.cli.app.cli` gets a section with the
help text click prints for it, rendered at a fixed width so that the file does not depend on
the terminal. Run ``python3 -m qresource.cli_reference`` after changing any option;
``tests/test_userfacing_docs.py`` fails while the committed file is out of date.

``python3 -m qresource.cli_reference --guide`` reruns every example of the guide: a line
``<!-- run: qresource ARGS -->`` (optionally ``<!-- run lines=N: ... -->`` to keep the first N
lines) is followed by a ``text`` code block that is replaced by what the command prints, run
in a scratch folder holding a copy of ``circuits/``.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import click

from qresource.cli import cli  # importing the package registers every subcommand
from qresource.core.io import atomic_write_text

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


def _context(command: click.Command, name: str, parent: click.Context | None) -> click.Context:
    # The command's own context settings (its help option names, -h and --help) as the command
    # line applies them; click caches the help option per command, so a context built without
    # them would change what every later --help prints.
    settings = {**command.context_settings, "terminal_width": WIDTH, "max_content_width": WIDTH}
    return click.Context(command, info_name=name, parent=parent, **settings)


def _walk(command: click.Command, context: click.Context):
    yield command, context
    if isinstance(command, click.Group):
        for name in sorted(command.commands):
            child = command.commands[name]
            yield from _walk(child, _context(child, name, context))


def render() -> str:
    """The whole reference as Markdown."""

    cli.load_all()
    root = _context(cli, "qresource", None)
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

    return atomic_write_text(path, render())


GUIDE_PATH = DEFAULT_PATH.parent / "guide.md"
_RUN = re.compile(r"<!-- run(?: lines=(\d+))?: (qresource[^>]*?) -->\n```text\n(?:(?!```).)*```", re.DOTALL)


def _run_example(argv: list[str], keep_lines: int | None) -> str:
    from click.testing import CliRunner

    result = CliRunner(env={"COLUMNS": str(WIDTH), "QRESOURCE_DEBUG": None}).invoke(cli, argv)
    text = result.output  # standard output and error as a terminal shows them (export reports on stderr)
    if result.exit_code != 0:
        message = " ".join(str(result.exception or result.stderr).split())
        text += f"qresource: error: {message}\n"
    lines = text.rstrip().splitlines()
    if keep_lines is not None and len(lines) > keep_lines:
        lines = lines[:keep_lines] + ["..."]
    return "\n".join(line.rstrip() for line in lines)


def refresh_guide(path: Path = GUIDE_PATH) -> Path:
    """Rerun every ``<!-- run: ... -->`` example of the guide and write its output below it."""
    import os
    import shlex
    import shutil
    import tempfile

    text = Path(path).read_text(encoding="utf-8")
    here = os.getcwd()
    with tempfile.TemporaryDirectory() as scratch:
        shutil.copytree(DEFAULT_PATH.parent.parent / "circuits", Path(scratch) / "circuits")
        os.chdir(scratch)
        try:
            def replace(match: re.Match) -> str:
                keep = int(match.group(1)) if match.group(1) else None
                command = match.group(2).strip()
                output = _run_example(shlex.split(command)[1:], keep)
                head = f"<!-- run lines={keep}: {command} -->" if keep else f"<!-- run: {command} -->"
                return f"{head}\n```text\n$ {command}\n{output}\n```"

            text = _RUN.sub(replace, text)
        finally:
            os.chdir(here)
    return atomic_write_text(path, text)


if __name__ == "__main__":
    if "--guide" in sys.argv[1:]:
        print(refresh_guide())
    else:
        target = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_PATH
        print(write(target))
