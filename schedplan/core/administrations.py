"""The administrations of one day's event: clock times from the protocol, another event, or the site policy."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from schedplan.core.protocol import Event, Protocol
from schedplan.core.units import Per

if TYPE_CHECKING:  # a plan without a site policy never loads core.policy (start-up, issue 8)
    from schedplan.core.policy import SitePolicy

PROTOCOL, SITE = "protocol", "site"  # where a time comes from (source_of_time); None: no time
_BASE = dt.date(2000, 1, 3)  # any date: administrations are counted in wall-clock time from the day's start


@dataclass(frozen=True)
class Slot:
    """One administration of an event's occurrence: its day (after the occurrence's day) and clock time."""

    offset_days: int  # 0 the occurrence's day; an `every` series runs on into the next days
    time: dt.time | None  # None: all-day, no time
    n: int  # 1-based, within the day (times, relative_to, after) or the `every` series
    of: int
    source: str | None  # PROTOCOL, SITE, or None (no time)

    def moment(self) -> dt.datetime | None:
        if self.time is None:
            return None
        return dt.datetime.combine(_BASE + dt.timedelta(days=self.offset_days), self.time)


UNTIMED = (Slot(0, None, 1, 1, None),)


def _at(moment: dt.datetime, n: int, of: int, source: str | None) -> Slot:
    return Slot((moment.date() - _BASE).days, moment.time(), n, of, source)


def own_slots(event: Event, policy: SitePolicy | None) -> tuple[Slot, ...] | None:
    """The administrations an event's own fields give (time, times, every, the site's time for its kind);
    None when they come from another event (relative_to, after)."""
    if event.relative_to is not None or event.after is not None:
        return None
    if event.time is not None:
        return (Slot(0, event.time, 1, 1, PROTOCOL),)
    if event.times is not None:
        return tuple(Slot(0, t, i + 1, len(event.times), PROTOCOL) for i, t in enumerate(event.times))
    if event.every is not None:
        first = dt.datetime.combine(_BASE, event.every.first)
        step = dt.timedelta(hours=event.every.hours)
        count = event.every.count
        return tuple(_at(first + k * step, k + 1, count, PROTOCOL) for k in range(count))
    site = policy.default_times.time_for(event.kind, event.routes) if policy and policy.default_times else None
    return (Slot(0, site, 1, 1, SITE),) if site is not None else UNTIMED


def tied_slots(
    event: Event, policy: SitePolicy | None, target: tuple[Slot, ...] | None, target_duration: int | None
) -> tuple[tuple[Slot, ...], str | None]:
    """(administrations, why there is no time) of an event timed from ``target``'s administrations on the same
    day (None: the target is not given that day): `relative_to` shifts each by its minutes, `after` starts
    each when the matching one ends."""
    if target is None or all(s.time is None for s in target):
        return UNTIMED, None
    timed = [s for s in target if s.time is not None]
    if event.relative_to is not None:
        minutes, source = event.relative_to.minutes, None
        if minutes is None:
            lead = policy.default_times.premedication_lead_minutes if policy and policy.default_times else None
            if lead is None:
                return UNTIMED, "lead-not-stated"
            minutes, source = -lead, SITE
    else:
        if target_duration is None:
            return UNTIMED, "duration-not-stated"
        minutes, source = target_duration, None
    shift = dt.timedelta(minutes=minutes)
    out = []
    for i, s in enumerate(timed):
        moment = s.moment()
        assert moment is not None
        out.append(_at(moment + shift, i + 1, len(timed), source or s.source))
    return tuple(out), None


def divided_over(event: Event, slots: tuple[Slot, ...]) -> tuple[int, bool]:
    """(administrations a day's or course's amount divides over, whether an `every` course is divided whole)."""
    dose = event.dose
    if dose is None or dose.per is Per.DOSE:
        return 1, False
    if event.every is not None:
        if dose.per is Per.COURSE:
            return event.every.count, True
        return 24 // event.every.hours, False
    return len(slots), False


def slots_for(
    protocol: Protocol,
    policy: SitePolicy | None,
    occurs: Callable[[Event, int | None], list[int]],
) -> Callable[[str, int | None, int], tuple[tuple[Slot, ...], str | None]]:
    """A memoised (event id, cycle, day) -> (administrations, why there is no time) for ``protocol``.

    ``occurs(event, cycle)``: the days an event starts on in a cycle (an `every` series: its first day only).
    `relative_to` and `after` never go round (checked when the protocol was validated).
    """
    memo: dict[tuple[str, int | None, int], tuple[tuple[Slot, ...], str | None]] = {}

    def get(event_id: str, cycle: int | None, day: int) -> tuple[tuple[Slot, ...], str | None]:
        key = (event_id, cycle, day)
        if key in memo:
            return memo[key]
        event = protocol.event(event_id)
        assert event is not None
        own = own_slots(event, policy)
        if own is not None:
            result: tuple[tuple[Slot, ...], str | None] = (own, None)
        else:
            ref = event.relative_to.event if event.relative_to is not None else event.after
            target = protocol.event(ref or "")
            assert target is not None
            target_slots = get(target.id, cycle, day)[0] if day in occurs(target, cycle) else None
            result = tied_slots(event, policy, target_slots, target.duration_minutes)
        memo[key] = result
        return result

    return get
