"""`schedplan plan PROTOCOL ...`: calculate a patient's schedule; print it as a table, JSON or .ics, or save it."""

from __future__ import annotations

import argparse
import sys

from schedplan.commands.common import (
    add_choice_options,
    add_ics_options,
    add_override_options,
    add_patient_factor_options,
    add_patient_options,
    add_site_options,
    ics_values,
    inputs_of,
    past_anchor_warning,
)

# with the command, not in run(): every plan needs them, and imported here they are part of the start-up that the
# command line freezes before the command runs (cli._started)
from schedplan.plans.making import check_destinations, make, write_output


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "plan",
        help="calculate a schedule for a patient",
        description="Calculate a dated, day-by-day schedule with every dose and its calculation.",
    )
    p.add_argument("protocol", metavar="PROTOCOL", help="a shipped protocol id (e.g. NCT07256210) or a .yaml path")
    add_patient_options(p)
    add_patient_factor_options(p)
    p.add_argument("--anchor-date", required=True, help="day 0 (or cycle 1 day 1), YYYY-MM-DD")
    add_choice_options(p)
    add_site_options(p)
    add_override_options(p)
    p.add_argument(
        "--format", choices=["table", "json", "ics"], default="table", help="table (default), json, or ics (a calendar)"
    )
    p.add_argument("--output", metavar="FILE", help="write to FILE instead of standard output")
    p.add_argument("--no-calculation", action="store_true", help="table: leave out the calculation lines")
    p.add_argument(
        "--save",
        metavar="PLAN.json",
        help="also save the plan (inputs, schedule, a new plan id) for `replan` and `export`",
    )
    p.add_argument(
        "--replace",
        action="store_true",
        help="with --save: replace an existing file (its double checks and plan id are discarded)",
    )
    add_ics_options(p)
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    # every destination is checked before anything is calculated, written or printed: never half the job
    if args.save is not None or args.output is not None:
        check_destinations(save=args.save, output=args.output, replace=args.replace)
    made = make(
        args.protocol,
        inputs_of(args),
        fmt=args.format,
        show_calculation=not args.no_calculation,
        calendar=ics_values(args),
        save=args.save,
        replace=args.replace,
        calendar_path=args.output if args.format == "ics" else None,
    )
    past = past_anchor_warning(made.plan) if made.plan is not None else None
    if past:
        print(past, file=sys.stderr)
    if made.policy_note:
        print(f"schedplan: {made.policy_note}", file=sys.stderr)
    if made.replaced:
        print(f"schedplan: {made.replaced}", file=sys.stderr)
    if made.saved is not None:
        print(f"schedplan: saved {args.save} (plan id {made.saved.plan_id})", file=sys.stderr)
    for line in made.warnings:  # an administration at a time the clocks skip or repeat, and what was done
        print(f"schedplan: warning: {line}", file=sys.stderr)
    if args.output is not None:
        write_output(args.output, made.data)
    else:
        sys.stdout.flush()
        sys.stdout.buffer.write(made.data)
        sys.stdout.flush()
    return 0
