"""Measured errors of the sparse approximation against the Grover attention paper's bounds
(Lemma 4.5: O(eta); Lemma 5.2 / Theorem 6.1: O(eta^2) with ||V||_inf <= eta), and the log-log
slopes of the half-space-reporting cost model.  Prints Markdown; docs/classical.md holds its output.

    python3 benchmarks/classical_bounds.py            # the tables in docs/classical.md
    python3 benchmarks/classical_bounds.py --quick    # a small grid, seconds
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

try:
    import qresource  # noqa: F401
except ImportError:  # run from a checkout without installing
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from qresource.classical.bounds import error_table, summary, to_markdown
from qresource.classical.costs import halfspace_model, loglog_slope

SHOWN = ["n", "d", "k", "tau", "eta_actual", "err_matrix", "err_matrix/eta", "matrix_le_eta",
         "matrix_sharp_bound", "err_attention", "err_attention/eta^2", "attention_le_eta^2",
         "attention_sharp_bound", "preconditions"]


def slopes(ds=(4, 64), ks=(1, 32), exponents=range(10, 21)) -> str:
    ns = [2**e for e in exponents]
    lines = ["| d | k | fitted slope, n = 2^10..2^20 | dominant term 2 - 1/floor(d/2) |", "|---|---|---|---|"]
    for d in ds:
        for k in ks:
            slope = loglog_slope(ns, [halfspace_model(n, d, k)["ops"] for n in ns])
            lines.append(f"| {d} | {k} | {slope:.4f} | {2 - 1 / (d // 2):.5f} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a small grid (n <= 512)")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    if args.quick:
        grid = dict(etas=(1e-2, 1e-1, 1.0), ns=(128, 512), ds=(16,), ks=(1, 8))
        relaxed = dict(etas=(1e-2, 1e-1, 1.0), ns=(128,), ds=(16,), ks=(1, 8))
    else:
        grid = dict(etas=(1e-3, 1e-2, 1e-1, 1.0), ns=(256, 1024, 4096), ds=(16, 128), ks=(1, 32))
        relaxed = dict(etas=(1e-3, 1e-2, 1e-1, 1.0), ns=(256, 1024), ds=(16,), ks=(1, 32))

    start = time.perf_counter()
    table = error_table(**grid, seed=args.seed)
    print("## Under Theorem 1.3's conditions (tau = 2 ln n, every |S_i| = k, ||V||_inf <= eta)\n")
    print(to_markdown(table, SHOWN))
    print(f"\nsummary: {summary(table)}\n")

    low = error_table(**relaxed, tau=1.0, seed=args.seed)
    print("## With tau = 1 < 2 ln n (Theorem 1.3's threshold condition and Lemma 4.3 part 4 fail)\n")
    print(to_markdown(low, SHOWN))
    print(f"\nsummary: {summary(low)}\n")

    print("## Half-space reporting cost model: log-log slopes (C = 1, p = 0)\n")
    print(slopes())
    print(f"\n(generated in {time.perf_counter() - start:.1f} s, seed {args.seed})", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
