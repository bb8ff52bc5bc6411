"""``qresource count FILE.qasm``."""

from qresource.cli.app import cli, not_built

not_built(cli, "count", "counting foreign OpenQASM circuits")
