"""The options several commands share (patient, site policy, choices, calendar) and the values they give."""

from __future__ import annotations

import argparse
from typing import Any


def add_patient_options(p: argparse.ArgumentParser, *, required: bool = True) -> None:
    from schedplan.core.patient import BSAFormula

    g = p.add_argument_group("patient")
    g.add_argument("--weight", required=required, help="actual body weight with its unit: 62kg or 136.7lb")
    g.add_argument("--height", required=required, help="height with its unit: 168cm or 66.1in")
    g.add_argument("--sex", help="M or F (for the ideal and adjusted body weight)")
    g.add_argument(
        "--bsa-formula",
        choices=[f.value for f in BSAFormula],
        help="BSA formula (default: the protocol's, else mosteller)",
    )
    g.add_argument("--bsa", help="a measured BSA in m2 (e.g. 1.85); replaces the formula")


def add_patient_factor_options(p: argparse.ArgumentParser) -> None:
    """Age, renal function and other measured values (issue 16); all optional."""
    g = p.add_argument_group("patient factors (age, renal function, laboratory values)")
    g.add_argument("--birth-date", metavar="YYYY-MM-DD", help="date of birth: age is counted on each dose date")
    g.add_argument(
        "--creatinine", nargs="+", metavar="VALUE UNIT",
        help="serum creatinine with its unit: 1.1 mg/dL or 97 umol/L",
    )
    g.add_argument("--creatinine-date", metavar="YYYY-MM-DD", help="when the creatinine was measured")
    g.add_argument("--crcl", metavar="ML_MIN", help="a measured creatinine clearance, mL/min")
    g.add_argument("--egfr", metavar="VALUE", help="an eGFR, mL/min/1.73 m2")
    g.add_argument(
        "--lab", dest="lab", action="append", default=[], metavar="NAME=VALUE[/ULN]",
        help="another measured value in its usual unit, with the upper limit of normal where it has one"
        " (repeatable): --lab alt=40/50, --lab bilirubin=0.8/1.2, --lab oxygen_saturation=96, --lab ecog=1",
    )


def factor_values(args: argparse.Namespace) -> dict[str, Any]:
    """The patient-factor options given (None: not given), as PlanInputs fields."""
    from schedplan.inputs import parse_labs

    creatinine = getattr(args, "creatinine", None)
    return {
        "birth_date": _stripped(getattr(args, "birth_date", None)),
        "creatinine": " ".join(creatinine).strip() if creatinine else None,
        "creatinine_date": _stripped(getattr(args, "creatinine_date", None)),
        "crcl": _stripped(getattr(args, "crcl", None)),
        "egfr": _stripped(getattr(args, "egfr", None)),
        "labs": parse_labs(getattr(args, "lab", None) or []),
    }


def _stripped(text: str | None) -> str | None:
    return text.strip() if text else None


def add_site_options(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("site policy")
    g.add_argument(
        "--site",
        metavar="FILE",
        help="the site's dosing policy (YAML); default: site.yaml in the config folder, if there is one."
        " `--site example-astct-2014` is the shipped example",
    )
    g.add_argument(
        "--measured-on",
        metavar="YYYY-MM-DD",
        help="when weight and height were measured for the site policy's measurement-age check (default: not given)",
    )


def add_override_options(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("limits")
    g.add_argument(
        "--override",
        dest="override",
        action="append",
        default=[],
        metavar="CODE",
        help="pass a limit that stops the plan (its code is in the message, e.g. dose-limit:tocilizumab);"
        " each needs a --reason, and both are recorded with the dose",
    )
    g.add_argument(
        "--reason", dest="reason", action="append", default=[], metavar="TEXT", help="why, for each --override"
    )


def parse_overrides(codes: list[str], reasons: list[str]) -> dict[str, str]:
    """{code: reason} from ``--override CODE --reason TEXT`` pairs, in the order given."""
    from schedplan.errors import InputError

    if len(codes) != len(reasons):
        raise InputError(
            f"{len(codes)} --override and {len(reasons)} --reason given: give one --reason TEXT after each"
            " --override CODE, e.g. --override dose-limit:tocilizumab --reason 'per haematologist, 2027-03-10'",
            field="override",
        )
    out: dict[str, str] = {}
    for code, reason in zip(codes, reasons, strict=True):
        if not code.strip() or not reason.strip():
            raise InputError("--override and --reason must not be empty: say which limit and why", field="override")
        out[code.strip()] = reason.strip()
    return out


def add_choice_options(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--set",
        dest="set_",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="a choice or parameter the protocol declares (repeatable), e.g. --set donor=haploidentical",
    )


def add_ics_options(p: argparse.ArgumentParser) -> None:
    """The calendar options shared by `plan --format ics` and `export` (default None: not given)."""
    g = p.add_argument_group("calendar (.ics)")
    g.add_argument(
        "--time", help="time of day of each administration, HH:MM (e.g. 08:00); without it, events are all-day"
    )
    g.add_argument("--tz", help="IANA time zone of timed events, e.g. Europe/Rome (default: this machine's zone)")
    g.add_argument(
        "--day-labels",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="also one all-day item per day: 'Day -14' ... or 'C1 D8'",
    )
    g.add_argument("--alarm", help="a reminder before each event: 30m, 2h, 1d")
    g.add_argument(
        "--audience",
        choices=["staff", "patient"],
        default=None,
        help="staff (default): everything; patient: no doses or calculations",
    )
    g.add_argument("--label", help="a label for the calendar name (e.g. initials); nothing about the patient otherwise")


ICS_OPTIONS = ("tz", "time", "day_labels", "alarm", "audience", "label")


def ics_values(args: argparse.Namespace) -> dict[str, Any]:
    """The calendar options given on the command line (None: not given)."""
    return {name: getattr(args, name, None) for name in ICS_OPTIONS}


def inputs_of(args: argparse.Namespace) -> Any:
    """The PlanInputs of a new plan from the options given (the --set pairs checked, the site referenced)."""
    from schedplan.inputs import PlanInputs, parse_sets
    from schedplan.plans.sources import site_ref

    return PlanInputs(
        weight=args.weight,
        height=args.height,
        anchor_date=args.anchor_date.strip(),
        sex=args.sex,
        bsa_formula=args.bsa_formula,
        bsa=args.bsa,
        choices=parse_sets(args.set_),
        site=site_ref(args.site),
        measured_on=args.measured_on.strip() if args.measured_on else None,
        overrides=parse_overrides(args.override, args.reason),
        **factor_values(args),
    )
