"""The one dialog of each amendment (hold, delay, modify, given, undo): its parameters, reason and name."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, RadioButton, RadioSet, Static

from schedplan.core.schedule import PlannedEvent
from schedplan.core.units import fmt
from schedplan.errors import SchedplanError
from schedplan.tui.format import event_text
from schedplan.tui.services import AmendDone

TITLES = {
    "hold": "Hold - this administration is not given",
    "delay": "Delay - move it later",
    "modify": "Modify the dose",
    "given": "Given - record this administration as given",
    "undo": "Undo an amendment (recorded as a new one; nothing is deleted)",
}
# the command line's words for a field (in the shared messages) -> the dialog's label
_FLAGS = (
    ("--reason", "Reason"),
    ("--by", "Name"),
    ("--days", "Days"),
    ("--percent", "Percent"),
    ("--dose-level", "Dose level"),
    ("--dose", "Dose"),
    ("--at", "Given at"),
    ("--note", "Note"),
    ("--override", "Override"),
)


@dataclass(frozen=True)
class FieldSpec:
    """One line of the dialog: its id (an AmendRequest field, or 'number' for undo), label, value, hint."""

    id: str
    label: str
    value: str = ""
    placeholder: str = ""


def now_text() -> str:
    """Now, local, as the dialog writes a time: YYYY-MM-DD HH:MM."""
    return dt.datetime.now().strftime("%Y-%m-%d %H:%M")


def scopes(kind: str, event: PlannedEvent | None, cycles: bool) -> list[tuple[str, str]]:
    """(id, words) of what the amendment applies to, the first the default."""
    if event is None:
        return []
    if kind == "delay":
        out = [("one", "this administration only"), ("later", "this and every later event of the plan")]
        if cycles and event.cycle is not None:
            out.append(("cycle", f"cycle {event.cycle} and every later cycle"))
        return out
    if kind == "modify":
        out = [("one", "this administration only")]
        if cycles and event.cycle is not None:
            out.append(("from_cycle", f"{event.name} from cycle {event.cycle} on"))
            out.append(("from_day", f"{event.name} from cycle {event.cycle} day {event.day} on"))
        else:
            out.append(("from_day", f"{event.name} from day {event.day} on"))
        return out
    return [("one", "this administration")]


def fields_for(kind: str, event: PlannedEvent | None) -> list[FieldSpec]:
    """The typed parameters of ``kind``, then the reason (a note for given) and the name."""
    out: list[FieldSpec] = []
    if kind == "delay":
        out.append(FieldSpec("days", "Days later", placeholder="a whole number, e.g. 7"))
    elif kind == "modify":
        out += [
            FieldSpec("percent", "Percent", placeholder="of the calculated dose, 1-200 (or one below)"),
            FieldSpec("dose_level", "Dose level", placeholder="the protocol's level, e.g. -1"),
            FieldSpec("dose", "Dose", placeholder='"VALUE UNIT", e.g. 500 mg'),
            # as `amend modify --override CODE`: a dose over a site maximum that stops, the reason below its reason
            FieldSpec("override", "Override", placeholder="only if stopped: the code it names, e.g. max-dose:DRUG"),
        ]
    elif kind == "given":
        planned = f"as planned: {fmt(event.dose.value)} {event.dose.unit}" if event is not None and event.dose else ""
        out += [
            FieldSpec("dose", "Dose given", placeholder=planned or '"VALUE UNIT"'),
            FieldSpec("at", "Given at", value=now_text(), placeholder="YYYY-MM-DD HH:MM"),
            FieldSpec("note", "Note", placeholder="optional"),
        ]
    elif kind == "undo":
        out.append(FieldSpec("number", "Amendment", placeholder="its number (the history lists them)"))
    if kind != "given":
        out.append(FieldSpec("reason", "Reason", placeholder="why (required)"))
    out.append(FieldSpec("by", "Name", placeholder="who records it (required)"))
    return out


def request_fields(
    kind: str, event: PlannedEvent | None, scope: str, typed: dict[str, str]
) -> tuple[dict[str, Any], dict[str, str]]:
    """The AmendRequest fields for what was typed, and the errors of whole numbers that are not (by field id).
    Every other rule is the application layer's (plans.amending), checked when it is recorded."""
    fields: dict[str, Any] = {"kind": kind, "by": typed.get("by", "")}
    errors: dict[str, str] = {}
    if kind != "given":
        fields["reason"] = typed.get("reason", "")
    if event is not None:
        who = {"drug": event.event_id}
        one = {**who, "day": event.day, "cycle": event.cycle, "date": event.date.isoformat()}
        if event.administration is not None:  # one of several that day (q6h): that one, not all
            one["administration"] = event.administration
        if scope == "cycle":
            fields["cycle"] = event.cycle
        elif scope == "from_cycle":
            fields.update(who, from_cycle=event.cycle)
        elif scope == "from_day":
            fields.update(who, from_day=event.day, from_cycle=event.cycle)
        else:
            fields.update(one, and_later=scope == "later")
    for name in ("days", "number"):
        if name in typed:
            text = typed[name].strip()
            try:
                fields["undo" if name == "number" else name] = int(text)
            except ValueError:
                errors[name] = f"{text!r} is not a whole number" if text else "type a whole number"
    for name in ("percent", "dose_level", "dose", "at", "note", "override"):
        text = typed.get(name, "").strip()
        if text:
            fields[name] = text
    return fields, errors


def in_words(message: str) -> str:
    """A message of the shared rules with the dialog's field names instead of the command line's flags."""
    for flag, label in _FLAGS:
        message = message.replace(flag, label)
    return message


class AmendDialog(ModalScreen[AmendDone | None]):
    """Ask an amendment's parameters, reason and name; Enter records it through ``record`` (the plan file's
    locked path), a refusal is shown on its field and nothing is written; Esc cancels."""

    DEFAULT_CSS = """
    AmendDialog .amend-row { height: 1; margin-bottom: 0; }
    AmendDialog .amend-label { width: 12; }
    AmendDialog .amend-row Input { width: 1fr; }
    AmendDialog RadioSet { border: none; height: auto; padding: 0; margin-bottom: 1; }
    AmendDialog .amend-error { color: $text-error; text-style: bold; height: auto; }
    """
    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(
        self,
        kind: str,
        event: PlannedEvent | None,
        *,
        cycles: bool,
        record: Callable[[dict[str, Any]], AmendDone],
        hint: str = "",
    ) -> None:
        super().__init__()
        self.kind = kind
        self.event = event
        self.cycles = cycles
        self.record = record
        self.hint = hint
        self.specs = fields_for(kind, event)
        self.scope_choices = scopes(kind, event, cycles)

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="dialog amend-dialog"):
            yield Label(TITLES[self.kind], classes="dialog-title")
            if self.event is not None:
                yield Static(Text(f"{self.event.label}  {self.event.date.isoformat()}  {event_text(self.event)}"))
            if self.hint:
                yield Static(Text(self.hint), classes="hint")
            if len(self.scope_choices) > 1:
                with RadioSet(id="amend-scope"):
                    for n, (sid, words) in enumerate(self.scope_choices):
                        yield RadioButton(words, value=n == 0, id=f"scope-{sid}")
            yield Static("", id="amend-error-scope", classes="amend-error")
            for spec in self.specs:
                with Horizontal(classes="amend-row"):
                    yield Label(spec.label, classes="amend-label")
                    yield Input(spec.value, placeholder=spec.placeholder, id=f"amend-{spec.id}", compact=True)
                yield Static("", id=f"amend-error-{spec.id}", classes="amend-error")
            yield Static("Enter: record   Tab: next   Esc: cancel (nothing is recorded)", classes="hint")

    def on_mount(self) -> None:
        for spec in self.specs:
            self.query_one(f"#amend-error-{spec.id}", Static).display = False
        self.query_one("#amend-error-scope", Static).display = False
        self.query_one(f"#amend-{self.specs[0].id}", Input).focus()

    @property
    def scope(self) -> str:
        if len(self.scope_choices) <= 1:
            return "one"
        index = self.query_one("#amend-scope", RadioSet).pressed_index
        return self.scope_choices[max(index, 0)][0]

    def typed(self) -> dict[str, str]:
        return {spec.id: self.query_one(f"#amend-{spec.id}", Input).value for spec in self.specs}

    def show_errors(self, errors: dict[str, str]) -> None:
        """Each message under its field (one that names no field of the dialog under the choices)."""
        ids = {s.id for s in self.specs}
        for key in [*ids, "scope"]:
            box = self.query_one(f"#amend-error-{key}", Static)
            message = errors.get(key)
            box.display = message is not None
            box.update(Text(f"✗ {message}" if message else ""))
        first = next((s.id for s in self.specs if s.id in errors), None)
        if first is not None:
            field = self.query_one(f"#amend-{first}", Input)
            field.focus()
            field.cursor_position = len(field.value)  # typing goes on at the end, as the person left it

    @on(Input.Submitted)
    def _submit(self, event: Input.Submitted) -> None:
        event.stop()
        fields, errors = request_fields(self.kind, self.event, self.scope, self.typed())
        if errors:
            self.show_errors(errors)
            return
        try:
            done = self.record(fields)
        except SchedplanError as exc:
            where = getattr(exc, "field", None)
            key = {"undo": "number"}.get(where or "", where or "")
            if key not in {s.id for s in self.specs}:
                key = "scope"
            self.show_errors({key: in_words(str(exc))})
            return
        self.dismiss(done)

    def action_cancel(self) -> None:
        self.dismiss(None)
