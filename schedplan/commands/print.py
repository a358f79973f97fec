"""`schedplan print PLAN.json --pdf FILE.pdf --html FILE.html`: printable calendars from a saved plan."""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
from typing import Any

from schedplan.errors import InputError, SchedplanError


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "print",
        help="print a saved plan: a patient handout or a staff schedule, as PDF and/or HTML",
        description="Print a saved plan (from `plan --save`). --audience patient: a cover, one month grid per"
        " page and a day-by-day list, in plain words with no doses; --audience staff (default): every"
        " administration with its dose, calculation and rules, a given/time/initials column, totals, the double"
        " check and signature lines. The same plan, options and print time give the same bytes"
        " (SOURCE_DATE_EPOCH sets the print time).",
    )
    p.add_argument("plan_file", metavar="PLAN.json", help="a plan saved with `schedplan plan ... --save PLAN.json`")
    p.add_argument("--pdf", metavar="FILE.pdf", help="write the PDF here")
    p.add_argument("--html", metavar="FILE.html", help="write the HTML (self-contained) here")
    p.add_argument("--audience", choices=["staff", "patient"], default="staff", help="staff (default) or patient")
    p.add_argument(
        "--locale", help="dates and words in this locale: en_GB, en_US, it_IT ... (default: the environment's)"
    )
    p.add_argument("--from", dest="date_from", metavar="YYYY-MM-DD", help="from this date (default: the first event)")
    p.add_argument("--to", dest="date_to", metavar="YYYY-MM-DD", help="to this date (default: the last event)")
    p.add_argument("--label", help="a label on every page (e.g. initials); nothing about the patient otherwise")
    p.add_argument("--paper", choices=["a4", "letter"], default="a4", help="paper size (default a4)")
    p.set_defaults(run=run)


def print_time(environ: dict[str, str] | None = None) -> dt.datetime:
    """The print time: SOURCE_DATE_EPOCH (seconds, UTC) when set, else now in this machine's zone."""
    env = os.environ if environ is None else environ
    raw = env.get("SOURCE_DATE_EPOCH")
    if raw is None or raw.strip() == "":
        return dt.datetime.now().astimezone().replace(microsecond=0)
    try:
        return dt.datetime.fromtimestamp(int(raw.strip()), tz=dt.UTC)
    except (ValueError, OverflowError, OSError):
        raise InputError(
            f"SOURCE_DATE_EPOCH={raw!r} is not a time; give whole seconds since 1970-01-01 UTC, e.g. 1800000000",
            field="SOURCE_DATE_EPOCH",
        ) from None


def _protocol_extras(saved: Any, plan_file: str) -> tuple[dict[str, str], tuple[str, ...]]:
    """The protocol's plain words for the patient (patient_text per event, patient_notes), if it can be read."""
    from schedplan.load.protocols import find_protocol

    try:
        loaded = find_protocol(saved.protocol_ref)
    except SchedplanError as exc:
        print(f"schedplan: note: protocol {saved.protocol_ref} cannot be read ({exc}); the handout uses the"
              " event names", file=sys.stderr)
        return {}, ()
    if saved.protocol_sha256 and loaded.sha256 != saved.protocol_sha256:
        print(f"schedplan: note: protocol {saved.protocol_ref} changed since the plan was saved; this prints the"
              f" saved schedule (run `schedplan replan {plan_file}` to recalculate)", file=sys.stderr)
    texts = {e.id: e.patient_text for e in loaded.protocol.events if e.patient_text}
    return texts, tuple(loaded.protocol.patient_notes)


def _contacts(saved: Any) -> dict[str, Any] | None:
    """The contacts block of the site policy the plan was made with (none when it had none)."""
    if saved.inputs.site is None:
        return None
    from schedplan.load.policy import find_policy

    try:
        loaded = find_policy(saved.inputs.site)
    except SchedplanError as exc:
        print(f"schedplan: note: site policy {saved.inputs.site} cannot be read ({exc}); no contacts printed",
              file=sys.stderr)
        return None
    if loaded is None or loaded.policy.contacts is None:
        return None
    contacts: dict[str, Any] = loaded.policy.contacts.model_dump()
    return contacts


def _checks(saved: Any) -> tuple[Any, ...]:
    """Each recorded double check, valid or void against the saved plan being printed."""
    from schedplan.core.checks import inputs_sha256, invalid_reasons
    from schedplan.export.printout import CheckStatus

    out = []
    for rec in saved.checks:
        reasons = invalid_reasons(
            rec, protocol_sha256=saved.protocol_sha256, policy_sha256=saved.policy_sha256,
            inputs_sha256=inputs_sha256(saved.inputs),
        )
        out.append(CheckStatus(
            at=str(rec.get("at", "")), checker=str(rec.get("checker", "")), result=str(rec.get("result", "")),
            summary=str(rec.get("summary", "")), void_reasons=tuple(reasons),
        ))
    return tuple(out)


def print_source(saved: Any, plan_file: str, audience: str) -> Any:
    """The PrintSource of a SavedPlan: its schedule, and for the patient the protocol's plain words and the
    site's contacts, for the staff the double checks (valid or void against the saved plan)."""
    from schedplan.export.printout import PrintSource

    texts, notes = _protocol_extras(saved, plan_file) if audience == "patient" else ({}, ())
    return PrintSource(
        schedule=saved.schedule, plan_id=saved.plan_id, measured_on=saved.inputs.measured_on,
        patient_texts=texts, patient_notes=notes,
        contacts=_contacts(saved) if audience == "patient" else None,
        checks=_checks(saved) if audience == "staff" else (),
    )


def write_printout(source: Any, options: Any, *, pdf: str | None, html: str | None) -> list[str]:
    """Render and write the HTML and/or PDF atomically (both rendered before either is written); the paths
    written. Raises SchedplanError (InputError, PlanFileError) with a one-line message."""
    from schedplan.export.printout import render_html, render_pdf
    from schedplan.load.planfile import write_atomic

    text = render_html(source, options)
    data = render_pdf(text) if pdf else None
    written = []
    if html:
        write_atomic(html, text.encode("utf-8"), new_mode=0o600)
        written.append(html)
    if pdf and data is not None:
        write_atomic(pdf, data, new_mode=0o600)
        written.append(pdf)
    return written


def run(args: argparse.Namespace) -> int:
    from schedplan.core.dates import parse_date
    from schedplan.export.printout import PrintOptions
    from schedplan.export.printout.i18n import environment_locale, parse_locale
    from schedplan.load.planfile import check_writable, open_plan

    if not args.pdf and not args.html:
        raise InputError("give --pdf FILE.pdf, --html FILE.html or both", field="pdf")
    for opt, name in (("--pdf", args.pdf), ("--html", args.html)):
        if name is not None and not str(name).strip():
            raise InputError(f"{opt} needs a file name", field=opt)
    if args.pdf and args.html and os.path.realpath(args.pdf) == os.path.realpath(args.html):
        raise InputError("--pdf and --html name the same file; give two files", field="html")
    locale = args.locale if args.locale is not None else environment_locale()
    parse_locale(locale)
    date_from = parse_date(args.date_from, "--from") if args.date_from is not None else None
    date_to = parse_date(args.date_to, "--to") if args.date_to is not None else None
    options = PrintOptions(
        audience=args.audience, locale=locale, printed_at=print_time(), date_from=date_from, date_to=date_to,
        label=args.label, paper=args.paper,
    )
    saved = open_plan(args.plan_file)
    for name in (args.pdf, args.html):
        if name:
            check_writable(name)
    source = print_source(saved, args.plan_file, options.audience)
    for written in write_printout(source, options, pdf=args.pdf, html=args.html):
        print(f"wrote {written}", file=sys.stderr)
    return 0
