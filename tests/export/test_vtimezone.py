"""The VTIMEZONEs are rule based (one STANDARD, one DAYLIGHT, RRULE) and agree with zoneinfo at every change.

The check expands each observance itself (DTSTART and RRULE with dateutil, onset in TZOFFSETFROM, as
RFC 5545 3.6.5 says) instead of trusting any library's reading of the component.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from dateutil.rrule import rrulestr
from icalendar import Calendar

from schedplan.export.vtimezone import transitions, vtimezone

UTC = dt.UTC
ZONES = [
    "Europe/Rome",
    "America/New_York",
    "Australia/Sydney",  # the southern hemisphere: summer time over new year
    "Europe/Dublin",  # zoneinfo calls winter the "daylight" saving (negative DST)
    "Asia/Jerusalem",  # the Friday before the last Sunday
    "America/Santiago",
    "Asia/Tokyo",  # no change at all
    "Africa/Casablanca",  # changes that follow no yearly rule
]


def onsets(tz_component, until: dt.datetime) -> list[tuple[dt.datetime, dt.timedelta]]:
    """(UTC instant, offset from then on) of every observance onset, by RFC 5545's own rules."""
    out = []
    for sub in tz_component.subcomponents:
        start = sub["DTSTART"].dt
        frm = sub["TZOFFSETFROM"].td
        to = sub["TZOFFSETTO"].td
        assert "RDATE" not in sub, "no RDATE lists (ical.js and vobject misread them)"
        local_starts = [start]
        if "RRULE" in sub:
            rule = rrulestr(sub["RRULE"].to_ical().decode(), dtstart=start)
            local_starts = list(rule.between(start, until.replace(tzinfo=None), inc=True))
        for local in local_starts:
            out.append(((local - frm).replace(tzinfo=UTC), to))
    return sorted(out)


def offset_at(table, instant: dt.datetime) -> dt.timedelta:
    current = None
    for when, offset in table:
        if when <= instant:
            current = offset
    assert current is not None, f"{instant} is before the first observance"
    return current


@pytest.mark.parametrize("tzid", ZONES)
@pytest.mark.parametrize(
    ("first", "last"), [(dt.date(2027, 1, 1), dt.date(2027, 12, 31)), (dt.date(2026, 11, 3), dt.date(2029, 2, 1))]
)
def test_vtimezone_agrees_with_zoneinfo(tzid, first, last):
    comp = vtimezone(tzid, first, last)
    comp = Calendar.from_ical(Calendar.new(subcomponents=[comp], prodid="-//t//t//EN").to_ical()).walk("VTIMEZONE")[0]
    assert comp["TZID"] == tzid
    zone = ZoneInfo(tzid)
    end = dt.datetime(last.year + 1, 1, 1, tzinfo=UTC)
    table = onsets(comp, end)
    # at every change zoneinfo knows (a second before and at it), and every 6 hours in between
    probes = []
    for t in transitions(zone, first.year, last.year):
        probes += [t.utc - dt.timedelta(seconds=1), t.utc]
    t = dt.datetime(first.year, first.month, first.day, tzinfo=UTC)
    while t < end:
        probes.append(t)
        t += dt.timedelta(hours=6)
    assert len(probes) > 300
    for p in probes:
        assert offset_at(table, p) == p.astimezone(zone).utcoffset(), (tzid, p)


@pytest.mark.parametrize("tzid", ["Europe/Rome", "America/New_York", "Australia/Sydney", "Europe/London"])
def test_zones_with_yearly_rules_get_one_standard_and_one_daylight(tzid):
    comp = vtimezone(tzid, dt.date(2027, 3, 1), dt.date(2028, 6, 1))
    names = sorted(sub.name for sub in comp.subcomponents)
    assert names == ["DAYLIGHT", "STANDARD"]
    for sub in comp.subcomponents:
        assert "RRULE" in sub and "RDATE" not in sub
    daylight = next(s for s in comp.subcomponents if s.name == "DAYLIGHT")
    standard = next(s for s in comp.subcomponents if s.name == "STANDARD")
    assert daylight["TZOFFSETTO"].td > standard["TZOFFSETTO"].td


def test_rome_is_the_last_sunday_of_march_and_october():
    """Written out by hand from the EU rule: 02:00 CET -> 03:00 CEST, 03:00 CEST -> 02:00 CET."""
    comp = vtimezone("Europe/Rome", dt.date(2027, 3, 1), dt.date(2027, 5, 1))
    daylight = next(s for s in comp.subcomponents if s.name == "DAYLIGHT")
    standard = next(s for s in comp.subcomponents if s.name == "STANDARD")
    assert daylight["RRULE"].to_ical() == b"FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3"
    assert standard["RRULE"].to_ical() == b"FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10"
    assert daylight["DTSTART"].dt == dt.datetime(2026, 3, 29, 2, 0)
    assert standard["DTSTART"].dt == dt.datetime(2026, 10, 25, 3, 0)
    assert (daylight["TZOFFSETFROM"].td, daylight["TZOFFSETTO"].td) == (dt.timedelta(hours=1), dt.timedelta(hours=2))
