"""Depth and T-depth cost keys: leaf profiles, composition, closed forms."""

from __future__ import annotations

import attrs
import pytest
from qualtran import Bloq, BloqBuilder, QUInt, Signature
from qualtran.bloqs.arithmetic import Add
from qualtran.bloqs.basic_gates import TGate, Toffoli
from qualtran.bloqs.mcmt import And
from qualtran.resource_counting import get_cost_value

from qresource.core.errors import QResourceError
from qresource.machinery.circuit_counts import circuit_counts
from qresource.machinery.depth import (
    NO_PATH,
    DepthCost,
    TDepthCost,
    depth_profile,
    leaf_profile,
    register_depth_rule,
)
from qresource.machinery.flatten import to_circuit
from qresource.machinery.lowering import leaf_rule


def test_and_compute_profile_by_hand():
    """Gidney AND on (c1, c2, fresh t), ASAP layers from time 0: H t = 1, T t = 2,
    CX(c1,t) = 3, CX(c2,t) = 4, CX(t,c1) = 5, CX(t,c2) = 6, T-dag c1 = 6, T-dag c2 = 7,
    T t = 7, CX(t,c1) = 8, CX(t,c2) = 9, H t = 10, S t = 11. So from the fresh row: c1 ends at
    8, c2 at 9, t at 11. From input c1 (arriving at 0): its first gate CX(c1,t) would start at 0
    but must wait for t's preparation only in the fresh row; on its own path c1 -> CX(c1,t) ->
    CX(c2,t) -> ... -> S t is 9 gates long, so [c1, t] = 9."""
    profile = leaf_profile(leaf_rule(And()))
    depth = profile.depth
    assert depth.shape == (3, 4)  # rows: c1, c2, fresh; columns: c1, c2, t, sink
    assert depth[2].tolist() == [8, 9, 11, 11]  # from the fresh target (time 0)
    assert depth[0, 2] == 9  # c1 enters at CX layer 3 -> ... -> S at 11: 11 - 3 + 1
    assert profile.total_depth == 11
    # T-depth: the prepared target's T, then the parallel T-dagger/T layer.
    assert profile.total_t_depth == 2


def test_free_and_allocate_edges():
    uncompute = leaf_profile(leaf_rule(And(uncompute=True)))
    # Inputs c1, c2, t; outputs c1, c2; H, measure, then the controlled block (CZ, X) = 3 layers.
    assert uncompute.depth.shape == (4, 3)
    assert uncompute.depth[2].tolist() == [3, 3, 3]
    assert uncompute.depth[3].tolist() == [NO_PATH, NO_PATH, NO_PATH]  # nothing fresh inside


def test_adder_depth_equals_flattened_fresh_layout():
    for bits in (2, 3, 6):
        bloq = Add(QUInt(bits))
        fresh = circuit_counts(to_circuit(bloq, ancillas="fresh"))
        assert get_cost_value(bloq, DepthCost()) == fresh.depth
        assert get_cost_value(bloq, TDepthCost()) == fresh.t_depth


def test_memoisation_shares_profiles():
    add = Add(QUInt(4))
    assert depth_profile(add) is depth_profile(Add(QUInt(4)))


def test_sequential_and_parallel_composition():
    """Two Toffolis on disjoint qubits run in parallel; on shared qubits they stack."""
    single = get_cost_value(Toffoli(), DepthCost())
    builder = BloqBuilder()
    q = [builder.add_register(f"q{k}", 1) for k in range(6)]
    (q[0], q[1]), q[2] = builder.add(Toffoli(), ctrl=[q[0], q[1]], target=q[2])
    (q[3], q[4]), q[5] = builder.add(Toffoli(), ctrl=[q[3], q[4]], target=q[5])
    parallel = builder.finalize(**{f"q{k}": w for k, w in enumerate(q)})
    assert get_cost_value(parallel, DepthCost()) == single
    builder = BloqBuilder()
    q = [builder.add_register(f"q{k}", 1) for k in range(3)]
    for _ in range(2):
        (q[0], q[1]), q[2] = builder.add(Toffoli(), ctrl=[q[0], q[1]], target=q[2])
    serial = builder.finalize(**{f"q{k}": w for k, w in enumerate(q)})
    expected = circuit_counts(to_circuit(serial)).depth
    assert get_cost_value(serial, DepthCost()) == expected
    assert single < expected <= 2 * single


@attrs.frozen
class _Opaque(Bloq):
    """A bloq with a closed-form depth and no decomposition."""

    @property
    def signature(self):
        return Signature.build(x=2)

    def my_static_costs(self, cost_key):
        if isinstance(cost_key, DepthCost):
            return 40
        if isinstance(cost_key, TDepthCost):
            return 6
        return NotImplemented


def test_closed_form_enters_as_a_barrier():
    builder = BloqBuilder()
    x = builder.add_register("x", 2)
    y = builder.add_register("y", 1)
    x = builder.add(_Opaque(), x=x)
    y = builder.add(TGate(), q=y)
    bloq = builder.finalize(x=x, y=y)
    assert get_cost_value(bloq, DepthCost()) == 40
    assert get_cost_value(bloq, TDepthCost()) == 6


@attrs.frozen
class _Foreign(Bloq):
    n: int

    @property
    def signature(self):
        return Signature.build(x=self.n)


def test_registered_rule_and_missing_closed_form():
    with pytest.raises(QResourceError):
        depth_profile(_Foreign(3))
    register_depth_rule(_Foreign, lambda bloq: (10 * bloq.n, bloq.n))
    assert get_cost_value(_Foreign(4), DepthCost()) == 40
    assert get_cost_value(_Foreign(4), TDepthCost()) == 4


def test_allocation_after_work_keeps_depth_and_t_depth_apart():
    """Allocate after three layers of H: the fresh wire starts at 0 in both schedules, and the
    T-depth stays 0 (no T gate anywhere) while the depth is 3 H + 2 CNOT = 5."""
    from qualtran import QBit
    from qualtran.bloqs.basic_gates import CNOT, Hadamard
    from qualtran.bloqs.bookkeeping import Allocate, Free

    builder = BloqBuilder()
    q = builder.add_register("q", 1)
    for _ in range(3):
        q = builder.add(Hadamard(), q=q)
    ancilla = builder.add(Allocate(QBit()))
    for _ in range(2):
        q, ancilla = builder.add(CNOT(), ctrl=q, target=ancilla)
    builder.add(Free(QBit()), reg=ancilla)
    bloq = builder.finalize(q=q)
    assert (get_cost_value(bloq, DepthCost()), get_cost_value(bloq, TDepthCost())) == (5, 0)
    counts = circuit_counts(to_circuit(bloq, ancillas="fresh"))
    assert (counts.depth, counts.t_depth) == (5, 0)
