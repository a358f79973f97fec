"""What people type, turned into core objects: PlanInputs (the one type of a plan's inputs), weight, height,
sex, BSA, --set choices, dates, patient factors (birth date, creatinine, clearance, eGFR, labs); and
plan_from_inputs, the one path from PlanInputs to a calculated Plan.
Shared by the command line, the application layer and the terminal UI, so all refuse the same bad input with
the same message. Nothing here reads a file."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import TYPE_CHECKING
from typing import Protocol as _Protocol

from schedplan.core.dates import parse_date
from schedplan.core.factors import MEASURES, LabValue, Measure, PatientFactors
from schedplan.core.patient import BSAFormula, Patient, Sex
from schedplan.core.plan_inputs import PlanInputs
from schedplan.core.units import parse_decimal, parse_height, parse_weight
from schedplan.errors import InputError

if TYPE_CHECKING:
    from pathlib import Path

    from schedplan.core.policy import SitePolicy
    from schedplan.core.protocol import Protocol
    from schedplan.core.schedule import Plan

__all__ = [
    "PlanInputs",
    "PolicyInForce",
    "build_factors",
    "build_patient",
    "parse_bsa",
    "parse_labs",
    "parse_sets",
    "parse_sex",
    "plan_from_inputs",
]

BSA_RANGE = (Decimal("0.1"), Decimal("5"))


class PolicyInForce(_Protocol):
    """What a calculation needs of a loaded site policy (load.policy.LoadedPolicy has it)."""

    @property
    def policy(self) -> SitePolicy: ...
    @property
    def sha256(self) -> str: ...
    @property
    def path(self) -> Path: ...


def parse_sets(items: list[str]) -> dict[str, str]:
    out: dict[str, str] = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key.strip() or not value.strip():
            raise InputError(f"--set {item!r}: write it as KEY=VALUE, e.g. --set donor=haploidentical", field="set")
        key = key.strip()
        if key in out and out[key] != value.strip():
            raise InputError(
                f"--set {key} is given twice ({out[key]!r} and {value.strip()!r}); give it once", field=key
            )
        out[key] = value.strip()
    return out


def parse_sex(text: str | None) -> Sex | None:
    if text is None:
        return None
    t = text.strip().upper()
    aliases = {"M": Sex.MALE, "MALE": Sex.MALE, "F": Sex.FEMALE, "FEMALE": Sex.FEMALE}
    if t not in aliases:
        raise InputError(f"sex {text!r} is not accepted; write M or F", field="sex", value=text)
    return aliases[t]


def parse_bsa(text: str | None) -> Decimal | None:
    """A measured BSA in m2: ``1.85`` (or ``1.85m2``); anything else says what would be right."""
    if text is None:
        return None
    number = text.strip()
    if number.lower().endswith(("m2", "m²")):
        number = number[:-2].strip()
    lo, hi = BSA_RANGE
    try:
        value = parse_decimal(number, "BSA")
    except InputError:
        raise InputError(
            f"BSA {text!r} is not a number; give a measured BSA in m2, e.g. --bsa 1.85", field="bsa", value=text
        ) from None
    if not lo < value <= hi:
        raise InputError(
            f"BSA {text!r} is implausible; a measured BSA is more than {lo} and at most {hi} m2, e.g. --bsa 1.85",
            field="bsa",
            value=text,
        )
    return value


def _bsa_formula(name: str) -> BSAFormula:
    try:
        return BSAFormula(name)
    except ValueError:  # the command line offers only these; a plan file may hold anything
        accepted = ", ".join(f.value for f in BSAFormula)
        raise InputError(f"BSA formula {name!r} is not known; write one of {accepted}", field="bsa_formula") from None


def build_patient(
    weight: str,
    height: str,
    sex: str | None = None,
    bsa_formula: str | None = None,
    bsa: str | None = None,
    *,
    protocol_formula: BSAFormula = BSAFormula.MOSTELLER,
    measured_on: str | None = None,
) -> Patient:
    """A Patient from what a person typed; each bad value raises InputError saying what would be right."""
    kg, _ = parse_weight(weight)
    cm, _ = parse_height(height)
    return Patient(
        weight_kg=kg,
        height_cm=cm,
        sex=parse_sex(sex),
        bsa_formula=_bsa_formula(bsa_formula) if bsa_formula else protocol_formula,
        measured_bsa_m2=parse_bsa(bsa),
        weight_entered=weight.strip(),
        height_entered=height.strip(),
        measured_on=_measured_on(measured_on),
    )


def _measured_on(text: str | None, today: dt.date | None = None) -> dt.date | None:
    if not text:
        return None
    day = parse_date(text, "measurement date")
    if day > (today or dt.date.today()):
        raise InputError(
            f"measurement date {text!r} is in the future; give the day weight and height were measured",
            field="measured_on",
            value=text,
        )
    return day


# --- patient factors (issue 16) -------------------------------------------------------------------

_OWN_OPTION = {
    Measure.AGE: "--birth-date YYYY-MM-DD",
    Measure.CREATININE: "--creatinine VALUE UNIT",
    Measure.EGFR: "--egfr VALUE",
    Measure.CREATININE_CLEARANCE: "--crcl VALUE",
}
_LAB_NAMES = ", ".join(m.value for m in Measure if m not in _OWN_OPTION)


def parse_labs(items: list[str]) -> dict[str, str]:
    """``--lab NAME=VALUE[/ULN]`` pairs as typed ({name: 'VALUE[/ULN]'}); the name is checked here, the value
    when the factors are built (so a plan file's values get the same messages)."""
    out: dict[str, str] = {}
    for item in items:
        name, sep, value = item.partition("=")
        name = name.strip().lower().replace("-", "_")
        if not sep or not name or not value.strip():
            raise InputError(
                f"--lab {item!r}: write it as NAME=VALUE or NAME=VALUE/ULN, e.g. --lab alt=40/50", field="lab"
            )
        _lab_measure(name)
        if name in out and out[name] != value.strip():
            raise InputError(
                f"--lab {name} is given twice ({out[name]!r} and {value.strip()!r}); give it once", field="lab"
            )
        out[name] = value.strip()
    return out


def _lab_measure(name: str) -> Measure:
    try:
        measure = Measure(name)
    except ValueError:
        raise InputError(f"--lab {name!r} is not a value schedplan knows; known: {_LAB_NAMES}", field="lab") from None
    if measure in _OWN_OPTION:
        raise InputError(f"--lab {name}: give {measure.label} with {_OWN_OPTION[measure]}", field="lab")
    return measure


def _non_negative(text: str, what: str, unit: str, example: str, *, positive: bool = False) -> Decimal:
    """A typed value that must be a number of at least 0 (more than 0 with ``positive``), one line if not."""
    value = parse_decimal(text, what)
    if value < 0 or (positive and value == 0):
        bound = "more than 0" if positive else "0 or more"
        raise InputError(
            f"{what} {text!r} is {'negative' if value < 0 else '0'}; it must be {bound} {unit}, e.g. {example}",
            field=what,
            value=text,
        )
    return value


def _lab_value(measure: Measure, text: str) -> LabValue:
    unit = measure.unit
    example = f"--lab {measure.value}=40/50" if measure.has_uln else f"--lab {measure.value}=95"
    raw, sep, uln_text = text.partition("/")
    if sep and not measure.has_uln:
        raise InputError(f"--lab {measure.value}={text}: {measure.label} has no upper limit of normal", field="lab")
    value = _non_negative(raw, measure.label, unit, example)
    uln = None
    if sep:
        uln = _non_negative(uln_text, f"{measure.label} upper limit of normal", unit, example, positive=True)
    hi = MEASURES[measure][2]
    if value > hi:
        raise InputError(f"{measure.label} {text!r} is implausible; at most {hi} {unit}", field="lab", value=text)
    if measure is Measure.ECOG and value != value.to_integral_value():
        raise InputError(f"ECOG {text!r} is not a whole number 0 to 5", field="lab", value=text)
    return LabValue(value=value, uln=uln, entered=f"{text} {unit}".strip())


def _estimate_value(text: str, measure: Measure, option: str, example: str) -> LabValue:
    value = _non_negative(text, measure.label, measure.unit, f"{option} {example}", positive=True)
    hi = MEASURES[measure][2]
    if value > hi:
        raise InputError(
            f"{measure.label} {text!r} is implausible; at most {hi} {measure.unit} (e.g. {option} {example})",
            field=option.lstrip("-"),
            value=text,
        )
    return LabValue(value=value, entered=f"{text.strip()} {measure.unit}")


def build_factors(inputs: PlanInputs, anchor: dt.date, today: dt.date | None = None) -> PatientFactors:
    """The patient factors in ``inputs`` (empty when none was given); each bad value is one InputError line."""
    from schedplan.core.renal import parse_creatinine

    birth = None
    if inputs.birth_date:
        birth = parse_date(inputs.birth_date, "birth date")
        if birth > anchor:
            raise InputError(
                f"birth date {inputs.birth_date!r} is after the anchor date {anchor.isoformat()}; give the patient's"
                " date of birth (YYYY-MM-DD), on or before the first treatment day",
                field="birth_date",
                value=inputs.birth_date,
            )
    values: dict[Measure, LabValue] = {}
    if inputs.creatinine_date and not inputs.creatinine:
        raise InputError("--creatinine-date is given without --creatinine VALUE UNIT", field="creatinine_date")
    if inputs.creatinine:
        on = None
        if inputs.creatinine_date:
            on = parse_date(inputs.creatinine_date, "creatinine date")
            if on > (today or dt.date.today()):
                raise InputError(
                    f"creatinine date {inputs.creatinine_date!r} is in the future; give the day it was measured",
                    field="creatinine_date",
                    value=inputs.creatinine_date,
                )
        if inputs.creatinine.strip().startswith("-"):
            raise InputError(
                f"creatinine {inputs.creatinine!r} is negative; give it with its unit, e.g. 1.1 mg/dL or 97 umol/L",
                field="creatinine",
                value=inputs.creatinine,
            )
        values[Measure.CREATININE] = LabValue.of_creatinine(parse_creatinine(inputs.creatinine), measured_on=on)
    if inputs.crcl:
        values[Measure.CREATININE_CLEARANCE] = _estimate_value(
            inputs.crcl, Measure.CREATININE_CLEARANCE, "--crcl", "65"
        )
    if inputs.egfr:
        values[Measure.EGFR] = _estimate_value(inputs.egfr, Measure.EGFR, "--egfr", "72")
    for name, text in inputs.labs.items():
        measure = _lab_measure(name)
        values[measure] = _lab_value(measure, text)
    return PatientFactors(birth_date=birth, values=values)


def plan_from_inputs(
    protocol: Protocol,
    inputs: PlanInputs,
    *,
    sha256: str | None = None,
    site: PolicyInForce | None = None,
    holidays: Callable[[dt.date], str | None] | None = None,
    today: dt.date | None = None,
) -> Plan:
    """The Plan of an already loaded protocol for ``inputs`` under an already loaded site policy (a
    LoadedPolicy, or None: the protocol's doses exactly).

    The application layer (schedplan.plans) and the terminal UI both calculate through here, so they give
    the same plan.
    """
    from schedplan.core.schedule import plan

    patient = build_patient(
        inputs.weight,
        inputs.height,
        inputs.sex,
        inputs.bsa_formula,
        inputs.bsa,
        protocol_formula=protocol.bsa_formula,
        measured_on=inputs.measured_on,
    )
    anchor = parse_date(inputs.anchor_date, "anchor date")
    factors = build_factors(inputs, anchor, today)
    return plan(
        protocol,
        patient,
        anchor,
        inputs.choices,
        sha256=sha256,
        policy=site.policy if site else None,
        policy_sha256=site.sha256 if site else None,
        holidays=holidays,
        today=today or dt.date.today(),
        overrides=inputs.overrides,
        factors=factors,
        policy_file=str(site.path) if site else None,
    )
