"""What the templates show, worked out from the saved plan: month grids, days, header facts, totals."""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import groupby
from typing import Any

from schedplan.core.units import dose_display, fmt
from schedplan.errors import InputError
from schedplan.export.printout import course, words
from schedplan.export.printout.i18n import Language
from schedplan.export.printout.model import PrintOptions, PrintSource, events_in_range


@dataclass
class Cell:
    date: dt.date
    number: int
    label: str | None
    items: list[str]
    day0: bool
    today: bool
    weekend: bool
    moved_note: str | None = None


@dataclass
class Month:
    first: dt.date
    title: str
    weeks: list[list[Cell | None]] = field(default_factory=list)
    empty: bool = False
    dense: bool = False  # set in smaller type so that the month stays on its one page (crowded_month)


@dataclass
class Row:
    """One event of a day: what both audiences see, and the staff's columns."""

    name: str
    patient: str
    kind: str
    dose: str
    route: str
    duration: str
    prescribed: str | None
    calculation: str | None
    rules: list[str]
    change: str | None
    premedication_for: str | None
    approximate: bool
    notes: str | None
    has_dose: bool
    time: str | None = None  # "08:00"; None: all day
    site_time: bool = False  # the time is the site policy's usual one, not the protocol's
    number: str | None = None  # "2 of 16"
    label: str = ""  # the administration's own day label (a moved one keeps it)
    held: bool = False
    marks: list[str] = field(default_factory=list)  # staff: held / moved / modified / given, word and symbol
    course_lines: list[str] = field(default_factory=list)  # staff: what each amendment did, reason and author
    given_columns: tuple[str, str, str] = ("", "", "")  # staff: given / at / initials (empty to fill in)
    moved_from: dt.date | None = None  # patient: the date it moved from (on the row, or once for its day)
    assumed: list[tuple[str, str]] = field(default_factory=list)  # staff: (field, why) the protocol's reading
    frequency: str | None = None  # staff: a daily total whose frequency the record does not state


@dataclass
class Day:
    date: dt.date
    date_text: str
    weekday: str
    label: str
    rows: list[Row]
    day0: bool
    weekend: bool
    moved_from: dt.date | None = None  # patient: said once when every entry of the day moved from one date


def _patient_item(lang: Language, e: dict[str, Any], source: PrintSource) -> str:
    """One line of the patient's calendar: [not given / given] [time] what, how, how long [n of m]
    [the day is approximate]; where it moved from is Row.moved_note."""
    before = course.patient_status(lang, e)
    number = words.number_text(lang, e)
    parts = [
        before,
        words.time_text(lang, e),
        words.patient_words(lang, e, source.patient_texts) + (f" ({number})" if number else ""),
    ]
    text = " ".join(p for p in parts if p)
    if e.get("approximate_day"):
        text += " (" + lang.gettext("the day is approximate") + ")"
    return text


def _row(lang: Language, e: dict[str, Any], source: PrintSource, names: dict[str, str], staff: bool) -> Row:
    dose = e.get("dose") or None
    rules = [
        f"{r['rule']}: {r['detail']}" if r.get("detail") else str(r["rule"]) for r in (dose or {}).get("rules", [])
    ]
    return Row(
        name=e["name"],
        patient=_patient_item(lang, e, source),
        kind=e.get("kind") or "",
        dose=words.dose_text(lang, e),
        route=words.route_text(lang, e),
        duration=words.duration(lang, e.get("duration_minutes")) or lang.gettext("not stated"),
        prescribed=(dose or {}).get("prescribed"),
        calculation=(dose or {}).get("calculation"),
        rules=rules,
        change=words.policy_change(lang, e),
        premedication_for=names.get(e.get("premedication_for") or "", e.get("premedication_for")),
        approximate=bool(e.get("approximate_day")),
        notes=e.get("notes"),
        has_dose=dose is not None and dose.get("value") is not None,
        time=e.get("time"),
        site_time=bool(e.get("time")) and e.get("source_of_time") == "site",
        number=words.number_text(lang, e),
        label=words.day_label(lang, e),
        held=e.get("status") == "held",
        marks=course.staff_marks(lang, e) if staff else [],
        course_lines=list(e.get("course_lines") or []) if staff else [],
        given_columns=course.given_columns(lang, e) if staff else ("", "", ""),
        moved_from=course.planned_date(e),
        assumed=[(k.replace("_", " "), str(v)) for k, v in (e.get("assumed") or {}).items()] if staff else [],
        frequency=e.get("frequency") if staff else None,
    )


def _day_moved_from(rows: list[Row]) -> dt.date | None:
    """The date a day's entries all moved from (a delayed cycle), said once for the day and taken off its rows;
    None (each row keeps its own) otherwise."""
    dates = {r.moved_from for r in rows}
    if len(dates) != 1 or None in dates:
        return None
    was = rows[0].moved_from
    for r in rows:
        r.moved_from = None
    return was


def days(lang: Language, source: PrintSource, options: PrintOptions) -> list[Day]:
    """Every day with an event between --from and --to, each with its events."""
    anchor = dt.date.fromisoformat(source.schedule["anchor_date"])
    names = {e["event_id"]: e["name"] for e in source.schedule.get("events", []) if e.get("event_id")}
    out = []
    for date_text, group in groupby(events_in_range(source.schedule, options), key=lambda e: e["date"]):
        events = words.time_order(list(group))
        d = dt.date.fromisoformat(date_text)
        stayed = [e for e in events if e.get("planned_date", e["date"]) == e["date"]]  # the day's own label
        rows = [_row(lang, e, source, names, options.audience == "staff") for e in events]
        out.append(
            Day(
                date=d,
                date_text=lang.long_date(d),
                weekday=lang.weekday(d, "wide"),
                label=words.day_label(lang, (stayed or events)[0]),
                rows=rows,
                moved_from=_day_moved_from(rows),
                day0=d == anchor,
                weekend=lang.is_weekend(d),
            )
        )
    if not out:
        raise InputError(
            "no event of the plan falls between --from and --to; widen the dates (the plan runs from"
            f" {_first_last(source)})",
            field="from",
        )
    return out


def _first_last(source: PrintSource) -> str:
    dates = [e["date"] for e in source.schedule.get("events", [])]
    return f"{min(dates)} to {max(dates)}" if dates else "no date (it has no events)"


# A month grid's page holds about 50 lines of calendar text (8 pt type on A4 or Letter landscape); a cell's
# line holds about 22 characters, and a week's row is at least 25 mm (7.4 lines) high. Beyond the budget the
# month is set in smaller type rather than spill onto a second page.
_LINES_ON_A_PAGE, _CHARS_IN_A_LINE, _EMPTY_ROW_LINES = 46, 22, 7.4


def crowded_month(weeks: list[list[Cell | None]]) -> bool:
    """Whether a month's cells, set at the normal size, would run past its one page (an estimate)."""

    def lines(c: Cell | None) -> float:
        if c is None:
            return 0
        text = sum(-(-len(item) // _CHARS_IN_A_LINE) for item in c.items)
        return 1.5 + text + (1 if c.moved_note else 0) + (1 if c.today else 0)

    return sum(max(_EMPTY_ROW_LINES, *(lines(c) for c in week)) for week in weeks) > _LINES_ON_A_PAGE


def _cell_item(lang: Language, r: Row) -> str:
    note = course.moved_note(lang, r.moved_from, short=True)
    return r.patient + (f" {note}" if note else "")


def months(lang: Language, source: PrintSource, options: PrintOptions, by_day: list[Day]) -> list[Month]:
    """One month grid per month from the first to the last printed event; a month without one is empty."""
    anchor = dt.date.fromisoformat(source.schedule["anchor_date"])
    day0_plan = source.schedule.get("anchor_type") != "cycles"
    today = options.printed_at.date()
    first, last = by_day[0].date, by_day[-1].date
    by_date = {d.date: d for d in by_day}
    cal = calendar.Calendar(firstweekday=lang.locale.first_week_day)
    out = []
    y, m = first.year, first.month
    while (y, m) <= (last.year, last.month):
        month = Month(first=dt.date(y, m, 1), title=lang.month_title(dt.date(y, m, 1)))
        month.empty = not any(d.year == y and d.month == m for d in by_date)
        if not month.empty:
            for week in cal.monthdatescalendar(y, m):
                row: list[Cell | None] = []
                for d in week:
                    if d.month != m:
                        row.append(None)
                        continue
                    day = by_date.get(d)
                    if day is not None:
                        label: str | None = day.label
                    elif day0_plan and first <= d <= last:
                        n = (d - anchor).days
                        label = words.day_label(lang, {"day": n, "cycle": None})
                    else:
                        label = None
                    row.append(
                        Cell(
                            date=d,
                            number=d.day,
                            label=label,
                            items=[_cell_item(lang, r) for r in day.rows] if day else [],
                            moved_note=course.moved_note(lang, day.moved_from, short=True) if day else None,
                            day0=d == anchor,
                            today=d == today,
                            weekend=lang.is_weekend(d),
                        )
                    )
                month.weeks.append(row)
            month.dense = crowded_month(month.weeks)
        out.append(month)
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def _num(value: Any) -> Decimal:
    return Decimal(str(value))


def header(lang: Language, source: PrintSource, options: PrintOptions) -> dict[str, Any]:
    """The facts at the top of every staff page."""
    s = source.schedule
    p = s.get("patient") or {}
    protocol = s.get("protocol") or {}
    policy = s.get("policy")
    sha = protocol.get("sha256")
    formula = p.get("bsa_formula") or ""
    measured_on = source.measured_on or p.get("measured_on")
    return {
        "protocol_id": protocol.get("id"),
        "title": protocol.get("title"),
        "version": protocol.get("version"),
        "sha256": sha[:12] if sha else lang.gettext("not recorded"),
        "plan_id": source.plan_id,
        "policy": None
        if policy is None
        else {
            "name": policy.get("name"),
            "version": policy.get("version"),
            "example": bool(policy.get("example")),
        },
        "weight": p.get("weight_entered") or f"{fmt(_num(p['weight_kg']))} kg",
        "weight_kg": fmt(_num(p["weight_kg"])) if p.get("weight_kg") is not None else None,
        "height": p.get("height_entered") or f"{fmt(_num(p['height_cm']))} cm",
        "height_cm": fmt(_num(p["height_cm"])) if p.get("height_cm") is not None else None,
        "sex": p.get("sex"),
        "measured_on": lang.medium_date(dt.date.fromisoformat(measured_on)) if measured_on else None,
        "bsa": fmt(_num(p["bsa_m2"])) if p.get("bsa_m2") is not None else None,
        "bsa_formula": lang.gettext("measured") if formula == "measured" else formula.replace("_", "-").title(),
        "ibw": fmt(_num(p["ibw_kg"])) if p.get("ibw_kg") is not None else None,
        "adjbw": fmt(_num(p["adjbw_kg"])) if p.get("adjbw_kg") is not None else None,
        "printed_at": lang.datetime(options.printed_at),
    }


def totals(lang: Language, source: PrintSource) -> list[dict[str, Any]]:
    out = []
    for t in source.schedule.get("totals", []):
        total, calc = _num(t["total"]), _num(t["calculated_total"])
        out.append(
            {
                "name": t["name"],
                "cycle": t.get("cycle"),
                "doses": t["doses"],
                "total": dose_display(total, t["unit"]),
                "calculated": dose_display(calc, t["unit"]) if calc != total else None,
                "prescribed": t.get("prescribed_total"),
            }
        )
    return out
