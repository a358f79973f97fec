"""`schedplan amend PLAN.json hold|delay|modify|given|undo ...`: record what happened to the course, with reasons."""

from __future__ import annotations

import argparse
import sys

KINDS = {
    "hold": "an administration is not given (held)",
    "delay": "a cycle and every later one, or one administration (--and-later: and every later event), move later",
    "modify": "a dose modification: one administration, or a drug from a cycle or day onward",
    "given": "record an administration as given (the calculated dose unless --dose)",
    "undo": "undo an earlier amendment (recorded as a new one; nothing is deleted)",
}


def _select(p: argparse.ArgumentParser, *, ranges: bool = False, cycle_delay: bool = False) -> None:
    g = p.add_argument_group("which administration")
    g.add_argument("--drug", metavar="NAME", help="the event's name or id, e.g. isatuximab")
    g.add_argument("--day", type=int, metavar="N", help="the day (within its cycle for cycle protocols)")
    g.add_argument(
        "--cycle",
        type=int,
        metavar="K",
        help="the cycle" + ("; without --drug: cycle K and every later cycle start later" if cycle_delay else ""),
    )
    g.add_argument("--date", metavar="YYYY-MM-DD", help="the date it is on now (instead of --day)")
    g.add_argument(
        "--administration",
        type=int,
        metavar="N",
        help="which administration of that day (n of m), where there are several (e.g. every 6 hours)",
    )
    if ranges:
        g.add_argument("--from-cycle", type=int, metavar="K", help="with --drug: every dose from cycle K on")
        g.add_argument("--from-day", type=int, metavar="N", help="with --drug: every dose from day N on")


def _who(p: argparse.ArgumentParser, *, reason_required: bool = True) -> None:
    p.add_argument(
        "--reason",
        required=reason_required,
        metavar="TEXT",
        help="why (recorded; required)" if reason_required else "why (recorded; optional)",
    )
    p.add_argument("--by", required=True, metavar="NAME", help="who records it (recorded; required)")


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "amend",
        help="record a hold, delay, dose modification or dose given in a saved plan",
        description="Record what happened to the course in the plan file (atomically, under its lock): each"
        " amendment is numbered and kept with its reason, who and when; nothing is deleted - `undo N` is a new"
        " amendment. Prints what changed. `schedplan show PLAN.json` shows the course as it stands.",
    )
    p.add_argument("plan_file", metavar="PLAN.json", help="a plan saved with `schedplan plan ... --save PLAN.json`")
    kinds = p.add_subparsers(
        dest="kind",
        metavar="KIND",
        required=True,
        help="what happened: hold, delay, modify, given or undo",
        parser_class=type(p),
    )
    hold = kinds.add_parser("hold", help=KINDS["hold"], description=KINDS["hold"])
    _select(hold)
    _who(hold)
    delay = kinds.add_parser("delay", help=KINDS["delay"], description=KINDS["delay"])
    _select(delay, cycle_delay=True)
    delay.add_argument("--days", type=int, required=True, metavar="N", help="how many days later (more than 0)")
    delay.add_argument("--and-later", action="store_true", help="also every later event of the plan")
    _who(delay)
    modify = kinds.add_parser("modify", help=KINDS["modify"], description=KINDS["modify"])
    _select(modify, ranges=True)
    how = modify.add_mutually_exclusive_group(required=True)
    how.add_argument("--percent", metavar="P", help="percent of the calculated dose, 1-200")
    how.add_argument("--dose-level", metavar="L", help="the protocol's dose level L")
    how.add_argument("--dose", metavar='"VALUE UNIT"', help='the dose, e.g. "500 mg"')
    modify.add_argument(
        "--override",
        metavar="CODE",
        help="give a dose over a site maximum that stops (the code it names, e.g. max-dose:tocilizumab);"
        " --reason is the override's reason, recorded with the dose",
    )
    _who(modify)
    given = kinds.add_parser("given", help=KINDS["given"], description=KINDS["given"])
    _select(given)
    given.add_argument("--dose", metavar='"VALUE UNIT"', help="the dose given (default: the dose as planned)")
    given.add_argument("--at", metavar='"YYYY-MM-DD HH:MM"', help="when it was given, local time")
    given.add_argument("--note", metavar="TEXT", help="a note recorded with it")
    _who(given, reason_required=False)
    undo = kinds.add_parser("undo", help=KINDS["undo"], description=KINDS["undo"])
    undo.add_argument("number", type=int, metavar="N", help="the amendment to undo")
    _who(undo)
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from schedplan.plans.amending import AmendRequest, amend, what_changed

    request = AmendRequest(
        kind=args.kind,
        by=args.by,
        reason=args.reason,
        drug=getattr(args, "drug", None),
        day=getattr(args, "day", None),
        cycle=getattr(args, "cycle", None),
        date=getattr(args, "date", None),
        administration=getattr(args, "administration", None),
        and_later=getattr(args, "and_later", False),
        from_cycle=getattr(args, "from_cycle", None),
        from_day=getattr(args, "from_day", None),
        days=getattr(args, "days", None),
        percent=getattr(args, "percent", None),
        dose_level=getattr(args, "dose_level", None),
        dose=getattr(args, "dose", None),
        at=getattr(args, "at", None),
        note=getattr(args, "note", None),
        undo=getattr(args, "number", None),
        override=getattr(args, "override", None),
    )
    done = amend(args.plan_file, request)
    a = done.amendment
    what = f" (undoes amendment {a.params.undo})" if a.kind == "undo" else ""
    lines = [f"Amendment {a.number}: {a.kind}{what}, by {a.by}" + (f": {a.reason}" if a.reason else "")]
    lines += what_changed(done) or ["  no administration changed"]
    sys.stdout.write("".join(line + "\n" for line in lines))
    for w in done.warnings:
        print(f"schedplan: warning: {w}", file=sys.stderr)
    print(f"schedplan: saved {args.plan_file}", file=sys.stderr)
    return 0
