"""Rule-based VTIMEZONE components (one STANDARD, one DAYLIGHT, each with a yearly RRULE) from zoneinfo.

Why not icalendar's ``Calendar.add_missing_timezones()``: in icalendar 7.3 it writes each observance as
a long RDATE list whose times are the local time *after* the change, so Mozilla's ical.js (Thunderbird)
and vobject read summer-time events an hour off, and Outlook expects one STANDARD and one DAYLIGHT rule.

Here the transitions are found in zoneinfo for every year the calendar covers, and a yearly rule
(``BYDAY=-1SU``, ``BYDAY=2SU``, a fixed day, or "weekday on or after day N") is written only when it
reproduces every one of them. A zone whose changes follow no such rule in that span gets one
observance per change (each with its own DTSTART, no RDATE lists), which every client reads alike.
"""

from __future__ import annotations

import calendar as _calendar
import datetime as dt
from dataclasses import dataclass
from typing import Literal
from zoneinfo import ZoneInfo

from icalendar import Timezone, TimezoneDaylight, TimezoneStandard, vRecur

_UTC = dt.UTC
_DAY = dt.timedelta(days=1)
_WEEKDAYS = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]
RuleKind = Literal["nth", "last", "fixed", "onafter"]
RULE_CHECK_YEARS = 28  # the weekday calendar repeats every 28 years; a rule is preferred when it holds that long


@dataclass(frozen=True)
class Transition:
    """One change of UTC offset."""

    utc: dt.datetime  # the instant (aware, UTC)
    offset_before: dt.timedelta
    offset_after: dt.timedelta
    name_after: str

    @property
    def local_onset(self) -> dt.datetime:
        """The naive local wall time of the change, in the offset in use before it (RFC 5545 3.6.5)."""
        return (self.utc + self.offset_before).replace(tzinfo=None)


def _offset(zone: ZoneInfo, instant: dt.datetime) -> dt.timedelta:
    off = instant.astimezone(zone).utcoffset()
    assert off is not None
    return off


def transitions(zone: ZoneInfo, first_year: int, last_year: int) -> list[Transition]:
    """Every offset change from 1 January of ``first_year`` to 31 December of ``last_year`` (UTC)."""
    start = dt.datetime(first_year, 1, 1, tzinfo=_UTC)
    end = dt.datetime(last_year + 1, 1, 1, tzinfo=_UTC)
    out: list[Transition] = []
    t = start
    before = _offset(zone, t)
    while t < end:
        nxt = min(t + _DAY, end)
        after = _offset(zone, nxt)
        if after != before:
            lo, hi = t, nxt  # offset(lo) == before, offset(hi) != before
            while hi - lo > dt.timedelta(seconds=1):
                mid = lo + (hi - lo) / 2
                mid = mid.replace(microsecond=0)
                if mid <= lo:
                    break
                if _offset(zone, mid) == before:
                    lo = mid
                else:
                    hi = mid
            name = hi.astimezone(zone).tzname() or ""
            out.append(Transition(utc=hi, offset_before=before, offset_after=_offset(zone, hi), name_after=name))
            # a second change within the same day (rare) is found from hi on
            t, before = hi, _offset(zone, hi)
            continue
        t, before = nxt, after
    return out


# --- yearly rules ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Rule:
    """A yearly date rule in one month: the n-th / last weekday, a fixed day, or a weekday on or after a day."""

    month: int
    kind: RuleKind
    weekday: int = 6  # 0 = Monday
    n: int = 0  # nth: 1..4; fixed: the day; onafter: the first day of the seven
    time: dt.time = dt.time(2)

    def date_in(self, year: int) -> dt.date | None:
        days_in_month = _calendar.monthrange(year, self.month)[1]
        if self.kind == "fixed":
            return dt.date(year, self.month, self.n) if self.n <= days_in_month else None
        if self.kind == "last":
            last = dt.date(year, self.month, days_in_month)
            return last - dt.timedelta(days=(last.weekday() - self.weekday) % 7)
        first_day = 1 + 7 * (self.n - 1) if self.kind == "nth" else self.n
        if first_day + 6 > days_in_month:
            return None
        d = dt.date(year, self.month, first_day)
        return d + dt.timedelta(days=(self.weekday - d.weekday()) % 7)

    def recur(self) -> vRecur:
        wd = _WEEKDAYS[self.weekday]
        if self.kind == "fixed":
            return vRecur({"FREQ": "YEARLY", "BYMONTH": self.month, "BYMONTHDAY": self.n})
        if self.kind == "last":
            return vRecur({"FREQ": "YEARLY", "BYMONTH": self.month, "BYDAY": f"-1{wd}"})
        if self.kind == "nth":
            return vRecur({"FREQ": "YEARLY", "BYMONTH": self.month, "BYDAY": f"{self.n}{wd}"})
        return vRecur(
            {"FREQ": "YEARLY", "BYMONTH": self.month, "BYDAY": wd, "BYMONTHDAY": list(range(self.n, self.n + 7))}
        )


def _candidates(onset: dt.datetime) -> list[Rule]:
    d = onset.date()
    wd = d.weekday()
    days_in_month = _calendar.monthrange(d.year, d.month)[1]
    out: list[Rule] = []
    if d.day + 7 > days_in_month:
        out.append(Rule(d.month, "last", wd, 0, onset.time()))
    if (d.day - 1) // 7 < 4:
        out.append(Rule(d.month, "nth", wd, (d.day - 1) // 7 + 1, onset.time()))
    out.append(Rule(d.month, "fixed", wd, d.day, onset.time()))
    out.extend(Rule(d.month, "onafter", wd, first, onset.time()) for first in range(max(1, d.day - 6), d.day + 1))
    return out


@dataclass(frozen=True)
class _Kind:
    offset_from: dt.timedelta
    offset_to: dt.timedelta
    name: str


def _yearly(zone: ZoneInfo, first_year: int, last_year: int) -> list[tuple[_Kind, Rule, Transition]] | None:
    """(kind, rule, first transition) for the two yearly changes, or None when no yearly rule fits."""
    changes = transitions(zone, first_year, last_year)
    by_year: dict[int, list[Transition]] = {}
    for t in changes:
        by_year.setdefault(t.local_onset.year, []).append(t)
    years = range(first_year, last_year + 1)
    if any(len(by_year.get(y, [])) != 2 for y in years):
        return None
    kinds = [_Kind(t.offset_before, t.offset_after, t.name_after) for t in by_year[first_year]]
    for y in years:
        if [_Kind(t.offset_before, t.offset_after, t.name_after) for t in by_year[y]] != kinds:
            return None
    # a longer window, to tell "last Sunday" from "4th Sunday" when the span is short
    wide: dict[tuple[dt.timedelta, dt.timedelta], list[dt.datetime]] = {}
    for t in transitions(zone, first_year, first_year + RULE_CHECK_YEARS - 1):
        wide.setdefault((t.offset_before, t.offset_after), []).append(t.local_onset)
    out: list[tuple[_Kind, Rule, Transition]] = []
    for i, kind in enumerate(kinds):
        onsets = [by_year[y][i].local_onset for y in years]
        fits = [
            r
            for r in _candidates(onsets[0])
            if all(r.date_in(o.year) == o.date() and r.time == o.time() for o in onsets)
        ]
        if not fits:
            return None

        def score(r: Rule, kind: _Kind = kind) -> int:
            seen = wide.get((kind.offset_from, kind.offset_to), [])
            return sum(1 for o in seen if r.date_in(o.year) == o.date() and r.time == o.time())

        best = max(fits, key=score)  # max keeps the first (preferred) among equals
        out.append((kind, best, by_year[first_year][i]))
    return out


def _observance(daylight: bool, kind: _Kind, onset: dt.datetime) -> TimezoneDaylight | TimezoneStandard:
    sub = TimezoneDaylight() if daylight else TimezoneStandard()
    sub.DTSTART = onset
    sub.TZOFFSETFROM = kind.offset_from
    sub.TZOFFSETTO = kind.offset_to
    if kind.name:
        sub.add("TZNAME", kind.name)
    return sub


def vtimezone(tzid: str, first: dt.date, last: dt.date) -> Timezone:
    """A VTIMEZONE for ``tzid`` that is right for every instant from ``first`` to ``last``.

    The component starts with the year before ``first``, so an event early in January is covered by the
    previous autumn's observance.
    """
    zone = ZoneInfo(tzid)
    first_year, last_year = first.year - 1, last.year
    tz = Timezone()
    tz.add("TZID", tzid)
    yearly = _yearly(zone, first_year, last_year)
    if yearly is not None:
        high = max(k.offset_to for k, _, _ in yearly)
        for kind, rule, t in sorted(yearly, key=lambda x: x[0].offset_to != high):
            sub = _observance(kind.offset_to == high, kind, t.local_onset)
            sub.add("RRULE", rule.recur())
            tz.add_component(sub)
        return tz
    start = dt.datetime(first_year, 1, 1, tzinfo=_UTC)
    off = _offset(zone, start)
    changes = transitions(zone, first_year, last_year)
    if not changes:
        # no change at all: one STANDARD observance
        name = start.astimezone(zone).tzname() or ""
        tz.add_component(_observance(False, _Kind(off, off, name), start.replace(tzinfo=None) + off))
        return tz
    # no yearly rule: the observance in force at the start, then one observance per change
    name = start.astimezone(zone).tzname() or ""
    dst = bool(start.astimezone(zone).dst())
    tz.add_component(_observance(dst, _Kind(off, off, name), (start + off).replace(tzinfo=None)))
    for t in changes:
        dst = bool(t.utc.astimezone(zone).dst())
        tz.add_component(_observance(dst, _Kind(t.offset_before, t.offset_after, t.name_after), t.local_onset))
    return tz
