"""Measured approximation errors against the paper's bounds.

The quantities (Grover attention paper; ``||X||_inf`` is the entrywise maximum ``max_ij |X_ij|``,
as the proofs of Lemmas 4.5 and 5.2 expand it, not the maximum absolute row sum):

- Lemma 4.5 / Theorem 1.3 part 2: ``err_matrix = ||D(A)^-1 A - D(B)^-1 B||_inf = O(eta)``; its
  proof gives ``F1 <= eta`` and ``F2 <= 2 eta``, so ``<= 3 eta`` with the constants written out.
- Lemma 5.2 / Theorem 6.1: ``err_attention = ||Att(Q,K,V) - D(B)^-1 B V||_inf = O(eta^2)`` when
  ``||V||_inf <= eta``; its proof splits two terms, bounds the first by ``eta ||V||_inf`` (eq. 8)
  and ends the second at a bare ``O(eta^2)`` (eq. 9). Bounding the second by ``eta ||V||_inf`` as
  well (Lemma 4.3 parts 1 and 4) is our derivation, so ``<= 2 eta ||V||_inf <= 2 eta^2`` carries
  one constant of the proof's and one of ours.

Reported for each: the constant-free reading (``err <= eta``, ``err <= eta^2``), the constants
written out (``3 eta`` from the proof, ``2 eta ||V||_inf`` half ours), and a sharper bound derived in docs/classical.md:
with ``Delta_i = D(B)_ii - D(A)_ii`` (``B >= A`` entrywise under the gap condition),

    err_matrix <= max_i Delta_i / D(B)_ii <= r,   err_attention <= 2 ||V||_inf r,
    r = (n - s)(1 - e^-eta) / (s e^tau + n - s),  s = min_i |S_i|,

which under ``tau >= 2 ln n`` is at most ``eta / (s n)``: far below the paper's ``O(eta)``.
(When ``s = 0`` the first inequality carries a factor ``max(1, e^eta / n)``.)
"""

from __future__ import annotations

import math
from typing import Iterable, Sequence

import numpy as np

from qresource.classical.attention import (
    SparsePlusOnes,
    algorithm2,
    b_normalised_rows,
    check_qkv,
    row_blocks,
    softmax_rows,
)
from qresource.classical.instances import check_instance, generate_instance

#: The columns of ``error_table``, in order.
COLUMNS = (
    "n", "d", "k", "tau", "eta", "eta_actual", "v_inf",
    "err_matrix", "err_matrix/eta", "matrix_le_eta", "matrix_le_3eta", "matrix_sharp_bound",
    "err_attention", "err_attention/eta^2", "attention_le_eta^2", "attention_le_2eta_v",
    "attention_sharp_bound", "preconditions",
)


def measure_errors(Q, K, V, tau: float, *, block_rows: int | None = None) -> dict[str, float]:
    """``err_matrix`` (Lemma 4.5), ``err_attention`` (Lemma 5.2) and ``mass_ratio =
    max_i Delta_i / D(B)_ii`` for one instance, ``block_rows`` score rows at a time.

    ``Att~`` comes from the sparse path (find sets + Algorithm 2); the exact side from the
    row-max-shifted dense rows.
    """
    Qa, Ka, Va = check_qkv(Q, K, V)
    approx = algorithm2(SparsePlusOnes.from_qk(Qa, Ka, tau, block_rows=block_rows), Va)
    err_matrix = 0.0
    err_attention = 0.0
    mass_ratio = 0.0
    for rows in row_blocks(Qa.shape[0], Ka.shape[0], block_rows):
        s = Qa[rows] @ Ka.T
        p_a = softmax_rows(s)
        p_b = b_normalised_rows(s, tau)
        err_matrix = max(err_matrix, float(np.abs(p_a - p_b).max()))
        err_attention = max(err_attention, float(np.abs(p_a @ Va - approx[rows]).max()))
        # Delta_i / D(B)_ii with a common shift c_i = max(0, max_j s_ij); Delta_i summed without
        # cancellation as sum_{j not in S_i} e^-c (1 - e^s) = -e^-c expm1(s)
        c = np.maximum(s.max(axis=1, keepdims=True), 0.0)
        in_s = s >= tau
        d_b = np.where(in_s, np.exp(s - c), np.exp(-c)).sum(axis=1)
        delta = np.where(in_s, 0.0, -np.exp(-c) * np.expm1(np.minimum(s, 0.0))).sum(axis=1)
        mass_ratio = max(mass_ratio, float((delta / d_b).max()))
    return {"err_matrix": err_matrix, "err_attention": err_attention, "mass_ratio": mass_ratio}


def sharp_ratio(n: int, s_min: int, tau: float, eta: float) -> float:
    """``r = (n - s)(1 - e^-eta) / (s e^tau + n - s)`` (times ``max(1, e^eta / n)`` when
    ``s = 0``), computed without overflow for large ``tau``."""
    num = (n - s_min) * -math.expm1(-eta)
    if s_min == 0:
        return num / n * max(1.0, math.exp(eta) / n)
    # divide through by e^tau: r = num e^-tau / (s + (n - s) e^-tau)
    shrink = math.exp(-tau)
    return num * shrink / (s_min + (n - s_min) * shrink)


def error_row(n: int, d: int, k: int, eta: float, *, tau: float | None = None, seed: int = 0,
              exact_k: bool = True, v_scale: float = 1.0) -> dict:
    """One row of ``error_table``: generate an instance, measure, compare with the bounds."""
    inst = generate_instance(n, d, k, tau=tau, eta=eta, seed=seed, exact_k=exact_k,
                             v_max=v_scale * eta)
    check = check_instance(inst.Q, inst.K, inst.tau, V=inst.V)  # actual eta and k
    measured = measure_errors(inst.Q, inst.K, inst.V, inst.tau)
    eta_m = check.eta_actual  # the smallest eta for which the gap condition holds
    eta_v = max(eta_m, check.v_inf_norm)  # ... and ||V||_inf <= eta (Lemma 5.2)
    r = sharp_ratio(n, check.min_k, inst.tau, eta_m)
    em, ea = measured["err_matrix"], measured["err_attention"]
    return {
        "n": n, "d": d, "k": k, "tau": inst.tau, "eta": eta, "eta_actual": eta_m,
        "v_inf": check.v_inf_norm,
        "err_matrix": em,
        "err_matrix/eta": em / eta_m if eta_m else math.nan,
        "matrix_le_eta": em <= eta_m,
        "matrix_le_3eta": em <= 3 * eta_m,
        "matrix_sharp_bound": r,
        "err_attention": ea,
        "err_attention/eta^2": ea / eta_v**2 if eta_v else math.nan,
        "attention_le_eta^2": ea <= eta_v**2,
        "attention_le_2eta_v": ea <= 2 * eta_v * check.v_inf_norm,
        "attention_sharp_bound": 2 * check.v_inf_norm * r,
        "preconditions": "ok" if check.theorem_1_3 and check.lemma_4_3_part4 else _failed(check),
    }


def _failed(check) -> str:
    failed = [name for name, ok in (("tau>=2ln n", check.tau_ge_2ln_n),
                                    ("gap", check.gap_condition),
                                    ("k e^tau>=2n", check.lemma_4_3_part4)) if not ok]
    return "fails " + ",".join(failed)


def error_table(
    etas: Iterable[float] = (1e-3, 1e-2, 1e-1, 1.0),
    ns: Iterable[int] = (256, 1024, 4096),
    ds: Iterable[int] = (16, 128),
    ks: Iterable[int] = (1, 32),
    *,
    tau: float | None = None,
    seed: int = 0,
    exact_k: bool = True,
    v_scale: float = 1.0,
):
    """Measured errors against the bounds over a grid: a pandas DataFrame with ``COLUMNS``.

    One generated instance per grid point (``generate_instance`` with ``tau`` defaulting to
    ``2 ln n`` and ``V`` uniform in ``[-v_scale eta, v_scale eta]``); seeds are derived from
    ``seed`` and the grid point, so the table is deterministic.  Ratios and checks use the
    instance's actual eta (``eta_actual``; for Lemma 5.2 ``max(eta_actual, ||V||_inf)``).
    """
    import pandas as pd

    rows = []
    for n in ns:
        for d in ds:
            for k in ks:
                if k > n:
                    continue
                for index, eta in enumerate(etas):
                    point_seed = _point_seed(seed, n, d, k, index)
                    rows.append(error_row(n, d, k, eta, tau=tau, seed=point_seed,
                                          exact_k=exact_k, v_scale=v_scale))
    return pd.DataFrame(rows, columns=list(COLUMNS))


def _point_seed(seed: int, *values: int) -> int:
    return int(np.random.SeedSequence([seed, *values]).generate_state(1)[0])


def summary(table) -> dict:
    """How often each bound held, and the largest ratios, as plain numbers."""
    return {
        "rows": int(len(table)),
        "matrix_le_eta": int(table["matrix_le_eta"].sum()),
        "matrix_le_3eta": int(table["matrix_le_3eta"].sum()),
        "attention_le_eta^2": int(table["attention_le_eta^2"].sum()),
        "attention_le_2eta_v": int(table["attention_le_2eta_v"].sum()),
        "max err_matrix/eta": float(table["err_matrix/eta"].max()),
        "max err_attention/eta^2": float(table["err_attention/eta^2"].max()),
        "within sharp bounds": int(within_sharp_bounds(table).sum()),
    }


def within_sharp_bounds(table):
    """Rows whose errors are within the sharp bounds, up to float64 rounding (relative 1e-9,
    absolute 1e-15: both errors are differences of numbers of size at most 1)."""
    tol = 1e-15
    return ((table["err_matrix"] <= table["matrix_sharp_bound"] * (1 + 1e-9) + tol)
            & (table["err_attention"] <= table["attention_sharp_bound"] * (1 + 1e-9) + tol))


def to_markdown(table, columns: Sequence[str] | None = None, float_format: str = "{:.3g}") -> str:
    """A GitHub-flavoured Markdown table (no optional dependency needed)."""
    columns = list(columns or table.columns)

    def cell(value) -> str:
        if isinstance(value, (bool, np.bool_)):
            return "yes" if value else "**NO**"
        if isinstance(value, (float, np.floating)):
            return float_format.format(value)
        return str(value)

    lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    for _, row in table[columns].iterrows():
        lines.append("| " + " | ".join(cell(row[c]) for c in columns) + " |")
    return "\n".join(lines)
