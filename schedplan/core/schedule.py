"""Protocol + patient + anchor date + choices -> a dated, calculated, day-by-day schedule."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from decimal import Decimal
from fractions import Fraction
from typing import TYPE_CHECKING

from pydantic import BaseModel, ConfigDict, Field

from schedplan.core.administrations import Slot, divided_over, slots_for
from schedplan.core.choices import ChoiceValue, resolve_choices
from schedplan.core.dates import as_pendulum, day_label
from schedplan.core.dosing import CalculatedDose, calculate
from schedplan.core.dosing_renal import RenalValue, adult_from, renal_breaches, renal_value
from schedplan.core.eligibility import Finding, Status
from schedplan.core.eligibility import evaluate as evaluate_eligibility
from schedplan.core.factors import Measure, PatientFactors
from schedplan.core.limits import Override, apply_overrides, limit_breaches
from schedplan.core.marks import event_assumed, frequency_note, mark_warnings, protocol_mark_warnings
from schedplan.core.patient import Patient
from schedplan.core.protocol import (
    CYCLE_KEY_RE,
    ByChoice,
    ChoiceRef,
    Event,
    EventKind,
    Protocol,
    When,
)
from schedplan.core.safety import DrugTotal, HolidayLookup, PlanWarning, drug_totals, safety_warnings
from schedplan.errors import ChoiceError, Problem, ProtocolInvalid

if TYPE_CHECKING:  # a plan without a site policy never loads core.policy (start-up, issue 8)
    from schedplan.core.policy import SitePolicy

__all__ = ["Plan", "PlannedEvent", "PlanWarning", "PolicyInfo", "ProtocolInfo", "plan", "resolve_choices"]


class ProtocolInfo(BaseModel):
    model_config = ConfigDict(frozen=True, defer_build=True)
    id: str
    title: str
    version: str
    sha256: str | None = Field(default=None, description="of the protocol file, when it came from one")


class PlannedEvent(BaseModel):
    """One dated occurrence of a protocol event."""

    model_config = ConfigDict(frozen=True, defer_build=True)
    key: str = Field(description="stable place in the protocol: event id, cycle and occurrence; never the date")
    event_id: str
    date: dt.date
    day: int = Field(description="day relative to day 0, or the day within the cycle")
    cycle: int | None
    label: str = Field(description="'Day -4' or 'C2 D8'")
    kind: EventKind
    name: str
    route: str | None
    route_note: str | None = None
    duration_minutes: int | None
    dose: CalculatedDose | None
    dose_note: str | None = None
    premedication_for: str | None = None
    approximate_day: bool = False
    outpatient: bool = False
    notes: str | None = None
    assumed: dict[str, str] = Field(
        default_factory=dict, description="field -> why: values that are the protocol's reading, not the record's"
    )
    frequency: str | None = Field(
        default=None, description="set when the dose is a daily total whose frequency the record does not state"
    )
    overrides: list[Override] = Field(default_factory=list, description="limits passed by the user, with the reason")
    time: dt.time | None = Field(default=None, description="the clock time of this administration; None: all-day")
    administration: int | None = Field(
        default=None, description="n of `administrations` within the day or the `every` series; None: the only one"
    )
    administrations: int | None = Field(default=None, description="m: how many that day or series (more than 1)")
    source_of_time: str | None = Field(
        default=None, description="'protocol', 'site' (the site policy's default time), or None (no time)"
    )


class PolicyInfo(BaseModel):
    """The site policy a plan was calculated under."""

    model_config = ConfigDict(frozen=True, defer_build=True)
    name: str
    version: str
    example: bool
    sha256: str | None = None


class Plan(BaseModel):
    """The calculated schedule and everything it was calculated from."""

    model_config = ConfigDict(frozen=True, defer_build=True)
    protocol: ProtocolInfo
    anchor_type: str
    anchor_event: str
    cycle_days: int | None = Field(default=None, description="cycle protocols: the cycle length")
    policy: PolicyInfo | None = Field(default=None, description="None: no site policy, the protocol's doses exactly")
    patient: Patient
    anchor_date: dt.date
    choices: dict[str, ChoiceValue]
    events: list[PlannedEvent]
    warnings: list[PlanWarning]
    totals: list[DrugTotal] = Field(default_factory=list, description="per drug: the whole plan, then each cycle")
    notes: list[str] = Field(default_factory=list, description="the protocol's notes (what is not on a day)")
    birth_date: dt.date | None = Field(default=None, description="given: age is counted on each dose date")
    age: int | None = Field(default=None, description="whole years on the plan's first day")
    age_last_day: int | None = Field(default=None, description="on the last day, when a birthday falls in the plan")
    adult_from: int = Field(default=18, description="the age from which the patient counts as an adult")
    renal: str | None = Field(
        default=None, description="the renal function the site's renal rules used (first day), with its calculation"
    )
    renal_value: Decimal | None = Field(default=None, description="its number (mL/min, or mL/min/1.73 m2 for eGFR)")
    eligibility: list[Finding] = Field(
        default_factory=list, description="each eligibility criterion of the record: met, not met or not checked"
    )

    @property
    def age_text(self) -> str | None:
        """'56 years (an adult) on 2027-03-10, the first day (born 1970-05-01)', or None without a birth date."""
        if self.age is None or self.birth_date is None:
            return None
        first = min((e.date for e in self.events), default=self.anchor_date)
        who = "a child" if self.age < self.adult_from else "an adult"
        text = f"{self.age} years ({who}) on {first.isoformat()}, the first day (born {self.birth_date.isoformat()})"
        if self.age_last_day is not None and self.age_last_day != self.age:
            text += f"; {self.age_last_day} years by the last day"
        return text


# --- days ----------------------------------------------------------------------------------------


def _chosen_whole(protocol: Protocol, choices: Mapping[str, ChoiceValue], key: str, what: str) -> int:
    """The whole number chosen for ``key``; a choice the protocol marks optional and left unset is asked for
    (a day or a cycle count is never invented)."""
    value = choices[key]
    if value is None:
        accepted = next((c.accepted() for c in protocol.choices if c.key == key), "a whole number")
        raise ChoiceError(
            f"{what} comes from {key}, which is not set: give it with --set {key}=N ({accepted})", key=key
        )
    return int(value)


def _cycle_count(protocol: Protocol, choices: Mapping[str, ChoiceValue]) -> int:
    n = protocol.anchor.cycles
    if isinstance(n, ChoiceRef):
        return _chosen_whole(protocol, choices, n.choice, "the number of cycles")
    assert isinstance(n, int)
    return n


def _when_days(protocol: Protocol, when: When, cycle: int | None, choices: Mapping[str, ChoiceValue]) -> list[int]:
    if when.same_as is not None:
        target = protocol.event(when.same_as)
        assert target is not None  # checked when the protocol was validated
        return _when_days(protocol, target.when, cycle, choices)
    if isinstance(when.day, ChoiceRef):
        return [_chosen_whole(protocol, choices, when.day.choice, "a day of the schedule")]
    if when.by_cycle is not None:
        assert cycle is not None
        if str(cycle) in when.by_cycle:
            return _when_days(protocol, when.by_cycle[str(cycle)], cycle, choices)
        open_from = [(int(m.group(1)), k) for k in when.by_cycle if (m := CYCLE_KEY_RE.match(k)) and m.group(2)]
        for start, key in open_from:
            if cycle >= start:
                return _when_days(protocol, when.by_cycle[key], cycle, choices)
        return []
    days = when.literal_days()
    assert days is not None
    return sorted(days)


def _applies(event: Event, choices: Mapping[str, ChoiceValue]) -> bool:
    for key, want in (event.only_if or {}).items():
        allowed = want if isinstance(want, list) else [want]
        if choices.get(key) not in allowed:
            return False
    return True


def _amount(event: Event, choices: Mapping[str, ChoiceValue]) -> Decimal | None:
    assert event.dose is not None
    amt = event.dose.amount
    if isinstance(amt, ChoiceRef):
        value = choices.get(amt.choice)
        return None if value is None else Decimal(value)
    if isinstance(amt, ByChoice):
        return amt.values[str(choices[amt.by])]
    return amt


# --- the plan ------------------------------------------------------------------------------------


def plan(
    protocol: Protocol,
    patient: Patient,
    anchor_date: dt.date,
    choices: Mapping[str, str] | None = None,
    *,
    sha256: str | None = None,
    policy: SitePolicy | None = None,
    policy_sha256: str | None = None,
    holidays: HolidayLookup | None = None,
    today: dt.date | None = None,
    factors: PatientFactors | None = None,
    overrides: Mapping[str, str] | None = None,
    policy_file: str | None = None,
) -> Plan:
    """Calculate the dated schedule. ``anchor_date`` is day 0, or cycle 1 day 1 for cycle protocols.

    ``policy`` is the site's dosing policy (None: none of its rules); ``holidays`` names the public
    holiday on a date, for the outpatient-visit check; ``today`` dates the measurement-age check.
    ``factors`` (birth date, creatinine, ALT ...): the protocol's eligibility criteria are checked against them
    and each criterion not met or not checked is a warning; None (not even empty factors) skips the check.
    ``overrides`` maps a limit's code to the user's reason: a limit the plan is outside of stops it
    (InputError) unless overridden here, and an override is recorded with each dose it concerns.
    ``policy_file`` names the policy's file in such a stop line (never in the plan).
    """
    resolved, warnings = resolve_choices(protocol, choices or {})
    anchor = as_pendulum(anchor_date)
    cycles: list[int | None] = list(range(1, _cycle_count(protocol, resolved) + 1)) if protocol.is_cycles else [None]
    cycle_days = protocol.anchor.cycle_days or 0
    order = {e.id: i for i, e in enumerate(protocol.events)}

    renal_on = _renal_lookup(factors, patient, policy)

    def occurs(event: Event, cycle: int | None) -> list[int]:
        if not _applies(event, resolved):
            return []
        days = _when_days(protocol, event.when, cycle, resolved)
        return days[:1] if event.every is not None else days

    slots = slots_for(protocol, policy, occurs)
    rows: list[tuple[tuple[int, int, int, int, int, int], PlannedEvent]] = []
    for event in protocol.events:
        if not _applies(event, resolved):
            continue
        amount = _amount(event, resolved) if event.dose is not None else None
        assumed = event_assumed(protocol, event, patient)
        untimed_why: set[str] = set()
        for cycle in cycles:
            days = occurs(event, cycle)
            for n, day in enumerate(days):
                day_slots, why = slots(event.id, cycle, day)
                if why is not None:
                    untimed_why.add(why)
                administrations, whole_course = divided_over(event, day_slots)
                dose: CalculatedDose | None = None
                dose_note = event.dose_note
                if event.dose is not None and amount is not None:
                    split = event.dose.split
                    if split and len(split) != len(days):  # semantic_problems refuses this; never guess
                        raise ProtocolInvalid(
                            problems=[
                                Problem(message=f"{event.id}: split has {len(split)} fractions for {len(days)} days")
                            ],
                            source=protocol.id,
                        )
                    date = anchor + dt.timedelta(days=day if cycle is None else (cycle - 1) * cycle_days + (day - 1))
                    dose = calculate(
                        event.dose,
                        amount,
                        patient,
                        course_days=1 if whole_course else len(days),
                        fraction=Fraction(split[n]) if split else None,
                        policy=policy,
                        drug=event.name,
                        renal=renal_on(date),
                        age=factors.age_on(date) if factors is not None else None,
                        administrations=administrations,
                    )
                elif event.dose is not None:
                    dose_note = event.dose_note or "dose not stated"
                key = event.id + (f"/c{cycle}" if cycle is not None else "") + f"/{n + 1}"
                rank = order[event.premedication_for] if event.premedication_for else order[event.id]
                for slot in day_slots:
                    rows.append(
                        _row(
                            event,
                            slot,
                            key,
                            day,
                            cycle,
                            anchor,
                            cycle_days,
                            rank,
                            order[event.id],
                            dose,
                            dose_note,
                            assumed,
                        )
                    )
        warnings.extend(_event_warnings(event, amount))
        warnings.extend(_time_warnings(protocol, event, untimed_why))
        warnings.extend(mark_warnings(protocol, event))
    warnings.extend(protocol_mark_warnings(protocol, patient))
    warnings.extend(_patient_warnings(protocol, patient))
    eligibility = _eligibility(protocol, patient, factors, min((r[1].date for r in rows), default=anchor))
    warnings.extend(eligibility_warnings(eligibility))
    rows.sort(key=lambda r: r[0])
    planned = [r[1] for r in rows]
    events, overridden = apply_overrides(
        planned,
        limit_breaches(protocol, planned, patient, policy, policy_file) + renal_breaches(planned),
        overrides or {},
    )
    warnings[:0] = overridden
    # what a pharmacist must see comes first
    warnings[:0] = safety_warnings(protocol, patient, events, policy, holidays, today)
    return Plan(
        protocol=ProtocolInfo(id=protocol.id, title=protocol.title, version=protocol.version, sha256=sha256),
        anchor_type=protocol.anchor.type.value,
        anchor_event=protocol.anchor.event,
        cycle_days=protocol.anchor.cycle_days,
        policy=None
        if policy is None
        else PolicyInfo(name=policy.name, version=policy.version, example=policy.example, sha256=policy_sha256),
        patient=patient,
        anchor_date=anchor,
        choices=resolved,
        events=events,
        warnings=warnings,
        totals=drug_totals(events, protocol.is_cycles),
        notes=list(protocol.notes),
        eligibility=eligibility,
        **_factor_fields(factors, policy, events, anchor, renal_on),
    )


def _renal_lookup(
    factors: PatientFactors | None, patient: Patient, policy: SitePolicy | None
) -> Callable[[dt.date], RenalValue | None]:
    """The renal function on a dose date, where the site policy has renal rules (the same age: calculated once)."""
    found: dict[int | None, RenalValue] = {}

    def on(day: dt.date) -> RenalValue | None:
        measured = factors is not None and factors.get(Measure.CREATININE_CLEARANCE) is not None
        if not measured and (policy is None or (not policy.renal and policy.renal_function is None)):
            return None
        age = factors.age_on(day) if factors is not None else None
        if age not in found:
            found[age] = renal_value(factors, patient, policy, day)
        return found[age]

    return on


def _factor_fields(
    factors: PatientFactors | None,
    policy: SitePolicy | None,
    events: list[PlannedEvent],
    anchor: dt.date,
    renal_on: Callable[[dt.date], RenalValue | None],
) -> dict[str, object]:
    """The plan header's age and renal function, only where given (a plan without them reads as before)."""
    out: dict[str, object] = {}
    first = min((e.date for e in events), default=anchor)
    last = max((e.date for e in events), default=anchor)
    if factors is not None and factors.birth_date is not None:
        out |= {
            "birth_date": factors.birth_date,
            "age": factors.age_on(first),
            "age_last_day": factors.age_on(last),
            "adult_from": adult_from(policy),
        }
    renal = renal_on(first)
    if renal is not None:
        out["renal"], out["renal_value"] = renal.shown, renal.value
    return out


def _row(
    event: Event,
    slot: Slot,
    key: str,
    day: int,
    cycle: int | None,
    anchor: dt.date,
    cycle_days: int,
    rank: int,
    place: int,
    dose: CalculatedDose | None,
    dose_note: str | None,
    assumed: dict[str, str],
) -> tuple[tuple[int, int, int, int, int, int], PlannedEvent]:
    """One administration as a dated row, with its sort key: the day, the time (untimed first), the drug a
    premedication is for, premedications before it, the protocol's order, the administration."""
    day += slot.offset_days
    offset = day if cycle is None else (cycle - 1) * cycle_days + (day - 1)
    minutes = -1 if slot.time is None else slot.time.hour * 60 + slot.time.minute
    several = slot.of > 1
    return (
        (offset, minutes, rank, 0 if event.premedication_for else 1, place, slot.n),
        PlannedEvent(
            key=f"{key}/a{slot.n}" if several else key,
            event_id=event.id,
            date=anchor + dt.timedelta(days=offset),
            day=day,
            cycle=cycle,
            label=day_label(day, cycle),
            kind=event.kind,
            name=event.name,
            route=event.route_text(),
            route_note=event.route_note,
            duration_minutes=event.duration_minutes,
            dose=dose,
            dose_note=dose_note,
            premedication_for=event.premedication_for,
            outpatient=event.outpatient,
            approximate_day=event.approximate_day is True
            or (isinstance(event.approximate_day, list) and day in event.approximate_day),
            notes=event.notes,
            assumed=assumed,
            frequency=frequency_note(event),
            time=slot.time,
            administration=slot.n if several else None,
            administrations=slot.of if several else None,
            source_of_time=slot.source,
        ),
    )


def _time_warnings(protocol: Protocol, event: Event, why: set[str]) -> list[PlanWarning]:
    """An event timed from another that could not be given a time: what the record or the site must state."""
    out = []
    if "lead-not-stated" in why and event.relative_to is not None:
        out.append(
            PlanWarning(
                code="time-not-stated",
                message=f"{event.name}: the time before {event.relative_to.event} is not stated in the protocol - left"
                " all-day; the site policy's default_times premedication_lead_minutes gives one",
                event_id=event.id,
            )
        )
    if "duration-not-stated" in why and event.after is not None:
        out.append(
            PlanWarning(
                code="time-not-stated",
                message=f"{event.name}: starts after {event.after}, whose duration is not stated - left all-day",
                event_id=event.id,
            )
        )
    return out


def _event_warnings(event: Event, amount: Decimal | None) -> list[PlanWarning]:
    out = []
    if event.dose is not None and amount is None:
        assert isinstance(event.dose.amount, ChoiceRef)  # only an optional parameter left unset gives no amount
        out.append(
            PlanWarning(
                code="dose-not-set",
                message=f"{event.name}: no dose calculated ({event.dose_note or 'not stated'}) - the source gives"
                f" none; --set {event.dose.amount.choice}=... calculates one",
                event_id=event.id,
            )
        )
    elif event.dose is None and event.kind in (EventKind.DRUG, EventKind.RADIATION, EventKind.CELL_PRODUCT):
        out.append(
            PlanWarning(
                code="dose-not-stated",
                message=f"{event.name}: no calculated dose ({event.dose_note or 'not stated'})",
                event_id=event.id,
            )
        )
    if event.kind in (EventKind.DRUG, EventKind.CELL_PRODUCT) and not event.routes:
        out.append(
            PlanWarning(
                code="route-not-stated",
                message=f"{event.name}: the source does not state the route",
                event_id=event.id,
            )
        )
    if event.approximate_day:
        which = (
            "the days"
            if event.approximate_day is True
            else ", ".join(f"day {d:+d}" if d else "day 0" for d in event.approximate_day)
        )
        out.append(
            PlanWarning(
                code="approximate-day",
                message=f"{event.name}: the source gives {which} as approximate",
                event_id=event.id,
            )
        )
    return out


def _patient_warnings(protocol: Protocol, patient: Patient) -> list[PlanWarning]:
    if patient.ibw_kg is not None:
        return []
    why = "sex not given" if patient.sex is None else "height under 152.4 cm, where Devine is not defined"
    return [
        PlanWarning(
            code="ibw-not-calculated",
            message=f"ideal and adjusted body weight not calculated ({why})",
        )
    ]


def _eligibility(
    protocol: Protocol, patient: Patient, factors: PatientFactors | None, first_day: dt.date
) -> list[Finding]:
    """Each eligibility criterion of the record, met, not met or not checked, age counted on the plan's first day
    (none without patient factors)."""
    if factors is None:
        return []
    return evaluate_eligibility(protocol.eligibility, factors, patient, first_day)


def eligibility_warnings(findings: list[Finding]) -> list[PlanWarning]:
    """A warning for each criterion not met; the criteria not checked in one warning when there are several
    (each, with the record's words, is in the plan's eligibility list: the table's ELIGIBILITY, the JSON's
    ``eligibility``), so a plan made before the laboratory values are in does not bury its other warnings."""
    out = [PlanWarning(code=f.code, message=f.message) for f in findings if f.status is Status.NOT_MET and f.code]
    unchecked = [f for f in findings if f.status is Status.NOT_CHECKED and f.code]
    if len(unchecked) == 1:
        out.append(PlanWarning(code=unchecked[0].code or "", message=unchecked[0].message))
    elif unchecked:
        names = ", ".join(f.criterion_id for f in unchecked)
        out.append(
            PlanWarning(
                code="eligibility-not-checked",
                message=f"eligibility not checked for {len(unchecked)} of the record's criteria ({names}): the"
                " values they need are not given - each, with what is missing and the record's words, is in the"
                " plan's eligibility list",
            )
        )
    return out
