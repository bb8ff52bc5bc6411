"""From QLACI parameters to bloqs: the error budget fixes the angle bits and the rotation
precision, then one ``Qlaci`` (or ``QlaciShot``) bloq carries everything that is counted,
flattened, exported and simulated."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Optional

from qresource.core.errors import QResourceError
from qresource.machinery.logical import gate_tally
from qresource.qlaci.attention_bloq import Qlaci, QlaciAngles, QlaciShot, loader_words
from qresource.qlaci.budget import ErrorBudget, angle_bits_for, eps_per_rotation, split_budget
from qresource.qlaci.loader_adapter import feature_loader
from qresource.qlaci.params import QlaciParams
from qresource.qlaci.shots import ObservableSet, ShotPlan, observable_set, plan_shots

# Placeholder precision of the unsynthesised circuit used to count rotations; the count does
# not depend on it.
_COUNTING_EPS = 1e-3


@dataclass(frozen=True)
class QlaciPlan:
    params: QlaciParams
    budget: ErrorBudget
    observables: ObservableSet
    shots: ShotPlan

    @property
    def angle_bits(self) -> Optional[int]:
        return self.budget.angle_bits

    @property
    def eps_rotation(self) -> float:
        return self.budget.eps_rotation


def loaded_rotations(params: QlaciParams) -> int:
    """Rotations driven by loaded angles: Ry and Rz on each key/value qubit."""
    return 2 * params.kv


def _bloq(params: QlaciParams, bits: Optional[int], eps: float, angles: Optional[QlaciAngles], synthesize: bool) -> Qlaci:
    loader = None
    if params.feature_map == "loader":
        words = None if angles is None else loader_words(angles, params.kv, bits)
        loader = feature_loader(params.loader, params.n, 2 * params.kv * bits, words)
    return Qlaci(
        n=params.n,
        dq=params.dq,
        kv=params.kv,
        out=params.out,
        layers=params.layers,
        connectivity=params.connectivity,
        feature_map=params.feature_map,
        loader=loader,
        angle_bits=bits or 0,
        eps=eps,
        synthesize=synthesize,
        angles=angles,
        index_count=params.query_index + 1 if params.causal else None,
    )


def budget_position(params: QlaciParams) -> int:
    """The causal query whose shot has the most rotations: N - 2, whose N - 1 keys are no power
    of two and need the preparation's two rotations (for N >= 4). Every query of a causal head
    is synthesised at the precision that shot needs, so one error budget holds for the head."""
    return params.n - 2 if params.n >= 4 else params.query_index


def plan(params: QlaciParams, *, strict: bool = True) -> QlaciPlan:
    """Split the error budget, size the angle words, count the rotations to synthesise, and
    plan the shots (union bound over the N queries of a head and their observables).

    A fixed ``angle_bits`` spends 2 pi R_load / 2^b of the budget on loading; with ``strict``
    a word too short for ``eps`` is refused, without it (small circuits for simulation) the
    loading bound is reported as it is and synthesis keeps its default share.
    """

    params = params.validated()
    uses_loader = params.feature_map == "loader"
    eps_shot, eps_synth, eps_load = split_budget(params.eps, params.shot_share, uses_loader)
    bits = None
    if uses_loader:
        bits = params.angle_bits or angle_bits_for(eps_load, loaded_rotations(params))
        if params.angle_bits is not None:
            # a fixed word size spends 2 pi R / 2^b of the budget on loading; the rest goes to synthesis
            eps_load = 2.0 * 3.141592653589793 * loaded_rotations(params) / 2**bits
            if params.eps - eps_shot - eps_load > 0:
                eps_synth = params.eps - eps_shot - eps_load
            elif strict:

                raise QResourceError(
                    f"qlaci: --angle-bits {bits} alone costs {eps_load:.3g} of precision, more than the "
                    f"{params.eps - eps_shot:.3g} left after shots; use more bits"
                )
    shot_basis = "Z" * params.out
    budget_params = params.with_(query_position=budget_position(params)) if params.causal else params
    unsynthesised = QlaciShot(_bloq(budget_params, bits, _COUNTING_EPS, None, synthesize=False), shot_basis)
    rotations = int(gate_tally(unsynthesised).rotations)
    budget = ErrorBudget(
        eps=params.eps,
        eps_shot=eps_shot,
        eps_synthesis=eps_synth,
        eps_loading=eps_load,
        rotations=rotations,
        eps_rotation=eps_per_rotation(eps_synth, rotations),
        angle_bits=bits,
    )
    observables = observable_set(params.observables, params.out)
    shots = plan_shots(eps_shot, params.delta, observables, params.n, params.shot_method)
    return QlaciPlan(params, budget, observables, shots)


def build_qlaci(plan_: QlaciPlan, angles: Optional[QlaciAngles] = None, *, synthesize: bool = True) -> Qlaci:
    """The whole QLACI head of a plan (``plan(params)``) as one bloq; ``angles`` default to the
    plan's shape only, ``synthesize`` replaces every rotation by its Clifford+T synthesis."""
    return _bloq(plan_.params, plan_.angle_bits, plan_.eps_rotation, angles, synthesize)


def at_query(plan_: QlaciPlan, position: int) -> QlaciPlan:
    """The same causal head's plan (one error budget, one shot plan) for query ``position``."""
    return replace(plan_, params=plan_.params.with_(query_position=position))


def build_shot(plan_: QlaciPlan, angles: Optional[QlaciAngles] = None, *, basis: Optional[str] = None, synthesize: bool = True) -> QlaciShot:
    """One shot: the circuit and the measurement of the output register in ``basis``
    (default all-Z; the other settings differ only by single-qubit Cliffords)."""
    return QlaciShot(build_qlaci(plan_, angles, synthesize=synthesize), basis or "Z" * plan_.params.out)
