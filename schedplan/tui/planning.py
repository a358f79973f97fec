"""What the form holds, turned into a Plan by core.schedule.plan - or into a reason per field (no textual here)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from pydantic import ValidationError

from schedplan.core.eligibility import Group, Limit
from schedplan.core.factors import Measure
from schedplan.core.patient import BSAFormula
from schedplan.core.protocol import Choice, ChoiceType, Protocol
from schedplan.core.sources import LoadedPolicy, LoadedProtocol
from schedplan.core.units import parse_height, parse_weight
from schedplan.errors import ChoiceError, InputError, SchedplanError
from schedplan.inputs import PlanInputs, build_factors, parse_bsa, parse_labs, parse_sets, parse_sex, plan_from_inputs
from schedplan.tui.entry import has_unit, lab_items, lab_pairs, parse_full_date

if TYPE_CHECKING:  # the app imports this module for its first frame (issue 8): the plan is calculated when asked
    from schedplan.core.schedule import Plan

# Field ids used by the form, the error map and the tests.
WEIGHT, HEIGHT, SEX, BSA_FORMULA, BSA, ANCHOR = "weight", "height", "sex", "bsa_formula", "bsa", "anchor"
MEASURED = "measured_on"
# patient factors (issue 16): the same names as PlanInputs and the command line's InputError fields
BIRTH, CREATININE, CREATININE_DATE = "birth_date", "creatinine", "creatinine_date"
CRCL, EGFR, LABS = "crcl", "egfr", "labs"
FACTORS = (BIRTH, CREATININE, CREATININE_DATE, CRCL, EGFR, LABS)
CREATININE_UNITS = ("mg/dL", "umol/L")
_OWN_FIELD = {Measure.AGE, Measure.CREATININE, Measure.CREATININE_CLEARANCE, Measure.EGFR}
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
    # patient factors, each optional (empty: not given)
    birth_date: str = ""
    creatinine: str = ""  # the number, or the number with its unit as typed ("97 umol/L")
    creatinine_unit: str | None = None  # the selector: mg/dL or umol/L; None: not chosen (never a default)
    creatinine_date: str = ""
    crcl: str = ""
    egfr: str = ""
    labs: str = ""  # "alt=40/50, bilirubin=0.8/1.2", as the command line's --lab pairs
    overrides: dict[str, str] = field(default_factory=dict)  # limits passed on purpose: {code: reason}


@dataclass(frozen=True)
class Stop:
    """A limit the plan is outside of (the core's InputError field "override"): not a field's fault."""

    code: str
    message: str


def creatinine_text(values: FormValues) -> str | None:
    """The creatinine as a plan file records it: as typed when a unit was typed, else number and selected unit
    (``97`` + ``umol/L`` -> ``97 umol/L``); a number with no unit at all stays bare (and is refused)."""
    t = values.creatinine.strip()
    if not t:
        return None
    if has_unit(t) or values.creatinine_unit is None:
        return t
    return f"{t} {values.creatinine_unit}"


def labs_text(labs: dict[str, str]) -> str:
    """A plan file's labs as the form's one field shows them: ``alt=40/50, bilirubin=0.8/1.2``."""
    return ", ".join(f"{k}={v}" for k, v in labs.items())


def typed(values: FormValues, site_ref: str | None = None) -> PlanInputs:
    """What a plan file records for these form values (weights, heights and creatinine with their units)."""
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
        overrides=dict(values.overrides),
        birth_date=values.birth_date.strip() or None,
        creatinine=creatinine_text(values),
        creatinine_date=values.creatinine_date.strip() or None,
        crcl=values.crcl.strip() or None,
        egfr=values.egfr.strip() or None,
        labs=lab_pairs(values.labs),
    )


@dataclass(frozen=True)
class Outcome:
    """A plan when every field is usable; otherwise the reason at each field that is not."""

    plan: Plan | None
    errors: dict[str, str]
    missing: tuple[str, ...] = ()
    stop: Stop | None = None  # the plan is outside a limit: overriding it (with a reason) is the way on

    @property
    def ok(self) -> bool:
        return self.plan is not None


def with_unit(text: str, unit: str) -> str:
    """``62`` + ``kg`` -> ``62kg``; a value typed with its own unit (``136.7lb``) is kept as typed."""
    t = text.strip()
    if t and t[-1].isalpha():
        return t
    return f"{t}{unit}"


def protocol_measures(protocol: Protocol) -> list[Measure]:
    """The values the protocol's eligibility criteria compare, in the order they first appear."""
    found: list[Measure] = []

    def walk(node: object) -> None:
        if isinstance(node, Limit):
            if node.measure not in found:
                found.append(node.measure)
        elif isinstance(node, Group):
            for item in node.any_of or node.all_of or []:
                walk(item)

    for criterion in protocol.eligibility:
        walk(criterion.root)
    return found


def lab_hint(protocol: Protocol) -> str:
    """The line under the labs field: the names this protocol's criteria use (the others have their own field)."""
    names = [m.value for m in protocol_measures(protocol) if m not in _OWN_FIELD]
    if not names:
        return "this protocol's criteria use no other value"
    return "this protocol's criteria use: " + ", ".join(names)


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

    _check_factors(values, check, as_of or today())

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
        if exc.field == "override" and exc.value:
            return Outcome(None, {}, stop=Stop(exc.value, stop_text(str(exc))))
        return Outcome(None, {_field_of(exc.field): str(exc)})
    except (SchedplanError, ValidationError, ArithmeticError, ValueError) as exc:
        return Outcome(None, {WEIGHT: _reason(exc)})
    return Outcome(result, {})


def _check_factors(values: FormValues, check: Callable[..., None], on: dt.date) -> None:
    """Each patient-factor field alone, by the command line's own parsers (schedplan.inputs.build_factors), so
    the reason is the same and lands on the field that has it; the birth date against the anchor date, and the
    whole, are checked when the plan is calculated."""

    def alone(**given: str | dict[str, str] | None) -> Callable[[str], object]:
        blank = PlanInputs(weight="", height="", anchor_date="")
        return lambda _t: build_factors(blank.model_copy(update=given), dt.date.max, on)

    creatinine = creatinine_text(values)
    check(BIRTH, values.birth_date, lambda t: parse_full_date(t, "birth date"), required=False)
    check(CREATININE, values.creatinine, alone(creatinine=creatinine), required=False)
    a_creatinine = "1 mg/dL" if creatinine else None  # the date alone: never the creatinine's own reason
    check(
        CREATININE_DATE,
        values.creatinine_date,
        lambda t: (parse_full_date(t, "creatinine date"), alone(creatinine=a_creatinine, creatinine_date=t)(t)),
        required=False,
    )
    check(CRCL, values.crcl, alone(crcl=values.crcl.strip()), required=False)
    check(EGFR, values.egfr, alone(egfr=values.egfr.strip()), required=False)
    check(LABS, values.labs, lambda t: alone(labs=parse_labs(lab_items(t)))(t), required=False)


_CLI_OVERRIDE = re.compile(r"; to give it anyway, --override \S+ --reason 'WHY' \(recorded with the dose\)")


def stop_text(message: str) -> str:
    """The core's stop in the form's words: the limit and its source, without the command line's options."""
    text = _CLI_OVERRIDE.sub("", message)
    return text.removeprefix("stopped: ")


def _field_of(name: str | None) -> str:
    """The form field an InputError names (core says 'weight', 'BSA', 'anchor date', 'sex' ...)."""
    known = {m.label: LABS for m in Measure}  # a lab value's own reason names its measure
    known |= {
        "weight": WEIGHT,
        "height": HEIGHT,
        "sex": SEX,
        "bsa": BSA,
        "BSA": BSA,
        "anchor date": ANCHOR,
        "measurement date": MEASURED,
        "measured_on": MEASURED,
        "birth_date": BIRTH,
        "birth date": BIRTH,
        "creatinine": CREATININE,
        "creatinine_date": CREATININE_DATE,
        "creatinine date": CREATININE_DATE,
        "crcl": CRCL,
        "egfr": EGFR,
        "lab": LABS,
        Measure.CREATININE_CLEARANCE.label: CRCL,
        Measure.EGFR.label: EGFR,
    }
    return known.get(name or "", WEIGHT)


def today() -> dt.date:
    """The clock the app reads (tests replace it)."""
    return dt.date.today()
