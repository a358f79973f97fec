"""`schedplan tui [PLAN_OR_PROTOCOL]` (and `schedplan` alone): the terminal UI, and make_app, its one factory."""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # textual is imported only when the UI really runs
    from schedplan.core.amendments import Amended
    from schedplan.core.plan_inputs import PlanInputs
    from schedplan.core.saved import SavedPlan
    from schedplan.core.schedule import Plan
    from schedplan.plans.session import PlanSession
    from schedplan.tui.app import SchedplanApp
    from schedplan.tui.planning import FormValues
    from schedplan.tui.printing import PrintedFiles, PrintRequest
    from schedplan.tui.services import AmendDone, OpenedPlan, RecordedCheck, Services


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "tui",
        help="the terminal UI (the default when no command is given)",
        description="Plan a patient, read the calendar, check every dose, export - in the terminal.",
    )
    p.add_argument(
        "target",
        nargs="?",
        metavar="PLAN_OR_PROTOCOL",
        help="a shipped protocol id, a protocol .yaml, or a saved plan file to open",
    )
    p.add_argument(
        "--site",
        metavar="FILE",
        help="the site's dosing policy (YAML) every plan is calculated under; default: site.yaml in the config"
        " folder, if there is one; a plan file opened uses the policy it names. `--site example-astct-2014` is"
        " the shipped example",
    )
    p.add_argument("--light", action="store_true", help="start with the light theme")
    p.set_defaults(run=run)


def build_services(site: str | None = None) -> Services:
    """Connect the app to the protocols, the site policy, the text export, and plan files and calendars
    through the application layer (schedplan.plans)."""
    from schedplan.plans.sources import find_protocol, load_site, shipped_protocols
    from schedplan.tui.services import Services

    def render_text(plan: Plan) -> str:
        from schedplan.plans.making import table_text

        return table_text(plan)

    # Only what the first screen (the protocol picker) needs is imported here; each edge below imports its part
    # of the application layer when it is first used (issue 8: the UI's first paint).
    services = Services(
        protocols=shipped_protocols(),
        render_text=render_text,
        load_protocol=find_protocol,
        site=load_site(site, config_default=True),
    )
    session = _Session()
    _connect_files(services, session)
    _connect_amendments(services, session)
    _connect_print_publish(services)
    return services


class _Session:
    """The UI's PlanSession (schedplan.plans.session), made - and its modules imported - when a plan file is first
    opened, saved or exported; until then there is no plan file (path and saved are None)."""

    def __init__(self) -> None:
        self._made: PlanSession | None = None

    def __call__(self) -> PlanSession:
        if self._made is None:
            from schedplan.plans.session import PlanSession

            self._made = PlanSession()
        return self._made

    @property
    def path(self) -> Path | None:
        return self._made.path if self._made is not None else None

    @property
    def saved(self) -> SavedPlan | None:
        return self._made.saved if self._made is not None else None


def _split_unit(text: str, units: tuple[str, ...], default: str) -> tuple[str, str]:
    """``70kg`` -> (``70``, ``kg``): only where the form gives the same text back (number + unit); anything else
    (``70 kg``, ``70KG``) stays whole in the field, its typed unit moving the selector, and is saved as typed."""
    import re

    t = text.strip()
    for u in units:
        number = t[: -len(u)]
        if u != "lbs" and t.endswith(u) and re.fullmatch(r"[0-9]+(\.[0-9]+)?", number):
            return number, u
    lowered = t.lower()
    for u in units:
        if lowered.endswith(u):
            return t, "lb" if u == "lbs" else u
    return t, default


def _split_creatinine(text: str | None) -> tuple[str, str | None]:
    """``97 umol/L`` -> (``97``, ``umol/L``) when the form gives the same text back; else the text whole (its
    typed unit moves the selector)."""
    import re

    from schedplan.tui.entry import typed_creatinine_unit
    from schedplan.tui.planning import CREATININE_UNITS

    if not text:
        return "", None
    m = re.fullmatch(r"(\S+) (\S+)", text)
    if m is not None and m.group(2) in CREATININE_UNITS and not re.search(r"[^0-9.,+-]", m.group(1)):
        return m.group(1), m.group(2)
    return text, typed_creatinine_unit(text)


def form_values(inputs: PlanInputs) -> FormValues:
    """The form values that give a plan file's PlanInputs again (typed(form_values(i), i.site) == i)."""
    from schedplan.tui.planning import FormValues, labs_text

    i = inputs
    weight, wunit = _split_unit(i.weight, ("kg", "lbs", "lb"), "kg")
    height, hunit = _split_unit(i.height, ("cm", "in"), "cm")
    creatinine, cunit = _split_creatinine(i.creatinine)
    return FormValues(
        weight=weight,
        weight_unit=wunit,
        height=height,
        height_unit=hunit,
        sex=i.sex,  # as the file has it ("M", "male"): the form selects M or F and saves the file's spelling
        bsa_formula=i.bsa_formula,
        measured_bsa=i.bsa or "",
        anchor_date=i.anchor_date,
        choices=dict(i.choices),
        measured_on=i.measured_on or "",
        birth_date=i.birth_date or "",
        creatinine=creatinine,
        creatinine_unit=cunit,
        creatinine_date=i.creatinine_date or "",
        crcl=i.crcl or "",
        egfr=i.egfr or "",
        labs=labs_text(i.labs),
        overrides=dict(i.overrides),
    )


def _connect_files(services: Services, session: _Session) -> None:
    """Wire the UI's file actions to the application layer's PlanSession (form values -> PlanInputs here)."""

    def inputs(values: FormValues) -> PlanInputs:
        from schedplan.tui.planning import typed

        site = services.site
        return typed(values, site.ref if site else None)

    def open_plan(path: Path) -> OpenedPlan:
        from schedplan.plans.checking import same_schedule
        from schedplan.tui.planning import compute
        from schedplan.tui.services import OpenedPlan

        opened = session().open(path)
        values = form_values(opened.saved.inputs)
        note = None
        outcome = compute(opened.protocol, values, site=opened.site)
        if outcome.stop is not None:
            note = f"its inputs now stop at a limit ({outcome.stop.code}): see Limits in the form"
        elif outcome.plan is None:
            note = "its inputs no longer give a plan: see the marked fields"
        elif not same_schedule(opened.saved.schedule, outcome.plan):
            note = "the protocol or site policy has changed since it was saved: check the schedule, then save (ctrl+s)"
        return OpenedPlan(entry=opened.protocol, values=values, path=path, note=note, site=opened.site)

    def record_check(plan: Any, values: FormValues, checker: str, results: Any) -> str:
        record = session().record_check(plan, inputs(values), services.site, checker, results)
        verdict = "PASS" if record.result == "pass" else "FAIL"
        n = len(session.saved.checks) if session.saved else 1
        return f"{verdict}: {record.summary}. Recorded in {session.path} (check {n})."

    def recorded_checks(plan: Plan, values: FormValues) -> list[RecordedCheck]:
        from schedplan.tui.services import RecordedCheck

        if session.saved is None:  # no plan file in use, so none recorded (as PlanSession says)
            return []
        return [
            RecordedCheck(record=rec, invalid=why)
            for rec, why in session().recorded_checks(plan, inputs(values), services.site)
        ]

    services.export_ics = lambda plan, values, entry, path: session().export(plan, inputs(values), entry, path)
    services.save_plan = lambda plan, values, entry, path: session().save(plan, inputs(values), entry, path)
    services.open_plan = open_plan
    services.plan_path = lambda: session.path
    services.file_holds = lambda plan, values: session().file_holds(plan, inputs(values))
    services.record_check = record_check
    services.recorded_checks = recorded_checks


def _connect_amendments(services: Services, session: _Session) -> None:
    """Wire the UI's amendments to the application layer (schedplan.plans.amending) on the plan file in use."""

    def course(plan: Any, values: FormValues) -> Amended | None:
        saved = session.saved
        if saved is None or session.path is None or not saved.amendments or saved.protocol_id != plan.protocol.id:
            return None
        from schedplan.plans.amending import applied
        from schedplan.plans.sources import find_protocol
        from schedplan.tui.planning import typed

        site = services.site
        levels = any(a.params.dose_level is not None for a in saved.amendments)
        if not levels:  # the file's amendments applied to the plan on screen, as replan applies them
            return applied(plan, site, saved, saved.amendments)
        # a dose level's doses are calculated from the form's inputs (the plan on screen), at that level
        mine = saved.updated(inputs=typed(values, site.ref if site else None))
        return applied(plan, site, mine, saved.amendments, find_protocol(saved.protocol_ref).protocol)

    def record(fields: dict[str, Any]) -> AmendDone:
        from schedplan.errors import PlanFileError
        from schedplan.plans.amending import AmendRequest, amend, what_changed
        from schedplan.plans.checking import open_plan as read_plan
        from schedplan.tui.services import AmendDone

        path, saved = session.path, session.saved
        if path is None or saved is None:
            raise PlanFileError("an amendment is recorded in the plan file: save the plan first")
        done = amend(str(path), AmendRequest(**fields))
        # the session keeps the amendments the file now holds (its other parts as read here)
        session().saved = saved.updated(amendments=read_plan(str(path)).amendments)
        a = done.amendment
        what = f" (undoes amendment {a.params.undo})" if a.kind == "undo" else ""
        headline = f"Amendment {a.number}: {a.kind}{what}, by {a.by}" + (f": {a.reason}" if a.reason else "")
        return AmendDone(headline, what_changed(done) or ["  no administration changed"], list(done.warnings))

    services.course = course
    services.amend = record


def _connect_print_publish(services: Services) -> None:
    """Wire the UI's Print and Publish to the application layer (schedplan.plans.printing / publishing)."""

    def printed(path: str, request: PrintRequest) -> PrintedFiles:
        from schedplan.plans.printing import print_options, print_plan
        from schedplan.tui.printing import PrintedFiles

        options = print_options(audience=request.audience, label=request.label, paper=request.paper)
        done = print_plan(path, options, pdf=request.pdf, html=request.html)
        return PrintedFiles(written=done.written, notes=done.notes)

    def publication(path: str) -> str | None:
        from schedplan.plans.checking import open_plan as read_plan

        pubs = read_plan(path).publications
        if not pubs:
            return None
        return "; ".join(p.url + (f" ({p.calendar})" if p.calendar else "") for p in pubs)

    def published(path: str, password: str | None) -> str:
        from schedplan.plans.publishing import prepare, publish

        outcome = publish(prepare(path, {}), password)
        done = {k: sum(1 for a in outcome.done if a.kind == k) for k in ("create", "update", "cancel")}
        line = (
            f"Published to {outcome.calendar_url}: {done['create']} created, {done['update']} updated,"
            f" {done['cancel']} cancelled, {len(outcome.unchanged)} unchanged"
            + (f", {len(outcome.found)} found already there" if outcome.found else "")
        )
        if outcome.conflicts:
            line += (
                f"; {len(outcome.conflicts)} changed in the calendar since were NOT overwritten"
                f" (`schedplan publish {path} --overwrite-changes` after checking them)"
            )
        if outcome.error is not None:
            line += f"; STOPPED: {outcome.error} ({len(outcome.not_published)} not published; publish again)"
        return line

    services.print_plan = printed
    services.publication = publication
    services.publish = published


def make_app(
    target: str | None = None,
    *,
    services: Services | None = None,
    site: str | None = None,
    today: dt.date | None = None,
    theme: str = "textual-dark",
) -> SchedplanApp:
    """The app, with its protocols, site policy and edges; `target` is a protocol id, a protocol .yaml, or a
    plan file (whose inputs name its site policy, which is then the one in force)."""
    from schedplan.tui.app import SchedplanApp

    services = services or build_services(site)
    entry = values = None
    note: str | None = None
    if target:
        suffix = Path(target).suffix.lower()
        if suffix == ".json" and not Path(target).exists():
            from schedplan.errors import PlanFileError

            raise PlanFileError(f"no such plan file: {target} (a plan saved with `schedplan plan ... --save`)")
        if suffix in (".yaml", ".yml") or not Path(target).is_file():
            assert services.load_protocol is not None
            entry = services.load_protocol(target)
            if entry not in services.protocols:
                services.protocols.append(entry)
        else:
            if services.open_plan is None:
                from schedplan.errors import PlanFileError

                raise PlanFileError(
                    f"cannot open {target}: {services.unavailable.get('planfile', 'plan files are unavailable')}",
                    path=target,
                )
            opened = services.open_plan(Path(target))
            entry, values, note = opened.entry, opened.values, opened.note
            services.site = opened.site
    return SchedplanApp(services, entry=entry, values=values, today=today, theme=theme, opened_note=note)


def run(args: argparse.Namespace) -> int:
    import os
    import sys
    from pathlib import Path

    from schedplan.errors import PlanFileError
    from schedplan.tui.terminal import no_terminal_reason

    target = getattr(args, "target", None)
    if target and Path(target).suffix.lower() == ".json" and not Path(target).exists():
        # said first, with or without a terminal: the file named is what is wrong
        raise PlanFileError(f"no such plan file: {target} (a plan saved with `schedplan plan ... --save`)")
    refused = no_terminal_reason(sys.stdin, sys.stdout, os.environ, getattr(args, "target", None))
    if refused is not None:  # cron, CI, a pipe, TERM=dumb: never start a UI nobody can see or leave
        print(f"schedplan: {refused}", file=sys.stderr)
        return 2
    app = make_app(
        getattr(args, "target", None),
        site=getattr(args, "site", None),
        theme="textual-light" if getattr(args, "light", False) else "textual-dark",
    )
    app.run()
    return 0
