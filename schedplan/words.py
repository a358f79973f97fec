"""The one wording of a duration, a dose, a date, a time of day and a day's administration list, for every view."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from schedplan.core.changes import PlanChanges
from schedplan.core.schedule import PlannedEvent
from schedplan.core.units import dose_display


def duration_text(minutes: int | None) -> str:
    """``30 min``, ``90 min``, ``1 hour``, ``2 hours``: whole hours in hours, anything else in minutes; "" for none."""
    if not minutes:
        return ""
    if minutes % 60 == 0:
        hours = minutes // 60
        return f"{hours} hour{'s' if hours > 1 else ''}"
    return f"{minutes} min"


def given_at_text(at: str | None, day: str) -> str:
    """When a recorded administration was given, as its day's row shows it: the time alone ("09:10") when it was
    given on ``day`` (YYYY-MM-DD), else the date and time as recorded; "" when no time was recorded."""
    text = str(at or "")
    return text[11:] if text[:10] == day else text


def dose_value_text(value: Decimal, unit: str) -> str:
    """A dose as ISMP asks: ``68.04 mg``, ``466.7 x 10^6 cells``, ``10 x 10^6 units`` (core.units.dose_display)."""
    return dose_display(value, unit)


def dose_text(e: PlannedEvent) -> str:
    """An event's dose, ``68.04 mg``, or the reason there is no calculated dose ("" where none is given)."""
    if e.dose is not None:
        return dose_value_text(e.dose.value, e.dose.unit)
    return e.dose_note or ""


def date_text(date: dt.date) -> str:
    """``2027-03-15 Mon``: the ISO date (never ambiguous between countries), then the weekday."""
    return f"{date.isoformat()} {date.strftime('%a')}"


def clock_text(time: dt.time | None, source: str | None) -> str | None:
    """``08:00``, ``08:00 (site time)`` for the site policy's usual time (said in words, never only by colour), or
    None (all-day)."""
    if time is None:
        return None
    return f"{time:%H:%M}" + (" (site time)" if source == "site" else "")


def time_text(e: PlannedEvent) -> str | None:
    """An administration's time of day (clock_text), or None (all-day)."""
    return clock_text(e.time, e.source_of_time)


def series_text(e: PlannedEvent) -> str:
    """``1 of 4``: which administration of the day or the `every` series; "" for the only one."""
    return f"{e.administration} of {e.administrations}" if e.administrations else ""


def in_time_order(events: Iterable[PlannedEvent]) -> list[PlannedEvent]:
    """One day's events by clock time, the untimed (all-day) first; otherwise in the order given (stable)."""
    return sorted(events, key=lambda e: -1 if e.time is None else e.time.hour * 60 + e.time.minute)


@dataclass(frozen=True)
class AdministrationRow:
    """One line of a day's administration list, as every view writes it (the bedside columns are the view's)."""

    time: str  # "08:00", "08:00 (site time)" or "all day"
    item: str
    dose: str  # "" when none is given
    route: str
    number: str  # "2 of 4", "" for the only one
    event: PlannedEvent  # for what a view adds (a premedication's drug, the calculation, the notes)


def administration_rows(events: Iterable[PlannedEvent]) -> list[AdministrationRow]:
    """One day's events as the rows of its administration list, in time order (untimed first, "all day")."""
    return [
        AdministrationRow(time_text(e) or "all day", e.name, dose_text(e), e.route or "", series_text(e), e)
        for e in in_time_order(events)
    ]


def days_text(n: int) -> str:
    """``+3 days``, ``-1 day``."""
    return f"{n:+d} day{'s' if abs(n) != 1 else ''}"


def _change_dose(value: Decimal | None, unit: str | None) -> str:
    return "no dose" if value is None or unit is None else dose_display(value, unit)


def change_lines(changes: PlanChanges, flagged: set[str] | frozenset[str] = frozenset()) -> list[str]:
    """Every change of a replanned plan, one a line, as `schedplan replan` prints and the terminal UI lists them;
    ``flagged`` dose keys (a recalculation the site policy requires) get a '!'."""
    out: list[str] = []
    if changes.old_anchor != changes.new_anchor:
        shift = (changes.new_anchor - changes.old_anchor).days
        out.append(f"Day 0 moved: {changes.old_anchor} -> {changes.new_anchor} ({days_text(shift)})")
    if changes.moved:
        out.append(f"Moved ({len(changes.moved)}):")
        for m in changes.moved:
            label = m.new_label if m.old_label == m.new_label else f"{m.old_label} -> {m.new_label}"
            out.append(f"  {label:<10} {m.name}: {m.old_date} -> {m.new_date} ({days_text(m.days)})")
    if changes.doses:
        out.append(f"Doses changed ({len(changes.doses)}):")
        for d in changes.doses:
            tail = f" ({d.percent:+}%)" if d.percent is not None else ""
            mark = "!" if d.key in flagged else " "
            old, new = _change_dose(d.old_value, d.old_unit), _change_dose(d.new_value, d.new_unit)
            out.append(f"{mark} {d.label:<10} {d.name} {d.date}: {old} -> {new}{tail}")
    if changes.times:
        out.append(f"Times changed ({len(changes.times)}):")
        for t in changes.times:
            which = f" ({t.administration} of {t.administrations})" if t.administrations else ""
            old_time = clock_text(t.old_time, t.old_source) or "all day"
            new_time = clock_text(t.new_time, t.new_source) or "all day"
            out.append(f"  {t.label:<10} {t.name}{which} {t.date}: {old_time} -> {new_time}")
    if changes.added:
        out.append(f"Added ({len(changes.added)}):")
        for e in changes.added:
            dose = f": {_change_dose(e.dose_value, e.dose_unit)}" if e.dose_value is not None else ""
            out.append(f"  {e.label:<10} {e.name} {e.date}{dose}")
    if changes.removed:
        out.append(f"Removed ({len(changes.removed)}):")
        out += [f"  {e.label:<10} {e.name} {e.date}" for e in changes.removed]
    return out or ["No changes."]
