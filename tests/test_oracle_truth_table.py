"""The threshold oracle against numpy and against its own counts.

* Truth tables: the flattened oracle simulated on every index at once (bit-sliced simulator,
  ancillas checked back to 0) against numpy's [Q_i . K_j >= tau], n up to 2^10, every loader,
  with and without excluded indices; the phase form's unitary (Qualtran tensor contraction)
  against diag((-1)^[...]).
* Counts: closed forms (sympy) == the bloq's call graph == the flattened circuit's counts, per
  role and in total; the exported QASM's T count == the estimate's t.
"""

from __future__ import annotations

import re

import numpy as np
import pytest

from qresource.machinery.bitsliced import simulate
from qresource.oracle.threshold_oracle import ThresholdOracle, toffoli_breakdown
from tests.oracle_toffoli_reference import oracle_toffoli_split


def _random_oracle(seed, n, d, bits, loader="qrom", excluded=(), marked=5):
    rng = np.random.default_rng(seed)
    low, high = -(1 << (bits - 1)), (1 << (bits - 1)) - 1
    q = rng.integers(low, high + 1, size=d)
    keys = rng.integers(low, high + 1, size=(n, d))
    scores = keys @ q
    tau = max(1, int(np.sort(scores)[::-1][min(marked, n) - 1]))
    oracle = ThresholdOracle(n, d, bits, q.tolist(), keys.tolist(), tau, loader, "bit-flip", excluded)
    return oracle, scores, tau


def _truth_table(oracle):
    indices = np.arange(1 << oracle.index_bits)
    flag_in = indices % 2  # both flag values occur; the oracle must XOR
    out = simulate(oracle, {"index": indices, "flag": flag_in})
    np.testing.assert_array_equal(out["index"], indices)
    return np.asarray(out["flag"]) ^ flag_in


TRUTH_CASES = [
    # (seed, n, d, bits)
    (0, 8, 1, 3),
    (1, 16, 2, 3),
    (2, 64, 3, 4),
    (3, 256, 2, 5),
    (4, 1024, 2, 4),
    (5, 12, 2, 3),  # n not a power of two: indices 12..15 load the zero padding row
]


@pytest.mark.parametrize("seed,n,d,bits", TRUTH_CASES)
def test_truth_table_matches_numpy_on_every_index(seed, n, d, bits):
    oracle, scores, tau = _random_oracle(seed, n, d, bits)
    flags = _truth_table(oracle)
    np.testing.assert_array_equal(flags[:n].astype(bool), scores >= tau)
    assert not flags[n:].any()  # score 0 < tau on the padding
    assert 0 < (scores >= tau).sum() < n  # the instance marks something, not everything


@pytest.mark.parametrize("loader", ["bucket-brigade", "qrom", "qroam"])
def test_truth_table_every_loader_with_exclusions(loader):
    oracle, scores, tau = _random_oracle(11, 16, 2, 3, loader=loader, marked=6)
    found = [int(j) for j in np.nonzero(scores >= tau)[0][:2]] + [0]
    oracle = ThresholdOracle(oracle.n, oracle.d, oracle.bits, oracle.q, oracle.keys, oracle.tau,
                             loader, "bit-flip", tuple(sorted(set(found))))
    flags = _truth_table(oracle).astype(bool)
    expected = scores >= tau
    expected[list(set(found))] = False
    np.testing.assert_array_equal(flags, expected)


def test_phase_form_unitary_is_the_sign_of_the_truth_table():
    keys = [[1], [-2], [1], [0]]
    for excluded in ((), (2,)):
        oracle = ThresholdOracle(4, 1, 2, (1,), keys, 1, "qrom", "phase", excluded)
        unitary = oracle.tensor_contract()
        # Qualtran's basis order is the integer value of `index`.
        marked = [keys[j][0] >= 1 and j not in excluded for j in range(4)]
        np.testing.assert_allclose(unitary, np.diag([-1.0 if m else 1.0 for m in marked]), atol=1e-9)


# ------------------------------------------------------------------------------ counts

SHAPES = [
    # (loader, n, d, bits, excluded, form)
    ("qrom", 8, 2, 3, 0, "bit-flip"),
    ("qrom", 12, 3, 4, 2, "bit-flip"),
    ("qrom", 32, 2, 5, 3, "phase"),
    ("bucket-brigade", 16, 2, 3, 0, "phase"),
    ("qroam", 64, 2, 3, 2, "bit-flip"),
]


@pytest.mark.parametrize("loader,n,d,bits,excluded,form", SHAPES)
def test_closed_forms_equal_bloq_counts_per_role(loader, n, d, bits, excluded, form):
    oracle = ThresholdOracle(n, d, bits, loader=loader, form=form, excluded=range(excluded))
    assert oracle_toffoli_split(loader, n, d, bits, excluded=excluded, form=form, symbolic_sum=True) \
        == toffoli_breakdown(oracle)


@pytest.mark.parametrize("loader,n,d,bits,excluded,form", SHAPES[:4])
def test_bloq_counts_equal_flattened_circuit_and_qasm(loader, n, d, bits, excluded, form):
    from qresource.machinery.circuit_counts import circuit_counts
    from qresource.machinery.flatten import to_circuit
    from qresource.machinery.logical import logical_counts
    from qresource.machinery.qasm_export import qasm_text

    # Keys are needed to flatten the loader; Q_i stays worst case, as in the closed forms.
    keys = np.random.default_rng(n).integers(-(1 << (bits - 1)), 1 << (bits - 1), size=(n, d))
    oracle = ThresholdOracle(n, d, bits, None, keys.tolist(), None, loader, form, range(excluded))
    counted = logical_counts(oracle, with_depth=False)
    circuit = to_circuit(oracle)
    flat = circuit_counts(circuit)
    for key in ("qubits", "toffoli", "t", "clifford", "measurements"):
        assert getattr(counted, key) == getattr(flat, key), key
    assert counted.toffoli == toffoli_breakdown(oracle)["total"]
    text = qasm_text(circuit, 2)
    t_gates = len(re.findall(r"^\s*(?:t|tdg)\s", text, flags=re.MULTILINE))
    assert t_gates == counted.t
    registers = {reg.name: reg.size for reg in circuit.qregs}
    assert registers["index"] == oracle.index_bits
    assert registers.get("flag", 0) == (1 if form == "bit-flip" else 0)


def test_instance_oracle_counts_equal_flattened_circuit():
    from qresource.machinery.circuit_counts import circuit_counts
    from qresource.machinery.flatten import to_circuit
    from qresource.machinery.logical import logical_counts

    oracle, _, _ = _random_oracle(7, 16, 3, 4, excluded=(3,))
    counted = logical_counts(oracle, with_depth=False)
    flat = circuit_counts(to_circuit(oracle))
    for key in ("qubits", "toffoli", "t", "clifford", "measurements"):
        assert getattr(counted, key) == getattr(flat, key), key


def test_data_free_counts_at_two_to_the_thirty():
    """n = 2^30, d = 128, b = 8 from the hierarchical call graph, equal to the closed forms:
    QROM n - 2 = 1,073,741,822 ANDs to load and again to unload; the inner product's sum
    (14,971 ANDs) twice; the comparison w - 1 = 22 (w = bitlen(128 * 255^2) = 23)."""
    oracle = ThresholdOracle(2**30, 128, 8, form="phase")
    split = toffoli_breakdown(oracle)
    assert split == oracle_toffoli_split("qrom", 2**30, 128, 8, form="phase")
    assert split["loading"] == 2**30 - 2
    assert split["comparison"] == 22
    assert split["uncomputation"] == 2**30 - 2 + split["inner_product"]


def test_given_q_never_costs_more_than_the_worst_case():
    rng = np.random.default_rng(3)
    worst = toffoli_breakdown(ThresholdOracle(64, 4, 5))
    for _ in range(20):
        q = rng.integers(-16, 16, size=4).tolist()
        for recoding in ("naf", "binary"):
            given = toffoli_breakdown(ThresholdOracle(64, 4, 5, q, None, 3, recoding=recoding))
            assert given["inner_product"] <= worst["inner_product"]
            assert given["comparison"] <= worst["comparison"]
