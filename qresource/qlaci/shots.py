"""How many shots a QLACI context vector needs.

Every observable is a Pauli string on the output register, so a single shot gives an outcome
in {-1, +1}. Hoeffding's inequality for S independent outcomes in [-1, 1] (range 2):
    P(|mean - <O>| >= eps) <= 2 exp(-2 S eps^2 / 2^2) = 2 exp(-S eps^2 / 2),
so S >= 2 ln(2 / delta') / eps^2 shots reach additive precision eps with probability
1 - delta'. A union bound over all M estimated numbers sets delta' = delta / M.

Observables that commute qubit-wise are measured together in one basis setting, so the
cost is (number of settings) x S, not M x S.

Classical shadows (Huang, Kueng, Preskill 2020, Nature Physics 16, 1050, Theorem 1) with
random single-qubit Pauli bases estimate M Pauli observables of weight <= w with median of
means over K = 2 ln(2M/delta) batches of 34 * 3^w / eps^2 snapshots each.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from qresource.core.errors import QResourceError


def hoeffding_shots(eps: float, delta: float) -> int:
    """Smallest integer S with 2 exp(-S eps^2 / 2) <= delta, i.e. ceil(2 ln(2/delta) / eps^2)."""
    if not 0.0 < eps < 1.0 or not 0.0 < delta < 1.0:
        raise QResourceError(f"shots: eps and delta must lie strictly between 0 and 1, got {eps}, {delta}")
    return math.ceil(2.0 * math.log(2.0 / delta) / eps**2)


def shadow_shots(eps: float, delta: float, n_observables: int, weight: int) -> int:
    """Snapshots for M Pauli observables of weight <= w (Huang–Kueng–Preskill, Theorem 1)."""
    batches = math.ceil(2.0 * math.log(2.0 * n_observables / delta))
    per_batch = math.ceil(34.0 * 3**weight / eps**2)
    return batches * per_batch


@dataclass(frozen=True)
class ObservableSet:
    """Pauli observables on the output register: how many, in how many settings, max weight."""

    name: str
    count: int
    settings: int
    max_weight: int


def observable_set(name: str, out: int) -> ObservableSet:
    """``z``: Z on each output qubit (one setting); ``xyz``: X, Y and Z on each output qubit
    (three settings: all-X, all-Y, all-Z); ``all``: every non-identity Pauli string
    (4^out - 1 of them, in the 3^out settings of a full tomography)."""
    if name == "z":
        return ObservableSet(name, out, 1, 1)
    if name == "xyz":
        return ObservableSet(name, 3 * out, 3, 1)
    if name == "all":
        return ObservableSet(name, 4**out - 1, 3**out, out)
    raise QResourceError(f"unknown observable set {name!r}")


def observable_labels(name: str, out: int) -> list[str]:
    """Pauli labels, qubit 0 of the output register leftmost (e.g. 'ZI' is Z on out[0])."""
    if name == "z":
        return ["I" * k + "Z" + "I" * (out - k - 1) for k in range(out)]
    if name == "xyz":
        return ["I" * k + p + "I" * (out - k - 1) for p in "XYZ" for k in range(out)]
    labels = []
    for code in range(1, 4**out):
        labels.append("".join("IXYZ"[(code >> (2 * k)) & 3] for k in range(out)))
    return labels


@dataclass(frozen=True)
class ShotPlan:
    method: str
    eps_shot: float
    delta: float
    observables: int
    settings: int
    estimates_union: int
    shots_per_setting: int
    shots_per_query: int

    def as_dict(self) -> dict:
        return {
            "method": self.method,
            "eps_shot": self.eps_shot,
            "delta": self.delta,
            "observables_per_query": self.observables,
            "settings_per_query": self.settings,
            "union_bound_over": self.estimates_union,
            "shots_per_setting": self.shots_per_setting,
            "shots_per_query": self.shots_per_query,
        }


def plan_shots(eps_shot: float, delta: float, observables: ObservableSet, queries: int, method: str = "grouped") -> ShotPlan:
    """Shots for every entry of all ``queries`` context vectors to be within ``eps_shot`` with
    probability 1 - delta (union bound over queries x observables)."""
    union = queries * observables.count
    if method == "grouped":
        per_setting = hoeffding_shots(eps_shot, delta / union)
        return ShotPlan(method, eps_shot, delta, observables.count, observables.settings, union, per_setting, per_setting * observables.settings)
    if method == "shadows":
        total = shadow_shots(eps_shot, delta / queries, observables.count, observables.max_weight)
        return ShotPlan(method, eps_shot, delta, observables.count, 0, union, total, total)
    raise QResourceError(f"unknown shot method {method!r}")
