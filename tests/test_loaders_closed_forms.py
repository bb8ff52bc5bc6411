"""Closed forms of the loaders == hierarchical bloq counts == flattened-circuit counts."""

import pytest
import sympy
from qualtran.resource_counting import get_cost_value

from qresource.loaders.table_loader import LOADER_KINDS, make_loader
from qresource.machinery.circuit_counts import circuit_counts
from qresource.machinery.flatten import to_circuit
from qresource.loaders.closed_forms import CeilLog2, N, expressions, loader_counts
from qresource.machinery.depth import DepthCost, TDepthCost
from qresource.machinery.logical import logical_counts

GATE_KEYS = ("toffoli", "t", "clifford", "rotations", "measurements", "qubits")


def generic_table(kind, n_words, bits, block=1):
    """Words with no two neighbours (for QROAM: neighbouring blocks) equal, so that Qualtran's
    unary iteration skips nothing, and as many 1-bits as that allows."""
    if kind == "bucket-brigade":
        return [2**bits - 1] * n_words  # every bit 1: the worst case of the closed forms
    top = 2**bits - 1
    return [top - ((j // block) % 2) for j in range(n_words)]


def ones(data):
    return sum(int(x).bit_count() for x in data)


def table_and_bloq(kind, n_words, bits):
    bloq = make_loader(kind, n_words, bits)
    block = 2 ** bloq.log_block_size if kind == "qroam" else 1
    data = generic_table(kind, n_words, bits, block)
    return data, make_loader(kind, n_words, bits, data)


SPARSE_N = (2, 3, 5, 8, 13, 21, 34, 55, 64)


@pytest.mark.parametrize("kind", LOADER_KINDS)
@pytest.mark.parametrize("bits,sizes", [(1, range(2, 65)), (3, SPARSE_N)])
def test_gate_counts_equal_bloq_counts_for_every_n_up_to_64(kind, bits, sizes):
    for n_words in sizes:
        data, bloq = table_and_bloq(kind, n_words, bits)
        counted = logical_counts(bloq, with_depth=False).as_dict()
        closed = loader_counts(kind, n_words, bits, ones(data), getattr(bloq, "log_block_size", None))
        assert {k: counted[k] for k in GATE_KEYS} == {k: closed[k] for k in GATE_KEYS}, n_words


@pytest.mark.parametrize("kind", LOADER_KINDS)
@pytest.mark.parametrize("n_words", [4, 37, 64])
def test_gate_counts_at_wide_words(kind, n_words):
    data, bloq = table_and_bloq(kind, n_words, 8)
    counted = logical_counts(bloq, with_depth=False).as_dict()
    closed = loader_counts(kind, n_words, 8, ones(data), getattr(bloq, "log_block_size", None))
    assert {k: counted[k] for k in GATE_KEYS} == {k: closed[k] for k in GATE_KEYS}


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
def test_bucket_brigade_depth_equals_longest_path(bits, sizes):
    # the decomposition's longest path (not the bloq's own closed-form hook)
    for n_words in sizes:
        data, bloq = table_and_bloq("bucket-brigade", n_words, bits)
        cbloq = bloq.decompose_bloq()
        closed = loader_counts("bucket-brigade", n_words, bits, ones(data))
        assert get_cost_value(cbloq, DepthCost()) == closed["depth"], n_words
        assert get_cost_value(cbloq, TDepthCost()) == closed["t_depth"], n_words


@pytest.mark.parametrize("bits,sizes", [(1, tuple(range(2, 34)) + (48, 63, 64)), (3, SPARSE_N)])
def test_qrom_depth_equals_longest_path(bits, sizes):
    for n_words in sizes:
        data, bloq = table_and_bloq("qrom", n_words, bits)
        closed = loader_counts("qrom", n_words, bits, ones(data))
        assert get_cost_value(bloq.inner, DepthCost()) == closed["depth"], n_words
        assert get_cost_value(bloq.inner, TDepthCost()) == closed["t_depth"], n_words


@pytest.mark.parametrize("bits", [1, 2])
def test_qroam_depth_exact_without_swaps_and_bounded_with(bits):
    for n_words in SPARSE_N + (11, 32):
        for k in range(0, min(3, max(1, (n_words - 1).bit_length()))):
            block = 2**k
            data = generic_table("qroam", n_words, bits, block)
            bloq = make_loader("qroam", n_words, bits, data, log_block_size=k)
            closed = loader_counts("qroam", n_words, bits, ones(data), k)
            depth = get_cost_value(bloq.inner, DepthCost())
            t_depth = get_cost_value(bloq.inner, TDepthCost())
            if k == 0:
                assert (depth, t_depth) == (closed["depth"], closed["t_depth"]), n_words
            else:
                assert depth <= closed["depth"] and t_depth <= closed["t_depth"], (n_words, k)


@pytest.mark.parametrize("kind", LOADER_KINDS)
@pytest.mark.parametrize("n_words,bits", [(2, 2), (5, 1), (8, 3), (12, 2)])
def test_flattened_circuit_counts_equal_closed_forms(kind, n_words, bits):
    data, bloq = table_and_bloq(kind, n_words, bits)
    flat = circuit_counts(to_circuit(bloq)).as_dict()
    closed = loader_counts(kind, n_words, bits, ones(data), getattr(bloq, "log_block_size", None))
    exact = ("toffoli", "t", "clifford", "measurements", "qubits")
    assert {k: flat[k] for k in exact} == {k: closed[k] for k in exact}
    if kind == "bucket-brigade":
        # The bucket brigade never reuses a freed qubit inside one access, so the flattened
        # circuit has exactly the fresh-wire schedule of the closed form. (Flattened QROM and
        # QROAM reuse released ancillas, which can add layers to the exported circuit.)
        assert (flat["depth"], flat["t_depth"]) == (closed["depth"], closed["t_depth"])


def test_expressions_are_symbolic_and_exact():
    bb = expressions("bucket-brigade")
    assert bb["toffoli"] == 2 ** CeilLog2(N) - 2
    assert CeilLog2(sympy.Integer(2**40 + 1)) == 41
    huge = loader_counts("bucket-brigade", 2**40, 32)
    assert isinstance(huge["clifford"], int) and huge["toffoli"] == 2**40 - 2
    assert expressions("qrom")["toffoli"] == N - 2
