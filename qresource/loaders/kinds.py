"""The kinds of data loader, importable without Qualtran (the CLI offers them as choices before
any bloq is built)."""

from __future__ import annotations

import enum

from qresource.core.errors import InvalidParameterError


class LoaderKind(enum.StrEnum):
    """How word j of a classical table is loaded into a register (docs/loaders.md)."""

    FANOUT = "fanout"
    BUCKET_BRIGADE = "bucket-brigade"
    QROM = "qrom"
    QROAM = "qroam"

    @classmethod
    def parse(cls, value: str | LoaderKind) -> LoaderKind:
        """The kind named ``value``; an unknown name is one error line listing the known ones."""
        try:
            return cls(value)
        except ValueError:
            raise InvalidParameterError(
                f"unknown loader {value!r}: choose one of {', '.join(LOADER_KINDS)}") from None


LOADER_KINDS = tuple(kind.value for kind in LoaderKind)
