"""A plan's wall-clock times as moments in a time zone, with what was done where the clocks change (DST)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from schedplan.core.schedule import PlannedEvent

UTC = dt.UTC


def _zone(tz: str) -> dt.tzinfo:
    return UTC if tz == "UTC" else ZoneInfo(tz)


def _offset(moment: dt.datetime) -> str:
    off = moment.utcoffset() or dt.timedelta(0)
    sign = "-" if off < dt.timedelta(0) else "+"
    minutes = abs(int(off.total_seconds())) // 60
    return f"UTC{sign}{minutes // 60:02d}:{minutes % 60:02d}"


def zoned(date: dt.date, time: dt.time, tz: str) -> tuple[dt.datetime, str | None]:
    """``time`` on ``date`` in zone ``tz``, and a note where the clocks change that night.

    A time that does not exist (the clocks go forward over it) is moved forward by the gap, as RFC 5545
    reads it: 02:30 becomes 03:30. A time that happens twice (the clocks go back) is the first of the two,
    the earlier moment, as RFC 5545 reads it.
    """
    zone = _zone(tz)
    first = dt.datetime.combine(date, time, tzinfo=zone)
    if first.utcoffset() == first.replace(fold=1).utcoffset():
        return first, None
    real = first.astimezone(UTC).astimezone(zone)
    if real.replace(tzinfo=None) != first.replace(tzinfo=None):
        return real, (
            f"{time:%H:%M} does not exist on {date.isoformat()} in {tz} (the clocks go forward that night):"
            f" given at {real:%H:%M} ({_offset(real)})"
        )
    return first, (
        f"{time:%H:%M} happens twice on {date.isoformat()} in {tz} (the clocks go back that night):"
        f" the first {time:%H:%M} ({_offset(first)}), not the second ({_offset(first.replace(fold=1))})"
    )


def unambiguous(moment: dt.datetime) -> dt.datetime:
    """``moment`` as a calendar file can say it: in UTC where its wall time happens twice (a local time with a
    TZID cannot say which of the two, and clients differ: ical.js takes the second where RFC 5545 says the first)."""
    if moment.tzinfo is UTC or moment.utcoffset() == moment.replace(fold=1 - moment.fold).utcoffset():
        return moment
    return moment.astimezone(UTC)


def end_of(start: dt.datetime, minutes: int) -> dt.datetime:
    """``minutes`` of real time after ``start`` (not of wall-clock time: an hour over 02:00 is an hour)."""
    zone = start.tzinfo
    assert zone is not None
    return (start.astimezone(UTC) + dt.timedelta(minutes=minutes)).astimezone(zone)


def event_moments(
    e: PlannedEvent, tz: str, fallback: dt.time | None = None, fallback_minutes: int | None = None
) -> tuple[dt.datetime | None, dt.datetime | None, str | None]:
    """(start, end, note where the clocks change) of one administration in ``tz``: its own time, else
    ``fallback``; no time, (None, None, None). The end is start + duration (else ``fallback_minutes``; else None)."""
    time = e.time or fallback
    if time is None:
        return None, None, None
    start, note = zoned(e.date, time, tz)
    minutes = e.duration_minutes or fallback_minutes
    return start, (end_of(start, minutes) if minutes else None), note


def clock_warning(e: PlannedEvent, note: str) -> str:
    """A note of ``zoned`` as a warning that names the administration."""
    which = f" (administration {e.administration} of {e.administrations})" if e.administrations else ""
    return f"{e.label} {e.name}{which}: {note}"


def _series(key: str) -> str:
    """The key of an administration's day or series: ``busulfan/1`` of ``busulfan/1/a7``."""
    head, _, tail = key.rpartition("/")
    return head if tail.startswith("a") and tail[1:].isdigit() else key


def interval_warnings(events: list[PlannedEvent], tz: str) -> list[str]:
    """Administrations of one day or `every` series whose interval on the clock is not the real one, because
    the clocks change between them: the plan keeps the clock times (what a ward follows) and says so."""
    by: dict[str, list[PlannedEvent]] = {}
    for e in events:
        if e.administrations and e.time is not None:
            by.setdefault(_series(e.key), []).append(e)
    out = []
    for group in by.values():
        group.sort(key=lambda e: e.administration or 0)
        for a, b in zip(group, group[1:], strict=False):
            assert a.time is not None and b.time is not None
            wall = dt.datetime.combine(b.date, b.time) - dt.datetime.combine(a.date, a.time)
            real = zoned(b.date, b.time, tz)[0].astimezone(UTC) - zoned(a.date, a.time, tz)[0].astimezone(UTC)
            if wall != real:
                out.append(
                    f"{b.label} {b.name}: administrations {a.administration} and {b.administration} of"
                    f" {b.administrations} are {_hours(wall)} apart on the clock but {_hours(real)} apart in real"
                    f" time (the clocks change between them in {tz}); the clock times are kept"
                )
    return out


def _hours(delta: dt.timedelta) -> str:
    minutes = int(delta.total_seconds()) // 60
    h, m = divmod(minutes, 60)
    return f"{h} h" + (f" {m} min" if m else "")
