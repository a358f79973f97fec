"""The picker's first frame (issue 8) imports only what the picker needs: the app's actions, dialogs and views
import the plan's modules (the schedule, checks, amendments, changes) when they are first used, not before
(checked in a fresh interpreter; the times are in bench/tui_bench.py, not here)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from typing import Any

# Modules the picker does not use: each was imported before its first frame when the app's mixins, dialogs and
# views imported them at module level.
NOT_FOR_THE_PICKER = (
    "schedplan.core.schedule",
    "schedplan.core.checks",
    "schedplan.core.amendments",
    "schedplan.core.changes",
    "schedplan.core.policy",
    "schedplan.words",
    "schedplan.tui.daylist",
    "schedplan.tui.amend_dialog",
)

# Starts the app as `schedplan` with no target does (headless, 80x24) and notes which modules are loaded when
# the first frame is written: the picker's (no frame is written while the app is mounting).
_CODE = """
import asyncio, json, sys
from schedplan.commands.tui import make_app
from schedplan.tui.widgets.picker import ProtocolPicker

async def main():
    app = make_app()
    seen = []
    display = app._display

    def first_frame(screen, renderable):
        if renderable is not None and not app._batch_count and not seen:
            seen.append((type(screen).__name__, sorted(m for m in sys.modules if m.startswith("schedplan"))))
        display(screen, renderable)

    app._display = first_frame
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        later = sorted(m for m in sys.modules if m.startswith("schedplan"))
    print(json.dumps({"screen": seen[0][0], "at_first_frame": seen[0][1], "later": later}))

asyncio.run(main())
"""


def _run(code: str, tmp_path) -> str:
    env = {**os.environ, "XDG_CONFIG_HOME": str(tmp_path / "config"), "HOME": str(tmp_path)}  # no site.yaml
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, env=env, cwd=tmp_path
    )
    assert out.returncode == 0, out.stderr
    return out.stdout.strip().splitlines()[-1]


def test_importing_the_app_does_not_import_the_plans_modules(tmp_path):
    loaded = set(
        json.loads(_run("import json, sys, schedplan.tui.app\nprint(json.dumps(sorted(sys.modules)))", tmp_path))
    )
    assert "schedplan.tui.app" in loaded and "textual.app" in loaded
    assert sorted(loaded.intersection(NOT_FOR_THE_PICKER)) == []


def _at_the_first_frame(tmp_path) -> dict[str, Any]:
    found: dict[str, Any] = json.loads(_run(_CODE, tmp_path))
    assert found["screen"] == "ProtocolPicker"
    # the modules are imported when used: the form and the views mounted under the picker calculate with them
    assert "schedplan.core.schedule" in found["later"]
    return found


def test_the_pickers_first_frame_does_not_import_the_checks_amendments_or_changes(tmp_path):
    loaded = set(_at_the_first_frame(tmp_path)["at_first_frame"])
    assert "schedplan.tui.app" in loaded and "schedplan.core.protocol" in loaded  # the app and the listed protocols
    assert sorted(loaded.intersection(NOT_FOR_THE_PICKER) - {"schedplan.core.schedule"}) == []


def test_the_pickers_first_frame_does_not_import_the_schedule(tmp_path):
    assert "schedplan.core.schedule" not in _at_the_first_frame(tmp_path)["at_first_frame"]
