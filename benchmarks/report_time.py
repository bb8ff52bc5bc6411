"""``qresource report`` (the embedded defaults), whole process, against its 60 s anchor.

Prints the wall time and the CPU time (user + sys of the command and its worker processes) of
the report on 1 worker and on the machine's cores (``--workers``), each with its ratio to 60 s,
and checks that both runs wrote the same bytes. On a shared machine the CPU time is the steadier
figure.

    python benchmarks/report_time.py [--workers N ...]
"""

from __future__ import annotations

import argparse
import filecmp
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ANCHOR_S = 60.0


def timed_report(output_dir: Path, workers: int) -> tuple[float, float]:
    """(wall seconds, CPU seconds) of ``qresource report --workers N``; it must succeed."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "qresource", "report", "--output-dir", str(output_dir),
                    "--workers", str(workers)], check=True, stdout=subprocess.DEVNULL)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, nargs="+", default=sorted({1, os.cpu_count() or 1}))
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as scratch:
        outputs = []
        for workers in args.workers:
            out = Path(scratch) / f"workers-{workers}"
            wall, cpu = timed_report(out, workers)
            outputs.append(out)
            print(f"{f'qresource report --workers {workers}':<36} {wall:8.2f} s wall {cpu:8.2f} s cpu   "
                  f"ratio {wall / ANCHOR_S:5.2f} wall {cpu / ANCHOR_S:5.2f} cpu   target <= 1 ({ANCHOR_S:g} s wall)",
                  flush=True)
        names = sorted(p.name for p in outputs[0].iterdir())
        _, differ, missing = filecmp.cmpfiles(outputs[0], outputs[-1], names, shallow=False)
        same = not differ and not missing and names == sorted(p.name for p in outputs[-1].iterdir())
        print(f"same bytes on {args.workers[0]} and {args.workers[-1]} workers: {same}"
              + ("" if same else f" (differ: {', '.join(differ + missing)})"))
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
