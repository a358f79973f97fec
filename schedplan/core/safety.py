"""The checks a pharmacist needs beside each dose: warnings that must be seen, and per-drug totals."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from pydantic import BaseModel, ConfigDict, Field

from schedplan.core.dosing import CalculatedDose
from schedplan.core.patient import Patient
from schedplan.core.protocol import EventKind, Protocol
from schedplan.core.units import Basis, Quantity, dose_display, fmt, percent_shown, quantize

if TYPE_CHECKING:  # schedule imports this module; core.policy: a plan without a site policy never loads it
    from schedplan.core.policy import SitePolicy
    from schedplan.core.schedule import PlannedEvent

BSA_HIGH = Decimal("2.2")
BSA_LOW = Decimal("0.3")
DEFAULT_OBESE_PERCENT_IBW = Decimal("120")
DEFAULT_OBESE_BMI = Decimal("30")
MEASURED_BSA_TOLERANCE = Decimal("10")  # % a measured BSA may differ from the formula's before a warning

HolidayLookup = Callable[[dt.date], "str | None"]
SATURDAY_SUNDAY = frozenset({5, 6})  # weekday() numbers; the weekend where no country is given


@dataclass(frozen=True)
class PublicCalendar:
    """A country's public holidays (date -> name) and its weekend days (weekday() numbers: Israel 4, 5)."""

    holiday: HolidayLookup
    weekend: frozenset[int] = SATURDAY_SUNDAY

    def __call__(self, day: dt.date) -> str | None:
        return self.holiday(day)


def weekend_days(holidays: HolidayLookup | None) -> frozenset[int]:
    """The weekend of the policy's country where the lookup knows it, else Saturday and Sunday."""
    return holidays.weekend if isinstance(holidays, PublicCalendar) else SATURDAY_SUNDAY


class PlanWarning(BaseModel):
    """Something a nurse or pharmacist must see: a code to act on, a message, and the event it concerns."""

    model_config = ConfigDict(frozen=True, defer_build=True)
    code: str
    message: str
    event_id: str | None = None
    date: dt.date | None = None


class DrugTotal(BaseModel):
    """The sum of one drug's doses over the plan, or over one cycle."""

    model_config = ConfigDict(frozen=True, defer_build=True)
    name: str
    cycle: int | None = Field(description="None: the whole plan")
    doses: int
    total: Decimal = Field(description="sum of the doses given, in `unit`")
    unit: Quantity
    calculated_total: Decimal = Field(description="sum of the calculated doses, before caps and rounding")
    prescribed_total: str = Field(description="sum as prescribed, e.g. '42 g/m2' or '10 mg/kg'")


_TotalKey = tuple[str, Quantity, str, int | None]  # drug, unit, prescribed unit, cycle (None: the whole plan)


def drug_totals(events: Iterable[PlannedEvent], cycles: bool) -> list[DrugTotal]:
    """Per drug (and product, and radiation): the whole plan, then each cycle for cycle protocols."""
    groups: dict[_TotalKey, list[CalculatedDose]] = {}
    for e in events:
        if e.dose is None:
            continue
        keys: list[_TotalKey] = [(e.name, e.dose.unit, e.dose.per_administration_unit, None)]
        if cycles and e.cycle is not None:
            keys.append((e.name, e.dose.unit, e.dose.per_administration_unit, e.cycle))
        for key in keys:
            groups.setdefault(key, []).append(e.dose)
    out = []
    for (name, unit, per_unit, cycle), doses in groups.items():
        prescribed = sum((d.per_administration_amount for d in doses), Decimal(0))
        out.append(
            DrugTotal(
                name=name,
                cycle=cycle,
                doses=len(doses),
                total=sum((d.value for d in doses), Decimal(0)),
                unit=unit,
                calculated_total=sum((d.calculated_value for d in doses), Decimal(0)),
                prescribed_total=f"{fmt(prescribed, 4)} {per_unit}",  # per_unit is already the display unit
            )
        )
    out.sort(key=lambda t: (t.name, -1 if t.cycle is None else t.cycle))
    return out


def is_obese(patient: Patient, policy: SitePolicy | None) -> str | None:
    """Why the patient counts as obese (actual > 120 % IBW or BMI >= 30, or the policy's thresholds), or None."""
    pct_limit = policy.obesity.percent_ibw if policy else DEFAULT_OBESE_PERCENT_IBW
    bmi_limit = policy.obesity.bmi if policy else DEFAULT_OBESE_BMI
    reasons = []
    pct = patient.percent_ibw_exact  # unrounded: 120.014 % is over 120 %
    if pct is not None and pct > pct_limit:
        reasons.append(f"actual weight {percent_shown(pct, pct_limit)}% of IBW (over {fmt(pct_limit)}%)")
    if patient.bmi >= bmi_limit:
        reasons.append(f"BMI {fmt(patient.bmi)} (>= {fmt(bmi_limit)})")
    return " and ".join(reasons) or None


_FACTOR_RULES = ("renal-reduced", "age")  # patient factors that acted on a dose: one warning per dose
_SAID_ONCE = ("dosing-weight-not-evaluated", "renal-not-evaluated", "age-not-given")  # one warning per drug


def safety_warnings(
    protocol: Protocol,
    patient: Patient,
    events: list[PlannedEvent],
    policy: SitePolicy | None,
    holidays: HolidayLookup | None,
    today: dt.date | None = None,
) -> list[PlanWarning]:
    """Warnings from the patient's size and measurements, the site policy's rules that acted, course sums
    and visit dates."""
    out: list[PlanWarning] = []
    bases: dict[str, set[Basis]] = {}
    for ev in protocol.events:
        if ev.dose is not None and ev.dose.unit.basis is not Basis.FLAT:
            bases.setdefault(ev.name, set()).add(ev.dose.unit.basis)
    served = [e.date for e in events if e.dose is not None and e.name in bases]
    out.extend(measurement_age_warnings(patient, policy, min(served, default=None), today))
    dosed = [e for e in events if e.dose is not None]
    obese = is_obese(patient, policy)
    if obese:
        for name in sorted({e.name for e in dosed if e.name in bases and e.kind is EventKind.DRUG}):
            rule = policy.weight_rule(name) if policy is not None else None
            if rule is None or not all(rule.acts_on(b) for b in bases[name]):
                out.append(
                    PlanWarning(
                        code="obesity-no-dosing-weight-rule",
                        message=f"{name}: no dosing-weight rule for an obese patient ({obese}); dosed on actual weight",
                        event_id=next(e.event_id for e in dosed if e.name == name),
                    )
                )
    bsa = patient.bsa_m2
    uncapped = sorted(
        {e.name for e in dosed if Basis.PER_M2 in bases.get(e.name, set())}
        - {n for n in bases if policy is not None and policy.bsa_cap_for(n) is not None}
    )
    if uncapped and (bsa > BSA_HIGH or bsa < BSA_LOW):
        out.append(
            PlanWarning(
                code="bsa-out-of-range",
                message=f"BSA {fmt(bsa)} m2 is"
                f" {'over ' + fmt(BSA_HIGH) if bsa > BSA_HIGH else 'under ' + fmt(BSA_LOW)} m2"
                f" and no BSA cap covers {', '.join(uncapped)}; check those per-m2 doses",
            )
        )
    if patient.measured_bsa_m2 is not None and any(Basis.PER_M2 in b for b in bases.values()):
        formula = patient.bsa_with_weight(patient.weight_kg)  # the formula's BSA for the same patient
        diff = (patient.measured_bsa_m2 - formula) / formula * 100
        if abs(diff) > MEASURED_BSA_TOLERANCE:
            out.append(
                PlanWarning(
                    code="measured-bsa-differs",
                    message=f"the measured BSA {fmt(patient.measured_bsa_m2)} m2 is {fmt(abs(diff), 0)}%"
                    f" {'above' if diff > 0 else 'below'} the {patient.bsa_formula.label} BSA for"
                    f" {fmt(patient.weight_kg)} kg and {fmt(patient.height_cm)} cm ({fmt(formula)} m2):"
                    " check the measurement and the weight and height",
                )
            )
    # a rule that could not be evaluated says the same for every dose of a drug: one warning names all its days,
    # so it does not bury the warnings that differ from dose to dose (a cap, a maximum) among repeats
    same: dict[tuple[str, str, str], list[PlannedEvent]] = {}
    for e, d in _with_doses(dosed):
        for action in d.rules:
            if action.rule in _SAID_ONCE:
                same.setdefault((action.rule, e.name, action.detail), []).append(e)
            elif action.rule in ("bsa-cap", "max-dose", "rounding-refused", *_FACTOR_RULES):
                out.append(
                    PlanWarning(
                        code=action.rule,
                        message=f"{e.name} {e.label}: {action.detail}",
                        event_id=e.event_id,
                        date=e.date,
                    )
                )
    for (code, name, detail), evs in same.items():
        labels = ", ".join(dict.fromkeys(e.label for e in evs))
        out.append(
            PlanWarning(
                code=code,
                message=f"{name} {labels}: {detail}",
                event_id=evs[0].event_id,
                date=evs[0].date if len(evs) == 1 else None,
            )
        )
    out.extend(_course_sums(protocol, dosed))
    weekend_of = weekend_days(holidays)
    for e in events:
        if not e.outpatient:
            continue
        holiday = holidays(e.date) if holidays else None
        weekend = e.date.weekday() in weekend_of
        if holiday or weekend:
            what = f"a public holiday ({holiday})" if holiday else e.date.strftime("a %A")
            out.append(
                PlanWarning(
                    code="outpatient-on-holiday" if holiday else "outpatient-on-weekend",
                    message=f"{e.name} ({e.label}, {e.date.isoformat()}) falls on {what}",
                    event_id=e.event_id,
                    date=e.date,
                )
            )
    return out


def measurement_age_warnings(
    patient: Patient, policy: SitePolicy | None, first_dose: dt.date | None, today: dt.date | None
) -> list[PlanWarning]:
    """Weight and height older than the policy allows, counted from today and from the first dose they
    serve (a weight or BSA dose); the older of the two counts.

    A weight measured today for conditioning 101 days away is 101 days old when it is used.
    """
    limit = policy.measurement_max_age_days if policy is not None else None
    if limit is None or (today is None and first_dose is None):
        return []
    if patient.measured_on is None:
        return [
            PlanWarning(
                code="measurement-date-unknown",
                message="the date weight and height were measured is not given; the site policy allows "
                f"measurements up to {limit} days old",
            )
        ]
    measured = patient.measured_on
    age_today = (today - measured).days if today is not None else None
    age_at_dose = (first_dose - measured).days if first_dose is not None else None
    if max(a for a in (age_today, age_at_dose) if a is not None) <= limit:
        return []
    said = []
    if age_today is not None:
        said.append(f"measured {age_today} days ago ({measured.isoformat()})")
    else:
        said.append(f"measured on {measured.isoformat()}")
    if first_dose is not None and age_at_dose is not None and (age_today is None or age_at_dose > age_today):
        said.append(f"{age_at_dose} days old on the first dose they serve ({first_dose.isoformat()})")
    return [
        PlanWarning(
            code="measurement-too-old",
            message=f"weight and height were {' and will be '.join(said)}; "
            f"the site policy allows {limit} days: measure again",
        )
    ]


def _with_doses(events: list[PlannedEvent]) -> list[tuple[PlannedEvent, CalculatedDose]]:
    return [(e, e.dose) for e in events if e.dose is not None]


def _course_sums(protocol: Protocol, dosed: list[PlannedEvent]) -> list[PlanWarning]:
    """A per-course dose whose days no longer add up to the course (a maximum or rounding acted)."""
    out = []
    courses: dict[tuple[str, int | None], list[tuple[PlannedEvent, CalculatedDose]]] = {}
    for e, d in _with_doses(dosed):
        ev = protocol.event(e.event_id)
        if ev is not None and ev.dose is not None and ev.dose.per.value == "course":
            courses.setdefault((e.event_id, e.cycle), []).append((e, d))
    for (event_id, cycle), pairs in courses.items():
        evs = [e for e, _ in pairs]
        doses = [d for _, d in pairs]
        given = sum((d.value for d in doses), Decimal(0))
        course = sum((d.exact_value for d in doses), Decimal(0))
        # each day is reported to its unit's precision; more than that between the two is a real change
        slack = sum((abs(d.calculated_value - d.exact_value) for d in doses), Decimal(0))
        if abs(given - course) > slack:
            unit = doses[0].unit
            where = f" in cycle {cycle}" if cycle is not None else ""
            out.append(
                PlanWarning(
                    code="course-does-not-add-up",
                    message=f"{evs[0].name}{where}: the {len(evs)} days add up to {dose_display(given, unit)}, "
                    f"the course is {dose_display(quantize(course, Decimal('0.01')), unit)} ({doses[0].prescribed})",
                    event_id=event_id,
                )
            )
    return out
