"""Exact operation counts of classical attention, and seconds on named hardware.

Flop convention (docs/classical.md, "Operation counts"): every multiplication, addition or
subtraction, division and comparison is one operation; a multiply-add is two; an exponential
is ``exp_flops`` flops (default 1, the most favourable to the classical side: a CPU ``exp`` costs
tens of flops and an H100 evaluates exponentials about 250 times slower than its tensor cores
multiply).  All counts are exact Python integers for any ``n``.

- Naive attention (Definition 1.1), in this order: ``S = Q K^T`` (``n^2 d`` multiplications,
  ``n^2 (d-1)`` additions), ``A = exp(S)`` (``n^2`` exponentials), row sums ``D`` (``n (n-1)``
  additions), ``A V`` (``n^2 d`` multiplications, ``n (n-1) d`` additions), ``D^-1 (A V)``
  (``n d`` divisions).  The row-max shift that keeps it finite adds ``n (n-1)`` comparisons and
  ``n^2`` subtractions, reported separately as ``shift``.
- Sparse values (Algorithm 1 / 4, ``B_ij = exp(Q_i K_j^T)`` for ``j`` in ``S_i``): per entry ``d``
  multiplications, ``d - 1`` additions, one exponential.
- Algorithm 2 through Lemma 6.2's split, for ``E = sum_i |S_i|`` (``= n k`` at the worst case):
  column sums of ``V`` (``(n-1) d`` additions); per entry ``A_ij - 1`` (one subtraction) and
  ``(A_ij - 1) V_j`` added onto the column sums (``d`` multiplications, ``d`` additions); per
  row ``D(B)_ii = (n - |S_i|) + sum A_ij`` (one subtraction, ``|S_i|`` additions) and ``d``
  divisions.  Total: ``E d`` multiplications, ``(n-1) d + E (d + 2) + n`` additions, ``n d``
  divisions.
- Half-space reporting (Theorem 7.2, Afshani--Chan 2009 / Matousek 1992; Lemma 7.3): build
  ``C n log2 n``; each of the ``n`` queries ``C (n^(1 - 1/floor(d/2)) log2(n)^p + k)``.  ``C``
  (``halfspace_constant``, default 1) and ``p`` (``polylog_power``) stand for what the O~
  hides.  Default ``p``: 0 when ``floor(d/2) >= 2`` (the pure power law), 1 when ``floor(d/2) <= 1``
  (``d <= 3``, where the exponent is 0 and queries cost ``O(log n + k)``: Chazelle--Guibas--Lee
  1985 for d = 2, Afshani--Chan 2009 for d = 3, binary search for d = 1).  These are model
  operations, charged one flop each, and rounded up to an integer.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from qresource.classical.hardware import DEFAULT_HARDWARE, Hardware, get_hardware
from qresource.core.errors import QResourceError
from qresource.core.record import EstimateRecord

CONVENTION = (
    "1 flop per multiplication, addition/subtraction, division and comparison (a multiply-add "
    "is 2); an exponential is exp_flops flops; half-space operations are model operations "
    "charged 1 flop each; seconds = flops / (peak rate x utilisation)"
)


@dataclass(frozen=True)
class OpCounts:
    """Exact counts of arithmetic operations by kind."""

    mul: int = 0
    add: int = 0
    div: int = 0
    exp: int = 0
    cmp: int = 0

    def __add__(self, other: "OpCounts") -> "OpCounts":
        return OpCounts(*(getattr(self, f) + getattr(other, f) for f in ("mul", "add", "div", "exp", "cmp")))

    def flops(self, exp_flops: int | float = 1) -> int | float:
        return self.mul + self.add + self.div + self.cmp + self.exp * exp_flops

    def as_dict(self, exp_flops: int | float = 1) -> dict:
        return {"mul": self.mul, "add": self.add, "div": self.div, "exp": self.exp,
                "cmp": self.cmp, "flops": self.flops(exp_flops)}


def _check(n: int, d: int, k: int | None = None) -> None:
    for name, value, low in (("n", n, 2), ("d", d, 1)):
        if isinstance(value, bool) or not isinstance(value, int) or value < low:
            raise QResourceError(f"{name} must be an integer >= {low}, got {value!r}")
    if k is not None and (isinstance(k, bool) or not isinstance(k, int) or not 1 <= k <= n):
        raise QResourceError(f"k must be an integer with 1 <= k <= n = {n}, got {k!r}")


def naive_attention_counts(n: int, d: int, d_v: int | None = None) -> OpCounts:
    """Definition 1.1 computed as listed in the module notes (``d_v`` defaults to ``d``)."""
    _check(n, d)
    d_v = d if d_v is None else d_v
    return OpCounts(
        mul=n * n * d + n * n * d_v,
        add=n * n * (d - 1) + n * (n - 1) + n * (n - 1) * d_v,
        div=n * d_v,
        exp=n * n,
    )


def shift_counts(n: int) -> OpCounts:
    """The row-max shift of the stable formula: ``n (n-1)`` comparisons, ``n^2`` subtractions."""
    return OpCounts(add=n * n, cmp=n * (n - 1))


def sparse_values_counts(d: int, entries: int) -> OpCounts:
    """``B_ij = exp(Q_i . K_j)`` on ``entries`` find-set entries."""
    return OpCounts(mul=entries * d, add=entries * (d - 1), exp=entries)


def algorithm2_counts(n: int, d_v: int, entries: int, rows: int | None = None) -> OpCounts:
    """Algorithm 2 (Lemma 6.2 split) with ``entries = sum_i |S_i|`` over ``rows`` rows (default
    ``n``); the worst case of a (tau, k)-good matrix is ``entries = n k``."""
    rows = n if rows is None else rows
    return OpCounts(
        mul=entries * d_v,
        add=(n - 1) * d_v + entries * (d_v + 2) + rows,
        div=rows * d_v,
    )


def halfspace_polylog_power(d: int) -> float:
    """The default ``p``: 0 for ``floor(d/2) >= 2``, 1 (queries ``O(log n + k)``) for ``d <= 3``."""
    return 1.0 if d // 2 <= 1 else 0.0


def halfspace_exponent(d: int) -> float:
    """``1 - 1/floor(d/2)``, and 0 where ``floor(d/2) <= 1``."""
    f = d // 2
    return 0.0 if f <= 1 else 1.0 - 1.0 / f


def halfspace_model(n: int, d: int, k: int, *, constant: float = 1.0,
                    polylog_power: float | None = None) -> dict:
    """Model operations of Algorithm 4: build ``C n log2 n`` plus ``n`` queries of
    ``C (n^e log2(n)^p + k)`` with ``e = halfspace_exponent(d)``.  ``ops`` is the float total;
    ``ops_int`` rounds it up."""
    _check(n, d, k)
    if not (math.isfinite(constant) and constant > 0):
        raise QResourceError(f"the half-space constant must be positive, got {constant}")
    p = halfspace_polylog_power(d) if polylog_power is None else float(polylog_power)
    if not (math.isfinite(p) and p >= 0):
        raise QResourceError(f"the polylog power must be non-negative, got {polylog_power}")
    e = halfspace_exponent(d)
    log_n = math.log2(n)
    build = constant * n * log_n
    query = constant * (n**e * log_n**p + k)
    total = build + n * query
    return {"build": build, "query_each": query, "queries": n, "ops": total,
            "ops_int": math.ceil(total), "exponent": e, "polylog_power": p, "constant": constant}


def loglog_slope(ns, values) -> float:
    """Least-squares slope of ``log values`` against ``log ns``."""
    xs = [math.log(x) for x in ns]
    ys = [math.log(y) for y in values]
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sum((x - mx) ** 2 for x in xs)


def _timed(counts: OpCounts, exp_flops, rate: float) -> dict:
    out = counts.as_dict(exp_flops)
    out["seconds"] = out["flops"] / rate
    return out


def classical_costs(
    n: int,
    d: int,
    k: int,
    *,
    hardware: str | Hardware = DEFAULT_HARDWARE,
    halfspace_constant: float = 1.0,
    polylog_power: float | None = None,
    utilisation: float = 1.0,
    exp_flops: int | float = 1,
    entries: int | None = None,
) -> dict:
    """The ``classical`` block of the JSON contract: exact counts and seconds of naive attention,
    of the sparse inference step (Algorithm 2 with ``entries = sum_i |S_i|``, default ``n k``,
    every ``|S_i| = k``), and of the half-space pipeline (Algorithm 4 + sparse values +
    Algorithm 2), on one hardware preset."""
    _check(n, d, k)
    if entries is None:
        entries = n * k
    elif not (isinstance(entries, int) and 0 <= entries <= n * k):
        raise QResourceError(f"entries = sum |S_i| must lie in [0, n k = {n * k}], got {entries!r}")
    if not (math.isfinite(utilisation) and 0 < utilisation <= 1):
        raise QResourceError(f"utilisation must lie in (0, 1], got {utilisation}")
    if not (math.isfinite(exp_flops) and exp_flops > 0):
        raise QResourceError(f"exp_flops must be positive, got {exp_flops}")
    if isinstance(exp_flops, float) and exp_flops.is_integer():
        exp_flops = int(exp_flops)
    hw = hardware if isinstance(hardware, Hardware) else get_hardware(hardware)
    rate = hw.peak_flops_per_s * utilisation

    naive = _timed(naive_attention_counts(n, d), exp_flops, rate)
    naive["shift"] = shift_counts(n).as_dict(exp_flops)
    values = sparse_values_counts(d, entries)
    inference = algorithm2_counts(n, d, entries)
    halfspace = halfspace_model(n, d, k, constant=halfspace_constant, polylog_power=polylog_power)
    halfspace["seconds"] = halfspace["ops"] / rate
    pipeline_ops = halfspace["ops_int"] + values.flops(exp_flops) + inference.flops(exp_flops)
    return {
        "convention": CONVENTION,
        "hardware": hw.as_dict(),
        "utilisation": utilisation,
        "exp_flops": exp_flops,
        "rate_flops_per_s": rate,
        "naive": naive,
        "sparse_values": _timed(values, exp_flops, rate),
        "sparse_inference": _timed(inference, exp_flops, rate),
        "halfspace": halfspace,
        "halfspace_pipeline": {"ops": pipeline_ops, "seconds": pipeline_ops / rate},
    }


def estimate_classical(
    n: int,
    d: int,
    k: int,
    *,
    hardware: str | Hardware = DEFAULT_HARDWARE,
    halfspace_constant: float = 1.0,
    polylog_power: float | None = None,
    utilisation: float = 1.0,
    exp_flops: int | float = 1,
) -> EstimateRecord:
    """``classical_costs`` as an ``EstimateRecord`` (primitive ``classical``); the quantum keys
    (``logical``, ``queries``, ``iterations``, ``success_probability``, ``registers``,
    ``physical``) are null."""
    try:
        costs = classical_costs(n, d, k, hardware=hardware, halfspace_constant=halfspace_constant,
                                polylog_power=polylog_power, utilisation=utilisation, exp_flops=exp_flops)
    except OverflowError:
        # The operation counts are exact integers; only the seconds and the half-space model's
        # real-valued terms pass through floating point, whose range ends near 1.8e308.
        shown_n = n if n < 10**15 else f"~10^{len(str(n)) - 1}"
        raise QResourceError(
            f"n = {shown_n}, d = {d}, k = {k}: the half-space model or the seconds overflow "
            "floating point; use smaller values"
        ) from None
    hs = costs["halfspace"]
    params = {"n": n, "d": d, "k": k, "hardware": costs["hardware"]["name"],
              "halfspace_constant": halfspace_constant, "polylog_power": hs["polylog_power"],
              "utilisation": utilisation, "exp_flops": costs["exp_flops"]}
    notes = [
        f"seconds at {utilisation:g} x the peak rate of {costs['hardware']['name']} "
        f"({costs['rate_flops_per_s']:.4g} flop/s): a lower bound on real time",
        f"half-space model: build C n log2 n, n queries of C (n^{hs['exponent']:.4g} log2(n)^{hs['polylog_power']:g} + k), "
        f"C = {halfspace_constant:g}",
    ]
    # no circuit: every quantum key of the contract, registers included, is null
    return EstimateRecord(primitive="classical", params=params, registers=None, classical=costs,
                          notes=notes)
