"""Physical estimates of QLACI records: one shot repeated once per circuit execution of the head
(``estimate qlaci --physical``). Apart from :mod:`qresource.report.physical_options` because a
shot's bloq needs the rotation synthesis, which no other command imports."""

from __future__ import annotations

from qresource.core.record import EstimateRecord
from qresource.qlaci.build import build_shot, plan
from qresource.qlaci.params import QlaciParams
from qresource.qlaci.reference import random_angles
from qresource.report.physical_options import attach_physical


def attach_qlaci_physical(record: EstimateRecord, params: QlaciParams, seed: int | None = None,
                          **options) -> EstimateRecord:
    """Physical estimate of a QLACI record (``estimate qlaci --physical``): one shot, as the
    record counts it, repeated once per circuit execution of the head (N queries x shots per
    query). ``params`` and ``seed`` are those the record was estimated with (``seed``: the
    shot's random angles, synthesised exactly); ``options`` as for :func:`attach_physical`."""
    executions = record.shots["per_head"]["circuit_executions"]
    plan_ = plan(params)
    angles = random_angles(plan_.params, seed) if seed is not None else None
    attach_physical(record, physical=True, **options, unit=record.logical, repetitions=executions,
                    unit_bloq=build_shot(plan_, angles))
    record.notes.append(f"physical: one shot repeated {executions} times (N queries x shots per query)")
    return record
