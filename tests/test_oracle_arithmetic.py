"""The oracle's arithmetic: Gidney adder, constant comparator, signed-digit recoding, inner product.

Every bloq is checked exhaustively at small widths by simulating its *flattened* decomposition
(the bit-sliced simulator, independent of the bloqs' own classical actions) against Python
integer arithmetic, and its call-graph counts against the counts of that decomposition, and
against Qualtran's ``Add`` and ``LessThanConstant`` at equal widths.
"""

from __future__ import annotations

import collections
import itertools

import numpy as np
import pytest
from qualtran import QUInt
from qualtran.bloqs.arithmetic import Add, LessThanConstant
from qualtran.bloqs.basic_gates import CNOT
from qualtran.bloqs.mcmt import And
from qualtran.resource_counting import QECGatesCost, QubitCount, get_cost_value

from qresource.arithmetic.comparator import (
    AtLeastConstant,
    EqualsConstant,
    comparator_and_count,
    equals_constant_profiles,
)
from qresource.arithmetic.fixed_point import (
    accumulator_bits,
    pack_row,
    score_offset,
    signed_digits,
    terms_for,
    worst_case_terms,
)
from qresource.arithmetic.gate_ops import simulate_ops
from qresource.arithmetic.inner_product import ConstantInnerProduct, RippleCarryAdd, ripple_add_cnots
from qresource.machinery.bitsliced import simulate
from qresource.machinery.depth import depth_profile
from qresource.machinery.lattice_surgery import lattice_surgery_profile


def _flat_counts(bloq):
    return get_cost_value(bloq.decompose_bloq().flatten(), QECGatesCost())


# ------------------------------------------------------------------------------ adder

ADDER_SHAPES = [(k, n) for n in range(1, 6) for k in range(1, n + 1)]


@pytest.mark.parametrize("a_bits,b_bits", ADDER_SHAPES)
@pytest.mark.parametrize("adjoint", [False, True])
def test_ripple_adder_is_modular_addition_on_every_input(a_bits, b_bits, adjoint):
    bloq = RippleCarryAdd(a_bits, b_bits, adjoint)
    a, b = np.meshgrid(np.arange(1 << a_bits), np.arange(1 << b_bits), indexing="ij")
    a, b = a.ravel(), b.ravel()
    out = simulate(bloq, {"a": a, "b": b})
    sign = -1 if adjoint else 1
    np.testing.assert_array_equal(out["a"], a)
    np.testing.assert_array_equal(out["b"], (b + sign * a) % (1 << b_bits))


@pytest.mark.parametrize("a_bits,b_bits", ADDER_SHAPES)
def test_ripple_adder_counts_match_decomposition_and_qualtran(a_bits, b_bits):
    bloq = RippleCarryAdd(a_bits, b_bits)
    counted = get_cost_value(bloq, QECGatesCost())
    assert counted == _flat_counts(bloq)
    # Gidney 2018: n - 1 temporary ANDs for an n-bit target, as Qualtran's Add.
    assert counted.and_bloq == b_bits - 1
    assert get_cost_value(Add(QUInt(a_bits), QUInt(b_bits)), QECGatesCost()).and_bloq == b_bits - 1
    # The call graph's leaves are the gates of the instrumented gate list (what the classical
    # simulation runs), one for one: b - 1 ANDs computed and uncomputed, and the CNOTs.
    _, leaves = bloq.call_graph()
    tally = collections.Counter(op[0] for op in bloq.ops)
    assert leaves == {CNOT(): tally["cnot"], And(): tally["and"], And(uncompute=True): tally["and_dag"]} or (
        b_bits == 1 and leaves == {CNOT(): tally["cnot"]} and not tally["and"])
    assert tally["and"] == tally["and_dag"] == b_bits - 1
    assert tally["cnot"] == ripple_add_cnots(a_bits, b_bits)


def test_ripple_adder_agrees_with_qualtran_add_classically():
    for a_bits, b_bits in [(2, 4), (3, 3), (3, 5)]:
        ours, theirs = RippleCarryAdd(a_bits, b_bits), Add(QUInt(a_bits), QUInt(b_bits))
        for a, b in itertools.product(range(1 << a_bits), range(1 << b_bits)):
            assert ours.call_classically(a=a, b=b) == theirs.call_classically(a=a, b=b)


# ------------------------------------------------------------------------------ comparator


@pytest.mark.parametrize("width", [1, 2, 3, 4, 5])
def test_comparator_every_constant_every_input(width):
    x = np.repeat(np.arange(1 << width), 2)
    target = np.tile([0, 1], 1 << width)
    for value in range(-2, (1 << width) + 2):
        out = simulate(AtLeastConstant(width, value), {"x": x, "target": target})
        np.testing.assert_array_equal(out["x"], x)
        np.testing.assert_array_equal(out["target"], target ^ (x >= value))


@pytest.mark.parametrize("width", [1, 3, 6])
def test_comparator_counts_and_qualtran_comparison(width):
    for value in range(1, 1 << width):
        bloq = AtLeastConstant(width, value)
        counted = get_cost_value(bloq, QECGatesCost())
        assert counted == _flat_counts(bloq)
        # w - 1 - (trailing zeros of c) ANDs; Qualtran's LessThanConstant needs w for any c.
        trailing = (value & -value).bit_length() - 1
        assert counted.and_bloq == width - 1 - trailing == comparator_and_count(width, value)
        assert get_cost_value(LessThanConstant(width, value), QECGatesCost()).and_bloq == width
    worst = AtLeastConstant(width, None)
    assert get_cost_value(worst, QECGatesCost()).and_bloq == width - 1


def test_gate_list_interpreter_catches_a_dirty_uncomputation():
    ops = [("and", "a", "b", "t", 1, 1), ("x", "a"), ("and_dag", "a", "b", "t", 1, 1)]
    with pytest.raises(ValueError):
        simulate_ops({"a": 1, "b": 1}, ops)


# ------------------------------------------------------------------------------ recoding


@pytest.mark.parametrize("recoding", ["naf", "binary"])
def test_signed_digits_reconstruct_every_value(recoding):
    for value in range(-600, 601):
        digits = signed_digits(value, recoding)
        assert sum(sign << shift for shift, sign in digits) == value
        if recoding == "naf":
            shifts = [shift for shift, _ in digits]
            assert all(b - a >= 2 for a, b in zip(shifts, shifts[1:])), value


def test_naf_never_has_more_digits_than_binary_and_fewer_on_average():
    values = range(-(1 << 9), 1 << 9)
    naf = [len(signed_digits(v, "naf")) for v in values]
    binary = [len(signed_digits(v, "binary")) for v in values]
    assert all(a <= b for a, b in zip(naf, binary))
    # Averages over all 10-bit signed values: NAF ~ b/3 + O(1), binary ~ (b - 1)/2.
    assert np.mean(naf) < 0.85 * np.mean(binary)


def test_worst_case_terms_contain_every_b_bit_constant():
    bits = 5
    allowed = {(shift) for shift in range(bits)}
    for value in range(-(1 << (bits - 1)), 1 << (bits - 1)):
        for recoding in ("naf", "binary"):
            assert {shift for _, shift, _ in terms_for([value], recoding)} <= allowed


# ------------------------------------------------------------------------------ inner product

INNER_CASES = [
    ((3, -2), 3, "naf"),
    ((3, -2), 3, "binary"),
    ((-4, 3), 3, "naf"),
    ((7, -8, 5), 4, "naf"),
    ((0, 0), 2, "naf"),
    ((1,), 2, "binary"),
]


@pytest.mark.parametrize("q,bits,recoding", INNER_CASES)
def test_inner_product_every_row(q, bits, recoding):
    """acc = Q . K + C on every K row of the format, and the adjoint releases it clean."""
    bloq = ConstantInnerProduct.from_q(q, bits, recoding)
    low, high = -(1 << (bits - 1)), (1 << (bits - 1)) - 1
    rows = list(itertools.product(range(low, high + 1), repeat=len(q)))
    words = np.array([pack_row(row, bits) for row in rows])
    out = simulate(bloq, {"keys": words})
    expected = np.array([sum(a * b for a, b in zip(q, row)) for row in rows]) + bloq.offset
    np.testing.assert_array_equal(out["keys"], words)
    np.testing.assert_array_equal(out["acc"], expected)
    assert expected.min() >= 0 and expected.max() < (1 << bloq.acc_bits)
    back = simulate(bloq.adjoint(), {"keys": words, "acc": expected})
    np.testing.assert_array_equal(back["keys"], words)


def test_inner_product_adjoint_refuses_a_wrong_accumulator():
    from qresource.core.errors import QResourceError

    bloq = ConstantInnerProduct.from_q((3, -2), 3)
    word = pack_row((1, 1), 3)
    with pytest.raises(QResourceError):
        simulate(bloq.adjoint(), {"keys": np.array([word]), "acc": np.array([bloq.value(word) ^ 1])})


@pytest.mark.parametrize("q,bits,recoding", INNER_CASES)
def test_inner_product_counts_match_decomposition(q, bits, recoding):
    bloq = ConstantInnerProduct.from_q(q, bits, recoding)
    for b in (bloq, bloq.adjoint()):
        assert get_cost_value(b, QECGatesCost()) == _flat_counts(b)
        # The closed-form peak width equals Qualtran's count over the decomposition.
        assert get_cost_value(b, QubitCount()) == get_cost_value(b.decompose_bloq(), QubitCount())


def test_inner_product_offset_and_width_formulas():
    # q = (3, -2), b = 3, NAF: 3 = 4 - 1 -> terms (+, shift 2), (-, shift 0); -2 -> (-, shift 1).
    terms = terms_for((3, -2), "naf")
    assert sorted(terms) == [(0, 0, True), (0, 2, False), (1, 1, True)]
    # C = (2^2 - 1) 2^0 + (2^2 - 1) 2^1 + 2^2 2^2 = 3 + 6 + 16 = 25.
    assert score_offset(terms, 3) == 25
    # P = 7 (1 + 2 + 4) = 49 -> 6 bits.
    assert accumulator_bits(terms, 3) == 6
    # Worst case d = 128, b = 8: bitlen(128 * 255^2 = 8323200) = 23.
    assert accumulator_bits(worst_case_terms(128, 8), 8) == 23


# ------------------------------------------------------------------------------ equality


@pytest.mark.parametrize("width", [1, 2, 3, 4])
def test_equality_every_constant_every_input(width):
    x = np.repeat(np.arange(1 << width), 2)
    target = np.tile([0, 1], 1 << width)
    for value in range(1 << width):
        bloq = EqualsConstant(width, value)
        out = simulate(bloq, {"x": x, "target": target})
        np.testing.assert_array_equal(out["target"], target ^ (x == value))
        counted = get_cost_value(bloq, QECGatesCost())
        assert counted == _flat_counts(bloq)
        assert counted.and_bloq == width - 1  # an AND ladder over the bits of x


def _walked_profiles(bloq):
    profile = depth_profile(bloq)
    return profile.depth, profile.t_depth, lattice_surgery_profile(bloq)


@pytest.mark.parametrize("width", range(1, 9))
def test_equality_profiles_closed_form_is_the_walk_for_every_constant(width):
    for value in range(1 << width):
        closed = equals_constant_profiles(width, value)
        for name, mine, walked in zip(("depth", "t_depth", "lattice surgery"), closed,
                                      _walked_profiles(EqualsConstant(width, value))):
            np.testing.assert_array_equal(mine, walked, err_msg=f"{name} {width} {value}")


@pytest.mark.parametrize("width, value", [(12, 0), (12, 4095), (12, 0b101100111010), (20, 2**20 - 7),
                                          (30, 2**30 - 1), (30, 2**30 - 32), (31, 0x2AAAAAAA)])
def test_equality_profiles_closed_form_is_the_walk_at_wide_indices(width, value):
    for mine, walked in zip(equals_constant_profiles(width, value), _walked_profiles(EqualsConstant(width, value))):
        np.testing.assert_array_equal(mine, walked)
    with pytest.raises(ValueError):
        equals_constant_profiles(width, 1 << width)
