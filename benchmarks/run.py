"""Run the benchmarks: each script prints its measurements side by side with its anchors, as
ratios.

Usage: python3 benchmarks/run.py [NAME ...]   (names without .py; default: all of them)

Some scripts also refresh the generated tables in docs/ they own (loaders_anchors,
grover_table, classical_bounds); run them from a clean checkout and review the diff.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main(argv: list[str]) -> int:
    available = sorted(p.stem for p in HERE.glob("*.py") if p.stem != "run")
    chosen = argv or available
    unknown = [name for name in chosen if name not in available]
    if unknown:
        print(f"run.py: unknown benchmark {unknown[0]!r}; choose from {', '.join(available)}", file=sys.stderr)
        return 2
    failures = []
    for name in chosen:
        print(f"\n=== {name} ===", flush=True)
        start = time.perf_counter()
        status = subprocess.call([sys.executable, str(HERE / f"{name}.py")], cwd=HERE.parent)
        print(f"--- {name}: exit {status}, {time.perf_counter() - start:.1f} s wall", flush=True)
        if status:
            failures.append(name)
    if failures:
        print(f"\nfailed: {', '.join(failures)}", file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
