"""``qresource estimate|export|validate qlaci``."""

from qresource.cli.app import estimate, export, not_built, validate

not_built(estimate, "qlaci", "the QLACI attention primitive")
not_built(export, "qlaci", "the QLACI attention primitive")
not_built(validate, "qlaci", "the QLACI attention primitive")
