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
    bsa = g.add_mutually_exclusive_group()  # a measured BSA replaces the formula: never both, silently
    bsa.add_argument(
        "--bsa-formula",
        choices=[f.value for f in BSAFormula],
        help="BSA formula (default: the protocol's, else mosteller)",
    )
    bsa.add_argument("--bsa", help="a measured BSA in m2 (e.g. 1.85); replaces the formula (not with --bsa-formula)")


def add_patient_factor_options(p: argparse.ArgumentParser) -> None:
    """Age, renal function and other measured values (issue 16); all optional."""
    g = p.add_argument_group("patient factors (age, renal function, laboratory values)")
    g.add_argument("--birth-date", metavar="YYYY-MM-DD", help="date of birth: age is counted on each dose date")
    g.add_argument(
        "--creatinine",
        nargs="+",
        metavar="VALUE UNIT",
        help="serum creatinine with its unit: 1.1 mg/dL or 97 umol/L",
    )
    g.add_argument("--creatinine-date", metavar="YYYY-MM-DD", help="when the creatinine was measured")
    g.add_argument("--crcl", metavar="ML_MIN", help="a measured creatinine clearance, mL/min")
    g.add_argument("--egfr", metavar="VALUE", help="an eGFR, mL/min/1.73 m2")
    g.add_argument(
        "--lab",
        dest="lab",
        action="append",
        default=[],
        metavar="NAME=VALUE[/ULN]",
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


CLEAR = "none"  # `--label none`, `--alarm none`, `--time none`, `--tz none`, `--day-labels none`: back to the default


def _day_labels(text: str) -> bool:
    if text.strip().lower() == CLEAR:
        return False
    raise argparse.ArgumentTypeError(f"{text!r}: write --day-labels alone, or --day-labels none to leave them out")


def add_ics_options(p: argparse.ArgumentParser) -> None:
    """The calendar options shared by `plan --format ics` and `export` (not given: absent from ics_values)."""
    g = p.add_argument_group(
        "calendar (.ics)",
        "An export to a calendar file it wrote before reuses that file's options (each one reused is named);"
        " `none` clears one back to its default.",
    )
    g.add_argument(
        "--time",
        metavar="HH:MM",
        help="time of day of each administration, e.g. 08:00 (default, or none: all-day events)",
    )
    g.add_argument(
        "--tz",
        metavar="ZONE",
        help="IANA time zone of timed events, e.g. Europe/Rome (default, or none: this machine's)",
    )
    g.add_argument(
        "--day-labels",
        nargs="?",
        const=True,
        default=None,
        type=_day_labels,
        metavar="none",
        help="also one all-day item per day: 'Day -14' ... or 'C1 D8' (--day-labels none: leave them out)",
    )
    g.add_argument(
        "--no-day-labels", dest="day_labels", action="store_const", const=False, help="the same as --day-labels none"
    )
    g.add_argument("--alarm", metavar="BEFORE", help="a reminder before each event: 30m, 2h, 1d (none: no reminder)")
    g.add_argument(
        "--audience",
        choices=["staff", "patient"],
        default=None,
        help="staff (default): everything; patient: no doses or calculations",
    )
    g.add_argument(
        "--label",
        help="a label for the calendar name (e.g. initials; none: no label); nothing about the patient otherwise",
    )


ICS_OPTIONS = ("tz", "time", "day_labels", "alarm", "audience", "label")


def ics_values(args: argparse.Namespace) -> dict[str, Any]:
    """The calendar options given on the command line, by name; one given as ``none`` maps to None (its
    default). Options not given are absent."""
    out: dict[str, Any] = {}
    for name in ICS_OPTIONS:
        value = getattr(args, name, None)
        if value is None:
            continue
        out[name] = None if isinstance(value, str) and value.strip().lower() == CLEAR else value
    return out


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


def past_anchor_warning(plan: Any, today: Any = None) -> str | None:
    """One line for stderr when the plan's day 0 (or cycle 1 day 1) is before ``today`` (default: today)."""
    import datetime as dt

    today = today or dt.date.today()
    if plan.anchor_date >= today:
        return None
    what = "cycle 1 day 1" if plan.anchor_type == "cycles" else "day 0"
    days = (today - plan.anchor_date).days
    return (
        f"schedplan: warning: {what} ({plan.anchor_date.isoformat()}) is in the past ({days} day"
        f"{'s' if days != 1 else ''} before today, {today.isoformat()}); check the date"
    )


def _warning_rows(saved: Any) -> list[tuple[str, str, str | None]]:
    """(code, message, event id) of each warning of a saved plan."""
    rows = saved.schedule.get("warnings") or []
    return [
        (str(w.get("code")), str(w.get("message")), str(w["event_id"]) if w.get("event_id") else None)
        for w in rows
        if isinstance(w, dict)
    ]


def new_warnings(before: Any, after: Any) -> list[tuple[str, str]]:
    """(code, message) of the warnings of the plan ``after`` a change that ``before`` did not have: a text
    not there before - unless it is about an event that has no more warnings of its code than before (the
    same warning, its date moved with day 0). Never fewer than the warnings that were added."""
    from collections import Counter

    old, now = _warning_rows(before), _warning_rows(after)
    old_texts = {(code, message) for code, message, _ in old}
    old_count = Counter((code, event) for code, _, event in old if event)
    now_count = Counter((code, event) for code, _, event in now if event)
    return [
        (code, message)
        for code, message, event in now
        if (code, message) not in old_texts and not (event and now_count[(code, event)] <= old_count[(code, event)])
    ]


def new_warnings_text(before: Any, after: Any) -> str:
    """The new warnings (new_warnings) of a changed plan, each marked NEW, as the table of `plan` prints
    warnings; "" when there is none. For every command that changes a plan (replan, amend): a change never
    adds a warning without showing it."""
    from schedplan.core.text import printable

    new = new_warnings(before, after)
    if not new:
        return ""
    kept = len(_warning_rows(after)) - len(new)
    head = f"WARNINGS: {len(new)} new since the last version"
    head += f" ({kept} still standing, not repeated here)" if kept else ""
    lines = ["", head, *(f"  ! NEW [{code}] {message}" for code, message in new)]
    return printable("\n".join(lines) + "\n")
