"""The report's view of every primitive: which are built, and their costs as plain dicts.

Each function here asks the primitive's own module (one source of truth) and only reshapes its
answer; a primitive whose module is missing raises :class:`NotBuiltError`, and
:func:`availability` says so in one line instead of inventing numbers.

Physical estimates are taken per *unit* run back to back (qresource.machinery.physical):

- Grover attention, circuit model: the unit is one Grover iterate (the threshold oracle with its
  data loader, and the diffusion), repeated once per expected oracle call of all n rows, as
  ``qresource estimate attention --physical`` does. Toffoli-class gates go over as CCZ; the T
  gates outside them come from Qualtran's ``QECGatesCost`` of the same bloq.
- Grover attention, query model: the seeds charge each oracle call d time units with QRAM access
  free. On a fault-tolerant machine the cheapest reading of one unit is one logical Toffoli, so
  one row is ``queries_per_row x d`` CCZ on the index register plus the oracle's flag qubit.
- The classical work of the hybrid algorithm (checking measured indices, the sparse values and
  Algorithm 2) runs on the classical hardware preset and is added to the quantum runtime.
"""

from __future__ import annotations

import functools
import math
from typing import Any

import numpy as np
import pandas as pd
import sympy

from qresource.classical.costs import classical_costs
from qresource.core.errors import NotBuiltError, QResourceError
from qresource.core.record import LOGICAL_KEYS, LogicalCounts
from qresource.grover.api import Problem, attention_records, make_problem, threshold_oracle_factory
from qresource.grover.closed_forms import attention_columns
from qresource.grover.iterate import GroverIterate
from qresource.loaders import closed_forms as forms
from qresource.loaders.closed_forms import loader_counts, qroam_log_block_size
from qresource.loaders.kinds import LoaderKind
from qresource.loaders.table_loader import LOADER_KINDS
from qresource.machinery.logical import logical_counts
from qresource.machinery.parallel import Runner
from qresource.machinery.physical import bare_t_count
from qresource.machinery.sweep import ClosedFormSource
from qresource.qlaci.build import build_qlaci, build_shot, plan
from qresource.qlaci.estimate import data_access_tally
from qresource.qlaci.params import QlaciParams

GROVER_QUERY = "Grover attention, query model"
GROVER_CIRCUIT = "Grover attention, full circuit"
QLACI_FREE = "QLACI, QRAM-free model"
QLACI_CIRCUIT = "QLACI, full circuit"


PROBES = ("classical", "grover-query", "grover-circuit", "qlaci", "loaders")


def availability() -> dict[str, str | None]:
    """Primitive -> None when built, else a one-line reason (what is missing)."""
    return {name: probe(name) for name in PROBES}


@functools.lru_cache(maxsize=None)
def probe(name: str) -> str | None:
    """None when primitive ``name`` is built and evaluates a tiny instance, else why not."""
    check = {
        "classical": _probe_classical,
        "grover-query": _probe_grover_query,
        "grover-circuit": _probe_grover_circuit,
        "qlaci": _probe_qlaci,
        "loaders": _probe_loaders,
    }[name]
    try:
        check()
    except NotBuiltError as exc:
        return str(exc)
    return None


def _probe_classical() -> None:
    _tiny(lambda: classical_costs(16, 2, 1), "the classical cost model")


def _probe_grover_query() -> None:
    _tiny(lambda: grover_query(16, 1, 2), "the query-model Grover estimate")


def _probe_grover_circuit() -> None:
    _tiny(lambda: grover_iterate_unit(16, 2, None, "qrom"), "the full-circuit Grover estimate")


def _probe_qlaci() -> None:
    _tiny(lambda: qlaci_head(16, 2), "QLACI")


def _probe_loaders() -> None:
    _tiny(lambda: loader_counts("qrom", 16, 4), "the loader closed forms")


def _tiny(evaluate, what: str) -> None:
    """Evaluate a tiny instance; a refusal means the primitive is not usable yet. Programming
    errors are not caught: a broken primitive must fail the report, not vanish from it."""
    try:
        evaluate()
    except (QResourceError, NotImplementedError) as exc:
        raise NotBuiltError(f"{what} fails on a tiny instance: {' '.join(str(exc).split())[:160]}") from None


# ---------------------------------------------------------------------------------------------
# Grover attention


@functools.lru_cache(maxsize=4096)
def grover_query(n: int, k: int, d: int) -> dict[str, Any]:
    """Query-model counts of whole attention, and the per-row unit handed to the estimator."""

    problem = Problem(n=n, k=k, d=d)
    (record,) = attention_records(problem, ["query"])
    charge = record.classical
    row_queries = record.schedule["expected_queries"] / n  # every row has k marked (worst case)
    index_qubits = problem.index_qubits
    row_toffolis = math.ceil(row_queries * d)
    unit = LogicalCounts(
        qubits=index_qubits + 1,
        toffoli=row_toffolis,
        t=7 * row_toffolis,
        clifford=0,
        rotations=0,
        measurements=index_qubits,
        depth=None,
        t_depth=None,
    )
    classical = charge["classical_costs"]
    checks_flops = math.ceil(record.schedule["expected_searches"]) * (2 * d - 1)
    return {
        "queries": int(record.queries),
        "time_units": int(charge["total_time_units"]),
        "paper_scaling": float(charge["paper_scaling_n1.5_k0.5_d"]),
        "unit": unit,
        "unit_t_outside_toffoli": 0,
        "repetitions": n,
        "checks_flops": checks_flops,
        "classical_flops": int(classical["sparse_inference"]["flops"] + classical["sparse_values"]["flops"] + checks_flops),
        "index_qubits": index_qubits,
        "row_queries": row_queries,
    }


@functools.lru_cache(maxsize=1024)
def grover_iterate_unit(n: int, d: int, bits: int | None, loader: str) -> tuple[LogicalCounts, int]:
    """Counts of one Grover iterate (phase oracle with no exclusions, plus diffusion) and its
    T gates outside Toffoli-class gates; the unit ``qresource estimate attention --physical``
    repeats once per expected oracle call (``attention_estimate.iterate_unit``). Depth is not
    needed by a physical estimate and is not computed."""

    problem = Problem(n=n, k=1, d=d, bits=bits, loader=loader)  # the oracle does not read k
    bloq = GroverIterate(threshold_oracle_factory(problem)(0))
    return logical_counts(bloq, with_depth=False), bare_t_count(bloq)


@functools.lru_cache(maxsize=65536)
def grover_circuit(n: int, k: int, d: int, bits: int | None, loader: str) -> dict[str, Any]:
    """Full-circuit model of whole attention: the logical totals are those of
    ``qresource estimate attention`` at the same parameters (one definition,
    ``qresource.grover.circuit_costs.attention_totals``: every row's find-all schedule with its
    exclusions, Hadamard layers and index measurements). The physical estimate's unit is one
    Grover iterate run once per expected oracle call; the exclusion comparisons of later
    searches, the Hadamard layers and index measurements of each search are left out of that
    unit (O(k) comparisons per call and O(log n) gates per search against an oracle call of
    O(n) gates)."""
    problem = make_problem(n=n, k=k, d=d, bits=bits, loader=loader)
    (record,) = attention_records(problem, ["circuit"])
    return {
        **grover_circuit_unit(n, k, d, problem.bits, loader),
        "logical": record.logical,
        "depth_is_upper_bound": bool(record.schedule.get("depth_is_upper_bound")),
    }


def grover_circuit_columns(points: pd.DataFrame, runner: Runner | None = None) -> pd.DataFrame:
    """Table columns of the full-circuit model at every row (n, k, d, bits, loader) of
    ``points``, evaluated at once as whole columns (``qresource.grover.closed_forms.
    attention_columns``, the definition ``estimate attention`` uses; ``runner``: where the
    oracle's row sides may be found): queries, the entry width used (``bits`` None: the
    precision planner's), the logical totals; rows with k > n empty."""
    ns = points["n"].to_numpy(dtype=object)
    ks = points["k"].to_numpy(dtype=object)
    ds = points["d"].to_numpy(dtype=object)
    given = points["bits"].to_numpy(dtype=object)
    loaders = points["loader"].to_numpy(dtype=object)
    valid = np.flatnonzero(ks <= ns) if len(points) else np.zeros(0, dtype=np.int64)
    used = given.copy()
    planned = {}
    for i in np.flatnonzero(pd.isna(given)):
        if ks[i] <= ns[i]:
            key = (int(ns[i]), int(ks[i]), int(ds[i]))
            if key not in planned:
                planned[key] = make_problem(n=key[0], k=key[1], d=key[2]).bits
            used[i] = planned[key]
    columns = {key: np.full(len(points), None, dtype=object) for key in ("queries", "bits_used", *LOGICAL_KEYS)}
    flags = np.full(len(points), None, dtype=object)
    if len(valid):
        totals = attention_columns(ns[valid].astype(np.int64), ks[valid].astype(np.int64), ds[valid].astype(np.int64),
                                   used[valid].astype(np.int64), loaders[valid], runner)
        for key in ("queries", *LOGICAL_KEYS):
            columns[key][valid] = totals[key].astype(object) if key == "qubits" else totals[key]
        columns["bits_used"][valid] = used[valid]
        flags[valid] = False
    return pd.DataFrame({**columns, "depth_is_upper_bound": flags}, index=points.index)


def grover_circuit_unit(n: int, k: int, d: int, bits: int | None, loader: str) -> dict[str, Any]:
    """What a physical estimate of whole attention needs: the iterate unit and its repetitions
    (see :func:`grover_circuit`), without the logical totals."""
    problem = make_problem(n=n, k=k, d=d, bits=bits, loader=loader)
    query = grover_query(n, k, d)
    unit, bare_t = grover_iterate_unit(n, d, problem.bits, loader)
    return {
        "queries": query["queries"],
        "bits": problem.bits,
        "unit": unit,
        "unit_t_outside_toffoli": bare_t,
        "repetitions": query["queries"],
        "checks_flops": query["checks_flops"],
    }


def scaled(unit: LogicalCounts, times: int) -> LogicalCounts:
    """Totals of ``times`` back-to-back runs of ``unit``: same qubits, counts times ``times``
    (depths are not computed for these units: None)."""
    return LogicalCounts(
        qubits=unit.qubits, toffoli=times * unit.toffoli, t=times * unit.t, clifford=times * unit.clifford,
        rotations=times * unit.rotations, measurements=times * unit.measurements, depth=None, t_depth=None,
    )


def logical_row(counts: LogicalCounts | None) -> dict[str, Any]:
    if counts is None:
        return {key: None for key in LOGICAL_KEYS}
    return counts.as_dict()


# ---------------------------------------------------------------------------------------------
# Data loaders: the owners' closed forms, compiled once for the sweep engine


def loader_sources(bits_axis: str = "bits", default_bits: int | None = None) -> list:
    """One ``ClosedFormSource`` per loader kind, over the axes ``n`` and ``bits_axis``, reading
    the loader closed forms of :mod:`qresource.loaders.closed_forms` (shape-only tables:
    W = N b ones and the bucket brigade's V likewise, every word nonzero, all fan-out lanes,
    QROAM's block size from the loaders module)."""

    out = []
    for kind in LOADER_KINDS:
        shape_only = {forms.W: forms.N * forms.b, forms.L: forms.b, forms.Z: forms.N,
                      forms.V: forms.b * (sympy.floor(forms.N / 2) + 2 * sympy.Mod(forms.N, 2))}
        expressions = {key: expr.subs(shape_only) for key, expr in forms.expressions(kind).items()}
        derived = {}
        if LoaderKind(kind) == LoaderKind.QROAM:
            derived[forms.k] = lambda **axes: qroam_log_block_size(axes["n"], axes[bits_axis])
        out.append(
            ClosedFormSource(
                primitive="qram",
                model="circuit",
                symbols={"n": forms.N, bits_axis: forms.b},
                expressions=expressions,
                where={"loader": (kind,)},
                derived=derived,
            )
        )
    return out


# ---------------------------------------------------------------------------------------------
# QLACI

#: How the report sizes a QLACI head from (n, d): angle encoding of the d query features on
#: q_Q = d qubits (QLACI paper, section 3.2.1), the prototype's q_KV = 2 key/value qubits, and
#: q_out = d output qubits whose Z expectations form the d-dimensional context vector c_i (all
#: commuting, measured together); one interaction and one score layer; eps = delta = 1e-2.
QLACI_KV = 2
QLACI_LAYERS = 1
QLACI_EPS = 1e-2
QLACI_DELTA = 1e-2


def qlaci_params(n: int, d: int):

    return QlaciParams(n=n, dq=d, kv=QLACI_KV, out=d, layers=QLACI_LAYERS, eps=QLACI_EPS, delta=QLACI_DELTA)


@functools.lru_cache(maxsize=256)
def qlaci_head(n: int, d: int) -> dict[str, Any]:
    """One shot as the unit, run n x shots_per_query times, in both of QLACI's models.

    Counts come from the QLACI modules (plan, shot bloq, data-access tally); depth is not
    needed for a physical estimate and is not computed. The QRAM-free unit is the shot with the
    coherent data access's Toffolis and T gates removed, as ``qresource.qlaci.estimate.per_head``
    removes them; its qubit count is left as the full shot's (an upper bound).
    """
    from dataclasses import replace

    params = qlaci_params(n, d)
    if params.feature_map != "loader":
        raise QResourceError("the report's QLACI heads use the loader feature map")
    plan_ = plan(params)
    shot = build_shot(plan_)
    counts = logical_counts(shot, with_depth=False)
    counts = replace(counts, measurements=counts.measurements + params.out)  # the final Z readout
    bare_t = bare_t_count(shot)
    access_t, access_toffoli = data_access_tally(plan_)
    access_bare_t = 2 * bare_t_count(build_qlaci(plan_).loader)  # load and unload
    free = replace(counts, t=counts.t - access_t, toffoli=counts.toffoli - access_toffoli)
    executions = n * plan_.shots.shots_per_query
    return {
        "queries": n,
        "shots_per_query": plan_.shots.shots_per_query,
        "executions": executions,
        "full": {"unit": counts, "unit_t_outside_toffoli": bare_t},
        "free": {"unit": free, "unit_t_outside_toffoli": bare_t - access_bare_t},
    }
