"""What the app is handed by its factory: the protocols, the site policy and the edges it may use (text,
iCal, plan files, double-check records)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # annotations only: the picker, drawn first, needs none of these modules (issue 8)
    from schedplan.core.amendments import Amended
    from schedplan.core.checks import CheckRecord, CheckResult
    from schedplan.core.schedule import Plan
    from schedplan.core.sources import LoadedPolicy as Site  # the site policy in force
    from schedplan.tui.planning import FormValues, ProtocolEntry
    from schedplan.tui.printing import PrintedFiles, PrintRequest


@dataclass(frozen=True)
class OpenedPlan:
    """A plan file read back: the protocol it was made with and the form values that give it again."""

    entry: ProtocolEntry
    values: FormValues
    path: Path
    note: str | None = None
    site: Site | None = None  # the site policy its inputs name (None: none)


@dataclass(frozen=True)
class RecordedCheck:
    """A double check recorded in the plan file, and why it no longer holds for the plan on screen."""

    record: CheckRecord
    invalid: list[str]

    @property
    def holds(self) -> bool:
        return not self.invalid


@dataclass(frozen=True)
class AmendDone:
    """An amendment recorded in the plan file: a headline, what changed (one line each), warnings."""

    headline: str
    changed: list[str]
    warnings: list[str] = field(default_factory=list)


@dataclass
class Services:
    """The app's connections to the world outside the core; each is None when not available.

    ``unavailable`` says why, so an action can tell the person instead of failing.
    """

    protocols: list[ProtocolEntry]
    render_text: Callable[[Plan], str]
    load_protocol: Callable[[str], ProtocolEntry] | None = None
    site: Site | None = None  # None: no site policy, the protocol's doses exactly
    # Each of these writes a file and returns a sentence saying what it did.
    export_ics: Callable[[Plan, FormValues, ProtocolEntry, Path], str] | None = None
    save_plan: Callable[[Plan, FormValues, ProtocolEntry, Path], str] | None = None
    open_plan: Callable[[Path], OpenedPlan] | None = None
    plan_path: Callable[[], Path | None] = lambda: None  # the plan file in use, if any
    # The double check: whether the plan file in use holds exactly this plan and these inputs; append a
    # check to it (checker, results) and say so; the checks it records, each with why it no longer holds.
    file_holds: Callable[[Plan, FormValues], bool] = lambda plan, values: False
    record_check: Callable[[Plan, FormValues, str, list[CheckResult]], str] | None = None
    recorded_checks: Callable[[Plan, FormValues], list[RecordedCheck]] = lambda plan, values: []
    # Print and publish the plan file in use (its path given): print it as asked; where it was last published
    # ("URL (calendar)"; None: never, so Publish is not set up); publish it there (password or None) and say
    # what was done in one sentence.
    print_plan: Callable[[str, PrintRequest], PrintedFiles] | None = None
    publication: Callable[[str], str | None] = lambda path: None
    publish: Callable[[str, str | None], str] | None = None
    # Amendments (issue 12): the plan on screen with the amendments of the plan file in use applied (None: the
    # file has none, or there is no file); record one in the plan file in use - the fields of an AmendRequest
    # (schedplan.plans.amending) as typed - raising InputError (with its field) and writing nothing when it does
    # not fit.
    course: Callable[[Plan, FormValues], Amended | None] = lambda plan, values: None
    amend: Callable[[dict[str, Any]], AmendDone] | None = None
    unavailable: dict[str, str] = field(default_factory=dict)
