"""What it would take: the breakeven knobs on synthetic power laws with known answers, Babbush et
al.'s closed form, the step model against qre's own estimate, and the CLI."""

from __future__ import annotations

import json
import math

import pytest
from cli_run import run

from qresource.compare.breakeven import (
    Knob,
    QuantumSide,
    access_answer,
    breakeven_n,
    breakeven_n_for,
    cycle_time_answer,
    error_rate_answer,
    factor_needed,
    needed_cycle_time,
    processors_answer,
)
from qresource.compare.crossover import babbush_breakeven
from qresource.loaders.api import loader_bloq
from qresource.loaders.kinds import LoaderKind
from qresource.machinery.logical import logical_counts
from qresource.machinery.physical import Architecture, QecCode, bare_t_count, logical_steps, physical_estimate
from qresource.report import sources
from qresource.report.breakeven import (
    Algorithm,
    Hardware,
    load_and_unload_steps,
    quantum_side,
    report_section,
)

# Synthetic machine: the quantum side takes n^1.5 steps of tau = 2^-20 s, classical attention
# 2^-30 n^2 s. They meet where sqrt(n) = 2^10, at n = 2^20; at n = 4^8 = 2^16 the quantum side
# is 2^-20 2^24 / (2^-30 2^32) = 2^4 / 2^2 = 4 times slower.
TAU = 2.0**-20


def _synthetic(n: int, **extra) -> QuantumSide:
    return QuantumSide(n=n, steps=math.isqrt(n) ** 3, step_s=TAU, hybrid_classical_s=0.0, independent_pieces=n, **extra)


def _classical(n: int) -> float:
    return 2.0**-30 * n * n


def test_synthetic_power_law_factor_is_exact():
    n = 2**16
    side = _synthetic(n)
    assert factor_needed(side, _classical(n)) == 4.0
    cycle = cycle_time_answer(side, _classical(n))
    assert cycle.knob is Knob.LOGICAL_CYCLE_TIME
    assert (cycle.factor, cycle.today, cycle.needed) == (4.0, TAU, TAU / 4)
    processors = processors_answer(side, _classical(n))
    assert processors.needed == 4.0 and processors.reason is None


def test_synthetic_power_law_breakeven_n_is_exact():
    result = breakeven_n(lambda n: TAU * n**1.5, _classical, 16, 2**40)
    assert result.status == "crossover" and result.n_star == 2**20 + 1  # equal at 2^20, faster after
    # the curve read the other way: the first power of two whose needed cycle time exceeds tau
    ns = [2**e for e in range(4, 31)]
    tau_star = needed_cycle_time([n**1.5 for n in ns], [_classical(n) for n in ns], [0.0] * len(ns))
    assert tau_star[ns.index(2**16)] == TAU / 4
    assert breakeven_n_for(TAU, ns, tau_star) == 2**21


def test_babbush_formula_reproduced_where_its_assumptions_hold():
    # one row: classical n t_C, quantum c sqrt(n k) t_Q (Babbush et al. 2021, section II)
    t_quantum, t_classical, k, c = 1e-9, 2.55e-13, 32, math.pi / 2  # n* about 1.2e9
    expected = babbush_breakeven(t_quantum, t_classical, k, c)["n_star"]
    result = breakeven_n(lambda n: c * math.sqrt(n * k) * t_quantum, lambda n: n * t_classical, 16, 2**80)
    assert result.n_star - 1 < expected <= result.n_star
    tau_star = needed_cycle_time([c * math.sqrt(expected * k)], [expected * t_classical], [0.0])
    assert tau_star[0] == pytest.approx(t_quantum, rel=1e-12)


def test_data_access_down_to_free_access():
    # 1000 steps of 1 ms, 600 of them 100 accesses; classical 0.7 s, hybrid 0.1 s: room 0.6 s
    side = QuantumSide(n=64, steps=1000, step_s=1e-3, hybrid_classical_s=0.1, independent_pieces=64,
                       access_steps=600, accesses=100)
    access = access_answer(side, 0.7)
    assert access.factor == pytest.approx(3.0) and access.today == 6.0 and access.needed == pytest.approx(2.0)
    # room 0.35 s < the 0.4 s the other 400 steps take: no access cost alone is enough
    none = access_answer(side, 0.45)
    assert none.factor is None and "even free data access" in none.reason
    free = access_answer(_synthetic(16), 1.0)
    assert free.factor is None and "already free" in free.reason


def test_no_knob_helps_when_the_classical_part_alone_is_slower():
    side = QuantumSide(n=64, steps=10, step_s=1e-9, hybrid_classical_s=2.0, independent_pieces=64)
    for answer_ in (cycle_time_answer(side, 1.0), processors_answer(side, 1.0), access_answer(side, 1.0)):
        assert answer_.factor is None
    assert "classical part alone" in cycle_time_answer(side, 1.0).reason


def test_processors_are_bounded_by_the_independent_pieces():
    side = QuantumSide(n=4, steps=100, step_s=1.0, hybrid_classical_s=0.0, independent_pieces=4)
    assert processors_answer(side, 25.0).needed == 4.0
    over = processors_answer(side, 24.0)
    assert over.needed is None and "more than the 4 independent pieces" in over.reason


def test_error_rate_through_the_code_distance():
    # steps of 1 us today; 0.5 us once errors fall below 1e-2 of today's, 0.1 us below 1e-4
    def step_at(scale):
        return 1e-6 if scale > 1e-2 else 5e-7 if scale > 1e-4 else 1e-7

    side = QuantumSide(n=64, steps=10**6, step_s=1e-6, hybrid_classical_s=0.0, independent_pieces=64)
    answer_ = error_rate_answer(side, 0.25, step_at, 1e-7, 1e-3)  # needs 4x: the 0.1 us step
    assert answer_.factor == pytest.approx(1e4, rel=1e-9) and answer_.needed == pytest.approx(1e-7, rel=1e-9)
    assert error_rate_answer(side, 0.6, step_at, 1e-7, 1e-3).factor == pytest.approx(1e2, rel=1e-9)
    beyond = error_rate_answer(side, 0.05, step_at, 1e-7, 1e-3)  # needs 20x, the floor gives 10x
    assert beyond.factor is None and "smallest code distance" in beyond.reason


@pytest.mark.parametrize("algorithm, n, k, d", [(Algorithm.GROVER_QUERY, 2**10, 8, 64),
                                               (Algorithm.GROVER_QROM, 2**10, 8, 64)])
def test_step_model_is_qres_headline(algorithm, n, k, d):
    if algorithm is Algorithm.GROVER_QUERY:
        point = sources.grover_query(n, k, d)
    else:
        point = sources.grover_circuit_unit(n, k, d, None, algorithm.loader)
    estimate = physical_estimate(point["unit"], point["repetitions"],
                                 t_outside_toffoli=point["unit_t_outside_toffoli"], second_opinion=False)
    side, step = quantum_side(algorithm, n, k, d, Hardware())
    assert step.code_distance == estimate["code_distance"]
    assert step.step_ns == estimate["logical_cycle_time_ns"]
    assert side.quantum_s == pytest.approx(estimate["runtime_s"], rel=1e-12)


def test_cli_json_keys():
    result = run("breakeven", "--algorithm", "grover-qrom", "-n", "1024", "-k", "8", "-d", "64",
                 "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert {"primitive", "algorithm", "params", "held_fixed", "classical", "quantum", "factor", "knobs",
            "curves", "model", "notes"} <= set(data)
    assert set(data["knobs"]) == {knob.value for knob in Knob}
    assert {"factor", "today", "needed", "unit", "reason"} <= set(data["knobs"]["data_access"])


@pytest.mark.parametrize("argv", [["-k", "0"], ["--algorithm", "nope"], ["-n", "8", "-k", "16"],
                                  ["--error-budget", "2"]])
def test_cli_bad_input_is_one_line_exit_2(argv):
    result = run("breakeven", *argv)
    assert result.returncode == 2 and result.stdout == ""
    assert len(result.stderr.strip().splitlines()) == 1 and result.stderr.startswith("qresource: error:")


def test_report_section_writes_its_table_and_plot(tmp_path):
    tables = {}
    text, pictures = report_section(tmp_path, 2**10, 8, 64, Hardware(),
                                            [Algorithm.GROVER_QUERY, Algorithm.GROVER_QROM],
                                            lambda stem, frame: tables.setdefault(stem, frame))
    assert pictures == ["breakeven_cycle_time_d64.png"] and (tmp_path / pictures[0]).read_bytes()[:4] == b"\x89PNG"
    frame = tables["breakeven"]
    assert list(frame["series"]) == [Algorithm.GROVER_QUERY.label, Algorithm.GROVER_QROM.label]
    assert "## What it would take at n = 2^10" in text
    for row in frame.to_dict("records"):
        assert row["factor"] > 1 and row["cycle_time_needed_s"] * row["factor"] == pytest.approx(row["cycle_time_s"])


def test_scaled_error_rates_are_the_preset_with_those_rates():
    # gate_based_ns_e3 with every error rate / 10 is gate_based_ns_e4 (same gate times, 1e-4)
    scaled = logical_steps(Architecture.GATE_BASED_NS_E3, QecCode.SURFACE_CODE, 823, 0.1)
    preset = logical_steps(Architecture.GATE_BASED_NS_E4, QecCode.SURFACE_CODE, 823)
    assert [(s.code_distance, s.step_ns) for s in scaled] == [(s.code_distance, s.step_ns) for s in preset]
    assert [s.error for s in scaled] == pytest.approx([s.error for s in preset], rel=1e-9)


@pytest.mark.parametrize("loader", [LoaderKind.QROM, LoaderKind.QROAM, LoaderKind.FANOUT])
def test_an_oracle_calls_data_accesses_are_its_load_and_its_unload(loader):
    """The steps of one call's two accesses come from the loader bloq and its adjoint, counted
    independently here from their own call graphs: the adjoint is the loader again except for
    QROAM, unloaded by measurement, which must cost less than a second load."""
    n, width = 64, 16
    bloq = loader_bloq(loader, n, width)

    def steps(b) -> int:
        counts = logical_counts(b, with_depth=False)
        return 3 * int(counts.toffoli) + bare_t_count(b) + int(counts.measurements)

    load, unload = steps(bloq), steps(bloq.adjoint())
    assert load_and_unload_steps(loader, n, width) == load + unload
    if loader is LoaderKind.QROAM:
        assert unload < load
    else:
        assert unload == load
