"""A saved plan recalculated with some inputs changed, and what changed, written back under the plan file's lock."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from schedplan.core.changes import PlanChanges, diff, snapshot
from schedplan.core.policy import SitePolicy
from schedplan.core.saved import SavedPlan
from schedplan.core.schedule import Plan
from schedplan.core.sources import LoadedPolicy
from schedplan.core.units import fmt, quantize


def weight_flags(saved: SavedPlan, new_plan: Plan, policy: SitePolicy | None) -> tuple[list[str], set[str]]:
    """A weight change since the weight the saved doses were calculated on, against the site policy's
    recalculation threshold: (lines to show, keys of the doses to flag - those that depend on weight)."""
    old = saved.read_schedule().patient.weight_kg
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


def renal_flags(saved: SavedPlan, new_plan: Plan, policy: SitePolicy | None) -> tuple[list[str], set[str]]:
    """A change of the renal function the site's renal rules use, against the policy's renal change_percent:
    (lines to show, keys of the doses to flag - those of drugs a renal rule names). Issue 16."""
    old, new = saved.read_schedule().patient.renal_value, new_plan.renal_value
    if old is None and new is None or policy is None or not policy.renal:
        return [], set()
    affected = {e.key for e in new_plan.events if e.dose is not None and policy.renal_rule(e.name) is not None}
    if old is None or new is None:
        was = "not known" if old is None else f"{fmt(old)}"
        now = "not known" if new is None else f"{fmt(new)}"
        if was == now:
            return [], set()
        return [
            f"! RECALCULATION REQUIRED - renal function {was} -> {now}: {len(affected)} dose(s) depend on it,"
            " each marked ! below"
        ], affected
    if old == new:
        return [], set()
    pct = quantize((new - old) / old * 100, Decimal("0.1"))
    head = f"Renal function {fmt(old)} -> {fmt(new)} ({pct:+}%)"
    limit = policy.renal_function.change_percent if policy.renal_function is not None else None
    if limit is None:
        return [f"{head}; the site policy sets no renal recalculation threshold"], set()
    if abs(pct) <= limit:
        return [f"{head}: within the site's {fmt(limit)}% threshold"], set()
    return [
        f"! RECALCULATION REQUIRED - {head}, past the site's {fmt(limit)}% threshold:"
        f" {len(affected)} dose{'s' if len(affected) != 1 else ''} depend on it, each marked ! below"
    ], affected


@dataclass(frozen=True)
class Replanned:
    """A replan: the plan file before and after, the new plan, what changed, and notes for the person."""

    before: SavedPlan
    after: SavedPlan
    plan: Plan
    site: LoadedPolicy | None
    changes: PlanChanges
    weight_lines: list[str]
    flagged: set[str]
    notes: list[str] = field(default_factory=list)


def _replan(saved: SavedPlan, changes: dict[str, Any]) -> Replanned:
    from schedplan.plans.checking import current, tamper_warnings
    from schedplan.plans.saving import with_plan

    if changes.get("weight") is not None and changes.get("measured_on") is None:
        saved = saved.updated(inputs=saved.inputs.model_copy(update={"measured_on": None}))  # not the old date
    if changes.get("creatinine") is not None and changes.get("creatinine_date") is None:
        saved = saved.updated(inputs=saved.inputs.model_copy(update={"creatinine_date": None}))  # likewise
    inputs = saved.inputs.replaced(**changes)
    now = current(saved, inputs)
    site, new_plan = now.site, now.plan
    from schedplan.load.policy import policy_note

    notes = [policy_note(site)] if site is not None else []
    notes += tamper_warnings(saved)  # double-check records changed by hand: never silently carried on
    if site is not None and saved.policy_sha256 and site.sha256 != saved.policy_sha256:
        notes.append(f"the site policy {site.path} changed since the plan was saved; check every change below")
    if saved.protocol_sha256 and new_plan.protocol.sha256 and saved.protocol_sha256 != new_plan.protocol.sha256:
        notes.append(
            f"protocol {saved.protocol_ref} changed since the plan was saved"
            f" (version {saved.protocol_version} -> {new_plan.protocol.version}); check every change below"
        )
    changed = diff(saved.snapshot(), snapshot(new_plan), old_anchor=saved.anchor_date, new_anchor=new_plan.anchor_date)
    if saved.amendments:  # the changes as the course stands: a dose set by hand stays, a modified one changes as such
        changed = _course_changes(saved, with_plan(saved, new_plan, inputs), now) or changed
    lines, flagged = weight_flags(saved, new_plan, site.policy if site else None)
    renal_lines, renal_keys = renal_flags(saved, new_plan, site.policy if site else None)
    lines, flagged = lines + renal_lines, flagged | renal_keys
    from schedplan.plans.amending import replan_notes

    notes.extend(replan_notes(saved, new_plan, site))  # every amendment is kept; one that no longer applies is named
    return Replanned(saved, with_plan(saved, new_plan, inputs), new_plan, site, changed, lines, flagged, notes)


def _course_changes(saved: SavedPlan, replanned: SavedPlan, now: Any) -> PlanChanges | None:
    """The changes between the course as it stood and as it stands after the replan (amendments applied to both);
    None when the plan as saved cannot be recalculated to apply them (its protocol changed: then the calculated
    schedules are compared, and replan's notes say the protocol changed)."""
    from schedplan.errors import SchedplanError
    from schedplan.plans.amending import applied
    from schedplan.plans.checking import current

    try:
        before = current(saved)
        if not before.same:
            return None
        old = applied(before.plan, before.site, saved, saved.amendments, before.protocol).plan
        new = applied(now.plan, now.site, replanned, saved.amendments, now.protocol).plan
    except (SchedplanError, ValueError):
        return None
    return diff(snapshot(old), snapshot(new), old_anchor=saved.anchor_date, new_anchor=now.plan.anchor_date)


def replan(path: str, changes: dict[str, Any], *, dry_run: bool = False) -> Replanned:
    """Recalculate the plan file at ``path`` with ``changes`` (PlanInputs fields; None: keep; ``choices``
    merged over the saved ones) from what the file holds now, and write it back under its lock unless
    ``dry_run``."""
    from schedplan.load.planfile import locked_plan, open_plan

    if dry_run:
        return _replan(open_plan(path), dict(changes))
    with locked_plan(path) as slot:
        result = _replan(slot.read(), dict(changes))
        slot.write(result.after)
    return result
