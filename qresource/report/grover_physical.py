"""Physical estimates of Grover search and attention records: one Grover iterate repeated once
per expected oracle call (``--physical`` of ``estimate grover|attention``)."""

from __future__ import annotations

from qresource.core.errors import QResourceError
from qresource.core.record import EstimateRecord
from qresource.grover.api import Problem, iterate_unit
from qresource.report.physical_options import attach_physical


def attach_grover_physical(records: list[EstimateRecord], problem: Problem | None = None, data: dict | None = None,
                           **options) -> list[EstimateRecord]:
    """Physical estimates of Grover search or attention records (``--physical`` of ``estimate
    grover|attention``): each circuit-model record is one Grover iterate (oracle + diffusion)
    repeated once per expected oracle call; a query-model record, which has no circuit, gets a
    note instead.

    Args:
        records: from ``estimate_grover``, ``estimate_attention``, ``grover_records`` or
            ``attention_records``.
        problem: the records' problem; default ``records.problem`` (set by the ``estimate_*``
            functions). ``data``: the oracle instance the records were built on, if any.
        options: ``architecture``, ``qec``, ``factory``, ``error_budget``, ``qubit_model`` as for
            :func:`attach_physical`.
    """
    problem = problem if problem is not None else getattr(records, "problem", None)
    if problem is None:
        raise QResourceError("attach_grover_physical needs the records' problem")
    unit = None
    for record in records:
        if record.logical is None:
            record.notes.append("no physical estimate in the query model (it has no circuit)")
            continue
        unit = unit or iterate_unit(problem, data)
        counts, bloq = unit
        attach_physical(record, physical=True, **options, unit=counts, repetitions=max(record.queries, 1),
                        unit_bloq=bloq)
    return records
