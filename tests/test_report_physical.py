"""Physical estimates: the mapping to logical counts, identity with qdk.qre run directly on the
trace qdk itself builds from those counts, the frontier and its headline, the repetition scaling,
the 2^64 ns guard, the older names, and Qualtran's model as a second opinion."""

from __future__ import annotations

import functools
import itertools
import warnings

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qresource.core.errors import QResourceError
from qresource.core.record import LogicalCounts
from qresource.machinery.physical import (
    ARCHITECTURES,
    CODE_DISTANCES,
    REFUSAL_CHECK_DISTANCES,
    REFUSAL_CHECK_QUBITS,
    RUNTIME_LIMIT_NS,
    Architecture,
    Factory,
    NoEstimateError,
    QecCode,
    Settings,
    _factories,
    _frontier_cached,
    _frontier_over,
    _isa_query,
    estimator_input,
    physical_estimate,
    round_based_factory,
    runtime_bound_ns,
)


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


def qre_direct(estimator_counts: dict, architecture: Architecture, code: QecCode, factory: Factory,
               max_error: float):
    """qdk.qre on the trace qdk's own interop builds from the older estimator's logical counts,
    with the factory wired as qre's own docstrings show."""
    import contextlib
    import io

    from qdk.estimator import LogicalCounts as QdkCounts
    from qdk.qre import Application, estimate
    from qdk.qre.interop import trace_from_entry_expr
    from qdk.qre.models import (
        GSJ24CCXFactory,
        GSJ24Factory,
        Litinski19Factory,
        MagicUpToClifford,
        SurfaceCode,
    )

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        trace = trace_from_entry_expr(QdkCounts(dict(estimator_counts)))

    class Direct(Application[None]):
        def get_trace(self, parameters: None):
            return trace

    assert code is QecCode.SURFACE_CODE
    sc = SurfaceCode.q(distance=list(range(3, 52, 2)))
    query = {
        Factory.LITINSKI: sc * MagicUpToClifford.q(source=Litinski19Factory.q()),
        Factory.CULTIVATION: sc * GSJ24CCXFactory.q(source=sc * GSJ24Factory.q()),
        Factory.ROUND_BASED: sc * round_based_factory(QecCode.SURFACE_CODE, tuple(range(3, 52, 2))),
    }[factory]
    with contextlib.redirect_stdout(io.StringIO()):
        return list(estimate(Direct(), ARCHITECTURES[architecture].build(), query, max_error=max_error))


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
    from qualtran import QUInt
    from qualtran.bloqs.arithmetic import Add

    from qresource.machinery.logical import logical_counts
    from qresource.machinery.physical import bare_t_count

    adder = Add(QUInt(8))
    logical = logical_counts(adder, with_depth=False)
    assert bare_t_count(adder) == 0
    mapped = estimator_input(logical, t_outside_toffoli=bare_t_count(adder))
    assert mapped["cczCount"] == 7 and mapped["tCount"] == 0


@pytest.mark.parametrize(
    "architecture, factory, budget",
    [
        (Architecture.GATE_BASED_NS_E3, Factory.CULTIVATION, 1e-3),
        (Architecture.GATE_BASED_NS_E4, Factory.LITINSKI, 1e-2),
        (Architecture.GATE_BASED_US_E3, Factory.ROUND_BASED, 1e-3),
    ],
)
def test_frontier_is_exactly_qre_on_the_trace_qdk_builds(architecture, factory, budget):
    record = physical_estimate(counts(rotations=20), t_outside_toffoli=300, architecture=architecture,
                               factory=factory, error_budget=budget, second_opinion=False)
    direct = qre_direct(record["estimator_input"], architecture, QecCode.SURFACE_CODE, factory, budget)
    ours = sorted((p["physical_qubits"], p["unit_runtime_ns"]) for p in record["frontier"])
    theirs = sorted((e.qubits, e.runtime) for e in direct)
    assert ours == theirs and record["repetitions"] == 1
    best = min(direct, key=lambda e: (e.qubits * e.runtime, e.qubits))
    assert (record["physical_qubits"], record["runtime_s"]) == (best.qubits, best.runtime / 1e9)
    assert record["estimator"]["name"] == "qdk.qre" and record["estimator"]["version"]


def test_frontier_is_pareto_and_the_headline_is_its_least_qubit_seconds():
    record = physical_estimate(counts(toffoli=10**6), t_outside_toffoli=300, second_opinion=False)
    frontier = record["frontier"]
    assert frontier, "the default settings must give an estimate for a million Toffolis"
    qubits = [p["physical_qubits"] for p in frontier]
    runtimes = [p["runtime_s"] for p in frontier]
    assert qubits == sorted(qubits) and all(a > b for a, b in zip(runtimes, runtimes[1:]))
    best = min(frontier, key=lambda p: (p["physical_qubits"] * p["runtime_s"], p["physical_qubits"]))
    assert record["physical_qubits"] == best["physical_qubits"] and record["runtime_s"] == best["runtime_s"]
    assert record["factory"] == best["factory"] and all(p["error"] <= 1e-3 for p in frontier)
    # the default searches every factory: the merged frontier is no worse than any single one
    for factory in (Factory.CULTIVATION, Factory.LITINSKI, Factory.ROUND_BASED):
        try:
            single = physical_estimate(counts(toffoli=10**6), t_outside_toffoli=300, factory=factory,
                                       second_opinion=False)
        except NoEstimateError:
            continue
        assert record["physical_qubits"] * record["runtime_s"] <= single["physical_qubits"] * single["runtime_s"]


def test_repetitions_scale_runtime_and_split_the_error_budget():
    repetitions = 1000
    record = physical_estimate(counts(), repetitions, error_budget=0.01, factory="litinski", second_opinion=False)
    direct = qre_direct(record["estimator_input"], Architecture.GATE_BASED_NS_E3, QecCode.SURFACE_CODE,
                        Factory.LITINSKI, 0.01 / repetitions)
    best = min(direct, key=lambda e: (e.qubits * e.runtime, e.qubits))
    assert record["repetitions"] == repetitions
    assert record["runtime_s"] == repetitions * best.runtime / 1e9
    assert record["physical_qubits"] == best.qubits
    single = physical_estimate(counts(), error_budget=0.01, factory="litinski", second_opinion=False)
    # a thousand times smaller budget per unit needs at least the distance of the single run
    assert record["code_distance"] >= single["code_distance"]


def test_qre_wraps_past_2_to_the_64_ns_so_the_guard_is_needed():
    """Measured on qdk.qre: 10^17 CCX should take about 100 times as long as 10^15, but qre
    reports less (its u64 nanosecond runtime wraps around past 585 years)."""
    results = {}
    for exponent in (15, 17):
        mapped = {"numQubits": 500, "tCount": 0, "rotationCount": 0, "rotationDepth": 0,
                  "cczCount": 10**exponent, "ccixCount": 0, "measurementCount": 0}
        direct = qre_direct(mapped, Architecture.GATE_BASED_NS_E3, QecCode.SURFACE_CODE, Factory.ROUND_BASED, 1e-3)
        results[exponent] = min(e.runtime for e in direct)
    assert results[17] < 100 * results[15]


def test_guard_slices_units_the_estimator_cannot_represent():
    huge = counts(toffoli=10**18, extra_t=0, measurements=10**6)
    record = physical_estimate(huge, t_outside_toffoli=0, second_opinion=False)
    assert record["repetitions"] > 1
    assert all(p["unit_runtime_ns"] < RUNTIME_LIMIT_NS for p in record["frontier"])
    assert record["estimator_input"]["cczCount"] * record["repetitions"] >= 10**18
    assert any("slices" in note for note in record["notes"])
    # runtime is linear in the CCX count at a fixed distance: the total is the slice's per-CCX
    # time times 10^18
    per_ccx_ns = record["unit_runtime_ns"] / record["estimator_input"]["cczCount"]
    assert record["runtime_s"] == pytest.approx(per_ccx_ns * 10**18 / 1e9, rel=1e-3)


@settings(max_examples=6, deadline=None, derandomize=True)
@given(
    toffoli=st.integers(0, 10**9),
    extra_t=st.integers(0, 10**6),
    rotations=st.integers(0, 10**4),
    measurements=st.integers(0, 10**6),
)
def test_runtime_bound_holds_for_every_frontier_point(toffoli, extra_t, rotations, measurements):
    logical = counts(toffoli=toffoli, extra_t=extra_t + 1, rotations=rotations, measurements=measurements)
    try:
        record = physical_estimate(logical, t_outside_toffoli=extra_t + 1, factory="litinski", second_opinion=False)
    except NoEstimateError:
        return
    bound = runtime_bound_ns(record["estimator_input"], Settings.resolve())
    assert all(p["unit_runtime_ns"] <= bound for p in record["frontier"])


def test_older_qubit_model_names_map_to_the_same_hardware():
    legacy = physical_estimate(counts(), t_outside_toffoli=300, qubit_model="qubit_gate_ns_e4", second_opinion=False)
    named = physical_estimate(counts(), t_outside_toffoli=300, architecture="gate_based_ns_e4", second_opinion=False)
    assert legacy == named and legacy["qubit_model"] == "gate_based_ns_e4"
    majorana = physical_estimate(counts(), t_outside_toffoli=300, qubit_model="qubit_maj_ns_e6",
                                 qec="floquet_code")
    assert majorana["qec_scheme"] == "three_aux" and majorana["qualtran_gidney_fowler"] is None


def test_invalid_names_and_budgets_are_one_line_errors():
    with pytest.raises(QResourceError, match="unknown architecture 'cat_qubits'; choose one of gate_based_ns_e3"):
        physical_estimate(counts(), architecture="cat_qubits")
    with pytest.raises(QResourceError, match="unknown factory .*cultivation"):
        physical_estimate(counts(), factory="magic")
    with pytest.raises(QResourceError, match="unknown QEC code .*surface_code"):
        physical_estimate(counts(), qec="color_code")
    with pytest.raises(QResourceError, match="strictly between"):
        physical_estimate(counts(), error_budget=1.5)


def test_no_estimate_names_the_least_budget_that_works():
    with pytest.raises(NoEstimateError, match="least error budget that would work") as caught:
        physical_estimate(counts(), t_outside_toffoli=300, factory="cultivation", error_budget=1e-12)
    least = caught.value.least_error_budget
    assert least is not None and 1e-12 < least < 1e-3
    record = physical_estimate(counts(), t_outside_toffoli=300, factory="cultivation", error_budget=least * 1.01,
                               second_opinion=False)
    assert record["frontier"]


def test_every_instruction_error_falls_with_the_code_distance():
    """The quick refusal check asks the largest distance alone (REFUSAL_CHECK_DISTANCES): sound
    only while, in every architecture and code qre offers here, the least error of each
    instruction (lattice surgery, T, CCX, over every factory configuration) never rises with the
    distance, for the factories together and each alone. Read from qre's own instruction sets,
    distance by distance."""
    from qdk.qre.instruction_ids import CCX, LATTICE_SURGERY, T

    everything = _factories(Settings.resolve())
    assert REFUSAL_CHECK_DISTANCES == (max(CODE_DISTANCES),)
    checked = 0
    for architecture, code, factories in itertools.product(Architecture, QecCode,
                                                           [everything, *((f,) for f in everything)]):
        context = ARCHITECTURES[architecture].build().context()
        previous: dict = {}
        for distance in CODE_DISTANCES:
            least: dict = {}
            for isa in _isa_query(code, factories, (distance,)).enumerate(context):
                for instruction in (LATTICE_SURGERY, T, CCX):
                    try:
                        rate = isa[instruction].expect_error_rate(1)
                    except (KeyError, IndexError, ValueError):
                        continue
                    least[instruction] = min(least.get(instruction, 1.0), rate)
            for instruction, rate in least.items():
                if instruction in previous:
                    # equal rates differ in the last bits of their floating-point products
                    assert rate <= previous[instruction] * (1 + 1e-12), (architecture, code, factories, distance,
                                                                         instruction)
                    checked += 1
            previous = least
    assert checked > 400


@pytest.mark.parametrize("architecture, code, qubits, ccz, budget", [
    # two units the default report refuses, each run 2^42 and 2^62 times within the budget 1e-3
    (Architecture.GATE_BASED_NS_E3, QecCode.SURFACE_CODE, 43, 4_471_928_065, 1e-3 / 2**42),
    (Architecture.MAJORANA_NS_E6, QecCode.THREE_AUX, 63, 943_743_384_576, 1e-3 / 2**62),
])
def test_a_refusal_at_the_largest_distance_is_the_whole_searchs(architecture, code, qubits, ccz, budget):
    """A unit no candidate at the largest distance runs within budget: the whole search over
    every distance finds no point either, and qre's least budget is the same number."""
    counts_items = {"ccixCount": 0, "cczCount": ccz, "measurementCount": qubits - 1, "numQubits": qubits,
                    "rotationCount": 0, "rotationDepth": 0, "tCount": 0}
    factories = _factories(Settings.resolve())
    quick = _frontier_over(counts_items, architecture, code, factories, budget, REFUSAL_CHECK_DISTANCES)
    whole = _frontier_over(counts_items, architecture, code, factories, budget, CODE_DISTANCES)
    # the least budgets agree up to the last bit: a round-based pipeline qre reads back from its
    # cache can differ there from one it computes (tests/test_physical_factory_cache.py), and
    # which of the two searches computes a pipeline first depends on what ran before
    same = functools.partial(pytest.approx, rel=1e-15)
    assert quick[0] == () and whole[0] == ()
    assert quick[1] is not None and quick[1] == same(whole[1]) and quick[1] > budget
    assert _frontier_cached(tuple(sorted(counts_items.items())), architecture, code, factories,
                            budget)[1] == same(whole[1])
    # from REFUSAL_CHECK_QUBITS the cached answer is the quick search's: the whole search's refusal
    wide = {**counts_items, "numQubits": REFUSAL_CHECK_QUBITS}
    quick_wide = _frontier_cached(tuple(sorted(wide.items())), architecture, code, factories, budget)
    whole_wide = _frontier_over(wide, architecture, code, factories, budget, CODE_DISTANCES)
    assert quick_wide[0] == whole_wide[0] == () and quick_wide[1] == same(whole_wide[1])


def test_qualtran_second_opinion_is_in_the_same_regime():
    """Two independent surface-code models (qre's Pauli-based computation with its factories,
    Qualtran's Gidney–Fowler CCZ->2T factories) on the same unit, same physical error rate and
    syndrome cycle: they should agree within a small factor, not to the digit."""
    record = physical_estimate(counts(toffoli=10**7), t_outside_toffoli=300)
    second = record["qualtran_gidney_fowler"]
    assert second is not None and "error" not in second
    assert 1 / 5 < second["physical_qubits"] / record["physical_qubits"] < 5
    assert 1 / 10 < second["runtime_s"] / record["runtime_s"] < 10
    assert abs(second["code_distance"] - record["code_distance"]) <= 10
