"""Errors that reach a user as one line on stderr and a non-zero exit status."""


class QResourceError(Exception):
    """Bad input or an impossible request; the message is shown to the user as one line."""

    exit_code = 1


class NotBuiltError(QResourceError):
    """A subcommand whose primitive does not exist yet: says so instead of printing numbers."""

    exit_code = 2


class UsageError(QResourceError):
    """Options that do not go together (the command line's usage is wrong): exit status 2, as for
    every usage error."""

    exit_code = 2


class ResourceLimitError(QResourceError):
    """A simulation or export that would need more memory or time than the guard allows."""

    exit_code = 3


class InvalidParameterError(QResourceError, ValueError):
    """A parameter outside a primitive's domain. A ValueError to library callers, a one-line
    error to CLI users."""
