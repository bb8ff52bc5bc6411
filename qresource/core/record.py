"""The plain records every estimator returns, and their JSON form (a contract that scripts rely
on: docs/architecture.md, "The JSON contract")."""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any, Iterable

from qresource.core.answer import answer_html, answer_text

if TYPE_CHECKING:
    import pandas

LOGICAL_KEYS = ("qubits", "toffoli", "t", "clifford", "rotations", "measurements", "depth", "t_depth",
                "lattice_surgery_depth")


@dataclass(frozen=True)
class LogicalCounts:
    """Logical resources of one circuit, all exact integers.

    - ``qubits``: peak number of simultaneously live logical qubits, ancillas included;
    - ``toffoli``: Toffoli-class gates (Toffoli, CCZ, temporary-AND computations, CSWAP), 1 each;
    - ``t``: T and T-dagger gates of the fully decomposed Clifford+T circuit (what export writes);
    - ``clifford``: Clifford gates of that circuit; ``rotations``: arbitrary-angle rotations left
      for synthesis (0 once synthesised); ``measurements``: single-qubit measurements;
    - ``depth`` and ``t_depth``: see docs/ for the gate set and scheduler that define them;
      None where they were not computed (the record's notes say why), never 0;
    - ``lattice_surgery_depth``: ``depth`` with every CNOT fan-out from one control one step
      (docs/meaning.md); None where not computed, as for ``depth``.
    """

    qubits: int
    toffoli: int
    t: int
    clifford: int
    rotations: int
    measurements: int
    depth: int | None
    t_depth: int | None
    lattice_surgery_depth: int | None = None

    def as_dict(self) -> dict[str, int | None]:
        return {key: None if getattr(self, key) is None else int(getattr(self, key)) for key in LOGICAL_KEYS}


def _jsonable(value: Any) -> Any:
    """Python ints stay exact; numpy scalars and sympy integers become Python numbers."""
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        if math.isnan(value) or math.isinf(value):
            return None
        return value
    try:
        import numpy as np

        if isinstance(value, np.integer):
            return int(value)
        if isinstance(value, np.floating):
            return _jsonable(float(value))
    except ImportError:  # pragma: no cover - numpy is a dependency
        pass
    try:
        import sympy

        if isinstance(value, sympy.Integer):
            return int(value)
        if isinstance(value, sympy.Expr) and value.is_number:
            return float(value)
    except ImportError:  # pragma: no cover
        pass
    return str(value)


@dataclass
class EstimateRecord:
    """One estimate of one primitive at one parameter point, in one cost model."""

    primitive: str
    params: dict[str, Any]
    logical: LogicalCounts | None = None
    queries: int | None = None
    iterations: int | None = None
    success_probability: float | None = None
    registers: dict[str, int] = field(default_factory=dict)
    classical: dict[str, Any] | None = None
    physical: dict[str, Any] | None = None
    model: str | None = None
    notes: list[str] = field(default_factory=list)
    shots: dict[str, Any] | None = None  # qlaci: shot budget and per-head totals
    error_budget: dict[str, Any] | None = None  # qlaci: split of eps between shots, synthesis, loading
    # grover / attention: the find-all schedule behind `queries` (expected totals, per-stage data)
    schedule: dict[str, Any] | None = None
    # oracle: Toffolis per call by role (loading, inner product, ...) and the precision plan
    oracle: dict[str, Any] | None = None

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["logical"] = self.logical.as_dict() if self.logical is not None else None
        return _jsonable(out)

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2, sort_keys=False)

    def to_row(self) -> dict[str, Any]:
        """The record as one flat row: primitive and model, every scalar parameter under its own
        name, the logical counts, queries, iterations, success probability and, where a physical
        estimate is attached, physical qubits and runtime. Nested fields stay in ``to_dict``."""
        data = self.to_dict()
        # the model's name: records of several models carry "name: what it charges"
        model = data["model"].split(":", 1)[0] if data["model"] else None
        row: dict[str, Any] = {"primitive": data["primitive"], "model": model}
        row.update({key: value for key, value in data["params"].items() if not isinstance(value, (dict, list))})
        row.update({key: (data["logical"] or {}).get(key) for key in LOGICAL_KEYS})
        row.update({key: data[key] for key in ("queries", "iterations", "success_probability")})
        physical = data.get("physical") or {}
        row.update({key: physical.get(key) for key in PHYSICAL_ROW_KEYS})
        return row

    def to_frame(self) -> "pandas.DataFrame":
        """The record as a one-row pandas DataFrame (``to_row``); ``records_frame`` joins several."""
        return records_frame([self])

    def answer(self, *, verbose: bool = False) -> str:
        """The answer ``qresource estimate`` prints for this record without ``--json``."""
        return answer_text([self], verbose=verbose)

    def _repr_html_(self) -> str:
        return answer_html(self.answer())


#: The physical estimate's fields a flat row carries (the rest stays in ``to_dict``).
PHYSICAL_ROW_KEYS = ("physical_qubits", "runtime_s")

#: Columns besides the logical counts that hold exact integers when present.
INTEGER_ROW_KEYS = ("queries", "iterations", "physical_qubits")


def records_frame(records: Iterable[EstimateRecord]) -> "pandas.DataFrame":
    """One row per record (``EstimateRecord.to_row``), columns in the order they first appear.
    Counts stay exact integers: a count column is pandas' nullable ``Int64`` (``<NA>`` where a
    record has none, as in the query model), never a float."""
    import pandas as pd

    rows = [record.to_row() for record in records]
    columns = list(dict.fromkeys(key for row in rows for key in row))
    frame = pd.DataFrame.from_records(rows, columns=columns)
    for column in (*LOGICAL_KEYS, *INTEGER_ROW_KEYS):
        values = [row.get(column) for row in rows]
        if column in frame and all(isinstance(v, int) or v is None for v in values):
            frame[column] = pd.array(values, dtype="Int64")
    return frame


class Records(list):
    """Several records (a sweep, or one point in several cost models): a plain list that also
    shows in Jupyter as the answer the command line prints for them and flattens like one.

    ``extras``: what the answer shows beside the records (as for ``emit_records``); ``problem``:
    the problem they were estimated for, where one function built them all."""

    extras: dict[str, Any] | None = None
    problem: Any = None

    def to_dict(self) -> list[dict[str, Any]]:
        """The ``--json`` list."""
        return [record.to_dict() for record in self]

    def to_frame(self) -> "pandas.DataFrame":
        return records_frame(self)

    def answer(self, *, verbose: bool = False) -> str:
        return answer_text(self, verbose=verbose, extras=self.extras)

    def _repr_html_(self) -> str:
        return answer_html(self.answer())
