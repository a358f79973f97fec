"""`schedplan replan PLAN.json [--anchor-date D] [--weight W] ...`: recalculate a saved plan, show what changed."""

from __future__ import annotations

import argparse
import dataclasses
import sys

from decimal import Decimal

from schedplan.commands.common import (
    add_choice_options,
    add_override_options,
    add_patient_options,
    add_site_options,
    parse_overrides,
)
from schedplan.inputs import calculate_plan, parse_sets
from schedplan.core.units import fmt, quantize


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
    add_site_options(p)
    add_override_options(p)
    p.add_argument("--dry-run", action="store_true", help="show the changes without writing the plan file")
    p.set_defaults(run=run)


def recalculate(saved, **changes):
    """(Plan, PlanInputs) for a SavedPlan, with any PlanInputs field replaced by ``changes``.

    ``choices`` in ``changes`` are merged over the saved ones (a --set replaces that key only).
    Raises the same errors as `schedplan plan` for bad values, UnknownProtocolError when the protocol
    is gone.
    """
    result, inputs, _ = recalculate_with_site(saved, **changes)
    return result, inputs


def recalculate_with_site(saved, **changes):
    """recalculate(), and the LoadedPolicy (or None) the plan was calculated under."""
    new_choices = changes.pop("choices", None) or {}
    new_overrides = changes.pop("overrides", None) or {}
    inputs = dataclasses.replace(saved.inputs, **{k: v for k, v in changes.items() if v is not None})
    inputs = dataclasses.replace(inputs, choices={**saved.inputs.choices, **new_choices})
    inputs = dataclasses.replace(inputs, overrides={**saved.inputs.overrides, **new_overrides})
    result, _, site = calculate_plan(saved.protocol_ref, inputs)
    return result, inputs, site


def weight_flags(saved, new_plan, policy) -> tuple[list[str], set[str]]:
    """A weight change since the weight the saved doses were calculated on, against the site policy's
    recalculation threshold: (lines to show, keys of the doses to flag - those that depend on weight)."""
    old = Decimal(str(saved.schedule["patient"]["weight_kg"]))
    new = new_plan.patient.weight_kg
    if old == new:
        return [], set()
    pct = quantize((new - old) / old * 100, Decimal("0.1"))
    head = f"Weight {fmt(old)} kg -> {fmt(new)} kg ({pct:+}%)"
    limit = policy.weight_change_percent if policy is not None else None
    if limit is None:
        return [f"{head}; the site policy sets no recalculation threshold"], set()
    if abs(pct) <= limit:
        return [
            f"{head}: within the site's {fmt(limit)}% threshold, so the policy does not require recalculation"
            " (recalculated because --weight was given)"
        ], set()
    affected = {e.key for e in new_plan.events if e.dose is not None and e.dose.basis != "flat dose"}
    return [
        f"! RECALCULATION REQUIRED - {head}, past the site's {fmt(limit)}% threshold:"
        f" {len(affected)} dose{'s' if len(affected) != 1 else ''} depend on the weight, each marked ! below"
    ], affected


def _days(n: int) -> str:
    return f"{n:+d} day{'s' if abs(n) != 1 else ''}"


def _dose(value, unit) -> str:
    from schedplan.core.units import fmt

    return "no dose" if value is None else f"{fmt(value)} {unit}"


def render_changes(changes, flagged: set[str] = frozenset()) -> str:  # type: ignore[assignment]
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
                f"{mark} {d.label:<10} {d.name} {d.date}: {_dose(d.old_value, d.old_unit)} -> {_dose(d.new_value, d.new_unit)}{tail}"
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
    from schedplan.inputs import site_ref
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
        "site": site_ref(args.site) if args.site else None,
        "measured_on": args.measured_on.strip() if args.measured_on else None,
        "overrides": parse_overrides(args.override, args.reason),
    }
    if args.weight is not None and args.measured_on is None:  # a new weight is not from the old date
        inputs_measured = dataclasses.replace(saved.inputs, measured_on=None)
        saved = saved.updated(inputs=inputs_measured)
    new_plan, inputs, site = recalculate_with_site(saved, **changes_in)
    if site is not None and saved.policy_sha256 and site.sha256 != saved.policy_sha256:
        print(
            f"schedplan: note: the site policy {site.path} changed since the plan was saved; check every change below",
            file=sys.stderr,
        )
    if saved.protocol_sha256 and new_plan.protocol.sha256 and saved.protocol_sha256 != new_plan.protocol.sha256:
        print(
            f"schedplan: note: protocol {saved.protocol_ref} changed since the plan was saved"
            f" (version {saved.protocol_version} -> {new_plan.protocol.version}); check every change below",
            file=sys.stderr,
        )
    changes = diff(saved.snapshot(), snapshot(new_plan), old_anchor=saved.anchor_date, new_anchor=new_plan.anchor_date)
    lines, flagged = weight_flags(saved, new_plan, site.policy if site else None)
    sys.stdout.write("".join(line + "\n" for line in lines) + render_changes(changes, flagged))
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
