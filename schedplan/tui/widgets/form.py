"""The patient form: measurements with unit selectors, BSA, anchor date, and one field per protocol choice."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.widget import Widget
from textual.widgets import Input, Label, Select, Static

from schedplan.core.patient import BSAFormula
from schedplan.core.protocol import Choice, ChoiceType
from schedplan.tui.entry import typed_unit
from schedplan.tui.messages import FormChanged
from schedplan.tui.planning import (
    ANCHOR,
    BSA,
    BSA_FORMULA,
    HEIGHT,
    HEIGHT_UNITS,
    MEASURED,
    SEX,
    WEIGHT,
    WEIGHT_UNITS,
    FormValues,
    ProtocolEntry,
    accepted_hint,
    choice_field,
)

ERROR_MARK = "✗ "
# What a person may type after the number, and the selector value it stands for.
TYPED_WEIGHT_UNITS = {"kg": "kg", "lb": "lb", "lbs": "lb"}
TYPED_HEIGHT_UNITS = {"cm": "cm", "in": "in"}


class FieldError(Static):
    """The reason a field is not usable, shown right under it (empty and hidden when it is fine)."""


class PatientForm(VerticalScroll):
    """Everything a plan is calculated from. Posts FormChanged on every edit; shows reasons per field."""

    def __init__(self, entry: ProtocolEntry | None, values: FormValues | None = None, **kw) -> None:
        super().__init__(**kw)
        self.entry = entry
        self.initial = values or FormValues()
        self._fields: dict[str, Widget] = {}
        self._last: Widget | None = None

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
        yield self._select(SEX, [("M (male)", "M"), ("F (female)", "F")], v.sex, prompt="not given")
        yield FieldError(id=f"err-{SEX}")
        yield Label("BSA formula", classes="field-label")
        formula = v.bsa_formula or p.bsa_formula.value
        yield self._select(BSA_FORMULA, [(f.label, f.value) for f in BSAFormula], formula, blank=False)
        yield FieldError(id=f"err-{BSA_FORMULA}")
        yield Label("Measured BSA, m2 (replaces the formula)", classes="field-label")
        yield self._input(BSA, v.measured_bsa, "optional, e.g. 1.85")
        yield FieldError(id=f"err-{BSA}")
        yield Label("Measured on (weight, height)", classes="field-label")
        yield self._input(MEASURED, v.measured_on, "optional, YYYY-MM-DD")
        yield FieldError(id=f"err-{MEASURED}")
        yield Label(p.anchor.date_label, classes="field-label")
        yield self._input(ANCHOR, v.anchor_date, "YYYY-MM-DD")
        yield FieldError(id=f"err-{ANCHOR}")
        if p.choices:
            yield Static("Protocol choices", classes="section")
        for c in p.choices:
            yield from self._choice(c, v.choices.get(c.key))

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

    def _input(self, fid: str, value: str, placeholder: str, restrict: str | None = None) -> Input:
        w = Input(value=value, placeholder=placeholder, id=f"f-{fid}", compact=True, restrict=restrict)
        self._fields[fid] = w
        return w

    def _select(self, fid: str, options, value, *, blank: bool = True, prompt: str = "choose...") -> Select:
        valid = {o[1] for o in options}
        w: Select = Select(
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
                if got is not None and got.strip():
                    choices[c.key] = got
        formula = self._sel(BSA_FORMULA)
        if self.entry is not None and formula == self.entry.protocol.bsa_formula.value:
            formula = None  # the protocol's own, as a plan made on the command line without --bsa-formula
        return FormValues(
            weight=self._text(WEIGHT),
            weight_unit=self._sel("weight_unit") or "kg",
            height=self._text(HEIGHT),
            height_unit=self._sel("height_unit") or "cm",
            sex=self._sel(SEX),
            bsa_formula=formula,
            measured_bsa=self._text(BSA),
            anchor_date=self._text(ANCHOR),
            choices=choices,
            measured_on=self._text(MEASURED),
        )

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
        optional = {BSA, MEASURED} | {
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
        pairs = ((WEIGHT, "weight_unit", TYPED_WEIGHT_UNITS), (HEIGHT, "height_unit", TYPED_HEIGHT_UNITS))
        for fid, selector, units in pairs:
            if self._fields.get(fid) is field:
                unit = typed_unit(text, units)
                select = self._fields.get(selector)
                if unit is not None and isinstance(select, Select) and select.value != unit:
                    select.value = unit

    def on_descendant_focus(self, event) -> None:
        if event.widget in self._fields.values():
            self._last = event.widget

    @on(Input.Submitted)
    def _next(self, event: Input.Submitted) -> None:
        event.stop()
        self.screen.focus_next()
