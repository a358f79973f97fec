"""The patient form: measurements with unit selectors, BSA, anchor date, one field per protocol choice, the limits
overridden (with the stop that asks for one), and the optional patient factors (age, renal function, labs)."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widget import Widget
from textual.widgets import Button, Input, Label, Select, Static

from schedplan.core.patient import BSAFormula
from schedplan.core.protocol import Choice, ChoiceType
from schedplan.tui.entry import typed_creatinine_unit, typed_unit
from schedplan.tui.messages import FormChanged
from schedplan.tui.planning import (
    ANCHOR,
    BIRTH,
    BSA,
    BSA_FORMULA,
    CRCL,
    CREATININE,
    CREATININE_DATE,
    CREATININE_UNITS,
    EGFR,
    FACTORS,
    HEIGHT,
    HEIGHT_UNITS,
    LABS,
    MEASURED,
    SEX,
    WEIGHT,
    WEIGHT_UNITS,
    FormValues,
    ProtocolEntry,
    Stop,
    accepted_hint,
    choice_field,
    lab_hint,
)

ERROR_MARK = "✗ "
UNUSED = " (not used: this limit is not passed now)"
# What a person may type after the number, and the selector value it stands for.
TYPED_WEIGHT_UNITS = {"kg": "kg", "lb": "lb", "lbs": "lb"}
TYPED_HEIGHT_UNITS = {"cm": "cm", "in": "in"}


def _sex_value(text: str) -> str:
    """The sex selector's value for a spelling the command line accepts (M, male, f ...)."""
    return {"MALE": "M", "FEMALE": "F"}.get(text.strip().upper(), text.strip().upper())


def _default(c: Choice) -> str | None:
    return None if c.default is None else str(c.default)


class FieldError(Static):
    """The reason a field is not usable, shown right under it (empty and hidden when it is fine)."""


class RemoveOverride(Button):
    """Removes one override from the form (the plan then stops at that limit again, if it is still passed)."""

    def __init__(self, code: str) -> None:
        super().__init__("Remove this override", compact=True, classes="remove-override")
        self.code = code


class FieldInput(Input):
    """A text field of the form: Enter moves to the next text field in the key's own turn (moving on through a
    Submitted message, handled later, let the keys typed after Enter land in the field just left)."""

    async def action_submit(self) -> None:
        form = next((a for a in self.ancestors if isinstance(a, PatientForm)), None)
        if form is not None:
            form.next_text_field(self)


class PatientForm(VerticalScroll):
    """Everything a plan is calculated from. Posts FormChanged on every edit; shows reasons per field."""

    # Tab and Shift+Tab go round the form: the views are reached on purpose (Esc, F2, F3-F5), never by one Tab too
    # many (at 80 columns that swapped the form out of sight).
    BINDINGS = [
        Binding("tab", "round(1)", "Next", show=False),
        Binding("shift+tab", "round(-1)", "Previous", show=False),
    ]

    def __init__(
        self, entry: ProtocolEntry | None, values: FormValues | None = None, *, from_file: bool = False, **kw: Any
    ) -> None:
        super().__init__(**kw)
        self.from_file = from_file  # the values are a plan file's: what it left out stays out
        self.entry = entry
        self.initial = values or FormValues()
        self._fields: dict[str, Widget] = {}
        self._last: Widget | None = None
        self.overrides: dict[str, str] = dict(self.initial.overrides)  # {code: reason}, in the order given
        self.stop: Stop | None = None
        self._unused: set[str] = set()  # overrides the plan on screen has no use for

    # --- building -----------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        v = self.initial
        if self.entry is None:
            yield Static("No protocol chosen.\nPress F7 or / to pick one.", classes="hint")
            return
        p = self.entry.protocol
        yield Label("Weight", classes="field-label")
        with Horizontal(classes="with-unit"):
            yield self._input(WEIGHT, v.weight, "e.g. 62", restrict=None)
            yield self._select("weight_unit", [(u, u) for u in WEIGHT_UNITS], v.weight_unit, blank=False)
        yield FieldError(id=f"err-{WEIGHT}")
        yield Label("Height", classes="field-label")
        with Horizontal(classes="with-unit"):
            yield self._input(HEIGHT, v.height, "e.g. 168")
            yield self._select("height_unit", [(u, u) for u in HEIGHT_UNITS], v.height_unit, blank=False)
        yield FieldError(id=f"err-{HEIGHT}")
        yield Label("Sex (for ideal body weight)", classes="field-label")
        sex = _sex_value(v.sex) if v.sex else None
        yield self._select(SEX, [("M (male)", "M"), ("F (female)", "F")], sex, prompt="not given")
        yield FieldError(id=f"err-{SEX}")
        yield Label("BSA formula", classes="field-label")
        formula = v.bsa_formula or p.bsa_formula.value
        yield self._select(BSA_FORMULA, [(f.label, f.value) for f in BSAFormula], formula, blank=False)
        yield FieldError(id=f"err-{BSA_FORMULA}")
        yield from self._text_field(
            "Measured BSA, m2 (replaces the formula)", BSA, v.measured_bsa, "optional, e.g. 1.85"
        )
        yield from self._text_field("Measured on (weight, height)", MEASURED, v.measured_on, "optional, YYYY-MM-DD")
        yield from self._text_field(p.anchor.date_label, ANCHOR, v.anchor_date, "YYYY-MM-DD")
        if p.choices:
            yield Static("Protocol choices", classes="section")
        for c in p.choices:
            yield from self._choice(c, v.choices.get(c.key))
        yield from self._factors(v)
        # last: showing or hiding it never moves a field a person is typing in
        with Vertical(id="limits"):
            yield Static("Limits", classes="section")
            yield Static("", id="stop-text")
            yield Button("Override this limit...", id="override-button", compact=True, variant="warning")
            yield Static("", id="overrides-title", classes="hint")
            yield Vertical(id="override-list")

    def _factors(self, v: FormValues) -> ComposeResult:
        yield Static("Patient factors (optional)", classes="section")
        yield Static("age, renal function and the values the protocol's criteria use", classes="hint")
        yield from self._text_field("Birth date", BIRTH, v.birth_date, "YYYY-MM-DD")
        yield Label("Serum creatinine", classes="field-label")
        with Horizontal(classes="with-unit creatinine"):
            yield self._input(CREATININE, v.creatinine, "e.g. 97")
            units = [(u, u) for u in CREATININE_UNITS]
            yield self._select("creatinine_unit", units, v.creatinine_unit, prompt="unit?")
        yield FieldError(id=f"err-{CREATININE}")
        yield from self._text_field("Creatinine measured on", CREATININE_DATE, v.creatinine_date, "YYYY-MM-DD")
        yield from self._text_field("Measured CrCl, mL/min", CRCL, v.crcl, "e.g. 65")
        yield from self._text_field("eGFR, mL/min/1.73 m2", EGFR, v.egfr, "e.g. 72")
        yield Label("Labs (NAME=VALUE[/ULN], ...)", classes="field-label", markup=False)
        yield self._input(LABS, v.labs, "e.g. alt=40/50, bilirubin=0.8/1.2")
        if self.entry is not None:
            yield Static(lab_hint(self.entry.protocol), classes="hint")
        yield FieldError(id=f"err-{LABS}")

    def on_mount(self) -> None:
        self.show_stop(self.stop)
        self._list_overrides()

    def _choice(self, c: Choice, value: str | None) -> ComposeResult:
        fid = choice_field(c.key)
        yield Label(c.label + ("" if c.required else " (optional)"), classes="field-label")
        if c.type is ChoiceType.ENUM:
            labels = c.value_labels or {}
            options = [(labels.get(x, x), x) for x in c.values or []]
            if value is None and c.default is not None:
                value = str(c.default)
            yield self._select(fid, options, value, prompt="choose..." if c.required else "not set")
        else:
            if value is None and c.default is not None:
                value = str(c.default)
            yield self._input(fid, value or "", c.unit or "number")
        yield Static(accepted_hint(c), classes="hint")
        if c.help:
            yield Static(c.help, classes="hint")
        yield FieldError(id=f"err-{fid}")

    def _text_field(self, label: str, fid: str, value: str, placeholder: str) -> ComposeResult:
        """A text field as the form lays each out: its label, the field, the line for its error."""
        yield Label(label, classes="field-label")
        yield self._input(fid, value, placeholder)
        yield FieldError(id=f"err-{fid}")

    def _input(self, fid: str, value: str, placeholder: str, restrict: str | None = None) -> Input:
        w = FieldInput(value=value, placeholder=placeholder, id=f"f-{fid}", compact=True, restrict=restrict)
        self._fields[fid] = w
        return w

    def _select(
        self,
        fid: str,
        options: list[tuple[str, str]],
        value: str | None,
        *,
        blank: bool = True,
        prompt: str = "choose...",
    ) -> Select[str]:
        valid = {o[1] for o in options}
        w: Select[str] = Select(
            options,
            value=value if value in valid else Select.NULL,
            allow_blank=blank,
            prompt=prompt,
            id=f"f-{fid}",
            compact=True,
        )
        self._fields[fid] = w
        return w

    # --- reading and marking ------------------------------------------------------------------

    def _text(self, fid: str) -> str:
        w = self._fields.get(fid)
        return w.value if isinstance(w, Input) else ""

    def _sel(self, fid: str) -> str | None:
        w = self._fields.get(fid)
        if not isinstance(w, Select) or w.value is Select.NULL:
            return None
        return str(w.value)

    def values(self) -> FormValues:
        """The form as typed (the BSA formula None when it is the protocol's)."""
        choices: dict[str, str] = {}
        if self.entry is not None:
            for c in self.entry.protocol.choices:
                fid = choice_field(c.key)
                got = self._sel(fid) if c.type is ChoiceType.ENUM else self._text(fid)
                if got is None or not got.strip():
                    continue
                if self.from_file and c.key not in self.initial.choices and got == _default(c):
                    continue  # the plan file left it to the protocol's default: saved back the same
                choices[c.key] = got
        # the order a plan file opened here gave them (saved back as it was), then the protocol's
        first = [k for k in self.initial.choices if k in choices]
        choices = {k: choices[k] for k in [*first, *(k for k in choices if k not in first)]}
        formula = self._sel(BSA_FORMULA)
        protocols = self.entry is not None and formula == self.entry.protocol.bsa_formula.value
        if protocols and self.initial.bsa_formula != formula:
            formula = None  # the protocol's own, as a plan made on the command line without --bsa-formula
        return FormValues(
            weight=self._text(WEIGHT),
            weight_unit=self._sel("weight_unit") or "kg",
            height=self._text(HEIGHT),
            height_unit=self._sel("height_unit") or "cm",
            sex=self._sex(),
            bsa_formula=formula,
            measured_bsa=self._text(BSA),
            anchor_date=self._text(ANCHOR),
            choices=choices,
            measured_on=self._text(MEASURED),
            birth_date=self._text(BIRTH),
            creatinine=self._text(CREATININE),
            creatinine_unit=self._sel("creatinine_unit"),
            creatinine_date=self._text(CREATININE_DATE),
            crcl=self._text(CRCL),
            egfr=self._text(EGFR),
            labs=self._text(LABS),
            overrides=dict(self.overrides),
        )

    def _sex(self) -> str | None:
        """M or F as chosen; a plan file's own spelling of the same sex ('male') is kept as it was."""
        chosen = self._sel(SEX)
        given = self.initial.sex
        if chosen is not None and given is not None and _sex_value(given) == chosen:
            return given
        return chosen

    def show_errors(self, errors: dict[str, str]) -> None:
        """Mark each field with its reason; clear the marks of fields that are fine now."""
        for fid, widget in self._fields.items():
            reason = errors.get(fid)
            widget.set_class(reason is not None, "-invalid")
            try:
                box = self.query_one(f"#err-{fid}", FieldError)
            except Exception:
                continue
            box.update(ERROR_MARK + reason if reason else "")
            box.display = reason is not None

    def focus_first(self) -> None:
        """Focus the field last used, else the first empty required field, else the first field (never an
        optional field by default: a key meant for a view would be typed into it)."""
        if self._last is not None and self._last.is_attached:
            self._last.focus()
            return
        optional = {BSA, MEASURED, "creatinine_unit", *FACTORS} | {
            choice_field(c.key) for c in (self.entry.protocol.choices if self.entry else []) if not c.required
        }
        for fid, w in self._fields.items():
            if fid in optional:
                continue
            empty = not w.value.strip() if isinstance(w, Input) else isinstance(w, Select) and w.value is Select.NULL
            if empty:
                w.focus()
                return
        for w in self._fields.values():
            w.focus()
            return

    def field(self, fid: str) -> Widget:
        return self._fields[fid]

    # --- events -------------------------------------------------------------------------------

    @on(Input.Changed)
    @on(Select.Changed)
    def _changed(self, event: Input.Changed | Select.Changed) -> None:
        event.stop()
        if isinstance(event, Input.Changed):
            self._follow_unit(event.input, event.value)
        self.post_message(FormChanged())

    def _follow_unit(self, field: Input, text: str) -> None:
        """A unit typed with the number wins: the selector beside it follows (never a conversion it contradicts)."""
        pairs = (
            (WEIGHT, "weight_unit", lambda t: typed_unit(t, TYPED_WEIGHT_UNITS)),
            (HEIGHT, "height_unit", lambda t: typed_unit(t, TYPED_HEIGHT_UNITS)),
            (CREATININE, "creatinine_unit", typed_creatinine_unit),
        )
        for fid, selector, unit_of in pairs:
            if self._fields.get(fid) is field:
                unit = unit_of(text)
                select = self._fields.get(selector)
                if unit is not None and isinstance(select, Select) and select.value != unit:
                    select.value = unit

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        if event.widget in self._fields.values():
            self._last = event.widget

    def next_text_field(self, field: Input) -> None:
        """Enter: the next text field, round to the first (a unit or a choice beside it is set with Tab)."""
        texts = [w for w in self._stops() if isinstance(w, Input)]
        if field in texts:
            self.screen.set_focus(texts[(texts.index(field) + 1) % len(texts)])

    def action_round(self, step: int) -> None:
        """Tab / Shift+Tab: the next / previous control of the form, round from the last to the first."""
        stops = self._stops()
        focused = self.screen.focused
        here = next((i for i, w in enumerate(stops) if focused is w or (focused and w in focused.ancestors)), None)
        if not stops:
            return
        self.screen.set_focus(stops[(0 if step > 0 else -1) if here is None else (here + step) % len(stops)])

    def _stops(self) -> list[Widget]:
        """The controls of the form that Tab stops at, in order (an open selector's list is not one of its own)."""
        return [
            w
            for w in self.screen.focus_chain
            if self in w.ancestors and not any(isinstance(a, Select) for a in w.ancestors)
        ]

    def on_key(self, event: events.Key) -> None:
        """A letter, digit or sign typed on a selector or a button of the form is not a command (e, v, q, 1 ... work
        on the views): it is refused aloud, never taken as a command nor dropped without a word."""
        focused = self.screen.focused
        if not event.is_printable or event.key == "space" or not isinstance(focused, (Select, Button)):
            return
        event.stop()
        event.prevent_default()
        self.app.bell()
        what = "a selector: Enter opens it" if isinstance(focused, Select) else "a button: Enter presses it"
        self.notify(
            f"{event.character!r} not typed - the focus is on {what}, Tab moves on. Keys for the views: Esc first.",
            severity="warning",
            timeout=6,
        )

    # --- limits: the stop and the overrides -----------------------------------------------------

    def show_stop(self, stop: Stop | None) -> None:
        """The limit the plan is stopped at (with the way to override it), or none; the section shows while there
        is a stop or an override."""
        self.stop = stop
        if self.entry is None:
            return
        text = self.query_one("#stop-text", Static)
        text.update(Text(f"✗ STOPPED: {stop.message}" if stop else ""))
        text.display = stop is not None
        self.query_one("#override-button", Button).display = stop is not None
        self.query_one("#limits").display = stop is not None or bool(self.overrides)

    def show_used(self, used: set[str] | None) -> None:
        """Mark the overrides no limit of the plan calls for now (None: no plan, nothing known)."""
        unused = set() if used is None else set(self.overrides) - used
        if unused != self._unused:
            self._unused = unused
            self._list_overrides()

    def _list_overrides(self) -> None:
        if self.entry is None:
            return
        box = self.query_one("#override-list", Vertical)
        box.remove_children()
        rows = [
            Vertical(
                Static(Text(f"{code}: {reason}" + (UNUSED if code in self._unused else "")), classes="override-text"),
                RemoveOverride(code),
                classes="override",
            )
            for code, reason in self.overrides.items()
        ]
        if rows:
            box.mount(*rows)
        title = self.query_one("#overrides-title", Static)
        title.update(f"Overridden ({len(self.overrides)}), each with its reason:" if self.overrides else "")
        title.display = bool(self.overrides)
        self.query_one("#limits").display = self.stop is not None or bool(self.overrides)

    @on(Button.Pressed, "#override-button")
    def _override(self, event: Button.Pressed) -> None:
        event.stop()
        stop = self.stop
        if stop is None:
            return
        from schedplan.tui.override import OverrideDialog

        def answered(reason: str | None) -> None:
            if reason:
                self.add_override(stop.code, reason)

        self.app.push_screen(OverrideDialog(stop.code, stop.message), answered)

    def add_override(self, code: str, reason: str) -> None:
        """Pass the limit ``code`` for ``reason``: the plan is calculated again, the override recorded with the dose."""
        self.overrides[code] = reason
        self._list_overrides()
        self.post_message(FormChanged())

    @on(Button.Pressed, ".remove-override")
    def _remove(self, event: Button.Pressed) -> None:
        event.stop()
        if isinstance(event.button, RemoveOverride):
            self.overrides.pop(event.button.code, None)
            self._list_overrides()
            self.post_message(FormChanged())
