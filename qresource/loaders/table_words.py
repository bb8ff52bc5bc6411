"""The classical table every loader reads: its words as an immutable tuple, and the word an
address selects (0 past the table's end, where the padded leaves hold 0)."""

from __future__ import annotations

from typing import Optional, Sequence


def data_tuple(data: Optional[Sequence[int]]) -> Optional[tuple[int, ...]]:
    """``data`` as a tuple of Python ints (attrs converter), or None for a table given by shape."""
    if data is None:
        return None
    return tuple(int(x) for x in data)


def loaded_word(loader, address: int) -> int:
    """The word ``loader`` XORs into its target at ``address``: ``data[address]``, or 0 for an
    address at or past ``n_words``."""
    if address >= loader.n_words:
        return 0
    if loader.data is None:
        raise ValueError(f"{loader} has no data to load")
    return loader.data[int(address)]
