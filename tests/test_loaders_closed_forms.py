"""Closed forms of the loaders == hierarchical bloq counts == flattened-circuit counts."""

import pytest
import sympy
from qualtran.resource_counting import get_cost_value

from qresource.loaders.closed_forms import (
    CeilLog2,
    N,
    b,
    expressions,
    loader_counts,
    table_weight,
    unload_counts,
)
from qresource.loaders.table_loader import LOADER_KINDS, make_loader
from qresource.machinery.circuit_counts import circuit_counts
from qresource.machinery.depth import DepthCost, TDepthCost
from qresource.machinery.flatten import to_circuit
from qresource.machinery.logical import logical_counts

GATE_KEYS = ("toffoli", "t", "clifford", "rotations", "measurements", "qubits")


def generic_table(kind, n_words, bits, block=1):
    """Words with no two neighbours (for QROAM: neighbouring blocks) equal, so that Qualtran's
    unary iteration skips nothing, and as many 1-bits as that allows."""
    if kind in ("fanout", "bucket-brigade"):
        return [2**bits - 1] * n_words  # every bit 1: the case of the depth closed forms
    top = 2**bits - 1
    return [top - ((j // block) % 2) for j in range(n_words)]


def table_and_bloq(kind, n_words, bits):
    bloq = make_loader(kind, n_words, bits)
    block = 2 ** bloq.log_block_size if kind == "qroam" else 1
    data = generic_table(kind, n_words, bits, block)
    return data, make_loader(kind, n_words, bits, data)


SPARSE_N = (2, 3, 5, 8, 13, 21, 34, 55, 64)


def assert_counts_match(kind, bloq, counted, closed, n_words):
    """Equal, except QROAM's Cliffords when its block size does not divide N: the scratch
    unload's parity reads then count K W, an upper bound (docs/loaders.md)."""
    keys = GATE_KEYS
    if kind == "qroam" and n_words % 2**bloq.log_block_size:
        keys = tuple(k for k in GATE_KEYS if k != "clifford")
        assert counted["clifford"] <= closed["clifford"], n_words
    assert {k: counted[k] for k in keys} == {k: closed[k] for k in keys}, n_words


@pytest.mark.parametrize("kind", LOADER_KINDS)
@pytest.mark.parametrize("bits,sizes", [(1, range(2, 65)), (3, SPARSE_N)])
def test_gate_counts_equal_bloq_counts_for_every_n_up_to_64(kind, bits, sizes):
    for n_words in sizes:
        data, bloq = table_and_bloq(kind, n_words, bits)
        counted = logical_counts(bloq, with_depth=False).as_dict()
        closed = loader_counts(kind, n_words, bits, table_weight(kind, n_words, bits, data), getattr(bloq, "log_block_size", None))
        assert_counts_match(kind, bloq, counted, closed, n_words)


@pytest.mark.parametrize("kind", LOADER_KINDS)
@pytest.mark.parametrize("n_words", [4, 37, 64])
def test_gate_counts_at_wide_words(kind, n_words):
    data, bloq = table_and_bloq(kind, n_words, 8)
    counted = logical_counts(bloq, with_depth=False).as_dict()
    closed = loader_counts(kind, n_words, 8, table_weight(kind, n_words, 8, data), getattr(bloq, "log_block_size", None))
    assert_counts_match(kind, bloq, counted, closed, n_words)


@pytest.mark.parametrize("kind", LOADER_KINDS)
def test_shape_only_counts_agree_on_non_cliffords(kind):
    # Without a table, QROM/QROAM count through Qualtran's symbolic formula, whose Cliffords
    # differ (docs/loaders.md); Toffolis, T and measurements agree with the closed forms.
    for n_words, bits in [(2, 1), (17, 3), (4096, 8), (2**30, 32)]:
        counted = logical_counts(make_loader(kind, n_words, bits), with_depth=False)
        closed = loader_counts(kind, n_words, bits)
        assert (counted.toffoli, counted.t, counted.measurements) == (
            closed["toffoli"], closed["t"], closed["measurements"])
        assert counted.qubits == closed["qubits"]


@pytest.mark.parametrize("bits,sizes", [(2, range(2, 65)), (1, SPARSE_N + (33,)), (3, SPARSE_N), (8, SPARSE_N)])
def test_fanout_depth_equals_longest_path(bits, sizes):
    # the decomposition's longest path (not the bloq's own closed-form hook)
    kind = "fanout"
    for n_words in sizes:
        data, bloq = table_and_bloq(kind, n_words, bits)
        cbloq = bloq.decompose_bloq()
        closed = loader_counts(kind, n_words, bits, table_weight(kind, n_words, bits, data))
        assert get_cost_value(cbloq, DepthCost()) == closed["depth"], n_words
        assert get_cost_value(cbloq, TDepthCost()) == closed["t_depth"], n_words


@pytest.mark.parametrize("bits,sizes", [(1, tuple(range(2, 34)) + (48, 63, 64)), (3, SPARSE_N)])
def test_qrom_depth_equals_longest_path(bits, sizes):
    kind = "qrom"
    for n_words in sizes:
        data, bloq = table_and_bloq("qrom", n_words, bits)
        closed = loader_counts("qrom", n_words, bits, table_weight(kind, n_words, bits, data))
        assert get_cost_value(bloq.inner, DepthCost()) == closed["depth"], n_words
        assert get_cost_value(bloq.inner, TDepthCost()) == closed["t_depth"], n_words


@pytest.mark.parametrize("bits", [1, 2])
def test_qroam_depth_is_bounded(bits):
    # QROAM's depth and T-depth closed forms are upper bounds (a schedule that keeps every
    # qubit's gate order, docs/loaders.md), for the load and for the measured unload
    kind = "qroam"
    for n_words in SPARSE_N + (11, 32):
        for k in range(0, min(3, max(1, (n_words - 1).bit_length()))):
            block = 2**k
            data = generic_table("qroam", n_words, bits, block)
            bloq = make_loader("qroam", n_words, bits, data, log_block_size=k)
            closed = loader_counts("qroam", n_words, bits, table_weight(kind, n_words, bits, data), k)
            depth = get_cost_value(bloq.inner, DepthCost())
            t_depth = get_cost_value(bloq.inner, TDepthCost())
            assert depth <= closed["depth"] and t_depth <= closed["t_depth"], (n_words, k)
        unload = make_loader("qroam", n_words, bits, data).adjoint()
        closed = unload_counts("qroam", n_words, bits, table_weight(kind, n_words, bits, data))
        assert get_cost_value(unload, DepthCost()) <= closed["depth"], n_words
        assert get_cost_value(unload, TDepthCost()) <= closed["t_depth"], n_words


@pytest.mark.parametrize("kind", LOADER_KINDS)
@pytest.mark.parametrize("n_words,bits", [(2, 2), (5, 1), (8, 3), (12, 2)])
def test_flattened_circuit_counts_equal_closed_forms(kind, n_words, bits):
    data, bloq = table_and_bloq(kind, n_words, bits)
    flat = circuit_counts(to_circuit(bloq)).as_dict()
    closed = loader_counts(kind, n_words, bits, table_weight(kind, n_words, bits, data), getattr(bloq, "log_block_size", None))
    assert_counts_match(kind, bloq, flat, closed, n_words)
    if kind == "fanout":
        # The fan-out QRAM never reuses a freed qubit inside one access, so the flattened
        # circuit has exactly the fresh-wire schedule of the closed form. (Flattened QROM and
        # QROAM reuse released ancillas, which can add layers to the exported circuit.)
        assert (flat["depth"], flat["t_depth"]) == (closed["depth"], closed["t_depth"])
    if kind == "bucket-brigade":
        # The bus of each bit reuses the wires the previous bit released: the bus trips run
        # one after another anyway, so the depth is the same, but a reused wire's first T gate
        # can no longer run early.
        assert flat["depth"] == closed["depth"] and flat["t_depth"] >= closed["t_depth"]


@pytest.mark.parametrize("bits,sizes", [(1, SPARSE_N + (6, 33)), (2, SPARSE_N), (4, (3, 8, 12, 16))])
def test_bucket_brigade_depth_equals_longest_path(bits, sizes):
    kind = "bucket-brigade"
    for n_words in sizes:
        data, bloq = table_and_bloq(kind, n_words, bits)
        cbloq = bloq.decompose_bloq()
        closed = loader_counts(kind, n_words, bits, table_weight(kind, n_words, bits, data))
        assert get_cost_value(cbloq, DepthCost()) == closed["depth"], n_words
        assert get_cost_value(cbloq, TDepthCost()) == closed["t_depth"], n_words


def test_bucket_brigade_depth_bound_holds_for_any_table():
    import numpy as np

    from qresource.loaders.closed_forms import static_cost

    for n_words, bits in [(4, 2), (8, 3), (16, 2), (7, 2)]:
        for seed in range(3):
            data = [int(x) for x in np.random.default_rng(seed).integers(0, 2**bits, n_words)]
            bloq = make_loader("bucket-brigade", n_words, bits, data)
            exact = get_cost_value(bloq.decompose_bloq(), DepthCost())
            bound = loader_counts("bucket-brigade", n_words, bits)["depth"] + bits * (1 - n_words % 2)
            assert exact <= bound
        assert static_cost(bloq, DepthCost()) is NotImplemented  # small: the exact path


def test_fanout_lanes_keep_gate_counts_and_cut_qubits():
    for n_words, bits, lanes in [(8, 4, 1), (13, 5, 2), (16, 3, 2)]:
        data = [(7 * j + 3) % 2**bits for j in range(n_words)]
        full = logical_counts(make_loader("fanout", n_words, bits, data), with_depth=False).as_dict()
        bloq = make_loader("fanout", n_words, bits, data, lanes=lanes)
        fewer = logical_counts(bloq, with_depth=False).as_dict()
        closed = loader_counts("fanout", n_words, bits, table_weight("fanout", n_words, bits, data), lanes=lanes)
        flat = circuit_counts(to_circuit(bloq)).as_dict()
        for key in ("toffoli", "t", "clifford", "measurements"):
            assert fewer[key] == full[key] == closed[key] == flat[key]
        assert fewer["qubits"] == closed["qubits"] == flat["qubits"] < full["qubits"]
        assert closed["depth"] is None  # no closed form with fewer lanes: the longest path instead
        assert get_cost_value(bloq, DepthCost()) > get_cost_value(make_loader("fanout", n_words, bits, data), DepthCost())


def test_expressions_are_symbolic_and_exact():
    fanout = expressions("fanout")
    assert fanout["toffoli"] == 2 ** CeilLog2(N) - 2
    assert CeilLog2(sympy.Integer(2**40 + 1)) == 41
    huge = loader_counts("fanout", 2**40, 32)
    assert isinstance(huge["clifford"], int) and huge["toffoli"] == 2**40 - 2
    bb = expressions("bucket-brigade")
    assert sympy.simplify(bb["toffoli"] - (2 ** CeilLog2(N) - CeilLog2(N) - 1 + b * (2 ** CeilLog2(N) / 2 - 1))) == 0
    assert loader_counts("bucket-brigade", 2**40, 32)["toffoli"] == 2**40 - 41 + 32 * (2**39 - 1)
    assert expressions("qrom")["toffoli"] == N - 2
