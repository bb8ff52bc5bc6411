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

from qresource.core import integers
from qresource.loaders.kinds import LoaderKind
from qresource.machinery.depth import DepthCost, TDepthCost
from qresource.machinery.lattice_surgery import LatticeSurgeryDepthCost
from qresource.machinery.logical import logical_counts
from qresource.machinery.measured import MeasurementReset, ParityControlledCZ, XBasisMeasurement

N, b, L = sympy.symbols("N b L", integer=True, positive=True)
W, V = sympy.symbols("W V", integer=True, nonnegative=True)
k = sympy.Symbol("k", integer=True, nonnegative=True)
#: words of the table holding at least one 1-bit (every word without a table)
Z = sympy.Symbol("Z", integer=True, nonnegative=True)

LEAF_NAMES = ("and", "and_10", "and_dag", "cnot", "x", "h", "phase", "cswap_approx", "cswap",
              "measure_x", "reset", "parity_cz")

# A loader with a table of at most this many words gets its depth from the longest path over the
# decomposition (exact for its data); larger ones, and every table given by shape only, from the
# closed form (exact at powers of two with every bit 1, an upper bound otherwise).
EXACT_DEPTH_MAX_WORDS = 1024


def unload_and_count(n_words: int, log_block_size: int) -> int:
    """Toffoli-class gates of the measured unload: ceil(N / K) - 2 unary-iteration ANDs and
    max(K - 2, 0) one-hot ANDs, K = 2^k."""
    blocks = -(-n_words // 2**log_block_size)
    return blocks - 2 + max(2**log_block_size - 2, 0)


def unload_log_block_size(n_words: int) -> int:
    """k = floor(ceil(log2 N) / 2): K = 2^k and the ceil(N / K) blocks are both about sqrt(N),
    which minimises the unload's Toffolis ceil(N / K) + K - 4 over k (checked for every N up
    to 2^16 in the tests) and, being an expression of N, keeps the closed forms in N, b, W, k."""
    return integers.address_width(n_words) // 2


def load_log_block_size(n_words: int, bits: int) -> int:
    """The k minimising the load's Toffoli-class gates ceil(N / K) - 2 + (K - 1) b (ties to the
    smaller k), over 0 <= k <= ceil(log2 N) - 1."""
    return min(range(integers.address_width(n_words)),
               key=lambda k: (-(-n_words // 2**k) + (2**k - 1) * bits, k))


def qroam_log_block_size(n_words: int, bits: int) -> int:
    """The block size exponent k (K = 2^k words per block) of the ``"qroam"`` load: the integer
    k in [0, ceil(log2 N) - 1] minimising its Toffoli-class gates ceil(N / K) - 2 + (K - 1) b
    (:func:`qresource.loaders.qroam_unload.load_log_block_size`)."""
    return load_log_block_size(n_words, bits)


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
            **_NO_MEASURED_LEAVES,
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
            **_NO_MEASURED_LEAVES,
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
            **_NO_MEASURED_LEAVES,
        }
    M = _blocks()
    # Qualtran's QROM over M blocks of K b bits, K - 1 exact b-bit controlled swaps, the b-bit
    # CNOT copy, then the K b-bit scratch unloaded by measurement (every block slot of every
    # address: K W ones in all, exact without a table or when K divides N)
    load = {
        "and": zero,
        "and_10": M - 2,
        "and_dag": M - 2,
        "cnot": W + M - 2 + b,
        "x": sympy.Integer(2),
        "h": zero,
        "phase": zero,
        "cswap_approx": zero,
        **_NO_MEASURED_LEAVES,
        "cswap": (2**k - 1) * b,
    }
    return _add_leaves(load, unload_leaf_expressions(2**k * b, 2**k * W))


_NO_MEASURED_LEAVES = {"cswap": sympy.Integer(0), "measure_x": sympy.Integer(0), "reset": sympy.Integer(0),
                       "parity_cz": sympy.Integer(0)}


def _add_leaves(first: dict, second: dict) -> dict:
    return {name: first.get(name, 0) + second.get(name, 0) for name in LEAF_NAMES}


def unload_log_block_size_expression() -> sympy.Expr:
    """The measured unload's block size exponent, floor(ceil(log2 N) / 2)."""
    return sympy.floor(address_width() / 2)


def unload_leaf_expressions(width, ones) -> dict[str, sympy.Expr]:
    """Leaves of :class:`~qresource.loaders.qroam_unload.QROAMMeasurementUnload` of N words of
    ``width`` bits holding ``ones`` 1-bits, its block size from
    :func:`unload_log_block_size_expression`; every word counted as not 0 (N parity-controlled
    CZs: exact without a table, the worst case with one)."""
    u = unload_log_block_size_expression()
    blocks = sympy.ceiling(N / 2**u)
    one_hot = sympy.Max(2**u - 2, 0)
    zero = sympy.Integer(0)
    return {
        "and": one_hot,
        "and_10": blocks - 2,
        "and_dag": blocks - 2 + one_hot,
        "cnot": blocks - 2 + sympy.Piecewise((0, sympy.Eq(u, 0)), (2 * one_hot + 4, True)) + ones,
        "x": sympy.Integer(4),
        "h": zero,
        "phase": zero,
        "cswap_approx": zero,
        "cswap": zero,
        "measure_x": width,
        "reset": width,
        "parity_cz": N,
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
    # address n, target b, the K b-bit scratch, then the scratch unload's ancillas (one-hot 2^u
    # qubits, n - u - 1 ANDs, one parity qubit), more than the lookup's n - k - 1 ANDs
    u = unload_log_block_size_expression()
    return 2 * n + b + 2**k * b + 2**u - u


def unload_qubit_expression() -> sympy.Expr:
    """Peak live qubits of the measured unload of the b-bit target."""
    u = unload_log_block_size_expression()
    return 2 * address_width() + b + 2**u - u


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
    unload_depth, unload_t_depth = unload_depth_expressions(2**k * b)
    # the lookup's QROM, its K - 1 b-bit exact swaps one after another (13 layers, T-depth 4
    # each), the one-layer copy, the scratch unload: an upper bound, as the parts may overlap
    return (qrom_depth + 13 * (2**k - 1) * b + 1 + unload_depth,
            qrom_t_depth + 4 * (2**k - 1) * b + unload_t_depth)


def _qrom_lattice_surgery_depth(items, nonzero):
    """Lattice-surgery depth of Qualtran's QROM over ``items`` words, ``nonzero`` of them holding
    a 1-bit: its depth with each word write one step instead of one per 1-bit."""
    return sympy.Piecewise((2 + nonzero, sympy.Eq(items, 2)), (11 * items - 19 + nonzero, True))


def lattice_surgery_depth_expression(kind: str) -> sympy.Expr:
    """Lattice-surgery depth (:mod:`qresource.machinery.lattice_surgery`): ``depth`` with every
    CNOT fan-out from one control one step; docs/loaders.md derives each form. Exact where the
    depth is (the fan-out QRAM and the bucket brigade with every bit 1, QROM); for QROAM an upper
    bound built as its depth bound is, with the lookup's QROM at its lattice-surgery depth."""
    kind = LoaderKind.parse(kind)
    n = address_width()
    if kind == LoaderKind.FANOUT:
        lone_right_word = sympy.Eq(N, 2 ** (n - 1) + 1)
        return sympy.Piecewise(
            (sympy.Max(b + 8, 2 * b + 6), sympy.Eq(n, 1)),
            (14 * n - 9 + sympy.Max(2 * b, 3), lone_right_word),
            (14 * n - 8 + sympy.Max(2 * b, 3), True),
        )
    if kind == LoaderKind.BUCKET_BRIGADE:
        return (12 * b + 5) * (n - 1) + 3 + b * sympy.Mod(N, 2)
    if kind == LoaderKind.QROM:
        return _qrom_lattice_surgery_depth(N, Z)
    M = _blocks()
    unload_depth, _ = unload_depth_expressions(2**k * b)
    return _qrom_lattice_surgery_depth(M, M) + 13 * (2**k - 1) * b + 1 + unload_depth


def unload_depth_expressions(width) -> tuple[sympy.Expr, sympy.Expr]:
    """Upper bounds on the (depth, T-depth) of the measured unload of N words of ``width`` bits
    (docs/loaders.md): a schedule that keeps each qubit's gate order takes X-basis measurements
    (2 layers), the one-hot register (3 layers, then an AND of 11 layers and a CNOT for each of
    its K - 2 later units), every parity read pipelined (N + width layers: address x reads
    outcome j at layer x + j), the unary iteration and the parity-controlled CZs one after
    another (2 X, 15 layers per inner node, 2 per CZ), the one-hot undo (3 + 4 (K - 2)) and the
    resets (2); the ASAP schedule is no longer. Only the ANDs hold T gates (T-depth 2 each)."""
    u = unload_log_block_size_expression()
    blocks = sympy.ceiling(N / 2**u)
    one_hot = sympy.Max(2**u - 2, 0)
    build = sympy.Piecewise((1, sympy.Eq(u, 0)), (3 + 12 * one_hot, True))
    undo = sympy.Piecewise((1, sympy.Eq(u, 0)), (3 + 4 * one_hot, True))
    depth = 2 + build + (N + width) + 2 + 15 * (blocks - 2) + 2 * N + undo + 2
    return depth, 2 * (blocks - 2) + 2 * one_hot


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
    from qualtran.bloqs.basic_gates import CNOT, Hadamard, TwoBitCSwap, XGate, ZGate
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
        "cswap": TwoBitCSwap(),
        "measure_x": XBasisMeasurement(),
        "reset": MeasurementReset(),
        "parity_cz": ParityControlledCZ(),
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
    out["lattice_surgery_depth"] = lattice_surgery_depth_expression(kind)
    return out


def unload_expressions(kind: str) -> dict[str, sympy.Expr]:
    """Every logical count of the bloq that returns the loaded target of ``kind`` to |0> (its
    adjoint): the loader itself for every kind but QROAM, whose unload is by measurement."""
    if LoaderKind.parse(kind) != LoaderKind.QROAM:
        return expressions(kind)
    leaves = unload_leaf_expressions(b, W)
    costs = leaf_costs()
    out = {}
    for key in ("toffoli", "t", "clifford", "rotations", "measurements"):
        out[key] = sympy.expand(sum(leaves[name] * costs[name][key] for name in LEAF_NAMES))
    out["qubits"] = unload_qubit_expression()
    out["depth"], out["t_depth"] = unload_depth_expressions(b)
    # the depth bound's schedule keeps every gate whole: a bound on the lattice-surgery reading too
    out["lattice_surgery_depth"] = out["depth"]
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


def nonzero_words(n_words: int, data=None) -> int:
    """Words of the table holding at least one 1-bit (every word without a table)."""
    if data is None:
        return n_words
    return sum(1 for x in data if int(x))


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
    nonzero: Optional[int] = None,
) -> dict[str, Optional[int]]:
    """Exact integer counts of loader ``kind`` (LogicalCounts keys). ``ones`` is the table
    weight (:func:`table_weight`, its default without a table); ``log_block_size`` (QROAM)
    defaults to the loaders module's choice, ``lanes`` (fan-out) to ``bits``, ``nonzero`` (the
    words holding a 1-bit, :func:`nonzero_words`) to every word. A depth with no closed form
    (the fan-out QRAM with fewer lanes than bits) is None."""
    kind = LoaderKind.parse(kind)
    if ones is None:
        ones = table_weight(kind, n_words, bits)
    lanes = bits if lanes is None else lanes
    values = {N: n_words, b: bits, W: ones, V: ones, L: lanes, Z: n_words if nonzero is None else nonzero}
    if kind == LoaderKind.QROAM:
        if log_block_size is None:
            log_block_size = qroam_log_block_size(n_words, bits)
        values[k] = log_block_size
    return _evaluate(_expressions_cached(kind), values, kind, lanes != bits)


def unload_counts(kind: str, n_words: int, bits: int, ones: Optional[int] = None) -> dict[str, Optional[int]]:
    """Exact integer counts of the unload of loader ``kind`` (:func:`unload_expressions`): equal
    to :func:`loader_counts` except for QROAM, unloaded by measurement."""
    kind = LoaderKind.parse(kind)
    if kind != LoaderKind.QROAM:
        return loader_counts(kind, n_words, bits, ones)
    if ones is None:
        ones = table_weight(kind, n_words, bits)
    return _evaluate(_unload_expressions_cached(kind), {N: n_words, b: bits, W: ones, Z: n_words}, kind, False)


def _evaluate(expressions_of_kind: dict, values: dict, kind: LoaderKind, no_depth: bool) -> dict[str, Optional[int]]:
    out: dict[str, Optional[int]] = {}
    for key, expr in expressions_of_kind.items():
        if kind == LoaderKind.FANOUT and no_depth and key in ("depth", "t_depth", "lattice_surgery_depth"):
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
def _unload_expressions_cached(kind: str) -> dict[str, sympy.Expr]:
    return unload_expressions(kind)


@functools.lru_cache(maxsize=None)
def _expressions_cached(kind: str) -> dict[str, sympy.Expr]:
    return expressions(kind)


def static_cost(bloq, cost_key):
    """``my_static_costs`` hook of the loader bloqs: depth and T-depth from the closed forms."""

    if not isinstance(cost_key, (DepthCost, TDepthCost, LatticeSurgeryDepthCost)):
        return NotImplemented
    kind = bloq.kind
    lanes = getattr(bloq, "lanes", None)
    ones = nonzero = None
    if bloq.data is not None:
        if bloq.n_words <= EXACT_DEPTH_MAX_WORDS:
            return NotImplemented  # small enough for the exact longest path over the decomposition
        if kind != LoaderKind.BUCKET_BRIGADE:  # the bucket brigade's depth takes every bit 1
            ones = table_weight(kind, bloq.n_words, bloq.bits, bloq.data)
            nonzero = nonzero_words(bloq.n_words, bloq.data)
    if kind == LoaderKind.FANOUT and lanes != bloq.bits:
        return NotImplemented  # no closed form: the longest path over the decomposition
    counts = loader_counts(kind, bloq.n_words, bloq.bits, ones, getattr(bloq, "log_block_size", None), lanes,
                           nonzero)
    if isinstance(cost_key, TDepthCost):
        return counts["t_depth"]
    key = "depth" if isinstance(cost_key, DepthCost) else "lattice_surgery_depth"
    if kind == LoaderKind.BUCKET_BRIGADE and bloq.data is not None and bloq.n_words % 2 == 0:
        # a pair of words (1, 0) takes two leaf gates where every bit 1 takes one: the bound
        # charges the second gate to every trip
        return counts[key] + bloq.bits
    return counts[key]
