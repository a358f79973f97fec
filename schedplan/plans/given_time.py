"""The time a dose was given (`amend given --at`): read, and checked against now and the administration's day."""

from __future__ import annotations

import datetime as dt

from schedplan.core.schedule import PlannedEvent
from schedplan.errors import InputError

FORMAT = "%Y-%m-%d %H:%M"


def wall_clock(now: dt.datetime) -> tuple[dt.datetime, str]:
    """(``now`` as the clock reads it, to the minute, in its own UTC offset - this machine's, where the person
    typing is; that offset's name, e.g. "UTC+01:00")."""
    name = now.strftime("UTC%z")
    name = name[:-2] + ":" + name[-2:] if len(name) > 5 else name
    return now.replace(second=0, microsecond=0, tzinfo=None), name


WINDOW = dt.timedelta(hours=12)  # a timed administration given this far either side of its time is still it


def _scheduled(event: PlannedEvent) -> dt.datetime | None:
    """The local time an administration is due as the course stands; None for an all-day one."""
    return None if event.time is None else dt.datetime.combine(event.date, event.time)


def _off(event: PlannedEvent, when: dt.datetime, shown: str) -> InputError | None:
    """Why ``when`` is not a time ``event`` was given at, or None: within WINDOW of its time (timed; a dose due at
    00:00 given at 23:55 the day before, one due at 20:00 started at 00:10), on its date (all-day)."""
    what = f"{event.name} {event.label}"
    due = _scheduled(event)
    if due is not None:
        if abs(when - due) <= WINDOW:
            return None
        hours = "more than 12 hours " + ("after" if when > due else "before")
        if when > due:
            hint = "if it was given a day or more late, record a delay first (amend delay), then record it given"
        else:
            hint = "an administration is never moved earlier: check the date and time"
        return InputError(f"--at {shown} is {hours} {what} (due {due:%Y-%m-%d %H:%M}); {hint}", field="at", value=shown)
    if when.date() == event.date:
        return None
    late = (when.date() - event.date).days
    if late > 0:
        days = f"{late} day{'s' if late != 1 else ''}"
        hint = f"if it was given {days} late, record a delay of {days} first (amend delay), then record it given"
    else:
        hint = "an administration is never moved earlier: check the date"
    return InputError(f"--at {shown} is not on {event.date}, the day {what} is on; {hint}", field="at", value=shown)


def given_at(text: str, event: PlannedEvent | None, now: dt.datetime) -> str:
    """``text`` ("YYYY-MM-DD HH:MM", the local time a dose was given) as recorded. InputError (field ``at``,
    nothing recorded) when it is not such a time; when it is after ``now`` (an aware time: when the amendment
    is recorded), read on this machine's clock (see wall_clock) - a dose is recorded given once
    it has been given; or when it is not a time ``event`` can have been given at as the course stands (scheduled
    or moved): more than 12 hours from its time, or for an all-day administration another date - given later,
    a delay is recorded first; earlier, the date is to be checked (an administration is never moved earlier)."""
    try:
        when = dt.datetime.strptime(text.strip(), FORMAT)
    except ValueError:
        raise InputError(f'--at {text!r} is not a time; write "YYYY-MM-DD HH:MM"', field="at") from None
    shown = when.strftime(FORMAT)
    wall, name = wall_clock(now)
    if when > wall:
        raise InputError(
            f"--at {shown} is after now ({wall.strftime(FORMAT)} {name}): record a dose as given once it has been"
            " given, at the time it was given",
            field="at",
            value=shown,
        )
    if event is not None and (refused := _off(event, when, shown)) is not None:
        raise refused
    return shown


def not_to_come(event: PlannedEvent | None, now: dt.datetime) -> None:
    """A dose recorded given without a time: InputError (field ``drug``, nothing recorded) when ``event`` is still
    to come on the clock (see wall_clock): more than 12 hours before its time, or (all-day) on a later day than
    today - a dose is recorded given once it has been given, and a later day is most often a typo in the cycle
    or day."""
    if event is None:
        return
    wall, name = wall_clock(now)
    due = _scheduled(event)
    if due is not None and due - wall > WINDOW:
        raise InputError(
            f"{event.name} {event.label} is due {due:%Y-%m-%d %H:%M}, more than 12 hours after now"
            f" ({wall:%Y-%m-%d %H:%M} {name}): a dose is recorded given once it has been given; check --cycle and"
            " --day",
            field="drug",
        )
    if due is None and event.date > wall.date():
        raise InputError(
            f"{event.name} {event.label} is on {event.date}, after today ({wall.date()} {name}): a dose is"
            " recorded given once it has been given; check --cycle and --day",
            field="drug",
        )
