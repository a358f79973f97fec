"""What moved and which doses changed since the plan was saved, opened or first made (core.changes.diff, the
comparison `schedplan replan` prints), in the ward's words (no textual)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the app holds a ChangeLog from its first frame (issue 8): the comparison is imported when used
    from schedplan.core.changes import PlanChanges
    from schedplan.core.schedule import Plan


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
        from schedplan.core.changes import diff, snapshot

        found = diff(snapshot(self.base), snapshot(plan), old_anchor=self.base.anchor_date, new_anchor=plan.anchor_date)
        return None if found.empty else found


def summary(changes: PlanChanges) -> str:
    """One line: 'Day 0 moved 2027-03-15 -> 2027-03-18 (+3 days); 12 dates moved; 4 doses changed'."""
    from schedplan.words import days_text

    parts = []
    if changes.old_anchor != changes.new_anchor:
        shift = (changes.new_anchor - changes.old_anchor).days
        parts.append(f"Day 0 moved {changes.old_anchor} -> {changes.new_anchor} ({days_text(shift)})")
    if changes.moved:
        parts.append(f"{len(changes.moved)} date{'s' if len(changes.moved) != 1 else ''} moved")
    if changes.doses:
        parts.append(f"{len(changes.doses)} dose{'s' if len(changes.doses) != 1 else ''} changed")
    if changes.times:
        parts.append(f"{len(changes.times)} time{'s' if len(changes.times) != 1 else ''} of day changed")
    if changes.added or changes.removed:
        parts.append(f"{len(changes.added)} added, {len(changes.removed)} removed")
    return "; ".join(parts)


def lines(changes: PlanChanges) -> list[str]:
    """Every change, one a line, as `schedplan replan` lists them (the one wording: words.change_lines)."""
    from schedplan.words import change_lines

    return change_lines(changes)
