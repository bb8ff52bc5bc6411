"""``qresource estimate|export|validate grover`` and ``qresource estimate attention``."""

from qresource.cli.app import estimate, export, not_built, validate

not_built(estimate, "grover", "the find-all-k Grover search")
not_built(estimate, "attention", "whole Grover sparse attention")
not_built(export, "grover", "the find-all-k Grover search")
not_built(validate, "grover", "the find-all-k Grover search")
