"""Double checks against the course as it stands: which checked doses an amendment changed since (void for
those doses), which doses of the course no holding check covers, and the amendments a check was made on."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from schedplan.core.amendments import Amendment
from schedplan.core.check_chain import digest
from schedplan.core.checks import CheckRecord, DoseToCheck
from schedplan.core.schedule import Plan, PlannedEvent


def amendments_sha256(amendments: Sequence[Amendment]) -> str:
    """The hash of the amendments a check was made on (append-only: a later check sees them unchanged)."""
    return digest([a.to_data() for a in amendments])


def amendments_edited(record: CheckRecord, amendments: Sequence[Amendment]) -> str | None:
    """Why the amendments this record was made on are no longer in the plan file as they were (None: they are).
    Amendments are never deleted or changed - undoing is a new one - so any difference is a hand edit."""
    if record.amendments is None or record.amendments_sha256 is None:
        return None
    if record.amendments > len(amendments):
        return (
            f"it was made on {record.amendments} amendment(s), and the plan file now has {len(amendments)}"
            " (amendments removed by hand)"
        )
    if amendments_sha256(amendments[: record.amendments]) != record.amendments_sha256:
        return f"the first {record.amendments} amendment(s), which it was made on, were edited by hand"
    return None


@dataclass(frozen=True)
class Voided:
    """A checked dose that an amendment made after the check changed: the check does not cover it any more."""

    dose_id: str
    name: str
    labels: tuple[str, ...]  # the administrations whose dose changed
    amendments: tuple[int, ...]  # the amendments that changed them (the modifications or undos after the check)

    def text(self) -> str:
        by = ", ".join(str(n) for n in self.amendments)
        return f"{self.name} {', '.join(self.labels)}: dose changed by amendment {by} after this check"


def _by_key(plan: Plan) -> dict[str, PlannedEvent]:
    return {e.key: e for e in plan.events}


def _changed_by(now: PlannedEvent, after: Iterable[Amendment]) -> tuple[int, ...]:
    """The amendments after a check that account for ``now``'s dose: its modification, else the undos."""
    modification = getattr(now, "modification", None)
    if modification:
        return (int(modification["amendment"]),)
    return tuple(a.number for a in after if a.kind in ("undo", "modify"))


def voided(
    doses_then: Sequence[DoseToCheck], then: Plan, now: Plan, record: CheckRecord, amendments: Sequence[Amendment]
) -> list[Voided]:
    """The doses of ``record`` (checked on the course ``then``, grouped as ``doses_then``) whose value in the
    course ``now`` is not what was checked. A held administration is not given, so it voids nothing."""
    checked = {d.id for d in record.doses}
    after = [a for a in amendments[record.amendments or 0 :]]
    before, current = _by_key(then), _by_key(now)
    out = []
    for dose in doses_then:
        if dose.id not in checked:
            continue
        labels: list[str] = []
        numbers: set[int] = set()
        for key in dose.keys:
            was, is_ = before.get(key), current.get(key)
            if was is None or is_ is None or getattr(is_, "status", "planned") == "held":
                continue
            if (
                is_.dose is None
                or was.dose is None
                or (is_.dose.value, is_.dose.unit) != (was.dose.value, was.dose.unit)
            ):
                labels.append(is_.label)
                numbers.update(_changed_by(is_, after))
        if labels:
            out.append(Voided(dose.id, dose.name, tuple(labels), tuple(sorted(numbers))))
    return out


def covered_keys(
    doses_then: Sequence[DoseToCheck], then: Plan, now: Plan, record: CheckRecord, amendments: Sequence[Amendment]
) -> set[str]:
    """The administrations (event keys) whose dose ``record`` checked with a match, confirmed, and that still
    have that dose in the course ``now``."""
    good = {d.id for d in record.doses if d.match and d.confirmed is not False}
    void = {v.dose_id: set(v.labels) for v in voided(doses_then, then, now, record, amendments)}
    current = _by_key(now)
    out: set[str] = set()
    for dose in doses_then:
        if dose.id not in good:
            continue
        for key in dose.keys:
            e = current.get(key)
            if e is not None and e.label not in void.get(dose.id, set()):
                out.add(key)
    return out


def unchecked(doses_now: Sequence[DoseToCheck], covered: set[str]) -> list[DoseToCheck]:
    """The doses of the course that a holding check does not cover in every administration."""
    return [d for d in doses_now if not set(d.keys) <= covered]
