"""A plan as text for a person: the patient, then one block per day with each event and its dose."""

from __future__ import annotations

import datetime as dt
import textwrap
from itertools import groupby

from schedplan.core.schedule import Plan, PlannedEvent
from schedplan.core.text import printable
from schedplan.core.units import dose_display, fmt
from schedplan.words import administration_rows, date_text, dose_text, duration_text, time_text


def event_line(e: PlannedEvent) -> str:
    parts = [e.name]
    when = time_text(e)
    if when is not None:
        parts.insert(0, when)
    dose = dose_text(e)
    if dose:
        parts.append(dose + (" daily total" if e.frequency and e.dose is not None else ""))
    if e.route:
        parts.append(e.route + (f" ({e.route_note})" if e.route_note else ""))
    if e.duration_minutes:
        parts.append(f"over {duration_text(e.duration_minutes)}")
    line = "  ".join(parts)
    if e.administrations:
        line += f"  [{e.administration} of {e.administrations}]"
    if e.premedication_for:
        line += f"  [before {e.premedication_for}]"
    if e.assumed:
        line += f"  [ASSUMED: {', '.join(k.replace('_', ' ') for k in e.assumed)}]"
    if e.overrides:
        line += f"  [OVERRIDDEN: {', '.join(o.code for o in e.overrides)}]"
    return line


def marker_text(e: PlannedEvent) -> list[str]:
    """The lines under an event that say what the record does not state, and each limit overridden."""
    out = [f"({e.frequency})"] if e.frequency else []
    out.extend(f"assumed {k.replace('_', ' ')}: {why}" for k, why in e.assumed.items())
    out.extend(f"OVERRIDDEN {o.code}: {o.limit} ({o.source}); reason: {o.reason}" for o in e.overrides)
    return out


def patient_line(plan: Plan) -> str:
    p = plan.patient
    bsa = f"BSA {fmt(p.bsa_m2)} m2 ({'measured' if p.measured_bsa_m2 is not None else p.bsa_formula.label})"
    adj = f", AdjBW {fmt(p.adjbw_kg)} kg" if p.adjbw_kg is not None else ""
    ibw = f"IBW {fmt(p.ibw_kg)} kg{adj}" if p.ibw_kg is not None else "IBW not calculated"
    sex = p.sex.value if p.sex else "sex not given"
    return f"Patient: {fmt(p.weight_kg, 2)} kg, {fmt(p.height_cm, 1)} cm, {sex}; {bsa}; {ibw}"


WIDTH = 80  # the table's calculation lines are wrapped for an 80-column terminal (the JSON keeps one string)


def wrapped(text: str, indent: int = 8) -> list[str]:
    """A calculation line wrapped at spaces to WIDTH columns, continued 2 columns further in (never a number
    or a unit split)."""
    return textwrap.wrap(
        text,
        width=WIDTH,
        initial_indent=" " * indent,
        subsequent_indent=" " * (indent + 2),
        break_long_words=False,
        break_on_hyphens=False,
    ) or [" " * indent]


def render(plan: Plan, *, show_calculation: bool = True) -> str:
    """The whole schedule as plain text (no colour): safe to print, paste or mail."""
    out: list[str] = []
    out.append(f"{plan.protocol.id}  {plan.protocol.title}  (version {plan.protocol.version})")
    out.append(patient_line(plan))
    if plan.age_text is not None:
        out.append(f"Age: {plan.age_text}")
    if plan.renal is not None:
        out.append(f"Renal function: {plan.renal}")
    if plan.policy is not None:
        example = " - AN EXAMPLE, not a real unit's policy" if plan.policy.example else ""
        out.append(f"Site policy: {plan.policy.name} (version {plan.policy.version}){example}")
    else:
        out.append("Site policy: none (the protocol's doses exactly: no dosing-weight rule, cap or rounding)")
    day0 = "Cycle 1 day 1" if plan.anchor_type == "cycles" else f"Day 0 ({plan.anchor_event})"
    out.append(f"{day0}: {plan.anchor_date.isoformat()}")
    if plan.choices:
        chosen = ", ".join(f"{k}={'not set' if v is None else v}" for k, v in plan.choices.items())
        out.append(f"Choices: {chosen}")
    if plan.warnings:
        out.append("")
        out.append("WARNINGS")
        for w in plan.warnings:
            out.append(f"  ! [{w.code}] {w.message}")
    for date, day_events in groupby(plan.events, key=lambda e: e.date):
        events = list(day_events)
        out.append("")
        out.append(f"{events[0].label:<10} {date_text(date)}")
        for e in events:
            out.append(f"    {event_line(e)}")
            out.extend(f"        {m}" for m in marker_text(e))
            if show_calculation and e.dose is not None:
                out.extend(wrapped(e.dose.calculation))
                if e.dose.change_percent is not None:
                    out.extend(
                        wrapped(
                            f"calculated {dose_display(e.dose.calculated_value, e.dose.unit)}, given"
                            f" {dose_display(e.dose.value, e.dose.unit)} ({e.dose.change_percent:+}% by site policy)"
                        )
                    )
    if plan.totals:
        out.append("")
        out.append("TOTALS (sum of the doses given; as prescribed)")
        for t in plan.totals:
            where = f"cycle {t.cycle}" if t.cycle is not None else "whole plan"
            changed = (
                f" (calculated {dose_display(t.calculated_total, t.unit)})" if t.calculated_total != t.total else ""
            )
            given = dose_display(t.total, t.unit)
            # as prescribed (4 x 20 mg/kg = 80 mg/kg), unless that is the same words (a flat dose: 80 mg)
            prescribed = "" if t.prescribed_total == given and not changed else f"  = {t.prescribed_total}"
            out.append(
                f"  {t.name:<24} {where:<11} {t.doses:>3} dose{'s' if t.doses != 1 else ' '}  "
                f"{given}{changed}{prescribed}"
            )
    if plan.eligibility:
        out.append("")
        out.append("ELIGIBILITY (the record's criteria)")
        for f in plan.eligibility:
            out.extend(
                textwrap.wrap(
                    f"{f.status.value.upper():<12} {f.criterion_id}: {f.detail}",
                    width=WIDTH,
                    initial_indent="  ",
                    subsequent_indent=" " * 15,
                    break_long_words=False,
                    break_on_hyphens=False,
                )
            )
            out.extend(wrapped(f'the record: "{f.quote}"'))
    if plan.notes:
        out.append("")
        out.append("NOTES")
        for n in plan.notes:
            out.append(f"  - {n}")
    return printable("\n".join(out) + "\n")  # stored text never sends control characters to a terminal


def administration_list(plan: Plan, date: dt.date) -> str:
    """One day's administrations in time order, with empty columns to fill in at the bedside: given, time,
    initials. Untimed entries come first as "all day"; a site policy's time is marked "(site time)". Nothing is
    cut short: a long name or dose widens its row."""
    events = [e for e in plan.events if e.date == date]
    label = events[0].label if events else "no entries"
    out = [f"{plan.protocol.id}  administration list  {label}  {date_text(date)}", ""]
    head = f"{'Time':<17} {'Item':<28} {'Dose':<16} {'Route':<9} {'No.':<8} {'Given':<6} {'At':<6} Initials"
    out += [head, "-" * len(head)]
    for r in administration_rows(events):
        out.append(f"{r.time:<17} {r.item:<28} {r.dose:<16} {r.route:<9} {r.number:<8} {'[ ]':<6} {'__:__':<6} ____")
    return printable("\n".join(out) + "\n")
