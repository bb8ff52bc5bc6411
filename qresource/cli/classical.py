"""``qresource estimate classical``."""

from qresource.cli.app import estimate, not_built

not_built(estimate, "classical", "the classical attention cost models")
