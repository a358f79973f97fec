"""`schedplan plan PROTOCOL ...`: calculate a patient's schedule; print it as a table, JSON or .ics, or save it."""

from __future__ import annotations

import argparse
import sys

from schedplan.commands.common import (
    add_choice_options,
    add_override_options,
    add_patient_options,
    add_site_options,
    parse_overrides,
)
from schedplan.inputs import calculate_plan, parse_sets, site_ref
from schedplan.commands.export import add_ics_options

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
    add_override_options(p)
    p.add_argument("--format", choices=FORMATS, default="table", help="table (default), json, or ics (a calendar)")
    p.add_argument("--output", metavar="FILE", help="write to FILE instead of standard output")
    p.add_argument("--no-calculation", action="store_true", help="table: leave out the calculation lines")
    p.add_argument(
        "--save",
        metavar="PLAN.json",
        help="also save the plan (inputs, schedule, a new plan id) for `replan` and `export`",
    )
    add_ics_options(p)
    p.set_defaults(run=run)


def make_plan(args: argparse.Namespace):
    """(Plan, LoadedProtocol) for the options given (shared with other commands)."""
    result, loaded, _ = calculate_plan(args.protocol, _inputs(args))
    return result, loaded


def _inputs(args: argparse.Namespace):
    from schedplan.load.planfile import PlanInputs

    return PlanInputs(
        weight=args.weight,
        height=args.height,
        anchor_date=args.anchor_date.strip(),
        sex=args.sex,
        bsa_formula=args.bsa_formula,
        bsa=args.bsa,
        choices=parse_sets(args.set_),
        site=site_ref(args.site),
        measured_on=args.measured_on.strip() if args.measured_on else None,
        overrides=parse_overrides(args.override, args.reason),
    )


def _protocol_ref(args: argparse.Namespace, loaded) -> str:
    """A shipped protocol by its id; a file by its absolute path (so `replan` finds it from anywhere)."""
    from schedplan.load.protocols import shipped_dir

    try:
        if loaded.path.resolve().parent == shipped_dir().resolve():
            return loaded.protocol.id
    except OSError:
        pass
    return str(loaded.path.resolve())


def run(args: argparse.Namespace) -> int:
    if args.save is not None or args.output is not None:
        from schedplan.load.planfile import check_writable

        # both destinations are checked before anything is written or printed: never half the job
        for path in (args.save, args.output):
            if path is not None:
                check_writable(path)
    result, loaded = make_plan(args)
    saved = None
    if args.save:
        from schedplan.load.planfile import new_saved_plan

        saved = new_saved_plan(result, protocol_ref=_protocol_ref(args, loaded), inputs=_inputs(args))
    if args.format == "ics":
        from schedplan.commands.export import build_options, option_values
        from schedplan.export.ics import build_ics

        values = option_values(args)
        exported = build_ics(result, plan_id=saved.plan_id if saved else None, options=build_options(values))
        data = exported.data
        if saved is not None:
            saved = saved.updated(items=exported.items, export_options=values)
    else:
        if args.format == "json":
            from schedplan.export.json_out import render
        else:
            from schedplan.export.text import render as text_render

            def render(p):  # type: ignore[no-redef]
                return text_render(p, show_calculation=not args.no_calculation)

        data = render(result).encode("utf-8")
    if saved is not None:
        # the plan first: an .ics whose plan id was never saved would give duplicates on the next export
        from schedplan.load.planfile import save_plan

        save_plan(args.save, saved)
        print(f"schedplan: saved {args.save} (plan id {saved.plan_id})", file=sys.stderr)
    if args.output is not None:
        from schedplan.load.planfile import write_atomic

        write_atomic(args.output, data, new_mode=0o600)
    else:
        sys.stdout.flush()
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
    return 0
