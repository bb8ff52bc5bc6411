"""Guards that refuse work too large for this machine before it starts.

A request that would exhaust memory should fail at once with one line that names the size it
needs and the option that lifts the limit, instead of swapping for minutes and being killed.
The limit is, in order of precedence: an explicit ``limit_bytes`` (a command-line option), the
environment variable ``QRESOURCE_MAX_MEMORY``, or half of the memory the operating system
reports as available.
"""

from __future__ import annotations

import os
import re

from qresource.core.errors import QResourceError, ResourceLimitError

MEMORY_ENV = "QRESOURCE_MAX_MEMORY"

_UNITS = {"": 1, "b": 1, "k": 2**10, "m": 2**20, "g": 2**30, "t": 2**40, "p": 2**50}
_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([kmgtp]?)(?:i?b)?\s*$", re.IGNORECASE)


def parse_size(text: str) -> int:
    """``"512M"``, ``"8GiB"``, ``"1.5g"`` or a plain number of bytes, as an exact int."""
    match = _SIZE.match(str(text))
    if not match:
        raise QResourceError(f"{text!r} is not a memory size (examples: 512M, 8GiB, 1000000)")
    number, unit = match.groups()
    value = int(float(number) * _UNITS[unit.lower()])
    if value <= 0:
        raise QResourceError(f"memory size must be positive, got {text!r}")
    return value


def format_size(n_bytes: int) -> str:
    """Bytes in binary units with three significant digits, e.g. ``'1.50 GiB'``."""
    value = float(n_bytes)
    for unit in ("B", "KiB", "MiB", "GiB", "TiB", "PiB"):
        if value < 1024 or unit == "PiB":
            return f"{int(value)} B" if unit == "B" else f"{value:.3g} {unit}"
        value /= 1024
    raise AssertionError("unreachable")


def available_memory_bytes() -> int:
    """Memory the kernel reports as available (MemAvailable), or physical memory as a fallback."""
    try:
        with open("/proc/meminfo", encoding="ascii") as handle:
            for line in handle:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_AVPHYS_PAGES")
    except (ValueError, OSError, AttributeError):  # pragma: no cover - non-POSIX
        return 8 * 2**30


def memory_limit_bytes(limit_bytes: int | None = None) -> int:
    """The limit in force: the explicit one, else ``QRESOURCE_MAX_MEMORY``, else half of what
    is available (the other half stays for the interpreter, libraries and other processes)."""
    if limit_bytes is not None:
        return int(limit_bytes)
    from_env = os.environ.get(MEMORY_ENV)
    if from_env:
        return parse_size(from_env)
    return available_memory_bytes() // 2


def require_memory(needed_bytes: int, what: str, option: str, limit_bytes: int | None = None) -> None:
    """Raise ``ResourceLimitError`` when ``what`` needs more than the limit in force.

    ``option`` is the command-line option that raises the limit (``--max-memory``); the message
    also names the environment variable, which works for every command.
    """
    limit = memory_limit_bytes(limit_bytes)
    if needed_bytes > limit:
        raise ResourceLimitError(
            f"{what} needs about {format_size(needed_bytes)} of memory, over the limit of "
            f"{format_size(limit)}; raise it with {option} SIZE or {MEMORY_ENV}=SIZE if this "
            f"machine really has the memory"
        )


#: Memory per gate of a flattened circuit on its way to a file, measured with Qiskit 2.6: about
#: 60 bytes per instruction in the circuit, 35 while its OpenQASM text is built, and the
#: flattener's own per-leaf records; 300 bytes covers the three with room to spare.
BYTES_PER_GATE = 300


def require_circuit_memory(
    n_gates: int, what: str, option: str = "--max-memory", limit_bytes: int | None = None
) -> None:
    """Refuse to flatten or export a circuit of ``n_gates`` gates (known beforehand from the
    call-graph counts: t + clifford + rotations + measurements) that would not fit in memory."""
    require_memory(int(n_gates) * BYTES_PER_GATE, f"{what} ({int(n_gates):,} gates)", option, limit_bytes)
