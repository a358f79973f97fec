"""What people type, turned into core objects: PlanInputs (the one type of a plan's inputs), weight, height,
sex, BSA, --set choices, dates; and plan_from_inputs, the one path from PlanInputs to a calculated Plan.
Shared by the command line, the application layer and the terminal UI, so all refuse the same bad input with
the same message. Nothing here reads a file."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import TYPE_CHECKING
from typing import Protocol as _Protocol

from schedplan.core.dates import parse_date
from schedplan.core.patient import BSAFormula, Patient, Sex
from schedplan.core.plan_inputs import PlanInputs
from schedplan.core.units import parse_decimal, parse_height, parse_weight
from schedplan.errors import InputError

if TYPE_CHECKING:
    from schedplan.core.policy import SitePolicy
    from schedplan.core.protocol import Protocol
    from schedplan.core.schedule import Plan

__all__ = [
    "PlanInputs", "PolicyInForce", "build_patient", "parse_bsa", "parse_sets", "parse_sex", "plan_from_inputs",
]

BSA_RANGE = (Decimal("0.1"), Decimal("5"))


class PolicyInForce(_Protocol):
    """What a calculation needs of a loaded site policy (load.policy.LoadedPolicy has it)."""

    @property
    def policy(self) -> SitePolicy: ...
    @property
    def sha256(self) -> str: ...


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
    )
