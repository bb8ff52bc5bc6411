"""Physical estimates: the mapping to qdk's logical counts, identity with a direct qdk run, the
repetition scaling, the 2^64 ns guard, and Qualtran's model as a second opinion."""

from __future__ import annotations

import warnings

import pytest
from hypothesis import given, settings, strategies as st

from qresource.core.errors import QResourceError
from qresource.machinery.physical import (
    RUNTIME_LIMIT_NS,
    depth_bound,
    estimator_input,
    model_limits,
    physical_estimate,
    runtime_bound_ns,
)
from qresource.core.record import LogicalCounts


def counts(qubits=200, toffoli=10_000, extra_t=300, rotations=0, measurements=500) -> LogicalCounts:
    """Counts of a circuit whose Toffoli-class gates are all Toffolis lowered with 7 T each."""
    return LogicalCounts(
        qubits=qubits,
        toffoli=toffoli,
        t=7 * toffoli + extra_t,
        clifford=0,
        rotations=rotations,
        measurements=measurements,
        depth=0,
        t_depth=0,
    )


def qdk_direct(estimator_counts: dict, params: dict | None = None) -> dict:
    from qdk.estimator import LogicalCounts as QdkCounts

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        return QdkCounts(estimator_counts).estimate(params or {})


def test_mapping_hands_toffolis_as_ccz_and_only_the_remaining_t():
    # 10,000 Toffolis carry 70,000 of the 70,300 T gates; 300 T are left over.
    mapped = estimator_input(counts(), t_outside_toffoli=300)
    assert mapped == {
        "numQubits": 200,
        "tCount": 300,
        "rotationCount": 0,
        "rotationDepth": 0,
        "cczCount": 10_000,
        "ccixCount": 0,
        "measurementCount": 500,
    }
    # without the split, the circuit goes over as written: every T gate, no CCZ
    as_written = estimator_input(counts())
    assert as_written["tCount"] == 70_300 and as_written["cczCount"] == 0


def test_mapping_rejects_a_split_the_totals_cannot_hold():
    # 10 Toffoli-class gates hold at least 4 T each, so at most 1 of 41 T can lie outside them
    small = LogicalCounts(qubits=3, toffoli=10, t=41, clifford=0, rotations=0, measurements=0, depth=0, t_depth=0)
    assert estimator_input(small, t_outside_toffoli=1)["tCount"] == 1
    with pytest.raises(QResourceError, match="inconsistent"):
        estimator_input(small, t_outside_toffoli=2)


def test_bare_t_count_separates_toffolis_from_t_gates_on_a_real_bloq():
    """A Qualtran adder: its T gates all sit inside temporary ANDs (Gidney 2018: n - 1 ANDs,
    4(n - 1) T), so none lie outside; our split must say 0 and the CCZ count n - 1."""
    from qualtran.bloqs.arithmetic import Add
    from qualtran import QUInt

    from qresource.machinery.logical import logical_counts
    from qresource.machinery.physical import bare_t_count

    adder = Add(QUInt(8))
    logical = logical_counts(adder, with_depth=False)
    assert bare_t_count(adder) == 0
    mapped = estimator_input(logical, t_outside_toffoli=bare_t_count(adder))
    assert mapped["cczCount"] == 7 and mapped["tCount"] == 0


@pytest.mark.parametrize(
    "options",
    [
        {},
        {"qubit_model": "qubit_gate_ns_e4", "error_budget": 0.01},
        {"qubit_model": "qubit_maj_ns_e6", "qec": "floquet_code"},
    ],
)
def test_bare_estimate_is_exactly_qdk_on_the_same_input(options):
    record = physical_estimate(counts(rotations=20), t_outside_toffoli=300, **options)
    direct = qdk_direct(record["estimator_input"], record["estimator_params"])
    assert record["repetitions"] == 1
    assert record["physical_qubits"] == direct["physicalCounts"]["physicalQubits"]
    assert record["runtime_s"] == direct["physicalCounts"]["runtime"] / 1e9
    assert record["code_distance"] == direct["logicalQubit"]["codeDistance"]
    assert record["t_factories"] == direct["physicalCounts"]["breakdown"]["numTfactories"]
    if not options:
        # no option given: nothing but the counts reaches the estimator, so its defaults hold
        assert record["estimator_params"] == {}
        assert record["qubit_model"] == "qubit_gate_ns_e3" and record["qec_scheme"] == "surface_code"


def test_repetitions_scale_runtime_and_split_the_error_budget():
    repetitions = 1000
    record = physical_estimate(counts(), repetitions, error_budget=0.01)
    direct = qdk_direct(record["estimator_input"], {"errorBudget": 0.01 / repetitions})
    assert record["repetitions"] == repetitions
    assert record["runtime_s"] == repetitions * direct["physicalCounts"]["runtime"] / 1e9
    assert record["physical_qubits"] == direct["physicalCounts"]["physicalQubits"]
    # a thousand times smaller budget per unit needs at least the distance of the single run
    assert record["code_distance"] >= physical_estimate(counts(), error_budget=0.01)["code_distance"]


def test_guard_slices_units_the_estimator_cannot_represent():
    # 10^18 CCZ at >= 3 logical cycles of several microseconds each is ~10^25 ns >> 2^64 ns;
    # qdk itself hangs on this input (see docs/report.md), so the guard must cut it.
    huge = counts(toffoli=10**18, extra_t=0, measurements=10**6)
    record = physical_estimate(huge, t_outside_toffoli=0, second_opinion=False)
    assert record["repetitions"] > 1
    assert record["unit_runtime_ns"] < RUNTIME_LIMIT_NS
    assert record["estimator_input"]["cczCount"] * record["repetitions"] >= 10**18
    assert any("slices" in note for note in record["notes"])
    # Runtime scales linearly with the CCZ count at fixed distance: compare per-CCZ time with a
    # small run at the same code distance (same per-unit budget).
    per_ccz_ns = record["unit_runtime_ns"] / record["estimator_input"]["cczCount"]
    assert record["runtime_s"] == pytest.approx(per_ccz_ns * 10**18 / 1e9, rel=1e-3)


@settings(max_examples=15, deadline=None)
@given(
    toffoli=st.integers(0, 10**9),
    extra_t=st.integers(0, 10**6),
    rotations=st.integers(0, 10**4),
    measurements=st.integers(0, 10**6),
)
def test_depth_bound_holds_for_the_estimators_depth(toffoli, extra_t, rotations, measurements):
    mapped = estimator_input(
        counts(toffoli=toffoli, extra_t=extra_t + 1, rotations=rotations, measurements=measurements),
        t_outside_toffoli=extra_t + 1,
    )
    result = qdk_direct(mapped)
    limits = model_limits("{}")
    assert depth_bound(mapped, limits["default_error_budget"]) >= result["physicalCounts"]["breakdown"]["algorithmicLogicalDepth"]
    assert limits["max_logical_cycle_ns"] >= result["logicalQubit"]["logicalCycleTime"]
    # the runtime may exceed depth x cycle when one factory run outlasts the algorithm
    assert runtime_bound_ns(mapped, limits["default_error_budget"], limits) >= result["physicalCounts"]["runtime"]


def test_invalid_combinations_are_one_line_errors():
    with pytest.raises(QResourceError, match="does not support"):
        physical_estimate(counts(), qec="floquet_code")  # floquet needs a Majorana model
    with pytest.raises(QResourceError, match="unknown qubit model"):
        physical_estimate(counts(), qubit_model="qubit_cat_e9")
    with pytest.raises(QResourceError, match="strictly between"):
        physical_estimate(counts(), error_budget=1.5)


def test_qualtran_second_opinion_is_in_the_same_regime():
    """Two independent surface-code models (qdk's PSSPC layout with 15-to-1 factories, Qualtran's
    Gidney–Fowler CCZ->2T factories) on the same unit, same physical error rate and syndrome cycle:
    they should agree within a small factor, not to the digit."""
    record = physical_estimate(counts(toffoli=10**7), t_outside_toffoli=300)
    second = record["qualtran_gidney_fowler"]
    assert second is not None and "error" not in second
    assert 1 / 5 < second["physical_qubits"] / record["physical_qubits"] < 5
    assert 1 / 10 < second["runtime_s"] / record["runtime_s"] < 10
    assert abs(second["code_distance"] - record["code_distance"]) <= 10
    floquet = physical_estimate(counts(), qubit_model="qubit_maj_ns_e6", qec="floquet_code")
    assert floquet["qualtran_gidney_fowler"] is None  # the model knows only the surface code
