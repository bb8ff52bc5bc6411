"""Tables over the compiled closed forms: whole processes, timed against their anchors.

- a 4-point and a 10,000-point logical ``qresource table`` (n = 2^10..2^34, 8 values of k,
  5 of d, 10 of bits, every loader): target, the large one within 3x the small one;
- a 1,000,000-point logical table (the same primitive over a wider grid) on 1 worker and on the
  machine's cores (its oracle row sides on the workers): target, 10 s on 2 cores;
- ``qresource estimate attention --n 2**30 --json`` for each loader, depth included, against
  ``python -c "import qualtran"``: target, within 3x.

Each line gives the wall time and the CPU time of the child process (on a shared machine the
CPU time is the steadier figure; the ratios are printed for both).

- a 10,000-point ``table --physical`` (the query model: n = 2^10..2^34, 8 values of k, 50 of d;
  10,000 distinct units) on 1 and 2 local workers: target, 2 workers within 0.6x of 1. The
  workers are forked by a fork server the command does not wait for, so their CPU time is not
  in the CPU column: compare the wall times.

    python benchmarks/closed_form_tables.py [--skip-million] [--physical-only]
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import tempfile
import time

LOADERS = ["qrom", "qroam", "bucket-brigade", "fanout"]


def timed(argv: list[str]) -> tuple[float, float]:
    """(wall seconds, CPU seconds) of one child process; it must succeed."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(argv, check=True, stdout=subprocess.DEVNULL)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def table(args: list[str], output: str) -> list[str]:
    return [sys.executable, "-m", "qresource", "table", *args, "--primitive", "attention-circuit",
            "--format", "csv", "--output", output]


def line(name: str, measured: tuple[float, float], anchor: tuple[float, float] | None, target: str) -> None:
    wall, cpu = measured
    text = f"{name:<48} {wall:8.2f} s wall {cpu:8.2f} s cpu"
    if anchor is not None:
        text += f"   ratio {wall / anchor[0]:5.2f} wall {cpu / anchor[1]:5.2f} cpu"
    print(f"{text}   target {target}", flush=True)


def logical(argv: list[str], out: str) -> None:
    qualtran = timed([sys.executable, "-c", "import qualtran"])
    line('python -c "import qualtran"', qualtran, None, "(anchor)")
    for loader in LOADERS:
        estimate = timed([sys.executable, "-m", "qresource", "estimate", "attention", "--n", "2**30", "--k", "32",
                          "--d", "128", "--loader", loader, "--json"])
        line(f"estimate attention --n 2**30 ({loader})", estimate, qualtran, "<= 3x import qualtran")
    small = timed(table(["--n", "1024,4096", "--k", "8,32", "--d", "64", "--bits", "8", "--loader", "qrom"], out))
    line("table, 4 points", small, None, "(anchor)")
    grid = ["--n", "2**10..2**34", "--k", "1,2,4,8,16,32,64,128", "--d", "16,32,64,128,256",
            "--bits", "3,4,5,6,7,8,9,10,11,12", "--loader", ",".join(LOADERS)]
    large = timed(table(grid, out))
    line(f"table, 10,000 points x {len(LOADERS)} loaders", large, small, "<= 3x the 4-point table")
    if "--skip-million" not in argv:
        # 25 n x 40 k x 10 d x 10 bits x 3 loaders x 34 hardware presets' worth of rows is
        # more than a table prints; this grid is 1,000,000 (n, k, d, bits) points over the
        # compiled forms: 25 n x 160 k x 25 d x 10 bits
        ks = ",".join(str(k) for k in range(1, 161))
        ds = ",".join(str(d) for d in range(8, 208, 8))
        million = ["--n", "2**10..2**34", "--k", ks, "--d", ds, "--bits", "3,4,5,6,7,8,9,10,11,12", "--loader", "qrom"]
        # its 250 (d, bits) pairs' oracle row sides go to the workers (--workers, default the cores)
        alone = timed(table([*million, "--workers", "1"], out))
        line("table, 1,000,000 points (qrom), 1 worker", alone, None, "(anchor)")
        cores = os.cpu_count() or 1
        line(f"table, 1,000,000 points (qrom), {cores} workers", timed(table(million, out)), alone, "<= 10 s")


def main(argv: list[str]) -> int:
    with tempfile.TemporaryDirectory() as scratch:
        out = os.path.join(scratch, "table.csv")
        if "--physical-only" not in argv:
            logical(argv, out)
        # the query model's units: its logical counts are cheap, so the estimates are what the
        # workers share (the full circuit's logical table is the larger part of its time)
        ds = ",".join(str(d) for d in range(8, 408, 8))
        physical = ["--n", "2**10..2**34", "--k", "1,2,4,8,16,32,64,128", "--d", ds, "--physical"]

        def query_table(workers: int) -> list[str]:
            return [sys.executable, "-m", "qresource", "table", *physical, "--primitive", "attention-query",
                    "--format", "csv", "--output", out, "--workers", str(workers)]

        one = timed(query_table(1))
        line("table --physical, 10,000 units, 1 worker", one, None, "(anchor)")
        line("table --physical, 10,000 units, 2 workers", timed(query_table(2)), one, "<= 0.6x 1 worker")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
