"""A saved plan (the content of a plan file) and the calendar options it keeps, as typed values.

The file format is `schedplan-plan` version 1; SavedPlan.to_data() gives the JSON data in the order the
files have always been written, so a plan read and written again is byte-identical.
"""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from schedplan.core.amendments import Amendment
from schedplan.core.changes import CalendarItem, EventSnapshot
from schedplan.core.checks import CheckRecord
from schedplan.core.jsontext import dumps
from schedplan.core.model import Model
from schedplan.core.plan_inputs import PlanInputs
from schedplan.core.publication import Publication
from schedplan.core.units import Quantity

FORMAT = "schedplan-plan"
FORMAT_VERSION = 1


class ExportOptions(Model):
    """The calendar options of an export, as typed (the one place their defaults are written).

    A plan file keeps them per calendar file (SavedPlan.calendars), so exporting again to the same file
    without options writes the same calendar, and another file starts from these defaults.
    """

    tz: str | None = Field(default=None, description="IANA zone; None: this machine's (recorded once known)")
    time: str | None = Field(default=None, description="HH:MM of each administration; None: all-day events")
    day_labels: bool = Field(default=False, description="also one all-day 'Day -14' / 'C1 D8' item per day")
    alarm: str | None = Field(default=None, description="a reminder before each event: 30m, 2h, 1d")
    audience: Literal["staff", "patient"] = Field(default="staff", description="patient: no doses or calculations")
    label: str | None = Field(default=None, description="a label for the calendar name (e.g. initials)")

    def merged(self, given: dict[str, Any]) -> ExportOptions:
        """These options with each one ``given`` replacing the kept one; one given as None is cleared (back to
        its default). Options not in ``given`` are kept."""
        known = type(self).model_fields
        default = ExportOptions()
        return self.model_copy(
            update={k: getattr(default, k) if v is None else v for k, v in given.items() if k in known}
        )

    def kept(self, given: dict[str, Any]) -> dict[str, Any]:
        """The options these keep that are not their default and not in ``given``: what a merge reuses."""
        default = ExportOptions()
        return {
            k: getattr(self, k)
            for k in type(self).model_fields
            if k not in given and getattr(self, k) != getattr(default, k)
        }


class _Read(BaseModel):
    """A typed reading of part of the saved schedule (the JSON contract): the keys the code reads are
    checked and typed, the others are left to the schedule's own dict (which is what is written back)."""

    model_config = ConfigDict(extra="ignore", frozen=True, defer_build=True)


class SavedDose(_Read):
    value: Decimal | None = None
    unit: Quantity | None = None  # a calculated dose's unit (its code in the file: "mg", "cells")


class SavedAdministration(_Read):
    n: int
    of: int


class SavedEvent(_Read):
    key: str
    name: str
    label: str
    date: dt.date
    dose: SavedDose | None = None
    time: dt.time | None = None  # "HH:MM"; absent in plans saved before times of day: all-day, as they were
    source_of_time: str | None = None
    administration: SavedAdministration | None = None


class SavedPatient(_Read):
    weight_kg: Decimal
    renal_value: Decimal | None = None  # written only when renal function was given (replan compares it)


class SavedSchedule(_Read):
    """What a replan, an export and a double check read of a saved schedule."""

    anchor_date: dt.date
    patient: SavedPatient
    events: tuple[SavedEvent, ...]


class SavedProtocol(Model):
    """The protocol a plan was made with: how it was named, and which file exactly."""

    ref: str = Field(min_length=1, description="a shipped id, or an absolute path to a .yaml file")
    id: str
    version: str
    sha256: str | None = None


class SavedPlan(Model):
    """A plan file's content. ``schedule`` is the plan as the JSON contract shapes it (decimals as Decimal)."""

    format: Literal["schedplan-plan"] = "schedplan-plan"  # FORMAT
    format_version: Literal[1] = 1  # FORMAT_VERSION
    plan_id: str = Field(description="a random UUID made once; every calendar UID of the plan derives from it")
    protocol: SavedProtocol
    inputs: PlanInputs
    policy_sha256: str | None = Field(default=None, description="of the site policy the doses were calculated under")
    schedule: dict[str, Any]
    items: tuple[CalendarItem, ...] = Field(default=(), description="what the last export wrote, item by item")
    export_options: ExportOptions | None = Field(default=None, description="the options of the last export")
    calendars: dict[str, ExportOptions] = Field(
        default_factory=dict,
        description="the options each calendar file was last written with, by its absolute path (optional field"
        " of format version 1: files written before it have none, and are written without it until an export)",
    )
    checks: tuple[CheckRecord, ...] = Field(default=(), description="double checks, oldest first; only appended to")
    amendments: tuple[Amendment, ...] = Field(
        default=(), description="holds, delays, dose modifications, doses given, undos; oldest first; only appended to"
    )
    publications: tuple[Publication, ...] = Field(
        default=(), description="the CalDAV calendars it was published to (`schedplan publish`)"
    )
    checks_sha256: str | None = Field(
        default=None, description="the seal of the last chained check (core.check_chain); None: no chained check"
    )

    @field_validator("plan_id")
    @classmethod
    def _a_uuid(cls, v: str) -> str:
        return str(uuid.UUID(v))

    @field_validator("amendments")
    @classmethod
    def _numbered(cls, v: tuple[Amendment, ...]) -> tuple[Amendment, ...]:
        for n, a in enumerate(v, 1):
            if a.number != n:
                raise ValueError(f"amendment {n} is numbered {a.number}; amendments are numbered 1, 2, 3 in order")
            if a.kind == "undo" and (a.params.undo is None or a.params.undo >= n):
                raise ValueError(f"amendment {n} undoes {a.params.undo}, which is not an earlier amendment")
        return v

    # --- reading -----------------------------------------------------------------------------------

    @property
    def protocol_ref(self) -> str:
        return self.protocol.ref

    @property
    def protocol_id(self) -> str:
        return self.protocol.id

    @property
    def protocol_version(self) -> str:
        return self.protocol.version

    @property
    def protocol_sha256(self) -> str | None:
        return self.protocol.sha256

    @property
    def anchor_date(self) -> dt.date:
        return dt.date.fromisoformat(self.inputs.anchor_date)

    def updated(self, **changes: Any) -> SavedPlan:
        """A copy with some fields replaced (e.g. ``items=`` after an export)."""
        return self.model_copy(update=changes)

    def read_schedule(self) -> SavedSchedule:
        """The parts of the saved schedule the code reads, typed (ValidationError when they are damaged)."""
        return SavedSchedule.model_validate(self.schedule)

    def snapshot(self) -> list[EventSnapshot]:
        """The saved schedule's events, for core.changes.diff."""
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
                administration=e.administration.n if e.administration else None,
                administrations=e.administration.of if e.administration else None,
            )
            for e in self.read_schedule().events
        ]

    # --- writing -----------------------------------------------------------------------------------

    def to_data(self) -> dict[str, Any]:
        """The plan file's JSON data, keys in the order version 1 files are written."""
        i = self.inputs
        return {
            "format": self.format,
            "format_version": self.format_version,
            "plan_id": self.plan_id,
            "protocol": {
                "ref": self.protocol.ref,
                "id": self.protocol.id,
                "version": self.protocol.version,
                "sha256": self.protocol.sha256,
            },
            "inputs": {
                "weight": i.weight,
                "height": i.height,
                "sex": i.sex,
                "bsa_formula": i.bsa_formula,
                "bsa": i.bsa,
                "anchor_date": i.anchor_date,
                "choices": dict(i.choices),
                "site": i.site,
                "measured_on": i.measured_on,
                # written only when a limit was overridden, so files without one stay as version 1 wrote them
                **({"overrides": dict(i.overrides)} if i.overrides else {}),
                **i.factor_data(),  # likewise: only the patient factors given
            },
            "policy_sha256": self.policy_sha256,
            "schedule": self.schedule,
            "items": [_item_data(it) for it in self.items],
            "export_options": None if self.export_options is None else self.export_options.model_dump(),
            # written only once a calendar file was recorded, so older files stay as version 1 wrote them
            **({"calendars": {k: v.model_dump() for k, v in self.calendars.items()}} if self.calendars else {}),
            "checks": [c.to_data() for c in self.checks],
            # written only once there is one, so files without amendments stay as version 1 wrote them
            **({"amendments": [a.to_data() for a in self.amendments]} if self.amendments else {}),
            # written only once published, so files never published stay as version 1 wrote them
            **({"publications": [p.model_dump(mode="json") for p in self.publications]} if self.publications else {}),
            # written only once a check is chained, so older files stay as version 1 wrote them
            **({"checks_sha256": self.checks_sha256} if self.checks_sha256 is not None else {}),
        }

    def text(self) -> str:
        """The JSON text of the plan file (decimals exact, never through float)."""
        return dumps(self.to_data()) + "\n"


def _item_data(it: CalendarItem) -> dict[str, Any]:
    return {
        "key": it.key,
        "uid": it.uid,
        "sequence": it.sequence,
        "content_hash": it.content_hash,
        "last_modified": it.last_modified.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        if it.last_modified
        else None,
        "cancelled": it.cancelled,
        "summary": it.summary,
        "date": it.date.isoformat(),
    }
