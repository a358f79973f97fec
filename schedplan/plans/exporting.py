"""Calendars: the options of an export (kept in the plan file) and a saved plan exported so it updates in place."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from schedplan.core.saved import ExportOptions, SavedPlan
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
    """What an export wrote: events, how many were updated or cancelled, whether the plan had exported before,
    the options reused from the last export to the same file (name: value), and a note for the person."""

    events: int
    updated: int
    cancelled: int
    again: bool
    reused: dict[str, Any] = field(default_factory=dict)
    note: str | None = None
    # double-check records tampered with; administrations at a time the clocks skip or repeat (IcsExport.warnings)
    warnings: list[str] = field(default_factory=list)
    repaired: str | None = None  # the calendar an earlier export was writing when it stopped (this one completes it)


def calendar_key(ics_path: str | Path) -> str:
    """How a plan file names a calendar file it wrote: its absolute path."""
    return str(Path(ics_path).expanduser().resolve())


def options_for(saved: SavedPlan, ics_path: str | Path, given: dict[str, Any]) -> tuple[ExportOptions, dict[str, Any]]:
    """(the options of an export of ``saved`` to ``ics_path``, the ones reused): those recorded for that very
    file with each ``given`` one replacing (None: cleared); a file not written before starts from the
    defaults - never from another file's options (its audience, label, alarms)."""
    kept = saved.calendars.get(calendar_key(ics_path))
    if kept is None:
        return ExportOptions().merged(given), {}
    return kept.merged(given), kept.kept(given)


def reused_text(options: dict[str, Any]) -> str:
    """Options as they are typed: ``--alarm 1h --day-labels`` (a flag kept on has no value)."""
    return " ".join(
        f"--{k.replace('_', '-')}" if v is True else f"--{k.replace('_', '-')} {v}" for k, v in options.items()
    )


def _legacy_note(saved: SavedPlan, ics_path: str | Path) -> str | None:
    """A plan file from before calendars were recorded per file (or whose only calendar went to standard
    output) keeps its last export's options without a file name: say they were not reused, and what they were."""
    if saved.calendars or saved.export_options is None:
        return None
    old = saved.export_options.kept({})
    if not old:
        return None
    return (
        f"this plan file records the options of a calendar whose file it does not know ({reused_text(old)}:"
        f" printed to standard output, or written by an older schedplan); they were not reused for {ics_path}:"
        " give them again if it is that calendar"
    )


def export_plan(plan_path: str, ics_path: str, given: dict[str, Any]) -> Exported:
    """Write the saved plan as a calendar (options not ``given`` are those recorded for the same calendar file;
    none for a new file) and record in the plan file what it wrote and with which options - under the plan
    file's lock, the plan first. The calendar may not be the plan file."""
    from schedplan.load.files import check_writable, refuse_same_file
    from schedplan.load.planfile import locked_plan
    from schedplan.plans.checking import current, tamper_warnings

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
        options, reused = options_for(saved, ics_path, given)
        note = _legacy_note(saved, ics_path)
        plan = now.plan
        if saved.amendments:  # the course as it stands: moved, modified, held (cancelled), given
            from schedplan.plans.amending import course_of

            plan = course_of(saved).amended.plan
        result, recorded = calendar(plan, options, plan_id=saved.plan_id, items=saved.items)
        check_writable(ics_path)
        # the plan first (it records the SEQUENCE numbers the calendar is about to carry), then the calendar;
        # counted against the last export that finished, so one a crash stopped is repaired and counted right
        calendars = {**saved.calendars, calendar_key(ics_path): recorded}
        base = slot.write_with(
            saved.updated(items=tuple(result.items), export_options=recorded, calendars=calendars),
            ics_path,
            result.data,
            before=saved,
        )
    changed = sum(1 for new in result.items if base.sequences.get(new.key, new.sequence) != new.sequence)
    cancelled = sum(1 for i in result.items if i.cancelled)
    return Exported(
        len(result.items) - cancelled,
        changed,
        cancelled,
        base.exported,
        reused,
        note,
        [*tamper_warnings(saved), *result.warnings],
        base.interrupted,
    )
