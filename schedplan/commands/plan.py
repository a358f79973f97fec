"""`schedplan plan PROTOCOL ...`: calculate a patient's schedule; print it as a table, JSON or .ics, or save it."""

from __future__ import annotations

import argparse
import sys

from schedplan.commands.common import (
    add_choice_options,
    add_ics_options,
    add_patient_options,
    add_site_options,
    ics_values,
    inputs_of,
)

FORMATS = ["table", "json", "ics"]


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "plan",
        help="calculate a schedule for a patient",
        description="Calculate a dated, day-by-day schedule with every dose and its calculation.",
    )
    p.add_argument("protocol", metavar="PROTOCOL", help="a shipped protocol id (e.g. NCT07256210) or a .yaml path")
    add_patient_options(p)
    p.add_argument("--anchor-date", required=True, help="day 0 (or cycle 1 day 1), YYYY-MM-DD")
    add_choice_options(p)
    add_site_options(p)
    p.add_argument("--format", choices=FORMATS, default="table", help="table (default), json, or ics (a calendar)")
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
    from schedplan.plans.sources import calculate, protocol_ref

    if args.save is not None or args.output is not None:
        from schedplan.load.files import check_writable, refuse_same_file
        from schedplan.plans.saving import check_new_plan_file

        # every destination is checked before anything is written or printed: never half the job
        refuse_same_file([("plan file (--save)", args.save), ("output (--output)", args.output)])
        if args.save is not None:
            check_new_plan_file(args.save, replace=args.replace)
        if args.output is not None:
            check_writable(args.output)
    inputs = inputs_of(args)
    done = calculate(args.protocol, inputs)
    saved = None
    if args.save:
        from schedplan.plans.saving import new_saved_plan

        saved = new_saved_plan(done.plan, protocol_ref=protocol_ref(done.protocol), inputs=inputs)
    if args.format == "ics":
        from schedplan.core.saved import ExportOptions
        from schedplan.plans.exporting import calendar

        exported, recorded = calendar(
            done.plan, ExportOptions().merged(ics_values(args)), plan_id=saved.plan_id if saved else None
        )
        data = exported.data
        if saved is not None:
            saved = saved.updated(items=tuple(exported.items), export_options=recorded)
    elif args.format == "json":
        from schedplan.export.json_out import render

        data = render(done.plan).encode("utf-8")
    else:
        from schedplan.export.text import render as text_render

        data = text_render(done.plan, show_calculation=not args.no_calculation).encode("utf-8")
    if saved is not None:
        # the plan first: an .ics whose plan id was never saved would give duplicates on the next export
        from schedplan.plans.saving import save_new

        note = save_new(args.save, saved, replace=args.replace)
        if note:
            print(f"schedplan: {note}", file=sys.stderr)
        print(f"schedplan: saved {args.save} (plan id {saved.plan_id})", file=sys.stderr)
    if args.output is not None:
        from schedplan.load.files import write_atomic

        write_atomic(args.output, data, new_mode=0o600)
    else:
        sys.stdout.flush()
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
    return 0
