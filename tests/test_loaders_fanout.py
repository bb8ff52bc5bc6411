"""The fan-out QRAM bloq: decomposition, classical action, call graph, registers."""

import numpy as np
import pytest
from qualtran.bloqs.basic_gates import CNOT, XGate
from qualtran.bloqs.mcmt.and_bloq import And
from qualtran.resource_counting import QECGatesCost, QubitCount, get_cost_value
from qualtran.resource_counting._qubit_counts import _cbloq_max_width

from qresource.loaders.fanout import (
    FanOut,
    FanOutQRAM,
    LeafWrite,
    MergeTree,
    RouterLevel,
    address_bits,
    peak_qubits,
)


def random_table(n_words, bits, seed):
    rng = np.random.default_rng(seed)
    return tuple(int(x) for x in rng.integers(0, 2**bits, n_words))


@pytest.mark.parametrize("n_words,bits", [(2, 1), (3, 2), (4, 3), (5, 1), (8, 2), (13, 3), (16, 1)])
def test_classical_action_of_the_decomposition_on_every_address(n_words, bits):
    data = random_table(n_words, bits, seed=n_words * 10 + bits)
    cbloq = FanOutQRAM(n_words, bits, data).decompose_bloq()
    for address in range(n_words):
        for target in (0, 2**bits - 1):
            # Qualtran's classical simulator runs every sub-bloq, And and its measurement-based
            # uncomputation included (which raises if the AND target is not the AND).
            assert cbloq.call_classically(address=address, target=target) == (
                address,
                target ^ data[address],
            )


def test_leaves_are_ands_cnots_and_xs_only():
    bloq = FanOutQRAM(8, 2, random_table(8, 2, 1))
    flat = bloq.decompose_bloq().flatten()
    kinds = {type(inst.bloq).__name__ for inst in flat.bloq_instances}
    assert kinds <= {"And", "CNOT", "XGate", "Split", "Join", "Allocate", "Free"}


@pytest.mark.parametrize("n_words,bits", [(2, 3), (4, 1), (7, 2), (16, 3)])
def test_call_graph_matches_the_decomposition(n_words, bits):
    bloq = FanOutQRAM(n_words, bits, random_table(n_words, bits, 7))
    from_graph = get_cost_value(bloq, QECGatesCost())
    from_decomposition = get_cost_value(bloq.decompose_bloq(), QECGatesCost())
    assert from_graph == from_decomposition


@pytest.mark.parametrize("n_words", [2, 3, 4, 5, 8, 9, 16, 33])
def test_and_count_is_padded_tree_minus_root(n_words):
    # one AND per router below the root of the padded tree: 2^ceil(log2 N) - 2
    counts = get_cost_value(FanOutQRAM(n_words, 4), QECGatesCost())
    leaves = 2 ** address_bits(n_words)
    assert counts.and_bloq == leaves - 2
    assert counts.measurement == leaves - 2
    assert counts.toffoli == 0 and counts.cswap == 0 and counts.t == 0


def test_and_count_is_independent_of_word_size():
    counts = [get_cost_value(FanOutQRAM(64, b), QECGatesCost()).and_bloq for b in (1, 8, 32)]
    assert counts == [62, 62, 62]


@pytest.mark.parametrize("n_words,bits", [(2, 1), (3, 3), (8, 2), (13, 1), (16, 4)])
def test_static_qubit_count_equals_the_decomposition_width(n_words, bits):
    bloq = FanOutQRAM(n_words, bits, random_table(n_words, bits, 3))
    width = _cbloq_max_width(
        bloq.decompose_bloq()._binst_graph, lambda b: get_cost_value(b, QubitCount())
    )
    assert get_cost_value(bloq, QubitCount()) == peak_qubits(n_words, bits) == width


def test_huge_tables_are_counted_from_the_call_graph():
    counts = get_cost_value(FanOutQRAM(2**30, 32), QECGatesCost())
    assert counts.and_bloq == 2**30 - 2
    # 2 W leaf writes with W = N b ones counted as the worst case
    assert counts.clifford > 2 * 2**30 * 32


def test_registers():
    bloq = FanOutQRAM(5, 3)
    assert [(r.name, r.bitsize) for r in bloq.signature] == [("address", 3), ("target", 3)]


@pytest.mark.parametrize(
    "args", [(1, 2, None), (4, 0, None), (3, 2, (1, 2)), (2, 2, (1, 4)), (2, 2, (-1, 0))]
)
def test_bad_tables_are_rejected(args):
    with pytest.raises(ValueError):
        FanOutQRAM(*args)


def test_fan_out_copies_and_uncopies():
    for width in (2, 3, 8):
        for bit in (0, 1):
            copies = np.array([bit] + [0] * (width - 1))
            out = FanOut(width).call_classically(copies=copies)[0]
            assert list(out) == [bit] * width
            back = FanOut(width, uncompute=True).call_classically(copies=out)[0]
            assert list(back) == list(copies)
    assert get_cost_value(FanOut(8), QECGatesCost()).clifford == 7


def test_router_level_splits_active_flags():
    # level 1: two routers, the left one active; address bit 1 sends the path right
    flags, copies, right = RouterLevel(1).call_classically(flags=np.array([1, 0]), copies=np.array([1, 1]))
    assert list(flags) == [0, 0] and list(right) == [1, 0]
    with pytest.raises(ValueError):
        # right = 1 where flag AND address = 0: not a state the loading can produce
        RouterLevel(1, uncompute=True).call_classically(
            flags=np.array([0, 0]), copies=np.array([0, 1]), right=np.array([1, 0])
        )


def test_leaf_write_and_merge_route_the_word_to_lane_zero():
    data = (5, 2, 7, 0)
    flags = np.array([0, 0, 1, 0])  # address 2 active
    lanes = np.zeros((3, 2), dtype=int)
    flags, lanes = LeafWrite(4, 3, data).call_classically(flags=flags, lanes=lanes)
    (lanes,) = MergeTree(4, 3).call_classically(lanes=lanes)
    assert [int(x) for x in lanes[:, 0]] == [1, 1, 1]  # 7, most significant bit first
    assert LeafWrite(4, 3, data).adjoint() == LeafWrite(4, 3, data)


def test_sub_bloq_call_graphs():
    assert dict(RouterLevel(3).build_call_graph(None)) == {And(): 8, CNOT(): 8}
    assert dict(MergeTree(8, 2).build_call_graph(None)) == {CNOT(): 6}
    root = dict(FanOutQRAM(4, 1).build_call_graph(None))
    assert root[XGate()] == 2
