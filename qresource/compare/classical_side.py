"""Classical attention seconds on named hardware, for the comparisons (thin layer over
:mod:`qresource.classical.costs`, which owns the operation counts and the presets)."""

from __future__ import annotations

import functools

from qresource.classical.costs import classical_costs
from qresource.classical.hardware import get_hardware

#: The classical algorithms the comparisons use, with the key of ``classical_costs`` that holds
#: their seconds: naive attention (Definition 1.1) and the half-space pipeline (Algorithm 4 plus
#: the sparse values and Algorithm 2, Theorem 1.5).
ALGORITHMS = {"naive": "naive", "half-space": "halfspace_pipeline"}

#: The classical step the Grover algorithm itself still runs: the sparse values exp(Q_i . K_j)
#: on the found entries and Algorithm 2 (Lemma 6.2), O(nkd).
HYBRID_CLASSICAL_KEYS = ("sparse_values", "sparse_inference")


@functools.lru_cache(maxsize=65536)
def classical_seconds(algorithm: str, n: int, d: int, k: int, hardware: str) -> float:
    costs = classical_costs(n, d, k, hardware=hardware)
    return float(costs[ALGORITHMS[algorithm]]["seconds"])


@functools.lru_cache(maxsize=65536)
def hybrid_classical_seconds(n: int, d: int, k: int, hardware: str) -> float:
    """Seconds of the classical part of Grover attention (sparse values + Algorithm 2)."""
    costs = classical_costs(n, d, k, hardware=hardware)
    return float(sum(costs[key]["seconds"] for key in HYBRID_CLASSICAL_KEYS))


def per_key_seconds(d: int, hardware: str) -> float:
    """Classical time of one primitive call of a row scan: one inner product Q_i . K_j
    (d multiplications, d - 1 additions) at the preset's rate -- Babbush et al.'s t_C."""

    return (2 * d - 1) / get_hardware(hardware).peak_flops_per_s
