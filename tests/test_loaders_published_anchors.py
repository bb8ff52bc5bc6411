"""The loaders' Toffoli-class counts against figures published for the same sizes (COST-MODELS
anchors), derived here from the papers' formulas, not from the package's closed forms."""

from __future__ import annotations

import math

import pytest

from qresource.loaders.closed_forms import loader_counts


@pytest.mark.parametrize("n_words", [1024, 4096, 65536])
def test_qrom_is_babbush_unary_iteration(n_words):
    # Babbush et al. 2018 (arXiv:1805.03662), section III.A: unary iteration over L items costs
    # L - 1 Toffolis (4L - 4 T), independent of the word size; with L a power of two the last
    # AND of the iteration is not needed (Qualtran's QROM): L - 2.
    counts = loader_counts("qrom", n_words, 8)
    assert counts["toffoli"] == n_words - 2
    assert counts["t"] == 4 * counts["toffoli"]


def test_qroam_meets_berry_et_al_select_swap_with_measurement_based_unloading():
    # Berry et al., Quantum 3, 208 (2019), appendix C: load ceil(N/K) + (K - 1) b Toffolis,
    # unload ceil(N/K') + K'; N = 4096, b = 8: min over powers of two K = 376 (K = 16 or 32),
    # min over K' = 128 (K' = 64), 504 in all. The circuit spends 6 fewer: the unary iterations
    # take their first address bit as the flag itself (ceil(N/K) - 2 ANDs for the lookup, as in
    # Qualtran's QROM; ceil(N/K') - 2 for the fix-up), and a one-hot register of K' units is
    # split from its first bit by CNOTs (K' - 2 ANDs).
    n_words, bits = 4096, 8
    load = min(math.ceil(n_words / 2**e) + (2**e - 1) * bits for e in range(13))
    unload = min(math.ceil(n_words / 2**e) + 2**e for e in range(13))
    assert (load, unload) == (376, 128)
    counted = loader_counts("qroam", n_words, bits)["toffoli"]
    assert counted == load + unload - 6, counted


@pytest.mark.parametrize("n_words, pennylane", [(4096, 147_372), (65_536, 2_359_196)])
def test_bucket_brigade_beats_pennylanes_bbqram(n_words, pennylane):
    # PennyLane 0.45 BBQRAM: 4 (N - 1)(b + 1) - 4 n CSWAPs, n = log2 N, b = 8 (its measured
    # figures, COST-MODELS); one controlled swap per router step instead of two already halves
    # it, so a bucket brigade must stay at or below half of PennyLane's count.
    n, bits = int(math.log2(n_words)), 8
    assert 4 * (n_words - 1) * (bits + 1) - 4 * n == pennylane
    counted = loader_counts("bucket-brigade", n_words, bits)["toffoli"]
    assert n_words - 2 <= counted <= pennylane / 2, counted
