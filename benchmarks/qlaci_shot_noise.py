"""The QLACI prototype (paper section 4.5: N = 16; 4 query, 4 index, 3 ancilla/readout qubits)
on Qiskit Aer: exact <Z> on the readout qubit from the statevector, the classical formula
(1/N) sum_j f(Q, K_j, V_j) beside it, and shot-based estimates whose RMS error is fitted against
the number of shots (expected slope -1/2 on a log-log plot; anchor: the standard error
sqrt((1 - <Z>^2) / S) of a +-1 outcome).

    python benchmarks/qlaci_shot_noise.py [--seed S] [--repeats R] [--plot FILE.png]
"""

from __future__ import annotations

import argparse
import math

import numpy as np

from qresource.qlaci.build import plan
from qresource.qlaci.params import PROTOTYPE
from qresource.qlaci.reference import context_vector, random_angles
from qresource.qlaci.simulate import OutcomeSampler, estimate_from_counts, exact_expectations

SHOTS = [2**k for k in range(6, 19, 2)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--repeats", type=int, default=48)
    parser.add_argument("--plot", default=None, help="write a log-log PNG of RMS error vs shots")
    args = parser.parse_args()

    params = PROTOTYPE.with_(feature_map="multiplexed")
    p = plan(params)
    angles = random_angles(p.params, args.seed)
    exact = exact_expectations(p, angles, ["Z"])["Z"]
    formula = context_vector(p.params, angles, ["Z"])[0]
    print(f"prototype N = {params.n}, registers query {params.dq}, index {params.index_bits}, kv {params.kv}, "
          f"out {params.out} = 11 qubits, feature map multiplexed")
    print(f"<Z> statevector (Aer) = {exact:.12f}; classical formula = {formula:.12f}; |diff| = {abs(exact - formula):.2e}")
    sampler = OutcomeSampler(p, angles, "Z")
    rms = []
    print(f"{'shots':>8} {'rms error':>12} {'sqrt((1-<Z>^2)/S)':>18} {'ratio':>7}")
    for index, shots in enumerate(SHOTS):
        estimates = [estimate_from_counts(sampler.counts(shots, args.seed * 100_000 + index * 1000 + r), "Z") for r in range(args.repeats)]
        error = math.sqrt(float(np.mean((np.array(estimates) - exact) ** 2)))
        anchor = math.sqrt((1 - exact**2) / shots)
        rms.append(error)
        print(f"{shots:>8} {error:>12.3e} {anchor:>18.3e} {error / anchor:>7.2f}")
    slope, _ = np.polyfit(np.log(SHOTS), np.log(rms), 1)
    print(f"fitted slope of log(rms error) vs log(shots): {slope:.3f} (expected -0.5)")
    if args.plot:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt

        fig, ax = plt.subplots(figsize=(5, 3.6))
        ax.loglog(SHOTS, rms, "o-", label=f"Aer, RMS over {args.repeats} runs (slope {slope:.2f})")
        ax.loglog(SHOTS, [math.sqrt((1 - exact**2) / s) for s in SHOTS], "k--", label=r"$\sqrt{(1-\langle Z\rangle^2)/S}$")
        ax.set_xlabel("shots S")
        ax.set_ylabel(r"error of $\langle Z\rangle$")
        ax.set_title("QLACI prototype (N = 16, 11 qubits)")
        ax.legend(fontsize=8)
        fig.tight_layout()
        fig.savefig(args.plot, dpi=120, metadata={"Software": None})
        print(f"wrote {args.plot}")


if __name__ == "__main__":
    main()
