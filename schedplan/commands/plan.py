"""`schedplan plan PROTOCOL ...`: calculate a patient's schedule and print it as a table or JSON."""

from __future__ import annotations

import argparse
import sys

from schedplan.commands.common import add_choice_options, add_patient_options, build_patient, parse_sets

FORMATS = ["table", "json"]


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
    p.add_argument("--format", choices=FORMATS, default="table", help="table (default) or json")
    p.add_argument("--no-calculation", action="store_true", help="table: leave out the calculation lines")
    p.set_defaults(run=run)


def make_plan(args: argparse.Namespace):
    """The Plan the options describe (shared with other commands)."""
    from schedplan.core.dates import parse_date
    from schedplan.core.schedule import plan
    from schedplan.load.protocols import find_protocol

    loaded = find_protocol(args.protocol)
    patient = build_patient(
        args.weight, args.height, args.sex, args.bsa_formula, args.bsa, protocol_formula=loaded.protocol.bsa_formula
    )
    anchor = parse_date(args.anchor_date, "anchor date")
    return plan(loaded.protocol, patient, anchor, parse_sets(args.set_), sha256=loaded.sha256), loaded


def run(args: argparse.Namespace) -> int:
    result, _ = make_plan(args)
    if args.format == "json":
        from schedplan.export.json_out import render
    else:
        from schedplan.export.text import render as text_render

        def render(p):  # type: ignore[no-redef]
            return text_render(p, show_calculation=not args.no_calculation)

    sys.stdout.write(render(result))
    return 0
