"""What the app is handed by its factory: the protocols and the edges it may use (text, iCal, plan files)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from schedplan.core.schedule import Plan
from schedplan.tui.planning import FormValues, ProtocolEntry


@dataclass(frozen=True)
class OpenedPlan:
    """A plan file read back: the protocol it was made with and the form values that give it again."""

    entry: ProtocolEntry
    values: FormValues
    path: Path
    note: str | None = None


@dataclass
class Services:
    """The app's connections to the world outside the core; each is None when not available.

    ``*_unavailable`` says why, so an action can tell the person instead of failing.
    """

    protocols: list[ProtocolEntry]
    render_text: Callable[[Plan], str]
    load_protocol: Callable[[str], ProtocolEntry] | None = None
    # Each of these writes a file and returns a sentence saying what it did.
    export_ics: Callable[[Plan, FormValues, ProtocolEntry, Path], str] | None = None
    save_plan: Callable[[Plan, FormValues, ProtocolEntry, Path], str] | None = None
    open_plan: Callable[[Path], OpenedPlan] | None = None
    plan_path: Callable[[], Path | None] = lambda: None  # the plan file in use, if any
    unavailable: dict[str, str] = field(default_factory=dict)
