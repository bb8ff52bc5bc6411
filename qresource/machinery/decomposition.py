"""What flattening and depth counting share: one memoised decomposition step, the kind of each
bookkeeping bloq, register widths, and a bounded memo keyed by bloqs (some bloqs, e.g. ones
holding numpy arrays, are unhashable and go uncached)."""

from __future__ import annotations

import enum
import math
from typing import Any, Callable, Generic, Hashable, Optional, TypeVar

from qualtran import Bloq, CompositeBloq
from qualtran.bloqs.basic_gates import ZeroEffect, ZeroState
from qualtran.bloqs.bookkeeping import Allocate, Cast, Free, Join, Split
from qualtran.bloqs.bookkeeping.partition import _PartitionBase  # Partition, Split2, Join2

from qresource.core.errors import QResourceError

Value = TypeVar("Value")

_MISSING = object()


def register_width(reg) -> int:
    """Qubits of a Qualtran register: bit size times the product of its shape."""
    return int(reg.bitsize) * int(math.prod(int(s) for s in reg.shape))


class BoundedMemo(Generic[Value]):
    """A dict cleared whole when it passes ``limit`` entries, so memory stays bounded during a
    long sweep; unhashable keys are neither stored nor found."""

    def __init__(self, limit: int):
        self.limit = limit
        self._store: dict[Hashable, Value] = {}

    def get(self, key: Any) -> Optional[Value]:
        try:
            return self._store.get(key)
        except TypeError:
            return None

    def put(self, key: Any, value: Value) -> None:
        try:
            if len(self._store) >= self.limit:
                self._store.clear()
            self._store[key] = value
        except TypeError:
            pass

    def get_or_compute(self, key: Any, compute: Callable[[], Value]) -> Value:
        """The value kept for ``key`` (None included), else ``compute()``, kept and returned."""
        try:
            found = self._store.get(key, _MISSING)
        except TypeError:
            return compute()
        if found is _MISSING:
            found = compute()
            self.put(key, found)
        return found


class Bookkeeping(enum.Enum):
    """Bookkeeping bloqs move no data: they relabel wires, or open or close them."""

    RELABEL = "relabel"  # Split, Join, Partition, Cast
    ALLOCATE = "allocate"  # Allocate, ZeroState
    FREE = "free"  # Free, ZeroEffect


_DECOMPOSITIONS: BoundedMemo = BoundedMemo(limit=20000)


def decompose_once(bloq: Bloq):
    """``bloq.decompose_bloq()``, memoised; a bloq without a decomposition is a one-line error."""
    if isinstance(bloq, CompositeBloq):
        return bloq
    return _DECOMPOSITIONS.get_or_compute(bloq, lambda: _decompose(bloq))


def _decompose(bloq: Bloq):
    try:
        return bloq.decompose_bloq()
    except Exception as exc:  # Qualtran raises several types for atomic or symbolic bloqs
        raise QResourceError(
            f"cannot flatten {bloq}: it has no decomposition and no lowering "
            f"({exc.__class__.__name__})"
        ) from None


def _is_relabelling(bloq: Bloq) -> bool:
    return isinstance(bloq, (Split, Join, _PartitionBase, Cast))


def bookkeeping_kind(bloq: Bloq) -> Optional[Bookkeeping]:
    """What a bookkeeping bloq does to wires, or None for any other bloq."""
    if _is_relabelling(bloq):
        return Bookkeeping.RELABEL
    if isinstance(bloq, (Allocate, ZeroState)):
        return Bookkeeping.ALLOCATE
    if isinstance(bloq, (Free, ZeroEffect)):
        return Bookkeeping.FREE
    return None
