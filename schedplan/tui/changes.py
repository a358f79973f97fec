"""What moved and which doses changed since the plan was saved, opened or first made (core.changes.diff, the
comparison `schedplan replan` prints), in the ward's words (no textual)."""

from __future__ import annotations

from schedplan.core.changes import PlanChanges, diff, snapshot
from schedplan.core.schedule import Plan
from schedplan.core.units import dose_display


class ChangeLog:
    """The plan everything is compared with: as last saved or opened, else the first plan of the session."""

    def __init__(self) -> None:
        self.base: Plan | None = None

    def note(self, old: Plan | None, new: Plan) -> None:
        """A new plan was calculated (``old`` was on screen before it)."""
        if self.base is None or self.base.protocol.id != new.protocol.id:
            self.base = new

    def reset(self, plan: Plan | None) -> None:
        """The plan file now holds ``plan`` (saved or opened), or a new protocol starts over (None)."""
        self.base = plan

    def changes(self, plan: Plan | None) -> PlanChanges | None:
        """The changes from the base to ``plan``; None when there is nothing to compare or nothing changed."""
        if plan is None or self.base is None or self.base is plan:
            return None
        found = diff(snapshot(self.base), snapshot(plan), old_anchor=self.base.anchor_date, new_anchor=plan.anchor_date)
        return None if found.empty else found


def _days(n: int) -> str:
    return f"{n:+d} day{'s' if abs(n) != 1 else ''}"


def _dose(value, unit) -> str:
    return "no dose" if value is None else dose_display(value, unit)


def summary(changes: PlanChanges) -> str:
    """One line: 'Day 0 moved 2027-03-15 -> 2027-03-18 (+3 days); 12 dates moved; 4 doses changed'."""
    parts = []
    if changes.old_anchor != changes.new_anchor:
        shift = (changes.new_anchor - changes.old_anchor).days
        parts.append(f"Day 0 moved {changes.old_anchor} -> {changes.new_anchor} ({_days(shift)})")
    if changes.moved:
        parts.append(f"{len(changes.moved)} date{'s' if len(changes.moved) != 1 else ''} moved")
    if changes.doses:
        parts.append(f"{len(changes.doses)} dose{'s' if len(changes.doses) != 1 else ''} changed")
    if changes.added or changes.removed:
        parts.append(f"{len(changes.added)} added, {len(changes.removed)} removed")
    return "; ".join(parts)


def lines(changes: PlanChanges) -> list[str]:
    """Every change, one a line, as `schedplan replan` lists them."""
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
            tail = f" ({d.percent:+}%)" if d.percent is not None else ""
            old, new = _dose(d.old_value, d.old_unit), _dose(d.new_value, d.new_unit)
            out.append(f"  {d.label:<10} {d.name} {d.date}: {old} -> {new}{tail}")
    if changes.added:
        out.append(f"Added ({len(changes.added)}):")
        out += [f"  {e.label:<10} {e.name} {e.date}" for e in changes.added]
    if changes.removed:
        out.append(f"Removed ({len(changes.removed)}):")
        out += [f"  {e.label:<10} {e.name} {e.date}" for e in changes.removed]
    return out or ["No changes."]
