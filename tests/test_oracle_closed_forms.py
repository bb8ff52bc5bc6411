"""The shape-only threshold oracle's closed forms (``ThresholdOracle.my_static_costs``) against
its own decomposition counted part by part, the loads by the loaders' closed forms; and the
table's whole-attention rows against ``estimate attention`` (one definition of both)."""

from __future__ import annotations

import itertools

import pytest
from qualtran.resource_counting import QubitCount, get_cost_value
from qualtran.resource_counting._qubit_counts import _cbloq_max_width

from qresource.arithmetic.comparator import EqualsConstant
from qresource.core.record import LOGICAL_KEYS
from qresource.grover.api import attention_records, make_problem
from qresource.grover.circuit_costs import attention_totals, threshold_oracle_factory
from qresource.grover.problem import find_all_schedule
from qresource.machinery.depth import decomposition_depths
from qresource.machinery.logical import GATE_KEYS, GateTally, LoweredGateCost, logical_counts
from qresource.oracle.closed_forms import exclusion_test_tally
from qresource.oracle.threshold_oracle import ThresholdOracle
from qresource.report.table import build_table

CASES = list(itertools.product(["qrom", "qroam", "bucket-brigade"], ["phase", "bit-flip"], [4, 33], [1, 3], [3], [0, 2]))


def _reference(oracle: ThresholdOracle):
    """Counts over the oracle's decomposition, each part by its own cost key (decomposition
    depth: the longest path over every part's profile, the loads as barriers)."""
    cbloq = oracle.decompose_bloq()
    def load(bloq):
        return GateTally(**{key: oracle.row_load_costs(bloq)[key] for key in GATE_KEYS})

    gates = sum((load(b.bloq) if oracle.is_row_load(b.bloq) else get_cost_value(b.bloq, LoweredGateCost())
                 for b in cbloq.bloq_instances), start=GateTally())
    qubits = _cbloq_max_width(cbloq._binst_graph, lambda b: get_cost_value(b, QubitCount()))
    return gates, qubits, decomposition_depths(oracle)


@pytest.mark.parametrize("loader,form,n,d,bits,excluded", CASES)
def test_shape_only_oracle_closed_form_equals_its_decomposition(loader, form, n, d, bits, excluded):
    oracle = ThresholdOracle(n, d, bits, loader=loader, form=form, excluded=tuple(range(n - 1, n - 1 - excluded, -1)))
    assert (oracle.gate_tally, oracle.qubit_count, oracle.depths) == _reference(oracle)


def test_closed_form_is_what_the_cost_keys_return_and_counts_huge_sizes():
    oracle = ThresholdOracle(2**30, 128, 8, loader="qroam", form="phase", excluded=(2**30 - 1,))
    counts = logical_counts(oracle)
    assert counts.toffoli == oracle.gate_tally.toffoli and counts.depth == oracle.depths[0]
    assert counts.qubits == oracle.qubit_count and counts.t_depth == oracle.depths[1]
    assert counts.toffoli > 2**21 and counts.clifford > 2**41  # exact Python ints


def test_table_rows_equal_estimate_attention_and_the_bloq_walk():
    """One grid mixing "not given" and given widths, every loader: each row equals ``estimate
    attention`` at its parameters and every search counted on its own bloq."""
    frame = build_table({"n": [16, 64, 1000], "k": [1, 3, 20], "d": [2], "bits": [None, 3],
                         "loader": ["fanout", "qrom", "qroam", "bucket-brigade"], "hardware": ["h100-sxm"]}, ["attention-circuit"])
    frame = frame[frame["queries"].notna()]  # k > n has no row to fill
    assert len(frame) == 64 and frame["bits"].notna().all()  # the planner's width where none was given
    for row in frame.to_dict("records"):
        problem = make_problem(n=row["n"], k=row["k"], d=row["d"], bits=int(row["bits"]), loader=row["loader"])
        (record,) = attention_records(problem, ["circuit"])
        assert {key: row[key] for key in LOGICAL_KEYS} == record.logical.as_dict()
        assert row["queries"] == record.queries and row["depth"] > 0 and row["t_depth"] > 0
        if row["k"] == 3 and row["n"] < 1000:
            walked = attention_totals(problem, {3: row["n"]}, {3: find_all_schedule(problem)},
                                      threshold_oracle_factory(problem))
            assert walked.totals == record.logical


def test_exclusion_test_tally_is_its_counted_call_graph():
    """exclusion_test_tally (leaves counted once each) against Qualtran's count of the whole call graph,
    every constant of every width up to 7."""
    for width in range(1, 8):
        for value in range(1 << width):
            test = EqualsConstant(width, value)
            assert exclusion_test_tally(test) == get_cost_value(test, LoweredGateCost())
