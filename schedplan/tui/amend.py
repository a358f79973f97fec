"""Amendments in the terminal UI: the Amend menu (ctrl+r), the course as it stands on screen, the history."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList, Static, TabbedContent
from textual.widgets.option_list import Option

from schedplan.errors import SchedplanError
from schedplan.tui.dialogs import ReadScreen
from schedplan.tui.format import administrations, event_text
from schedplan.tui.host import AppHost
from schedplan.tui.services import AmendDone
from schedplan.tui.widgets.calendar import ScheduleList
from schedplan.tui.widgets.doses import DoseCheck
from schedplan.tui.widgets.form import PatientForm
from schedplan.tui.widgets.month import MonthGrid

if TYPE_CHECKING:  # the app imports its actions for its first frame (issue 8): the amendments when used
    from schedplan.core.amendments import Amended
    from schedplan.core.schedule import Plan, PlannedEvent

KINDS = {"h": "hold", "d": "delay", "m": "modify", "g": "given", "u": "undo"}
MENU_KEYS = "h hold  d delay  m modify  g given  u undo  l history  Esc close"


class AmendMenu(ModalScreen[tuple[str, str | None] | None]):
    """Choose the administration (up/down) and what to record: returns (kind, event key) - kind 'history' for
    the list - or None."""

    DEFAULT_CSS = """
    AmendMenu #amend-list { height: auto; max-height: 12; }
    """
    BINDINGS = [
        Binding("escape", "close", "Close"),
        *(Binding(key, f"choose('{kind}')", kind.capitalize()) for key, kind in KINDS.items()),
        Binding("l", "choose('history')", "History"),
    ]

    def __init__(self, events: list[PlannedEvent], selected: str | None, where: str) -> None:
        super().__init__()
        self.events = events
        self.selected = selected
        self.where = where

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="dialog amend-menu"):
            yield Label("Amend - record what happened to the course", classes="dialog-title")
            if self.events:
                yield Static(Text(f"The administration ({self.where}; ↑ ↓ to choose):"), classes="hint")
                yield OptionList(
                    *(Option(Text(f"{e.label:<7} {event_text(e)}"), id=e.key) for e in self.events),
                    id="amend-list",
                )
            else:
                yield Static(Text(f"No administration {self.where}: only undo and the history."), classes="hint")
            yield Static(MENU_KEYS, classes="hint")

    def on_mount(self) -> None:
        if self.events:
            menu = self.query_one("#amend-list", OptionList)
            keys = [e.key for e in self.events]
            menu.highlighted = keys.index(self.selected) if self.selected in keys else 0
            menu.focus()

    @property
    def chosen(self) -> str | None:
        if not self.events:
            return None
        index = self.query_one("#amend-list", OptionList).highlighted
        return self.events[index].key if index is not None else None

    def action_choose(self, kind: str) -> None:
        if kind not in ("undo", "history") and self.chosen is None:
            self.app.bell()
            self.notify(f"No administration {self.where} to {kind}.", severity="warning")
            return
        self.dismiss((kind, self.chosen))

    def action_close(self) -> None:
        self.dismiss(None)


def history_lines(done: Amended) -> list[str]:
    """The amendments, oldest first: number, kind, what, params, reason, by, at, and which undo undid it."""
    out = []
    for a in done.amendment_data():
        what = ", ".join(f"{k.replace('_', ' ')} {v}" for k, v in a["select"].items() if k != "key")
        params = ", ".join(f"{k.replace('_', ' ')} {v}" for k, v in a["params"].items())
        line = f"{a['number']}. {a['kind'].upper()}" + (f" {what}" if what else "") + (f"; {params}" if params else "")
        line += f"\n   reason: {a['reason'] or '-'}; by {a['by']}; at {a['at']}"
        if a["undone_by"] is not None:
            line += f"\n   UNDONE by amendment {a['undone_by']}"
        out.append(line)
    out += [f"amendment {n} no longer applies: {why}" for n, why in done.not_applying]
    return out


class AmendActions(AppHost):
    """Mixed into SchedplanApp: ctrl+r records an amendment in the plan file in use; the views show the course
    as it stands (the file's amendments applied to the plan on screen)."""

    _course_for: Plan | None = None
    _course: Amended | None = None
    _course_said: bool = False

    # --- the course as it stands ------------------------------------------------------------------

    def course(self) -> Amended | None:
        """The plan file's amendments applied to the plan on screen (None: none recorded, or no file)."""
        plan = self.plan
        if plan is None or self.entry is None:
            return None
        if self._course_for is not plan:
            self._course_for = plan
            try:
                self._course = self.services.course(plan, self.query_one(PatientForm).values())
            except SchedplanError as exc:
                self._course = None
                self.notify(f"The amendments of the plan file cannot be shown: {exc}", severity="error", timeout=10)
            except Exception as exc:  # a bug, not a typo: the plan as calculated is shown, and the person told
                self._course = None
                why = f"{type(exc).__name__}: {exc}"
                self.notify(
                    f"The amendments could not be applied - a bug, please report it ({why}); the views show the plan"
                    " WITHOUT them",
                    severity="error",
                    timeout=15,
                )
            self._say_changed_plan()
        return self._course

    def as_it_stands(self) -> Plan | None:
        """The plan the views show: the course as it stands when the plan file in use has amendments."""
        done = self.course()
        shown = done.plan if done is not None else self.plan
        calendar = self.query_one(ScheduleList)
        calendar.course_note = self._course_note(done)
        return shown

    def _course_note(self, done: Amended | None) -> str:
        if done is None or not done.amendments:
            return ""
        n = len(done.amendments)
        note = f"Course as it stands: {n} amendment{'s' if n != 1 else ''} (ctrl+r to amend; then l: history)"
        if self._form_differs():
            note += " - applied to the CHANGED plan on screen (not saved)"
        if done.not_applying:
            note += f"; {len(done.not_applying)} no longer apply"
        return note

    def _say_changed_plan(self) -> None:
        """Said once when the form starts to differ from the plan file whose amendments are applied to it."""
        changed = self._course is not None and bool(self._course.amendments) and self._form_differs()
        if changed and not self._course_said:
            self.notify(
                "The plan file's amendments are applied to the changed plan on screen (as `schedplan replan` would);"
                " save to keep the change.",
                severity="warning",
                timeout=10,
            )
        self._course_said = changed

    def _form_differs(self) -> bool:
        """The form differs from the plan file in use (not while the app is still starting on it)."""
        return self._clean is not None and self.services.plan_path() is not None and self.modified

    def _course_changed(self) -> None:
        self._course_for = None
        self._show(self.plan)
        self.refresh_checks()

    # --- the menu and the dialogs ---------------------------------------------------------------

    def _candidates(self) -> tuple[list[PlannedEvent], str | None, str]:
        """The administrations the person is on: the highlighted day's in the calendar (or the month grid), the
        dose check's row."""
        shown = self.as_it_stands()
        if shown is None:
            return [], None, "here"
        events = administrations(shown)
        active = self.query_one(TabbedContent).active
        if active == "tab-doses":
            key = self.query_one(DoseCheck).selected_key
            return events, key, "the dose check's row"
        if active == "tab-month":
            day = self.query_one(MonthGrid).selected_date
        else:
            day = self.query_one(ScheduleList).highlighted_date
        on_day = [e for e in events if e.date == day]
        first = next((e for e in on_day if e.dose is not None), on_day[0] if on_day else None)
        return on_day, (first.key if first else None), f"on {day.isoformat()}" if day else "on this day"

    def action_amend(self) -> None:
        """ctrl+r: the Amend menu on the administration highlighted in the Calendar or the Dose check."""
        plan = self._need_plan("amend")
        if plan is None:
            return
        if self.services.amend is None:
            why = self.services.unavailable.get("planfile", "plan files are not available")
            self.notify(f"Amendments are unavailable: {why}", severity="error", timeout=8)
            return
        if not self.services.file_holds(plan, self.query_one(PatientForm).values()):
            saved = self.services.plan_path() is not None
            self.notify(
                "An amendment is recorded in the plan file, which must hold exactly the plan on screen: "
                + ("save it again (it keeps its amendments)." if saved else "save the plan first."),
                severity="warning",
                timeout=8,
            )
            self.action_save(then=self.action_amend, title="Save the plan file, then amend it")
            return
        events, selected, where = self._candidates()
        self.push_screen(AmendMenu(events, selected, where), lambda chosen: self._chosen(chosen, events))

    def _chosen(self, chosen: tuple[str, str | None] | None, events: list[PlannedEvent]) -> None:
        if chosen is None:
            return
        kind, key = chosen
        if kind == "history":
            self.action_history()
            return
        event = next((e for e in events if e.key == key), None) if kind != "undo" else None
        record = self.services.amend
        assert record is not None
        hint = ""
        if kind == "undo":
            done = self.course()
            listed = history_lines(done) if done is not None else []
            hint = "\n".join(line.split("\n")[0] for line in listed[-4:]) or "No amendment recorded yet."
        from schedplan.tui.amend_dialog import AmendDialog

        cycles = self.plan is not None and self.plan.anchor_type == "cycles"
        self.push_screen(AmendDialog(kind, event, cycles=cycles, record=record, hint=hint), self._recorded)

    def _recorded(self, done: AmendDone | None) -> None:
        if done is None:
            self.notify("Amendment cancelled: nothing was recorded.", severity="warning")
            return
        self._course_changed()
        self.notify("\n".join([done.headline, *done.changed]), timeout=12)
        for w in done.warnings:
            self.notify(f"Warning: {w}", severity="warning", timeout=15)

    def action_history(self) -> None:
        """Every amendment recorded in the plan file in use, with its reason, who, when and any undo."""
        done = self.course()
        if done is None or not done.amendments:
            self.notify("No amendments recorded in the plan file in use.")
            return
        n = len(done.amendments)
        self.push_screen(ReadScreen(f"History: {n} amendment{'s' if n != 1 else ''}", "\n".join(history_lines(done))))


def amend_commands(app: AmendActions) -> list[tuple[str, str, Callable[[], Any]]]:
    """(title, help, callback) for the command palette."""
    return [
        ("Amend", "Hold, delay, modify, given or undo; recorded in the plan file (ctrl+r)", app.action_amend),
        ("Amendment history", "Every amendment with reason, who and when", app.action_history),
    ]
