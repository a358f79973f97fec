"""Calendar dates typed by a person (YYYY-MM-DD) and the day labels of a schedule."""

from __future__ import annotations

import calendar
import datetime as dt
import re

import pendulum

from schedplan.errors import InputError

_DATE_RE = re.compile(r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})\s*$")


def parse_date(text: str, what: str = "date") -> pendulum.Date:
    """``2027-03-15`` -> a date; an impossible date says why (``2027-02-30``: February 2027 has 28 days)."""
    m = _DATE_RE.match(text or "")
    if m is not None and (len(m.group(2)) < 2 or len(m.group(3)) < 2):
        # "2027-03-1" may be 2027-03-1[5] typed in part: never guess which day was meant
        raise InputError(
            f"{what} {text!r} is incomplete: write the month and day with two digits each, YYYY-MM-DD, e.g. 2027-03-15",
            field=what,
            value=text,
        )
    if m is None:
        raise InputError(
            f"{what} {text!r} is not a date; write it as YYYY-MM-DD, e.g. 2027-03-15", field=what, value=text
        )
    year, month, day = (int(g) for g in m.groups())
    if not 1 <= month <= 12:
        raise InputError(
            f"{what} {text!r} is not a real date: there is no month {month} (months are 01 to 12)",
            field=what,
            value=text,
        )
    last = calendar.monthrange(year, month)[1]
    if not 1 <= day <= last:
        raise InputError(
            f"{what} {text!r} is not a real date: {calendar.month_name[month]} {year} has {last} days",
            field=what,
            value=text,
        )
    if not 1900 <= year <= 2200:
        raise InputError(f"{what} {text!r}: the year must be from 1900 to 2200", field=what, value=text)
    return pendulum.date(year, month, day)


def as_pendulum(d: dt.date) -> pendulum.Date:
    return d if isinstance(d, pendulum.Date) else pendulum.date(d.year, d.month, d.day)


def day_label(day: int, cycle: int | None) -> str:
    """``Day -4``, ``Day 0``, ``Day +5``, or ``C2 D8`` in a cycle protocol."""
    if cycle is not None:
        return f"C{cycle} D{day}"
    return "Day 0" if day == 0 else f"Day {day:+d}"
