"""Rewrites the expected outputs of every golden case: ``python3 -m tests.golden.regenerate [NAME ...]``.

Run it from the repository root only when a change is meant to move a number."""

from __future__ import annotations

import os
import pathlib
import sys
import tempfile

from tests.golden.cases import CASES
from tests.golden.run import EXPECTED, ROOT, run_case

if __name__ == "__main__":
    os.chdir(ROOT)
    EXPECTED.mkdir(exist_ok=True)
    names = sys.argv[1:] or list(CASES)
    with tempfile.TemporaryDirectory() as work:
        for name in names:
            (EXPECTED / f"{name}.txt").write_text(run_case(name, pathlib.Path(work)))
            print(name)
