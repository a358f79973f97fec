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
        " no longer has are written as cancelled. Exporting again to the same file reuses the options it was"
        " written with (each one reused is named on stderr; `none` clears one); a new file starts from the"
        " defaults.",
    )
    p.add_argument("plan_file", metavar="PLAN.json", help="a plan saved with `schedplan plan ... --save PLAN.json`")
    p.add_argument("--ics", required=True, metavar="FILE.ics", help="the calendar file to write")
    add_ics_options(p)
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from schedplan.plans.exporting import export_plan, reused_text

    done = export_plan(args.plan_file, args.ics, ics_values(args))
    if done.note:
        print(f"schedplan: note: {done.note}", file=sys.stderr)
    for name, value in done.reused.items():
        flag = f"--{name.replace('_', '-')}"
        clear = "" if name == "audience" else f" ({flag} none to clear it)"
        print(
            f"schedplan: reusing {reused_text({name: value})} from the last export to {args.ics}{clear}",
            file=sys.stderr,
        )
    for line in done.warnings:
        print(f"schedplan: warning: {line}", file=sys.stderr)
    if done.repaired:
        print(f"schedplan: the last export (to {done.repaired}) did not finish; this one completes it", file=sys.stderr)
    print(
        f"wrote {args.ics}: {done.events} event{'' if done.events == 1 else 's'}"
        + (f", {done.updated} updated" if done.again else "")
        + (f", {done.cancelled} cancelled" if done.cancelled else ""),
        file=sys.stderr,
    )
    return 0
