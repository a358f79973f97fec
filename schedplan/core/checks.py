"""Independent double check: the doses a checker must work out, the comparison, and whether a record still holds."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from decimal import Decimal
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from schedplan.core.model import Model
from schedplan.core.plan_inputs import PlanInputs
from schedplan.core.policy import SitePolicy
from schedplan.core.schedule import Plan
from schedplan.core.units import Basis, Quantity, fmt, quantize


class DoseToCheck(BaseModel):
    """One dose a checker works out: the same event, at the same dose, on one or more days."""

    model_config = ConfigDict(frozen=True)
    id: str = Field(description="stable within a plan: the event id and the first day's key")
    name: str
    days: list[str] = Field(description="day labels, e.g. ['Day -14', 'Day -13']")
    prescribed: str
    per_administration: str
    share: str | None = Field(default=None, description="this day's part of a course, e.g. '2/3 of the course'")
    basis_kind: str = Field(
        description="what to scale by, without our number: 'BSA (Mosteller)', 'actual weight', 'flat'"
    )
    unit: str
    policy_rules: list[str] = Field(default_factory=list, description="the site rules for this drug, not their result")
    value: Decimal = Field(description="ours: shown only after the checker's answer")


class CheckResult(BaseModel):
    model_config = ConfigDict(frozen=True)
    dose: DoseToCheck
    entered: Decimal
    difference_percent: Decimal
    match: bool


class CheckedDose(Model):
    """One dose of a recorded double check: the checker's number against ours."""

    id: str
    name: str
    entered: Decimal
    ours: Decimal
    unit: str
    match: bool


class CheckRecord(Model):
    """One independent double check, as a plan file's append-only ``checks`` list keeps it."""

    checker: str = Field(min_length=1)
    at: str = Field(description="when, UTC: YYYY-MM-DDTHH:MM:SSZ")
    result: Literal["pass", "fail"]
    summary: str
    tolerance_percent: Decimal
    doses: tuple[CheckedDose, ...]
    protocol_sha256: str | None
    policy_sha256: str | None
    inputs_sha256: str

    def to_data(self) -> dict[str, Any]:
        """The record as JSON data (decimals as Decimal), keys in the order plan files keep them."""
        return self.model_dump()


def policy_rules(policy: SitePolicy | None, drug: str, unit: str, basis: Basis | None = None) -> list[str]:
    """The site rules a checker must apply to ``drug`` (maximum dose, rounding), as text without results."""
    if policy is None:
        return []
    out = []
    rule = policy.weight_rule(drug)
    if rule is not None and basis is not None and not rule.acts_on(basis):
        rule = None
    if rule is not None:
        weight = rule.weight.value.replace("_", " ") + (
            f" ({fmt(rule.adjusted_factor)} x the excess)" if rule.weight.value == "adjusted" else ""
        )
        when = f" when actual weight is over {fmt(rule.over_percent_ibw)}% of IBW" if rule.over_percent_ibw else ""
        out.append(f"dosing weight: {weight}{when}")
    cap = policy.bsa_cap_for(drug)
    if cap is not None:
        out.append(f"BSA capped at {fmt(cap)} m2")
    q = Quantity(unit) if unit in {x.value for x in Quantity} else None
    most = policy.max_dose_for(drug, q) if q else None
    if most is not None and q is not None:
        out.append(f"maximum single dose {fmt(most)} {q.word}")
    rounding = policy.rounding_for(drug, q) if q else None
    if rounding is not None and q is not None:
        to, limit = rounding
        out.append(
            f"round to the nearest {fmt(to)} {q.word} (never above a maximum) unless that changes the dose by"
            f" more than {fmt(limit)}%"
        )
    return out


def _basis(per_administration_unit: str) -> Basis:
    if per_administration_unit.endswith("/m2"):
        return Basis.PER_M2
    return Basis.PER_KG if per_administration_unit.endswith("/kg") else Basis.FLAT


def doses_to_check(plan: Plan, policy: SitePolicy | None = None) -> list[DoseToCheck]:
    """Each distinct calculated dose of the plan once, in plan order, with what it is calculated from."""
    groups: dict[tuple[Any, ...], dict[str, Any]] = {}
    for e in plan.events:
        if e.dose is None:
            continue
        d = e.dose
        key = (e.event_id, d.value, d.unit, d.per_administration)
        if key not in groups:
            groups[key] = {
                "id": f"{e.event_id}@{e.key}",
                "name": e.name,
                "days": [],
                "prescribed": d.prescribed,
                "per_administration": d.per_administration,
                "basis_kind": d.scaled_by,
                "unit": d.unit,
                "policy_rules": policy_rules(policy, e.name, d.unit, _basis(d.per_administration_unit)),
                "share": d.share,
                "value": d.value,
            }
        groups[key]["days"].append(e.label)
    return [DoseToCheck(**g) for g in groups.values()]


def compare(dose: DoseToCheck, entered: Decimal, tolerance_percent: Decimal) -> CheckResult:
    """The checker's number against ours: a match when within ``tolerance_percent`` of ours.

    With a tolerance of 0, the checker's number is first reported to the same precision as ours
    (so 73.80 matches 73.8, and 73.84 does not).
    """
    ours = dose.value
    if not entered.is_finite() or abs(entered) > abs(ours) * 1000 + 1:
        # far off (or a typo of a thousand times): a mismatch, without arithmetic that could overflow
        return CheckResult(dose=dose, entered=entered, difference_percent=Decimal("99999.99"), match=False)
    if tolerance_percent == 0:
        exponent = ours.as_tuple().exponent
        step = Decimal(1).scaleb(min(exponent, 0) if isinstance(exponent, int) else 0)
        match = quantize(entered, step) == ours
    else:
        match = abs(entered - ours) <= abs(ours) * tolerance_percent / 100
    diff = Decimal(0) if ours == 0 else quantize((entered - ours) / ours * 100, Decimal("0.01"))
    return CheckResult(dose=dose, entered=entered, difference_percent=diff, match=match)


def inputs_sha256(inputs: PlanInputs) -> str:
    """A hash of everything the user typed for the plan (measurements, choices, dates, site)."""
    i = inputs
    data = {
        "weight": i.weight, "height": i.height, "sex": i.sex, "bsa_formula": i.bsa_formula, "bsa": i.bsa,
        "anchor_date": i.anchor_date, "choices": dict(sorted(i.choices.items())), "site": i.site,
        "measured_on": i.measured_on,
        **i.factor_data(),  # only those given, so the hash of a plan without them is unchanged
    }
    return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()


def check_record(
    checker: str,
    results: list[CheckResult],
    *,
    tolerance_percent: Decimal,
    protocol_sha256: str | None,
    policy_sha256: str | None,
    inputs_sha256: str,
    at: dt.datetime,
) -> CheckRecord:
    """The record of one double check, as a plan file's append-only ``checks`` list keeps it."""
    ok = all(r.match for r in results)
    return CheckRecord(
        checker=checker,
        at=at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        result="pass" if ok else "fail",
        summary=summary(results),
        tolerance_percent=tolerance_percent,
        doses=tuple(
            CheckedDose(
                id=r.dose.id, name=r.dose.name, entered=r.entered, ours=r.dose.value, unit=r.dose.unit, match=r.match
            )
            for r in results
        ),
        protocol_sha256=protocol_sha256,
        policy_sha256=policy_sha256,
        inputs_sha256=inputs_sha256,
    )


def invalid_reasons(
    record: CheckRecord, *, protocol_sha256: str | None, policy_sha256: str | None, inputs_sha256: str
) -> list[str]:
    """Why a recorded double check no longer holds for the plan as it is now (empty: it still holds)."""
    out = []
    if record.protocol_sha256 != protocol_sha256:
        out.append("the protocol file changed")
    if record.policy_sha256 != policy_sha256:
        both = record.policy_sha256 and policy_sha256
        out.append("the site policy changed" if both else "the site policy is not the same one")
    if record.inputs_sha256 != inputs_sha256:
        out.append("the patient's inputs or the choices changed")
    return out


def summary(results: list[CheckResult]) -> str:
    bad = [r for r in results if not r.match]
    if not bad:
        return f"all {len(results)} doses match"
    return f"{len(bad)} of {len(results)} doses do not match: " + ", ".join(
        f"{r.dose.name} ({fmt(r.entered)} vs {fmt(r.dose.value)} {r.dose.unit})" for r in bad
    )
