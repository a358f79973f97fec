"""Amendments recorded in a plan file (under its lock, append-only) and the saved plan as the course stands."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from schedplan.core.amendments import (
    Amended,
    AmendedEvent,
    Amendment,
    Kind,
    Params,
    Selection,
    apply,
    matches_drug,
    selected,
)
from schedplan.core.amendments import (
    amended_keys as keys_in_force,
)
from schedplan.core.checks import tolerance_for
from schedplan.core.dosing import CalculatedDose
from schedplan.core.protocol import ByChoice
from schedplan.core.saved import SavedPlan
from schedplan.core.schedule import Plan, PlannedEvent
from schedplan.core.sources import LoadedPolicy
from schedplan.core.units import Quantity, dose_display, parse_decimal
from schedplan.errors import InputError
from schedplan.plans.given_time import given_at, not_to_come


@dataclass(frozen=True)
class Course:
    """A saved plan recalculated and its amendments applied: the course as it stands."""

    saved: SavedPlan
    calculated: Plan
    site: LoadedPolicy | None
    amended: Amended
    protocol: Any  # core.protocol.Protocol


def _level_doses(saved: SavedPlan, protocol: Any, amendments: tuple[Amendment, ...]) -> dict[tuple[str, str], Any]:
    """(dose level, event key) -> the dose calculated at that level, for each level a modification names."""
    from schedplan.plans.sources import calculate

    out: dict[tuple[str, str], CalculatedDose] = {}
    for level in sorted({a.params.dose_level for a in amendments if a.params.dose_level is not None}):
        by = {e.id: e.dose.amount.by for e in protocol.events if e.dose and isinstance(e.dose.amount, ByChoice)}
        for choice in sorted(set(by.values())):
            plan = calculate(saved.protocol_ref, saved.inputs.replaced(choices={choice: level})).plan
            for e in plan.events:
                if by.get(e.event_id) == choice and e.dose is not None:
                    out[(level, e.key)] = e.dose
    return out


def course_of(saved: SavedPlan, amendments: tuple[Amendment, ...] | None = None, now: Any = None) -> Course:
    """``saved`` recalculated (it must still be what its protocol and policy give) with its amendments applied;
    ``now`` (plans.checking.current(saved)) when the caller has it already, so nothing is calculated twice."""
    from schedplan.plans.checking import current

    now = now if now is not None else current(saved)
    if not now.same:
        raise InputError(
            f"the saved schedule no longer matches protocol {saved.protocol_ref} as it is now;"
            " run `schedplan replan PLAN.json` first and check the changes"
        )
    if amendments is None and now.amended is not None:
        done = now.amended
    else:
        listed = saved.amendments if amendments is None else amendments
        done = applied(now.plan, now.site, saved, listed, now.protocol)
    return Course(saved, now.plan, now.site, done, now.protocol)


def applied(
    plan: Plan, site: LoadedPolicy | None, saved: SavedPlan, listed: tuple[Amendment, ...], protocol: Any = None
) -> Amended:
    """``plan`` with ``listed`` applied under the site policy (its rules and its check tolerance)."""
    levels: dict[tuple[str, str], Any] = {}
    if protocol is not None and any(a.params.dose_level is not None for a in listed):
        levels = _level_doses(saved, protocol, listed)
    policy = site.policy if site is not None else None
    tolerance, _ = tolerance_for(policy)  # the double check's: the site policy's, else the documented default
    return apply(plan, listed, policy=policy, tolerance_percent=tolerance, level_doses=levels)


def as_it_stands(path: str) -> Course:
    """The plan file at ``path`` as the course stands (for `show`, the calendar, the dose check)."""
    from schedplan.load.planfile import open_plan

    return course_of(open_plan(path))


def amended_keys(plan_file: str) -> dict[str, int]:
    """{dose key: the amendment in force that changed that dose} - a double check of it is void."""
    return keys_in_force(as_it_stands(plan_file).amended)


# --- a new amendment -------------------------------------------------------------------------------


@dataclass(frozen=True)
class AmendRequest:
    """An amendment as typed on the command line (or in a dialog)."""

    kind: Kind
    by: str
    reason: str | None = None
    drug: str | None = None
    day: int | None = None
    cycle: int | None = None
    date: str | None = None
    administration: int | None = None  # n of m on that day (or in an `every` series), where there are several
    and_later: bool = False
    from_cycle: int | None = None
    from_day: int | None = None
    days: int | None = None
    percent: str | None = None
    dose_level: str | None = None
    dose: str | None = None
    at: str | None = None
    note: str | None = None
    undo: int | None = None
    override: str | None = None  # modify: the site maximum (max-dose:EVENT_ID) the dose may pass, for ``reason``


@dataclass(frozen=True)
class Recorded:
    """One amendment recorded: it, the course before and after, and lines for the person."""

    amendment: Amendment
    before: Amended
    after: Amended
    warnings: list[str] = field(default_factory=list)


def _one_line_text(text: str | None, what: str, *, required: bool) -> str | None:
    if text is None or not text.strip():
        if required:
            raise InputError(f"{what} is required and cannot be empty", field=what.lstrip("-"))
        return None
    return " ".join(text.split())


def parse_dose(text: str, what: str = "--dose") -> tuple[Decimal, str]:
    """``"54.4 mg"`` -> (54.4, "mg"); the unit one of mg, g, mcg, units, cells, Gy."""
    m = re.fullmatch(r"\s*(\S+)\s*([A-Za-z]+)\s*", text or "")
    units = {q.value.lower(): q.value for q in Quantity} | {"units": Quantity.IU.value}
    if m is None or m.group(2).lower() not in units:
        raise InputError(f'{what} {text!r} is not a dose: write "VALUE UNIT", e.g. "54.4 mg"', field="dose")
    value = parse_decimal(m.group(1), what)
    if value <= 0:
        raise InputError(f"{what} {text!r}: a dose is more than 0", field="dose")
    return value, units[m.group(2).lower()]


def _label(e: PlannedEvent) -> str:
    """'busulfan Day -7 2027-05-03 06:00 (2 of 4)': enough to tell administrations of one day apart."""
    return (
        _base_label(e)
        + (f" {e.time.strftime('%H:%M')}" if e.time else "")
        + (f" ({e.administration} of {e.administrations})" if e.administration and e.administrations else "")
    )


def _base_label(e: PlannedEvent) -> str:
    return f"{e.name} {e.label} {e.date}"


def resolve(events: list[AmendedEvent], r: AmendRequest, cycle_protocol: bool) -> PlannedEvent:
    """The one administration ``r`` names (by drug with day and cycle, or date); InputError listing candidates."""
    assert r.drug is not None
    named = [e for e in events if matches_drug(e, r.drug)]
    if not named:
        names = ", ".join(sorted({e.name for e in events}))
        raise InputError(f"--drug {r.drug!r} names no event of this plan; it has: {names}", field="drug")
    if r.date is None and r.day is None:
        raise InputError("say which administration: --day N (and --cycle K) or --date YYYY-MM-DD", field="day")
    when: dt.date | None = None
    if r.date is not None:
        try:
            when = dt.date.fromisoformat(r.date.strip())
        except ValueError:
            raise InputError(f"--date {r.date!r} is not a date; write YYYY-MM-DD", field="date") from None
    found = [
        e
        for e in named
        if (r.day is None or e.day == r.day)
        and (r.cycle is None or e.cycle == r.cycle)
        and (when is None or e.date == when)
        and (r.administration is None or e.administration == r.administration)
    ]
    if len(found) == 1:
        return found[0]
    pool = found or named
    listed = "; ".join(_label(e) for e in pool[:20]) + (f"; and {len(pool) - 20} more" if len(pool) > 20 else "")
    if not found:
        raise InputError(f"no administration of {r.drug} matches; candidates: {listed}", field="drug")
    numbers = sorted({e.administration for e in found if e.administration is not None})
    if cycle_protocol and r.cycle is None:
        hint = " (add --cycle K)"
    elif numbers and len({(e.date, e.day, e.cycle) for e in found}) == 1:
        hint = f" (add --administration N, {numbers[0]} to {numbers[-1]}: which one of the day)"
    else:
        hint = " (add --date)"
    raise InputError(f"{len(found)} administrations match{hint}: {listed}", field="drug")


def _selection(r: AmendRequest, course: Course) -> Selection:
    events = course.amended.events
    cycles = course.calculated.anchor_type == "cycles"
    if r.kind == "undo":
        return Selection()
    if r.kind == "delay" and r.drug is None:
        if r.cycle is None:
            raise InputError("delay needs --cycle K (a cycle and every later one) or --drug NAME with --day/--date")
        if not cycles:
            raise InputError("--cycle: this protocol has no cycles; delay one administration with --drug and --day")
        have = sorted({e.cycle for e in events if e.cycle is not None})
        if r.cycle not in have:
            raise InputError(f"--cycle {r.cycle}: the plan has cycles {', '.join(map(str, have))}", field="cycle")
        return Selection(cycle=r.cycle)
    if r.drug is None:
        raise InputError(f"{r.kind} needs --drug NAME with --day N (and --cycle K) or --date YYYY-MM-DD", field="drug")
    if r.kind == "modify" and (r.from_cycle is not None or r.from_day is not None):
        if r.from_cycle is not None and not cycles:
            raise InputError("--from-cycle: this protocol has no cycles; use --from-day N", field="from_cycle")
        if cycles and r.from_cycle is None:
            raise InputError("--from-day in a cycle protocol needs --from-cycle K", field="from_day")
        sel = Selection(drug=r.drug, from_cycle=r.from_cycle, from_day=r.from_day)
        probe = Amendment(number=1, kind="modify", select=sel, by="-", at="2000-01-01T00:00:00+00:00")
        if not selected(events, probe, cycles):
            raise InputError(f"no dosed administration of {r.drug} from there on in this plan", field="drug")
        return sel
    e = resolve(events, r, cycles)
    when = dt.date.fromisoformat(r.date.strip()) if r.date else None
    return Selection(drug=r.drug, day=r.day, cycle=r.cycle, date=when, key=e.key, and_later=r.and_later)


def _params(r: AmendRequest, course: Course, sel: Selection, now: dt.datetime) -> Params:
    event = next((e for e in course.amended.events if e.key == sel.key), None)
    if r.kind == "delay":
        if r.days is None or r.days <= 0:
            raise InputError(f"--days {r.days}: a delay is a whole number of days more than 0", field="days")
        return Params(days=r.days)
    if r.kind == "modify":
        given = [x for x in (r.percent, r.dose_level, r.dose) if x is not None]
        if len(given) != 1:
            raise InputError('modify needs exactly one of --percent P, --dose-level L, --dose "VALUE UNIT"')
        override = _one_line_text(r.override, "--override", required=False)
        if r.override is not None and override is None:
            raise InputError("--override cannot be empty: give the code the stop named, e.g. max-dose:tocilizumab")
        if r.percent is not None:
            pct = parse_decimal(r.percent.strip().removesuffix("%").strip(), "--percent")  # "80%" is 80 %
            if not Decimal(1) <= pct <= Decimal(200):
                raise InputError(f"--percent {r.percent}: a dose modification is 1 to 200 %", field="percent")
            return Params(percent=pct, override=override)
        if r.dose_level is not None:
            return Params(dose_level=r.dose_level.strip(), override=override)
        value, unit = parse_dose(r.dose or "")
        _same_unit(course, sel, unit)
        return Params(dose=value, unit=unit, override=override)
    if r.kind == "given":
        # a time after now, or not one the administration can have been given at, is refused (plans.given_time)
        # read on this machine's clock, where the person typing is (a calendar's zone is the exporting machine's)
        at = given_at(r.at, event, now) if r.at is not None else None
        if r.at is None:
            not_to_come(event, now)
        if event is not None and event.status == "held":
            raise InputError(f"{_label(event)} is held; undo the hold first", field="drug")
        if r.dose is None:
            # what was given is recorded as it was: the dose as it stands now, never recalculated by a later replan
            planned = event.dose if event is not None else None
            if planned is None:
                return Params(given_at=at, note=_one_line_text(r.note, "--note", required=False))
            return Params(
                dose=planned.value,
                unit=str(planned.unit),
                given_at=at,
                note=_one_line_text(r.note, "--note", required=False),
            )
        value, unit = parse_dose(r.dose)
        _same_unit(course, sel, unit)
        return Params(dose=value, unit=unit, given_at=at, note=_one_line_text(r.note, "--note", required=False))
    if r.kind == "hold":
        if event is not None and event.status != "planned":
            raise InputError(f"{_label(event)} is already {event.status}; undo that first", field="drug")
        return Params()
    return _undo_params(r, course)


def _undo_params(r: AmendRequest, course: Course) -> Params:
    listed = course.amended.amendments
    if r.undo is None or not 1 <= r.undo <= len(listed):
        have = f"1 to {len(listed)}" if listed else "none yet"
        raise InputError(f"undo {r.undo}: no such amendment (this plan has {have})", field="undo")
    if r.undo in course.amended.undone_by:
        raise InputError(f"amendment {r.undo} is already undone (by amendment {course.amended.undone_by[r.undo]})")
    return Params(undo=r.undo)


def _same_unit(course: Course, sel: Selection, unit: str) -> None:
    event = next((e for e in course.amended.events if e.key == sel.key), None)
    dose = (
        event.dose
        if event is not None
        else next(
            (e.dose for e in course.amended.events if e.dose is not None and sel.drug and matches_drug(e, sel.drug)),
            None,
        )
    )
    if dose is None:
        raise InputError("that administration has no calculated dose", field="dose")
    if dose.unit != unit:
        raise InputError(f"--dose is in {unit}; the dose is calculated in {dose.unit} - give it in {dose.unit}")


def local_now() -> str:
    """Now, local time with its UTC offset, to the second."""
    return dt.datetime.now().astimezone().isoformat(timespec="seconds")


def amend(path: str, request: AmendRequest, *, at: str | None = None) -> Recorded:
    """Record ``request`` as the next amendment of the plan file at ``path``, under its lock: checked against
    the plan as the file holds it now (amendments recorded meanwhile are kept: the list is only appended to).
    Raises InputError (nothing written) when it does not fit the plan."""
    from schedplan.load.planfile import update_plan

    by = _one_line_text(request.by, "--by", required=True)
    reason = _one_line_text(request.reason, "--reason", required=request.kind != "given")
    if request.kind == "given" and request.reason is not None and reason is None:
        raise InputError("--reason cannot be empty", field="reason")
    box: list[Recorded] = []
    stamp = at or local_now()  # when it is recorded: also the "now" a time given is checked against

    def change(now: SavedPlan) -> SavedPlan:
        course = course_of(now)
        sel = _selection(request, course)
        params = _params(request, course, sel, dt.datetime.fromisoformat(stamp))
        new = Amendment(
            number=len(now.amendments) + 1,
            kind=request.kind,
            select=sel,
            params=params,
            reason=reason,
            by=by or "",
            at=stamp,
        )
        listed = (*now.amendments, new)
        after = applied(course.calculated, course.site, now, listed, course.protocol)
        gone = [why for n, why in after.not_applying if n == new.number]
        if gone:
            raise InputError(f"{request.kind}: {gone[0]}")
        _refuse_stops(new, after, course.site)
        before_warnings = set(course.amended.warnings)
        box.append(Recorded(new, course.amended, after, [w for w in after.warnings if w not in before_warnings]))
        return now.updated(amendments=listed)

    update_plan(path, change)
    return box[-1]


def _refuse_stops(new: Amendment, after: Amended, site: LoadedPolicy | None) -> None:
    """InputError (nothing recorded) when ``new`` sets a dose over a site maximum that stops (one line: the limit,
    its source and file, and how to override it), or names an override that no dose of it passes."""
    stops = [b for n, b in after.stopped if n == new.number]
    if stops:
        first = stops[0].model_copy(update={"file": str(site.path) if site is not None else None})
        more = f" [and {len(stops) - 1} more]" if len(stops) > 1 else ""
        how = first.message().replace("--reason 'WHY'", "with this --reason")
        raise InputError(f"stopped: {how}{more}", field="override", value=first.code)
    unused = [code for n, code in after.unused_overrides if n == new.number]
    if unused:
        raise InputError(
            f"--override {unused[0]}: the modified dose is not over a site maximum of that code; leave --override out",
            field="override",
            value=unused[0],
        )


def replan_notes(saved: SavedPlan, plan: Plan, site: LoadedPolicy | None) -> list[str]:
    """After a replan: each amendment that no longer applies to the recalculated plan, one a line."""
    if not saved.amendments:
        return []
    from schedplan.plans.sources import find_protocol

    done = applied(plan, site, saved, saved.amendments, find_protocol(saved.protocol_ref).protocol)
    n = len(saved.amendments)
    kept = f"kept {n} amendment{'s' if n != 1 else ''}"
    lines = [f"{kept}; amendment {num} no longer applies: {why}" for num, why in done.not_applying]
    return lines or [f"{kept}, each applied to the recalculated plan (`schedplan show` lists them)"]


def what_changed(one: Recorded) -> list[str]:
    """The administrations the amendment changed, one a line: date, dose, status."""
    before = {e.key: e for e in one.before.events}
    out = []
    for e in one.after.events:
        b = before.get(e.key)
        if b is None:
            continue
        bits = []
        if b.date != e.date:
            bits.append(f"{b.date} -> {e.date}")
        if (b.dose.value if b.dose else None) != (e.dose.value if e.dose else None) and e.dose and b.dose:
            bits.append(f"{dose_display(b.dose.value, b.dose.unit)} -> {dose_display(e.dose.value, e.dose.unit)}")
        if b.status != e.status:
            bits.append(f"{b.status} -> {e.status}")
        if e.given != b.given and e.given is not None and e.status == "given" and b.status == "given":
            bits.append("given record replaced")
        if bits:
            out.append(f"  {e.label:<10} {e.name}: " + "; ".join(bits))
    return out


def show_data(course: Course) -> dict[str, Any]:
    """The plan JSON contract (`plan --format json`) of the course as it stands, and per event ``status``,
    ``planned_date``, ``modification``, ``given``; at the top ``amendments`` and ``course_totals``
    (per drug: planned, given, remaining) and ``amendments_not_applying``; ``course_warnings`` when there are any
    (a dose given far from the plan, a modified dose over a site maximum that stops without an override)."""
    from schedplan.export.json_out import event_dict, plan_dict

    done = course.amended
    data = plan_dict(done.plan)
    data["events"] = [
        {
            **event_dict(e),
            "status": e.status,
            "planned_date": e.planned_date.isoformat(),
            "modification": e.modification,
            "given": e.given,
        }
        for e in done.events
    ]
    data["amendments"] = done.amendment_data()
    data["amendments_not_applying"] = [{"number": n, "why": why} for n, why in done.not_applying]
    data["course_totals"] = done.totals()
    if done.warnings:  # e.g. a modified dose over a site maximum without an override (the policy changed since)
        data["course_warnings"] = list(done.warnings)
    return data
