"""`schedplan tui [PLAN_OR_PROTOCOL]` (and `schedplan` alone): the terminal UI, and make_app, its one factory."""

from __future__ import annotations

import argparse
import datetime as dt
import importlib
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # textual is imported only when the UI really runs
    from schedplan.tui.app import SchedplanApp
    from schedplan.tui.planning import ProtocolEntry
    from schedplan.tui.services import Services


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


def build_services() -> Services:
    """Connect the app to the protocols, the text export, the iCal export and plan files (where they exist)."""
    from schedplan.export.text import render
    from schedplan.load.protocols import find_protocol, shipped_protocols
    from schedplan.tui.services import Services

    services = Services(
        protocols=[_entry(lp) for lp in shipped_protocols()],
        render_text=render,
        load_protocol=lambda name: _entry(find_protocol(name)),
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
        self.saved = None  # load.planfile.SavedPlan
        self.path: Path | None = None

    @staticmethod
    def inputs(values):
        from schedplan.load.planfile import PlanInputs
        from schedplan.tui.planning import with_unit

        return PlanInputs(
            weight=with_unit(values.weight, values.weight_unit),
            height=with_unit(values.height, values.height_unit),
            anchor_date=values.anchor_date.strip(),
            sex=values.sex,
            bsa_formula=values.bsa_formula,
            bsa=values.measured_bsa.strip() or None,
            choices=dict(values.choices),
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

        with_file = self.path is not None and self.saved is not None and self.saved.protocol_id == plan.protocol.id
        doc = self._document(plan, values, entry) if with_file else None
        option_values = dict((doc.export_options if doc else None) or {})
        option_values = {k: option_values.get(k, d) for k, d in
                         (("tz", None), ("time", None), ("day_labels", False), ("alarm", None),
                          ("audience", "staff"), ("label", None))}
        options = build_options(option_values)
        result = build_ics(plan, plan_id=doc.plan_id if doc else None, options=options, items=doc.items if doc else None)
        write_atomic(path, result.data, new_mode=0o600)
        n = sum(1 for i in result.items if not i.cancelled)
        if doc is not None and self.path is not None:
            doc = doc.updated(items=result.items, export_options=option_values)
            save_plan(self.path, doc)
            self.saved = doc
            return f"Exported {n} calendar events to {path}; plan file {self.path.name} updated"
        return f"Exported {n} calendar events to {path}"

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
            sex=i.sex, bsa_formula=i.bsa_formula, measured_bsa=i.bsa or "",
            anchor_date=i.anchor_date, choices=dict(i.choices),
        )
        note = None
        outcome = compute(entry, values)
        if outcome.plan is None:
            note = "its inputs no longer give a plan: see the marked fields"
        elif not same_schedule(saved.schedule, outcome.plan):
            note = "the protocol has changed since it was saved: check the schedule, then save (ctrl+s)"
        self.saved, self.path = saved, path
        return OpenedPlan(entry=entry, values=values, path=path, note=note)


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


def make_app(
    target: str | None = None,
    *,
    services: Services | None = None,
    today: dt.date | None = None,
    theme: str = "textual-dark",
) -> SchedplanApp:
    """The app, with its protocols and edges; `target` is a protocol id, a protocol .yaml, or a plan file."""
    from schedplan.tui.app import SchedplanApp

    services = services or build_services()
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
    return SchedplanApp(services, entry=entry, values=values, today=today, theme=theme)


def run(args: argparse.Namespace) -> int:
    app = make_app(getattr(args, "target", None), theme="textual-light" if getattr(args, "light", False) else "textual-dark")
    app.run()
    return 0
