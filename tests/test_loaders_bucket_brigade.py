"""The routing bucket brigade: every address on the bit-sliced simulator, Aer with the address in
superposition, the exported QASM's T count, the bus's classical action, bad input."""

import numpy as np
import pytest
from qualtran.resource_counting import QECGatesCost, get_cost_value

from qresource.loaders.api import export_qram, random_table, validate_qram
from qresource.loaders.bucket_brigade import BucketBrigadeQRAM, BusBit
from qresource.loaders.closed_forms import loader_counts
from qresource.machinery.bitsliced import simulate
from qresource.machinery.logical import logical_counts
from qresource.qasm.count import count_qasm


@pytest.mark.parametrize("n_words,bits", [(2, 1), (3, 2), (4, 3), (5, 1), (8, 2), (13, 3), (16, 4), (32, 2)])
def test_every_address_loads_its_word_with_clean_ancillas(n_words, bits):
    data = random_table(n_words, bits, seed=n_words)
    bloq = BucketBrigadeQRAM(n_words, bits, data)
    rng = np.random.default_rng(bits)
    targets = rng.integers(0, 2**bits, n_words)
    # the simulator raises if any router or bus wire is released other than |0>
    out = simulate(bloq, {"address": np.arange(n_words), "target": targets})
    assert list(out["address"]) == list(range(n_words))
    assert [int(t) ^ int(w) for t, w in zip(targets, data)] == [int(x) for x in out["target"]]


@pytest.mark.parametrize("n_words,bits", [(2, 2), (4, 2), (5, 2), (8, 1)])
def test_aer_with_the_address_in_superposition(n_words, bits):
    result = validate_qram("bucket-brigade", random_table(n_words, bits, seed=3), bits, seed=3)
    assert result["statevector"]["ok"] is True and result["bitsliced"]["ok"] is True


@pytest.mark.parametrize("version", [2, 3])
def test_exported_t_count_equals_the_estimate(tmp_path, version):
    data = random_table(8, 3, seed=1)
    path = tmp_path / f"bb.qasm{version}"
    export_qram("bucket-brigade", data, 3, version, path)
    estimate = logical_counts(BucketBrigadeQRAM(8, 3, data), with_depth=False)
    counted = count_qasm(path).logical
    assert counted.t == estimate.t == loader_counts("bucket-brigade", 8, 3)["t"]
    assert counted.measurements == estimate.measurements


def test_bus_routes_to_the_leaf_the_routers_point_to():
    bus = BusBit(8, 3, 1, (0, 2, 7, 5, 1, 3, 6, 4))
    # heap order: root 1 (right), level-1 router of the right half 0 (left), level 2 router 1
    routers = [1, 0, 0, 0, 0, 1, 0]
    assert bus.leaf_of(routers) == 5
    assert bus.on_classical_vals(routers=np.array(routers), bus=0)["bus"] == (3 >> 1) & 1


def test_toffolis_are_about_a_quarter_of_pennylanes_formula():
    # PennyLane's BBQRAM estimator: 4 (N - 1)(b + 1) - 4 n controlled swaps (benchmarks/)
    for n_words, bits in [(256, 8), (4096, 8), (4096, 32)]:
        n = (n_words - 1).bit_length()
        ours = get_cost_value(BucketBrigadeQRAM(n_words, bits), QECGatesCost()).and_bloq
        assert ours == n_words - n - 1 + bits * (n_words // 2 - 1)
        assert ours / (4 * (n_words - 1) * (bits + 1) - 4 * n) < 0.3


@pytest.mark.parametrize("args", [(1, 2), (4, 0), (4, 2, (1, 2, 3)), (2, 2, (1, 4))])
def test_bad_input_is_a_value_error(args):
    with pytest.raises(ValueError):
        BucketBrigadeQRAM(*args)
