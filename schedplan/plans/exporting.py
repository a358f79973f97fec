"""Calendars: the options of an export (kept in the plan file) and a saved plan exported so it updates in place."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from schedplan.core.saved import ExportOptions
from schedplan.core.schedule import Plan
from schedplan.errors import InputError

if TYPE_CHECKING:
    from schedplan.core.changes import CalendarItem
    from schedplan.export.ics import IcsExport


def resolved(options: ExportOptions) -> tuple[Any, ExportOptions]:
    """(export.ics.IcsOptions, the options as recorded): a zone not given is this machine's, and recorded."""
    from schedplan.export.ics import IcsOptions

    ics = IcsOptions.parse(**options.model_dump())
    return ics, options.model_copy(update={"tz": ics.tz})


def calendar(
    plan: Plan, options: ExportOptions, *, plan_id: str | None = None, items: tuple[CalendarItem, ...] | None = None
) -> tuple[IcsExport, ExportOptions]:
    """The plan as a calendar (with ``plan_id``, items keep their identity across exports) and the options used."""
    from schedplan.export.ics import build_ics

    ics, recorded = resolved(options)
    return build_ics(plan, plan_id=plan_id, options=ics, items=items), recorded


@dataclass(frozen=True)
class Exported:
    """What an export wrote: events, how many were updated or cancelled, and whether the plan had exported before."""

    events: int
    updated: int
    cancelled: int
    again: bool
    repaired: str | None = None  # the calendar an earlier export was writing when it stopped (this one completes it)


def export_plan(plan_path: str, ics_path: str, given: dict[str, Any]) -> Exported:
    """Write the saved plan as a calendar (options not ``given`` are the last export's) and record in the plan
    file what it wrote - under the plan file's lock, the plan first. The calendar may not be the plan file."""
    from schedplan.load.files import check_writable, refuse_same_file
    from schedplan.load.planfile import locked_plan
    from schedplan.plans.checking import current

    if not str(ics_path).strip():
        raise InputError("--ics needs a file name", field="ics")
    refuse_same_file([("plan file", plan_path), ("calendar", ics_path)])
    with locked_plan(plan_path) as slot:
        saved = slot.read()
        now = current(saved)
        if not now.same:
            # the protocol changed since the plan was saved: never export a schedule nobody has looked at
            raise InputError(
                f"the schedule in {plan_path} no longer matches protocol {saved.protocol_ref} as it is now;"
                f" run `schedplan replan {plan_path}` first and check the changes"
            )
        options = (saved.export_options or ExportOptions()).merged(given)
        result, recorded = calendar(now.plan, options, plan_id=saved.plan_id, items=saved.items)
        check_writable(ics_path)
        # the plan first (it records the SEQUENCE numbers the calendar is about to carry), then the calendar;
        # counted against the last export that finished, so one a crash stopped is repaired and counted right
        base = slot.write_with(
            saved.updated(items=tuple(result.items), export_options=recorded), ics_path, result.data, before=saved
        )
    changed = sum(1 for new in result.items if base.sequences.get(new.key, new.sequence) != new.sequence)
    cancelled = sum(1 for i in result.items if i.cancelled)
    return Exported(len(result.items) - cancelled, changed, cancelled, base.exported, base.interrupted)
