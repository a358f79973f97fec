"""A plan's calendar (export.ics.build_ics) as one CalDAV resource per item, and what the items would do."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass

from icalendar import Calendar, Component

from schedplan.core.changes import CalendarItem
from schedplan.core.publication import Publication, PublishedItem

# written by the client for each save, so not part of what an item says
_VOLATILE = ("DTSTAMP", "SEQUENCE", "LAST-MODIFIED")


def item_resources(ics: bytes) -> dict[str, bytes]:
    """UID -> the iCalendar text of a resource holding that one event (and the time zones it uses).

    A calendar resource on a CalDAV server holds one item and no METHOD (RFC 4791 section 4.1), so the
    exported calendar is split: PRODID and VERSION are kept, each event keeps its own properties as built.
    """
    cal = Calendar.from_ical(ics)
    zones = {str(tz["TZID"]): tz for tz in cal.walk("VTIMEZONE")}
    out: dict[str, bytes] = {}
    for event in cal.walk("VEVENT"):
        one = Calendar.new(prodid=str(cal["PRODID"]))
        for tzid in _zones_used(event):
            if tzid in zones:
                one.add_component(zones[tzid])
        one.add_component(event)
        out[str(event["UID"])] = one.to_ical()
    return out


def _zones_used(event: Component) -> list[str]:
    found: list[str] = []
    for name in ("DTSTART", "DTEND"):
        prop = event.get(name)
        tzid = prop.params.get("TZID") if prop is not None else None
        if tzid and tzid not in found:
            found.append(str(tzid))
    return found


def event_digest(resource: bytes) -> str:
    """A hash of what the resource's events say, without the properties each save rewrites."""
    parts = []
    for event in Calendar.from_ical(resource).walk("VEVENT"):
        for name in _VOLATILE:
            event.pop(name, None)
        parts.append(event.to_ical())
    return hashlib.sha256(b"".join(sorted(parts))).hexdigest()


@dataclass(frozen=True)
class Action:
    """What one item needs on the server: ``create``, ``update``, ``cancel`` or ``unchanged``."""

    kind: str
    item: CalendarItem  # the item as built now
    previous: PublishedItem | None  # as it was last published there, if it was


def plan_actions(items: Iterable[CalendarItem], previous: Publication | None) -> list[Action]:
    """For each item of the export, what publishing it to ``previous``'s calendar needs, in export order."""
    before = {i.key: i for i in previous.items} if previous else {}
    out: list[Action] = []
    for item in items:
        old = before.get(item.key)
        if old is None:
            kind = "create"
        elif old.content_hash == item.content_hash and old.cancelled == item.cancelled:
            kind = "unchanged"
        elif item.cancelled and not old.cancelled:
            kind = "cancel"
        else:
            kind = "update"
        out.append(Action(kind=kind, item=item, previous=old))
    return out
