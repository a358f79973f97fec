"""What people type, turned into core objects: weight, height, sex, BSA, --set choices, dates; the one path
from a plan's inputs (load.planfile.PlanInputs) to a calculated Plan. Shared by the command line and the
terminal UI, so both refuse the same bad input with the same message."""

from __future__ import annotations

from decimal import Decimal

from schedplan.core.dates import parse_date
from schedplan.core.patient import BSAFormula, Patient, Sex
from schedplan.core.units import parse_decimal, parse_height, parse_weight
from schedplan.errors import InputError

BSA_RANGE = (Decimal("0.1"), Decimal("5"))


def load_site(site: str | None, *, config_default: bool = False):
    """(LoadedPolicy or None, holiday lookup or None) for a site policy reference.

    None means no policy - except with ``config_default``, for a new plan, where None means the config
    folder's site.yaml if there is one. A saved plan records the policy it was made with (None: none),
    so recalculating it never picks up a policy that appeared on the machine later.
    """
    from schedplan.load.policy import find_policy, holiday_lookup

    loaded = find_policy(site) if site is not None or config_default else None
    return loaded, holiday_lookup(loaded.policy if loaded else None)


def site_ref(site: str | None) -> str | None:
    """The policy of a new plan as its inputs keep it: a file by its absolute path; without --site, the
    config folder's site.yaml if there is one (by its path), else None (no policy)."""
    from pathlib import Path

    from schedplan.load.policy import config_policy_path
    from schedplan.load.protocols import is_file_reference

    if site is None:
        default = config_policy_path()
        return str(default) if default.is_file() else None
    path = Path(site).expanduser()
    return str(path.resolve()) if is_file_reference(site) and path.is_file() else site  # NAME: shipped only


def parse_sets(items: list[str]) -> dict[str, str]:
    out: dict[str, str] = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key.strip() or not value.strip():
            raise InputError(f"--set {item!r}: write it as KEY=VALUE, e.g. --set donor=haploidentical", field="set")
        key = key.strip()
        if key in out and out[key] != value.strip():
            raise InputError(f"--set {key} is given twice ({out[key]!r} and {value.strip()!r}); give it once", field=key)
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
        bsa_formula=BSAFormula(bsa_formula) if bsa_formula else protocol_formula,
        measured_bsa_m2=parse_bsa(bsa),
        weight_entered=weight.strip(),
        height_entered=height.strip(),
        measured_on=_measured_on(measured_on),
    )


def _measured_on(text: str | None, today=None):
    if not text:
        return None
    import pendulum

    day = parse_date(text, "measurement date")
    if day > (today or pendulum.today().date()):
        raise InputError(
            f"measurement date {text!r} is in the future; give the day weight and height were measured",
            field="measured_on",
            value=text,
        )
    return day


def calculate_plan(protocol_ref: str, inputs, *, today=None):
    """(Plan, LoadedProtocol, LoadedPolicy or None) from a protocol reference and a load.planfile.PlanInputs.

    The one path from what a person typed to a plan, shared by plan, replan, export and verify.
    """
    from schedplan.load.protocols import find_protocol

    loaded = find_protocol(protocol_ref)
    site, holidays = load_site(inputs.site)
    result = plan_from_inputs(loaded.protocol, inputs, sha256=loaded.sha256, site=site, holidays=holidays, today=today)
    return result, loaded, site


def plan_from_inputs(protocol, inputs, *, sha256=None, site=None, holidays=None, today=None):
    """The Plan of an already loaded protocol for ``inputs`` (a PlanInputs, or anything with its fields)
    under an already loaded site policy (a LoadedPolicy, or None: the protocol's doses exactly).

    calculate_plan and the terminal UI both calculate through here, so they give the same plan.
    """
    import pendulum

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
        today=today or pendulum.today().date(),
    )
