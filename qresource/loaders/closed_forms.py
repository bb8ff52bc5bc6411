"""Closed forms for the three data loaders, as sympy expressions in N (words), b (bits per
word), W (number of 1-bits in the table) and k (QROAM's log2 block size).

Derivations are in docs/loaders.md. Every count is built in two steps:

1. the number of each *leaf* gate of the loader's decomposition (temporary AND, its
   measurement-based uncomputation, CNOT, X, and QROAM's approximate controlled swap), as an
   exact expression (:func:`leaf_expressions`);
2. each leaf weighted by its own Clifford+T cost from the lowering table
   (:func:`qresource.machinery.logical.logical_counts` of that leaf), so that these closed forms
   and the hierarchical counts agree by construction on the gate set and only the leaf
   multiplicities are claimed here (and tested against the bloqs for every N in 2..64).

Qubits, depth and T-depth have their own expressions (:func:`qubit_expression`,
:func:`depth_expressions`). Tables: the bucket brigade's counts are exact for every table
(its Clifford count and depth take every bit equal to 1, the worst case, when W is not given);
QROM's and QROAM's are exact for tables in which no two neighbouring words (neighbouring
blocks, for QROAM) are equal, since Qualtran's unary iteration skips runs of equal words.
QROM's and QROAM's depth and T-depth are exact when N (for QROAM, N / lambda) is a power of two
and upper bounds otherwise (docs/loaders.md, "Depth").
"""

from __future__ import annotations

import functools
from typing import Optional

import sympy
from qualtran.bloqs.data_loading.select_swap_qrom import find_optimal_log_block_size

from qresource.core import integers
from qresource.machinery.depth import DepthCost, TDepthCost
from qresource.machinery.logical import logical_counts

N, b, W = sympy.symbols("N b W", integer=True, positive=True)
k = sympy.Symbol("k", integer=True, nonnegative=True)

LEAF_NAMES = ("and", "and_10", "and_dag", "cnot", "x", "cswap_approx")

# QROM/QROAM with a table of at most this many words get their depth from the longest path over
# the decomposition (exact); larger ones, and every table given by shape only, from the closed
# form (exact at powers of two, an upper bound otherwise).
EXACT_DEPTH_MAX_WORDS = 1024


def qroam_log_block_size(n_words: int, bits: int) -> int:
    """The block size exponent k (lambda = 2^k) used for ``"qroam"``: Qualtran's own choice for a
    clean-ancilla SelectSwapQROM, the integer k minimising ``N / 2^k + 2 b (2^k - 1)``
    (``find_optimal_log_block_size(N, b, use_dirty_ancilla=False)``), capped at
    ceil(log2 N) - 1 so that there are at least two blocks."""
    k = int(find_optimal_log_block_size(n_words, bits, use_dirty_ancilla=False))
    return max(0, min(k, integers.address_width(n_words) - 1))


class CeilLog2(sympy.Function):
    """ceil(log2 N) for N >= 2: the address width. Evaluates exactly on integers."""

    is_integer = True
    is_positive = True

    @classmethod
    def eval(cls, value):
        if value.is_Integer:
            if value < 2:
                raise ValueError(f"CeilLog2 needs N >= 2, got {value}")
            return sympy.Integer((int(value) - 1).bit_length())
        return None


def address_width():
    return CeilLog2(N)


def _leaves_p():
    return 2 ** CeilLog2(N)


def _blocks():
    """QROAM: the number of blocks M = ceil(N / 2^k)."""
    return sympy.ceiling(N / 2**k)


def leaf_expressions(kind: str) -> dict[str, sympy.Expr]:
    """Multiplicity of each leaf gate in the decomposition of loader ``kind``."""
    n, P = address_width(), _leaves_p()
    if kind == "bucket-brigade":
        return {
            "and": P - 2,
            "and_10": sympy.Integer(0),
            "and_dag": P - 2,
            # root 4 + copy-out b + fan-out/in 2(P - 1 - n) + router CNOTs 2(P - 2)
            # + leaf writes 2W + merge/unmerge b(P - 2)
            "cnot": 4 + b + 2 * (P - 1 - n) + 2 * (P - 2) + 2 * W + b * (P - 2),
            "x": sympy.Integer(2),
            "cswap_approx": sympy.Integer(0),
        }
    if kind == "qrom":
        # Qualtran's unary iteration computes its ANDs with the second control inverted
        return {
            "and": sympy.Integer(0),
            "and_10": N - 2,
            "and_dag": N - 2,
            "cnot": W + N - 2,
            "x": sympy.Integer(2),
            "cswap_approx": sympy.Integer(0),
        }
    if kind == "qroam":
        M = _blocks()
        return {
            "and": sympy.Integer(0),
            "and_10": 2 * (M - 2),
            "and_dag": 2 * (M - 2),
            # two QROMs over M blocks (W ones in all) and the b-bit copy into the target
            "cnot": 2 * (W + M - 2) + b,
            "x": sympy.Integer(4),
            # two swap networks of 2^k - 1 controlled b-bit swaps each, counted per bit
            "cswap_approx": 2 * (2**k - 1) * b,
        }
    raise ValueError(f"unknown loader {kind!r}")


def qubit_expression(kind: str) -> sympy.Expr:
    """Peak live qubits."""
    n, P = address_width(), _leaves_p()
    if kind == "bucket-brigade":
        # address n + target b + leaf flags P + address copies (P - 1 - n) + lanes b P / 2
        return 2 * P - 1 + b + b * 2 ** (n - 1)
    if kind == "qrom":
        # address n + target b + n - 1 unary-iteration ANDs live at once (Qualtran's count)
        return 2 * n - 1 + b
    if kind == "qroam":
        # the inner QROM over n - k selection bits with a 2^k b-bit target, plus k and b
        return 2 * (n - k) - 1 + 2**k * b + k + b
    raise ValueError(f"unknown loader {kind!r}")


def _qrom_depth(items, width_ones):
    """Depth and T-depth of Qualtran's QROM over ``items`` words holding ``width_ones`` 1-bits."""
    return (
        sympy.Piecewise((2 + width_ones, sympy.Eq(items, 2)), (13 * items - 23 + width_ones, True)),
        sympy.Piecewise((0, sympy.Eq(items, 2)), (items - 1, True)),
    )


def _swap_with_zero_depth() -> tuple[sympy.Expr, sympy.Expr]:
    """Qualtran's SwapWithZero over 2^k registers of b bits: k levels of approximate
    controlled swaps (about 25 layers each); the top selection bit controls 2^(k-1) b-bit swaps
    one after another."""
    return (25 * k - 1 + 2 ** (k - 1) * b, 4 * k)


def depth_expressions(kind: str) -> tuple[sympy.Expr, sympy.Expr]:
    """(depth, T-depth) under the ASAP schedule of the lowered circuit, every temporary qubit a
    fresh wire (the definition of :mod:`qresource.machinery.depth`); docs/loaders.md derives them.
    Exact for the bucket brigade (all bits 1) and QROM; for QROAM exact when k = 0 and an upper
    bound (its five parts run one after another) when k >= 1."""
    n, P = address_width(), _leaves_p()
    if kind == "bucket-brigade":
        # A lone word in the right half of the tree (N = P/2 + 1, n >= 2 since n = 1 is caught
        # first) shortens the critical path. Conditions are single equalities so that the
        # expressions also compile for exact array evaluation.
        lone_right_word = sympy.Eq(N, 2 ** (n - 1) + 1)
        depth = sympy.Piecewise(
            (sympy.Max(b + 9, 2 * b + 6), sympy.Eq(n, 1)),
            (16 * n - 10 + 2 * sympy.Max(b, 2) - sympy.Max(2 - b, 0),  # one layer less, two for b = 1
             lone_right_word),
            (16 * n - 9 + 2 * sympy.Max(b, 2), True),
        )
        t_depth = sympy.Piecewise((0, sympy.Eq(n, 1)), (n, True))
        return depth, t_depth
    if kind == "qrom":
        return _qrom_depth(N, W)
    if kind == "qroam":
        M = _blocks()
        qrom_depth, qrom_t_depth = _qrom_depth(M, W)
        swap_depth, swap_t_depth = _swap_with_zero_depth()
        return (
            sympy.Piecewise(
                # k = 0: QROM, CNOT copy, QROM; the copy hides inside the QROMs' schedules
                (sympy.Piecewise((2 * qrom_depth, sympy.Eq(M, 2)), (2 * qrom_depth - 1, True)),
                 sympy.Eq(k, 0)),
                (2 * qrom_depth + 2 * swap_depth + 1, True),
            ),
            sympy.Piecewise((sympy.Max(2 * qrom_t_depth - 1, 0), sympy.Eq(k, 0)),
                            (2 * qrom_t_depth + 2 * swap_t_depth, True)),
        )
    raise ValueError(f"unknown loader {kind!r}")


# --- numbers ---------------------------------------------------------------------------------

@functools.lru_cache(maxsize=None)
def leaf_costs() -> dict[str, dict[str, int]]:
    """Clifford+T cost of each leaf gate, from the package's lowering table."""
    from qualtran.bloqs.basic_gates import CNOT, XGate
    from qualtran.bloqs.mcmt.and_bloq import And
    from qualtran.bloqs.swap_network import CSwapApprox

    leaves = {
        "and": And(),
        "and_10": And(cv1=1, cv2=0),
        "and_dag": And(uncompute=True),
        "cnot": CNOT(),
        "x": XGate(),
        "cswap_approx": CSwapApprox(1),
    }
    out = {}
    for name, bloq in leaves.items():
        counts = logical_counts(bloq, with_depth=False).as_dict()
        out[name] = {key: counts[key] for key in ("toffoli", "t", "clifford", "rotations", "measurements")}
    return out


def expressions(kind: str) -> dict[str, sympy.Expr]:
    """Every logical count of ``kind`` as a sympy expression (keys of LogicalCounts)."""
    leaves = leaf_expressions(kind)
    costs = leaf_costs()
    out = {}
    for key in ("toffoli", "t", "clifford", "rotations", "measurements"):
        out[key] = sympy.expand(sum(leaves[name] * costs[name][key] for name in LEAF_NAMES))
    out["qubits"] = qubit_expression(kind)
    out["depth"], out["t_depth"] = depth_expressions(kind)
    return out


def default_ones(n_words: int, bits: int) -> int:
    """W used when the table is not given: every bit 1, N b ones (the worst case for the bucket
    brigade, and Qualtran's shape-only convention for QROM and QROAM)."""
    return n_words * bits


def loader_counts(
    kind: str,
    n_words: int,
    bits: int,
    ones: Optional[int] = None,
    log_block_size: Optional[int] = None,
) -> dict[str, int]:
    """Exact integer counts of loader ``kind`` (LogicalCounts keys). ``ones`` defaults to
    :func:`default_ones`; ``log_block_size`` (QROAM) to the loaders module's default."""
    if ones is None:
        ones = default_ones(n_words, bits)
    values = {N: n_words, b: bits, W: ones}
    if kind == "qroam":
        if log_block_size is None:

            log_block_size = qroam_log_block_size(n_words, bits)
        values[k] = log_block_size
    out = {}
    for key, expr in _expressions_cached(kind).items():
        value = sympy.sympify(expr).subs(values)
        if not value.is_Integer:
            value = sympy.nsimplify(value)
        if not value.is_Integer:
            raise ValueError(f"{kind} {key} did not evaluate to an integer: {value}")
        out[key] = int(value)
    return out


@functools.lru_cache(maxsize=None)
def _expressions_cached(kind: str) -> dict[str, sympy.Expr]:
    return expressions(kind)


def static_cost(bloq, cost_key):
    """``my_static_costs`` hook of the loader bloqs: depth and T-depth from the closed forms."""

    if not isinstance(cost_key, (DepthCost, TDepthCost)):
        return NotImplemented
    kind = getattr(bloq, "kind", "bucket-brigade")
    ones = None
    if bloq.data is not None:
        if kind != "bucket-brigade" and bloq.n_words <= EXACT_DEPTH_MAX_WORDS:
            return NotImplemented  # small enough for the exact longest path over the decomposition
        ones = sum(int(x).bit_count() for x in bloq.data)
    counts = loader_counts(kind, bloq.n_words, bloq.bits, ones, getattr(bloq, "log_block_size", None))
    return counts["depth"] if isinstance(cost_key, DepthCost) else counts["t_depth"]
