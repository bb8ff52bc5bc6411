"""Diffusion, Grover iterate and Grover search bloqs: unitaries against numpy, counts against
closed forms, hierarchical call graphs."""

from __future__ import annotations

from functools import cached_property

import numpy as np
import pytest
from attrs import frozen
from qualtran import Bloq, BloqBuilder, QUInt, Register, Signature
from qualtran.bloqs.basic_gates import CZ, Hadamard, XGate, ZGate
from qualtran.bloqs.data_loading.qrom import QROM
from qualtran.bloqs.mcmt import And
from qualtran.resource_counting import QECGatesCost, QubitCount, get_cost_value

from qresource.grover.diffusion import GroverDiffusion, ReflectAboutZero, diffusion_closed_form
from qresource.grover.iterate import GroverIterate, GroverSearch
from qresource.machinery.depth import depth_profile
from qresource.machinery.lattice_surgery import lattice_surgery_profile
from qresource.machinery.logical import GATE_KEYS, LoweredGateCost


@frozen
class TablePhaseOracle(Bloq):
    """(-1)^[j in marked] on `index`, from a one-bit QROM (Qualtran's) onto a |-> ancilla.

    A marking oracle independent of the threshold oracle, to test the search machinery alone."""

    bitsize: int
    marked: tuple[int, ...]

    @cached_property
    def signature(self) -> Signature:
        return Signature([Register("index", QUInt(self.bitsize))])

    @cached_property
    def table(self) -> QROM:
        flags = np.zeros(2**self.bitsize, dtype=int)
        flags[list(self.marked)] = 1
        return QROM.build_from_data(flags, target_bitsizes=(1,))

    def build_composite_bloq(self, bb: BloqBuilder, *, index):
        minus = bb.add(Hadamard(), q=bb.add(XGate(), q=bb.allocate(1)))
        index, minus = bb.add(self.table, selection=index, target0_=minus)
        bb.free(bb.add(XGate(), q=bb.add(Hadamard(), q=minus)))
        return {"index": index}


def numpy_grover_state(bitsize: int, marked, iterations: int) -> np.ndarray:
    """Grover's algorithm on a dense state vector: H^m|0>, then (2|s><s| - I) . O, r times."""
    size = 2**bitsize
    state = np.full(size, 1 / np.sqrt(size))
    sign = np.ones(size)
    sign[list(marked)] = -1
    for _ in range(iterations):
        state = sign * state
        state = 2 * state.mean() - state
    return state


def equal_up_to_phase(a: np.ndarray, b: np.ndarray) -> bool:
    overlap = np.vdot(a.ravel(), b.ravel())
    return np.isclose(abs(overlap), np.linalg.norm(a) * np.linalg.norm(b)) and np.allclose(
        a, b * overlap / abs(overlap)
    )


@pytest.mark.parametrize("bitsize", [1, 2, 3, 4, 5])
def test_diffusion_unitary_is_reflection_about_uniform_state(bitsize):
    size = 2**bitsize
    uniform = np.full(size, 1 / np.sqrt(size))
    expected = np.eye(size) - 2 * np.outer(uniform, uniform)  # = -(Grover's 2|s><s| - I)
    assert np.allclose(GroverDiffusion(bitsize).tensor_contract(), expected)
    zero = np.zeros(size)
    zero[0] = 1
    assert np.allclose(ReflectAboutZero(bitsize).tensor_contract(), np.eye(size) - 2 * np.outer(zero, zero))


@pytest.mark.parametrize("bitsize", [1, 2, 3, 4, 7, 12])
def test_diffusion_counts_match_closed_form_and_decomposition(bitsize):
    m = bitsize
    ands = max(m - 2, 0)
    counts = get_cost_value(GroverDiffusion(m), QECGatesCost())
    assert counts.and_bloq == ands
    assert counts.measurement == ands  # every AND uncomputed by measurement
    assert counts.t == counts.toffoli == counts.rotation == 0
    # peak qubits: the register plus the m - 2 ladder ancillas
    assert get_cost_value(GroverDiffusion(m), QubitCount()) == m + ands
    # call graph and decomposition agree on the leaves they call
    from_graph = dict(ReflectAboutZero(m).build_call_graph(None))
    from_decomposition: dict = {}
    for inst in ReflectAboutZero(m).decompose_bloq().bloq_instances:
        if inst.bloq.__class__.__name__ in ("Split", "Join"):
            continue
        from_decomposition[inst.bloq] = from_decomposition.get(inst.bloq, 0) + 1
    assert from_graph == from_decomposition
    assert from_graph.get(XGate()) == 2 * m
    assert from_graph.get(CZ() if m > 1 else ZGate()) == 1
    assert from_graph.get(And(), 0) == ands and from_graph.get(And().adjoint(), 0) == ands
    assert dict(GroverDiffusion(m).build_call_graph(None))[Hadamard()] == 2 * m


@pytest.mark.parametrize(
    "bitsize, marked, iterations",
    [(2, (3,), 1), (3, (2, 5), 1), (3, (6,), 2), (3, (0, 1, 7), 3), (4, (9,), 3), (4, (1, 2, 3, 4, 5), 2)],
)
def test_search_state_matches_numpy_grover(bitsize, marked, iterations):
    search = GroverSearch(TablePhaseOracle(bitsize, marked), iterations)
    # the search expects |0...0> on entry: column 0 of its unitary is the final state
    state = search.tensor_contract()[:, 0]
    assert equal_up_to_phase(state, numpy_grover_state(bitsize, marked, iterations))


def test_phase_oracle_marks_exactly_the_table():
    oracle = TablePhaseOracle(3, (2, 5))
    expected = np.diag([1, 1, -1, 1, 1, -1, 1, 1])
    assert np.allclose(oracle.tensor_contract(), expected)


def test_search_call_graph_is_hierarchical_and_counts_scale_linearly():
    oracle = TablePhaseOracle(3, (1,))
    iterate = GroverIterate(oracle)
    assert dict(iterate.build_call_graph(None)) == {oracle: 1, GroverDiffusion(3): 1}
    one = get_cost_value(iterate, QECGatesCost())
    iterations = 10**6
    search = GroverSearch(oracle, iterations)
    assert dict(search.build_call_graph(None)) == {Hadamard(): 3, iterate: iterations}
    total = get_cost_value(search, QECGatesCost())
    assert total.and_bloq == iterations * one.and_bloq
    assert total.measurement == iterations * one.measurement
    assert total.clifford == iterations * one.clifford + 3
    # one iterate = the oracle's table lookup (Qualtran's own count) + the 3-qubit diffusion's AND
    assert one.and_bloq == get_cost_value(oracle.table, QECGatesCost()).and_bloq + 1


def test_phase_oracle_contract_is_enforced():
    with pytest.raises(ValueError, match="exactly one register"):
        GroverIterate(QROM.build_from_data(np.array([0, 1, 0, 1]), target_bitsizes=(1,)))
    with pytest.raises(ValueError, match="iterations"):
        GroverSearch(TablePhaseOracle(2, (1,)), -1)
    with pytest.raises(ValueError):
        GroverDiffusion(0)


@pytest.mark.parametrize("m", range(1, 21))
def test_diffusion_closed_form_is_the_call_graph_and_the_walked_depths(m):
    bloq = GroverDiffusion(m)
    tally = get_cost_value(bloq, LoweredGateCost())
    profile = depth_profile(bloq)
    surgery = lattice_surgery_profile(bloq)
    walked = ({key: int(getattr(tally, key)) for key in GATE_KEYS}, int(get_cost_value(bloq, QubitCount())),
              (int(profile.depth[:-1, :-1].max()), int(profile.t_depth[:-1, :-1].max()), int(surgery[:-1, :-1].max())),
              (int(profile.depth[:-1, -1].max()), int(profile.t_depth[:-1, -1].max()), int(surgery[:-1, -1].max())))
    assert diffusion_closed_form(m) == walked
