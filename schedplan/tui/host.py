"""AppHost: SchedplanApp as its action mixins see it, a base for type checking only (``object`` at run time)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from abc import abstractmethod
    from collections.abc import Callable

    from textual.app import App

    from schedplan.core.amendments import Amended
    from schedplan.core.schedule import Plan
    from schedplan.tui.changes import ChangeLog
    from schedplan.tui.planning import FormValues, Outcome, ProtocolEntry
    from schedplan.tui.services import Services

    class AppHost(App[None]):
        """What a mixin of SchedplanApp may use: everything of textual's App, and the app's own state and steps
        declared here. SchedplanApp must provide each abstract one (mypy refuses to build it otherwise); a
        mixin that needs more of the app declares it here, not with an untyped ``self``."""

        services: Services
        entry: ProtocolEntry | None  # the protocol chosen (None: none yet)
        plan: Plan | None  # the plan on screen (kept while the form is not usable: then it is STALE)
        outcome: Outcome | None  # the form's last calculation: the plan, or the reason per field
        changes: ChangeLog

        @property
        @abstractmethod
        def modified(self) -> bool:
            """Whether the form differs from the plan file as last saved or opened (or was never saved)."""

        @abstractmethod
        def mark_saved(self) -> None:
            """The form is what the plan file now holds."""

        @abstractmethod
        def _status(self) -> None:
            """Redraw the status line above the views."""

        @abstractmethod
        def refresh_checks(self) -> None:
            """Redraw the site policy and the recorded double checks on the dose check."""

        @abstractmethod
        def unless_unsaved(self, what: str, go: Callable[[], object]) -> None:
            """Do ``go`` now, or - with changes not saved - after the person says so."""

        _clean: FormValues | None  # the form as last saved or opened (None: never saved)

        @abstractmethod
        def _need_plan(self, what: str) -> Plan | None:
            """The plan on screen when it may be used (a message and None when not)."""

        @abstractmethod
        def _show(self, plan: Plan | None) -> None:
            """Redraw the views for this plan."""

        @abstractmethod
        def action_save(self, then: Callable[[], object] | None = None, title: str = "Save the plan file") -> None:
            """Ask where, then save; ``then()`` runs after a save that worked."""

        @abstractmethod
        def course(self) -> Amended | None:
            """The plan file's amendments applied to the plan on screen (None: no file or no amendments)."""

        @abstractmethod
        async def use(self, entry: ProtocolEntry, values: FormValues, *, from_file: bool = False) -> None:
            """Switch to a protocol with these form values."""

else:
    AppHost = object  # a mixin is a plain class at run time; SchedplanApp brings App
