"""Lattice-surgery depth: a CNOT fan-out from one control is one step. The cost key's walk and the
closed forms against the flattened circuit read gate by gate (machinery.circuit_counts)."""

from __future__ import annotations

import itertools
import sys
from pathlib import Path

import numpy as np
import pytest
from qiskit import QuantumCircuit
from qualtran import BloqBuilder
from qualtran.bloqs.basic_gates import CNOT, Hadamard
from qualtran.resource_counting import get_cost_value

from qresource.grover.circuit_costs import cached_counts
from qresource.grover.closed_forms import search_counts
from qresource.grover.iterate import GroverSearch
from qresource.loaders.closed_forms import loader_counts, nonzero_words, table_weight, unload_counts
from qresource.loaders.table_loader import make_loader
from qresource.machinery.circuit_counts import circuit_counts
from qresource.machinery.depth import DepthCost
from qresource.machinery.flatten import to_circuit
from qresource.machinery.lattice_surgery import LatticeSurgeryDepthCost, decomposition_lattice_surgery_depth
from qresource.oracle.closed_forms import stage_oracles
from qresource.oracle.threshold_oracle import ThresholdOracle

sys.path.insert(0, str(Path(__file__).parent))
from test_loaders_closed_forms import SPARSE_N, generic_table, table_and_bloq  # noqa: E402


def _fan(width: int, fan_in: bool = False, touch: bool = False):
    """One qubit and ``width`` others: CNOTs from the one onto each (fan-out) or from each onto
    the one (fan-in); ``touch`` puts an H on the first target between the first two CNOTs."""
    bb = BloqBuilder()
    hub = bb.add_register("hub", 1)
    others = [bb.add_register(f"q{i}", 1) for i in range(width)]
    for i in range(width):
        if fan_in:
            others[i], hub = bb.add(CNOT(), ctrl=others[i], target=hub)
        else:
            hub, others[i] = bb.add(CNOT(), ctrl=hub, target=others[i])
        if touch and i == 0:
            others[0] = bb.add(Hadamard(), q=others[0])
    return bb.finalize(hub=hub, **{f"q{i}": q for i, q in enumerate(others)})


def test_one_control_onto_five_targets_is_one_step():
    bloq = _fan(5)
    assert get_cost_value(bloq, DepthCost()) == 5
    assert get_cost_value(bloq, LatticeSurgeryDepthCost()) == 1
    qc = QuantumCircuit(6)
    for target in range(1, 6):
        qc.cx(0, target)
    counts = circuit_counts(qc)
    assert (counts.depth, counts.lattice_surgery_depth) == (5, 1)


def test_what_does_not_merge():
    # fan-in onto one target: five steps in both readings
    assert get_cost_value(_fan(5, fan_in=True), LatticeSurgeryDepthCost()) == 5
    # a gate on a target between two CNOTs ends the run: CX, then H on q0 || the other four
    # targets in one run starting after the first CX: 1 + 1 = 2 steps, q0's H runs alongside
    assert get_cost_value(_fan(5, touch=True), LatticeSurgeryDepthCost()) == 2
    qc = QuantumCircuit(3)
    qc.cx(0, 1)
    qc.cx(0, 1)  # the same target twice: two steps (a repeated target is no fan-out)
    qc.cx(0, 2)
    assert circuit_counts(qc).lattice_surgery_depth == 2
    qc = QuantumCircuit(3)
    qc.cx(0, 1)
    qc.cx(1, 2)  # a target becomes a control: the run from 0 closes first
    assert circuit_counts(qc).lattice_surgery_depth == 2
    qc = QuantumCircuit(2)
    qc.t(0)
    qc.cx(0, 1)
    qc.t(1)
    assert (circuit_counts(qc).depth, circuit_counts(qc).lattice_surgery_depth) == (3, 3)


#: every N up to 33 at 1 bit (N = 33: six address bits), sparse sizes at wider words
LOADER_SIZES = [(1, n) for n in range(2, 34)] + [(b, n) for b in (2, 3) for n in SPARSE_N + (33,)] + [
    (8, n) for n in (2, 5, 8, 13)]


@pytest.mark.parametrize("kind", ["fanout", "bucket-brigade", "qrom"])
def test_loader_closed_form_equals_the_longest_path(kind):
    for bits, n_words in LOADER_SIZES:
        data, bloq = table_and_bloq(kind, n_words, bits)
        walked = decomposition_lattice_surgery_depth(bloq.inner if kind == "qrom" else bloq)
        closed = loader_counts(kind, n_words, bits, table_weight(kind, n_words, bits, data),
                               nonzero=nonzero_words(n_words, data))
        assert walked == closed["lattice_surgery_depth"], (bits, n_words)
        assert walked <= closed["depth"]


@pytest.mark.parametrize("kind", ["fanout", "bucket-brigade", "qrom", "qroam"])
@pytest.mark.parametrize("n_words,bits", [(2, 1), (4, 2), (5, 3), (8, 3), (13, 2), (16, 4)])
def test_flattened_circuit_reads_the_same(kind, n_words, bits):
    data, bloq = table_and_bloq(kind, n_words, bits)
    flat = circuit_counts(to_circuit(bloq, ancillas="fresh"))
    assert flat.lattice_surgery_depth == get_cost_value(bloq, LatticeSurgeryDepthCost())
    assert flat.lattice_surgery_depth <= flat.depth


@pytest.mark.parametrize("bits", [1, 2])
def test_qroam_closed_forms_bound_the_longest_path(bits):
    for n_words in (2, 3, 5, 8, 13, 32):
        for k in range(0, min(3, max(1, (n_words - 1).bit_length()))):
            data = generic_table("qroam", n_words, bits, 2**k)
            bloq = make_loader("qroam", n_words, bits, data, log_block_size=k)
            closed = loader_counts("qroam", n_words, bits, table_weight("qroam", n_words, bits, data), k)
            assert decomposition_lattice_surgery_depth(bloq.inner) <= closed["lattice_surgery_depth"]
        unload = make_loader("qroam", n_words, bits, data).adjoint()
        closed = unload_counts("qroam", n_words, bits, table_weight("qroam", n_words, bits, data))
        assert get_cost_value(unload, LatticeSurgeryDepthCost()) <= closed["lattice_surgery_depth"]


def test_bucket_brigade_bound_holds_for_any_table():
    for n_words, bits in [(4, 2), (8, 3), (7, 2)]:
        for seed in range(3):
            data = [int(x) for x in np.random.default_rng(seed).integers(0, 2**bits, n_words)]
            bloq = make_loader("bucket-brigade", n_words, bits, data)
            bound = loader_counts("bucket-brigade", n_words, bits)["lattice_surgery_depth"] + bits * (1 - n_words % 2)
            assert decomposition_lattice_surgery_depth(bloq) <= bound


ORACLE_CASES = list(itertools.product(["qrom", "qroam", "bucket-brigade", "fanout"], ["phase", "bit-flip"],
                                      [4, 33], [1, 3], [3], [0, 2]))


@pytest.mark.parametrize("loader,form,n,d,bits,excluded", ORACLE_CASES)
def test_oracle_closed_form_equals_its_decomposition(loader, form, n, d, bits, excluded):
    oracle = ThresholdOracle(n, d, bits, loader=loader, form=form, excluded=tuple(range(n - 1, n - 1 - excluded, -1)))
    value = get_cost_value(oracle, LatticeSurgeryDepthCost())
    assert value == oracle.lattice_surgery_depth == decomposition_lattice_surgery_depth(oracle)
    assert value <= oracle.depths[0]


@pytest.mark.parametrize("loader", ["qrom", "qroam", "bucket-brigade", "fanout"])
@pytest.mark.parametrize("form", ["phase", "bit-flip"])
@pytest.mark.parametrize("n,d,bits,excluded", [(4, 1, 3, 0), (4, 2, 3, 2), (8, 2, 2, 1)])
def test_oracle_with_data_equals_its_flattened_circuit(loader, form, n, d, bits, excluded):
    rng = np.random.default_rng(n * 100 + d * 10 + bits)
    top = 2 ** (bits - 1) - 1
    q = rng.integers(-top, top + 1, d).tolist()
    keys = rng.integers(-top, top + 1, (n, d)).tolist()
    oracle = ThresholdOracle(n, d, bits, q, keys, 1, loader, form, tuple(range(n - 1, n - 1 - excluded, -1)))
    flat = circuit_counts(to_circuit(oracle, ancillas="fresh"))
    assert get_cost_value(oracle, LatticeSurgeryDepthCost()) == flat.lattice_surgery_depth
    assert flat.lattice_surgery_depth <= flat.depth


@pytest.mark.parametrize("loader", ["fanout", "bucket-brigade", "qrom", "qroam"])
@pytest.mark.parametrize("n,d,bits,exclusions", [(5, 2, 3, 4), (16, 1, 2, 15), (2**20, 2, 3, 3)])
def test_stage_oracles_equal_each_oracles_own(loader, n, d, bits, exclusions):
    stagewise = stage_oracles(n, d, bits, loader, exclusions)
    for e in range(exclusions + 1):
        oracle = ThresholdOracle(n, d, bits, loader=loader, form="phase", excluded=tuple(range(n - 1, n - 1 - e, -1)))
        assert stagewise.lattice_surgery_depth[e] == oracle.lattice_surgery_depth


@pytest.mark.parametrize("n,r", [(4, 0), (4, 1), (8, 3), (64, 17), (2**20, 20)])
def test_search_closed_form_equals_the_search_bloq(n, r):
    oracles = stage_oracles(n, 2, 2, "qrom", 1)
    oracle = ThresholdOracle(n, 2, 2, form="phase", excluded=(n - 1,))
    closed = search_counts(oracles.tallies[1], oracles.depth[1], oracles.t_depth[1], oracles.qubits[1], r,
                           (n - 1).bit_length(), measured=False,
                           oracle_lattice_surgery_depth=oracles.lattice_surgery_depth[1])
    counted = cached_counts(GroverSearch(oracle, r))
    assert closed.lattice_surgery_depth == counted.lattice_surgery_depth
    assert counted.lattice_surgery_depth <= counted.depth
