"""The worked table of docs/grover.md: find-all-k Grover search per row and whole attention,
in the query model and (per loader) the full-circuit model, with log-log slopes against n.

    python benchmarks/grover_table.py                    # Markdown to standard output
    python benchmarks/grover_table.py --csv table.csv    # also the full table as CSV
    python benchmarks/grover_table.py --max-exponent 14  # a quicker, smaller grid
    python benchmarks/grover_table.py --circuit-ks 8 --circuit-ds 64   # slopes per loader only

Entry widths b come from the precision planner (entries in [-1, 1], tau = 2 ln n).
"""

from __future__ import annotations

import argparse
import math
import sys
import time

from qresource.grover import api
from qresource.grover import schedules as search
from qresource.classical.costs import loglog_slope

KS = (8, 32, 128)
DS = (64, 128)
LOADERS = ("qrom", "qroam", "bucket-brigade")


def query_rows(exponents, ks, ds):
    rows = []
    for e in exponents:
        n = 2**e
        for k in ks:
            known = search.known_k_schedule(n, k)
            unknown = search.unknown_k_schedule(n, k)
            r, p = api.single_search(api.Problem(n=n, k=k, d=1))
            for d in ds:
                rows.append({
                    "n": f"2^{e}", "k": k, "d": d, "b": api.default_bits(n, d, 2 * math.log(n)),
                    "r_k": r, "p_k": f"{p:.4f}",
                    "E[q] known": round(known.expected_queries, 1),
                    "(pi/2)sqrt(Nk)": round(known.grover_bound, 1),
                    "E[q] BBHT": round(unknown.expected_queries, 1),
                    "q 1-delta BBHT": math.ceil(unknown.queries_upper),
                    "cert/sqrt(N)": round(unknown.certification_constant, 2),
                    "attention E[q]": math.ceil(n * known.expected_queries),
                    "attention time (x d)": f"{n * known.expected_queries * d:.3e}",
                })
    return rows


def circuit_rows(exponents, ks, ds, loaders):
    rows = []
    for loader in loaders:
        for e in exponents:
            n = 2**e
            for k in ks:
                for d in ds:
                    problem = api.make_problem(n=n, k=k, d=d, loader=loader)
                    started = time.perf_counter()
                    grover = api.grover_records(problem, ("circuit",))[0]
                    attention_totals = grover.schedule["expected_totals"]
                    rows.append({
                        "loader": loader, "n": f"2^{e}", "k": k, "d": d, "b": problem.bits,
                        "qubits": grover.logical.qubits,
                        "Toffoli/search": grover.logical.toffoli,
                        "row Toffoli": attention_totals["toffoli"],
                        "attention Toffoli": f"{n * attention_totals['toffoli']:.3e}",
                        "attention T-depth": f"{n * attention_totals['t_depth']:.3e}",
                        "_attention_toffoli": n * attention_totals["toffoli"],
                        "_attention_t_depth": n * attention_totals["t_depth"],
                        "seconds": round(time.perf_counter() - started, 2),
                    })
                    print(f"  {loader} n=2^{e} k={k} d={d}: {rows[-1]['seconds']} s", file=sys.stderr)
    return rows


def markdown(rows) -> str:
    if not rows:
        return ""
    keys = [key for key in rows[0] if not key.startswith("_")]
    lines = ["| " + " | ".join(keys) + " |", "|" + "---|" * len(keys)]
    lines += ["| " + " | ".join(str(row[key]) for key in keys) + " |" for row in rows]
    return "\n".join(lines)


def slopes(exponents, ks, circuit) -> str:
    ns = [2**e for e in exponents]
    out = []
    for k in ks:
        q = [n * search.known_k_schedule(n, k).expected_queries for n in ns]
        out.append(f"- k = {k}: attention queries vs n, slope {loglog_slope(ns, q):.3f} (expected 1.5)")
    groups: dict = {}
    for row in circuit:
        groups.setdefault((row["loader"], row["k"], row["d"]), []).append(row)
    for (loader, k, d), rows in groups.items():
        xs = [2 ** int(r["n"][2:]) for r in rows]
        tof = [r["_attention_toffoli"] for r in rows]
        depth = [r["_attention_t_depth"] for r in rows]
        local = loglog_slope(xs[-2:], tof[-2:]) if len(xs) >= 2 else float("nan")
        out.append(f"- {loader}, k = {k}, d = {d}: attention Toffolis vs n, slope "
                   f"{loglog_slope(xs, tof):.3f} (between the two largest n: {local:.3f}); "
                   f"T-depth slope {loglog_slope(xs, depth):.3f}")
    return "\n".join(out)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--min-exponent", type=int, default=10)
    parser.add_argument("--max-exponent", type=int, default=20)
    parser.add_argument("--no-circuit", action="store_true", help="query model only")
    parser.add_argument("--circuit-step", type=int, default=2,
                        help="exponent step of n in the circuit-model table (default 2: 2^10, 2^12, ...)")
    parser.add_argument("--circuit-ks", default="8,32,128")
    parser.add_argument("--circuit-ds", default="64,128")
    parser.add_argument("--loaders", default=",".join(LOADERS))
    parser.add_argument("--csv", default=None)
    args = parser.parse_args(argv)
    exponents = range(args.min_exponent, args.max_exponent + 1)
    loaders = tuple(x for x in args.loaders.split(",") if x)
    rows = query_rows(exponents, KS, DS)
    print("### Query model (oracle calls; time charges d per call, as the seeds do)\n")
    print(markdown(rows))
    circuit = []
    if not args.no_circuit:
        circuit_exponents = range(args.min_exponent, args.max_exponent + 1, args.circuit_step)
        circuit_ks = tuple(int(x) for x in args.circuit_ks.split(","))
        circuit_ds = tuple(int(x) for x in args.circuit_ds.split(","))
        circuit = circuit_rows(circuit_exponents, circuit_ks, circuit_ds, loaders)
        print("\n### Full-circuit model (known k; rows one after another)\n")
        print(markdown(circuit))
    print("\n### Log-log slopes against n\n")
    print(slopes(list(exponents), KS, circuit))
    if args.csv:
        import pandas as pd

        from qresource.core.io import atomic_write_text

        atomic_write_text(args.csv, pd.DataFrame(rows + circuit).to_csv(index=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
