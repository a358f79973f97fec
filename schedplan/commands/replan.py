"""`schedplan replan PLAN.json [--anchor-date D] [--weight W] ...`: recalculate a saved plan, show what changed."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from schedplan.commands.common import (
    add_choice_options,
    add_override_options,
    add_patient_factor_options,
    add_patient_options,
    add_site_options,
    factor_values,
    new_warnings_text,
    parse_overrides,
    past_anchor_warning,
)


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "replan",
        help="recalculate a saved plan after day 0 or the patient changed",
        description="Recalculate a saved plan with the values given here replacing the saved ones, write it"
        " back (atomically), and print what changed: moved dates, changed doses, items added and removed,"
        " and the warnings the new plan has that the saved one did not (marked NEW)."
        " Export it again to update the calendar in place.",
    )
    p.add_argument("plan_file", metavar="PLAN.json", help="a plan saved with `schedplan plan ... --save PLAN.json`")
    p.add_argument("--anchor-date", help="the new day 0 (or cycle 1 day 1), YYYY-MM-DD")
    add_patient_options(p, required=False)
    add_patient_factor_options(p)
    add_choice_options(p)
    add_site_options(p)
    add_override_options(p)
    p.add_argument("--dry-run", action="store_true", help="show the changes without writing the plan file")
    p.set_defaults(run=run)


def render_changes(changes: Any, flagged: set[str] | frozenset[str] = frozenset()) -> str:
    """core.changes.PlanChanges as text for a person, one change a line; ``flagged`` dose keys get a '!'."""
    from schedplan.words import change_lines

    return "".join(line + "\n" for line in change_lines(changes, flagged))


def run(args: argparse.Namespace) -> int:
    from schedplan.inputs import parse_sets
    from schedplan.plans.replanning import replan
    from schedplan.plans.sources import site_ref

    changes = {
        "anchor_date": args.anchor_date,
        "weight": args.weight,
        "height": args.height,
        "sex": args.sex,
        "bsa_formula": args.bsa_formula,
        "bsa": args.bsa,
        "choices": parse_sets(args.set_),
        "site": site_ref(args.site) if args.site else None,
        "measured_on": args.measured_on.strip() if args.measured_on else None,
        "overrides": parse_overrides(args.override, args.reason),
        **factor_values(args),
    }
    done = replan(args.plan_file, changes, dry_run=args.dry_run)
    from schedplan.core.text import one_line, printable

    for note in done.notes:
        print(f"schedplan: note: {one_line(note)}", file=sys.stderr)
    # the old side of the changes is read from the plan file: its text reaches the terminal escaped
    out = "".join(line + "\n" for line in done.weight_lines) + render_changes(done.changes, done.flagged)
    sys.stdout.write(printable(out))
    sys.stdout.write(new_warnings_text(done.before, done.after))
    past = past_anchor_warning(done.plan)
    if past:
        print(past, file=sys.stderr)
    if args.dry_run:
        print("schedplan: --dry-run: the plan file was not changed", file=sys.stderr)
        return 0
    if done.before.items:
        print(
            f"schedplan: saved {args.plan_file}; run `schedplan export {args.plan_file} --ics FILE.ics`"
            " to update the calendar",
            file=sys.stderr,
        )
    return 0
