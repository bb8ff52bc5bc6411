"""The names of the data loaders, importable without Qualtran (the CLI offers them as choices
before any bloq is built)."""

LOADER_KINDS = ("bucket-brigade", "qrom", "qroam")
