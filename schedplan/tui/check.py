"""The double-check screen: the checker's name, then each dose worked out by the checker without seeing ours,
then every match and mismatch, recorded in the plan file as `schedplan verify` records it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import TYPE_CHECKING

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static

from schedplan.core.patient import Patient
from schedplan.core.units import Quantity, dose_display, fmt
from schedplan.errors import SchedplanError
from schedplan.tui.services import RecordedCheck

if TYPE_CHECKING:  # the app imports this screen for its first frame (issue 8): the checks when one is done
    from schedplan.core.checks import CheckResult, DoseToCheck

LARGEST = Decimal(10) ** 15  # more cells than any product holds; keeps the comparison's arithmetic finite


def parse_answer(text: str, unit: str) -> Decimal:
    """A checker's dose as people write it (core.checks.parse_answer: ``46.13``, ``826.7 x 10^6 cells``),
    within what a dose can be."""
    from schedplan.core.checks import parse_answer as parse_checker_answer

    value = parse_checker_answer(text, unit)
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


def _order(d: DoseToCheck, choices: dict[str, str]) -> str:
    """What the checker confirms against the order, as `schedplan verify` shows it."""
    arm = ", ".join(f"{k}={v}" for k, v in sorted(choices.items())) or "none"
    modified = f"; dose modification {d.modification}" if d.modification else ""
    return f"arm / dose level {arm}{modified}; days {', '.join(d.days)}; route {d.route or 'not stated'}"


class DoubleCheckScreen(ModalScreen["list[CheckResult] | None"]):
    """Returns the results once recorded (or tried to be), None when cancelled before recording.

    Phases: the checker's name; for each dose the answer, then y/n: arm / dose level, days and route as on
    the order; a review of every answer (any one can be corrected); the results, recorded."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel"),
        Binding("pageup", "back", "Previous dose"),
    ]

    def __init__(
        self,
        doses: list[DoseToCheck],
        patient: Patient,
        *,
        tolerance: tuple[Decimal, str],
        policy: str,
        checks: list[RecordedCheck],
        record: Callable[[str, list[CheckResult]], str],
        choices: dict[str, str] | None = None,
        factors: str | None = None,
    ) -> None:
        super().__init__()
        self.factors = factors  # the patient factors as typed (birth date, creatinine ...), for renal and AUC doses
        self.doses = doses
        self.patient = patient
        self.tolerance, self.tolerance_source = tolerance
        self.policy = policy
        self.checks = checks
        self.record = record
        self.choices = choices or {}  # the arm / dose level as chosen (the form's choices)
        self.checker = ""
        self.phase = "name"  # name, answer, confirm, review, results
        self.index = 0  # the dose being answered or confirmed
        self.correcting = False  # from the review: back to it after the confirmation
        self.answers: list[Decimal | None] = [None] * len(doses)
        self.typed: list[str] = [""] * len(doses)  # as typed, to show again
        self.confirmed: list[bool | None] = [None] * len(doses)
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
        """0: the checker's name; 1..n: dose n (its answer, then its confirmation); n + 1: the review, results."""
        if self.phase == "name":
            return 0
        if self.phase in ("answer", "confirm"):
            return self.index + 1
        return len(self.doses) + 1

    def _tolerance_words(self) -> str:
        return f"within {fmt(self.tolerance)} % ({self.tolerance_source})"

    def _show(self) -> None:
        title = self.query_one("#check-title", Label)
        text = self.query_one("#check-text", Static)
        box = self.query_one("#check-input", Input)
        hint = self.query_one("#check-hint", Static)
        self.query_one("#check-error", Static).update("")
        box.display = True
        n = len(self.doses)
        if self.phase == "name":
            title.update(f"Double check doses - {n} to work out")
            lines = [
                "Work out each dose yourself; schedplan's dose is shown only after your answers are recorded.",
                f"Your numbers are compared {self._tolerance_words()}, and the check is recorded in the plan file.",
                self.policy,
                patient_facts(self.patient),
                *([self.factors] if self.factors else []),
                "",
                "Checks recorded in this plan file:" if self.checks else "No check recorded in this plan file yet.",
                *check_lines(self.checks),
            ]
            text.update(Text("\n".join(lines)))
            box.placeholder = "checker's name or initials"
            box.value = self.checker
            hint.update("Enter: start   Esc: cancel")
        elif self.phase == "answer":
            d = self.doses[self.index]
            title.update(f"Dose {self.step} of {n}: {d.name}")
            rules = "; ".join(d.policy_rules) if d.policy_rules else "none for this drug"
            lines = [
                f"Prescribed: {d.prescribed}  ({d.per_administration} each administration)",
                *([f"Dose modification: {d.modification}"] if d.modification else []),
                f"Given on: {', '.join(d.days)}" + (f"  (each: {d.share})" if getattr(d, "share", None) else ""),
                f"Calculated from: {d.basis_kind}",
                f"Site rules: {rules}",
                patient_facts(self.patient),
                *([self.factors] if self.factors else []),
            ]
            text.update(Text("\n".join(lines)))
            example = "e.g. 466.7 x 10^6" if d.unit in ("cells", "IU") else "the number only, e.g. 73.8"
            box.placeholder = f"your dose in {unit_word(d.unit)} ({example})"
            box.value = self.typed[self.index]
            hint.update(f"Enter: next   PgUp: previous dose   Esc: cancel (nothing recorded)   checker: {self.checker}")
        elif self.phase == "confirm":
            d = self.doses[self.index]
            title.update(f"Dose {self.step} of {n}: {d.name} - as on the order?")
            text.update(
                Text(
                    f"Your dose: {self._entered(self.index)}\n"
                    f"Order: {_order(d, self.choices)}\n"
                    f"Prescribed: {d.prescribed}\n\n"
                    "Are the arm / dose level, the days and the route as on the order? [y/n]"
                )
            )
            box.display = False
            hint.update("y: yes   n: no (the dose fails)   PgUp: change the answer   Esc: cancel (nothing recorded)")
            self.query_one("#check-body").focus()
            return
        elif self.phase == "review":
            self._show_review(title, text, box, hint)
        else:
            self._show_results(title, text, box, hint)
            return
        box.focus()

    def _entered(self, k: int) -> str:
        """Answer ``k`` as it will be recorded, in the plan's unit ('461.3 mg', '10 x 10^6 units')."""
        answer = self.answers[k]
        return "not answered" if answer is None else dose_display(answer, self.doses[k].unit)

    def _show_review(self, title: Label, text: Static, box: Input, hint: Static) -> None:
        n = len(self.doses)
        title.update(f"Review your {n} answers before they are recorded")
        out = []
        for k, d in enumerate(self.doses, 1):
            yes = {True: "yes", False: "NO", None: "not asked"}[self.confirmed[k - 1]]
            out.append(
                f"{k}. {d.name} {', '.join(d.days)}: {self._entered(k - 1)} - arm / days / route as on the order: {yes}"
            )
        out += ["", f"Nothing is recorded yet. Your numbers are compared {self._tolerance_words()}."]
        text.update(Text("\n".join(out)))
        box.placeholder = f"a number 1-{n} to correct that answer, or Enter to record"
        box.value = ""
        hint.update(f"Enter: record   1-{n} Enter: correct   Up/Down: scroll   Esc: cancel (nothing recorded)")

    def _show_results(self, title: Label, text: Static, box: Input, hint: Static) -> None:
        results = self.results or []
        bad = [r for r in results if not r.match]
        unconfirmed = [r for r in results if r.confirmed is False]
        if bad or unconfirmed:
            parts = [f"{len(bad)} of {len(results)} doses do not match"] if bad else []
            if unconfirmed:
                parts.append(f"{len(unconfirmed)} not as on the order")
            title.update("FAIL: " + "; ".join(parts))
        else:
            title.update(f"PASS: all {len(results)} doses match")
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
            if r.confirmed is False:
                out.append(" - ✗ FAIL: arm / dose level, days or route not as on the order", "bold reverse")
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
        if self.phase == "name":
            name = event.value.strip()
            if not name:
                error.update("✗ a double check needs the checker's name or initials")
                return
            self.checker = name
            self.phase, self.index = "answer", 0
        elif self.phase == "answer":
            try:
                self.answers[self.index] = parse_answer(event.value, self.doses[self.index].unit)
            except SchedplanError as exc:
                error.update(f"✗ {exc}")
                return
            except (ValueError, ArithmeticError) as exc:
                error.update(f"✗ {exc}")
                return
            self.typed[self.index] = event.value
            self.phase = "confirm"
        elif self.phase == "review":
            if not event.value.strip():
                self._finish()
            else:
                which = event.value.strip()
                if not which.isdigit() or not 1 <= int(which) <= len(self.doses):
                    error.update(f"✗ {which!r}: type a dose's number, 1 to {len(self.doses)}, or nothing to record")
                    return
                self.phase, self.index, self.correcting = "answer", int(which) - 1, True
        self._show()

    def _confirm(self, yes: bool) -> None:
        self.confirmed[self.index] = yes
        if self.correcting or self.index + 1 == len(self.doses):
            self.phase, self.correcting = "review", False
        else:
            self.phase, self.index = "answer", self.index + 1
        self._show()

    def _finish(self) -> None:
        from schedplan.core.checks import compare

        self.results = [
            compare(d, a, self.tolerance, confirmed=c)
            for d, a, c in zip(self.doses, self.answers, self.confirmed, strict=True)
            if a is not None
        ]
        self.phase = "results"
        try:
            self.recorded = self.record(self.checker, self.results)
        except (SchedplanError, OSError) as exc:
            self.recorded = f"✗ NOT RECORDED: {exc}"

    def on_key(self, event: events.Key) -> None:
        if self.phase == "results" and event.key == "enter":
            event.stop()
            self.dismiss(self.results)
        elif self.phase == "review" and event.key in ("up", "down"):  # the list, while the box keeps the focus
            event.stop()
            body = self.query_one("#check-body", VerticalScroll)
            if event.key == "up":
                body.scroll_up()
            else:
                body.scroll_down()
        elif self.phase == "confirm" and event.key in ("y", "n"):
            event.stop()
            self._confirm(event.key == "y")

    def action_back(self) -> None:
        if self.phase in ("results", "review", "name"):
            return
        if self.phase == "confirm":
            self.phase = "answer"
        elif self.correcting:
            self.phase, self.correcting = "review", False
        elif self.index == 0:
            self.phase = "name"
        else:
            self.index -= 1
        self._show()

    def action_cancel(self) -> None:
        self.dismiss(self.results)
