"""A plan as the JSON contract of `schedplan plan --format json`: decimals written as exact JSON numbers.

Each event is one administration: ``time`` ("HH:MM" or null), ``administration`` ({"n", "of"} or null when it
is the only one), ``source_of_time`` ("protocol", "site" or null); with a zone (``--tz``) also ``start`` and
``end``, ISO datetimes with the offset (``end`` null where the duration is not stated).
"""

from __future__ import annotations

from typing import Any

from schedplan.core.dosing import CalculatedDose
from schedplan.core.jsontext import dumps
from schedplan.core.schedule import Plan, PlannedEvent
from schedplan.export.clock import clock_warning, event_moments, interval_warnings

__all__ = ["dumps", "dose_dict", "event_dict", "plan_dict", "render"]


def dose_dict(dose: CalculatedDose | None) -> dict[str, Any] | None:
    if dose is None:
        return None
    return {
        "value": dose.value,
        "unit": dose.unit.value,
        "prescribed": dose.prescribed,
        "per_administration": dose.per_administration,
        "basis": dose.basis,
        "calculation": dose.calculation,
        "calculated_value": dose.calculated_value,
        "change_percent": dose.change_percent,
        "rules": [{"rule": r.rule, "detail": r.detail} for r in dose.rules],
    }


def event_dict(e: PlannedEvent, tz: str | None = None) -> dict[str, Any]:
    """One administration; with ``tz`` its ``start`` and ``end`` in that zone."""
    out = _event_fields(e)
    if tz is not None:
        start, end, _ = event_moments(e, tz)
        out["start"] = start.isoformat() if start else None
        out["end"] = end.isoformat() if end else None
    return out


def _event_fields(e: PlannedEvent) -> dict[str, Any]:
    return {
        "date": e.date.isoformat(),
        "day": e.day,
        "cycle": e.cycle,
        "label": e.label,
        "kind": e.kind.value,
        "name": e.name,
        "route": e.route,
        "route_note": e.route_note,
        "duration_minutes": e.duration_minutes,
        "dose": dose_dict(e.dose),
        "dose_note": e.dose_note,
        "premedication_for": e.premedication_for,
        "approximate_day": e.approximate_day,
        "notes": e.notes,
        "event_id": e.event_id,
        "key": e.key,
        "assumed": dict(e.assumed),
        "frequency": "not_stated" if e.frequency else None,
        "frequency_note": e.frequency,
        "overrides": [o.model_dump() for o in e.overrides],
        "time": f"{e.time:%H:%M}" if e.time is not None else None,
        "administration": {"n": e.administration, "of": e.administrations} if e.administrations else None,
        "source_of_time": e.source_of_time,
    }


def _factors(plan: Plan) -> dict[str, Any]:
    """Age and renal function, only where given (a plan without them has the keys it always had)."""
    out: dict[str, Any] = {}
    if plan.age is not None and plan.birth_date is not None:
        out |= {
            "birth_date": plan.birth_date.isoformat(),
            "age_years": plan.age,
            "age_years_last_day": plan.age_last_day,
            "child": plan.age < plan.adult_from,
            "age_text": plan.age_text,
        }
    if plan.renal is not None:
        out["renal_function"] = plan.renal
        out["renal_value"] = plan.renal_value
    return out


def clock_warnings(plan: Plan, tz: str) -> list[dict[str, str | None]]:
    """A warning for each administration at a time the clocks skip or repeat in ``tz``, saying what was done."""
    out: list[dict[str, str | None]] = []
    for e in plan.events:
        note = event_moments(e, tz)[2]
        if note is not None:
            out.append(
                {
                    "code": "clock-change",
                    "message": clock_warning(e, note),
                    "event_id": e.event_id,
                    "date": e.date.isoformat(),
                }
            )
    out.extend(
        {"code": "clock-change-interval", "message": m, "event_id": None, "date": None}
        for m in interval_warnings(plan.events, tz)
    )
    return out


def plan_dict(plan: Plan, *, policy_path: str | None = None, tz: str | None = None) -> dict[str, Any]:
    """The plan as plain data, in the documented shape; with ``policy_path``, ``policy.path`` names the policy's file;
    with ``tz`` (an IANA zone, checked by the caller) each event's ``start`` and ``end`` in it."""
    p = plan.patient
    return {
        "protocol": {
            "id": plan.protocol.id,
            "title": plan.protocol.title,
            "version": plan.protocol.version,
            "sha256": plan.protocol.sha256,
        },
        "patient": {
            "weight_kg": p.weight_kg,
            "height_cm": p.height_cm,
            "sex": p.sex.value if p.sex else None,
            "bsa_m2": p.bsa_m2,
            "bsa_formula": "measured" if p.measured_bsa_m2 is not None else p.bsa_formula.value,
            "ibw_kg": p.ibw_kg,
            "adjbw_kg": p.adjbw_kg,
            "weight_entered": p.weight_entered,
            "height_entered": p.height_entered,
            "measured_on": p.measured_on.isoformat() if p.measured_on else None,
            "bmi": p.bmi,
            **_factors(plan),
        },
        "policy": None
        if plan.policy is None
        else {
            "name": plan.policy.name,
            "version": plan.policy.version,
            "example": plan.policy.example,
            "sha256": plan.policy.sha256,
            **({"path": policy_path} if policy_path is not None else {}),  # saved plans compare without it
        },
        "anchor_type": plan.anchor_type,
        "anchor_event": plan.anchor_event,
        "anchor_date": plan.anchor_date.isoformat(),
        "choices": dict(plan.choices),
        "events": [event_dict(e, tz) for e in plan.events],
        "warnings": [
            {
                "code": w.code,
                "message": w.message,
                "event_id": w.event_id,
                "date": w.date.isoformat() if w.date else None,
            }
            for w in plan.warnings
        ]
        + (clock_warnings(plan, tz) if tz is not None else []),
        "totals": [
            {
                "name": t.name,
                "cycle": t.cycle,
                "doses": t.doses,
                "total": t.total,
                "unit": t.unit.value,
                "calculated_total": t.calculated_total,
                "prescribed_total": t.prescribed_total,
            }
            for t in plan.totals
        ],
        "notes": list(plan.notes),
        **_eligibility(plan),
    }


def _eligibility(plan: Plan) -> dict[str, Any]:
    """Each of the record's eligibility criteria with what it came to (only for a protocol that states some)."""
    if not plan.eligibility:
        return {}
    return {
        "eligibility": [
            {
                "criterion": f.criterion_id,
                "status": f.status.value,
                "detail": f.detail,
                "quote": f.quote,
                "exception": f.exception,
            }
            for f in plan.eligibility
        ]
    }


def render(plan: Plan, *, policy_path: str | None = None, tz: str | None = None) -> str:
    return dumps(plan_dict(plan, policy_path=policy_path, tz=tz)) + "\n"
