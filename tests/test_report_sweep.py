"""The sweep engine: exact evaluation of closed forms beyond 2^63, evaluation once per distinct
point, and broadcasting back onto the grid."""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st

from qresource.core.errors import QResourceError
from qresource.machinery.sweep import ClosedFormSource, PointSource, exact_lambdify, grid_frame, sweep

n, b, k = sympy.symbols("n b k", positive=True, integer=True)

# A closed form with everything loaders and searches use: integer logarithms, rationals, Max,
# products far beyond 2^63 at n = 2^80.
SHAPE = sympy.ceiling(sympy.log(n, 2)) * b + n**2 / 2 + sympy.Max(n - 1, 2 * b) + 3 * n * b - sympy.floor(n / 3)


@settings(max_examples=60, deadline=None, derandomize=True)
@given(
    exponent=st.integers(1, 90),
    offset=st.integers(-1, 1),
    bits=st.integers(1, 64),
)
def test_exact_evaluation_equals_sympy_substitution(exponent, offset, bits):
    value = max(2, 2**exponent + offset)  # powers of two and their neighbours stress ceil(log2)
    fast = exact_lambdify([n, b], SHAPE)(np.array([value], dtype=object), np.array([bits], dtype=object))[0]
    # Independent reference in plain Python integers (sympy's own subs() is not one: it evaluates
    # ceiling(log(2**31 + 1, 2)) in floating point and gets 31 instead of 32).
    expected = (
        (value - 1).bit_length() * bits
        + Fraction(value * value, 2)
        + max(value - 1, 2 * bits)
        + 3 * value * bits
        - value // 3
    )
    assert fast == expected
    assert type(fast) is (int if expected.denominator == 1 else Fraction)


def test_integer_logarithms_at_powers_of_two():
    ceil_log = exact_lambdify([n], sympy.ceiling(sympy.log(n, 2)))
    floor_log = exact_lambdify([n], sympy.floor(sympy.log(n) / sympy.log(2)))
    values = [2, 3, 4, 5, 2**53 - 1, 2**53, 2**53 + 1, 2**64, 2**64 + 1, 2**100 - 1]
    array = np.array(values, dtype=object)
    # independent: Python's int.bit_length
    assert list(ceil_log(array)) == [(v - 1).bit_length() for v in values]
    assert list(floor_log(array)) == [v.bit_length() - 1 for v in values]
    # a logarithm that needs simplifying first: log2(n) + 1 = log2(2n)
    shifted = exact_lambdify([n], sympy.ceiling((sympy.log(n) + sympy.log(2)) / sympy.log(2)))
    assert list(shifted(array)) == [(2 * v - 1).bit_length() for v in values]


def test_piecewise_with_compound_conditions_is_elementwise():
    expr = sympy.Piecewise((n + 100, sympy.And(sympy.Eq(n, 4), b >= 2)), (n - 1, sympy.Or(n < 3, sympy.Not(b >= 2))), (n, True))
    out = exact_lambdify([n, b], expr)(np.array([4, 4, 2, 8, 8], dtype=object), np.array([2, 1, 5, 1, 3], dtype=object))
    # (4, 2): first branch; (4, 1): b < 2 -> second; (2, 5): n < 3 -> second; (8, 1): second; (8, 3): third
    assert list(out) == [104, 3, 1, 7, 8]


def test_square_roots_stay_exact_when_they_can():
    root = exact_lambdify([n, k], sympy.sqrt(n * k))
    out = root(np.array([2**80, 8], dtype=object), np.array([2**40, 2], dtype=object))
    assert out[0] == 2**60 and isinstance(out[0], int)
    assert out[1] == 4
    assert root(np.array([2], dtype=object), np.array([1], dtype=object))[0] == pytest.approx(math.sqrt(2))


def test_each_source_is_evaluated_once_per_distinct_point_and_broadcast():
    calls: list[tuple[int, int]] = []

    def per_point(n, k):
        calls.append((n, k))
        return {"queries": n * k + 1}

    grid = {"n": [2**10, 2**70], "k": [8, 32], "d": [64, 128, 256], "hardware": ["a", "b"]}
    frame = sweep(
        grid,
        [
            PointSource("search", "query", ("n", "k"), per_point),
            ClosedFormSource("loader", "closed", {"n": n, "d": b}, {"toffoli": n * b - 1}),
        ],
    )
    assert sorted(calls) == sorted({(x, y) for x in grid["n"] for y in grid["k"]})
    points = 2 * 2 * 3 * 2
    assert len(frame) == 2 * points
    search = frame[frame.primitive == "search"]
    assert all(q == x * y + 1 for q, x, y in zip(search.queries, search.n, search.k))
    loader = frame[frame.primitive == "loader"]
    assert all(t == x * d - 1 for t, x, d in zip(loader.toffoli, loader.n, loader.d))
    assert loader.toffoli.dtype == object and max(loader.toffoli) > 2**63  # exact, not float


def test_where_restricts_a_source_to_part_of_the_grid():
    frame = sweep(
        {"n": [4, 8], "loader": ["qrom", "bucket-brigade"]},
        [PointSource("qrom-only", "x", ("n",), lambda n: {"v": n}, where={"loader": ("qrom",)})],
    )
    assert list(frame.loader) == ["qrom", "qrom"] and list(frame.v) == [4, 8]


def test_grid_keeps_axis_order_and_rejects_empty_axes():
    frame = grid_frame({"n": [8, 4], "k": [1, 2]})
    assert list(zip(frame.n, frame.k)) == [(8, 1), (8, 2), (4, 1), (4, 2)]
    with pytest.raises(QResourceError, match="no values"):
        grid_frame({"n": []})
    with pytest.raises(QResourceError, match="lacks axis"):
        sweep({"n": [4]}, [PointSource("x", "y", ("k",), lambda k: {})])


def test_loader_closed_forms_in_the_sweep_equal_the_bloq_counts():
    """One source of truth: the sweep evaluates the loaders' own closed forms; at small N they
    must equal the counts of the loader bloqs' call graphs, at large N the owner's exact
    substitution (sympy, CeilLog2 evaluated on integers). Cliffords are left out of the bloq
    comparison: for a shape-only QROM they depend on which neighbouring words are equal, which
    the loaders' closed forms state for their own tables (docs/loaders.md)."""
    from qresource.loaders.closed_forms import loader_counts
    from qresource.loaders.table_loader import make_loader
    from qresource.machinery.logical import logical_counts
    from qresource.report.sources import loader_sources

    small = [3, 8, 13, 32]
    large = [2**40, 2**40 + 1]
    frame = sweep({"n": small + large, "bits": [5], "loader": ["bucket-brigade", "qrom", "qroam"]}, loader_sources())
    assert len(frame) == 3 * len(small + large)
    for row in frame.to_dict("records"):
        expected = loader_counts(row["loader"], row["n"], row["bits"])
        assert {key: row[key] for key in expected} == expected
        if row["n"] in small:
            bloq = logical_counts(make_loader(row["loader"], row["n"], row["bits"]), with_depth=False)
            for key in ("qubits", "toffoli", "t", "measurements"):
                assert row[key] == getattr(bloq, key), (row["loader"], row["n"], key)
