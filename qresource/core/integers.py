"""Integer helpers shared by every domain."""

from __future__ import annotations


def address_width(n: int) -> int:
    """Qubits of a register that addresses ``n`` items: ceil(log2 n), at least 1.

    Exact for any Python integer (no float log), so it holds at n = 2^40 and beyond."""
    n = int(n)
    if n < 1:
        raise ValueError(f"an address register needs at least one item, got {n}")
    return max(1, (n - 1).bit_length())
