"""The time a dose was given (`amend given --at`): read, and checked against now and the administration's day."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from schedplan.core.saved import SavedPlan
from schedplan.core.schedule import PlannedEvent
from schedplan.errors import InputError

FORMAT = "%Y-%m-%d %H:%M"


def ward_zone(saved: SavedPlan) -> str | None:
    """The zone of the ward's clock as the plan file knows it: its staff calendar's (the last export's when that
    was for staff, else the last staff calendar file recorded); None when it has none (a patient calendar's zone
    may be the patient's, not the ward's)."""
    last = saved.export_options
    if last is not None and last.audience == "staff" and last.tz:
        return last.tz
    staff = [o.tz for o in saved.calendars.values() if o.audience == "staff" and o.tz]
    return staff[-1] if staff else None


def wall_clock(now: dt.datetime, zone: str | None) -> tuple[dt.datetime, str]:
    """(``now`` as the clock on the ward's wall reads it, to the minute; the zone's name): in ``zone`` (IANA: the
    plan's staff calendar zone, ward_zone) when it is known, else in ``now``'s own UTC offset (the machine's)."""
    tz: dt.tzinfo | None = None
    name = ""
    if zone:
        try:
            tz, name = ZoneInfo(zone), zone
        except (ZoneInfoNotFoundError, ValueError):
            tz = None
    if tz is None:
        tz = now.tzinfo
        name = now.strftime("UTC%z")
        name = name[:-2] + ":" + name[-2:] if len(name) > 5 else name
    local = now.astimezone(tz).replace(second=0, microsecond=0, tzinfo=None)
    return local, name


def given_at(text: str, event: PlannedEvent | None, now: dt.datetime, zone: str | None) -> str:
    """``text`` ("YYYY-MM-DD HH:MM", the local time a dose was given) as recorded. InputError (field ``at``,
    nothing recorded) when it is not such a time; when it is after ``now`` (an aware time: when the amendment
    is recorded), read in ``zone`` (see wall_clock) - a dose is recorded given once it has been given; or when
    it is not on the date ``event`` is on as the course stands (scheduled or moved): given on a later day, a
    delay is recorded first; on an earlier day, the date is to be checked (an administration is never moved
    earlier)."""
    try:
        when = dt.datetime.strptime(text.strip(), FORMAT)
    except ValueError:
        raise InputError(f'--at {text!r} is not a time; write "YYYY-MM-DD HH:MM"', field="at") from None
    shown = when.strftime(FORMAT)
    wall, name = wall_clock(now, zone)
    if when > wall:
        raise InputError(
            f"--at {shown} is after now ({wall.strftime(FORMAT)} {name}): record a dose as given once it has been"
            " given, at the time it was given",
            field="at",
            value=shown,
        )
    if event is not None and when.date() != event.date:
        late = (when.date() - event.date).days
        what = f"{event.name} {event.label}"
        if late > 0:
            hint = (
                f"if it was given {late} day{'s' if late != 1 else ''} late, record a delay of"
                f" {late} day{'s' if late != 1 else ''} first (amend delay), then record it given"
            )
        else:
            hint = "an administration is never moved earlier: check the date"
        raise InputError(f"--at {shown} is not on {event.date}, the day {what} is on; {hint}", field="at", value=shown)
    return shown


def not_to_come(event: PlannedEvent | None, now: dt.datetime, zone: str | None) -> None:
    """A dose recorded given without a time: InputError (field ``drug``, nothing recorded) when ``event`` is on a
    later day than today on the ward's clock (see wall_clock) - a dose is recorded given once it has been given,
    and a later day is most often a typo in the cycle or day."""
    if event is None:
        return
    wall, name = wall_clock(now, zone)
    if event.date > wall.date():
        raise InputError(
            f"{event.name} {event.label} is on {event.date}, after today ({wall.date()} {name}): a dose is"
            " recorded given once it has been given; check --cycle and --day",
            field="drug",
        )
