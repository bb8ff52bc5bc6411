"""How sparse an attention matrix is in the sense of Definition 1.2 and Theorem 1.3 of the Grover
sparse-attention paper (Guo, Song, Yang, Zhang, "Beyond Classical Attention: Quantum Attention
for Scalable Computation").

A = Q K^T is (tau, k)-good when every row i has |S_i| <= k, where S_i = {j : A_ij >= tau}
(Definition 1.2); Theorem 1.3 also needs the gap condition -eta <= A_ij <= 0 for j outside S_i,
and its error is O(eta). Two conventions are measured (docs/profile.md derives both):

- ``raw``: A as given (for a model: the softmax input Q K^T / sqrt(d_head));
- ``shifted``: each row minus the constant that best meets the gap condition. Softmax is
  unchanged by a per-row constant, and the oracle absorbs it into its threshold. With the row
  sorted, a_(1) >= ... >= a_(n), the shift is c = a_(k+1) for the smallest k >= 1 with
  a_(k) - a_(k+1) >= tau: the top k entries land at or above tau, the rest in [a_(n) - c, 0].
  A row with no such gap keeps all n entries (k = n) and does not meet the gap condition.
"""

from __future__ import annotations

import enum
import math
from dataclasses import dataclass
from typing import Sequence

import numpy as np


class Convention(enum.StrEnum):
    RAW = "raw"
    SHIFTED = "shifted"


@dataclass(frozen=True)
class RowSparsity:
    """Per row: marked count ``k``, whether the gap condition holds (``meets``), and the eta it
    needs (NaN where it does not hold)."""

    k: np.ndarray
    meets: np.ndarray
    eta: np.ndarray


def default_tau(n: int) -> float:
    """Theorem 1.3's smallest threshold, 2 ln n."""
    return 2.0 * math.log(n)


def row_sparsity(scores: np.ndarray, tau: float, convention: Convention) -> RowSparsity:
    """Row statistics of ``scores`` (shape (..., rows, n)) at threshold ``tau``."""
    n = scores.shape[-1]
    if convention is Convention.RAW:
        marked = scores >= tau
        k = marked.sum(axis=-1)
        largest_unmarked = np.where(marked, -np.inf, scores).max(axis=-1)
        smallest_unmarked = np.where(marked, np.inf, scores).min(axis=-1)
        meets = largest_unmarked <= 0.0
        eta = np.where(k == n, 0.0, np.maximum(0.0, -smallest_unmarked))
        return RowSparsity(k=k, meets=meets, eta=np.where(meets, eta, np.nan))
    ordered = -np.sort(-scores, axis=-1)
    gaps = ordered[..., :-1] - ordered[..., 1:]
    wide = gaps >= tau
    meets = wide.any(axis=-1)
    first = wide.argmax(axis=-1)
    k = np.where(meets, first + 1, n)
    shift = np.take_along_axis(ordered, np.minimum(first + 1, n - 1)[..., None], axis=-1)[..., 0]
    eta = np.where(meets, shift - ordered[..., -1], np.nan)
    return RowSparsity(k=k, meets=meets, eta=eta)


def summarise(rows: RowSparsity) -> dict:
    """The per-head statistics of the JSON contract (all rows of all windows pooled)."""
    k = np.asarray(rows.k).ravel()
    meets = np.asarray(rows.meets).ravel()
    eta = np.asarray(rows.eta).ravel()[meets]
    p50, p90, p99 = (float(v) for v in np.percentile(k, [50, 90, 99]))
    return {
        "k_mean": float(k.mean()), "k_p50": p50, "k_p90": p90, "k_p99": p99, "k_max": int(k.max()),
        "rows": int(k.size), "rows_k0_fraction": float((k == 0).mean()),
        "rows_gap_fraction": float(meets.mean()),
        "eta_needed": float(eta.max()) if eta.size else None,
        "eta_p50": float(np.median(eta)) if eta.size else None,
    }


def loglog_slope(ns: Sequence[int], values: Sequence[float | None]) -> float | None:
    """Least-squares slope of log(value) against log(n) over the points with value > 0; None
    with fewer than two such points."""
    points = [(math.log(n), math.log(v)) for n, v in zip(ns, values) if v is not None and v > 0]
    if len(points) < 2 or len({x for x, _ in points}) < 2:
        return None
    x, y = np.array(points).T
    return float(np.polyfit(x, y, 1)[0])
