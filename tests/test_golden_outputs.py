"""Every number the CLI prints for a fixed list of calls stays as it was: a change that moves
one fails here, and is regenerated on purpose (``python3 -m tests.golden.regenerate NAME``)."""

from __future__ import annotations

import pytest

from tests.golden.cases import CASES
from tests.golden.run import EXPECTED, ROOT, run_case


@pytest.mark.parametrize("name", sorted(CASES))
def test_output_is_unchanged(name, tmp_path, monkeypatch):
    monkeypatch.chdir(ROOT)
    expected = (EXPECTED / f"{name}.txt").read_text()
    assert run_case(name, tmp_path) == expected
