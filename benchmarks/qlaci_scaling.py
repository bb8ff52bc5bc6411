"""QLACI per-shot and per-head costs versus N = 2^4 .. 2^20 for eps in {1e-2, 1e-3}, and the
fitted exponent of the per-head T count in N in the three models: full circuit, the paper's
(each access charged the active path of a routing bucket brigade) and zero-cost access.

Anchor: the QLACI paper (section 3.2.4) claims N poly(log N) per head under its QRAM model,
i.e. an exponent of 1 (plus logarithms); a full-circuit data loader costs Theta(N) per access,
so the full-circuit exponent should be 2 (plus logarithms).

    python benchmarks/qlaci_scaling.py [--feature-map loader|multiplexed] [--markdown]
"""

from __future__ import annotations

import argparse

from qresource.qlaci.estimate import scaling_exponent, sweep
from qresource.qlaci.params import PROTOTYPE

NS = [2**k for k in range(4, 21)]
EPSILONS = [1e-2, 1e-3]


def _cell(value) -> str:
    if isinstance(value, float) and value < 1:
        return f"{value:g}"
    value = int(value)
    return f"{value:.3e}" if value >= 10**7 else str(value)


def _markdown(frame) -> str:
    lines = ["| " + " | ".join(frame.columns) + " |", "|" + "---|" * len(frame.columns)]
    for row in frame.itertuples(index=False):
        lines.append("| " + " | ".join(_cell(v) for v in row) + " |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--feature-map", choices=("loader", "multiplexed"), default="loader")
    parser.add_argument("--markdown", action="store_true", help="print the table as Markdown")
    args = parser.parse_args()
    frame = sweep(PROTOTYPE.with_(feature_map=args.feature_map), NS, EPSILONS)
    frame["log2_n"] = [n.bit_length() - 1 for n in frame.n]
    columns = ["log2_n", "eps", "qubits", "t_per_shot", "shots_per_query", "head_t_full_circuit", "head_t_paper_model",
               "head_t_qram_free"]
    print(_markdown(frame[columns]) if args.markdown else frame[columns].to_string(index=False))
    print(f"\nfitted exponent of per-head T in N ({args.feature_map} feature map, q_Q=4, q_KV=2, q_out=1, 1 layer)")
    for eps in EPSILONS:
        part = frame[frame.eps == eps]
        upper = part[part.n >= 2**12]
        print(
            f"eps = {eps:g}: full circuit {scaling_exponent(part.n, part.head_t_full_circuit):.3f} "
            f"(N >= 2^12: {scaling_exponent(upper.n, upper.head_t_full_circuit):.3f}); "
            f"paper's model {scaling_exponent(part.n, part.head_t_paper_model):.3f} "
            f"(N >= 2^12: {scaling_exponent(upper.n, upper.head_t_paper_model):.3f}); "
            f"zero-cost access {scaling_exponent(part.n, part.head_t_qram_free):.3f} "
            f"(N >= 2^12: {scaling_exponent(upper.n, upper.head_t_qram_free):.3f})"
        )


if __name__ == "__main__":
    main()
