"""Exhaustive oracle validation at scale: every index of a random instance simulated through the
compiled bit-sliced simulator, per loader, n, d and execution (1 or 2 local workers, or a Dask
cluster of two local workers).

Anchors (the product's targets for ``qresource validate oracle``):

- n = 16,384 (QROM, d = 4, bits = 4), every index, in at most 60 s on one core with peak memory
  under 2 GB;
- n = 65,536 (QROM, d = 4) on a Dask cluster of two local workers.
- Before the compiled simulator: n = 4,096 (QROM, d = 4) took 27 s (17 s simulating) with a
  634 MB peak, and n = 16,384 was refused.

Each case runs in a fresh process (``--case``), so its peak memory (``ru_maxrss`` of the process,
and of its largest worker process) and times are its own. Prints wall-clock and CPU seconds for
the stages (lowering: flatten + compile; simulate: the compiled program on every index; count:
the flattened circuit's counts), the simulator's cost per operation per 64-input word (CPU time
when it runs in this process, wall-clock time across workers), and the
ratios of time and memory to the anchors. On a shared machine the CPU time is the steadier
figure; the load average at the start of each case is printed.

    python benchmarks/oracle_validation_scale.py                    # the anchor cases
    python benchmarks/oracle_validation_scale.py --n 4096,16384,65536 --d 4,64 \\
        --loaders qrom,qroam,bucket-brigade --workers 1,2          # the whole grid
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time

ANCHOR_SECONDS = 60.0
ANCHOR_BYTES = 2 * 10**9
BEFORE = {"n": 4096, "seconds": 27.0, "simulate_seconds": 17.0, "peak_mb": 634}


def run_case(n: int, d: int, loader: str, execution: str) -> dict:
    """One validation in this process; ``execution`` is a worker count or ``dask``."""
    from qresource.oracle import api

    data = api.random_instance(1, n=n, d=d, bits=4)
    cluster = None
    options: dict = {}
    if execution == "dask":
        import distributed

        cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                           host="127.0.0.1", dashboard_address=None, silence_logs=50)
        options["scheduler"] = cluster.scheduler_address
    else:
        options["workers"] = int(execution)
    load = os.getloadavg()[0]
    wall, cpu = time.perf_counter(), time.process_time()
    try:
        result = api.validate_oracle(data, loader=loader, **options)
    finally:
        if cluster is not None:
            cluster.close()
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    simulator = result["simulator"]
    words = result["indices_simulated"] / 64
    return {
        "n": n, "d": d, "loader": loader, "execution": execution, "passed": result["passed"],
        "load": round(load, 1), "wall_s": round(wall, 2), "cpu_s": round(cpu + children.ru_utime, 2),
        "lowering_s": simulator["lowering_seconds"], "simulate_s": result["simulation_seconds"],
        "count_s": simulator["counting_seconds"], "operations": simulator["operations"],
        "slots": simulator["slots"],
        # CPU time of the compiled loop when it runs in this process, else wall-clock time.
        "ns_per_op_word": round((simulator.get("simulation_cpu_seconds") if execution == "1" else
                                 result["simulation_seconds"]) / simulator["operations"] / words * 1e9, 2),
        "peak_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "worker_peak_mb": round(children.ru_maxrss / 1024) if execution != "1" else None,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", default="4096,16384")
    parser.add_argument("--d", default="4")
    parser.add_argument("--loaders", default="qrom")
    parser.add_argument("--workers", default="1,2", help="comma list of worker counts and/or 'dask'")
    parser.add_argument("--dask-n", default="65536", help="n values run on a two-worker Dask cluster too")
    parser.add_argument("--case", nargs=4, metavar=("N", "D", "LOADER", "EXECUTION"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.case:
        n, d, loader, execution = args.case
        print(json.dumps(run_case(int(n), int(d), loader, execution)))
        return 0

    cases = [(n, d, loader, execution)
             for loader in args.loaders.split(",") for d in args.d.split(",")
             for n in args.n.split(",") if n for execution in args.workers.split(",")]
    cases += [(n, d, loader, "dask") for loader in args.loaders.split(",") for d in args.d.split(",")
              for n in args.dask_n.split(",") if n]
    header = ("loader", "n", "d", "exec", "pass", "load", "wall_s", "cpu_s", "lower_s", "sim_s", "count_s",
              "ops", "ns/op/word", "peak_MB", "worker_MB", "wall/60s", "cpu/60s", "peak/2GB")
    print(" | ".join(header))
    failed = 0
    for n, d, loader, execution in cases:
        process = subprocess.run([sys.executable, __file__, "--case", n, d, loader, execution],
                                 capture_output=True, text=True)
        if process.returncode:
            failed += 1
            message = (process.stderr.strip().splitlines() or ["no output"])[-1]
            print(f"{loader} | {n} | {d} | {execution} | error: {message}")
            continue
        row = json.loads(process.stdout.strip().splitlines()[-1])
        print(" | ".join(str(v) for v in (
            loader, n, d, execution, row["passed"], row["load"], row["wall_s"], row["cpu_s"],
            row["lowering_s"], row["simulate_s"], row["count_s"], row["operations"], row["ns_per_op_word"],
            row["peak_mb"], row["worker_peak_mb"],
            f"{row['wall_s'] / ANCHOR_SECONDS:.2f}", f"{row['cpu_s'] / ANCHOR_SECONDS:.2f}",
            f"{row['peak_mb'] * 2**20 / ANCHOR_BYTES:.2f}")), flush=True)
        if int(n) == BEFORE["n"] and d == "4" and loader == "qrom" and execution == "1":
            print(f"    before the compiled simulator (n = 4096): {BEFORE['seconds']} s in all, "
                  f"{BEFORE['simulate_seconds']} s simulating, {BEFORE['peak_mb']} MB; now "
                  f"{row['wall_s']} s in all ({row['wall_s'] / BEFORE['seconds']:.2f}x), {row['simulate_s']} s "
                  f"simulating ({row['simulate_s'] / BEFORE['simulate_seconds']:.3f}x), {row['peak_mb']} MB", flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
