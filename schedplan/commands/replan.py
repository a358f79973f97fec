"""`schedplan replan PLAN.json [--anchor-date D] [--weight W] ...`: recalculate a saved plan, show what changed."""

from __future__ import annotations

import argparse
import dataclasses
import sys

from schedplan.commands.common import add_choice_options, add_patient_options, build_patient, parse_sets


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "replan",
        help="recalculate a saved plan after day 0 or the patient changed",
        description="Recalculate a saved plan with the values given here replacing the saved ones, write it"
        " back (atomically), and print what changed: moved dates, changed doses, items added and removed."
        " Export it again to update the calendar in place.",
    )
    p.add_argument("plan_file", metavar="PLAN.json", help="a plan saved with `schedplan plan ... --save PLAN.json`")
    p.add_argument("--anchor-date", help="the new day 0 (or cycle 1 day 1), YYYY-MM-DD")
    add_patient_options(p, required=False)
    add_choice_options(p)
    p.add_argument("--dry-run", action="store_true", help="show the changes without writing the plan file")
    p.set_defaults(run=run)


def recalculate(saved, **changes):
    """(Plan, PlanInputs) for a SavedPlan, with any PlanInputs field replaced by ``changes``.

    ``choices`` in ``changes`` are merged over the saved ones (a --set replaces that key only).
    Raises the same errors as `schedplan plan` for bad values, UnknownProtocolError when the protocol
    is gone.
    """
    from schedplan.core.dates import parse_date
    from schedplan.core.schedule import plan
    from schedplan.load.protocols import find_protocol

    new_choices = changes.pop("choices", None) or {}
    inputs = dataclasses.replace(saved.inputs, **{k: v for k, v in changes.items() if v is not None})
    inputs = dataclasses.replace(inputs, choices={**saved.inputs.choices, **new_choices})
    loaded = find_protocol(saved.protocol_ref)
    patient = build_patient(
        inputs.weight, inputs.height, inputs.sex, inputs.bsa_formula, inputs.bsa,
        protocol_formula=loaded.protocol.bsa_formula,
    )
    anchor = parse_date(inputs.anchor_date, "anchor date")
    result = plan(loaded.protocol, patient, anchor, inputs.choices, sha256=loaded.sha256)
    return result, inputs


def _days(n: int) -> str:
    return f"{n:+d} day{'s' if abs(n) != 1 else ''}"


def _dose(value, unit) -> str:
    from schedplan.core.units import fmt

    return "no dose" if value is None else f"{fmt(value)} {unit}"


def render_changes(changes) -> str:
    """core.changes.PlanChanges as text for a person, one change a line."""
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
            out.append(
                f"  {d.label:<10} {d.name} {d.date}: {_dose(d.old_value, d.old_unit)} -> {_dose(d.new_value, d.new_unit)}{tail}"
            )
    if changes.added:
        out.append(f"Added ({len(changes.added)}):")
        for e in changes.added:
            out.append(f"  {e.label:<10} {e.name} {e.date}" + (f": {_dose(e.dose_value, e.dose_unit)}" if e.dose_value is not None else ""))
    if changes.removed:
        out.append(f"Removed ({len(changes.removed)}):")
        for e in changes.removed:
            out.append(f"  {e.label:<10} {e.name} {e.date}")
    if not out:
        out.append("No changes.")
    return "\n".join(out) + "\n"


def run(args: argparse.Namespace) -> int:
    from schedplan.core.changes import diff, snapshot
    from schedplan.load.planfile import open_plan, save_plan, with_plan

    saved = open_plan(args.plan_file)
    changes_in = {
        "anchor_date": args.anchor_date,
        "weight": args.weight,
        "height": args.height,
        "sex": args.sex,
        "bsa_formula": args.bsa_formula,
        "bsa": args.bsa,
        "choices": parse_sets(args.set_),
    }
    new_plan, inputs = recalculate(saved, **changes_in)
    if saved.protocol_sha256 and new_plan.protocol.sha256 and saved.protocol_sha256 != new_plan.protocol.sha256:
        print(
            f"schedplan: note: protocol {saved.protocol_ref} changed since the plan was saved"
            f" (version {saved.protocol_version} -> {new_plan.protocol.version}); check every change below",
            file=sys.stderr,
        )
    changes = diff(saved.snapshot(), snapshot(new_plan), old_anchor=saved.anchor_date, new_anchor=new_plan.anchor_date)
    sys.stdout.write(render_changes(changes))
    if args.dry_run:
        print("schedplan: --dry-run: the plan file was not changed", file=sys.stderr)
        return 0
    save_plan(args.plan_file, with_plan(saved, new_plan, inputs))
    if saved.items:
        print(
            f"schedplan: saved {args.plan_file}; run `schedplan export {args.plan_file} --ics FILE.ics`"
            " to update the calendar",
            file=sys.stderr,
        )
    return 0
