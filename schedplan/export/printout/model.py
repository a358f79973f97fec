"""What a printout is made from (the saved plan's data and a few extras) and the options it is printed with."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Literal

from schedplan.errors import InputError

Audience = Literal["patient", "staff"]
Paper = Literal["a4", "letter"]


@dataclass(frozen=True)
class CheckStatus:
    """One recorded double check and whether it still holds for the saved plan."""

    at: str
    checker: str
    result: str  # "pass" / "fail", as recorded
    summary: str
    void_reasons: tuple[str, ...] = ()  # empty: valid


@dataclass(frozen=True)
class PrintSource:
    """A saved plan's data: ``schedule`` is the plan file's ``schedule`` (export.json_out.plan_dict), or with
    amendments the course as it stands (plans.amending.show_data): per event ``status`` (planned, held, given),
    ``planned_date``, ``modification``, ``given`` and, for the staff, ``course_lines``."""

    schedule: dict[str, Any]
    plan_id: str
    measured_on: str | None = None  # YYYY-MM-DD, as saved with the inputs
    patient_texts: dict[str, str] = field(default_factory=dict)  # protocol event id -> plain words
    patient_notes: tuple[str, ...] = ()  # the protocol's notes for the patient
    contacts: dict[str, Any] | None = None  # the site policy's contacts block (core.policy.Contacts.model_dump())
    checks: tuple[CheckStatus, ...] = ()
    course_warnings: tuple[str, ...] = ()  # the course's own (a given dose off the plan, an amendment gone)
    unchecked: tuple[str, ...] = ()  # doses of the course no valid double check covers (when there are checks)


@dataclass(frozen=True)
class PrintOptions:
    audience: Audience
    locale: str  # a babel locale name, e.g. en_GB, it_IT
    printed_at: dt.datetime  # timezone-aware; also what "today" is on the patient calendar
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    label: str | None = None
    paper: Paper = "a4"

    def __post_init__(self) -> None:
        if self.audience not in ("patient", "staff"):
            raise InputError(f"--audience {self.audience!r}: use patient or staff", field="audience")
        if self.paper not in ("a4", "letter"):
            raise InputError(f"--paper {self.paper!r}: use a4 or letter", field="paper")
        if self.printed_at.tzinfo is None:
            raise ValueError("printed_at must be timezone-aware")
        if self.date_from and self.date_to and self.date_from > self.date_to:
            raise InputError(
                f"--from {self.date_from.isoformat()} is after --to {self.date_to.isoformat()};"
                " give the earlier date with --from",
                field="from",
            )


def events_in_range(schedule: dict[str, Any], options: PrintOptions) -> list[dict[str, Any]]:
    """The saved events between --from and --to (both included), in the saved order."""
    out = []
    for e in schedule.get("events", []):
        d = dt.date.fromisoformat(e["date"])
        if options.date_from and d < options.date_from:
            continue
        if options.date_to and d > options.date_to:
            continue
        out.append(e)
    return out
