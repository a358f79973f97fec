"""The Print and Publish dialogs (typed results) and the app's two actions on the plan file in use."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Select, Static

from schedplan.errors import SchedplanError
from schedplan.tui.host import AppHost

PUBLISH_HOW = (
    "`schedplan publish PLAN.json --caldav URL --audience patient|staff` (once; after that Publish here"
    " updates that calendar)"
)


@dataclass(frozen=True)
class PrintRequest:
    """What the person asked to print: the audience, the PDF and/or HTML file, the paper and a label."""

    audience: str  # patient | staff
    pdf: str | None
    html: str | None
    paper: str = "a4"  # a4 | letter
    label: str | None = None


@dataclass(frozen=True)
class PrintedFiles:
    """What a print wrote, and what was left out and why."""

    written: tuple[str, ...]
    notes: tuple[str, ...]


class PrintDialog(ModalScreen[PrintRequest | None]):
    """Ask for the audience, the PDF and HTML paths, the paper and a label. Returns the request, or None."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, stem: str) -> None:
        super().__init__()
        self.stem = stem  # the suggested file name without its suffix

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="dialog", classes="dialog"):  # scrolls to the focused field in a small terminal
            yield Label("Print the plan file (Tab: next field)", classes="dialog-title")
            yield Label("For")
            yield Select(
                [("the patient (a handout: no doses)", "patient"), ("the staff (every dose)", "staff")],
                value="patient",
                allow_blank=False,
                id="print-audience",
            )
            yield Label("PDF file (empty: none)")
            yield Input(value=f"{self.stem}-patient.pdf", id="print-pdf")
            yield Label("HTML file (empty: none)")
            yield Input(value="", id="print-html")
            yield Label("Paper")
            yield Select([("A4", "a4"), ("Letter", "letter")], value="a4", allow_blank=False, id="print-paper")
            yield Label("Label (optional, printed in the header)")
            yield Input(value="", id="print-label")
            yield Static("", id="print-status", classes="hint")
            yield Static("Enter in a file field: Print   Esc: cancel", classes="hint")

    def request(self) -> PrintRequest | str:
        """The request from the fields, or what is missing in one line."""
        pdf = self.query_one("#print-pdf", Input).value.strip() or None
        html = self.query_one("#print-html", Input).value.strip() or None
        if pdf is None and html is None:
            return "give a PDF file, an HTML file or both"
        label = self.query_one("#print-label", Input).value.strip() or None
        return PrintRequest(
            audience=str(self.query_one("#print-audience", Select).value),
            pdf=pdf,
            html=html,
            paper=str(self.query_one("#print-paper", Select).value),
            label=label,
        )

    @on(Select.Changed, "#print-audience")
    def _audience(self, event: Select.Changed) -> None:
        """The suggested PDF name follows the audience while it is still the suggestion."""
        pdf = self.query_one("#print-pdf", Input)
        for other in ("patient", "staff"):
            if pdf.value == f"{self.stem}-{other}.pdf":
                pdf.value = f"{self.stem}-{event.value}.pdf"

    @on(Input.Submitted)
    def _submit(self, event: Input.Submitted) -> None:
        event.stop()
        got = self.request()
        if isinstance(got, str):
            self.query_one("#print-status", Static).update(f"✗ {got}")
            self.app.bell()
            return
        self.dismiss(got)

    def action_cancel(self) -> None:
        self.dismiss(None)


class PasswordDialog(ModalScreen[str | None]):
    """Ask for the calendar password (hidden, never stored). Returns it ('' for none), or None when cancelled."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, where: str) -> None:
        super().__init__()
        self.where = where

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="dialog"):
            yield Label(f"Publish to {self.where}", classes="dialog-title")
            yield Label("Password (not stored; empty if the calendar needs none)")
            yield Input(value="", password=True, id="publish-password")
            yield Static("Enter: Publish   Esc: cancel", classes="hint")

    @on(Input.Submitted, "#publish-password")
    def _submit(self, event: Input.Submitted) -> None:
        event.stop()
        self.dismiss(event.value)

    def action_cancel(self) -> None:
        self.dismiss(None)


def one_line(exc: BaseException) -> str:
    """An error as the one line the status shows."""
    return " ".join(str(exc).split()) or type(exc).__name__


class PrintPublishActions(AppHost):
    """Mixed into SchedplanApp: print the plan file in use; publish it to the calendar it records."""

    def _plan_file(self, what: str, unsaved: str) -> str | None:
        """The plan file in use when it holds the plan on screen, else say what to do and return None."""
        path = self.services.plan_path()
        if path is None:
            self.notify(f"{what} uses a plan file: {unsaved}", severity="warning", timeout=8)
            return None
        if self.modified:
            self.notify(
                f"{what} uses {path.name}, which does not hold the changes on screen: save it first (ctrl+s).",
                severity="warning",
                timeout=8,
            )
            return None
        return str(path)

    def _tell(self, what: str, call: Callable[[], str]) -> None:
        """Run ``call`` and show what it says; a failure is one line ("Print failed: ..."), never a traceback."""
        try:
            said = call()
        except (SchedplanError, OSError) as exc:
            self.notify(f"{what} failed: {one_line(exc)}", severity="error", timeout=10)
            return
        self.notify(said, timeout=10)

    def action_print(self) -> None:
        path = self._plan_file("Print", "save the plan first (ctrl+s), then print it.")
        printer = self.services.print_plan
        if path is None:
            return
        if printer is None:
            why = self.services.unavailable.get("print", "printing is not installed")
            self.notify(f"Printing is unavailable: {why}", severity="error", timeout=8)
            return

        def said(request: PrintRequest) -> str:
            printed: PrintedFiles = printer(path, request)
            return "Printed " + ", ".join(printed.written) + "".join(f"\nNote: {n}" for n in printed.notes)

        def done(request: PrintRequest | None) -> None:
            if request is not None:
                self._tell("Print", lambda: said(request))

        stem = path[:-5] if path.lower().endswith(".json") else path
        self.push_screen(PrintDialog(stem), done)

    def action_publish(self) -> None:
        path = self._plan_file("Publish", f"save the plan first (ctrl+s), then set up its calendar with {PUBLISH_HOW}.")
        if path is None:
            return
        publisher = self.services.publish
        if publisher is None:
            why = self.services.unavailable.get("publish", "publishing is not installed")
            self.notify(f"Publishing is unavailable: {why}", severity="error", timeout=8)
            return
        try:
            where = self.services.publication(path)
        except (SchedplanError, OSError) as exc:
            self.notify(f"Publish failed: {one_line(exc)}", severity="error", timeout=10)
            return
        if where is None:
            self.notify(
                f"{path} records no calendar to publish to; set it up once with"
                f" {PUBLISH_HOW.replace('PLAN.json', path)}",
                severity="warning",
                timeout=12,
            )
            return

        def done(password: str | None) -> None:
            if password is not None:
                self._tell("Publish", lambda: publisher(path, password or None))

        self.push_screen(PasswordDialog(where), done)
