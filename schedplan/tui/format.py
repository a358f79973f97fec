"""Plain-text pieces the views show: doses (ISMP), durations, day labels, the site policy in force, the rules
that acted on a dose, per-drug totals (no textual)."""

from __future__ import annotations

import datetime as dt
import re
from collections import OrderedDict
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from schedplan.core.protocol import EventKind
from schedplan.core.units import dose_display, fmt

if TYPE_CHECKING:  # the app imports this module for its first frame (issue 8): the plan's modules when first used
    from schedplan.core.dosing import CalculatedDose
    from schedplan.core.protocol import Protocol
    from schedplan.core.schedule import Plan, PlannedEvent, PlanWarning

ADMINISTERED = (EventKind.DRUG, EventKind.CELL_PRODUCT, EventKind.RADIATION)
WARN = "⚠"


def __getattr__(name: str) -> Any:
    """``dose`` and ``duration``: schedplan.words' own dose_text and duration_text (one wording everywhere: "1
    hour", "90 min"), imported when first asked for."""
    if name in ("dose", "duration"):
        from schedplan import words

        return words.dose_text if name == "dose" else words.duration_text
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def factor_lines(plan: Plan | None) -> list[str]:
    """The plan header's patient factors, where given: the age (child or adult) and the renal function used."""
    if plan is None:
        return []
    out = [f"Age: {plan.age_text}"] if plan.age_text is not None else []
    return out + ([f"Renal function: {plan.renal}"] if plan.renal is not None else [])


def factor_summary(plan: Plan) -> str:
    """'; 67 years (adult); CrCl 64.7 mL/min' for the status line: the age and the renal value used, where known."""
    out = ""
    if plan.age is not None:
        out += f"; {plan.age} years ({'child' if plan.age < plan.adult_from else 'adult'})"
    if plan.renal is not None and plan.renal_value is not None:
        out += "; " + plan.renal.split(" (", 1)[0].replace("creatinine clearance", "CrCl")
    return out


def overridden(e: PlannedEvent) -> list[str]:
    """One line per limit overridden for this dose, with the reason given (as the plan's table shows them)."""
    return [f"OVERRIDDEN {o.code}: {o.limit} ({o.source}); reason: {o.reason}" for o in e.overrides]


def policy_line(plan: Plan | None, site_name: str | None = None) -> str:
    """The site policy the doses were calculated under, or that there is none."""
    p = plan.policy if plan is not None else None
    if p is None and site_name is None:
        return "No site policy: the protocol's doses exactly"
    if p is None:
        return f"Site policy: {site_name}"
    example = " - EXAMPLE, not a real unit's policy" if p.example else ""
    return f"Site policy: {p.name} (version {p.version}){example}"


# A short mark per site rule, for the table; the detail panel spells each one out.
RULE_MARKS = {
    "dosing-weight": "wt",
    "bsa-cap": "cap",
    "max-dose": "max",
    "rounding": "rnd",
    "rounding-refused": "rnd✗",
}


ALERT_RULES = ("bsa-cap", "max-dose", "rounding-refused")  # each is a plan warning too


def rule_marks(d: CalculatedDose) -> str:
    """``⚠ max -23.08%``: the rules that acted (in order) and the change they made; empty when none acted."""
    marks = " ".join(RULE_MARKS.get(r.rule, r.rule) for r in d.rules)
    if any(r.rule in ALERT_RULES for r in d.rules):
        marks = f"{WARN} {marks}"
    if d.change_percent is not None:
        marks += f" {d.change_percent:+}%"
    return marks.strip()


def dose_detail(d: CalculatedDose) -> list[str]:
    """Every step a pharmacist checks, one line each: prescribed, basis, calculated, given, the rules in order."""
    lines = [
        f"Prescribed {d.prescribed} ({d.per_administration} this administration)",
        f"Basis: {d.basis}",
        f"Calculated {dose_display(d.calculated_value, d.unit)}"
        + (
            f" -> given {dose_display(d.value, d.unit)} ({d.change_percent:+}% by site policy)"
            if d.change_percent is not None
            else (" = given" if not d.rules else " - given unchanged")
        ),
    ]
    if d.rules:
        lines += [f"Rule {n}. {r.rule}: {r.detail}" for n, r in enumerate(d.rules, 1)]
    else:
        lines.append("Rules: none acted")
    lines.append(f"How: {d.calculation}")
    return lines


def time_text(e: PlannedEvent) -> str:
    """``08:00``, ``08:00 (site time)`` when the site policy gave it, or "" (all-day)."""
    from schedplan.words import time_text as clock_text

    return clock_text(e) or ""


def series_part(e: PlannedEvent) -> list[str]:
    """``["(1 of 4)"]`` for an administration of several that day or series; [] for the only one."""
    from schedplan.words import series_text

    return [f"({series_text(e)})"] if e.administrations else []


def event_text(e: PlannedEvent) -> str:
    """One line for the calendar: time, name, dose, route, duration, n of m, and what it is given before."""
    from schedplan.words import dose_text as dose  # one wording everywhere (schedplan.words)
    from schedplan.words import duration_text as duration  # "1 hour", "90 min"

    parts = [time_text(e), e.name] if e.time is not None else [e.name]
    if e.dose is not None:
        # a daily total whose frequency the record does not state says so, as the table and calendars do
        parts.append(dose(e) + (" daily total" if e.frequency else ""))
    elif e.kind in ADMINISTERED:
        parts.append(f"(no dose: {e.dose_note or 'not stated'})")
    if e.route:
        parts.append(e.route + (f" {e.route_note}" if e.route_note else ""))
    elif e.kind in ADMINISTERED:
        parts.append("(route not stated)")
    if e.duration_minutes:
        parts.append(f"over {duration(e.duration_minutes)}")
    parts += series_part(e)
    text = " ".join(parts)
    if e.assumed:  # the protocol's reading of the record, not the record's words: never shown as fact
        text += f" [ASSUMED: {', '.join(k.replace('_', ' ') for k in e.assumed)}]"
    if e.premedication_for:
        text += f" [before {e.premedication_for}]"
    if e.approximate_day:
        text += " (~ day approximate)"
    if e.overrides:
        text += f" [{WARN} OVERRIDDEN: {', '.join(o.code for o in e.overrides)}]"
    text += status_text(e)
    return text


def status_text(e: PlannedEvent) -> str:
    """What the recorded amendments did to an administration, in words with a symbol (not only a colour):
    ' ✗ HELD', ' → MOVED from 2027-03-01', ' % MODIFIED 80 %', ' ✓ GIVEN 09:10 by AB'; '' when nothing."""
    from schedplan.core.amendments import AmendedEvent
    from schedplan.words import given_at_text

    if not isinstance(e, AmendedEvent):
        return ""
    out = []
    if e.status == "held":
        out.append("✗ HELD")
    if e.date != e.planned_date:
        out.append(f"→ MOVED from {e.planned_date.isoformat()}")
    if e.modification is not None:
        m = e.modification
        if m.get("percent") is not None:
            out.append(f"% MODIFIED {fmt(Decimal(m['percent']))} %")
        elif m.get("dose_level") is not None:
            out.append(f"% MODIFIED dose level {m['dose_level']}")
        else:
            d = m.get("dose") or {}
            out.append(f"% MODIFIED to {fmt(Decimal(d.get('value', 0)))} {d.get('unit', '')}".rstrip())
    if e.status == "given" and e.given is not None:
        g = e.given
        when = given_at_text(g.get("at"), e.date.isoformat())
        amount = ""
        if e.dose is not None and g.get("value") is not None and Decimal(g["value"]) != e.dose.value:
            amount = f" {fmt(Decimal(g['value']))} {g.get('unit', '')}"
        out.append(f"✓ GIVEN{amount}" + (f" {when}" if when else "") + f" by {g.get('by', '?')}")
    return "".join(f" {x}" for x in out)


def status_mark(e: PlannedEvent) -> str:
    """The short form of status_text for a table cell: '✗ HELD', '→ MOVED % MODIFIED', '✓ GIVEN'; ''."""
    from schedplan.core.amendments import AmendedEvent

    if not isinstance(e, AmendedEvent):
        return ""
    marks = ["✗ HELD"] if e.status == "held" else []
    marks += ["→ MOVED"] if e.date != e.planned_date else []
    marks += ["% MODIFIED"] if e.modification is not None else []
    marks += ["✓ GIVEN"] if e.status == "given" else []
    return " ".join(marks)


def label_for(protocol: Protocol, anchor: dt.date, date: dt.date) -> str:
    """The day label of any date, for days shown without events ('Day +3', 'C2 D8')."""
    from schedplan.core.dates import day_label

    offset = (date - anchor).days
    if not protocol.is_cycles:
        return day_label(offset, None)
    n = protocol.anchor.cycle_days or 1
    if offset < 0:
        return f"{offset:+d} d"
    return day_label(offset % n + 1, offset // n + 1)


def day0_date(plan: Plan) -> dt.date:
    return plan.anchor_date


def administrations(plan: Plan) -> list[PlannedEvent]:
    """The events a pharmacist checks: drugs, cell products and radiation."""
    return [e for e in plan.events if e.kind in ADMINISTERED]


def totals(plan: Plan) -> list[str]:
    """Per drug (core.safety.DrugTotal): the whole plan, then each cycle, beside the total as prescribed."""
    out = []
    for t in plan.totals:
        head = f"{t.name}" if t.cycle is None else f"  cycle {t.cycle}"
        given = dose_display(t.total, t.unit)
        line = f"{head}: {given} in {t.doses} dose{'s' if t.doses != 1 else ''} (prescribed {t.prescribed_total})"
        if t.calculated_total != t.total:
            line += f"; calculated {dose_display(t.calculated_total, t.unit)} before the site policy"
        out.append(line)
    uncalculated: OrderedDict[str, int] = OrderedDict()
    for e in administrations(plan):
        if e.dose is None:
            uncalculated[e.name] = uncalculated.get(e.name, 0) + 1
    out += [
        f"{name}: {WARN} no dose calculated ({n} administration{'s' if n != 1 else ''})"
        for name, n in uncalculated.items()
    ]
    return out


# Warning titles in the ward's words (the code follows in grey); the critical ones come first: a dose capped or
# changed by a rule, a BSA out of range, measurements that are stale or undated.
WARNING_TITLES = {
    "bsa-cap": "BSA capped by the site policy",
    "max-dose": "Dose capped at its maximum",
    "rounding-refused": "Rounding refused",
    "rounding": "Dose rounded",
    "dosing-weight": "Dosing weight used instead of actual weight",
    "bsa-out-of-range": "BSA out of the usual range",
    "measurement-too-old": "Weight and height measured too long ago",
    "measurement-date-unknown": "Date of weight and height not given",
    "measured-bsa-differs": "Measured BSA differs from the formula",
    "obesity-no-dosing-weight-rule": "Obese patient, no dosing-weight rule",
    "outpatient-on-holiday": "Outpatient visit on a public holiday",
    "outpatient-on-weekend": "Outpatient visit on a weekend",
    "course-does-not-add-up": "Course does not add up",
    "default-choice": "Protocol default used",
    "dose-not-set": "Dose not set",
    "dose-not-stated": "Dose not stated",
    "route-not-stated": "Route not stated",
    "approximate-day": "Day is approximate",
    "ibw-not-calculated": "Ideal body weight not calculated",
}
CRITICAL_WARNINGS = (
    "bsa-cap",
    "max-dose",
    "rounding-refused",
    "dosing-weight",
    "rounding",
    "bsa-out-of-range",
    "measurement-too-old",
    "measurement-date-unknown",
    "measured-bsa-differs",
)


def warning_title(code: str) -> str:
    return WARNING_TITLES.get(code, code.replace("-", " ").capitalize())


def ordered_warnings(warnings: list[PlanWarning]) -> list[PlanWarning]:
    """Critical warnings first (in the order above), then the rest as the plan lists them."""
    rank = {code: n for n, code in enumerate(CRITICAL_WARNINGS)}
    return sorted(warnings, key=lambda w: rank.get(w.code, len(rank)))


_SET = re.compile(r"--set (\w+)=\S*")
_SET_EACH = re.compile(r"set each with --set KEY=VALUE, e\.g\. --set \S+")
_FLAG = re.compile(r"--([a-z][a-z-]*)(?: (?=\d)|\b)")


def ward_words(text: str, protocol: Protocol | None) -> str:
    """A message from the shared calculation, as the form names things: the field a person fills in instead of
    the command-line flag that sets it, the protocol's own date label instead of 'anchor date'."""
    labels = {c.key: c.label for c in protocol.choices} if protocol is not None else {}
    fields = {
        "weight": "Weight",
        "height": "Height",
        "sex": "Sex",
        "bsa": "Measured BSA",
        "bsa-formula": "BSA formula",
        "measured-on": "Measured on",
        "anchor-date": protocol.anchor.date_label if protocol else "day 0 date",
        "birth-date": "Birth date",
        "creatinine": "Serum creatinine",
        "creatinine-date": "Creatinine measured on",
        "crcl": "Measured CrCl",
        "egfr": "eGFR",
        "lab": "Labs",
    }
    text = text.replace(" VALUE UNIT", "").replace("--override ", "the override ")
    text = _SET_EACH.sub("choose each in the form", text)
    text = _SET.sub(lambda m: f'a value in the "{labels.get(m.group(1), m.group(1))}" field', text)
    text = re.sub(r"e\.g\. --bsa (\d)", r"e.g. \1", text)
    text = re.sub(r"give --sex M or F", 'choose M or F in the "Sex" field', text)
    text = _FLAG.sub(lambda m: f'the "{fields.get(m.group(1), m.group(1))}" field ', text)
    if protocol is not None:
        text = text.replace("anchor date", protocol.anchor.date_label)
    return text
