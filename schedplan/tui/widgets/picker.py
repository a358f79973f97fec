"""The protocol picker: shipped protocols (and any .yaml by path), filtered as you type."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from schedplan.errors import SchedplanError

if TYPE_CHECKING:  # the picker is the first screen: it imports no protocol model, only lists what it is given
    from schedplan.tui.planning import ProtocolEntry


def matches(entry: ProtocolEntry, text: str) -> bool:
    """Every word typed appears in the id, title or anchor kind (any case)."""
    hay = f"{entry.protocol.id} {entry.protocol.title} {entry.anchor_kind}".lower()
    return all(word in hay for word in text.lower().split())


def looks_like_path(text: str) -> bool:
    t = text.strip().lower()
    return t.endswith((".yaml", ".yml")) or "/" in t


class ProtocolPicker(ModalScreen["ProtocolEntry | None"]):
    """Returns the chosen protocol, or None when cancelled."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel"),
        Binding("down", "list_down", "Next", show=False),
        Binding("up", "list_up", "Previous", show=False),
        # an Enter typed before the app takes the terminal arrives as a newline, which the app reads as ctrl+j
        Binding("ctrl+j", "choose", "Choose", show=False),
    ]

    def __init__(
        self,
        entries: list[ProtocolEntry],
        load: Callable[[str], ProtocolEntry] | None = None,
        *,
        cancellable: bool = True,
    ) -> None:
        super().__init__()
        self.entries = list(entries)
        self.load = load
        self.cancellable = cancellable
        self.shown: list[ProtocolEntry] = []

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="dialog picker-dialog"):
            yield Label("Pick a protocol", classes="dialog-title")
            yield Input(placeholder="type to filter by id or words; or a path to a .yaml file", id="picker-filter")
            yield OptionList(id="picker-list")
            yield Static("", id="picker-status", classes="hint")
            yield Static(
                "Enter: plan with it   Up/Down: move   Esc: " + ("cancel" if self.cancellable else "quit"),
                classes="hint",
            )

    def on_mount(self) -> None:
        self._fill("")
        self.query_one("#picker-filter", Input).focus()

    def _fill(self, text: str) -> None:
        self.shown = [e for e in self.entries if matches(e, text)]
        options = []
        for e in self.shown:
            p = e.protocol
            prompt = Text.assemble((p.id, "bold"), f"  {e.anchor_kind}\n", (p.title, ""))
            if e.source != "shipped":
                prompt.append(f"\n{e.source}", style="dim")
            options.append(Option(prompt, id=p.id))
        lst = self.query_one("#picker-list", OptionList)
        lst.set_options(options)
        if options:
            lst.highlighted = 0
        status = self.query_one("#picker-status", Static)
        if looks_like_path(text):
            status.update("Enter opens this file" if self.load else "opening files is not available here")
        elif not self.shown:
            status.update(f"✗ no protocol matches {text!r}")
        else:
            status.update(f"{len(self.shown)} of {len(self.entries)} protocols")

    @on(Input.Changed, "#picker-filter")
    def _filter(self, event: Input.Changed) -> None:
        self._fill(event.value)

    @on(Input.Submitted, "#picker-filter")
    def _submit(self, event: Input.Submitted) -> None:
        event.stop()
        if looks_like_path(event.value) and self.load is not None:
            self._open_path(event.value)
            return
        lst = self.query_one("#picker-list", OptionList)
        if lst.highlighted is not None and lst.highlighted < len(self.shown):
            self.dismiss(self.shown[lst.highlighted])
        else:
            self.app.bell()

    def _open_path(self, text: str) -> None:
        assert self.load is not None
        try:
            entry = self.load(text.strip())
        except SchedplanError as exc:
            self.query_one("#picker-status", Static).update(Text(f"✗ {exc}"))
            return
        except OSError as exc:
            self.query_one("#picker-status", Static).update(Text(f"✗ cannot read {text.strip()}: {exc}"))
            return
        self.dismiss(entry)

    @on(OptionList.OptionSelected, "#picker-list")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(self.shown[event.option_index])

    def action_list_down(self) -> None:
        self.query_one("#picker-list", OptionList).action_cursor_down()

    def action_list_up(self) -> None:
        self.query_one("#picker-list", OptionList).action_cursor_up()

    async def action_choose(self) -> None:
        """ctrl+j in the filter: as Enter (the Enter of keys typed ahead at start)."""
        await self.query_one("#picker-filter", Input).action_submit()

    def action_cancel(self) -> None:
        if self.cancellable:
            self.dismiss(None)
        else:
            self.app.exit()
