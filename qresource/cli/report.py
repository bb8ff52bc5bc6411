"""``qresource table`` and ``qresource report``."""

from qresource.cli.app import cli, not_built

not_built(cli, "table", "resource tables over parameter grids")
not_built(cli, "report", "the default report")
