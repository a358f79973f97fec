"""A plan as the JSON contract of `schedplan plan --format json`: decimals written as exact JSON numbers."""

from __future__ import annotations

from typing import Any

from schedplan.core.dosing import CalculatedDose
from schedplan.core.jsontext import dumps
from schedplan.core.schedule import Plan, PlannedEvent

__all__ = ["dumps", "dose_dict", "event_dict", "plan_dict", "render"]


def dose_dict(dose: CalculatedDose | None) -> dict[str, Any] | None:
    if dose is None:
        return None
    return {
        "value": dose.value,
        "unit": dose.unit,
        "prescribed": dose.prescribed,
        "per_administration": dose.per_administration,
        "basis": dose.basis,
        "calculation": dose.calculation,
        "calculated_value": dose.calculated_value,
        "change_percent": dose.change_percent,
        "rules": [{"rule": r.rule, "detail": r.detail} for r in dose.rules],
    }


def event_dict(e: PlannedEvent) -> dict[str, Any]:
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


def plan_dict(plan: Plan, *, policy_path: str | None = None) -> dict[str, Any]:
    """The plan as plain data, in the documented shape; with ``policy_path``, ``policy.path`` names the policy's file."""
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
        "events": [event_dict(e) for e in plan.events],
        "warnings": [
            {
                "code": w.code,
                "message": w.message,
                "event_id": w.event_id,
                "date": w.date.isoformat() if w.date else None,
            }
            for w in plan.warnings
        ],
        "totals": [
            {
                "name": t.name,
                "cycle": t.cycle,
                "doses": t.doses,
                "total": t.total,
                "unit": t.unit,
                "calculated_total": t.calculated_total,
                "prescribed_total": t.prescribed_total,
            }
            for t in plan.totals
        ],
        "notes": list(plan.notes),
    }


def render(plan: Plan, *, policy_path: str | None = None) -> str:
    return dumps(plan_dict(plan, policy_path=policy_path)) + "\n"
