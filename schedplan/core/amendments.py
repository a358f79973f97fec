"""Amendments (hold, delay, modify, given, undo) and a calculated plan with them applied: the course as it runs."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Literal

from pydantic import Field, field_validator

from schedplan.core.dates import day_label
from schedplan.core.dosing import CalculatedDose
from schedplan.core.dosing_maximum import MAX_DOSE_EXCEEDED, apply_max_dose, apply_rounding, max_dose_exceeded
from schedplan.core.dosing_weight import RuleAction
from schedplan.core.limits import Breach, Override, max_dose_breach
from schedplan.core.model import Model
from schedplan.core.policy import SitePolicy
from schedplan.core.protocol import EventKind
from schedplan.core.safety import drug_totals
from schedplan.core.schedule import Plan, PlannedEvent
from schedplan.core.units import Quantity, dose_display, fmt, quantize

Kind = Literal["hold", "delay", "modify", "given", "undo"]
Status = Literal["planned", "held", "given"]
# the rules that act after a dose modification
_POLICY_RULES = ("max-dose", "rounding", "rounding-refused", MAX_DOSE_EXCEEDED)


class Selection(Model):
    """What an amendment selects: one administration (``key``, with how it was named), a cycle onward, or a
    drug from a cycle or day onward. Fields not used are None."""

    drug: str | None = None
    day: int | None = None
    cycle: int | None = None
    date: dt.date | None = None
    key: str | None = Field(default=None, description="the administration selected (PlannedEvent.key)")
    and_later: bool = Field(default=False, description="a delay: the administration and every later event")
    from_cycle: int | None = None
    from_day: int | None = None


class Params(Model):
    """An amendment's parameters (each kind uses some)."""

    days: int | None = Field(default=None, gt=0, description="delay: days later")
    percent: Decimal | None = Field(default=None, ge=1, le=200, description="modify: percent of the calculated dose")
    dose_level: str | None = Field(default=None, description="modify: the protocol's dose level")
    dose: Decimal | None = Field(default=None, gt=0, description="modify: the dose; given: the dose given")
    unit: str | None = None
    given_at: str | None = Field(default=None, description="given: 'YYYY-MM-DD HH:MM', local")
    note: str | None = None
    undo: int | None = Field(default=None, ge=1, description="undo: the amendment undone")
    override: str | None = Field(
        default=None,
        description="modify: the site maximum (max-dose:EVENT_ID) the modified dose may pass; the amendment's"
        " reason is the override's, recorded with the dose",
    )


class Amendment(Model):
    """One recorded change to the course; a plan keeps them in order and never deletes one (undo is another)."""

    number: int = Field(ge=1)
    kind: Kind
    select: Selection = Field(default_factory=Selection)
    params: Params = Field(default_factory=Params)
    reason: str | None = Field(default=None, description="required for every kind but given (which has a note)")
    by: str = Field(min_length=1)
    at: str = Field(description="when it was recorded: local time with its UTC offset (ISO 8601)")

    @field_validator("at")
    @classmethod
    def _with_offset(cls, v: str) -> str:
        if dt.datetime.fromisoformat(v).utcoffset() is None:
            raise ValueError("an amendment's time needs its UTC offset")
        return v

    @field_validator("reason")
    @classmethod
    def _not_blank(cls, v: str | None) -> str | None:
        if v is not None and not v.strip():
            raise ValueError("a reason cannot be empty")
        return v

    def to_data(self) -> dict[str, Any]:
        """As a plan file and `show --format json` write it (unused selection and parameter fields left out)."""
        return {
            "number": self.number,
            "kind": self.kind,
            "select": self.select.model_dump(exclude_defaults=True),
            "params": self.params.model_dump(exclude_none=True),
            "reason": self.reason,
            "by": self.by,
            "at": self.at,
        }


class AmendedEvent(PlannedEvent):
    """A planned event as the course stands: moved, with a modified dose, held or given."""

    status: Status = "planned"
    planned_date: dt.date
    modification: dict[str, Any] | None = None
    given: dict[str, Any] | None = None
    course_lines: tuple[str, ...] = Field(default=(), description="what the amendments did to it, one a line")


@dataclass(frozen=True)
class Amended:
    """A calculated plan with amendments applied."""

    plan: Plan  # its events are AmendedEvents (held ones included), sorted by date; totals leave out held doses
    amendments: tuple[Amendment, ...]
    undone_by: dict[int, int]  # amendment number -> the undo that undid it
    not_applying: list[tuple[int, str]]  # (amendment number, why) for those whose administrations are gone
    warnings: list[str] = field(default_factory=list)
    # (amendment number, the limit) for each modified dose over a site maximum (action: stop) not overridden by it
    stopped: list[tuple[int, Breach]] = field(default_factory=list)
    unused_overrides: list[tuple[int, str]] = field(default_factory=list)  # (amendment number, its override code)

    @property
    def events(self) -> list[AmendedEvent]:
        return [e for e in self.plan.events if isinstance(e, AmendedEvent)]

    def totals(self) -> list[dict[str, Any]]:
        """Per drug and unit: the doses as planned (not held), as given, and remaining (neither)."""
        rows: dict[tuple[str, str], dict[str, Any]] = {}
        for e in self.events:
            if e.dose is None or e.status == "held":
                continue
            row = rows.setdefault(
                (e.name, e.dose.unit),
                {
                    "name": e.name,
                    "unit": e.dose.unit,
                    "planned": Decimal(0),
                    "given": Decimal(0),
                    "remaining": Decimal(0),
                },
            )
            row["planned"] += e.dose.value
            if e.status == "given" and e.given is not None:
                row["given"] += e.given["value"]
            else:
                row["remaining"] += e.dose.value
        return list(rows.values())

    def amendment_data(self) -> list[dict[str, Any]]:
        return [{**a.to_data(), "undone_by": self.undone_by.get(a.number)} for a in self.amendments]


# --- which amendments are in force -----------------------------------------------------------------


def undone(amendments: Sequence[Amendment]) -> dict[int, int]:
    """amendment number -> the undo in force that undid it (an undo undone puts its amendment back)."""
    out: dict[int, int] = {}
    for a in reversed(amendments):
        if a.kind == "undo" and a.number not in out and a.params.undo is not None:
            out[a.params.undo] = a.number
    return out


def matches_drug(e: PlannedEvent, drug: str) -> bool:
    """An event named by its name or its event id (any case)."""
    want = drug.strip().lower()
    return want in (e.name.lower(), e.event_id.lower())


def selected(events: Sequence[PlannedEvent], a: Amendment, cycle_protocol: bool) -> list[PlannedEvent]:
    """The events ``a`` acts on in ``events`` (the plan as it stands before ``a``); [] when none are left."""
    s = a.select
    if s.key is not None:
        at = [i for i, e in enumerate(events) if e.key == s.key]
        if not at:
            return []
        if not s.and_later:
            return [events[at[0]]]
        first = events[at[0]]
        return [
            e
            for i, e in enumerate(events)
            if i >= at[0] or (e.premedication_for == first.event_id and e.date == first.date)
        ]
    if a.kind == "delay" and s.cycle is not None:
        return [e for e in events if e.cycle is not None and e.cycle >= s.cycle]
    if s.drug is not None and (s.from_cycle is not None or s.from_day is not None):

        def onward(e: PlannedEvent) -> bool:
            if s.from_cycle is not None and cycle_protocol:
                c = e.cycle or 0
                return c > s.from_cycle or (c == s.from_cycle and (s.from_day is None or e.day >= s.from_day))
            return s.from_day is not None and e.day >= s.from_day

        return [e for e in events if matches_drug(e, s.drug) and e.dose is not None and onward(e)]
    return []


# --- a dose modification ---------------------------------------------------------------------------


def _reported(exact: Decimal, q: Quantity) -> Decimal:
    """To the unit's reporting precision, never fewer than 3 significant figures (as core.dosing.report)."""
    step = q.step
    if exact != 0:
        step = min(step, Decimal(1).scaleb(exact.adjusted() - 2))
    return quantize(exact, step)


def scope_text(a: Amendment, e: PlannedEvent) -> str:
    s = a.select
    if s.from_cycle is not None:
        return f"from cycle {s.from_cycle}" + (f" day {s.from_day}" if s.from_day is not None else "")
    if s.from_day is not None:
        return f"from day {s.from_day}"
    return f"for {e.label}"


def modified_dose(
    e: PlannedEvent, a: Amendment, policy: SitePolicy | None, level_dose: CalculatedDose | None = None
) -> CalculatedDose:
    """``e``'s calculated dose with the modification ``a``: the step written into the calculation, then the
    site policy's maximum dose and rounding applied after it (and saying so)."""
    d = level_dose if a.params.dose_level is not None else e.dose
    if d is None:
        raise ValueError(f"{e.name} {e.label} has no calculated dose to modify")
    q = d.unit
    word = q.word
    after = {r.detail for r in d.rules if r.rule in _POLICY_RULES}
    steps = [s for s in d.calculation.split("; ") if s not in after]
    rules: list[RuleAction] = [r for r in d.rules if r.rule not in _POLICY_RULES]
    why = f"dose modification {scope_text(a, e)}: {a.reason}, amendment {a.number}"
    p = a.params
    if p.percent is not None:
        exact = d.calculated_value * p.percent / 100
        value = _reported(exact, q)
        steps.append(f"x {fmt(p.percent)} % ({why}) = {fmt(exact, 4)} {word}")
        if value != exact:
            steps.append(f"rounded to {fmt(q.step)} {word}: {fmt(value)} {word}")
    elif p.dose is not None:
        value = p.dose
        steps = [f"{fmt(value)} {word} set by hand ({why}; the calculation was: {'; '.join(steps)})"]
    elif p.dose_level is not None:
        value = d.calculated_value
        steps.insert(0, f"dose level {p.dose_level} ({why})")
    else:
        raise ValueError(f"amendment {a.number}: a modification needs a percent, a dose level or a dose")
    calculated = value
    if policy is not None:
        value, most, maximum = apply_max_dose(value, policy, e.name, q)
        value, rounding = apply_rounding(value, most, policy, e.name, q)
        exceeded = max_dose_exceeded(value, policy, e.name, q)  # a stop: overridden by the amendment, or refused
        for action in (maximum, rounding, exceeded):
            if action is not None:
                action = RuleAction(rule=action.rule, detail=f"{action.detail}, after the dose modification")
                rules.append(action)
                steps.append(action.detail)
    change = None if value == calculated else quantize((value - calculated) / calculated * 100, Decimal("0.01"))
    return d.model_copy(
        update={
            "value": value,
            "calculation": "; ".join(steps),
            "calculated_value": calculated,
            "change_percent": change,
            "rules": rules,
        }
    )


def modification_data(a: Amendment) -> dict[str, Any]:
    p = a.params
    what: dict[str, Any]
    if p.percent is not None:
        what = {"percent": p.percent}
    elif p.dose_level is not None:
        what = {"dose_level": p.dose_level}
    else:
        what = {"dose": {"value": p.dose, "unit": p.unit}}
    return {**what, "amendment": a.number, "reason": a.reason}


# --- applying them ---------------------------------------------------------------------------------


def _days(n: int) -> str:
    return f"{n} day{'s' if n != 1 else ''}"


def apply(
    plan: Plan,
    amendments: Iterable[Amendment],
    *,
    policy: SitePolicy | None = None,
    tolerance_percent: Decimal = Decimal(0),
    level_doses: Mapping[tuple[str, str], CalculatedDose] | None = None,
) -> Amended:
    """``plan`` (as calculated) with ``amendments`` in force applied in order: delays move dates (a cycle's
    delay every later cycle too), the latest modification of an administration sets its dose, the latest hold
    or given sets its status. ``level_doses`` maps (dose level, event key) to the dose calculated at that
    level, for modifications by dose level. Nothing is dropped: an amendment whose administrations are gone
    is listed in ``not_applying``."""
    listed = tuple(amendments)
    undone_by = undone(listed)
    cycles = plan.anchor_type == "cycles"
    events: list[PlannedEvent] = list(plan.events)
    state: dict[str, dict[str, Any]] = {
        e.key: {
            "date": e.date,
            "dose": e.dose,
            "status": "planned",
            "modification": None,
            "given": None,
            "lines": [],
            "overrides": list(e.overrides),
        }
        for e in events
    }
    not_applying: list[tuple[int, str]] = []
    warnings: list[str] = []
    stopped: list[tuple[int, Breach]] = []
    used: set[int] = set()
    for a in listed:
        if a.kind == "undo" or a.number in undone_by:
            continue
        now = [e.model_copy(update={"date": state[e.key]["date"]}) for e in events]
        chosen = selected(now, a, cycles)
        if not chosen:
            not_applying.append((a.number, _gone(a)))
            continue
        for e in chosen:
            st = state[e.key]
            if a.kind == "delay":
                assert a.params.days is not None
                st["date"] = st["date"] + dt.timedelta(days=a.params.days)
                st["lines"].append(f"DELAYED {_days(a.params.days)} (amendment {a.number}: {a.reason}; by {a.by})")
            elif a.kind == "hold":
                st["status"] = "held"
                st["lines"].append(f"HELD - not given (amendment {a.number}: {a.reason}; by {a.by})")
            elif a.kind == "modify":
                level = (level_doses or {}).get((a.params.dose_level or "", e.key))
                if a.params.dose_level is not None and level is None:
                    not_applying.append((a.number, f"{e.name} {e.label} has no dose at level {a.params.dose_level}"))
                    continue
                if (level or st["dose"]) is None:  # a file edited by hand can select an event without a dose
                    not_applying.append((a.number, f"{e.name} {e.label} has no calculated dose to modify"))
                    continue
                st["dose"] = modified_dose(e, a, policy, level)
                st["modification"] = modification_data(a)
                st["lines"].append(f"DOSE MODIFIED (amendment {a.number}: {a.reason}; by {a.by})")
                if _maximum_passed(e.model_copy(update={"dose": st["dose"]}), a, st, policy, stopped, warnings):
                    used.add(a.number)
            elif a.kind == "given":
                _record_given(e, a, st, tolerance_percent, warnings)
    out: list[AmendedEvent] = []
    for e in events:
        st = state[e.key]
        where: dict[str, Any] = {}
        if not cycles and st["date"] != e.date:  # moved: its day is the calendar day it is now on
            day = (st["date"] - plan.anchor_date).days
            where = {"day": day, "label": day_label(day, None)}
            if e.day < 0 <= day and e.kind in (EventKind.DRUG, EventKind.RADIATION):
                warnings.append(
                    f"{e.name} {e.label} (conditioning) is now on {where['label']}, {st['date'].isoformat()}: on or"
                    f" after day 0 ({plan.anchor_event}) - check the order with the team"
                )
        out.append(
            AmendedEvent(
                **{**dict(e), "date": st["date"], "dose": st["dose"], "overrides": st["overrides"], **where},
                status=st["status"],
                planned_date=e.date,
                modification=st["modification"],
                given=st["given"],
                course_lines=tuple(st["lines"]),
            )
        )
    out.sort(key=lambda e: e.date)  # stable: the calculated order within a day
    warnings += premedications_of_held(out)
    in_force = [e for e in out if e.status != "held"]
    amended_plan = plan.model_copy(update={"events": out, "totals": drug_totals(in_force, cycles)})
    unused = [
        (a.number, a.params.override)
        for a in listed
        if a.params.override is not None and a.number not in used and a.number not in undone_by
    ]
    return Amended(amended_plan, listed, undone_by, not_applying, warnings, stopped, unused)


def _maximum_passed(
    e: PlannedEvent,
    a: Amendment,
    st: dict[str, Any],
    policy: SitePolicy | None,
    stopped: list[tuple[int, Breach]],
    warnings: list[str],
) -> bool:
    """A modified dose over a site maximum whose action is stop: with the amendment's override of it, the override
    is recorded with the dose (the amendment's reason); without, the amendment is listed in ``stopped`` and a
    warning says so. True when the amendment's override was used."""
    # a modification replaces the dose, so an earlier override of the same maximum no longer speaks for it
    breach = max_dose_breach(e, policy) if policy is not None else None
    code = breach.code if breach is not None else None
    st["overrides"] = [o for o in st["overrides"] if not o.code.startswith("max-dose:")]
    if breach is None:
        return False
    if a.params.override == code:
        o = Override(code=breach.code, limit=breach.limit, source=breach.source, reason=a.reason or "")
        st["overrides"].append(o)
        st["lines"].append(f"OVERRIDDEN {o.code}: {o.limit} ({o.source}); reason: {o.reason} (amendment {a.number})")
        return True
    stopped.append((a.number, breach))
    warnings.append(
        f"{breach.where}: {breach.limit} ({breach.source}), set by amendment {a.number} without an override of"
        f" {breach.code}: undo it, or record the modification again with --override {breach.code}"
    )
    return False


def premedications_of_held(events: Sequence[AmendedEvent]) -> list[str]:
    """A held dose whose premedications that day are still planned: said, never held for the person (a
    premedication may serve another drug that day, or be wanted anyway) - the nurse decides and records it."""
    out = []
    for e in events:
        if e.status != "held":
            continue
        still = [
            p.name
            for p in events
            if p.premedication_for == e.event_id and p.date == e.date and p.status == "planned" and p.cycle == e.cycle
        ]
        if still:
            out.append(
                f"{e.name} {e.label} is held, and its premedications that day are still planned ({', '.join(still)}):"
                " hold them too if they are not to be given"
            )
    return out


def _record_given(e: PlannedEvent, a: Amendment, st: dict[str, Any], tolerance: Decimal, warnings: list[str]) -> None:
    planned: CalculatedDose | None = st["dose"]
    value = a.params.dose if a.params.dose is not None else (planned.value if planned else None)
    unit = a.params.unit or (planned.unit if planned else None)
    st["status"] = "given"
    st["given"] = {"value": value, "unit": unit, "at": a.params.given_at, "by": a.by}
    when = f" at {a.params.given_at}" if a.params.given_at else ""
    amount = f" {dose_display(value, unit or '')}" if value is not None else ""
    st["lines"].append(
        f"GIVEN{amount}{when} (amendment {a.number}; by {a.by})" + (f"; note: {a.params.note}" if a.params.note else "")
    )
    if planned is not None and value is not None and unit == planned.unit and differs(value, planned.value, tolerance):
        warnings.append(
            f"{e.name} {e.label}: given {dose_display(value, unit or '')}, planned"
            f" {dose_display(planned.value, planned.unit)} - more than the check tolerance ({fmt(tolerance)}%)"
            f" apart (amendment {a.number})"
        )


def differs(given: Decimal, planned: Decimal, tolerance_percent: Decimal) -> bool:
    """Whether a given dose is further from the planned one than the check tolerance allows."""
    return abs(given - planned) > abs(planned) * tolerance_percent / 100


def _gone(a: Amendment) -> str:
    s = a.select
    if s.key is not None:
        return f"the administration {s.key} is no longer in the plan"
    if a.kind == "delay" and s.cycle is not None:
        return f"the plan has no cycle {s.cycle} any more"
    return f"no administration of {s.drug} in that range is left in the plan"


def amended_keys(done: Amended) -> dict[str, int]:
    """{event key: the amendment in force that changed its dose} - for a double check to void."""
    return {e.key: int(e.modification["amendment"]) for e in done.events if e.modification is not None}
