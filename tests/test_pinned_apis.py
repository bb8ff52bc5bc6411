"""The versions pyproject.toml pins, and the third-party APIs the physical estimate calls: a
release that drops or renames one fails here, by name, before any number moves."""

from __future__ import annotations

import importlib
import re
import tomllib
from importlib import metadata
from pathlib import Path

import pytest
from packaging.requirements import Requirement

PYPROJECT = Path(__file__).resolve().parents[1] / "pyproject.toml"


def requirements() -> list[Requirement]:
    data = tomllib.loads(PYPROJECT.read_text())
    return [Requirement(line) for line in data["project"]["dependencies"]]


@pytest.mark.parametrize("requirement", requirements(), ids=lambda r: r.name)
def test_every_dependency_has_both_bounds_and_the_installed_release_meets_them(requirement):
    operators = {spec.operator for spec in requirement.specifier}
    assert operators & {">=", ">"} and operators & {"<", "<="}, f"{requirement} needs a lower and an upper bound"
    installed = metadata.version(requirement.name)
    assert requirement.specifier.contains(installed, prereleases=True), f"{requirement.name} {installed} is outside {requirement}"


#: module -> names we call (qresource.machinery.physical, its tests and the cross-check benchmark)
PINNED_APIS = {
    "qdk.qre": ["estimate", "Application", "Trace", "PSSPC", "LatticeSurgery", "instruction_name"],
    "qdk.qre.models": [
        "GateBased", "NeutralAtom", "Majorana", "SurfaceCode", "SurfaceCodeLowMove", "ThreeAux",
        "GSJ24Factory", "GSJ24CCXFactory", "Litinski19Factory", "MagicUpToClifford", "RoundBasedFactory",
    ],
    "qdk.qre.instruction_ids": ["T", "CCX", "RZ", "MEAS_Z", "LATTICE_SURGERY"],
    "qdk.qre.property_keys": [
        "DISTANCE", "LOGICAL_COMPUTE_QUBITS", "NUM_TS_PER_ROTATION", "PHYSICAL_COMPUTE_QUBITS",
        "PHYSICAL_FACTORY_QUBITS",
    ],
    "qdk.qre.interop": ["trace_from_entry_expr"],
    "qualtran.resource_counting": ["QECGatesCost", "GateCounts", "get_cost_value"],
    "qualtran.surface_code": ["get_ccz2t_costs_from_grid_search", "iter_simple_data_blocks"],
}


@pytest.mark.parametrize("module, name", [(m, n) for m, names in PINNED_APIS.items() for n in names])
def test_pinned_api_exists(module, name):
    assert hasattr(importlib.import_module(module), name), f"{module}.{name} is gone"


def test_qre_still_reports_the_least_budget_and_the_results_we_read():
    """The estimate reads qre's results (qubits, runtime, error, factories, properties, the
    instruction source) and its printed reason when nothing meets the budget."""
    from qresource.core.record import LogicalCounts
    from qresource.machinery.physical import Factory, NoEstimateError, physical_estimate

    unit = LogicalCounts(qubits=20, toffoli=100, t=700, clifford=0, rotations=0, measurements=0, depth=0, t_depth=0)
    record = physical_estimate(unit, t_outside_toffoli=0, factory=Factory.LITINSKI, second_opinion=False)
    point = record["frontier"][0]
    assert point["code_distance"] and point["logical_cycle_time_ns"] and point["magic_state_factories"]
    with pytest.raises(NoEstimateError) as caught:
        physical_estimate(unit, t_outside_toffoli=0, factory=Factory.LITINSKI, error_budget=1e-30)
    assert caught.value.least_error_budget is not None, "qre no longer prints its least budget"
    assert re.search(r"least error budget that would work is", str(caught.value))
