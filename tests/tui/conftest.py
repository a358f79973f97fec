"""TUI test fixtures: a fixed clock, no cursor blink, and the app built by the CLI's own factory."""

from __future__ import annotations

import asyncio
import datetime as dt
import inspect

import pytest
from textual.widgets import Input

from schedplan.commands.tui import make_app

TODAY = dt.date(2027, 3, 10)


@pytest.hookimpl(tryfirst=True)
def pytest_pyfunc_call(pyfuncitem: pytest.Function) -> bool | None:
    """Run `async def` tests (Pilot flows) on a fresh event loop; no async plugin needed."""
    if not inspect.iscoroutinefunction(pyfuncitem.obj):
        return None
    names = pyfuncitem._fixtureinfo.argnames
    asyncio.run(pyfuncitem.obj(**{n: pyfuncitem.funcargs[n] for n in names}))
    return True


@pytest.fixture(autouse=True)
def fixed_clock(monkeypatch: pytest.MonkeyPatch) -> dt.date:
    """The app's 'today' (highlighted in the calendar) is always 2027-03-10."""
    monkeypatch.setattr("schedplan.tui.planning.today", lambda: TODAY)
    return TODAY


@pytest.fixture(autouse=True)
def no_cursor_blink(monkeypatch: pytest.MonkeyPatch) -> None:
    """A blinking cursor would make snapshots depend on timing."""
    original = Input.__init__

    def init(self, *args, **kwargs):
        original(self, *args, **kwargs)
        self.cursor_blink = False

    monkeypatch.setattr(Input, "__init__", init)


@pytest.fixture(autouse=True)
def no_site_config(tmp_path_factory, monkeypatch: pytest.MonkeyPatch) -> None:
    """No site.yaml from the machine's config folder: a test gives its policy with site=... or none."""
    missing = tmp_path_factory.mktemp("config") / "site.yaml"
    monkeypatch.setattr("schedplan.load.policy.config_policy_path", lambda: missing)


@pytest.fixture
def app_factory(tmp_path, monkeypatch):
    """make_app, run from an empty working directory (file dialogs suggest paths there)."""
    monkeypatch.chdir(tmp_path)
    return make_app
