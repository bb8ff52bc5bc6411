"""The oracle's instance file, read and checked: apart from :mod:`qresource.oracle.api` so that
the commands that read an instance (Grover search's, say) import no simulator."""

from __future__ import annotations

import math
from typing import Any

from qresource.core.errors import QResourceError
from qresource.core.io import read_json_file


def read_instance(path) -> dict[str, Any]:
    """An instance file {"q": [d numbers], "K": [[d numbers] x n], "tau": number, "bits": int},
    optionally with "eta"; every problem is one QResourceError line."""

    return check_instance(read_json_file(path), source=str(path))


def check_instance(data: Any, source: str = "instance") -> dict[str, Any]:
    if not isinstance(data, dict):
        raise QResourceError(f"{source}: expected a JSON object with keys q, K, tau, bits")
    missing = [key for key in ("q", "K", "tau") if key not in data]
    if missing:
        raise QResourceError(f"{source}: missing key(s) {', '.join(missing)}")
    unknown = sorted(set(data) - {"q", "K", "tau", "bits", "eta"})
    if unknown:
        raise QResourceError(f"{source}: unknown key(s) {', '.join(unknown)}")
    q, keys = data["q"], data["K"]
    if not isinstance(q, list) or not q:
        raise QResourceError(f"{source}: q must be a non-empty list of d numbers")
    if not isinstance(keys, list) or len(keys) < 2 or not all(isinstance(r, list) for r in keys):
        raise QResourceError(f"{source}: K must be a list of at least 2 rows (lists of d numbers)")
    bad_row = next((i for i, row in enumerate(keys) if len(row) != len(q)), None)
    if bad_row is not None:
        raise QResourceError(f"{source}: K row {bad_row} has {len(keys[bad_row])} numbers, q has {len(q)}")
    for name, values in (("q", q), ("K", [v for row in keys for v in row]), ("tau", [data["tau"]])):
        bad = next((v for v in values if isinstance(v, bool) or not isinstance(v, (int, float))), None)
        if bad is not None:
            raise QResourceError(f"{source}: {name} holds {bad!r}, not a number")
        if any(isinstance(v, float) and not math.isfinite(v) for v in values):
            raise QResourceError(f"{source}: {name} holds a non-finite number")
    bits = data.get("bits")
    if bits is not None and (isinstance(bits, bool) or not isinstance(bits, int) or not 1 <= bits <= 48):
        raise QResourceError(f"{source}: bits must be an integer in [1, 48], got {bits!r}")
    eta = data.get("eta")
    if eta is not None and (isinstance(eta, bool) or not isinstance(eta, (int, float)) or eta < 0):
        raise QResourceError(f"{source}: eta must be a non-negative number, got {eta!r}")
    return {"q": q, "K": keys, "tau": data["tau"], "bits": bits, "eta": eta}
