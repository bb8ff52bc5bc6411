"""Bit-sliced classical simulation and Aer statevector checks."""

from __future__ import annotations

import numpy as np
import pytest
from qualtran import BloqBuilder, QBit, QUInt
from qualtran.bloqs.arithmetic import Add, LessThanConstant
from qualtran.bloqs.basic_gates import CNOT, CSwap, Hadamard
from qualtran.bloqs.data_loading.qrom import QROM
from qualtran.bloqs.data_loading.select_swap_qrom import SelectSwapQROM
from qualtran.bloqs.mcmt import And

from qresource.core.errors import QResourceError, ResourceLimitError
from qresource.machinery.bitsliced import all_basis_inputs, simulate
from qresource.machinery.flatten import to_circuit
from qresource.machinery.statevector import (
    check_statevector_size,
    run_bloq_statevector,
    run_circuit_statevector,
    statevector_bytes,
)


def test_adder_exhaustively_against_numpy():
    bloq = Add(QUInt(4))
    inputs = all_basis_inputs(bloq)  # 2^8 = 256 basis inputs in one pass
    out = simulate(bloq, inputs)
    assert len(inputs["a"]) == 256
    assert np.array_equal(out["a"], inputs["a"])
    assert np.array_equal(out["b"], (inputs["a"] + inputs["b"]) % 16)


def test_less_than_constant_exhaustively():
    bloq = LessThanConstant(5, 19)
    inputs = all_basis_inputs(bloq)
    out = simulate(bloq, inputs)
    assert np.array_equal(out["target"], inputs["target"] ^ (inputs["x"] < 19))
    assert np.array_equal(out["x"], inputs["x"])


def test_cswap_with_wide_register():
    bloq = CSwap(3)
    inputs = all_basis_inputs(bloq)
    out = simulate(bloq, inputs)
    swap = inputs["ctrl"] == 1
    assert np.array_equal(out["x"], np.where(swap, inputs["y"], inputs["x"]))
    assert np.array_equal(out["y"], np.where(swap, inputs["x"], inputs["y"]))


@pytest.mark.parametrize("words", [2, 7, 64, 256])
def test_qrom_and_qroam_on_every_address(words):
    rng = np.random.default_rng(words)
    data = rng.integers(0, 256, words)
    address = np.arange(words)
    zeros = np.zeros(words, dtype=np.int64)
    for bloq in (QROM.build_from_data(data),
                 SelectSwapQROM.build_from_data(data, log_block_sizes=(max(0, words.bit_length() // 2 - 1),))):
        out = simulate(bloq, {"selection": address, "target0_": zeros})
        assert np.array_equal(out["target0_"], data)
        assert np.array_equal(out["selection"], address)


def test_signed_registers_in_twos_complement():
    from qualtran import QInt
    from qualtran.bloqs.arithmetic import Negate

    bloq = Negate(QInt(4))
    values = np.arange(-8, 8)
    out = simulate(bloq, {"x": values})
    assert out["x"].tolist() == [-8] + list(range(7, -8, -1))  # -(-8) wraps to -8 in 4 bits
    with pytest.raises(QResourceError, match="signed"):
        simulate(bloq, {"x": np.array([8])})


def test_inputs_wider_than_64_bits_are_exact():
    bloq = Add(QUInt(70))
    a = np.array([2**69 + 5, 2**70 - 1], dtype=object)
    b = np.array([2**69 + 7, 1], dtype=object)
    out = simulate(bloq, {"a": a, "b": b})
    assert [int(v) for v in out["b"]] == [(2**70 + 12) % 2**70, 0]


def _dirty_and():
    """Computes an AND and releases it without uncomputing: the target is left dirty."""
    from qualtran.bloqs.bookkeeping import Free

    builder = BloqBuilder()
    a = builder.add_register("a", 1)
    b = builder.add_register("b", 1)
    (a, b), target = builder.add(And(), ctrl=[a, b])
    builder.add(Free(QBit()), reg=target)
    return builder.finalize(a=a, b=b)


def test_dirty_ancilla_is_reported():
    bloq = _dirty_and()
    with pytest.raises(QResourceError, match="released in a state other than"):
        simulate(bloq, {"a": np.array([1]), "b": np.array([1])})
    # On inputs where the AND is 0 the release is clean.
    out = simulate(bloq, {"a": np.array([0, 1, 0]), "b": np.array([0, 0, 1])})
    assert out["a"].tolist() == [0, 1, 0]


def test_wrong_uncompute_is_reported():
    builder = BloqBuilder()
    a = builder.add_register("a", 1)
    b = builder.add_register("b", 1)
    (a, b), target = builder.add(And(), ctrl=[a, b])
    a, target = builder.add(CNOT(), ctrl=a, target=target)
    a, b = builder.add(And(uncompute=True), ctrl=[a, b], target=target)
    bloq = builder.finalize(a=a, b=b)
    with pytest.raises(QResourceError, match="not the AND"):
        simulate(bloq, {"a": np.array([1]), "b": np.array([0])})


def test_non_classical_leaf_and_bad_inputs():
    with pytest.raises(QResourceError, match="not a classical"):
        simulate(Hadamard(), {"q": np.array([0])})
    with pytest.raises(QResourceError, match="fit"):
        simulate(Add(QUInt(2)), {"a": np.array([4]), "b": np.array([0])})
    with pytest.raises(QResourceError, match="missing"):
        simulate(Add(QUInt(2)), {"a": np.array([1])})


@pytest.mark.parametrize("words", [4, 8])
def test_qrom_statevector_is_sum_of_address_and_data(words):
    data = np.array([3, 1, 2, 0, 1, 3, 0, 2][:words])
    result = run_bloq_statevector(QROM.build_from_data(data), {"selection": "uniform"}, seed=words)
    assert result.register_names == ("selection", "target0_")
    expected = {(j, int(data[j])): 1 / np.sqrt(words) for j in range(words)}
    assert set(result.amplitudes) == set(expected)
    for key, amplitude in result.amplitudes.items():
        assert amplitude == pytest.approx(expected[key], abs=1e-9)  # equal phases, ancillas clean


def test_adder_value_round_trip_on_aer():
    """Little-endian registers: a = 5, b = 6 -> b = 11 (mod 16), read back from the state."""
    result = run_bloq_statevector(Add(QUInt(4)), {"a": 5, "b": 6})
    assert list(result.amplitudes) == [(5, 11)]


def test_statevector_memory_guard():
    assert statevector_bytes(10) == 16 * 1024
    # 2^30 amplitudes x 16 bytes = 16 GiB, over a 1 GiB limit; the message names the variable
    # that lifts the limit.
    with pytest.raises(ResourceLimitError, match=r"16(\.0)? GiB.*QRESOURCE_MAX_MEMORY"):
        check_statevector_size(30, limit_bytes=2**30)
    circuit = to_circuit(Add(QUInt(3)))
    with pytest.raises(ResourceLimitError, match="over the limit of 1(\.0)? KiB"):
        run_circuit_statevector(circuit, {"a": 1}, limit_bytes=1024)


def test_dirty_ancilla_fails_the_statevector_check():
    circuit = to_circuit(_dirty_and())
    with pytest.raises(QResourceError, match="ancillas"):
        run_circuit_statevector(circuit, {"a": 1, "b": 1})


def test_bit_sliced_agrees_with_qualtrans_own_classical_simulation():
    """Qualtran's on_classical_vals (per bloq, no flattening) as an independent reference."""
    from hypothesis import given, settings
    from hypothesis import strategies as st

    data = np.array([9, 0, 15, 4, 4, 11, 2, 7, 1, 13])
    bloqs = [Add(QUInt(5)), LessThanConstant(5, 21), QROM.build_from_data(data)]

    @settings(max_examples=25, deadline=None, derandomize=True)
    @given(st.lists(st.integers(0, 31), min_size=1, max_size=6), st.integers(0, 31), st.integers(0, 2))
    def check(first_values, second, which):
        bloq = bloqs[which]
        names = [reg.name for reg in bloq.signature.lefts()]
        limits = [2 ** reg.total_bits() for reg in bloq.signature.lefts()]
        if isinstance(bloq, QROM):
            limits = [len(data), 1]  # address inside the table; target starts at 0
        columns = {
            names[0]: np.array([v % limits[0] for v in first_values]),
            names[1]: np.array([second % limits[1]] * len(first_values)),
        }
        ours = simulate(bloq, columns)
        for k in range(len(first_values)):
            reference = bloq.call_classically(**{n: int(columns[n][k]) for n in names})
            for name, value in zip([r.name for r in bloq.signature.rights()], reference):
                assert int(ours[name][k]) == int(value), (bloq, k, name)

    check()


def test_blocks_and_worker_processes_match_one_block():
    from qresource.machinery.bitsliced import word_program

    data = np.random.default_rng(3).integers(0, 256, 1500)
    bloq = QROM.build_from_data(data)
    address = np.arange(len(data))
    inputs = {"selection": address, "target0_": np.zeros_like(address)}
    program = word_program(bloq)
    alone = simulate(bloq, inputs, program=program)
    assert np.array_equal(alone["target0_"], data)
    blocks = simulate(bloq, inputs, program=program, block_inputs=512, workers=2)
    assert all(np.array_equal(alone[name], blocks[name]) for name in alone)


def test_failure_in_a_later_block_names_the_input():
    bloq = _dirty_and()
    a = np.zeros(1200, dtype=np.int64)
    b = np.zeros(1200, dtype=np.int64)
    a[700] = b[700] = 1
    with pytest.raises(QResourceError, match=r"task 'inputs 512\.\.1023' failed: .*released.*input 700\)"):
        simulate(bloq, {"a": a, "b": b}, block_inputs=512)
