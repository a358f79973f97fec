"""The app's actions on the plan as a whole: copy, export iCal, save and open plan files, the double check."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from schedplan.errors import SchedplanError
from schedplan.tui.check import DoubleCheckScreen
from schedplan.tui.dialogs import PathDialog
from schedplan.tui.format import policy_line
from schedplan.tui.host import AppHost
from schedplan.tui.planning import FormValues, ProtocolEntry, typed
from schedplan.tui.services import OpenedPlan
from schedplan.tui.widgets.form import PatientForm

if TYPE_CHECKING:  # the app imports its actions for its first frame (issue 8): the checks when one is done
    from schedplan.core.checks import CheckResult
    from schedplan.core.schedule import Plan

# Writes the plan (a calendar or a plan file) at the path and says what it did: Services.export_ics, .save_plan.
Writer = Callable[["Plan", FormValues, ProtocolEntry, Path], str]


class PlanActions(AppHost):
    """Mixed into SchedplanApp: every action that writes or reads a file, or records a check."""

    def _need_plan(self, what: str) -> Plan | None:
        if self.plan is None:
            self.notify(f"Nothing to {what} yet: fill in the patient form first.", severity="warning")
            return None
        if self.outcome is not None and not self.outcome.ok:
            self.notify(
                f"The form has a problem; fix it first - {what} uses the plan on screen, which is STALE.",
                severity="error",
            )
            return None
        return self.plan

    def _suggest(self, suffix: str) -> str:
        plan = self.plan
        assert plan is not None
        return str(Path.cwd() / f"{plan.protocol.id}-{plan.anchor_date.isoformat()}{suffix}")

    def action_copy(self) -> None:
        plan = self._need_plan("copy")
        if plan is None:
            return
        text = self.services.render_text(plan)
        self.copy_to_clipboard(text)
        self.notify(f"Copied the schedule as text ({text.count(chr(10))} lines) to the clipboard.")

    def action_export(self) -> None:
        plan = self._need_plan("export")
        if plan is None:
            return
        export = self.services.export_ics
        if export is None:
            why = self.services.unavailable.get("export", "the iCal export is not installed")
            self.notify(f"iCal export is unavailable: {why}", severity="error", timeout=8)
            return

        def done(path: Path | None) -> None:
            if path is None:
                return
            self._write(export, plan, path, "Export")

        self.push_screen(PathDialog("Export the calendar as iCal (.ics)", self._suggest(".ics"), action="Export"), done)

    def action_save(self, then: Callable[[], object] | None = None, title: str = "Save the plan file") -> None:
        """Ask where, then save; ``then()`` runs after a save that worked."""
        plan = self._need_plan("save")
        if plan is None:
            return
        save = self.services.save_plan
        if save is None:
            why = self.services.unavailable.get("planfile", "plan files are not available")
            self.notify(f"Saving is unavailable: {why}", severity="error", timeout=8)
            return

        def done(path: Path | None) -> None:
            if path is None:
                return
            if not self._write(save, plan, path, "Save"):
                return
            self.mark_saved()
            self.changes.reset(plan)
            self._status()
            if then is not None:
                then()

        current = self.services.plan_path()
        suggestion = str(current) if current is not None else self._suggest(".json")
        self.push_screen(PathDialog(title, suggestion), done)

    def _write(self, writer: Writer, plan: Plan, path: Path, what: str) -> bool:
        assert self.entry is not None
        try:
            message = writer(plan, self.query_one(PatientForm).values(), self.entry, path)
        except (SchedplanError, OSError) as exc:
            self.notify(f"{what} failed: {exc}", severity="error", timeout=8)
            return False
        self.notify(message, timeout=6)
        self.refresh_checks()
        return True

    def action_open(self) -> None:
        self.unless_unsaved("Open another plan", self._open)

    def _open(self) -> None:
        opener = self.services.open_plan
        if opener is None:
            why = self.services.unavailable.get("planfile", "plan files are not available")
            self.notify(f"Opening plan files is unavailable: {why}", severity="error", timeout=8)
            return

        async def done(path: Path | None) -> None:
            if path is None:
                return
            try:
                opened = opener(path)
            except (SchedplanError, OSError) as exc:
                self.notify(f"Cannot open {path}: {exc}", severity="error", timeout=8)
                return
            await self.open_plan(opened)

        self.push_screen(PathDialog("Open a plan file", str(Path.cwd()) + "/", must_exist=True, action="Open"), done)

    async def open_plan(self, opened: OpenedPlan) -> None:
        """Show an opened plan file under the site policy its inputs name."""
        changed = (opened.site.sha256 if opened.site else None) != (
            self.services.site.sha256 if self.services.site else None
        )
        self.services.site = opened.site
        await self.use(opened.entry, opened.values, from_file=True)
        self.changes.reset(self.plan)
        policy = f"; {policy_line(self.plan, None)}" if changed else ""
        self.notify(f"Opened {opened.path}" + (f" - {opened.note}" if opened.note else "") + policy, timeout=8)

    # --- the double check -----------------------------------------------------------------------

    def action_double_check(self) -> None:
        """Each dose worked out by a second person, compared, and recorded in the plan file."""
        plan = self._need_plan("double-check")
        if plan is None:
            return
        if self.services.record_check is None:
            why = self.services.unavailable.get("planfile", "plan files are not available")
            self.notify(f"The double check is unavailable: {why}", severity="error", timeout=8)
            return
        values = self.query_one(PatientForm).values()
        if not self.services.file_holds(plan, values):
            saved = self.services.plan_path() is not None
            self.notify(
                "A double check is recorded in the plan file, which must hold exactly the plan on screen: "
                + ("save it again (it keeps its plan id and its checks)." if saved else "save the plan first.")
                + " The check starts after the save.",
                severity="warning",
                timeout=8,
            )
            self.action_save(then=self.action_double_check, title="Save the plan file, then double-check it")
            return
        from schedplan.core.checks import doses_to_check, tolerance_for

        site = self.services.site
        # the course as it stands: held administrations are not asked, a modified dose is asked as modified
        done = self.course()
        doses = doses_to_check(done.plan if done is not None else plan, site.policy if site else None)
        if not doses:
            self.notify("This plan has no calculated dose to check.", severity="warning")
            return
        record = self.services.record_check

        def recorded(checker: str, results: list[CheckResult]) -> str:
            return record(plan, values, checker, results)

        screen = DoubleCheckScreen(
            doses,
            plan.patient,
            tolerance=tolerance_for(site.policy if site else None),
            policy=policy_line(plan),
            checks=self.services.recorded_checks(plan, values),
            record=recorded,
            choices=values.choices,
            factors=typed(values).factors_text(),
        )
        self.push_screen(screen, self._checked)

    def _checked(self, results: list[CheckResult] | None) -> None:
        if results is None:
            self.notify("Double check cancelled: nothing was recorded.", severity="warning")
        self.refresh_checks()
