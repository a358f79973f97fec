"""`schedplan export PLAN.json --ics FILE.ics`: write a saved plan as a calendar that updates in place."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from schedplan.errors import InputError


def add_ics_options(p: argparse.ArgumentParser) -> None:
    """The calendar options shared by `plan --format ics` and `export` (default None: not given)."""
    g = p.add_argument_group("calendar (.ics)")
    g.add_argument("--time", help="time of day of each administration, HH:MM (e.g. 08:00); without it, events are all-day")
    g.add_argument("--tz", help="IANA time zone of timed events, e.g. Europe/Rome (default: this machine's zone)")
    g.add_argument(
        "--day-labels",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="also one all-day item per day: 'Day -14' ... or 'C1 D8'",
    )
    g.add_argument("--alarm", help="a reminder before each event: 30m, 2h, 1d")
    g.add_argument(
        "--audience",
        choices=["staff", "patient"],
        default=None,
        help="staff (default): everything; patient: no doses or calculations",
    )
    g.add_argument("--label", help="a label for the calendar name (e.g. initials); nothing about the patient otherwise")


def option_values(args: argparse.Namespace, saved: dict[str, Any] | None = None) -> dict[str, Any]:
    """The calendar options as typed, each one not given taken from ``saved`` (the last export's)."""
    saved = saved or {}
    out: dict[str, Any] = {}
    for name, default in (
        ("tz", None),
        ("time", None),
        ("day_labels", False),
        ("alarm", None),
        ("audience", "staff"),
        ("label", None),
    ):
        given = getattr(args, name, None)
        out[name] = given if given is not None else saved.get(name, default)
    return out


def build_options(values: dict[str, Any]):
    """IcsOptions from option_values(); the zone, when none was given, is this machine's (and is recorded)."""
    from schedplan.export.ics import IcsOptions

    options = IcsOptions.parse(**values)
    values["tz"] = options.tz
    return options


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "export",
        help="write a saved plan as an .ics calendar",
        description="Write a saved plan (from `plan --save`) as an iCalendar file. Exporting again after"
        " `replan` updates the same events in a calendar (same UIDs, higher SEQUENCE); items the new plan"
        " no longer has are written as cancelled. Options not given are those of the last export.",
    )
    p.add_argument("plan_file", metavar="PLAN.json", help="a plan saved with `schedplan plan ... --save PLAN.json`")
    p.add_argument("--ics", required=True, metavar="FILE.ics", help="the calendar file to write")
    add_ics_options(p)
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from schedplan.commands.replan import recalculate
    from schedplan.export.ics import build_ics
    from schedplan.load.planfile import check_writable, open_plan, save_plan, write_atomic

    saved = open_plan(args.plan_file)
    if not str(args.ics).strip():
        raise InputError("--ics needs a file name", field="ics")
    plan, _ = recalculate(saved)
    if not same_schedule(saved.schedule, plan):
        # the protocol changed since the plan was saved: never export a schedule nobody has looked at
        raise InputError(
            f"the schedule in {args.plan_file} no longer matches protocol {saved.protocol_ref} as it is now;"
            f" run `schedplan replan {args.plan_file}` first and check the changes"
        )
    values = option_values(args, saved.export_options)
    options = build_options(values)
    result = build_ics(plan, plan_id=saved.plan_id, options=options, items=saved.items)
    check_writable(args.ics)
    check_writable(args.plan_file)
    # the plan first: it records the SEQUENCE numbers the calendar file is about to carry
    save_plan(args.plan_file, saved.updated(items=result.items, export_options=values))
    write_atomic(args.ics, result.data, new_mode=0o600)
    changed = sum(
        1 for new in result.items if (old := {i.key: i for i in saved.items}.get(new.key)) and old.sequence != new.sequence
    )
    cancelled = sum(1 for i in result.items if i.cancelled)
    print(
        f"wrote {args.ics}: {len(result.items) - cancelled} events"
        + (f", {changed} updated" if saved.items else "")
        + (f", {cancelled} cancelled" if cancelled else ""),
        file=sys.stderr,
    )
    return 0


def same_schedule(saved_schedule: dict[str, Any], plan) -> bool:
    """Whether ``plan`` is the schedule that was saved (the protocol file's hash aside)."""
    from schedplan.export.json_out import plan_dict

    # the events and what they were calculated from; not the warnings, which may depend on today's date
    now = plan_dict(plan)
    keys = ("events", "patient", "choices", "anchor_date", "policy")
    return {k: now.get(k) for k in keys} == {k: saved_schedule.get(k) for k in keys} and {
        k: v for k, v in now["protocol"].items() if k != "sha256"
    } == {k: v for k, v in (saved_schedule.get("protocol") or {}).items() if k != "sha256"}
