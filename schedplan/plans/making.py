"""A new plan: calculated, rendered (table, JSON or calendar), optionally saved - destinations checked first."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from schedplan.core.plan_inputs import PlanInputs
from schedplan.load.policy import policy_note
from schedplan.plans.sources import calculate, protocol_ref

if TYPE_CHECKING:  # a plan printed, not saved, needs neither (start-up: see bench/)
    from schedplan.core.saved import SavedPlan
    from schedplan.core.schedule import Plan

FORMATS = ("table", "json", "ics")


def table_text(plan: Plan, *, show_calculation: bool = True) -> str:
    """The plan as the text table people read."""
    from schedplan.export.text import render

    return render(plan, show_calculation=show_calculation)


def check_destinations(*, save: str | None, output: str | None, replace: bool) -> None:
    """Before anything runs: the plan file and the output are two different files that can be written, and a
    new plan is saved over an existing file only when ``replace`` is given. Raises PlanFileError."""
    from schedplan.load.files import check_writable, refuse_same_file
    from schedplan.plans.saving import check_new_plan_file

    refuse_same_file([("plan file (--save)", save), ("output (--output)", output)])
    if save is not None:
        check_new_plan_file(save, replace=replace)
    if output is not None:
        check_writable(output)


@dataclass(frozen=True)
class Made:
    """A new plan rendered (``data``), and the plan file written, if one was asked for."""

    data: bytes
    saved: SavedPlan | None = None
    replaced: str | None = None  # what replacing an existing file discarded, in a sentence
    policy_note: str = ""  # the site policy in force and its file, one line for stderr ("" when there is none)
    plan: Plan | None = None  # the plan calculated
    warnings: tuple[str, ...] = ()  # a calendar's: administrations at a time the clocks skip or repeat (IcsExport)


def make(
    protocol: str,
    inputs: PlanInputs,
    *,
    fmt: str = "table",
    show_calculation: bool = True,
    calendar: dict[str, Any] | None = None,
    save: str | None = None,
    replace: bool = False,
    calendar_path: str | None = None,
) -> Made:
    """Calculate the plan of ``protocol`` for ``inputs`` and render it as ``fmt`` (calendar options as given in
    ``calendar``); with ``save``, write the new plan file first (a calendar's identities are then its own, and
    its options are recorded for ``calendar_path``, the calendar file written, when there is one)."""
    done = calculate(protocol, inputs)
    saved = None
    warnings: tuple[str, ...] = ()
    if save:
        from schedplan.plans.saving import new_saved_plan

        saved = new_saved_plan(done.plan, protocol_ref=protocol_ref(done.protocol), inputs=inputs)
    if fmt == "ics":
        from schedplan.core.saved import ExportOptions
        from schedplan.plans.exporting import calendar as as_calendar

        exported, recorded = as_calendar(
            done.plan, ExportOptions().merged(calendar or {}), plan_id=saved.plan_id if saved else None
        )
        data, warnings = exported.data, exported.warnings
        if saved is not None:
            from schedplan.plans.exporting import calendar_key

            calendars = {calendar_key(calendar_path): recorded} if calendar_path else {}
            saved = saved.updated(items=tuple(exported.items), export_options=recorded, calendars=calendars)
    elif fmt == "json":
        from schedplan.export.json_out import render

        tz = (calendar or {}).get("tz")
        if tz is not None:  # issue 13: with --tz each event's start and end in that zone
            from schedplan.export.ics import check_zone

            tz = check_zone(tz)
        data = render(done.plan, policy_path=str(done.site.path) if done.site else None, tz=tz).encode("utf-8")
    else:
        data = table_text(done.plan, show_calculation=show_calculation).encode("utf-8")
    replaced = None
    if save is not None and saved is not None:
        from schedplan.plans.saving import save_new

        # the plan first: an .ics whose plan id was never saved would give duplicates on the next export
        replaced = save_new(save, saved, replace=replace)
    return Made(data, saved, replaced, policy_note(done.site) if done.site is not None else "", done.plan, warnings)


def write_output(path: str, data: bytes) -> None:
    """Write an output file atomically (owner-only when new)."""
    from schedplan.load.files import write_atomic

    write_atomic(path, data, new_mode=0o600)
