"""Resource estimates of a QLACI head: one shot as a full Clifford+T circuit, the shot budget,
and the per-head totals in the three cost models of docs/qlaci.md, side by side.

- ``full_circuit`` (*full circuit*): every gate of every shot is paid for, the data loader (or
  multiplexed rotations) included;
- ``qram_free`` (*zero-cost access*): the coherent access to (K_j, V_j) costs nothing, so a shot
  pays only for the rest of the circuit (for the multiplexed feature map: as if U_F were 2 q_KV
  plain rotations). This is a lower bound on the paper's model, not the paper's model;
- ``paper_model`` (*the paper's*): section 3.2.4 charges each access poly(log N) gates "assuming
  QRAM"; the charge here is the active path of a routing bucket brigade
  (:func:`qresource.loaders.closed_forms.bucket_brigade_active_path`), twice per shot, on top
  of the zero-cost-access shot.

A head runs N queries x shots_per_query shots. A causal head (``causal``) runs query i over keys
0..i: every query has the same shots, and the head's totals are shots_per_query x the sum over
i = 0..N-1 of each query's shot, grouped by (bit length of i, trailing zeros of i + 1)
(:func:`causal_prefix`), since the preparation of i + 1 values is all that differs.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import Iterable, Optional

from qualtran.resource_counting import QubitCount, get_cost_value

from qresource.core.errors import QResourceError
from qresource.core.record import EstimateRecord, LogicalCounts
from qresource.loaders.closed_forms import bucket_brigade_active_path
from qresource.machinery.logical import gate_tally, logical_counts
from qresource.machinery.rotation_synthesis import t_per_rotation
from qresource.qlaci.budget import angle_bits_for, split_budget
from qresource.qlaci.build import QlaciPlan, at_query, build_qlaci, build_shot, loaded_rotations, plan
from qresource.qlaci.causal import PrefixSuperposition, prefix_groups
from qresource.qlaci.params import QlaciParams
from qresource.qlaci.reference import random_angles
from qresource.qlaci.rotation import rotation

PRIMITIVE = "qlaci"


def shot_counts(plan_: QlaciPlan, angles=None) -> tuple[LogicalCounts, list[str]]:
    """Logical counts of one shot with synthesised rotations, with the q_out final Z
    measurements added (one more layer of depth). Without ``angles`` the shot is data-free and
    each rotation costs the Ross-Selinger T count; with them, pygridsynth's exact words."""
    notes: list[str] = []
    bloq = build_shot(plan_, angles)
    try:
        counts = logical_counts(bloq)
    except QResourceError as exc:
        counts = logical_counts(bloq, with_depth=False)
        notes.append(f"depth, t_depth and lattice_surgery_depth: not computed "
                     f"({' '.join(str(exc).split())[:160]}), so null")
    out = plan_.params.out
    counts = replace(
        counts,
        measurements=counts.measurements + out,
        depth=None if counts.depth is None else counts.depth + 1,
        lattice_surgery_depth=None if counts.lattice_surgery_depth is None else counts.lattice_surgery_depth + 1,
    )
    return counts, notes


def data_access_tally(plan_: QlaciPlan) -> tuple[int, int]:
    """(T, Toffoli) of the coherent data access in one shot: what the zero-cost-access model drops."""

    bloq = build_qlaci(plan_)
    if plan_.params.feature_map == "loader":
        loader = gate_tally(bloq.loader)
        return 2 * int(loader.t), 2 * int(loader.toffoli)
    feature_map = gate_tally(bloq.feature_map_bloq)
    kv = plan_.params.kv
    plain = gate_tally(rotation("y", None, plan_.eps_rotation, True)) * kv + gate_tally(rotation("z", None, plan_.eps_rotation, True)) * kv
    return int(feature_map.t) - int(plain.t), int(feature_map.toffoli) - int(plain.toffoli)


def registers(plan_: QlaciPlan, peak_qubits: int) -> dict[str, int]:
    """Named registers (section 3.2.2) and, separately, the ancillas of the feature map."""
    p = plan_.params
    regs = {"query": p.dq, "index": p.index_bits, "kv": p.kv, "out": p.out}
    if p.feature_map == "loader":
        b = plan_.angle_bits
        regs["angle_words"] = 2 * p.kv * b
        regs["phase_gradient"] = b
    regs["work_ancilla"] = peak_qubits - sum(regs.values())
    return regs


#: Coherent accesses to the table of (K_j, V_j) angles in one shot: load and unload.
ACCESSES_PER_SHOT = 2


def access_word_bits(plan_: QlaciPlan) -> int:
    """Bits of the word one access loads: the 2 q_KV angles of key/value j at the loader feature
    map's angle width (for the multiplexed feature map, the width the loader variant would use
    at the same eps, since it loads no words)."""
    p = plan_.params
    bits = plan_.angle_bits
    if bits is None:
        _, _, eps_load = split_budget(p.eps, p.shot_share, True)
        bits = angle_bits_for(eps_load, loaded_rotations(p))
    return loaded_rotations(p) * bits


@dataclass(frozen=True)
class CausalPrefix:
    """What the causal index preparation adds to a head: its T and Toffoli summed over the
    queries i = 0..N-1 (one shot each), the same for the shot the record counts (query i0), the
    number of (bit length, trailing zeros) groups the sum went through, and the peak qubits of
    any query's shot."""

    t_sum: int
    toffoli_sum: int
    t_shot: int
    toffoli_shot: int
    groups: int
    qubits: int
    worst_query: int


def causal_prefix(plan_: QlaciPlan, angles=None) -> CausalPrefix:
    """Sum of the causal preparation's costs over the queries of a head, one call graph per
    (w, k) group (:func:`qresource.qlaci.causal.prefix_groups`): at N = 2^20, 211 groups instead
    of 2^20 queries. The other queries' rotations are charged the Ross-Selinger formula (their
    angles differ with i); the record's own shot is counted as built (exact words with ``angles``)."""
    p = plan_.params
    t_sum = toffoli_sum = 0
    widest = (-1, p.query_index)
    groups = prefix_groups(p.n)
    for count, position in groups.values():
        prep = PrefixSuperposition(p.index_bits, position + 1, plan_.eps_rotation, synthesize=True)
        tally = gate_tally(prep)
        t_sum += count * int(tally.t)
        toffoli_sum += count * int(tally.toffoli)
        widest = max(widest, (int(get_cost_value(prep, QubitCount())), position))
    own = gate_tally(build_qlaci(plan_, angles).index_prep)
    worst = widest[1]
    qubits = get_cost_value(build_shot(at_query(plan_, worst)), QubitCount())
    return CausalPrefix(t_sum, toffoli_sum, int(own.t), int(own.toffoli), len(groups), int(qubits), worst)


def per_head(plan_: QlaciPlan, counts: LogicalCounts, prefix: Optional[CausalPrefix] = None) -> dict:
    """Head totals in the three models; with ``prefix`` (a causal head), every query i pays the
    shot with its own preparation: t = shots x (N x (t_per_shot - prep(i0)) + sum_i prep(i))."""
    p = plan_.params
    executions = p.n * plan_.shots.shots_per_query
    access_t, access_toffoli = data_access_tally(plan_)
    word_bits = access_word_bits(plan_)
    path = bucket_brigade_active_path(p.n, word_bits)
    full = {"t_per_shot": counts.t, "toffoli_per_shot": counts.toffoli}
    free = {"t_per_shot": counts.t - access_t, "toffoli_per_shot": counts.toffoli - access_toffoli}
    paper = {"t_per_shot": free["t_per_shot"] + ACCESSES_PER_SHOT * path["t"],
             "toffoli_per_shot": free["toffoli_per_shot"] + ACCESSES_PER_SHOT * path["toffoli"]}
    shift_t = shift_toffoli = 0
    if prefix is not None:
        shift_t = prefix.t_sum - p.n * prefix.t_shot
        shift_toffoli = prefix.toffoli_sum - p.n * prefix.toffoli_shot
    shots = plan_.shots.shots_per_query
    for model in (full, free, paper):
        model["t"] = shots * (p.n * model["t_per_shot"] + shift_t)
        model["toffoli"] = shots * (p.n * model["toffoli_per_shot"] + shift_toffoli)
    causal = {}
    if prefix is not None:
        causal = {
            "causal_model": (f"causal: query i attends keys 0..i; per-shot counts are those of query "
                             f"{p.query_index}; totals sum each query's own shot over i = 0..{p.n - 1}, "
                             f"{shots} shots each (the Hoeffding count does not depend on how many keys "
                             "are averaged)"),
            "prefix_preparation": {
                "model": ("PrepareUniformSuperposition of i + 1 values (arXiv:1805.03662 Fig. 12), summed "
                          f"over the N queries in {prefix.groups} (bit length, trailing zeros) groups; "
                          "its two rotations per query at the Ross-Selinger formula"),
                "t_sum_over_queries": prefix.t_sum, "toffoli_sum_over_queries": prefix.toffoli_sum,
                "groups": prefix.groups,
            },
            "qubits": max(prefix.qubits, counts.qubits),
            "widest_query": prefix.worst_query,
        }
    return {
        "queries": p.n,
        "shots_per_query": plan_.shots.shots_per_query,
        "circuit_executions": executions,
        "full_circuit": {"model": "full circuit: every gate of every shot, data access included", **full},
        "qram_free": {"model": "zero-cost access: a lower bound on the QLACI paper's model (section 3.2.4 "
                               "charges each access to (K_j, V_j) poly(log N) gates assuming QRAM; here 0)",
                      **free},
        "paper_model": {"model": "the QLACI paper's model (section 3.2.4: poly(log N) per access assuming "
                                 f"QRAM), read as the active path of a routing bucket brigade: "
                                 f"{ACCESSES_PER_SHOT} accesses per shot of a {word_bits}-bit word, "
                                 f"{path['toffoli']} Toffolis each; the rest of the shot as in zero-cost access",
                        "access_word_bits": word_bits, "toffoli_per_access": path["toffoli"],
                        "t_per_access": path["t"], **paper},
        **causal,
    }


def non_causal_head(params: QlaciParams, seed: int | None) -> dict:
    """The same head without the causal mask, for comparison: qubits, and T and Toffoli per model."""
    plan_ = plan(params.with_(causal=False, query_position=None))
    angles = None if seed is None else random_angles(plan_.params, seed)
    counts, _ = shot_counts(plan_, angles)
    head = per_head(plan_, counts)
    models = ("full_circuit", "qram_free", "paper_model")
    return {"qubits": counts.qubits,
            **{m: {"t": head[m]["t"], "toffoli": head[m]["toffoli"]} for m in models}}


def estimate_qlaci(params: QlaciParams, seed: int | None = None) -> EstimateRecord:
    """The estimate the CLI prints: per-shot logical counts (full circuit), registers, the
    error-budget split and the shot budget with per-head totals in both cost models.

    With ``seed``, the shot is the one ``export_qlaci`` writes for that seed (its random angles,
    each synthesised exactly), so the two T counts are equal; without it, angles are unknown
    and every rotation is charged the Ross-Selinger count."""
    plan_ = plan(params)
    angles = None
    if seed is not None:

        angles = random_angles(plan_.params, seed)
    counts, notes = shot_counts(plan_, angles)
    p = plan_.params
    shots = plan_.shots.as_dict()
    shots["observables"] = p.observables
    if p.causal:
        shots["per_head"] = per_head(plan_, counts, causal_prefix(plan_, angles))
        shots["per_head"]["non_causal"] = non_causal_head(p, seed)
    else:
        shots["per_head"] = per_head(plan_, counts)
    budget = plan_.budget.as_dict()

    budget["t_per_rotation"] = t_per_rotation(plan_.eps_rotation)
    notes = [
        "logical: one shot (one query, one measurement setting) with every rotation synthesised "
        + ("(Ross-Selinger T count)" if seed is None else f"(pygridsynth's exact words for the angles of seed {seed})")
        + " and the q_out final measurements",
        "the phase-gradient state is prepared and unprepared in every shot (it could be kept across shots)",
        *notes,
    ]
    return EstimateRecord(
        primitive=PRIMITIVE,
        params={
            "n": p.n, "dq": p.dq, "kv": p.kv, "out": p.out, "layers": p.layers, "eps": p.eps,
            "delta": p.delta, "feature_map": p.feature_map,
            "loader": p.loader if p.feature_map == "loader" else None,
            "connectivity": p.connectivity, "observables": p.observables, "shot_method": p.shot_method,
            "causal": p.causal, **({"query_position": p.query_index} if p.causal else {}),
        },
        logical=counts,
        registers=registers(plan_, counts.qubits),
        model="full circuit per shot",
        notes=notes,
        shots=shots,
        error_budget=budget,
    )


def scaling_exponent(ns: Iterable[int], values: Iterable[int]) -> float:
    """Least-squares slope of log values against log N."""
    xs = [math.log(n) for n in ns]
    ys = [math.log(v) for v in values]
    mean_x, mean_y = sum(xs) / len(xs), sum(ys) / len(ys)
    num = sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys))
    den = sum((x - mean_x) ** 2 for x in xs)
    return num / den


def sweep(base: QlaciParams, ns: Iterable[int], epsilons: Iterable[float]):
    """A DataFrame of per-shot and per-head costs over N and eps."""
    import pandas as pd

    rows = []
    for eps in epsilons:
        for n in ns:
            record = estimate_qlaci(replace(base, n=n, eps=eps))
            head = record.shots["per_head"]
            rows.append(
                {
                    "n": n,
                    "eps": eps,
                    "qubits": record.logical.qubits,
                    "t_per_shot": record.logical.t,
                    "toffoli_per_shot": record.logical.toffoli,
                    "rotations_synthesised": record.error_budget["rotations_synthesised"],
                    "t_per_rotation": record.error_budget["t_per_rotation"],
                    "shots_per_query": record.shots["shots_per_query"],
                    "head_t_full_circuit": head["full_circuit"]["t"],
                    "head_t_qram_free": head["qram_free"]["t"],
                    "head_t_paper_model": head["paper_model"]["t"],
                }
            )
    return pd.DataFrame(rows)
