"""`schedplan print PLAN.json --pdf FILE.pdf --html FILE.html`: printable calendars from a saved plan."""

from __future__ import annotations

import argparse
import sys


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "print",
        help="print a saved plan: a patient handout or a staff schedule, as PDF and/or HTML",
        description="Print a saved plan (from `plan --save`). --audience patient: a cover, one month grid per"
        " page and a day-by-day list, in plain words with no doses; --audience staff (default): every"
        " administration with its dose, calculation and rules, a given/time/initials column, totals, the double"
        " check and signature lines. The same plan, options and print time give the same bytes"
        " (SOURCE_DATE_EPOCH sets the print time).",
    )
    p.add_argument("plan_file", metavar="PLAN.json", help="a plan saved with `schedplan plan ... --save PLAN.json`")
    p.add_argument("--pdf", metavar="FILE.pdf", help="write the PDF here")
    p.add_argument("--html", metavar="FILE.html", help="write the HTML (self-contained) here")
    p.add_argument("--audience", choices=["staff", "patient"], default="staff", help="staff (default) or patient")
    p.add_argument(
        "--locale", help="dates and words in this locale: en_GB, en_US, it_IT ... (default: the environment's)"
    )
    p.add_argument("--from", dest="date_from", metavar="YYYY-MM-DD", help="from this date (default: the first event)")
    p.add_argument("--to", dest="date_to", metavar="YYYY-MM-DD", help="to this date (default: the last event)")
    p.add_argument("--label", help="a label on every page (e.g. initials); nothing about the patient otherwise")
    p.add_argument("--paper", choices=["a4", "letter"], default="a4", help="paper size (default a4)")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from schedplan.plans.printing import print_options, print_plan

    options = print_options(
        audience=args.audience,
        locale=args.locale,
        date_from=args.date_from,
        date_to=args.date_to,
        label=args.label,
        paper=args.paper,
    )
    done = print_plan(args.plan_file, options, pdf=args.pdf, html=args.html)
    for note in done.notes:
        print(f"schedplan: note: {note}", file=sys.stderr)
    for written in done.written:
        print(f"wrote {written}", file=sys.stderr)
    return 0
