"""Each audience's own calendar items: their keys and UIDs among a plan's items, and the calendar's own UID."""

from __future__ import annotations

from collections.abc import Iterable

from schedplan.core.changes import CalendarItem, item_uid

# A staff calendar's items keep the keys and UIDs every export before audiences had their own (uuid5 of the plan
# id and the event key), so staff calendars already imported go on updating in place. A patient calendar's items
# are keyed "patient:" + the event key, which gives them UIDs of their own: imported into one calendar with the
# staff's, neither overwrites the other.
PATIENT_PREFIX = "patient:"


def item_key(key: str, audience: str) -> str:
    """The key (and so the UID) of an event's or day label's item in a calendar for ``audience``."""
    return PATIENT_PREFIX + key if audience == "patient" else key


def audience_of(item: CalendarItem) -> str:
    """The audience of the calendar an item (as a plan file keeps it) was written for."""
    return "patient" if item.key.startswith(PATIENT_PREFIX) else "staff"


def split(items: Iterable[CalendarItem], audience: str) -> tuple[tuple[CalendarItem, ...], tuple[CalendarItem, ...]]:
    """(the items of ``audience``'s calendars, the others) among a plan file's items."""
    listed = tuple(items)
    return (
        tuple(i for i in listed if audience_of(i) == audience),
        tuple(i for i in listed if audience_of(i) != audience),
    )


def calendar_uid(plan_id: str, audience: str) -> str:
    """The VCALENDAR's UID: the plan id for staff (as always), one made from it for the patient."""
    return plan_id if audience != "patient" else item_uid(plan_id, PATIENT_PREFIX)


__all__ = ["PATIENT_PREFIX", "audience_of", "calendar_uid", "item_key", "split"]
