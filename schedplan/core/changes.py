"""What changed between two plans (dates, doses, times of day, items); the stable identity of calendar items."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import ROUND_HALF_UP, Decimal

from pydantic import BaseModel, ConfigDict, Field

from schedplan.core.schedule import Plan


def item_uid(plan_id: str, key: str) -> str:
    """The UID of one calendar item: a UUID made from the plan id and the item's place in the protocol.

    It never depends on the date, the dose or the patient, so re-exporting after the dates move updates
    the same item, and nothing about the patient can be read from it (RFC 7986 section 5.3).
    """
    return str(uuid.uuid5(uuid.UUID(plan_id), key))


class CalendarItem(BaseModel):
    """What a saved plan remembers of one item it exported, to update it in place on the next export."""

    model_config = ConfigDict(frozen=True, defer_build=True)
    key: str = Field(description="PlannedEvent.key, or 'day-label/...' for a day label")
    uid: str
    sequence: int = Field(default=0, ge=0, description="the SEQUENCE last written")
    content_hash: str = Field(description="sha256 of the item as last written, without DTSTAMP/SEQUENCE/LAST-MODIFIED")
    last_modified: dt.datetime | None = Field(default=None, description="LAST-MODIFIED last written (UTC), if any")
    cancelled: bool = Field(default=False, description="last written as STATUS:CANCELLED")
    summary: str = Field(description="SUMMARY last written; reused when the item is cancelled")
    date: dt.date = Field(description="the date it was last on; a cancelled item stays there")


# --- replan: what changed ------------------------------------------------------------------------


class EventSnapshot(BaseModel):
    """The parts of a planned event a replan compares: where it is, when in the day and how much."""

    model_config = ConfigDict(frozen=True, defer_build=True)
    key: str
    name: str
    label: str
    date: dt.date
    dose_value: Decimal | None = None
    dose_unit: str | None = None
    time: dt.time | None = Field(default=None, description="clock time; None: all-day (or saved before times)")
    source_of_time: str | None = None
    administration: int | None = Field(default=None, description="n of `administrations`; None: the only one")
    administrations: int | None = None


class Moved(BaseModel):
    model_config = ConfigDict(frozen=True, defer_build=True)
    key: str
    name: str
    old_label: str
    new_label: str
    old_date: dt.date
    new_date: dt.date

    @property
    def days(self) -> int:
        return (self.new_date - self.old_date).days


class DoseChange(BaseModel):
    model_config = ConfigDict(frozen=True, defer_build=True)
    key: str
    name: str
    label: str
    date: dt.date
    old_value: Decimal | None
    new_value: Decimal | None
    old_unit: str | None
    new_unit: str | None

    @property
    def percent(self) -> Decimal | None:
        """(new - old) / old x 100, to 0.1 %; None when the units differ or either side has no dose."""
        if self.old_value is None or self.new_value is None or self.old_unit != self.new_unit or self.old_value == 0:
            return None
        pct = (self.new_value - self.old_value) / self.old_value * 100
        return pct.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


class TimeChange(BaseModel):
    """An administration given at another time of day (its date may have moved as well: that is in `moved`)."""

    model_config = ConfigDict(frozen=True)
    key: str
    name: str
    label: str
    date: dt.date
    administration: int | None
    administrations: int | None
    old_time: dt.time | None
    new_time: dt.time | None
    old_source: str | None
    new_source: str | None


class PlanChanges(BaseModel):
    """Everything a replan changed, item by item, in schedule order."""

    model_config = ConfigDict(frozen=True, defer_build=True)
    old_anchor: dt.date
    new_anchor: dt.date
    moved: list[Moved] = Field(default_factory=list)
    doses: list[DoseChange] = Field(default_factory=list)
    added: list[EventSnapshot] = Field(default_factory=list)
    removed: list[EventSnapshot] = Field(default_factory=list)
    times: list[TimeChange] = Field(default_factory=list)

    @property
    def empty(self) -> bool:
        changed = self.moved or self.doses or self.times or self.added or self.removed
        return not changed and self.old_anchor == self.new_anchor


def snapshot(plan: Plan) -> list[EventSnapshot]:
    """The comparable view of a plan's events."""
    return [
        EventSnapshot(
            key=e.key,
            name=e.name,
            label=e.label,
            date=e.date,
            dose_value=e.dose.value if e.dose else None,
            dose_unit=e.dose.unit if e.dose else None,
            time=e.time,
            source_of_time=e.source_of_time,
            administration=e.administration,
            administrations=e.administrations,
        )
        for e in plan.events
    ]


def diff(
    old: list[EventSnapshot], new: list[EventSnapshot], *, old_anchor: dt.date, new_anchor: dt.date
) -> PlanChanges:
    """Moved dates, changed doses, changed times of day, and items added or removed, matched by their stable key."""
    before = {e.key: e for e in old}
    after = {e.key: e for e in new}
    moved: list[Moved] = []
    doses: list[DoseChange] = []
    times: list[TimeChange] = []
    for e in new:
        o = before.get(e.key)
        if o is None:
            continue
        if o.date != e.date:
            moved.append(
                Moved(key=e.key, name=e.name, old_label=o.label, new_label=e.label, old_date=o.date, new_date=e.date)
            )
        if (o.dose_value, o.dose_unit) != (e.dose_value, e.dose_unit):
            doses.append(
                DoseChange(
                    key=e.key,
                    name=e.name,
                    label=e.label,
                    date=e.date,
                    old_value=o.dose_value,
                    new_value=e.dose_value,
                    old_unit=o.dose_unit,
                    new_unit=e.dose_unit,
                )
            )
        if (o.time, o.source_of_time) != (e.time, e.source_of_time):
            times.append(
                TimeChange(
                    key=e.key,
                    name=e.name,
                    label=e.label,
                    date=e.date,
                    administration=e.administration,
                    administrations=e.administrations,
                    old_time=o.time,
                    new_time=e.time,
                    old_source=o.source_of_time,
                    new_source=e.source_of_time,
                )
            )
    return PlanChanges(
        old_anchor=old_anchor,
        new_anchor=new_anchor,
        moved=moved,
        doses=doses,
        added=[e for e in new if e.key not in before],
        removed=[e for e in old if e.key not in after],
        times=times,
    )
