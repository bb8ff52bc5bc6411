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
from qresource.loaders.kinds import LoaderKind
from qresource.machinery.depth import DepthCost, TDepthCost
from qresource.machinery.logical import logical_counts

N, b, L = sympy.symbols("N b L", integer=True, positive=True)
W, V = sympy.symbols("W V", integer=True, nonnegative=True)
k = sympy.Symbol("k", integer=True, nonnegative=True)

LEAF_NAMES = ("and", "and_10", "and_dag", "cnot", "x", "h", "phase", "cswap_approx")

# A loader with a table of at most this many words gets its depth from the longest path over the
# decomposition (exact for its data); larger ones, and every table given by shape only, from the
# closed form (exact at powers of two with every bit 1, an upper bound otherwise).
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
    kind = LoaderKind.parse(kind)
    n, P = address_width(), _leaves_p()
    zero = sympy.Integer(0)
    if kind == LoaderKind.FANOUT:
        return {
            "and": P - 2,
            "and_10": zero,
            "and_dag": P - 2,
            # root 4 + copy-out b + fan-out/in 2(P - 1 - n) + router CNOTs 2(P - 2)
            # + leaf writes 2W + merge/unmerge b(P - 2)
            "cnot": 4 + b + 2 * (P - 1 - n) + 2 * (P - 2) + 2 * W + b * (P - 2),
            "x": sympy.Integer(2),
            "h": zero,
            "phase": zero,
            "cswap_approx": zero,
        }
    if kind == LoaderKind.BUCKET_BRIGADE:
        # the address: bit l routed through levels 0..l-1; the bus: levels 0..n-2 per bit
        routed = (P - n - 1) + b * (P / 2 - 1)
        return {
            "and": routed,
            "and_10": zero,
            "and_dag": routed,
            "cnot": 2 * routed,
            "x": zero,
            "h": 2 * b,
            "phase": V,
            "cswap_approx": zero,
        }
    if kind == LoaderKind.QROM:
        # Qualtran's unary iteration computes its ANDs with the second control inverted
        return {
            "and": zero,
            "and_10": N - 2,
            "and_dag": N - 2,
            "cnot": W + N - 2,
            "x": sympy.Integer(2),
            "h": zero,
            "phase": zero,
            "cswap_approx": zero,
        }
    M = _blocks()
    return {
        "and": zero,
        "and_10": 2 * (M - 2),
        "and_dag": 2 * (M - 2),
        # two QROMs over M blocks (W ones in all) and the b-bit copy into the target
        "cnot": 2 * (W + M - 2) + b,
        "x": sympy.Integer(4),
        "h": zero,
        "phase": zero,
        # two swap networks of 2^k - 1 controlled b-bit swaps each, counted per bit
        "cswap_approx": 2 * (2**k - 1) * b,
    }


def qubit_expression(kind: str) -> sympy.Expr:
    """Peak live qubits."""
    kind = LoaderKind.parse(kind)
    n, P = address_width(), _leaves_p()
    if kind == LoaderKind.FANOUT:
        # address n + target b + leaf flags P + address copies (P - 1 - n) + L lanes of P / 2
        return 2 * P - 1 + b + L * 2 ** (n - 1)
    if kind == LoaderKind.BUCKET_BRIGADE:
        # P - 1 routers (the n address qubits among them) + target b + P/2 - 1 bus wires
        return 3 * P / 2 + b - 2
    if kind == LoaderKind.QROM:
        # address n + target b + n - 1 unary-iteration ANDs live at once (Qualtran's count)
        return 2 * n - 1 + b
    # the inner QROM over n - k selection bits with a 2^k b-bit target, plus k and b
    return 2 * (n - k) - 1 + 2**k * b + k + b


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
    Exact for the fan-out QRAM with all its lanes (all bits 1), the bucket brigade (all bits 1)
    and QROM; for QROAM exact when k = 0 and an upper bound (its five parts run one after
    another) when k >= 1. The fan-out QRAM with fewer lanes than bits has none (None)."""
    kind = LoaderKind.parse(kind)
    n = address_width()
    if kind == LoaderKind.FANOUT:
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
    if kind == LoaderKind.BUCKET_BRIGADE:
        return bucket_brigade_depth()
    if kind == LoaderKind.QROM:
        return _qrom_depth(N, W)
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


def bucket_brigade_depth() -> tuple[sympy.Expr, sympy.Expr]:
    """(depth, T-depth) of the routing bucket brigade with every bit of the table 1: each bit
    of the word is one bus trip of 14 layers per routing level and 7 more (H, the leaf phase,
    the root's copy), the address loading and unloading pipeline under them except for 3
    layers, and a last word alone in its pair (N odd) adds its second leaf gate to every trip.
    One T layer per level per bit, plus the address's n - 1 levels and one."""
    n = address_width()
    depth = (14 * b + 7) * (n - 1) + 3 + b * sympy.Mod(N, 2)
    t_depth = sympy.Piecewise((0, sympy.Eq(n, 1)), ((b + 1) * n - b, True))
    return depth, t_depth


# --- numbers ---------------------------------------------------------------------------------

def bucket_brigade_active_path(n_words: int, bits: int) -> dict[str, int]:
    """Toffoli and T of the routers one access of the routing bucket brigade goes through, the
    routers off its path left out: the cost "QRAM" is charged per access when only the active
    path is paid for (Giovannetti, Lloyd, Maccone, PRL 100, 160501 (2008); Hann et al., PRX
    Quantum 2, 020311 (2021)).

    With n = ceil(log2 N): address bit l is routed through the l routers above its level
    (n (n - 1) / 2 in all), and each of the b bits of the word travels the n - 1 levels of the
    bus; one AND each, uncomputed by measurement, as in :class:`BucketBrigadeQRAM` whose full
    count (every router of each level) is :func:`leaf_expressions`. docs/qlaci.md, section 7.
    """
    n = integers.address_width(n_words)
    ands = n * (n - 1) // 2 + bits * (n - 1)
    per_and = leaf_costs()["and"]
    return {"toffoli": ands * per_and["toffoli"], "t": ands * per_and["t"]}


@functools.lru_cache(maxsize=None)
def leaf_costs() -> dict[str, dict[str, int]]:
    """Clifford+T cost of each leaf gate, from the package's lowering table."""
    from qualtran.bloqs.basic_gates import CNOT, Hadamard, XGate, ZGate
    from qualtran.bloqs.mcmt.and_bloq import And
    from qualtran.bloqs.swap_network import CSwapApprox

    leaves = {
        "and": And(),
        "and_10": And(cv1=1, cv2=0),
        "and_dag": And(uncompute=True),
        "cnot": CNOT(),
        "x": XGate(),
        "h": Hadamard(),
        "phase": ZGate(),  # Z or CZ: one Clifford each
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


def table_weight(kind: str, n_words: int, bits: int, data=None) -> int:
    """The table statistic the closed forms of ``kind`` take: W, the number of 1-bits (every
    bit 1 without data: the worst case for the fan-out QRAM, Qualtran's shape-only convention
    for QROM and QROAM); for the bucket brigade V, its number of leaf-phase gates
    (:func:`qresource.loaders.bucket_brigade.leaf_gate_count`, every bit 1 without data)."""
    if LoaderKind.parse(kind) == LoaderKind.BUCKET_BRIGADE:
        return _leaf_gate_count(n_words, bits, data)
    if data is None:
        return n_words * bits
    return sum(int(x).bit_count() for x in data)


LEAF_PHASE_GATES = {(0, 0): (), (1, 1): ("z",), (0, 1): ("cz",), (1, 0): ("z", "cz")}
"""Bucket brigade: the Clifford gates that give the bus wire of a last-level router the phase
(-1)^d of the leaf it points to, by (d_left, d_right): ``"z"`` on the wire, ``"cz"`` between
the router and the wire (the router is 1 when it points right)."""


def _leaf_gate_count(n_words: int, bits: int, data) -> int:
    """V without enumerating the leaves when there is no table: per bit, one Z for every full
    pair of words and two gates (Z and CZ) for a last word alone in its pair."""
    if data is None:
        return bits * (n_words // 2 + 2 * (n_words % 2))
    pairs = {pattern: len(gates) for pattern, gates in LEAF_PHASE_GATES.items()}
    total = 0
    padded = list(data) + [0] * (n_words % 2)
    for i in range(bits):
        shift = bits - 1 - i
        for p in range(0, len(padded), 2):
            total += pairs[((padded[p] >> shift) & 1, (padded[p + 1] >> shift) & 1)]
    return total


def loader_counts(
    kind: str,
    n_words: int,
    bits: int,
    ones: Optional[int] = None,
    log_block_size: Optional[int] = None,
    lanes: Optional[int] = None,
) -> dict[str, Optional[int]]:
    """Exact integer counts of loader ``kind`` (LogicalCounts keys). ``ones`` is the table
    weight (:func:`table_weight`, its default without a table); ``log_block_size`` (QROAM)
    defaults to the loaders module's choice, ``lanes`` (fan-out) to ``bits``. A depth with no
    closed form (the fan-out QRAM with fewer lanes than bits) is None."""
    kind = LoaderKind.parse(kind)
    if ones is None:
        ones = table_weight(kind, n_words, bits)
    lanes = bits if lanes is None else lanes
    values = {N: n_words, b: bits, W: ones, V: ones, L: lanes}
    if kind == LoaderKind.QROAM:
        if log_block_size is None:
            log_block_size = qroam_log_block_size(n_words, bits)
        values[k] = log_block_size
    out: dict[str, Optional[int]] = {}
    for key, expr in _expressions_cached(kind).items():
        if kind == LoaderKind.FANOUT and lanes != bits and key in ("depth", "t_depth"):
            out[key] = None
            continue
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
    kind = bloq.kind
    lanes = getattr(bloq, "lanes", None)
    ones = None
    if bloq.data is not None:
        if bloq.n_words <= EXACT_DEPTH_MAX_WORDS:
            return NotImplemented  # small enough for the exact longest path over the decomposition
        if kind != LoaderKind.BUCKET_BRIGADE:  # the bucket brigade's depth takes every bit 1
            ones = table_weight(kind, bloq.n_words, bloq.bits, bloq.data)
    if kind == LoaderKind.FANOUT and lanes != bloq.bits:
        return NotImplemented  # no closed form: the longest path over the decomposition
    counts = loader_counts(kind, bloq.n_words, bloq.bits, ones, getattr(bloq, "log_block_size", None), lanes)
    if isinstance(cost_key, TDepthCost):
        return counts["t_depth"]
    if kind == LoaderKind.BUCKET_BRIGADE and bloq.data is not None and bloq.n_words % 2 == 0:
        # a pair of words (1, 0) takes two leaf gates where every bit 1 takes one: the bound
        # charges the second gate to every trip
        return counts["depth"] + bloq.bits
    return counts["depth"]
