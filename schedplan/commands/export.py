"""`schedplan export PLAN.json --ics FILE.ics`: write a saved plan as a calendar that updates in place."""

from __future__ import annotations

import argparse
import sys

from schedplan.commands.common import add_ics_options, ics_values


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
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
    from schedplan.plans.exporting import export_plan

    done = export_plan(args.plan_file, args.ics, ics_values(args))
    if done.repaired:
        print(f"schedplan: the last export (to {done.repaired}) did not finish; this one completes it", file=sys.stderr)
    print(
        f"wrote {args.ics}: {done.events} events"
        + (f", {done.updated} updated" if done.again else "")
        + (f", {done.cancelled} cancelled" if done.cancelled else ""),
        file=sys.stderr,
    )
    return 0
