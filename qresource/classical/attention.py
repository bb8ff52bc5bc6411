"""Exact and sparse attention in numpy (Grover attention paper, Definitions 1.1, 4.1, 4.2,
Algorithm 2 / Lemma 6.2).

Notation (the paper's): ``S = Q K^T`` are the scores, ``A = exp(S)`` entrywise,
``D(X) = diag(X 1_n)`` and ``Att(Q, K, V) = D(A)^-1 A V``.

Numerical stability.  ``exp`` overflows in float64 for scores above about 709.78, and the paper's
preconditions push scores up (``tau >= 2 ln n``).  Every routine here therefore works with each
row shifted by a constant ``m_i``: row ``i`` of ``A`` is replaced by ``exp(S_i - m_i) =
exp(-m_i) A_i``.  The same factor ``exp(-m_i)`` multiplies that row of ``A V`` and the row sum
``D(A)_ii``, so it cancels in ``D(A)^-1 A V`` (and in ``D(A)^-1 A``) exactly: the shift changes
the floating-point range, not the result.  With ``m_i`` the row maximum every shifted entry is at
most 1 and at least one equals 1, so nothing overflows and the row sum is at least 1.

Memory.  Nothing here holds an ``n x n`` array for large ``n``: dense work is done ``block_rows``
rows at a time (``O(block_rows * n)`` memory), and ``B`` of Definition 4.2 is kept as its find
sets plus the implicit all-ones matrix.  Only the functions named ``*_dense`` build ``n x n``
arrays, and they refuse sizes above ``DENSE_LIMIT`` entries.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from qresource.core.errors import QResourceError, ResourceLimitError

#: Largest ``n x n`` array (in entries) that the ``*_dense`` reference functions will build.
DENSE_LIMIT = 1 << 24
#: Default number of score entries (rows x n) handled per block.
BLOCK_ENTRIES = 1 << 22


def _as_matrix(name: str, x, rows: int | None = None, cols: int | None = None) -> np.ndarray:
    array = np.asarray(x, dtype=np.float64)
    if array.ndim != 2:
        raise QResourceError(f"{name} must be a 2-d array, got shape {array.shape}")
    if rows is not None and array.shape[0] != rows:
        raise QResourceError(f"{name} has {array.shape[0]} rows, expected {rows}")
    if cols is not None and array.shape[1] != cols:
        raise QResourceError(f"{name} has {array.shape[1]} columns, expected {cols}")
    if not np.all(np.isfinite(array)):
        raise QResourceError(f"{name} has entries that are not finite")
    return array


def check_qkv(Q, K, V=None) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    """Q (m x d), K (n x d), V (n x d_v) as float64 arrays with matching shapes."""
    Qa = _as_matrix("Q", Q)
    Ka = _as_matrix("K", K, cols=Qa.shape[1])
    Va = None if V is None else _as_matrix("V", V, rows=Ka.shape[0])
    return Qa, Ka, Va


def row_blocks(n_rows: int, n_cols: int, block_rows: int | None = None):
    """Slices covering ``range(n_rows)`` so that each block has about ``BLOCK_ENTRIES`` scores."""
    if block_rows is None:
        block_rows = max(1, BLOCK_ENTRIES // max(1, n_cols))
    if block_rows < 1:
        raise QResourceError(f"block_rows must be at least 1, got {block_rows}")
    for start in range(0, n_rows, block_rows):
        yield slice(start, min(n_rows, start + block_rows))


def softmax_rows(scores: np.ndarray) -> np.ndarray:
    """``D(A)^-1 A`` for a block of score rows, with the row-max shift (see the module notes)."""
    shifted = np.exp(scores - scores.max(axis=1, keepdims=True))
    return shifted / shifted.sum(axis=1, keepdims=True)


def b_normalised_rows(scores: np.ndarray, tau: float) -> np.ndarray:
    """``D(B)^-1 B`` for a block of score rows: ``B_ij = exp(S_ij)`` where ``S_ij >= tau`` and 1
    elsewhere (Definition 4.2), with row ``i`` shifted by ``m_i = max(0, max_{j in S_i} S_ij)``,
    the largest entry of row ``i`` of ``log B``."""
    in_s = scores >= tau
    log_b = np.where(in_s, scores, 0.0)
    shifted = np.exp(log_b - log_b.max(axis=1, keepdims=True))
    return shifted / shifted.sum(axis=1, keepdims=True)


def exact_attention(Q, K, V, *, block_rows: int | None = None) -> np.ndarray:
    """``Att(Q, K, V) = D^-1 exp(Q K^T) V`` (Definition 1.1), exactly up to float64 rounding.

    Rows are shifted by their maximum score before ``exp``; the factor ``exp(-max_j S_ij)`` is
    common to row ``i`` of ``A V`` and to ``D_ii``, so it cancels in ``D^-1 A V``.  Scores of any
    finite size are therefore safe, where ``exp(Q K^T)`` itself overflows above 709.78.
    Memory is ``O(block_rows * n)``.
    """
    Qa, Ka, Va = check_qkv(Q, K, V)
    if Va is None:
        raise QResourceError("V is required")
    out = np.empty((Qa.shape[0], Va.shape[1]), dtype=np.float64)
    for rows in row_blocks(Qa.shape[0], Ka.shape[0], block_rows):
        shifted = np.exp(_scores(Qa[rows], Ka))
        out[rows] = (shifted @ Va) / shifted.sum(axis=1, keepdims=True)
    return out


def _scores(Q_block: np.ndarray, K: np.ndarray) -> np.ndarray:
    """Scores of a block of rows, shifted by each row's maximum."""
    s = Q_block @ K.T
    return s - s.max(axis=1, keepdims=True)


def naive_attention(Q, K, V) -> np.ndarray:
    """The textbook formula with no shift: ``exp(Q K^T)`` overflows to inf above 709.78 and the
    result becomes nan.  Kept to show why ``exact_attention`` shifts; never used for numbers."""
    Qa, Ka, Va = check_qkv(Q, K, V)
    with np.errstate(over="ignore", invalid="ignore"):
        A = np.exp(Qa @ Ka.T)
        return (A @ Va) / A.sum(axis=1, keepdims=True)


@dataclass(frozen=True)
class FindSets:
    """The find sets ``S_i = {j : (Q K^T)_ij >= tau}`` of Definition 4.1, in compressed-row form:
    ``indices[indptr[i]:indptr[i+1]]`` is ``S_i`` (ascending) and ``scores`` holds the matching
    ``(Q K^T)_ij``.  ``n_cols`` is the number of keys ``n``."""

    n_cols: int
    tau: float
    indptr: np.ndarray
    indices: np.ndarray
    scores: np.ndarray

    @property
    def n_rows(self) -> int:
        return len(self.indptr) - 1

    @property
    def counts(self) -> np.ndarray:
        """``|S_i|`` for every row."""
        return np.diff(self.indptr)

    @property
    def nnz(self) -> int:
        return int(self.indptr[-1])

    def row(self, i: int) -> np.ndarray:
        return self.indices[self.indptr[i] : self.indptr[i + 1]]

    def row_of_entry(self) -> np.ndarray:
        """For every stored entry, its row ``i``."""
        return np.repeat(np.arange(self.n_rows), self.counts)


def find_sets(Q, K, tau: float, *, block_rows: int | None = None) -> FindSets:
    """All ``S_i`` (Definition 4.1) by brute force over the scores, ``block_rows`` rows at a time,
    so memory stays ``O(block_rows * n + sum |S_i|)``."""
    Qa, Ka, _ = check_qkv(Q, K)
    tau = float(tau)
    counts = np.zeros(Qa.shape[0], dtype=np.int64)
    indices: list[np.ndarray] = []
    values: list[np.ndarray] = []
    for rows in row_blocks(Qa.shape[0], Ka.shape[0], block_rows):
        s = Qa[rows] @ Ka.T
        r, c = np.nonzero(s >= tau)  # row-major order: rows ascending, then columns ascending
        counts[rows] = np.bincount(r, minlength=s.shape[0])
        indices.append(c.astype(np.int64))
        values.append(s[r, c])
    indptr = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
    return FindSets(
        n_cols=Ka.shape[0],
        tau=tau,
        indptr=indptr,
        indices=np.concatenate(indices) if indices else np.zeros(0, np.int64),
        scores=np.concatenate(values) if values else np.zeros(0),
    )


@dataclass(frozen=True)
class SparsePlusOnes:
    """``B`` of Definition 4.2, stored as Lemma 6.2 splits it: ``B = C + M`` with ``M`` the all-ones
    ``n x n`` matrix (rank one, never stored) and ``C`` sparse with ``C_ij = A_ij - 1 =
    exp(S_ij) - 1`` for ``j`` in ``S_i`` and 0 elsewhere.

    ``C``'s entries are kept through their logarithms (``find_sets.scores``) because ``exp(S_ij)``
    overflows for scores above 709.78; ``log_row_sums`` and ``apply`` never form them.
    """

    find_sets: FindSets

    @classmethod
    def from_qk(cls, Q, K, tau: float, *, block_rows: int | None = None) -> "SparsePlusOnes":
        return cls(find_sets(Q, K, tau, block_rows=block_rows))

    @property
    def n(self) -> int:
        return self.find_sets.n_cols

    def sparse_values(self) -> np.ndarray:
        """``C_ij = exp(S_ij) - 1`` on the find sets (inf where the score exceeds 709.78)."""
        with np.errstate(over="ignore"):
            return np.expm1(self.find_sets.scores)

    def log_row_sums(self) -> np.ndarray:
        """``log D(B)_ii = log(sum_{j in S_i} exp(S_ij) + (n - |S_i|))``, without overflow."""
        fs = self.find_sets
        shift = self._row_shift()
        rows = fs.row_of_entry()
        total = (self.n - fs.counts) * np.exp(-shift)
        total += np.bincount(rows, weights=np.exp(fs.scores - shift[rows]), minlength=fs.n_rows)
        return np.log(total) + shift

    def _row_shift(self) -> np.ndarray:
        """``m_i = max(0, max_{j in S_i} S_ij)``: the largest entry of row ``i`` of ``log B``."""
        fs = self.find_sets
        shift = np.zeros(fs.n_rows)
        nonempty = fs.counts > 0
        if fs.nnz:
            row_max = np.maximum.reduceat(fs.scores, fs.indptr[:-1][nonempty])
            shift[nonempty] = np.maximum(row_max, 0.0)
        return shift

    def apply(self, V, *, block_entries: int = BLOCK_ENTRIES) -> np.ndarray:
        """``D(B)^-1 B V`` by Algorithm 2 through Lemma 6.2's split, in ``O(n k d)`` time and
        ``O(n d + nnz)`` memory (see ``algorithm2``)."""
        return algorithm2(self, V, block_entries=block_entries)

    def to_dense(self) -> np.ndarray:
        """``B`` as an ``n x n`` array (small ``n`` only; entries overflow above 709.78)."""
        fs = self.find_sets
        _guard_dense(fs.n_rows, self.n)
        B = np.ones((fs.n_rows, self.n))
        with np.errstate(over="ignore"):
            B[fs.row_of_entry(), fs.indices] = np.exp(fs.scores)
        return B


def _guard_dense(rows: int, cols: int) -> None:
    if rows * cols > DENSE_LIMIT:
        raise ResourceLimitError(
            f"a dense {rows} x {cols} matrix exceeds the {DENSE_LIMIT:,}-entry limit of the dense reference"
        )


def algorithm2(B: SparsePlusOnes, V, *, block_entries: int = BLOCK_ENTRIES) -> np.ndarray:
    """Algorithm 2 of the paper: ``D(B)^-1 B V`` in ``O(n k d)`` through Lemma 6.2's split.

    ``B V = C V + M V`` where ``M V`` has every row equal to the column sums ``c = 1_n^T V``
    (``O(n d)``) and ``(C V)_i = sum_{j in S_i} (A_ij - 1) V_j`` (``O(|S_i| d)``), and
    ``D(B)_ii = sum_{j in S_i} A_ij + (n - |S_i|)``.

    Stability: row ``i`` is multiplied by ``exp(-m_i)`` with ``m_i = max(0, max_{S_i} S_ij)``,
    which cancels in ``D(B)^-1 B V`` as in ``exact_attention``.  The shifted coefficient
    ``exp(-m_i) (A_ij - 1)`` is formed as ``exp(S_ij - m_i) (1 - exp(-S_ij))`` for ``S_ij >= 0``
    and ``exp(-m_i) expm1(S_ij)`` otherwise, so that ``A_ij - 1`` loses no digits when the score
    is near 0.  Work is done over blocks of rows holding about ``block_entries`` numbers.
    """
    fs = B.find_sets
    Va = _as_matrix("V", V, rows=B.n)
    d_v = Va.shape[1]
    shift = B._row_shift()
    scale = np.exp(-shift)  # exp(-m_i), the factor applied to row i
    colsum = Va.sum(axis=0)  # M V: every row is the column sums of V
    numerator = scale[:, None] * colsum[None, :]
    denominator = (B.n - fs.counts) * scale
    counts = fs.counts
    rows_all = np.arange(fs.n_rows)
    per_block = max(1, block_entries // max(1, d_v))
    start = 0
    while start < fs.n_rows:
        # rows [start, stop) whose entries number about per_block (at least one row)
        stop = int(np.searchsorted(fs.indptr, fs.indptr[start] + per_block, side="right")) - 1
        stop = min(fs.n_rows, max(stop, start + 1))
        lo, hi = int(fs.indptr[start]), int(fs.indptr[stop])
        if hi > lo:
            s = fs.scores[lo:hi]
            entry_rows = np.repeat(rows_all[start:stop], counts[start:stop])
            m = shift[entry_rows]
            with np.errstate(over="ignore"):
                positive = np.exp(s - m) * -np.expm1(-np.maximum(s, 0.0))
                negative = np.exp(-m) * np.expm1(np.minimum(s, 0.0))
            coeff = np.where(s >= 0, positive, negative)  # exp(-m_i) (A_ij - 1)
            contrib = coeff[:, None] * Va[fs.indices[lo:hi]]
            nonempty = counts[start:stop] > 0
            starts = (fs.indptr[start:stop] - lo)[nonempty]
            target = rows_all[start:stop][nonempty]
            numerator[target] += np.add.reduceat(contrib, starts, axis=0)
            denominator[target] += np.add.reduceat(np.exp(s - m), starts)
        start = stop
    return numerator / denominator[:, None]


def algorithm2_dense(B: SparsePlusOnes, V) -> np.ndarray:
    """Dense reference for small ``n``: form ``B`` (``n x n``) and compute ``D(B)^-1 B V`` by the
    textbook formula, without any shift.  Only for scores small enough that ``exp`` is finite."""
    Va = _as_matrix("V", V, rows=B.n)
    dense = B.to_dense()
    return (dense @ Va) / dense.sum(axis=1, keepdims=True)


def sparse_attention(Q, K, V, tau: float, *, block_rows: int | None = None) -> np.ndarray:
    """``Att~ = D(B)^-1 B V`` (Theorem 6.1): find sets by brute force, then Algorithm 2."""
    return algorithm2(SparsePlusOnes.from_qk(Q, K, tau, block_rows=block_rows), V)
