"""An independent derivation of the Toffoli-class cost of one threshold-oracle call (docs/oracle.md),
the reference the bloq's own counts are tested against.

Symbols: n keys, d dimensions, b bits per entry, w accumulator bits, L = ceil(log2 n) index bits,
m excluded indices. Each function returns a sympy expression; :func:`oracle_toffoli_split`
evaluates them to exact Python ints. Tests hold these equal to the bloqs' call-graph counts and
to the counts of the flattened circuit, so they are an independent derivation, not a copy: no
function here imports a bloq.

Per call, by role (the same roles as ``ThresholdOracle.parts``):

* loading: the loader's own closed form (``closed_forms_loaders``; QROM: N - 2 ANDs) at
  N = 2^L words, the table padded with zero rows;
* inner product, worst case over Q_i (every digit of every coordinate non-zero, terms in order
  of increasing shift s, then coordinate): term (s, j) of the j-th coordinate at shift s adds b
  bits into a window of bitlen(P) - s bits, P = (2^b - 1)(d (2^s - 1) + j 2^s), costing
  floor(log2 P) - s ANDs, except the very first term, a CNOT copy into the empty accumulator;
* comparison: w - 1 - tz(c) ANDs against the constant c (worst case w - 1), w = bitlen(P_total);
* exclusion: m (L - 1) ANDs for the equality tests, plus 1 AND to combine (bit-flip form);
* uncomputation: the inner product and the unload (the loader again: every loader but QROAM is
  its own inverse; QROAM is unloaded by measurement, N/K + K - 4 ANDs), plus, with exclusions,
  the equality tests and the comparison again.
"""

from __future__ import annotations

import sympy

from qresource.core.integers import address_width
from qresource.loaders.closed_forms import loader_counts

n, d, b, w, m, L = sympy.symbols("n d b w m L", positive=True, integer=True)
s, j = sympy.symbols("s j", integer=True, nonnegative=True)


def floor_log2(expr):
    return sympy.floor(sympy.log(expr, 2))


def inner_product_worst_case():
    """ANDs of the worst-case inner product (docs/oracle.md, eq. IP)."""
    window = floor_log2((2**b - 1) * (d * (2**s - 1) + j * 2**s)) - s
    return sympy.Sum(sympy.Sum(window, (j, 1, d)), (s, 0, b - 1)) - (b - 1)


def accumulator_width_worst_case():
    """w = bitlen(d (2^b - 1)^2)."""
    return floor_log2(d * (2**b - 1) ** 2) + 1


def comparison_worst_case():
    return w - 1


def exclusion(form: str = "bit-flip"):
    return m * (L - 1) + (1 if form == "bit-flip" else 0)


def qrom_loading():
    """Unary-iteration QROM over n words (Babbush et al. 2018): n - 2 ANDs."""
    return n - 2


def _evaluate(expr, values: dict) -> int:
    value = sympy.sympify(expr).subs(values)
    if isinstance(value, sympy.Sum) or value.has(sympy.Sum):
        value = value.doit()
    value = sympy.nsimplify(sympy.simplify(value))
    if not value.is_Integer:
        raise ValueError(f"did not evaluate to an integer: {value}")
    return int(value)


def inner_product_worst_case_int(d_value: int, b_value: int) -> int:
    """The same sum as :func:`inner_product_worst_case` in integer arithmetic (fast, exact)."""
    total = 0
    for shift in range(b_value):
        for count in range(1, d_value + 1):
            bound = ((1 << b_value) - 1) * (d_value * ((1 << shift) - 1) + (count << shift))
            total += bound.bit_length() - 1 - shift
    return total - (b_value - 1)


def loading_toffoli(kind: str, n_value: int, word_bits: int) -> int:
    if kind == "qrom":
        return _evaluate(qrom_loading(), {n: n_value})

    return int(loader_counts(kind, n_value, word_bits)["toffoli"])


def unloading_toffoli(kind: str, n_value: int, word_bits: int) -> int:
    """The unload of the loaded row: the loader again, except QROAM's measured unload, whose
    fix-up lookup over K = 2^floor(L/2) addresses per block costs N/K - 2 unary-iteration ANDs
    and K - 2 one-hot ANDs (Berry et al. 2019, appendix C), N = 2^L, whatever the word width."""
    if kind != "qroam":
        return loading_toffoli(kind, n_value, word_bits)
    block = 2 ** ((n_value.bit_length() - 1) // 2)
    return n_value // block - 2 + max(block - 2, 0)


def oracle_toffoli_split(
    kind: str,
    n_value: int,
    d_value: int,
    b_value: int,
    *,
    excluded: int = 0,
    form: str = "bit-flip",
    symbolic_sum: bool = False,
) -> dict[str, int]:
    """Toffoli-class gates per role for the data-free (worst case over Q_i) oracle."""
    index_bits = address_width(n_value)
    load = loading_toffoli(kind, 1 << index_bits, d_value * b_value)  # table padded to 2^L rows
    if symbolic_sum:
        inner = _evaluate(inner_product_worst_case(), {d: d_value, b: b_value})
        width = _evaluate(accumulator_width_worst_case(), {d: d_value, b: b_value})
    else:
        inner = inner_product_worst_case_int(d_value, b_value)
        width = (d_value * ((1 << b_value) - 1) ** 2).bit_length()
    compare = _evaluate(comparison_worst_case(), {w: width})
    exclude = _evaluate(exclusion(form), {m: excluded, L: index_bits}) if excluded else 0
    unload = unloading_toffoli(kind, 1 << index_bits, d_value * b_value)
    undo = inner + unload + ((exclude - (1 if form == "bit-flip" else 0)) + compare if excluded else 0)
    split = {
        "loading": load,
        "inner_product": inner,
        "comparison": compare,
        "exclusion": exclude,
        "uncomputation": undo,
    }
    split["total"] = sum(split.values())
    return split


def accumulator_width(d_value: int, b_value: int, symbolic: bool = False) -> int:
    if symbolic:
        return _evaluate(accumulator_width_worst_case(), {d: d_value, b: b_value})
    return (d_value * ((1 << b_value) - 1) ** 2).bit_length()


__all__ = [
    "inner_product_worst_case",
    "accumulator_width_worst_case",
    "comparison_worst_case",
    "exclusion",
    "qrom_loading",
    "inner_product_worst_case_int",
    "loading_toffoli",
    "oracle_toffoli_split",
    "accumulator_width",
]

