"""The one wording of a duration, a dose and a date, for every view: text, terminal UI, calendars, printouts."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

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
