"""What the form holds, turned into a Plan by core.schedule.plan - or into a reason per field (no textual here)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from pydantic import ValidationError

from schedplan.core.patient import BSAFormula
from schedplan.core.protocol import Choice, ChoiceType
from schedplan.core.schedule import Plan
from schedplan.core.sources import LoadedPolicy, LoadedProtocol
from schedplan.core.units import parse_height, parse_weight
from schedplan.errors import ChoiceError, InputError, SchedplanError
from schedplan.inputs import PlanInputs, parse_bsa, parse_sets, parse_sex, plan_from_inputs
from schedplan.tui.entry import parse_full_date

# Field ids used by the form, the error map and the tests.
WEIGHT, HEIGHT, SEX, BSA_FORMULA, BSA, ANCHOR = "weight", "height", "sex", "bsa_formula", "bsa", "anchor"
MEASURED = "measured_on"
WEIGHT_UNITS = ("kg", "lb")
HEIGHT_UNITS = ("cm", "in")


ProtocolEntry = LoadedProtocol  # a protocol the app can plan with (the one loaded-protocol type)


def choice_field(key: str) -> str:
    """The form field id of a protocol choice."""
    return f"choice-{key}"


@dataclass(frozen=True)
class FormValues:
    """The form exactly as typed: every value a string (or None for an unset select)."""

    weight: str = ""
    weight_unit: str = "kg"
    height: str = ""
    height_unit: str = "cm"
    sex: str | None = None
    bsa_formula: str | None = None
    measured_bsa: str = ""
    anchor_date: str = ""
    choices: dict[str, str] = field(default_factory=dict)
    measured_on: str = ""  # YYYY-MM-DD, when weight and height were measured; empty: not given


def typed(values: FormValues, site_ref: str | None = None) -> PlanInputs:
    """What a plan file records for these form values (weights and heights with their units)."""
    return PlanInputs(
        weight=with_unit(values.weight, values.weight_unit),
        height=with_unit(values.height, values.height_unit),
        anchor_date=values.anchor_date.strip(),
        sex=values.sex,
        bsa_formula=values.bsa_formula,
        bsa=values.measured_bsa.strip() or None,
        choices={k: str(v).strip() for k, v in values.choices.items() if v is not None and str(v).strip()},
        site=site_ref,
        measured_on=values.measured_on.strip() or None,
    )


@dataclass(frozen=True)
class Outcome:
    """A plan when every field is usable; otherwise the reason at each field that is not."""

    plan: Plan | None
    errors: dict[str, str]
    missing: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return self.plan is not None


def with_unit(text: str, unit: str) -> str:
    """``62`` + ``kg`` -> ``62kg``; a value typed with its own unit (``136.7lb``) is kept as typed."""
    t = text.strip()
    if t and t[-1].isalpha():
        return t
    return f"{t}{unit}"


def accepted_hint(c: Choice) -> str:
    """What a choice accepts, for the line under its field."""
    if c.type is ChoiceType.ENUM:
        return "choose one" + (" (optional)" if c.optional else "")
    hint = c.accepted()
    if c.default is not None:
        hint += f"; default {c.default}"
    elif c.optional:
        hint += "; may be left empty"
    return hint


def _reason(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        return "; ".join(e["msg"] for e in exc.errors(include_url=False))
    return str(exc)


def compute(
    entry: ProtocolEntry, values: FormValues, *, site: LoadedPolicy | None = None, as_of: dt.date | None = None
) -> Outcome:
    """Check each field, then calculate through schedplan.inputs.plan_from_inputs (as the command line does),
    under ``site`` (a services.Site; None: no site policy) on the date ``as_of`` (default: today), which dates the
    measurement-age check. Never raises for anything a person can type."""
    protocol = entry.protocol
    errors: dict[str, str] = {}
    missing: list[str] = []

    def check(fid: str, text: str, parse: Callable[[str], object], *, required: bool = True) -> None:
        if not text.strip():
            if required:
                missing.append(fid)
            return
        try:
            parse(text)
        except SchedplanError as exc:
            errors[fid] = str(exc)
        except (ArithmeticError, ValueError) as exc:  # belt and braces: a person's typo never crashes
            errors[fid] = _reason(exc)

    weight = with_unit(values.weight, values.weight_unit) if values.weight.strip() else ""
    height = with_unit(values.height, values.height_unit) if values.height.strip() else ""
    check(WEIGHT, weight, parse_weight)
    check(HEIGHT, height, parse_height)
    check(BSA, values.measured_bsa, parse_bsa, required=False)
    check(ANCHOR, values.anchor_date, lambda t: parse_full_date(t, protocol.anchor.date_label))
    check(MEASURED, values.measured_on, lambda t: parse_full_date(t, "measurement date"), required=False)
    if values.sex is not None:
        check(SEX, values.sex, parse_sex)
    if values.bsa_formula is not None and values.bsa_formula not in {f.value for f in BSAFormula}:
        errors[BSA_FORMULA] = f"unknown BSA formula {values.bsa_formula!r}"

    raw = {k: v for k, v in values.choices.items() if v is not None and str(v).strip()}
    for c in protocol.choices:
        if c.required and c.key not in raw:
            missing.append(choice_field(c.key))
    if errors or missing:
        return Outcome(None, errors, tuple(missing))

    try:
        parse_sets([f"{k}={v}" for k, v in raw.items()])
        result = plan_from_inputs(
            protocol,
            typed(values),
            sha256=entry.sha256,
            site=site,
            holidays=site.holidays if site is not None else None,
            today=as_of or today(),
        )
    except ChoiceError as exc:
        return Outcome(None, {choice_field(exc.key): str(exc)})
    except InputError as exc:
        return Outcome(None, {_field_of(exc.field): str(exc)})
    except (SchedplanError, ValidationError, ArithmeticError, ValueError) as exc:
        return Outcome(None, {WEIGHT: _reason(exc)})
    return Outcome(result, {})


def _field_of(name: str | None) -> str:
    """The form field an InputError names (core says 'weight', 'BSA', 'anchor date', 'sex' ...)."""
    known = {
        "weight": WEIGHT,
        "height": HEIGHT,
        "sex": SEX,
        "bsa": BSA,
        "BSA": BSA,
        "anchor date": ANCHOR,
        "measurement date": MEASURED,
        "measured_on": MEASURED,
    }
    return known.get(name or "", WEIGHT)


def today() -> dt.date:
    """The clock the app reads (tests replace it)."""
    return dt.date.today()
