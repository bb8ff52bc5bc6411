"""Every loader on every address: bit-sliced simulation of the lowered circuit (N up to 2^10)
and Qiskit Aer statevector with the address in uniform superposition (N = 4 and 8)."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qresource.core.errors import QResourceError
from qresource.loaders.api import random_table, validate_qram
from qresource.loaders.table_loader import LOADER_KINDS, make_loader
from qresource.machinery.bitsliced import simulate
from qresource.machinery.statevector import run_bloq_statevector


def check_every_address(kind, data, bits, seed):
    n_words = len(data)
    bloq = make_loader(kind, n_words, bits, data)
    rng = np.random.default_rng(seed)
    addresses = np.arange(n_words, dtype=np.int64)
    targets = rng.integers(0, 2**bits, n_words, dtype=np.int64)
    # simulate() raises if any temporary qubit ends other than |0>
    out = simulate(bloq, {"address": addresses, "target": targets})
    assert list(out["address"]) == list(addresses)
    assert list(out["target"]) == [int(t) ^ int(d) for t, d in zip(targets, data)]


@pytest.mark.parametrize("kind", LOADER_KINDS)
def test_every_address_at_n_1024(kind):
    check_every_address(kind, random_table(1024, 2, seed=11), 2, seed=12)


@pytest.mark.parametrize("kind", LOADER_KINDS)
@pytest.mark.parametrize("n_words,bits", [(2, 1), (3, 5), (7, 8), (16, 3), (45, 4), (128, 1), (257, 2)])
def test_every_address_small_tables(kind, n_words, bits):
    check_every_address(kind, random_table(n_words, bits, seed=n_words), bits, seed=bits)


@pytest.mark.parametrize("kind", LOADER_KINDS)
@pytest.mark.parametrize("n_words,bits", [(4, 2), (8, 1)])
def test_statevector_is_the_table_in_superposition(kind, n_words, bits):
    data = random_table(n_words, bits, seed=n_words + bits)
    state = run_bloq_statevector(make_loader(kind, n_words, bits, data), {"address": ("uniform", n_words)})
    names = state.register_names
    expected = {}
    for address, word in enumerate(data):
        values = {"address": address, "target": word}
        expected[tuple(values[name] for name in names)] = 1 / math.sqrt(n_words)
    assert set(state.amplitudes) == set(expected)  # ancillas clean: checked inside
    reference = next(iter(expected))
    phase = state.amplitudes[reference] / abs(state.amplitudes[reference])
    for key, amplitude in expected.items():
        assert abs(state.amplitudes[key] / phase - amplitude) < 1e-9


def test_validate_api_reports_both_checks():
    result = validate_qram("qrom", [1, 0, 3, 2], 2, seed=1)
    assert result["ok"] and result["bitsliced"]["addresses"] == 4 and result["statevector"]["ok"]
    wide = validate_qram("fanout", random_table(8, 6, seed=2), 6, seed=2)
    assert wide["statevector"]["ok"] is None and "skipped" in wide["statevector"]


def test_validate_rejects_bad_tables():
    with pytest.raises(QResourceError):
        validate_qram("qrom", [1], 2)
    with pytest.raises(QResourceError):
        validate_qram("qrom", [1, 9], 2)



@settings(max_examples=12, deadline=None, derandomize=True)
@given(
    kind=st.sampled_from(LOADER_KINDS),
    bits=st.integers(1, 6),
    words=st.lists(st.integers(0, 63), min_size=2, max_size=40),
)
def test_random_tables_on_every_address(kind, bits, words):
    data = [w % (1 << bits) for w in words]
    check_every_address(kind, data, bits, seed=len(data))
