"""The schedplan Textual app: protocol picker, patient form, calendar, month grid, dose check; the actions on
files and the double check are in tui.actions."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import on
from textual.app import App, ComposeResult, SystemCommand
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Button, Footer, Static, TabbedContent, TabPane

from schedplan.core.units import fmt
from schedplan.tui import planning
from schedplan.tui.actions import PlanActions
from schedplan.tui.amend import AmendActions, amend_commands
from schedplan.tui.changes import ChangeLog
from schedplan.tui.changes import lines as change_lines
from schedplan.tui.changes import summary as change_summary
from schedplan.tui.check import DoubleCheckScreen, check_lines
from schedplan.tui.dialogs import (
    ConfirmDialog,
    DayDialog,
    HelpScreen,
    PathDialog,
    ReadScreen,
)
from schedplan.tui.format import WARN, factor_lines, factor_summary, policy_line, ward_words
from schedplan.tui.keys import KeysInOrder
from schedplan.tui.messages import DayOpened, FormChanged
from schedplan.tui.planning import FormValues, Outcome, ProtocolEntry, compute
from schedplan.tui.printing import PrintPublishActions
from schedplan.tui.services import Services
from schedplan.tui.widgets.calendar import ScheduleList
from schedplan.tui.widgets.doses import DoseCheck, warning_text
from schedplan.tui.widgets.form import PatientForm
from schedplan.tui.widgets.month import MonthGrid
from schedplan.tui.widgets.picker import ProtocolPicker

if TYPE_CHECKING:  # the picker is drawn first (issue 8): the plan's modules are imported when a plan is made
    from schedplan.core.schedule import Plan

TABS = {"calendar": "tab-calendar", "month": "tab-month", "doses": "tab-doses"}


class ViewTabs(TabbedContent):
    """The views' tabs. A pane is opened when the focus moves into it - but only while the focus is still there:
    the notice of a focus comes up through the widgets' queues, and a view key typed meanwhile (F4 then F3, sent
    together) moved the focus on; the late notice switched back to the view left (user test)."""

    def _on_tab_pane_focused(self, event: TabPane.Focused) -> None:
        # Textual calls this class's handler, then TabbedContent's (which opens the pane) unless prevented
        focused = self.app.focused
        if focused is not None and event.tab_pane not in focused.ancestors_with_self:
            event.prevent_default()
            event.stop()


class SchedplanApp(AmendActions, PlanActions, PrintPublishActions, KeysInOrder, App[None]):
    """Plan a patient on a protocol; every number comes from core.schedule.plan."""

    CSS_PATH = "app.tcss"
    TITLE = "schedplan"
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (110, "-wide")]
    # Letter, digit and symbol keys are commands on the views only: on the form they are text in a field, refused
    # on a selector or button (PatientForm.on_key). F-keys and ctrl-keys work from anywhere. Nothing here changes a
    # value the plan is calculated from.
    BINDINGS = [
        Binding("ctrl+s", "save", "Save", priority=True, tooltip="Save the plan to a file"),
        Binding("ctrl+o", "open", "Open", priority=True, tooltip="Open a saved plan file"),
        Binding("f3", "tab('calendar')", "Calendar", priority=True),
        Binding("f4", "tab('month')", "Month", priority=True),
        Binding("f5", "tab('doses')", "Doses", priority=True),
        Binding("f6", "warnings", "Warnings", priority=True, tooltip="Every warning, full screen"),
        Binding("f7", "pick", "Protocol", priority=True),
        Binding("f8", "changes", "Changes", priority=True, tooltip="What moved and which doses changed"),
        # shown in the help and the palette, not the footer (which has no room left at 80 columns)
        Binding("f9", "print", "Print", show=False, priority=True),
        Binding("f10", "publish", "Publish", show=False, priority=True),
        Binding("ctrl+r", "amend", "Amend", show=False, priority=True, tooltip="Record hold/delay/modify/given"),
        Binding("e", "export", "Export iCal"),
        Binding("c", "copy", "Copy text", show=False),
        Binding("v", "double_check", "Double check", show=False),
        Binding("slash", "pick", "Protocol", show=False),
        Binding("question_mark", "help", "Help", show=False),
        Binding("f1", "help", "Help", priority=True),
        Binding("f2", "toggle_form", "Form", priority=True),
        Binding("ctrl+t", "toggle_theme", "Theme", show=False, priority=True),
        Binding("escape", "switch_side", "Form/views", show=False),
        Binding("1", "tab('calendar')", "Calendar", show=False),
        Binding("2", "tab('month')", "Month", show=False),
        Binding("3", "tab('doses')", "Dose check", show=False),
        Binding("w", "warnings", "Warnings", show=False),
        Binding("q", "quit", "Quit", show=False),
    ]
    _calculated: tuple[ProtocolEntry, object, FormValues] | None = None  # what the last calculation read

    def __init__(
        self,
        services: Services,
        *,
        entry: ProtocolEntry | None = None,
        values: FormValues | None = None,
        today: dt.date | None = None,
        theme: str = "textual-dark",
        opened_note: str | None = None,
    ) -> None:
        super().__init__()
        self.services = services
        self.opened_note = opened_note  # what changed since the plan file given at start was saved
        self.entry = entry
        self.initial_values = values
        self.today = today or planning.today()
        self.plan: Plan | None = None
        self.outcome: Outcome | None = None
        self._dirty: set[str] = set(TABS.values())
        self.theme = theme
        self.opened_from_file = values is not None  # make_app passes form values only for a plan file
        # The form as last saved or opened (None: work never saved); the title marks any difference.
        self._clean: FormValues | None = None
        self.changes = ChangeLog()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """The letter keys are the views' (on the form they are text, or refused on a selector); nothing picks, helps
        or lists over a dialog; nothing saves, opens or checks over a file dialog or a double check in progress."""
        if action in ("pick", "help", "warnings", "changes") and len(self.screen_stack) > 1:
            return False
        if action in ("print", "publish", "amend") and len(self.screen_stack) > 1:
            return False
        if action in ("save", "open", "double_check") and isinstance(self.screen, (PathDialog, DoubleCheckScreen)):
            return False
        if action == "export" and self._in_form(self.focused):
            return False  # `e` is text in a field and refused on a selector: the footer offers it on the views only
        return True

    # --- layout -------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Static("", id="title-bar")
        with Horizontal(id="main"):
            if self.entry is not None:  # without one the first screen is the picker alone (issue 8: its first paint)
                yield from self._plan_widgets()
        yield Footer(compact=True)

    def _plan_widgets(self) -> ComposeResult:
        """The form and the views (calendar, month grid, dose check), inside #main."""
        with Vertical(id="form-box"):
            yield PatientForm(self.entry, self.initial_values, id="form", from_file=self.opened_from_file)
        with Vertical(id="views"):
            yield Static("", id="status")
            with ViewTabs(id="tabs", initial=TABS["calendar"]):
                with TabPane("Calendar", id=TABS["calendar"]):
                    yield ScheduleList(id="calendar")
                with TabPane("Month", id=TABS["month"]):
                    yield MonthGrid(id="month")
                with TabPane("Dose check", id=TABS["doses"]):
                    yield DoseCheck(id="doses")

    def on_load(self) -> None:
        if self.entry is None:  # queued before the terminal's first key can be: see _start_with_picker
            self.call_later(self._mount_plan_widgets)

    def on_mount(self) -> None:
        self.watch(self.screen, "focused", self._focus_moved)
        if self.entry is None:
            self._start_with_picker()
            return
        self.recalculate()
        self._clean = self.query_one(PatientForm).values()
        self._focus_start(self.opened_from_file)
        self._title()
        if self.opened_note:  # the same notice as opening the file from the UI: never dropped at start
            self.notify(f"This plan file: {self.opened_note}", severity="warning", timeout=20)

    def _start_with_picker(self) -> None:
        """No protocol given: the first screen is the picker alone, drawn once the app is mounted (nothing is
        drawn before); the form and the views are mounted under it after that, by the first message the app
        handles (queued by on_load, before the terminal's first key), so no key reaches an action before the
        widgets it works on exist."""
        self._title()
        self.push_screen(self._picker(cancellable=False), self._picked)

    async def _mount_plan_widgets(self) -> None:
        """Once the picker is on screen, the form and the views under it (the app's queue held meanwhile)."""
        painted = asyncio.Event()
        self.screen.call_after_refresh(painted.set)
        await painted.wait()
        await self.screen_stack[0].query_one("#main", Horizontal).mount_compose(self._plan_widgets())
        self.recalculate()

    def _focus_start(self, on_views: bool) -> None:
        """Where the person starts reading: the calendar of a plan file; the first empty required field."""
        if on_views and self.plan is not None:
            self.action_tab("calendar")
            self.call_after_refresh(lambda: self._focus_moved(self.focused))  # narrow: the calendar gets the room
        else:
            self.query_one(PatientForm).focus_first()

    @property
    def modified(self) -> bool:
        """Whether the form differs from the plan file as last saved or opened (or was never saved)."""
        if self.entry is None:
            return False
        return self._clean is None or self.query_one(PatientForm).values() != self._clean

    def mark_saved(self) -> None:
        """The form is what the plan file now holds."""
        self._clean = self.query_one(PatientForm).values()
        self._title()

    def _title(self) -> None:
        bar = self.query_one("#title-bar", Static)
        if self.entry is None:
            bar.update(Text("schedplan - no protocol chosen (press F7 or / to pick one)"))
            return
        p = self.entry.protocol
        site = self.services.site
        if site is None:
            policy = ("  no site policy ", "")
        else:
            policy = (f"  {'EXAMPLE ' if site.policy.example else ''}site policy: {site.policy.name} ", "bold")
        path = self.services.plan_path()
        file = (path.name if path is not None else "new plan, not saved") + (" [modified]" if self.modified else "")
        count = len(self.plan.warnings) if self.plan is not None else 0
        warn = (f"{WARN} {count} warning{'s' if count != 1 else ''} (F6)  ", "bold") if count else ("", "")
        bar.update(Text.assemble(warn, (file, "bold"), "  ", (p.id, "bold"), policy, f"- {p.title}"))

    # --- the plan -----------------------------------------------------------------------------

    @on(FormChanged)
    def _form_changed(self, event: FormChanged) -> None:
        """Calculate once the keys typed so far are handled: a burst typed fast is calculated once, from the form
        as it stands after its last key (a busy app calculating after every key fell further behind)."""
        event.stop()
        self.after_keys(self._recalculate_changed)

    def _recalculate_changed(self) -> None:
        """Recalculate unless the plan on screen was calculated from the form as it stands (a burst's later keys
        arrive as changes already calculated)."""
        last = self._calculated
        if last is None or last[0] is not self.entry or last[1] is not self.services.site:
            self.recalculate()
        elif last[2] != self.query_one(PatientForm).values():
            self.recalculate()

    def recalculate(self) -> Outcome | None:
        """Read the form, ask the core for a plan, show it (or the reasons, keeping the last plan)."""
        self._calculated = None
        if self.entry is None:
            self.outcome = None
            self._show(None)
            self._status()
            return None
        form = self.query_one(PatientForm)
        values = form.values()
        self._calculated = (self.entry, self.services.site, values)
        try:
            outcome = compute(self.entry, values, site=self.services.site, as_of=self.today)
        except Exception as exc:  # a bug, not a typo: keep the person's work and the last plan, and say so
            why = f"schedplan could not calculate this plan - a bug, please report it ({type(exc).__name__}: {exc})"
            self.notify(why, severity="error", timeout=15)
            outcome = Outcome(None, {"calculation": why})
        self.outcome = outcome
        form.show_errors({fid: ward_words(why, self.entry.protocol) for fid, why in outcome.errors.items()})
        form.show_stop(outcome.stop)
        if outcome.plan is not None:
            form.show_used({o.code for e in outcome.plan.events for o in e.overrides})
        if outcome.plan is not None and outcome.plan != self.plan:
            self.changes.note(self.plan, outcome.plan)
            self.plan = outcome.plan
            self._show(outcome.plan)
        self._status()
        self._title()
        self.refresh_checks()
        return outcome

    def refresh_checks(self) -> None:
        """The site policy and the recorded double checks (each holds only while the plan and inputs do)."""
        if self.query_one(TabbedContent).active != TABS["doses"]:
            return
        plan = self.plan
        header = policy_line(plan, self.services.site.policy.name if self.services.site else None)
        checks = ""
        if plan is not None and self.entry is not None:
            recorded = self.services.recorded_checks(plan, self.query_one(PatientForm).values())
            if recorded:
                last = check_lines(recorded)[-1].split(". ", 1)[1]
                checks = f"Double checks recorded: {len(recorded)}; the last {last}"
            else:
                checks = "Double check: none recorded - press v to check every dose"
        # the patient's age and renal function, as the plan's header has them (below: 80x24 shows two lines)
        factors = [ward_words(line, self.entry.protocol if self.entry else None) for line in factor_lines(plan)]
        checks = "\n".join([checks, *factors]) if checks else "\n".join(factors)
        self.query_one(DoseCheck).show_header(header, checks)

    def _show(self, plan: Plan | None) -> None:
        """Redraw the visible view now; the others when their tab is opened."""
        self._dirty = set(TABS.values())
        self._draw(self.query_one(TabbedContent).active)

    def _draw(self, tab: str) -> None:
        if tab not in self._dirty:
            return
        self._dirty.discard(tab)
        plan, protocol = self.as_it_stands(), (self.entry.protocol if self.entry else None)
        if tab == TABS["calendar"]:
            self.query_one(ScheduleList).show(plan, protocol, self.today)
        elif tab == TABS["month"]:
            self.query_one(MonthGrid).show(plan, self.today)
        elif tab == TABS["doses"]:
            self.query_one(DoseCheck).show(plan, protocol)

    @on(TabbedContent.TabActivated)
    def _tab_opened(self, event: TabbedContent.TabActivated) -> None:
        if event.pane.id:
            self._draw(event.pane.id)
        if event.pane.id == TABS["doses"]:
            self.refresh_checks()

    def _status(self) -> None:
        status = self.query_one("#status", Static)
        out = self.outcome
        stale = out is not None and not out.ok
        status.set_class(stale and self.plan is not None, "-stale")
        status.set_class(bool(self.plan and self.plan.warnings) and not stale, "-warn")
        if self.entry is None:
            status.update("No protocol: press F7 or / to pick one.")
            return
        if out is not None and out.stop is not None:
            where = out.stop.message.split(": ", 1)[0]
            shown = "" if self.plan is None else " (older plan shown)"
            status.set_class(True, "-stale")
            status.update(
                Text(f"✗ STOPPED: {where} is outside a limit{shown}. Override it under Limits, at the end of the form.")
            )
            return
        if out is not None and not out.ok:
            todo = _todo(self.entry, out)
            if self.plan is None:
                status.update(Text(f"To see the schedule: {todo}"))
            else:
                status.update(Text(f"✗ STALE - {_shown(self.plan)}: {self._editing(out)}. {todo}"))
            return
        plan = self.plan
        assert plan is not None
        p = plan.patient
        days = len({e.date for e in plan.events})
        bsa = f"BSA {fmt(p.bsa_m2)} m2 ({'measured' if p.measured_bsa_m2 is not None else p.bsa_formula.label})"
        warn = (
            f"  {WARN} {len(plan.warnings)} WARNING{'S' if len(plan.warnings) != 1 else ''} (Dose check)"
            if plan.warnings
            else ""
        )
        patient = f"{fmt(p.weight_kg, 2)} kg, {fmt(p.height_cm, 1)} cm, {bsa}{factor_summary(plan)}"
        line = f"{patient}; {days} days with events{warn}"
        found = self.changes.changes(plan)
        if found is not None:
            since = "saved" if self.services.plan_path() else "first made"
            line += f"\nChanged since {since}: {change_summary(found)} (F8 lists them)"
        status.update(Text(line))

    def _editing(self, out: Outcome) -> str:
        """'the Transplant date (day 0) field is being edited' (the focused one), or which fields are not usable."""
        assert self.entry is not None
        names = _names(self.entry)
        fields = [*out.errors, *out.missing]
        focused = self.focused
        being = [f for f in fields if focused is not None and focused.id == f"f-{f}"]
        if being:
            return f"the {names.get(being[0], being[0])} field is being edited"
        listed = ", ".join(names.get(f, f) for f in fields)
        return f"not the form: {listed} {'is' if len(fields) == 1 else 'are'} not usable"

    # --- events from the views ----------------------------------------------------------------

    @on(DayOpened)
    def _open_day(self, event: DayOpened) -> None:
        event.stop()
        if self.plan is None:
            return
        events = [e for e in (self.as_it_stands() or self.plan).events if e.date == event.date]
        label = events[0].label if events else ""
        if not label and self.entry is not None:
            from schedplan.tui.format import label_for

            label = label_for(self.entry.protocol, self.plan.anchor_date, event.date)
        self.push_screen(DayDialog(event.date, events, label))

    # --- actions ------------------------------------------------------------------------------

    def action_pick(self, cancellable: bool = True) -> None:
        def go() -> None:
            self.push_screen(self._picker(cancellable=cancellable), self._picked)

        self.unless_unsaved("Change protocol", go)

    def _picker(self, *, cancellable: bool) -> ProtocolPicker:
        return ProtocolPicker(self.services.protocols, self.services.load_protocol, cancellable=cancellable)

    def unless_unsaved(self, what: str, go: Callable[[], object]) -> None:
        """Do ``go`` now, or - with changes not saved - after the person says so."""
        if not self.modified:
            go()
            return
        path = self.services.plan_path()
        where = f"{path.name} does not hold them" if path is not None else "this plan was never saved"
        question = f"{what}? The changes on screen are not saved ({where})."

        def answered(yes: bool | None) -> None:
            if yes:
                go()

        self.push_screen(ConfirmDialog(question, yes=f"{what} without saving"), answered)

    async def action_quit(self) -> None:
        """ctrl+q and q: quit - asking first when the changes on screen are not saved."""
        self.unless_unsaved("Quit", self.exit)

    def action_warnings(self) -> None:
        """Every warning of the plan on screen, critical first, full screen."""
        plan = self.plan
        if plan is None or not plan.warnings:
            self.notify("No warnings" + ("" if plan is not None else ": no plan yet") + ".")
            return
        title = f"{WARN} {len(plan.warnings)} WARNING{'S' if len(plan.warnings) != 1 else ''} - {_shown(plan)}"
        self.push_screen(ReadScreen(title, warning_text(plan.warnings, self.entry.protocol if self.entry else None)))

    def action_changes(self) -> None:
        """What moved and which doses changed since the plan was saved, opened or first made."""
        found = self.changes.changes(self.plan)
        if found is None:
            self.notify("Nothing moved and no dose changed since the plan was saved, opened or first made.")
            return
        self.push_screen(ReadScreen(f"Changed: {change_summary(found)}", "\n".join(change_lines(found))))

    async def _picked(self, entry: ProtocolEntry | None) -> None:
        if entry is None:
            return
        carried = self.entry is not None and self.modified
        if entry not in self.services.protocols:
            self.services.protocols.append(entry)
        keep = self.query_one(PatientForm).values() if self.entry is not None else FormValues()
        values = FormValues(
            weight=keep.weight,
            weight_unit=keep.weight_unit,
            height=keep.height,
            height_unit=keep.height_unit,
            sex=keep.sex,
            measured_bsa=keep.measured_bsa,
            # the patient's factors go with the patient; overrides belong to a protocol's limits and do not
            birth_date=keep.birth_date,
            creatinine=keep.creatinine,
            creatinine_unit=keep.creatinine_unit,
            creatinine_date=keep.creatinine_date,
            crcl=keep.crcl,
            egfr=keep.egfr,
            labs=keep.labs,
        )
        await self.use(entry, values)
        if carried or any((values.weight, values.height)):
            self._clean = None  # the patient typed so far is not saved with this protocol
            self._title()

    async def use(self, entry: ProtocolEntry, values: FormValues, *, from_file: bool = False) -> None:
        """Switch to a protocol with these form values (a new protocol drops the old plan); the values of a plan
        file are what it holds (not modified), and the person starts reading at its calendar."""
        self.entry = entry
        self.plan = None
        self.changes.reset(None)
        self._show(None)
        box = self.query_one("#form-box")
        await box.remove_children()
        form = PatientForm(entry, values, id="form", from_file=from_file)
        await box.mount(form)
        self.recalculate()
        self._clean = form.values()
        self._focus_start(from_file)
        self._title()

    def action_override(self) -> None:
        """Override the limit the plan is stopped at: the form asks the reason (the command palette's entry)."""
        self.query_one("#form-box").display = True
        self.query_one(PatientForm).query_one("#override-button", Button).press()

    def action_help(self) -> None:
        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    def _narrow(self) -> bool:
        return self.screen.has_class("-narrow")

    def _in_form(self, widget: Widget | None) -> bool:
        """Whether ``widget`` is on the form (never before the form is mounted: the start draws the picker first)."""
        boxes = self.query("#form-box")
        return widget is not None and bool(boxes) and boxes.first() in widget.ancestors

    def _focus_moved(self, focused: Widget | None) -> None:
        """In a narrow terminal the form makes room for the views while they have the focus."""
        if focused is None or focused.screen is not self.screen or not self.query("#form-box"):
            return
        box = self.query_one("#form-box")
        if self._in_form(focused):
            box.display = True
        elif self._narrow():
            box.display = False

    def action_toggle_form(self) -> None:
        box = self.query_one("#form-box")
        if box.display and self._in_form(self.focused):
            box.display = False
            self.action_tab(None)
        else:
            box.display = True
            self.query_one(PatientForm).focus_first()

    def action_switch_side(self) -> None:
        """Esc: from the form to the views, and back."""
        if self._in_form(self.focused):
            self.action_tab(None)
        else:
            self.query_one("#form-box").display = True
            self.query_one(PatientForm).focus_first()

    def action_toggle_theme(self) -> None:
        self.theme = "textual-light" if self.theme != "textual-light" else "textual-dark"

    def action_tab(self, name: str | None) -> None:
        tabs = self.query_one(TabbedContent)
        if name is not None:
            tabs.active = TABS[name]
        target = {TABS["calendar"]: "#calendar", TABS["month"]: "#month-table", TABS["doses"]: "#dose-table"}
        self.query_one(target[tabs.active]).focus()

    # --- command palette ----------------------------------------------------------------------

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        yield SystemCommand("Export iCal", "Write the calendar to an .ics file (e)", self.action_export)
        yield SystemCommand("Save plan file", "Save the plan to a file (ctrl+s)", self.action_save)
        yield SystemCommand("Open plan file", "Open a saved plan (ctrl+o)", self.action_open)
        yield SystemCommand("Print", "The plan file as a patient handout or staff schedule (f9)", self.action_print)
        yield SystemCommand("Publish", "The plan file to the calendar it records (f10)", self.action_publish)
        yield SystemCommand("Copy schedule as text", "Copy the day-by-day schedule (c)", self.action_copy)
        yield SystemCommand(
            "Double check doses",
            "Work out every dose yourself; recorded in the plan file (v)",
            self.action_double_check,
        )
        yield from (SystemCommand(*c) for c in amend_commands(self))
        if self.outcome is not None and self.outcome.stop is not None:
            yield SystemCommand(
                "Override the limit that stops the plan",
                f"{self.outcome.stop.code}: give the reason, recorded with the dose",
                self.action_override,
            )
        yield SystemCommand("Change protocol", "Pick another protocol (/)", self.action_pick)
        yield SystemCommand("Show all days", "Calendar: every day, or only days with events (a)", self._toggle_all)
        yield SystemCommand("Hide or show the form", "More room for the views (f2)", self.action_toggle_form)
        yield SystemCommand("Light or dark theme", "Switch the colours (ctrl+t)", self.action_toggle_theme)
        yield SystemCommand("Help", "Keys and how to plan a patient (?)", self.action_help)
        yield from super().get_system_commands(screen)

    def _toggle_all(self) -> None:
        self.query_one(ScheduleList).action_toggle_all()


def _shown(plan: Plan) -> str:
    """'showing the plan for 2027-03-15, 70 kg, 175 cm': what the views show while the form is not usable."""
    p = plan.patient
    return f"showing the plan for {plan.anchor_date.isoformat()}, {fmt(p.weight_kg, 2)} kg, {fmt(p.height_cm, 1)} cm"


def _todo(entry: ProtocolEntry, out: Outcome) -> str:
    """What is left to do, in words: the fields with problems, then the ones still empty."""
    names = _names(entry)
    parts = []
    if out.errors:
        parts.append("fix " + ", ".join(names.get(f, f) for f in out.errors))
    if out.missing:
        parts.append("fill in " + ", ".join(names.get(f, f) for f in out.missing))
    return "; ".join(parts) + "."


def _names(entry: ProtocolEntry) -> dict[str, str]:
    """Each form field's name as the form labels it."""
    names = {
        planning.WEIGHT: "weight",
        planning.HEIGHT: "height",
        planning.SEX: "sex",
        planning.BSA: "measured BSA",
        planning.BSA_FORMULA: "BSA formula",
        planning.MEASURED: "measurement date",
        planning.BIRTH: "birth date",
        planning.CREATININE: "creatinine",
        planning.CREATININE_DATE: "creatinine date",
        planning.CRCL: "measured CrCl",
        planning.EGFR: "eGFR",
        planning.LABS: "labs",
        "calculation": "the calculation (an internal error, see the message)",
        planning.ANCHOR: entry.protocol.anchor.date_label,
    }
    for c in entry.protocol.choices:
        names[planning.choice_field(c.key)] = c.label.lower()
    return names
