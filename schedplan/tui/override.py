"""The dialog that overrides a limit stopping the plan: the limit and its source, and the reason (required)."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static

REASON_REQUIRED = "a reason is required: say why the limit is passed and who decided (recorded with the dose)"


class OverrideDialog(ModalScreen[str | None]):
    """Ask why a limit is passed. Returns the reason as typed (never empty), or None when cancelled."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, code: str, stop: str) -> None:
        super().__init__()
        self.code = code
        self.stop = stop

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="dialog override-dialog"):
            yield Label(f"Override {self.code}", classes="dialog-title")
            yield Static(Text(self.stop), id="override-stop")
            yield Label("Reason (recorded with the dose, shown wherever it is):")
            yield Input(placeholder="e.g. per haematologist Dr X, 2027-03-10", id="override-reason")
            yield Static("", id="override-status", classes="hint")
            yield Static("Enter: override with this reason   Esc: cancel (the plan stays stopped)", classes="hint")

    def on_mount(self) -> None:
        self.query_one("#override-reason", Input).focus()

    @on(Input.Submitted, "#override-reason")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        reason = event.value.strip()
        if not reason:
            self.query_one("#override-status", Static).update(Text(f"✗ {REASON_REQUIRED}"))
            return
        self.dismiss(reason)

    def action_cancel(self) -> None:
        self.dismiss(None)
