"""Small shared pieces of flattening and depth counting: register widths and a bounded memo
keyed by bloqs (some bloqs, e.g. ones holding numpy arrays, are unhashable and go uncached)."""

from __future__ import annotations

import math
from typing import Any, Generic, Hashable, Optional, TypeVar

Value = TypeVar("Value")


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
