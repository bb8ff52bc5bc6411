"""The ``qresource`` command line: a thin layer over the Python API.

Every failure a user can cause ends as one line on stderr and a non-zero exit status; a
traceback is shown only when QRESOURCE_DEBUG is set.
"""

from __future__ import annotations

import os
import sys

import click

from qresource.cli.app import cli
from qresource.core.errors import QResourceError


def _fail(message: str, code: int) -> "NoReturn":  # noqa: F821
    first_line = " ".join(str(message).split()) or "failed"
    click.echo(f"qresource: error: {first_line}", err=True)
    sys.exit(code)


def _silence_stdout() -> None:
    """Point standard output at /dev/null so that the interpreter's last flush cannot fail."""
    try:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    except (OSError, ValueError):  # no file descriptor (captured output): nothing to flush
        pass


def main(argv: list[str] | None = None) -> None:
    debug = bool(os.environ.get("QRESOURCE_DEBUG"))
    try:
        code = cli.main(args=argv, prog_name="qresource", standalone_mode=False)
        sys.stdout.flush()  # a closed pipe shows here, not at interpreter exit
    except click.exceptions.NoArgsIsHelpError as exc:
        click.echo(exc.ctx.get_help() if exc.ctx else str(exc))
        sys.exit(0)
    except click.UsageError as exc:
        command = exc.ctx.command_path if exc.ctx else "qresource"
        _fail(f"{command}: {exc.format_message()}", 2)
    except click.exceptions.Abort:
        _fail("aborted", 130)
    except click.ClickException as exc:
        _fail(exc.format_message(), exc.exit_code or 1)
    except QResourceError as exc:
        if debug:
            raise
        _fail(str(exc), exc.exit_code)
    except MemoryError:
        if debug:
            raise
        _fail("out of memory: try a smaller instance", 3)
    except KeyboardInterrupt:
        _fail("interrupted", 130)
    except BrokenPipeError:  # the reader closed the pipe (`| head`): not an error
        _silence_stdout()
        sys.exit(0)
    except SystemExit:
        # click answers a closed pipe by wrapping stdout and exiting 1; a closed pipe is not an error
        if type(sys.stdout).__name__.endswith("PacifyFlushWrapper"):
            _silence_stdout()
            sys.exit(0)
        raise
    except Exception as exc:  # a bug: still one line, with a way to see the traceback
        if debug:
            raise
        _fail(f"internal error ({exc.__class__.__name__}: {exc}); set QRESOURCE_DEBUG=1 for a traceback", 70)
    sys.exit(code if isinstance(code, int) else 0)
