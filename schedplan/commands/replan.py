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


def _days(n: int) -> str:
    return f"{n:+d} day{'s' if abs(n) != 1 else ''}"


def _dose(value: Any, unit: str | None) -> str:
    from schedplan.core.units import fmt

    return "no dose" if value is None else f"{fmt(value)} {unit}"


def render_changes(changes: Any, flagged: set[str] | frozenset[str] = frozenset()) -> str:
    """core.changes.PlanChanges as text for a person, one change a line; ``flagged`` dose keys get a '!'."""
    out: list[str] = []
    if changes.old_anchor != changes.new_anchor:
        shift = (changes.new_anchor - changes.old_anchor).days
        out.append(f"Day 0 moved: {changes.old_anchor} -> {changes.new_anchor} ({_days(shift)})")
    if changes.moved:
        out.append(f"Moved ({len(changes.moved)}):")
        for m in changes.moved:
            label = m.new_label if m.old_label == m.new_label else f"{m.old_label} -> {m.new_label}"
            out.append(f"  {label:<10} {m.name}: {m.old_date} -> {m.new_date} ({_days(m.days)})")
    if changes.doses:
        out.append(f"Doses changed ({len(changes.doses)}):")
        for d in changes.doses:
            pct = d.percent
            tail = f" ({pct:+}%)" if pct is not None else ""
            mark = "!" if d.key in flagged else " "
            out.append(
                f"{mark} {d.label:<10} {d.name} {d.date}:"
                f" {_dose(d.old_value, d.old_unit)} -> {_dose(d.new_value, d.new_unit)}{tail}"
            )
    if changes.added:
        out.append(f"Added ({len(changes.added)}):")
        for e in changes.added:
            dose = f": {_dose(e.dose_value, e.dose_unit)}" if e.dose_value is not None else ""
            out.append(f"  {e.label:<10} {e.name} {e.date}{dose}")
    if changes.removed:
        out.append(f"Removed ({len(changes.removed)}):")
        for e in changes.removed:
            out.append(f"  {e.label:<10} {e.name} {e.date}")
    if not out:
        out.append("No changes.")
    return "\n".join(out) + "\n"


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
