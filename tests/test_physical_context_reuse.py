"""The physical estimate sets qre's instruction sets up once per process and runs qre's own
estimation on them: every answer (the frontier entries, and qre's explanation when no point meets
the budget) is the one ``qdk.qre.estimate`` gives when it sets everything up anew, whatever was
estimated before on the same set-up."""

from __future__ import annotations

import contextlib
import io

import pytest

from qresource.machinery import physical
from qresource.machinery.physical import ARCHITECTURES, Architecture, Factory, QecCode


def unit(qubits, ccz=0, t=0, rotations=0, measurements=0) -> dict[str, int]:
    return {"numQubits": qubits, "tCount": t, "rotationCount": rotations, "rotationDepth": rotations,
            "cczCount": ccz, "ccixCount": 0, "measurementCount": measurements}


ALL = (Factory.CULTIVATION, Factory.LITINSKI, Factory.ROUND_BASED)
GATES = (Architecture.GATE_BASED_NS_E3, QecCode.SURFACE_CODE)
#: (counts, (architecture, code), factories, unit error budget): Toffolis alone, Toffolis with
#: other T gates (qre pairs every T source with every CCX source), rotations (16 traces), a
#: budget nothing meets, a factory that makes no CCX states, and two other architectures
CASES = [
    (unit(400, ccz=10_887, measurements=10_887), GATES, ALL, 1e-3 / 108_636),
    (unit(60, ccz=5_000, t=40, measurements=300), GATES, ALL, 1e-3),
    (unit(30, t=2_000, rotations=50, measurements=10), GATES, ALL, 1e-4),
    (unit(30, ccz=1_000, t=40), GATES, ALL, 1e-30),
    (unit(30, ccz=1_000, t=40), GATES, (Factory.ROUND_BASED,), 1e-3),
    (unit(50, ccz=2_000, t=10, measurements=20), (Architecture.MAJORANA_NS_E6, QecCode.THREE_AUX), ALL, 1e-3),
    (unit(50, ccz=2_000, measurements=20), (Architecture.NEUTRAL_ATOM, QecCode.SURFACE_CODE_LOW_MOVE), ALL, 1e-5),
]


def public(counts, architecture, code, factories, budget):
    """``qdk.qre.estimate`` as the package called it before it kept the set-up: points and output."""
    from qdk.qre import estimate

    captured = io.StringIO()
    with contextlib.redirect_stdout(captured):
        table = estimate(physical._application(physical.qre_trace(counts)), ARCHITECTURES[architecture].build(),
                         physical._isa_query(code, factories), physical._trace_query(counts), max_error=budget)
    return [physical._point(entry) for entry in table], captured.getvalue().strip()


def kept(counts, architecture, code, factories, budget):
    entries, message = physical._estimate_entries(counts, architecture, code, factories, budget)
    return [physical._point(entry) for entry in entries], message.strip()


def settled(answer, budget):
    """An answer without the points' errors, after checking each meets the budget: of several
    candidates with the same qubits and runtime qre keeps one, and which one (so which error) can
    change from one run to the next, in ``qdk.qre.estimate`` itself (seen in a report's run)."""
    points, message = answer
    assert all(0 < point["unit_error"] <= budget for point in points)
    return [{key: value for key, value in point.items() if key != "unit_error"} for point in points], message


@pytest.fixture(scope="module")
def expected():
    return [public(counts, *setup, factories, budget) for counts, setup, factories, budget in CASES]


def test_kept_set_up_answers_as_qre_estimate(expected):
    # the cases cover both answers: points, and an empty frontier with qre's explanation
    assert any(points for points, _ in expected) and any(not points and text for points, text in expected)
    for index in [*range(len(CASES)), *reversed(range(len(CASES)))]:  # each case after others
        counts, setup, factories, budget = CASES[index]
        assert settled(kept(counts, *setup, factories, budget), budget) == settled(expected[index], budget), CASES[index]


def test_the_refusal_reads_the_same(expected):
    counts, (architecture, code), factories, budget = CASES[3]
    physical._frontier_cached.cache_clear()
    points, least, reason = physical._frontier_cached(tuple(sorted(counts.items())), architecture, code, factories,
                                                      budget)
    assert points == () and least is not None and least > budget
    assert f"was {least}" in expected[3][1]
