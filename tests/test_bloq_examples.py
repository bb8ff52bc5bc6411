"""Every bloq of the package has Qualtran examples and a BloqDocSpec, and every example passes
Qualtran's own checks (the ones ``bloq_autotester`` runs in Qualtran's test suite) and ours: the
call graph's counts equal those of the flattened Clifford+T circuit, counted gate by gate."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import pytest
import sympy
from qualtran import Bloq, BloqDocSpec
from qualtran import testing as qlt_testing

import qresource
from qresource.machinery.circuit_counts import circuit_counts
from qresource.machinery.flatten import to_circuit
from qresource.machinery.logical import gate_tally, logical_counts

MODULES = [importlib.import_module(info.name)
           for info in pkgutil.walk_packages(qresource.__path__, "qresource.") if not info.ispkg]
DOC_SPECS = [value for module in MODULES for value in vars(module).values() if isinstance(value, BloqDocSpec)]
EXAMPLES = [example for spec in DOC_SPECS for example in spec.examples]
BLOQ_CLASSES = sorted({cls for module in MODULES for cls in vars(module).values()
                       if inspect.isclass(cls) and issubclass(cls, Bloq) and cls.__module__ == module.__name__},
                      key=lambda cls: f"{cls.__module__}.{cls.__name__}")
#: Bloqs of the data-loader domain get their examples with the loaders' rework.
WITHOUT_EXAMPLES_YET: set[str] = set()


def test_every_bloq_has_a_doc_spec_with_examples():
    documented = {spec.bloq_cls for spec in DOC_SPECS if spec.examples}
    missing = [cls.__name__ for cls in BLOQ_CLASSES if cls not in documented and cls.__name__ not in WITHOUT_EXAMPLES_YET]
    assert not missing, f"bloqs without a BloqDocSpec and examples: {missing}"


def _passes(check, example) -> None:
    result, message = check(example)
    if result in (qlt_testing.BloqCheckResult.NA, qlt_testing.BloqCheckResult.UNVERIFIED):
        pytest.skip(message)
    assert result is qlt_testing.BloqCheckResult.PASS, message


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda e: e.name)
@pytest.mark.parametrize("check", [qlt_testing.check_bloq_example_make, qlt_testing.check_bloq_example_decompose,
                                   qlt_testing.check_equivalent_bloq_example_counts,
                                   qlt_testing.check_bloq_example_qtyping],
                         ids=["make", "decompose", "counts", "qtyping"])
def test_qualtran_checks(example, check):
    _passes(check, example)


#: Examples given by shape only (no table, no angles): counted, but a circuit needs the data.
SHAPE_ONLY = {"threshold_oracle_shape", "score_layer", "multiplexed_feature_map", "qlaci_small", "qlaci_shot"}
#: Examples with sympy sizes (Qualtran's ``_symb`` naming): counted as expressions, no circuit
#: (tests/test_symbolic_call_graphs.py holds them against the concrete counts).
SYMBOLIC = {e.name for e in EXAMPLES if e.name.endswith("_symb")}


@pytest.mark.parametrize("example", [e for e in EXAMPLES if e.name not in SHAPE_ONLY | SYMBOLIC],
                         ids=lambda e: e.name)
def test_call_graph_counts_equal_the_flattened_circuit(example):
    """Gate counts on any layout; peak qubits with released qubits reused (Qualtran's
    QubitCount); depth and T-depth on the layout that keeps the fresh-wire schedule; the
    lattice-surgery depth on fresh wires (docs/machinery.md: a reused wire can split a fan-out)."""
    bloq = example.make()
    counted = logical_counts(bloq).as_dict()
    scheduled = circuit_counts(to_circuit(bloq, ancillas="schedule")).as_dict()
    surgery = "lattice_surgery_depth"
    assert counted | {"qubits": 0, surgery: 0} == scheduled | {"qubits": 0, surgery: 0}
    assert counted[surgery] == circuit_counts(to_circuit(bloq, ancillas="fresh")).lattice_surgery_depth
    assert counted["qubits"] == circuit_counts(to_circuit(bloq)).qubits


@pytest.mark.parametrize("example", [e for e in EXAMPLES if e.name in SHAPE_ONLY], ids=lambda e: e.name)
def test_shape_only_examples_are_counted(example):
    counts = logical_counts(example.make())
    assert counts.t > 0 and counts.qubits > 0


@pytest.mark.parametrize("example", [e for e in EXAMPLES if e.name in SYMBOLIC], ids=lambda e: e.name)
def test_symbolic_examples_are_counted_in_their_symbols(example):
    tally = gate_tally(example.make())
    assert sympy.sympify(tally.toffoli).free_symbols and sympy.sympify(tally.clifford).free_symbols
