"""Modal dialogs with typed results: a file path, a day's administration list, the help, a question."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static

if TYPE_CHECKING:  # the app imports these dialogs for its first frame (issue 8): a day's list when one is opened
    from schedplan.core.schedule import PlannedEvent


class PathDialog(ModalScreen[Path | None]):
    """Ask for a file path. Returns the path, or None when cancelled."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, title: str, suggestion: str, *, must_exist: bool = False, action: str = "Save") -> None:
        super().__init__()
        self.title_text = title
        self.suggestion = suggestion
        self.must_exist = must_exist
        self.action_word = action

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="dialog"):
            yield Label(self.title_text, classes="dialog-title")
            # the cursor at the end, nothing selected: a key pressed by habit (m, h, y) adds to the path and is seen,
            # never silently replaces it with a one-letter file name
            yield Input(value=self.suggestion, id="path-input", select_on_focus=False)
            yield Static("", id="path-status", classes="hint")
            yield Static(f"Enter: {self.action_word}   Esc: cancel", classes="hint")

    def on_mount(self) -> None:
        self._check(self.suggestion)

    def _resolve(self, text: str) -> Path:
        return Path(text.strip()).expanduser()

    def _problem(self, text: str) -> str | None:
        if not text.strip():
            return "type a file path"
        path = self._resolve(text)
        if self.must_exist:
            if not path.is_file():
                return f"no such file: {path}"
            return None
        if path.is_dir():
            return f"{path} is a folder; add a file name"
        if not path.parent.is_dir():
            return f"folder {path.parent} does not exist"
        return None

    def _check(self, text: str) -> None:
        status = self.query_one("#path-status", Static)
        problem = self._problem(text)
        path = self._resolve(text) if text.strip() else None
        if problem:
            status.update(Text(f"✗ {problem}"))
        elif path is not None and not self.must_exist and path.exists():
            status.update(Text(f"⚠ {path.name} exists and will be replaced"))
        else:
            status.update(Text(f"→ {path}"))

    @on(Input.Changed, "#path-input")
    def _changed(self, event: Input.Changed) -> None:
        self._check(event.value)

    @on(Input.Submitted, "#path-input")
    def _submit(self, event: Input.Submitted) -> None:
        event.stop()
        if self._problem(event.value) is None:
            self.dismiss(self._resolve(event.value))
        else:
            self.app.bell()

    def action_cancel(self) -> None:
        self.dismiss(None)


class DayDialog(ModalScreen[None]):
    """One day's administration list: in time order, the time (or "all day"), item, dose, route, n of m and the
    bedside columns (given at, initials); then how each dose was worked out and the notes. Scrolls."""

    BINDINGS = [Binding("escape,enter,q", "close", "Close")]

    def __init__(self, date: dt.date, events: list[PlannedEvent], label: str) -> None:
        super().__init__()
        self.date = date
        self.events = events
        self.label = label

    def compose(self) -> ComposeResult:
        from schedplan.tui.daylist import AdministrationList, day_details

        with Vertical(id="dialog", classes="dialog day-dialog"):
            yield Label(
                f"{self.label}  {self.date.strftime('%A')} {self.date.isoformat()} - administration list",
                classes="dialog-title",
            )
            with VerticalScroll(id="day-body"):
                if not self.events:
                    yield Static("No events on this day.")
                else:
                    yield Static(AdministrationList(self.events), id="day-list")
                    yield Static(day_details(self.events), id="day-details", classes="hint")
            yield Static("↑ ↓ PgUp PgDn: scroll   Esc or Enter: close", classes="hint")

    def on_mount(self) -> None:
        self.query_one("#day-body").focus()

    def action_close(self) -> None:
        self.dismiss(None)


HELP = """\
How to plan a patient
 1. Pick the protocol (F7, or / on the views); type to filter.
 2. Fill in the form: weight and height (kg/lb, cm/in; a unit
    typed after the number moves the selector), sex, the BSA
    formula or a measured BSA, the day-0 date as YYYY-MM-DD,
    the choices. A field that cannot be used says why under it;
    the views keep the last complete plan, marked STALE, and say
    which field is being edited.
 3. Read the Calendar, the Month grid or the Dose check.
 4. A second person presses v: works out every dose without
    seeing ours, then sees each match or mismatch, signed.

Keys that work everywhere, even inside a field
 F1 this help      F2 form on/off     F3 Calendar  F4 Month
 F5 Dose check     F6 all warnings    F7 protocol  F8 changes
 F9 print the plan file (patient handout / staff, PDF, HTML)
 F10 publish the plan file to the calendar it records
 ctrl+s save       ctrl+o open        ctrl+q quit (asks if not saved)
 ctrl+r amend the highlighted administration (saved plan file):
        h hold  d delay  m modify  g given  u undo  l history;
        each asks its reason and your name; Esc records nothing
 Esc  form <-> views

On the form
 Tab, Shift+Tab  next / previous control, round the form
 Enter           next text field (Tab for a unit or a choice)
 Letters and digits are text in a field; on a selector they are
 refused with a bell (Enter opens it) - never a command.

Keys on the views (Tab, Shift+Tab: next / previous)
 1 2 3   Calendar, Month, Dose check   w   all warnings
 e       export iCal (.ics)            c   copy as text
 v       double check every dose (recorded in the plan file)
 /       change protocol               ?   this help
 a       calendar: every day           t today, 0 day 0
 [ ]     month grid: prev / next       Enter open the day
 q       quit (asks if not saved)      ctrl+t light / dark

Markers
 ◆ DAY 0 (or START)   ● TODAY   Sat Sun weekend
 ⚠ WARNING            ✗ a field's problem   [modified] not saved
 Amendments: ✗ HELD  → MOVED from DATE  % MODIFIED 80 %
             ✓ GIVEN 09:10 by NAME
 Site rules column: wt dosing weight, cap BSA cap, max maximum
 dose, rnd rounded, rnd✗ rounding refused; then the change %
"""


class HelpScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,question_mark,f1,q", "close", "Close")]

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="dialog", classes="dialog help-dialog"):
            yield Label("schedplan - help", classes="dialog-title")
            yield Static(Text(HELP))

    def action_close(self) -> None:
        self.dismiss(None)


class ConfirmDialog(ModalScreen[bool]):
    """Ask before something that loses work. Returns True to go ahead, False to stay."""

    BINDINGS = [
        Binding("escape,n", "answer(False)", "Stay"),
        Binding("y", "answer(True)", "Go ahead"),
    ]

    def __init__(self, question: str, yes: str, no: str = "Stay") -> None:
        super().__init__()
        self.question = question
        self.yes = yes
        self.no = no

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="dialog"):
            yield Label(self.question, classes="dialog-title")
            yield Static(f"y: {self.yes}   n or Esc: {self.no}", classes="hint")

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)


class ReadScreen(ModalScreen[None]):
    """A list to read in full (every warning, every change), scrolled with the arrows and Page Up/Down."""

    BINDINGS = [Binding("escape,q,f6,f8", "close", "Close")]

    def __init__(self, title: str, body: Text | str, *, name: str | None = None) -> None:
        super().__init__(name=name)
        self.title_text = title
        self.body = body

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="dialog read-dialog"):
            yield Label(self.title_text, classes="dialog-title")
            with VerticalScroll(id="read-body"):
                yield Static(self.body if isinstance(self.body, Text) else Text(self.body), id="read-text")
            yield Static("↑ ↓ PgUp PgDn: scroll   Esc: close", classes="hint")

    def on_mount(self) -> None:
        self.query_one("#read-body").focus()

    def action_close(self) -> None:
        self.dismiss(None)
