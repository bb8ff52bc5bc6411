"""Problems from instance files: one row (``{q, K, tau, bits}``) or whole attention
(:mod:`qresource.classical.instances`), with the actual marked keys of every row, and small
random instances for simulation."""

from __future__ import annotations

import numpy as np

from qresource.classical.attention import find_sets
from qresource.classical.instances import load_instance
from qresource.core.errors import QResourceError
from qresource.grover.problem import DEFAULT_DELTA, DEFAULT_LOADER, Problem, make_problem
from qresource.oracle.instance_file import read_instance
from qresource.oracle.precision import LogBase, plan_precision


def load_oracle_instance(path) -> dict:
    """An oracle instance file ``{"q": [d], "K": [[d] x n], "tau": number, "bits": int}``, read
    and checked by the oracle's one reader (:func:`qresource.oracle.instance_file.read_instance`); a
    search also needs the instance's width, so ``bits`` is required here."""

    data = read_instance(path)
    if data["bits"] is None:
        raise QResourceError(f"{path}: missing key bits (a search runs the oracle at the instance's width)")
    return data


def marked_indices(data: dict) -> list[int]:
    """Indices j with q . K_j >= tau, exactly (integers and the dyadic tau compared as Fractions)."""
    from fractions import Fraction

    q = [Fraction(x) for x in data["q"]]
    tau = Fraction(data["tau"])
    return [j for j, row in enumerate(data["K"]) if sum(a * Fraction(b) for a, b in zip(q, row)) >= tau]

def problem_from_oracle_instance(data: dict, *, k: int | None = None, loader: str = DEFAULT_LOADER,
                                 schedule: str = "known", delta: float = DEFAULT_DELTA,
                                 log_base: LogBase = LogBase.E) -> Problem:
    """The problem of one row: n = len(K), d = len(q); k = the instance's marked count unless given."""
    n, d = len(data["K"]), len(data["q"])
    actual = len(marked_indices(data))
    if k is None:
        if actual == 0:
            raise QResourceError("the instance has no key with q . K_j >= tau: nothing to search for")
        k = actual
    if k > n:
        raise QResourceError(f"the sparsity k = {k} exceeds the number of keys n = {n}")
    if actual > k:
        raise QResourceError(f"the instance is not (tau, {k})-good: it has {actual} keys with q . K_j >= tau")
    return Problem(n=n, k=k, d=d, bits=int(data["bits"]), tau=float(data["tau"]), loader=loader,
                   schedule=schedule, delta=delta, log_base=LogBase.parse(log_base))

def problem_from_attention_instance(path, *, k: int | None = None, bits: int | None = None,
                                    loader: str = DEFAULT_LOADER, schedule: str = "known",
                                    delta: float = DEFAULT_DELTA,
                                    log_base: LogBase = LogBase.E) -> tuple[Problem, list[int]]:
    """A whole-attention instance (``qresource.classical.instances`` format): the problem and
    the actual number of marked keys of every row (|S_i|).  Without ``bits`` the width is the
    planner's for the instance's value ranges (max |Q|, max |K|) and tau."""

    instance = load_instance(path)
    sets = find_sets(instance.Q, instance.K, instance.tau)
    row_marked = [int(c) for c in _row_sizes(sets, instance.n)]
    largest = max(row_marked)
    if k is None:
        k = max(largest, 1)
    elif largest > k:
        raise QResourceError(f"the instance is not (tau, {k})-good: a row has {largest} scores >= tau")
    if bits is None:

        q_max, k_max = float(abs(instance.Q).max()), float(abs(instance.K).max())
        bits = plan_precision(d=instance.d, q_max=q_max, k_max=k_max, tau=float(instance.tau)).bits
    problem = make_problem(n=instance.n, k=k, d=instance.d, bits=bits, tau=float(instance.tau),
                           loader=loader, schedule=schedule, delta=delta, log_base=log_base)
    return problem, row_marked

def _row_sizes(sets, rows: int) -> list[int]:
    """|S_i| of every row, from ``qresource.classical.attention.FindSets``."""
    counts = [int(c) for c in sets.counts]
    if len(counts) != rows:
        raise QResourceError(f"the instance has {len(counts)} query rows, expected n = {rows}")
    return counts

def small_oracle_instance(seed: int, n: int = 8, d: int = 2, bits: int = 3) -> dict:
    """A random integer instance small enough for a statevector: 1 to 3 marked keys, tau >= 1."""

    rng = np.random.default_rng(seed)
    low, high = -(1 << (bits - 1)), (1 << (bits - 1)) - 1
    for _ in range(1000):
        q = rng.integers(low, high + 1, size=d)
        keys = rng.integers(low, high + 1, size=(n, d))
        scores = sorted(int(s) for s in keys @ q)
        marked = int(rng.integers(1, 4))
        tau = scores[-marked]
        if tau >= 1 and scores[-marked - 1] < tau:
            return {"q": [int(x) for x in q], "K": [[int(x) for x in row] for row in keys],
                    "tau": tau, "bits": bits}
    raise QResourceError(f"no small instance found for seed {seed}")  # pragma: no cover
