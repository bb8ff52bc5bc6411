"""``qresource estimate|export|validate oracle``."""

from qresource.cli.app import estimate, export, not_built, validate

not_built(estimate, "oracle", "the inner-product threshold oracle")
not_built(export, "oracle", "the inner-product threshold oracle")
not_built(validate, "oracle", "the inner-product threshold oracle")
