"""``qresource estimate|export|validate qram``."""

from qresource.cli.app import estimate, export, not_built, validate

not_built(estimate, "qram", "data loading (bucket-brigade QRAM, QROM, QROAM)")
not_built(export, "qram", "data loading (bucket-brigade QRAM, QROM, QROAM)")
not_built(validate, "qram", "data loading (bucket-brigade QRAM, QROM, QROAM)")
