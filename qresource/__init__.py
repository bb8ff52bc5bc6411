"""qresource: what quantum algorithms for LLM attention would really cost on a fault-tolerant
quantum computer, and how that compares with classical attention.

The public Python API is the names in ``__all__`` (reference: docs/api.md). Each lives in its
domain module (``PUBLIC`` says which) and is the very function or bloq the command line calls;
the package top only re-exports them, and imports a name's module the first time the name is
used, so ``import qresource`` (and ``qresource --help``) stays free of Qualtran, Qiskit, numpy
and pandas. Everything else in the package is internal and may move between releases.

    >>> import qresource
    >>> record = qresource.estimate_qram("fanout", 1024, 8)
    >>> record.logical.toffoli
    1022
"""

from __future__ import annotations

# ruff: noqa: F401  (the TYPE_CHECKING block names what __all__ lists, for type checkers)
import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

#: Public name -> ``"module:attribute"`` it is defined as, grouped as docs/api.md shows them.
PUBLIC_GROUPS: dict[str, dict[str, str]] = {
    "Bloqs": {
        "TableLoader": "qresource.loaders.table_loader:TableLoader",
        "FanOutQRAM": "qresource.loaders.fanout:FanOutQRAM",
        "BucketBrigadeQRAM": "qresource.loaders.bucket_brigade:BucketBrigadeQRAM",
        "make_loader": "qresource.loaders.table_loader:make_loader",
        "cheapest_loader": "qresource.loaders.table_loader:cheapest_loader",
        "LoaderKind": "qresource.loaders.kinds:LoaderKind",
        "ThresholdOracle": "qresource.oracle.threshold_oracle:ThresholdOracle",
        "OracleForm": "qresource.oracle.threshold_oracle:OracleForm",
        "GroverDiffusion": "qresource.grover.diffusion:GroverDiffusion",
        "GroverIterate": "qresource.grover.iterate:GroverIterate",
        "GroverSearch": "qresource.grover.iterate:GroverSearch",
        "grover_search_bloq": "qresource.grover.api:grover_search_bloq",
        "Qlaci": "qresource.qlaci.attention_bloq:Qlaci",
        "QlaciShot": "qresource.qlaci.attention_bloq:QlaciShot",
        "QlaciParams": "qresource.qlaci.params:QlaciParams",
        "qlaci_plan": "qresource.qlaci.build:plan",
        "build_qlaci": "qresource.qlaci.build:build_qlaci",
    },
    "Estimates and records": {
        "estimate_qram": "qresource.loaders.api:estimate_qram",
        "estimate_oracle": "qresource.oracle.api:estimate_oracle",
        "estimate_oracle_instance": "qresource.oracle.api:estimate_oracle_instance",
        "estimate_grover": "qresource.grover.api:estimate_grover",
        "estimate_attention": "qresource.grover.api:estimate_attention",
        "make_problem": "qresource.grover.api:make_problem",
        "grover_records": "qresource.grover.api:grover_records",
        "attention_records": "qresource.grover.api:attention_records",
        "estimate_qlaci": "qresource.qlaci.estimate:estimate_qlaci",
        "estimate_classical": "qresource.classical.costs:estimate_classical",
        "attach_physical": "qresource.report.physical_options:attach_physical",
        "attach_grover_physical": "qresource.report.grover_physical:attach_grover_physical",
        "attach_qlaci_physical": "qresource.report.qlaci_physical:attach_qlaci_physical",
        "logical_counts": "qresource.machinery.logical:logical_counts",
        "EstimateRecord": "qresource.core.record:EstimateRecord",
        "LogicalCounts": "qresource.core.record:LogicalCounts",
        "Records": "qresource.core.record:Records",
        "records_frame": "qresource.core.record:records_frame",
        "QResourceError": "qresource.core.errors:QResourceError",
    },
    "Classical attention": {
        "generate_instance": "qresource.classical.instances:generate_instance",
        "check_instance": "qresource.classical.instances:check_instance",
        "exact_attention": "qresource.classical.attention:exact_attention",
        "sparse_attention": "qresource.classical.attention:sparse_attention",
        "error_table": "qresource.classical.bounds:error_table",
        "classical_costs": "qresource.classical.costs:classical_costs",
    },
    "Tables, profiles, counts": {
        "table": "qresource.report.table:build_table",
        "readable": "qresource.report.render:readable",
        "find_crossover": "qresource.compare.crossover:find_crossover",
        "breakeven": "qresource.report.breakeven:answer",
        "BreakevenAlgorithm": "qresource.report.breakeven:Algorithm",
        "BreakevenHardware": "qresource.report.breakeven:Hardware",
        "profile_text": "qresource.profile.api:profile_text",
        "profile_qk": "qresource.profile.api:profile_qk",
        "choose_k": "qresource.profile.api:choose_k",
        "count": "qresource.qasm.count:count_qasm",
        "count_circuit": "qresource.qasm.count:count_circuit",
    },
    "Export and validation": {
        "export": "qresource.machinery.any_bloq:export_bloq",
        "validate": "qresource.machinery.any_bloq:validate_bloq",
        "read_table": "qresource.loaders.api:read_table",
        "export_qram": "qresource.loaders.api:export_qram",
        "validate_qram": "qresource.loaders.api:validate_qram",
        "read_instance": "qresource.oracle.instance_file:read_instance",
        "random_instance": "qresource.oracle.api:random_instance",
        "export_oracle": "qresource.oracle.api:export_oracle",
        "validate_oracle": "qresource.oracle.api:validate_oracle",
        "grover_search_qasm": "qresource.grover.api:grover_search_qasm",
        "validate_grover_search": "qresource.grover.api:validate_grover_search",
        "export_qlaci": "qresource.qlaci.run:export_qlaci",
        "validate_qlaci": "qresource.qlaci.run:validate_qlaci",
    },
}

PUBLIC: dict[str, str] = {name: target for group in PUBLIC_GROUPS.values() for name, target in group.items()}

__all__ = sorted(PUBLIC)


def __getattr__(name: str) -> Any:
    target = PUBLIC.get(name)
    if target is None:
        raise AttributeError(f"module 'qresource' has no attribute {name!r}")
    module_name, attribute = target.split(":")
    value = getattr(importlib.import_module(module_name), attribute)
    globals()[name] = value  # the next lookup is an ordinary attribute
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})


if TYPE_CHECKING:  # what type checkers and IDEs see; at run time ``__getattr__`` does the work
    from qresource.classical.attention import exact_attention, sparse_attention
    from qresource.classical.bounds import error_table
    from qresource.classical.costs import classical_costs, estimate_classical
    from qresource.classical.instances import check_instance, generate_instance
    from qresource.compare.crossover import find_crossover
    from qresource.core.errors import QResourceError
    from qresource.core.record import (
        EstimateRecord,
        LogicalCounts,
        Records,
        records_frame,
    )
    from qresource.grover.api import (
        attention_records,
        estimate_attention,
        estimate_grover,
        grover_records,
        grover_search_bloq,
        grover_search_qasm,
        make_problem,
        validate_grover_search,
    )
    from qresource.grover.diffusion import GroverDiffusion
    from qresource.grover.iterate import GroverIterate, GroverSearch
    from qresource.loaders.api import (
        estimate_qram,
        export_qram,
        read_table,
        validate_qram,
    )
    from qresource.loaders.bucket_brigade import BucketBrigadeQRAM
    from qresource.loaders.fanout import FanOutQRAM
    from qresource.loaders.kinds import LoaderKind
    from qresource.loaders.table_loader import TableLoader, cheapest_loader, make_loader
    from qresource.machinery.any_bloq import export_bloq as export
    from qresource.machinery.any_bloq import validate_bloq as validate
    from qresource.machinery.logical import logical_counts
    from qresource.oracle.api import (
        estimate_oracle,
        estimate_oracle_instance,
        export_oracle,
        random_instance,
        validate_oracle,
    )
    from qresource.oracle.instance_file import read_instance
    from qresource.oracle.threshold_oracle import OracleForm, ThresholdOracle
    from qresource.profile.api import choose_k, profile_qk, profile_text
    from qresource.qasm.count import count_circuit
    from qresource.qasm.count import count_qasm as count
    from qresource.qlaci.attention_bloq import Qlaci, QlaciShot
    from qresource.qlaci.build import build_qlaci
    from qresource.qlaci.build import plan as qlaci_plan
    from qresource.qlaci.estimate import estimate_qlaci
    from qresource.qlaci.params import QlaciParams
    from qresource.qlaci.run import export_qlaci, validate_qlaci
    from qresource.report.breakeven import Algorithm as BreakevenAlgorithm
    from qresource.report.breakeven import Hardware as BreakevenHardware
    from qresource.report.breakeven import answer as breakeven
    from qresource.report.grover_physical import attach_grover_physical
    from qresource.report.physical_options import attach_physical
    from qresource.report.qlaci_physical import attach_qlaci_physical
    from qresource.report.render import readable
    from qresource.report.table import build_table as table
