"""Sweeps over parameter grids, evaluated once per distinct point and broadcast.

A grid is the Cartesian product of named axes (``n``, ``k``, ``d``, ``bits``, ``loader``, ``eps``,
``hardware``, ...). Each cost source reads only some axes; it is evaluated once per distinct
projection of the grid onto those axes and the result is broadcast back, so a sweep whose 10,000
points differ only in hardware or k costs as much as the few points that matter to each source.

Two kinds of source keep one source of truth:

- ``ClosedFormSource``: sympy expressions owned by the primitive's module, compiled once by
  :func:`exact_lambdify` into numpy code over *object* arrays of Python integers and Fractions,
  so every count stays exact beyond 2^63 (``ceiling(log(n)/log(2))`` is evaluated with integer
  bit lengths, never with floating-point logarithms);
- ``PointSource``: a function that returns exact counts at one point (for example the counts of
  a bloq's call graph), called once per distinct point;
- ``ColumnSource``: a function of whole columns (every distinct point at once), for counts
  evaluated over arrays (whole attention in closed form).

The result is a pandas DataFrame in long form: one row per grid point and source, integer count
columns of dtype ``object`` (exact Python ints) and float columns as float64.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any, Callable, Iterable, Mapping, Sequence

import numpy as np
import pandas as pd
import sympy
from sympy.printing.pycode import PythonCodePrinter

from qresource.core.errors import QResourceError

# ---------------------------------------------------------------------------------------------
# Exact, vectorised evaluation of closed forms


def _ceil_log2(x: Any) -> int:
    """ceil(log2(x)) for a positive rational, exactly."""
    value = Fraction(x)
    if value <= 0:
        raise QResourceError(f"log2 of non-positive value {x}")
    if value.denominator == 1:
        return (int(value) - 1).bit_length()
    floor = _floor_log2(value)
    return floor if Fraction(2) ** floor == value else floor + 1


def _floor_log2(x: Any) -> int:
    """floor(log2(x)) for a positive rational, exactly."""
    value = Fraction(x)
    if value <= 0:
        raise QResourceError(f"log2 of non-positive value {x}")
    guess = value.numerator.bit_length() - value.denominator.bit_length()
    while Fraction(2) ** guess > value:
        guess -= 1
    while Fraction(2) ** (guess + 1) <= value:
        guess += 1
    return guess


def _exact(value: Any) -> Any:
    """Integral Fractions become ints; other Fractions stay exact; floats pass."""
    if isinstance(value, Fraction) and value.denominator == 1:
        return int(value)
    if isinstance(value, (sympy.Integer,)):
        return int(value)
    return value


def _sqrt(value: Any) -> Any:
    exact = Fraction(value)
    if exact >= 0 and exact.denominator == 1:
        root = math.isqrt(exact.numerator)
        if root * root == exact.numerator:
            return root
    return math.sqrt(float(value))


def _elementwise(function: Callable, arity: int) -> Callable:
    ufunc = np.frompyfunc(function, arity, 1)
    return lambda *args: ufunc(*args)


def _reduce(function: Callable) -> Callable:
    pairwise = np.frompyfunc(function, 2, 1)

    def apply(*args):
        result = args[0]
        for other in args[1:]:
            result = pairwise(result, other)
        return result

    return apply


class _ExactPrinter(PythonCodePrinter):
    """Python code that keeps rationals exact and leaves functions to the namespace below."""

    def _print_Rational(self, expr):
        return f"Fraction({expr.p}, {expr.q})"

    def _print_Half(self, expr):
        return "Fraction(1, 2)"

    def _print_Integer(self, expr):
        return str(int(expr))

    def _print_Pow(self, expr, rational=False):
        base, exponent = expr.as_base_exp()
        if exponent == sympy.Rational(1, 2):
            return f"_sqrt({self._print(base)})"
        if exponent.is_Integer and int(exponent) < 0:
            return f"(Fraction(1) / ({self._print(base)})**{-int(exponent)})"
        return f"({self._print(base)})**({self._print(exponent)})"

    def _print_Mul(self, expr):
        # sympy splits sqrt(n*k) of positive symbols into sqrt(n)*sqrt(k); join them again so a
        # perfect square such as n*k = 16 stays an exact integer
        halves = [f for f in expr.args if f.is_Pow and f.exp == sympy.Rational(1, 2)]
        if len(halves) < 2:
            return super()._print_Mul(expr)
        others = [f for f in expr.args if f not in halves]
        radicand = " * ".join(f"({self._print(f.base)})" for f in halves)
        rest = [f"({self._print(f)})" for f in others]
        return " * ".join(rest + [f"_sqrt({radicand})"])

    def _print_Function(self, expr):
        name = type(expr).__name__
        return f"{name}({', '.join(self._print(a) for a in expr.args)})"

    def _print_ceiling(self, expr):
        return f"ceiling({self._print(expr.args[0])})"

    def _print_floor(self, expr):
        return f"floor({self._print(expr.args[0])})"

    def _print_Max(self, expr):
        return f"Max({', '.join(self._print(a) for a in expr.args)})"

    def _print_Min(self, expr):
        return f"Min({', '.join(self._print(a) for a in expr.args)})"

    def _print_log(self, expr):
        return f"log({self._print(expr.args[0])})"

    def _print_And(self, expr):
        return "_and(" + ", ".join(self._print(a) for a in expr.args) + ")"

    def _print_Or(self, expr):
        return "_or(" + ", ".join(self._print(a) for a in expr.args) + ")"

    def _print_Not(self, expr):
        return f"_not({self._print(expr.args[0])})"

    def _print_Piecewise(self, expr):
        out = "nan"
        for value, condition in reversed(expr.args):
            out = f"where({self._print(condition)}, {self._print(value)}, {out})"
        return out


class clog2(sympy.Function):
    """ceil(log2(x)), evaluated exactly."""


class flog2(sympy.Function):
    """floor(log2(x)), evaluated exactly."""


def _integer_logs(expr: sympy.Expr) -> sympy.Expr:
    """Rewrite ceiling/floor of log(x)/log(2) into exact integer logarithms."""

    def rewrite(node):
        # an argument without a logarithm has none to rewrite; one that is already log(x)/log(2)
        # needs no simplify (the costly step when hundreds of closed forms are compiled)
        if isinstance(node, (sympy.ceiling, sympy.floor)) and node.args[0].has(sympy.log):
            inner = node.args[0] * sympy.log(2)
            if not isinstance(inner, sympy.log):
                inner = sympy.simplify(inner)
            if isinstance(inner, sympy.log):
                return (clog2 if isinstance(node, sympy.ceiling) else flog2)(inner.args[0])
        return node

    return expr.replace(lambda e: isinstance(e, (sympy.ceiling, sympy.floor)), rewrite)


_NAMESPACE: dict[str, Any] = {
    "Fraction": Fraction,
    "ceiling": _elementwise(lambda x: _exact(math.ceil(x)), 1),
    "floor": _elementwise(lambda x: _exact(math.floor(x)), 1),
    "clog2": _elementwise(_ceil_log2, 1),
    "flog2": _elementwise(_floor_log2, 1),
    "Max": _reduce(lambda a, b: a if a >= b else b),
    "Min": _reduce(lambda a, b: a if a <= b else b),
    "log": _elementwise(lambda x: math.log(x), 1),
    "_sqrt": _elementwise(_sqrt, 1),
    "where": lambda c, a, b: np.where(c, a, b),
    "_and": lambda *cs: np.logical_and.reduce([np.asarray(c, dtype=bool) for c in cs]),
    "_or": lambda *cs: np.logical_or.reduce([np.asarray(c, dtype=bool) for c in cs]),
    "_not": lambda c: np.logical_not(np.asarray(c, dtype=bool)),
    "nan": float("nan"),
    "pi": math.pi,
}


def _owner_scalar(cls) -> Callable:
    """A scalar wrapper for a function class an owner defined (e.g. an exact integer logarithm
    with its own ``eval``): it is applied through sympy on exact numbers, once per argument."""

    @functools.lru_cache(maxsize=65536)
    def apply(*values):
        result = cls(*(sympy.Rational(v.numerator, v.denominator) if isinstance(v, Fraction) else sympy.sympify(v) for v in values))
        if result.is_Integer:
            return int(result)
        if result.is_Rational:
            return Fraction(int(result.p), int(result.q))
        raise QResourceError(f"{cls.__name__}{tuple(values)} did not evaluate to a number")

    return apply


def exact_lambdify(symbols: Sequence[sympy.Symbol], expr: sympy.Expr) -> Callable[..., np.ndarray]:
    """Compile ``expr`` once into a function of numpy object arrays (one per symbol) that returns
    an object array of exact values: Python ints where the value is integral, Fractions where it
    is rational, floats only where the expression itself is irrational (a real logarithm)."""
    prepared = _integer_logs(sympy.sympify(expr))
    namespace = dict(_NAMESPACE)
    for node in sympy.preorder_traversal(prepared):
        if isinstance(node, sympy.Function) and type(node).__name__ not in namespace:
            cls = type(node)
            arity = len(node.args)
            wrapped = np.frompyfunc(_owner_scalar(cls), arity, 1)
            namespace[cls.__name__] = wrapped
    function = sympy.lambdify(
        list(symbols), prepared, modules=[namespace], printer=_ExactPrinter({"fully_qualified_modules": False})
    )
    exact = np.frompyfunc(_exact, 1, 1)

    def evaluate(*arrays):
        columns = [np.asarray(a, dtype=object) for a in arrays]
        length = len(columns[0]) if columns else 1
        value = function(*columns)
        out = np.empty(length, dtype=object)
        out[:] = value if np.ndim(value) else [value] * length
        return exact(out).astype(object)

    return evaluate


@functools.lru_cache(maxsize=1024)
def _compiled(symbols: tuple, expr: sympy.Expr) -> Callable[..., np.ndarray]:
    return exact_lambdify(symbols, expr)


# ---------------------------------------------------------------------------------------------
# Sources and the sweep


@dataclass(frozen=True)
class ClosedFormSource:
    """Counts given as sympy expressions; ``symbols`` maps each grid axis read to its symbol."""

    primitive: str
    model: str
    symbols: Mapping[str, sympy.Symbol]
    expressions: Mapping[str, sympy.Expr]
    fixed: Mapping[str, Any] = field(default_factory=dict)
    #: restrict the source to grid points whose axis values lie in these sets (e.g. one loader)
    where: Mapping[str, Sequence[Any]] = field(default_factory=dict)
    #: symbols that are not grid axes but functions of them (a QROAM block size chosen from N
    #: and b, say): symbol -> function of the axis values (keyword arguments), per distinct point
    derived: Mapping[sympy.Symbol, Callable[..., Any]] = field(default_factory=dict)

    @property
    def axes(self) -> tuple[str, ...]:
        return tuple(self.symbols)

    def evaluate(self, points: pd.DataFrame) -> pd.DataFrame:
        axes = list(self.symbols)
        arrays = [points[a].to_numpy(dtype=object) for a in axes]
        symbols = [self.symbols[a] for a in axes]
        for symbol, function in self.derived.items():
            values = [function(**dict(zip(axes, row))) for row in zip(*arrays)]
            arrays.append(np.array(values, dtype=object))
            symbols.append(symbol)
        out = pd.DataFrame(index=points.index)
        for key, expr in self.expressions.items():
            compiled = _compiled(tuple(symbols), sympy.sympify(expr))
            out[key] = pd.Series(compiled(*arrays), index=points.index, dtype=object)
        for key, value in self.fixed.items():
            out[key] = value
        return out


@dataclass(frozen=True)
class PointSource:
    """Counts computed exactly at one point (e.g. from a bloq's call graph), once per point."""

    primitive: str
    model: str
    axes: tuple[str, ...]
    point: Callable[..., Mapping[str, Any]]
    where: Mapping[str, Sequence[Any]] = field(default_factory=dict)

    def evaluate(self, points: pd.DataFrame) -> pd.DataFrame:
        rows = [dict(self.point(**dict(zip(self.axes, values)))) for values in points[list(self.axes)].itertuples(index=False, name=None)]
        frame = pd.DataFrame(rows, index=points.index)
        for column in frame.columns:
            if frame[column].map(lambda v: isinstance(v, int) and not isinstance(v, bool)).all():
                frame[column] = frame[column].astype(object)
        return frame


@dataclass(frozen=True)
class ColumnSource:
    """Counts computed over whole columns at once: ``columns`` takes the distinct points (a
    frame of the axes read) and returns one row per point, same index (exact integers as
    object columns)."""

    primitive: str
    model: str
    axes: tuple[str, ...]
    columns: Callable[[pd.DataFrame], pd.DataFrame]
    where: Mapping[str, Sequence[Any]] = field(default_factory=dict)

    def evaluate(self, points: pd.DataFrame) -> pd.DataFrame:
        return self.columns(points[list(self.axes)])


Source = ClosedFormSource | PointSource | ColumnSource


def grid_frame(grid: Mapping[str, Iterable[Any]]) -> pd.DataFrame:
    """The Cartesian product of the axes, in the order given (axis values keep their order)."""
    axes = list(grid)
    values = [list(grid[a]) for a in axes]
    for axis, items in zip(axes, values):
        if not items:
            raise QResourceError(f"sweep axis {axis!r} has no values")
    sizes = [len(items) for items in values]
    total = math.prod(sizes)
    columns = {}
    inner = total
    for axis, items in zip(axes, values):
        inner //= len(items)
        outer = total // (inner * len(items))
        if all(v is None or (isinstance(v, int) and not isinstance(v, bool)) for v in items):
            # exact integers (and None, "not given") stay Python objects: a float column would
            # round integers past 2^53 and turn None into NaN
            column = np.empty(len(items), dtype=object)
            column[:] = items
        else:
            column = np.asarray(items)
        columns[axis] = np.tile(np.repeat(column, inner), outer)
    return pd.DataFrame(columns, columns=axes)


def _first_positions(codes: np.ndarray, count: int) -> np.ndarray:
    """For codes numbered 0..count-1 in order of first appearance, the row of each first one."""
    _, first = np.unique(codes, return_index=True)
    return first[:count]


def sweep(grid: Mapping[str, Iterable[Any]], sources: Sequence[Source], *, project: bool = False) -> pd.DataFrame:
    """Evaluate every source over the grid; one row per grid point and source.

    Each source is evaluated once per distinct combination of the axes it reads (restricted to
    the points its ``where`` admits) and broadcast to every grid point sharing it. With
    ``project``, each source instead keeps one row per distinct combination of its own axes,
    the axes it does not read left empty (a table without repeated rows).
    """
    points = grid_frame(grid)
    blocks = []
    for source in sources:
        missing = [a for a in source.axes if a not in points.columns]
        if missing:
            raise QResourceError(f"{source.primitive}: sweep grid lacks axis {missing[0]!r}")
        selected = points
        for axis, allowed in source.where.items():
            if axis not in points.columns:
                raise QResourceError(f"{source.primitive}: sweep grid lacks axis {axis!r}")
            selected = selected[selected[axis].isin(list(allowed))]
        if selected.empty:
            continue
        axes = list(source.axes)
        # each distinct combination of the source's axes, numbered in order of first appearance
        if axes:
            take = selected.groupby(axes, sort=False, dropna=False).ngroup().to_numpy(dtype=np.int64)
        else:
            take = np.zeros(len(selected), dtype=np.int64)
        unique_rows = _first_positions(take, int(take.max()) + 1)
        unique = selected.iloc[unique_rows].reset_index(drop=True)
        values = source.evaluate(unique)
        if project:
            # keep the axes the source reads and those its where-filter fixes
            shown = axes + [a for a in source.where if a not in axes]
            keys_frame = unique[shown].copy()
            for axis in points.columns:
                if axis not in shown:
                    keys_frame[axis] = None
            block = pd.concat([keys_frame[list(points.columns)], values.reset_index(drop=True)], axis=1)
        else:
            broadcast = values.iloc[take].reset_index(drop=True)
            block = pd.concat([selected.reset_index(drop=True), broadcast], axis=1)
        block.insert(0, "model", source.model)
        block.insert(0, "primitive", source.primitive)
        blocks.append(block)
    if not blocks:
        return pd.DataFrame(columns=["primitive", "model", *points.columns])
    return pd.concat(blocks, ignore_index=True, sort=False)
