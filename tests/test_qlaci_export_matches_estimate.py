"""The T count of the exported QLACI shot equals the estimate's when the estimate is asked for
the same angles (``seed``)."""

from __future__ import annotations

import re

from qresource.qlaci.estimate import estimate_qlaci
from qresource.qlaci.params import QlaciParams
from qresource.qlaci.run import export_qlaci

SMALL = QlaciParams(n=4, dq=2, kv=1, out=1)


def _t_gates_in(text: str) -> int:
    # An independent scan of the written file: every T and T-dagger gate application.
    return len(re.findall(r"^\s*(?:t|tdg)\s+[^;]*;", text, flags=re.MULTILINE))


def test_exported_t_count_equals_seeded_estimate(tmp_path):
    for version in (2, 3):
        path = tmp_path / f"shot.qasm{version}"
        export_qlaci(SMALL, seed=3, version=version, output=str(path))
        written = _t_gates_in(path.read_text())
        assert written == estimate_qlaci(SMALL, seed=3).logical.t
        assert written > 0

