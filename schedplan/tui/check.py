"""The double-check screen: the checker's name, then each dose worked out by the checker without seeing ours,
then every match and mismatch, recorded in the plan file as `schedplan verify` records it."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from decimal import Decimal

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static

from schedplan.core.checks import CheckResult, DoseToCheck, compare
from schedplan.core.patient import Patient
from schedplan.core.units import Quantity, dose_display, fmt, parse_decimal
from schedplan.errors import SchedplanError
from schedplan.tui.services import RecordedCheck

_TIMES_TEN = re.compile(r"^\s*(?P<n>[0-9.]+)\s*(?:x|×|\*)\s*10\s*\^\s*(?P<e>\d{1,2})\s*$", re.IGNORECASE)
_THOUSANDS = re.compile(r"\d,\d{3}(?!\d)")
LARGEST = Decimal(10) ** 15  # more cells than any product holds; keeps the comparison's arithmetic finite


def parse_answer(text: str) -> Decimal:
    """A checker's dose: ``341.4``, ``866.7 x 10^6``; never a comma (is ``1,040`` 1040 or 1.04?)."""
    if _THOUSANDS.search(text):
        raise ValueError(f"{text.strip()!r}: write it without a thousands separator, e.g. 1040")
    m = _TIMES_TEN.match(text)
    value = parse_decimal(m.group("n"), "dose") * Decimal(10) ** int(m.group("e")) if m else parse_decimal(text, "dose")
    if not 0 <= value < LARGEST:
        raise ValueError(f"{text.strip()!r} is not a dose; type the number only, e.g. 73.8")
    return value


def unit_word(unit: str) -> str:
    """``mg``; ``units`` for IU (ISMP)."""
    return Quantity(unit).word if unit in {q.value for q in Quantity} else unit


def patient_facts(p: Patient) -> str:
    """What the checker calculates from: the measurements, never our BSA or dosing weight."""
    sex = {"M": "male", "F": "female"}.get(p.sex.value if p.sex else "", "not given")
    out = f"Patient: weight {fmt(p.weight_kg)} kg, height {fmt(p.height_cm)} cm, sex {sex}"
    if p.measured_bsa_m2 is not None:
        out += f", measured BSA {fmt(p.measured_bsa_m2)} m2"
    else:
        out += f", BSA formula {p.bsa_formula.label}"
    if p.measured_on is not None:
        out += f"; measured on {p.measured_on.isoformat()}"
    return out


def local_time(at: object, tz: dt.tzinfo | None = None) -> str:
    """A recorded time (ISO 8601, UTC) as the ward reads it: local time with its zone, '2027-03-10 09:00 CET'."""
    try:
        when = at if isinstance(at, dt.datetime) else dt.datetime.fromisoformat(str(at))
    except ValueError:
        return str(at)
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return when.astimezone(tz).strftime("%Y-%m-%d %H:%M %Z")


def check_lines(checks: list[RecordedCheck]) -> list[str]:
    """One line per recorded check: when, who, the result, and whether it still holds for this plan."""
    out = []
    for n, c in enumerate(checks, 1):
        r = c.record
        state = "holds" if c.holds else "NO LONGER VALID: " + "; ".join(c.invalid)
        out.append(f"{n}. {local_time(r.at)} by {r.checker}: {r.result.upper()} - {state}")
    return out


class DoubleCheckScreen(ModalScreen[list[CheckResult] | None]):
    """Returns the results once recorded (or tried to be), None when cancelled before the last answer."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel"),
        Binding("pageup", "back", "Previous dose"),
    ]

    def __init__(
        self,
        doses: list[DoseToCheck],
        patient: Patient,
        *,
        tolerance: Decimal,
        policy: str,
        checks: list[RecordedCheck],
        record: Callable[[str, list[CheckResult]], str],
    ) -> None:
        super().__init__()
        self.doses = doses
        self.patient = patient
        self.tolerance = tolerance
        self.policy = policy
        self.checks = checks
        self.record = record
        self.checker = ""
        self.answers: list[Decimal] = []
        self.typed: list[str] = []  # as typed, to show again on PgUp
        self.results: list[CheckResult] | None = None
        self.recorded: str | None = None

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="dialog check-dialog"):
            yield Label("", id="check-title", classes="dialog-title")
            with VerticalScroll(id="check-body"):
                yield Static("", id="check-text")
            yield Input(id="check-input", compact=True)
            yield Static("", id="check-error", classes="check-error")
            yield Static("", id="check-hint", classes="hint")

    def on_mount(self) -> None:
        self._show()

    @property
    def step(self) -> int:
        """0: the checker's name; 1..n: dose n; n + 1: the results."""
        if not self.checker:
            return 0
        if self.results is not None:
            return len(self.doses) + 1
        return len(self.answers) + 1

    def _show(self) -> None:
        title = self.query_one("#check-title", Label)
        text = self.query_one("#check-text", Static)
        box = self.query_one("#check-input", Input)
        hint = self.query_one("#check-hint", Static)
        self.query_one("#check-error", Static).update("")
        tol = f"within {fmt(self.tolerance)}% (site policy)" if self.tolerance else "exactly, at schedplan's precision"
        n = len(self.doses)
        if self.step == 0:
            title.update(f"Double check doses - {n} to work out")
            lines = [
                "Work out each dose yourself; schedplan's dose is shown only after your last answer.",
                f"Your numbers are compared {tol}, and the check is recorded in the plan file.",
                self.policy,
                patient_facts(self.patient),
                "",
                "Checks recorded in this plan file:" if self.checks else "No check recorded in this plan file yet.",
                *check_lines(self.checks),
            ]
            text.update(Text("\n".join(lines)))
            box.placeholder = "checker's name or initials"
            box.value = self.checker
            hint.update("Enter: start   Esc: cancel")
        elif self.step <= n:
            d = self.doses[self.step - 1]
            title.update(f"Dose {self.step} of {n}: {d.name}")
            rules = "; ".join(d.policy_rules) if d.policy_rules else "none for this drug"
            lines = [
                f"Prescribed: {d.prescribed}  ({d.per_administration} each administration)",
                f"Given on: {', '.join(d.days)}" + (f"  (each: {d.share})" if getattr(d, "share", None) else ""),
                f"Calculated from: {d.basis_kind}",
                f"Site rules: {rules}",
                patient_facts(self.patient),
            ]
            text.update(Text("\n".join(lines)))
            example = "e.g. 466.7 x 10^6" if d.unit in ("cells", "IU") else "the number only, e.g. 73.8"
            box.placeholder = f"your dose in {unit_word(d.unit)} ({example})"
            box.value = ""
            hint.update(f"Enter: next   PgUp: previous dose   Esc: cancel (nothing recorded)   checker: {self.checker}")
        else:
            self._show_results(title, text, box, hint)
            return
        box.focus()

    def _show_results(self, title: Label, text: Static, box: Input, hint: Static) -> None:
        results = self.results or []
        bad = [r for r in results if not r.match]
        title.update(
            f"{'FAIL' if bad else 'PASS'}: {len(bad)} of {len(results)} doses do not match"
            if bad
            else f"PASS: all {len(results)} doses match"
        )
        out = Text()
        for r in results:
            d = r.dose
            # "match", or "match within 1 % (difference +0.59 %)" for an answer within the tolerance, not exact
            mark = (
                (f"✓ {r.verdict(self.tolerance)}", "bold")
                if r.match
                else (f"✗ MISMATCH ({r.difference_percent:+}%)", "bold reverse")
            )
            out.append(
                f"{d.name} {', '.join(d.days)}: you {dose_display(r.entered, d.unit)}, "
                f"schedplan {dose_display(d.value, d.unit)} - "
            )
            out.append(*mark)
            out.append("\n")
        out.append(f"\n{self.recorded or ''}", style="bold")
        text.update(out)
        box.display = False
        hint.update("Enter or Esc: close   Up/Down: scroll")
        self.query_one("#check-body").focus()

    @on(Input.Submitted, "#check-input")
    def _submit(self, event: Input.Submitted) -> None:
        event.stop()
        error = self.query_one("#check-error", Static)
        if self.step == 0:
            name = event.value.strip()
            if not name:
                error.update("✗ a double check needs the checker's name or initials")
                return
            self.checker = name
        elif self.step <= len(self.doses):
            try:
                self.answers.append(parse_answer(event.value))
            except SchedplanError as exc:
                error.update(f"✗ {exc}; type the number only, e.g. 73.8")
                return
            except (ValueError, ArithmeticError) as exc:
                error.update(f"✗ {exc}")
                return
            self.typed.append(event.value)
            if len(self.answers) == len(self.doses):
                self._finish()
        self._show()

    def _finish(self) -> None:
        self.results = [compare(d, a, self.tolerance) for d, a in zip(self.doses, self.answers, strict=False)]
        try:
            self.recorded = self.record(self.checker, self.results)
        except (SchedplanError, OSError) as exc:
            self.recorded = f"✗ NOT RECORDED: {exc}"

    def on_key(self, event) -> None:
        if self.results is not None and event.key == "enter":
            event.stop()
            self.dismiss(self.results)

    def action_back(self) -> None:
        if self.results is not None or self.step == 0:
            return
        again = self.checker
        if self.answers:
            self.answers.pop()
            again = self.typed.pop()
        else:
            self.checker = ""
        self._show()
        self.query_one("#check-input", Input).value = again

    def action_cancel(self) -> None:
        self.dismiss(self.results)
