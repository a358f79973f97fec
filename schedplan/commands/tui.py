"""`schedplan tui [PLAN_OR_PROTOCOL]` (and `schedplan` alone): the terminal UI, and make_app, its one factory."""

from __future__ import annotations

import argparse
import datetime as dt
import importlib
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # textual is imported only when the UI really runs
    from schedplan.tui.app import SchedplanApp
    from schedplan.tui.planning import ProtocolEntry
    from schedplan.tui.services import Services, Site


def add_parser(sub: argparse._SubParsersAction) -> None:
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


def _entry(loaded) -> ProtocolEntry:
    from schedplan.tui.planning import ProtocolEntry

    return ProtocolEntry(
        protocol=loaded.protocol,
        sha256=loaded.sha256,
        source="shipped" if loaded.path.parent.resolve() == _shipped_dir() else str(loaded.path),
        path=loaded.path,
    )


def _shipped_dir() -> Path:
    from schedplan.load.protocols import shipped_dir

    return shipped_dir().resolve()


def load_site(ref: str | None, *, config_default: bool = False) -> Site | None:
    """The site policy named by ``ref`` (--site, or a plan file's inputs.site), as schedplan.inputs.load_site
    finds it (with ``config_default``, for a new session, None means the config folder's site.yaml if there
    is one; for a plan file None means none); None when there is no policy."""
    from schedplan.inputs import site_ref
    from schedplan.inputs import load_site as find
    from schedplan.tui.services import Site

    loaded, holidays = find(ref, config_default=config_default)
    if loaded is None:
        return None
    return Site(policy=loaded.policy, sha256=loaded.sha256, path=loaded.path, ref=site_ref(ref), holidays=holidays)


def build_services(site: str | None = None) -> Services:
    """Connect the app to the protocols, the site policy, the text export, the iCal export and plan files."""
    from schedplan.export.text import render
    from schedplan.load.protocols import find_protocol, shipped_protocols
    from schedplan.tui.services import Services

    services = Services(
        protocols=[_entry(lp) for lp in shipped_protocols()],
        render_text=render,
        load_protocol=lambda name: _entry(find_protocol(name)),
        site=load_site(site, config_default=True),
    )
    _connect_files(services)
    return services


class PlanFiles:
    """The plan file in use (opened or saved in this session), so exports keep their calendar identities.

    Exporting a plan that has a file writes the file too (inputs, schedule and the exported items), as
    `schedplan export` does; without a file an export is a one-off calendar.
    """

    def __init__(self, services: Services) -> None:
        self.services = services
        self.saved = None  # load.planfile.SavedPlan: the plan file's, or (path None) the exported plan's
        self.path: Path | None = None

    def inputs(self, values):
        """The PlanInputs of the form's values under the site policy in force."""
        from schedplan.load.planfile import PlanInputs
        from schedplan.tui.planning import typed

        site = self.services.site
        t = typed(values, site.ref if site else None)
        return PlanInputs(
            weight=t.weight, height=t.height, anchor_date=t.anchor_date, sex=t.sex, bsa_formula=t.bsa_formula,
            bsa=t.bsa, choices=t.choices, site=t.site, measured_on=t.measured_on,
        )

    def _document(self, plan, values, entry):
        from schedplan.load.planfile import new_saved_plan, with_plan

        inputs = self.inputs(values)
        if self.saved is not None and self.saved.protocol_id == plan.protocol.id:
            return with_plan(self.saved, plan, inputs)
        ref = plan.protocol.id if entry.source == "shipped" else str(entry.path or entry.source)
        return new_saved_plan(plan, protocol_ref=ref, inputs=inputs)

    def save(self, plan, values, entry, path: Path) -> str:
        from schedplan.load.planfile import save_plan

        doc = self._document(plan, values, entry)
        save_plan(path, doc)
        self.saved, self.path = doc, path
        return f"Saved the plan to {path}"

    def export(self, plan, values, entry, path: Path) -> str:
        from schedplan.commands.export import build_options
        from schedplan.export.ics import build_ics
        from schedplan.load.planfile import save_plan, write_atomic

        # The plan id is fixed at the first export or save: an export before saving and every later export share
        # their UIDs, and a re-export after a change raises SEQUENCE, exactly as `schedplan export` does.
        doc = self._document(plan, values, entry)
        option_values = dict(doc.export_options or {})
        option_values = {k: option_values.get(k, d) for k, d in
                         (("tz", None), ("time", None), ("day_labels", False), ("alarm", None),
                          ("audience", "staff"), ("label", None))}
        options = build_options(option_values)
        result = build_ics(plan, plan_id=doc.plan_id, options=options, items=doc.items)
        write_atomic(path, result.data, new_mode=0o600)
        n = sum(1 for i in result.items if not i.cancelled)
        doc = doc.updated(items=result.items, export_options=option_values)
        self.saved = doc
        if self.path is not None:
            save_plan(self.path, doc)
            return f"Exported {n} calendar events to {path}; plan file {self.path.name} updated"
        return f"Exported {n} calendar events to {path} (save the plan to keep its calendar identity)"

    def open(self, path: Path):
        from schedplan.commands.export import same_schedule
        from schedplan.load.planfile import open_plan
        from schedplan.tui.planning import FormValues, compute
        from schedplan.tui.services import OpenedPlan

        saved = open_plan(path)
        assert self.services.load_protocol is not None
        entry = self.services.load_protocol(saved.protocol_ref)
        i = saved.inputs
        weight, wunit = _split_unit(i.weight, ("kg", "lbs", "lb"), "kg")
        height, hunit = _split_unit(i.height, ("cm", "in"), "cm")
        values = FormValues(
            weight=weight, weight_unit=wunit, height=height, height_unit=hunit,
            sex=i.sex.strip().upper()[:1] if i.sex else None, bsa_formula=i.bsa_formula, measured_bsa=i.bsa or "",
            anchor_date=i.anchor_date, choices=dict(i.choices), measured_on=i.measured_on or "",
        )
        site = load_site(i.site)
        note = None
        outcome = compute(entry, values, site=site)
        if outcome.plan is None:
            note = "its inputs no longer give a plan: see the marked fields"
        elif not same_schedule(saved.schedule, outcome.plan):
            note = "the protocol or site policy has changed since it was saved: check the schedule, then save (ctrl+s)"
        self.saved, self.path = saved, path
        return OpenedPlan(entry=entry, values=values, path=path, note=note, site=site)

    # --- double checks, recorded in the plan file exactly as `schedplan verify` records them ---------------

    def file_holds(self, plan, values) -> bool:
        """Whether the plan file in use is this plan, from these inputs (what a check is recorded against)."""
        from schedplan.commands.export import same_schedule
        from schedplan.core.checks import inputs_sha256

        saved = self.saved
        return (
            saved is not None
            and self.path is not None
            and saved.protocol_id == plan.protocol.id
            and same_schedule(saved.schedule, plan)
            and inputs_sha256(saved.inputs) == inputs_sha256(self.inputs(values))
        )

    def record_check(self, plan, values, checker: str, results) -> str:
        """Append the check to the plan file as it is on disk now (append-only, as verify does)."""
        import datetime as dt

        from schedplan.core.checks import check_record, inputs_sha256
        from schedplan.errors import PlanFileError
        from schedplan.load.planfile import open_plan, save_plan

        if not self.file_holds(plan, values):
            raise PlanFileError("the plan on screen is not the saved one; save it, then check again", path=str(self.path))
        assert self.path is not None
        on_disk = open_plan(self.path)
        if inputs_sha256(on_disk.inputs) != inputs_sha256(self.inputs(values)):
            raise PlanFileError(f"{self.path} was changed since it was opened or saved here; open it again", path=str(self.path))
        site = self.services.site
        record = check_record(
            checker,
            results,
            tolerance_percent=site.policy.check_tolerance_percent if site else Decimal(0),
            protocol_sha256=plan.protocol.sha256,
            policy_sha256=site.sha256 if site else None,
            inputs_sha256=inputs_sha256(on_disk.inputs),
            at=dt.datetime.now(dt.timezone.utc),
        )
        doc = on_disk.updated(checks=(*on_disk.checks, record))
        save_plan(self.path, doc)
        self.saved = doc
        verdict = "PASS" if record["result"] == "pass" else "FAIL"
        return f"{verdict}: {record['summary']}. Recorded in {self.path} (check {len(doc.checks)})."

    def recorded_checks(self, plan, values):
        """The checks in the plan file in use, each with why it no longer holds for this plan and these inputs."""
        from schedplan.core.checks import inputs_sha256, invalid_reasons
        from schedplan.tui.services import RecordedCheck

        if self.saved is None or self.saved.protocol_id != plan.protocol.id:
            return []
        site = self.services.site
        now = inputs_sha256(self.inputs(values))
        return [
            RecordedCheck(
                record=rec,
                invalid=invalid_reasons(
                    rec, protocol_sha256=plan.protocol.sha256, policy_sha256=site.sha256 if site else None, inputs_sha256=now
                ),
            )
            for rec in self.saved.checks
        ]


def _split_unit(text: str, units: tuple[str, ...], default: str) -> tuple[str, str]:
    t = text.strip()
    for u in units:
        if t.lower().endswith(u):
            return t[: -len(u)].strip(), "lb" if u == "lbs" else u
    return t, default


def _connect_files(services: Services) -> None:
    try:
        importlib.import_module("schedplan.export.ics").build_ics  # noqa: B018
        importlib.import_module("schedplan.load.planfile").save_plan  # noqa: B018
    except (ImportError, AttributeError) as exc:
        why = f"the iCal export or plan-file module is missing ({exc})"
        services.unavailable.update(export=why, planfile=why)
        return
    files = PlanFiles(services)
    services.export_ics = files.export
    services.save_plan = files.save
    services.open_plan = files.open
    services.plan_path = lambda: files.path
    services.file_holds = files.file_holds
    services.record_check = files.record_check
    services.recorded_checks = files.recorded_checks


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
    if target:
        suffix = Path(target).suffix.lower()
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
            entry, values = opened.entry, opened.values
            services.site = opened.site
    return SchedplanApp(services, entry=entry, values=values, today=today, theme=theme)


def run(args: argparse.Namespace) -> int:
    import os
    import sys

    from schedplan.tui.terminal import no_terminal_reason

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
