"""The plan file the terminal UI has in use: save, open, export and record double checks on typed values."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from schedplan.core.changes import CalendarItem
from schedplan.core.checks import (
    CheckRecord,
    CheckResult,
    check_record,
    inputs_sha256,
    invalid_reasons,
    tolerance_for,
)
from schedplan.core.plan_inputs import PlanInputs
from schedplan.core.saved import ExportOptions, SavedPlan
from schedplan.core.schedule import Plan
from schedplan.core.sources import LoadedPolicy, LoadedProtocol
from schedplan.errors import PlanFileError
from schedplan.load.planfile import PlanSlot


@dataclass(frozen=True)
class Opened:
    """A plan file read back: its plan, the protocol and policy it names, and a note when they changed."""

    saved: SavedPlan
    protocol: LoadedProtocol
    site: LoadedPolicy | None
    path: Path


class PlanSession:
    """The plan file in use (opened or saved in this session), so exports keep their calendar identities.

    Exporting a plan that has a file writes the file too (inputs, schedule and the exported items), as
    `schedplan export` does; without a file an export is a one-off calendar. Every write goes through the
    plan file's lock and merges what others appended (double checks) since it was read here.
    """

    def __init__(self) -> None:
        self.saved: SavedPlan | None = None
        self.path: Path | None = None

    def _document(self, base: SavedPlan | None, plan: Plan, inputs: PlanInputs, protocol: LoadedProtocol) -> SavedPlan:
        from schedplan.plans.saving import new_saved_plan, with_plan
        from schedplan.plans.sources import protocol_ref

        if base is not None and base.protocol_id == plan.protocol.id:
            return with_plan(base, plan, inputs)
        return new_saved_plan(plan, protocol_ref=protocol_ref(protocol), inputs=inputs)

    def _merge(self, path: Path, plan: Plan, inputs: PlanInputs, protocol: LoadedProtocol) -> SavedPlan:
        """Write this plan to ``path`` under its lock: over the file in use, what others appended is kept, and
        a file replaced or replanned elsewhere since it was read here is refused. Saved to another file ("save
        as"), the plan keeps its id, as before."""
        from schedplan.load.planfile import locked_plan
        from schedplan.plans.saving import discarded

        with locked_plan(path) as slot:
            in_use = self.path is not None and _same(self.path, path)
            base = self._current_base(slot, inputs) if in_use else self.saved
            if in_use and base is not None and base.protocol_id != plan.protocol.id:
                # another protocol picked over the plan file in use: its plan and what was recorded with it are
                # never replaced by a save (user test: one Enter in the save dialog did)
                raise PlanFileError(
                    f"{path.name} holds the plan of {base.protocol_id}; saving this plan of {plan.protocol.id} over"
                    f" it {discarded(base)}: save it to another file (nothing was written)",
                    path=str(path),
                )
            doc = self._document(base, plan, inputs, protocol)
            slot.write(doc)
        return doc

    def save(self, plan: Plan, inputs: PlanInputs, protocol: LoadedProtocol, path: Path) -> str:
        doc = self._merge(path, plan, inputs, protocol)
        self.saved, self.path = doc, path
        return f"Saved the plan to {path}"

    def export(self, plan: Plan, inputs: PlanInputs, protocol: LoadedProtocol, path: Path) -> str:
        """Write the plan on screen as a calendar; when it belongs to the plan file in use, the file records
        what was written (under its lock, the plan file first, as `schedplan export` does)."""
        from schedplan.load.files import refuse_same_file, write_atomic
        from schedplan.load.planfile import locked_plan
        from schedplan.plans.exporting import calendar, calendar_key, options_for, reused_text

        if self.path is not None:
            refuse_same_file([("plan file", self.path), ("calendar", path)])
        with_file = self.path is not None and self.saved is not None and self.saved.protocol_id == plan.protocol.id
        if self.path is None:
            # no plan file yet: the plan id is fixed at this first export and kept for every later export and
            # the save, so the patient's calendar app sees one set of items, updated in place (SEQUENCE raised)
            doc = self._document(self.saved, plan, inputs, protocol)
            options, reused = options_for(doc, path, {})
            result, recorded = calendar(plan, options, plan_id=doc.plan_id, items=doc.items)
            calendars = {**doc.calendars, calendar_key(path): recorded}
            write_atomic(path, result.data, new_mode=0o600)
            self.saved = doc.updated(items=tuple(result.items), export_options=recorded, calendars=calendars)
            return (
                f"Exported {_events(result.items)} calendar events to {path}"
                " (save the plan to keep its calendar identity)" + _clock_note(result.warnings)
            )
        if not with_file:
            result, _ = calendar(plan, ExportOptions())
            write_atomic(path, result.data, new_mode=0o600)
            return f"Exported {_events(result.items)} calendar events to {path}" + _clock_note(result.warnings)
        with locked_plan(self.path) as slot:
            base = self._current_base(slot, inputs)
            doc = self._document(base, plan, inputs, protocol)
            options, reused = options_for(doc, path, {})  # this calendar file's own options, never another's
            result, recorded = calendar(_as_it_stands(doc, plan), options, plan_id=doc.plan_id, items=doc.items)
            calendars = {**doc.calendars, calendar_key(path): recorded}
            before, doc = doc, doc.updated(items=tuple(result.items), export_options=recorded, calendars=calendars)
            slot.write_with(doc, path, result.data, before=before)  # crash-safe, as `schedplan export`
        self.saved = doc
        again = f"; reusing {reused_text(reused)}" if reused else ""
        return (
            f"Exported {_events(result.items)} calendar events to {path}; plan file {self.path.name} updated{again}"
            + _clock_note(result.warnings)
        )

    def _current_base(self, slot: PlanSlot, inputs: PlanInputs) -> SavedPlan | None:
        """What a write over the plan file in use starts from: the file as it is now (so checks recorded
        elsewhere meanwhile are kept), unless it was replaced or replanned elsewhere to other inputs."""
        ours = self.saved
        if ours is None or not slot.exists():
            return ours
        now = slot.read()
        if now.plan_id != ours.plan_id:
            raise PlanFileError(
                f"{slot.name} now holds another plan (replaced elsewhere); open it again", path=slot.name
            )
        if (now.inputs != ours.inputs or now.schedule != ours.schedule) and now.inputs != inputs:
            raise PlanFileError(
                f"{slot.name} was changed elsewhere (replanned) since it was opened here; open it again", path=slot.name
            )
        return now

    def open(self, path: Path) -> Opened:
        from schedplan.load.planfile import open_plan
        from schedplan.plans.sources import find_protocol, load_site

        saved = open_plan(path)
        protocol = find_protocol(saved.protocol_ref)
        site = load_site(saved.inputs.site)
        self.saved, self.path = saved, path
        return Opened(saved, protocol, site, path)

    # --- double checks, recorded in the plan file exactly as `schedplan verify` records them ---------------

    def file_holds(self, plan: Plan, inputs: PlanInputs) -> bool:
        """Whether the plan file in use is this plan, from these inputs (what a check is recorded against)."""
        from schedplan.plans.checking import same_schedule

        saved = self.saved
        return (
            saved is not None
            and self.path is not None
            and saved.protocol_id == plan.protocol.id
            and same_schedule(saved.schedule, plan)
            and inputs_sha256(saved.inputs) == inputs_sha256(inputs)
        )

    def record_check(
        self, plan: Plan, inputs: PlanInputs, site: LoadedPolicy | None, checker: str, results: list[CheckResult]
    ) -> CheckRecord:
        """Append the check to the plan file under its lock (kept: the checks others recorded meanwhile)."""
        from schedplan.plans.checking import record_check

        if not self.file_holds(plan, inputs) or self.saved is None or self.path is None:
            raise PlanFileError(
                "the plan on screen is not the saved one; save it, then check again", path=str(self.path)
            )
        record = check_record(
            checker,
            results,
            tolerance_percent=tolerance_for(site.policy if site else None)[0],
            protocol_sha256=plan.protocol.sha256,
            policy_sha256=site.sha256 if site else None,
            inputs_sha256=inputs_sha256(self.saved.inputs),
            at=dt.datetime.now(dt.UTC),
        )
        if self.saved.amendments:  # the course checked (as verify records it)
            from schedplan.core.check_course import amendments_sha256

            record = record.model_copy(
                update={
                    "amendments": len(self.saved.amendments),
                    "amendments_sha256": amendments_sha256(self.saved.amendments),
                }
            )
        try:
            self.saved = record_check(str(self.path), self.saved, record)
        except PlanFileError:
            raise PlanFileError(
                f"{self.path} was changed since it was opened or saved here; open it again", path=str(self.path)
            ) from None
        return record

    def _course_reasons(self, plan: Plan, site: LoadedPolicy | None, record: CheckRecord) -> list[str]:
        """Why ``record`` does not cover the course as it stands: its amendments edited by hand (tampered), or
        doses an amendment changed after it (void for those)."""
        from schedplan.core.check_course import amendments_edited, voided
        from schedplan.core.checks import doses_to_check
        from schedplan.plans.amending import applied

        saved = self.saved
        if saved is None or not saved.amendments:
            return []
        edited = amendments_edited(record, saved.amendments)
        if edited is not None:
            return [f"TAMPERED: {edited}"]
        policy = site.policy if site else None
        try:
            then = applied(plan, site, saved, saved.amendments[: record.amendments or 0]).plan
            now = applied(plan, site, saved, saved.amendments).plan
        except ValueError as exc:  # an amendment that cannot apply to the plan on screen: the check cannot cover it
            return [f"the amendments do not apply to the plan on screen ({exc})"]
        void = voided(doses_to_check(then, policy), then, now, record, saved.amendments)
        return [f"VOID for {v.text()}" for v in void]

    def recorded_checks(
        self, plan: Plan, inputs: PlanInputs, site: LoadedPolicy | None
    ) -> list[tuple[CheckRecord, list[str]]]:
        """The checks in the plan file in use, each with why it no longer holds for this plan and these inputs
        (first: tampered with, or made before the chain of checks - core.check_chain)."""
        from schedplan.core.check_chain import chain_report

        if self.saved is None or self.saved.protocol_id != plan.protocol.id:
            return []
        now = inputs_sha256(inputs)
        chain = chain_report(self.saved)
        tampered = [f"TAMPERED: {r}" for r in chain.file_reasons]
        return [
            (
                rec,
                (
                    tampered
                    + ([f"TAMPERED: {'; '.join(link.reasons)}"] if link.state == "tampered" else [])
                    + self._course_reasons(plan, site, rec)
                    + (["unverifiable (made before the chain)"] if link.state == "unverifiable" else [])
                    + invalid_reasons(
                        rec,
                        protocol_sha256=plan.protocol.sha256,
                        policy_sha256=site.sha256 if site else None,
                        inputs_sha256=now,
                    )
                ),
            )
            for rec, link in zip(self.saved.checks, chain.records, strict=True)
        ]


def _clock_note(warnings: tuple[str, ...]) -> str:
    """The calendar's warnings (times the clocks skip or repeat, and what was done), said with the export."""
    return "".join(f"; WARNING: {w}" for w in warnings)


def _as_it_stands(doc: SavedPlan, plan: Plan) -> Plan:
    """The course a calendar shows: ``plan`` with the plan file's amendments (moved, modified, held, given), as
    `schedplan export` writes it."""
    if not doc.amendments:
        return plan
    from schedplan.plans.amending import course_of

    return course_of(doc).amended.plan


def _same(a: Path, b: Path) -> bool:
    from schedplan.load.files import real_path

    return real_path(a) == real_path(b)


def _events(items: list[CalendarItem] | tuple[CalendarItem, ...]) -> int:
    return sum(1 for i in items if not i.cancelled)
