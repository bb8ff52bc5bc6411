"""The data loader behind the QLACI feature map: the shared loader interface
(``qresource.loaders.table_loader.make_loader``), with its errors turned into one-line user errors."""

from __future__ import annotations

from qualtran import Bloq

from qresource.core.errors import QResourceError
from qresource.loaders.kinds import LoaderKind
from qresource.loaders.table_loader import make_loader


def feature_loader(kind: str, n: int, bits: int, data=None) -> Bloq:
    """A loader with registers ``address`` (ceil(log2 n) bits) and ``target`` (``bits``)."""

    try:
        return make_loader(LoaderKind.parse(kind), n, bits, None if data is None else list(data))
    except ValueError as exc:
        raise QResourceError(f"qlaci: cannot build the {kind} loader: {exc}") from None
