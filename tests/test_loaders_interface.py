"""make_loader, the register-renaming wrapper over Qualtran's QROM/QROAM, cheapest_loader."""

import pytest
from qualtran.bloqs.data_loading.qroam_clean import QROAMClean
from qualtran.bloqs.data_loading.qrom import QROM

from qresource.loaders.bucket_brigade import BucketBrigadeQRAM
from qresource.loaders.closed_forms import loader_counts
from qresource.loaders.fanout import FanOutQRAM
from qresource.loaders.qroam_unload import QROAMLoad, QROAMMeasurementUnload
from qresource.loaders.table_loader import (
    CHEAPEST_METRICS,
    LOADER_KINDS,
    TableLoader,
    cheapest_loader,
    loader_metric,
    make_loader,
    qroam_block_size_for,
    qroam_log_block_size,
)


@pytest.mark.parametrize("kind", LOADER_KINDS)
@pytest.mark.parametrize("n_words,bits", [(2, 1), (5, 3), (16, 8)])
def test_registers_are_address_and_target(kind, n_words, bits):
    bloq = make_loader(kind, n_words, bits)
    widths = {reg.name: reg.total_bits() for reg in bloq.signature}
    assert widths == {"address": max(1, (n_words - 1).bit_length()), "target": bits}


@pytest.mark.parametrize("kind", ("qrom", "qroam"))
def test_wrapper_classical_action_matches_table(kind):
    data = [3, 1, 4, 1, 5, 9, 2]
    cbloq = make_loader(kind, 7, 4, data).decompose_bloq()
    for address, word in enumerate(data):
        assert cbloq.call_classically(address=address, target=0) == (address, word)


def test_kinds_use_the_named_constructions():
    assert isinstance(make_loader("bucket-brigade", 8, 2), BucketBrigadeQRAM)
    assert isinstance(make_loader("fanout", 8, 2), FanOutQRAM)
    assert make_loader("fanout", 8, 4, lanes=2).lanes == 2
    assert isinstance(make_loader("qrom", 8, 2).inner, QROM)
    qroam = make_loader("qroam", 64, 2)
    assert isinstance(qroam.inner, QROAMLoad) and isinstance(qroam.inner.lookup, QROAMClean)
    assert isinstance(qroam.adjoint(), QROAMMeasurementUnload)


def test_qroam_block_size_is_qualtrans_clean_optimum():
    # Qualtran's QROAMClean picks k among floor and ceil of log2(N / b) / 2 for N / K + (K - 1) b;
    # ours searches every k for ceil(N / K) - 2 + (K - 1) b: the same at these sizes
    for n_words, bits in [(1000, 8), (2**20, 8), (2**20, 1024), (2**30, 32), (64, 1)]:
        expected = QROAMClean.build_from_bitsize((n_words,), (bits,)).log_block_sizes[0]
        assert qroam_log_block_size(n_words, bits) == expected
    # capped so that at least two blocks remain
    assert all(qroam_log_block_size(n, 1) < max(1, (n - 1).bit_length()) for n in range(2, 70))
    assert make_loader("qroam", 1000, 8, log_block_size=2).log_block_size == 2


@pytest.mark.parametrize(
    "call",
    [
        lambda: make_loader("sram", 4, 2),
        lambda: make_loader("qrom", 1, 2),
        lambda: make_loader("qrom", 4, 0),
        lambda: make_loader("qrom", 4, 2, [1, 2, 3]),
        lambda: make_loader("qrom", 2, 2, [1, 4]),
        lambda: make_loader("qroam", 8, 2, log_block_size=3),
        lambda: make_loader("qrom", 8, 2, log_block_size=1),
        lambda: make_loader("bucket-brigade", 8, 2, log_block_size=1),
        lambda: make_loader("fanout", 8, 2, log_block_size=1),
        lambda: make_loader("qrom", 8, 2, lanes=1),
        lambda: make_loader("fanout", 8, 2, lanes=3),
        lambda: make_loader("fanout", 8, 2, lanes=0),
        lambda: TableLoader("bucket-brigade", 4, 2),
        lambda: cheapest_loader(8, 2, "area"),
    ],
)
def test_bad_requests_raise_value_error(call):
    with pytest.raises(ValueError):
        call()


def test_cheapest_loader_per_metric():
    # N = 4096, b = 8 (closed forms, docs/loaders.md): the fan-out tree is shallowest,
    # QROM narrowest, QROAM fewest Toffolis: the load ceil(N/K) - 2 + (K - 1) b at K = 16
    # (374) and its scratch unloaded by measurement, ceil(N/K') + K' - 4 at K' = 64 (124),
    # against N - 2 for the other two.
    assert cheapest_loader(4096, 8, "depth") == "fanout"
    assert cheapest_loader(4096, 8, "qubits") == "qrom"
    assert cheapest_loader(4096, 8, "toffoli") == "qroam"
    assert loader_metric("qroam", 4096, 8, "toffoli") == 374 + 124
    for metric in CHEAPEST_METRICS:
        best = cheapest_loader(4096, 8, metric)
        assert all(
            loader_metric(best, 4096, 8, metric) <= loader_metric(kind, 4096, 8, metric)
            for kind in LOADER_KINDS
        )


def test_qroam_block_size_follows_the_metric():
    # N = 4096, b = 8: Toffolis are least at K = 16 (tie with 32, the smaller kept), qubits at
    # K = 1 (one word of scratch), and every choice is the minimum over k of that metric
    assert qroam_block_size_for(4096, 8, "toffoli") == qroam_log_block_size(4096, 8) == 4
    assert qroam_block_size_for(4096, 8, "qubits") == 0
    for metric in CHEAPEST_METRICS:
        k = qroam_block_size_for(4096, 8, metric)
        value = loader_metric("qroam", 4096, 8, metric)
        assert all(value <= loader_metric_at(k2, metric) for k2 in range(12))
        assert value == loader_metric_at(k, metric)


def loader_metric_at(k, metric):
    counts = loader_counts("qroam", 4096, 8, log_block_size=k)
    return {"toffoli": counts["toffoli"], "qubits": counts["qubits"], "depth": counts["depth"],
            "spacetime": counts["qubits"] * counts["depth"]}[metric]
