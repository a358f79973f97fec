"""Printouts of a saved plan: the print options, what is printed (PrintSource), the PDF and HTML written."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from schedplan.core.saved import SavedPlan
from schedplan.errors import InputError, SchedplanError

if TYPE_CHECKING:
    from schedplan.core.checks import CheckRecord
    from schedplan.export.printout import CheckStatus, PrintOptions, PrintSource
    from schedplan.plans.checking import Current


def print_time(environ: Mapping[str, str] | None = None) -> dt.datetime:
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


def print_options(
    *,
    audience: str = "staff",
    locale: str | None = None,
    date_from: str | None = None,
    date_to: str | None = None,
    label: str | None = None,
    paper: str = "a4",
    printed_at: dt.datetime | None = None,
) -> PrintOptions:
    """The options of a printout from what the user typed (locale None: the environment's; printed_at None:
    print_time()). Raises InputError: an unknown locale, a date that is not one, --from after --to."""
    from schedplan.core.dates import parse_date
    from schedplan.export.printout import PrintOptions
    from schedplan.export.printout.i18n import environment_locale, parse_locale

    locale = locale if locale is not None else environment_locale()
    parse_locale(locale)
    return PrintOptions(
        audience=audience,  # type: ignore[arg-type]  # checked by PrintOptions
        locale=locale,
        printed_at=printed_at or print_time(),
        date_from=parse_date(date_from, "--from") if date_from is not None else None,
        date_to=parse_date(date_to, "--to") if date_to is not None else None,
        label=label,
        paper=paper,  # type: ignore[arg-type]  # checked by PrintOptions
    )


def _protocol_extras(saved: SavedPlan, plan_file: str, notes: list[str]) -> tuple[dict[str, str], tuple[str, ...]]:
    """The protocol's plain words for the patient (patient_text per event, patient_notes), if it can be read."""
    from schedplan.plans.sources import find_protocol

    try:
        loaded = find_protocol(saved.protocol_ref)
    except SchedplanError as exc:
        notes.append(f"protocol {saved.protocol_ref} cannot be read ({exc}); the handout uses the event names")
        return {}, ()
    if saved.protocol_sha256 and loaded.sha256 != saved.protocol_sha256:
        notes.append(
            f"protocol {saved.protocol_ref} changed since the plan was saved; this prints the saved schedule"
            f" (run `schedplan replan {plan_file}` to recalculate)"
        )
    texts = {e.id: e.patient_text for e in loaded.protocol.events if e.patient_text}
    return texts, tuple(loaded.protocol.patient_notes)


def _contacts(saved: SavedPlan, notes: list[str]) -> dict[str, Any] | None:
    """The contacts block of the site policy the plan was made with (none when it had none)."""
    from schedplan.plans.sources import load_site

    if saved.inputs.site is None:
        return None
    try:
        loaded = load_site(saved.inputs.site)
    except SchedplanError as exc:
        notes.append(f"site policy {saved.inputs.site} cannot be read ({exc}); no contacts printed")
        return None
    if loaded is None or loaded.policy.contacts is None:
        return None
    return loaded.policy.contacts.model_dump()


def _checks(saved: SavedPlan, now: Current | None) -> tuple[tuple[CheckStatus, ...], tuple[str, ...]]:
    """(each recorded double check, valid or void as `verify --status` says it - tampered, no longer valid, or
    void for the doses an amendment changed since; the doses of the course no valid check covers). Without
    ``now`` (the protocol could not be read) each check is judged against the hashes the plan file recorded."""
    from schedplan.core.checks import inputs_sha256, invalid_reasons
    from schedplan.core.units import dose_display
    from schedplan.plans.checking import check_statuses, unchecked

    if not saved.checks:
        return (), ()
    if now is None:
        reasons = [
            invalid_reasons(
                rec,
                protocol_sha256=saved.protocol_sha256,
                policy_sha256=saved.policy_sha256,
                inputs_sha256=inputs_sha256(saved.inputs),
            )
            for rec in saved.checks
        ]
        return tuple(_status(rec, tuple(r)) for rec, r in zip(saved.checks, reasons, strict=True)), ()
    _, statuses = check_statuses(saved, now)
    out = tuple(_status(st.record, _void(st.state)) for st in statuses)
    if not now.same:
        return out, ()
    open_doses = tuple(
        f"{d.name} {', '.join(d.days)}: {dose_display(d.value, d.unit)}"
        + (f" ({d.modification})" if d.modification else "")
        for d in unchecked(saved, now, statuses)
    )
    return out, open_doses


def _current(saved: SavedPlan, plan_file: str) -> Current | None:
    """The plan recalculated now (None when its protocol cannot be read: the saved schedule is still printed).
    Raises InputError when the saved schedule was edited by hand: a printout would show doses nobody calculated."""
    from schedplan.plans.checking import current, file_tampering

    try:
        now = current(saved)
    except SchedplanError:
        return None
    edited = [r for r in file_tampering(saved, now) if "saved schedule" in r]
    if edited:
        raise InputError(
            f"{plan_file}: TAMPERED - {edited[0]}; nothing was printed (a printout would show doses nobody"
            f" calculated) - `schedplan verify {plan_file} --status` says what, `schedplan replan` makes it again"
        )
    return now


def _void(state: str) -> tuple[str, ...]:
    """Why a check is void, from its `verify --status` state (the printout says VOID itself); () when valid."""
    if state.startswith("holds"):
        return (state.split("; VOID ", 1)[1],) if "; VOID " in state else ()
    return (state.removeprefix("NO LONGER VALID: "),)


def _status(rec: CheckRecord, void: tuple[str, ...]) -> CheckStatus:
    from schedplan.export.printout import CheckStatus

    return CheckStatus(at=rec.at, checker=rec.checker, result=rec.result, summary=rec.summary, void_reasons=void)


def course_schedule(
    saved: SavedPlan, plan_file: str, audience: str, now: Current | None = None
) -> tuple[dict[str, Any], tuple[str, ...]]:
    """(the schedule to print, the course's own warnings): the saved schedule, or - when the plan file has
    amendments - the course as it stands (moved, modified, held, given; plans.amending.show_data), each event
    with what the amendments did to it (``course_lines``, reasons and authors) for the staff only.
    Raises InputError when the amendments cannot be applied because the protocol changed since the plan was
    saved: printing the schedule without them would hide a hold or a change of dose."""
    if not saved.amendments:
        return saved.schedule, ()
    from schedplan.plans.amending import course_of, show_data

    try:
        course = course_of(saved, now=now)
    except InputError:
        raise InputError(
            f"{plan_file} has amendments, and its saved schedule no longer matches protocol {saved.protocol_ref}"
            f" as it is now, so they cannot be applied; run `schedplan replan {plan_file}` first (it keeps them)"
        ) from None
    data = show_data(course)
    if audience == "staff":
        for event, amended in zip(data["events"], course.amended.events, strict=True):
            event["course_lines"] = list(amended.course_lines)
    else:  # the patient's printout never carries a reason, an author or a dose, not even unused
        for key in ("amendments", "amendments_not_applying", "course_totals"):
            data.pop(key, None)
        for event in data["events"]:
            event["modification"] = None
            event["given"] = {"at": event["given"]["at"]} if event["given"] else None
    warnings = tuple(course.amended.warnings) + tuple(
        f"amendment {n} no longer applies: {why}" for n, why in course.amended.not_applying
    )
    return data, warnings if audience == "staff" else ()


def print_source(saved: SavedPlan, plan_file: str, audience: str, notes: list[str] | None = None) -> PrintSource:
    """What is printed of a saved plan: its schedule as the course stands (course_schedule), and for the
    patient the protocol's plain words and the site's contacts, for the staff the double checks (valid or void
    against the saved plan). What could not be read is left out and said in ``notes``."""
    from schedplan.export.printout import PrintSource

    said = notes if notes is not None else []
    now = _current(saved, plan_file)  # first: a schedule edited by hand is never printed
    schedule, course_warnings = course_schedule(saved, plan_file, audience, now)
    texts, patient_notes = _protocol_extras(saved, plan_file, said) if audience == "patient" else ({}, ())
    checks, open_doses = _checks(saved, now) if audience == "staff" else ((), ())
    return PrintSource(
        schedule=schedule,
        plan_id=saved.plan_id,
        measured_on=saved.inputs.measured_on,
        patient_texts=texts,
        patient_notes=patient_notes,
        contacts=_contacts(saved, said) if audience == "patient" else None,
        checks=checks,
        course_warnings=course_warnings,
        unchecked=open_doses,
    )


@dataclass(frozen=True)
class Printed:
    """What a print wrote (the paths, in the order written) and the notes to show (what was left out and why)."""

    written: tuple[str, ...]
    notes: tuple[str, ...]


def print_plan(plan_file: str, options: PrintOptions, *, pdf: str | None = None, html: str | None = None) -> Printed:
    """Print the saved plan to ``pdf`` and/or ``html``: both rendered before either is written, each written
    atomically. Raises SchedplanError (InputError, PlanFileError) with a one-line message, having written nothing.
    """
    from schedplan.export.printout import render_html, render_pdf
    from schedplan.load.files import check_writable, refuse_same_file, write_atomic
    from schedplan.load.planfile import open_plan

    if not pdf and not html:
        raise InputError("give --pdf FILE.pdf, --html FILE.html or both", field="pdf")
    for opt, name in (("--pdf", pdf), ("--html", html)):
        if name is not None and not str(name).strip():
            raise InputError(f"{opt} needs a file name", field=opt)
    if pdf and html and os.path.realpath(pdf) == os.path.realpath(html):
        raise InputError("--pdf and --html name the same file; give two files", field="html")
    refuse_same_file([("plan file", plan_file), ("PDF", pdf), ("HTML", html)])
    saved = open_plan(plan_file)
    for name in (pdf, html):
        if name:
            check_writable(name)
    notes: list[str] = []
    source = print_source(saved, plan_file, options.audience, notes)
    text = render_html(source, options)
    data = render_pdf(text) if pdf else None
    written = []
    if html:
        write_atomic(html, text.encode("utf-8"), new_mode=0o600)
        written.append(html)
    if pdf and data is not None:
        write_atomic(pdf, data, new_mode=0o600)
        written.append(pdf)
    return Printed(tuple(written), tuple(notes))
