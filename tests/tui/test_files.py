"""Export iCal, save and open a plan file, from the app's keys and dialogs."""

from __future__ import annotations

import subprocess
import sys

from icalendar import Calendar

from schedplan.tui.dialogs import PathDialog
from tests.tui.helpers import choose, patient


async def fill_nk(pilot) -> None:
    await patient(pilot)
    await choose(pilot, "choice-donor", "haploidentical")
    await choose(pilot, "choice-conditioning", "treosulfan")
    await choose(pilot, "choice-nk_dose_level", "1")


async def answer(pilot, path) -> None:
    """Type a path into the open file dialog and press Enter."""
    assert isinstance(pilot.app.screen, PathDialog)
    pilot.app.screen.query_one("#path-input").value = str(path)
    await pilot.press("enter")
    await pilot.pause()


async def test_export_writes_an_ics_that_parses(app_factory, tmp_path):
    app = app_factory("NCT07256210")
    async with app.run_test(size=(100, 40)) as pilot:
        await fill_nk(pilot)
        await pilot.press("escape", "e")
        await pilot.pause()
        await answer(pilot, tmp_path / "nk.ics")
    cal = Calendar.from_ical((tmp_path / "nk.ics").read_bytes())
    summaries = [str(ev.get("SUMMARY")) for ev in cal.walk("VEVENT")]
    assert len(summaries) == len(app.plan.events)
    assert any("fludarabine" in s.lower() for s in summaries)


async def test_export_refuses_a_stale_plan(app_factory, tmp_path):
    app = app_factory("NCT07256210")
    async with app.run_test(size=(100, 40)) as pilot:
        await fill_nk(pilot)
        app.query_one("#f-weight").value = "heavy"
        await pilot.pause()
        await pilot.press("escape", "e")
        await pilot.pause()
        assert not isinstance(app.screen, PathDialog)
        assert not list(tmp_path.glob("*.ics"))


async def test_save_then_open_restores_the_form(app_factory, tmp_path):
    app = app_factory("NCT07256210")
    async with app.run_test(size=(100, 40)) as pilot:
        await fill_nk(pilot)
        await pilot.press("ctrl+s")
        await pilot.pause()
        await answer(pilot, tmp_path / "nk.json")
        first = app.plan
    assert (tmp_path / "nk.json").is_file()

    again = app_factory(str(tmp_path / "nk.json"))
    async with again.run_test(size=(100, 40)) as pilot:
        await pilot.pause()
        assert again.plan is not None
        assert again.plan.events == first.events
        assert again.query_one("#f-weight").value == "70"
        # exporting a plan that has a file keeps the file's calendar identity up to date
        assert again.focused is again.query_one("#calendar")  # a plan file opens on its calendar: `e` is export
        await pilot.press("e")
        await pilot.pause()
        await answer(pilot, tmp_path / "nk.ics")
    assert (tmp_path / "nk.ics").is_file()
    assert '"items"' in (tmp_path / "nk.json").read_text()


async def test_open_a_broken_plan_file_says_why(app_factory, tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    app = app_factory("NCT07256210")
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.press("ctrl+o")
        await pilot.pause()
        await answer(pilot, bad)
        assert app.is_running and app.entry.protocol.id == "NCT07256210"


def test_plan_json_does_not_import_textual():
    code = (
        "import sys\n"
        "from schedplan.cli import main\n"
        "rc = main(['plan', 'NCT06885476', '--weight', '70kg', '--height', '175cm', '--anchor-date', '2027-04-01', '--format', 'json'])\n"
        "sys.stderr.write(f'rc={rc} textual={\"textual\" in sys.modules}')\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stderr.strip().endswith("rc=0 textual=False")


def test_tui_package_reaches_the_edges_only_through_its_factory():
    code = (
        "import sys\n"
        "import schedplan.tui.app\n"
        "print(sorted(m for m in sys.modules if m.startswith(('schedplan.load', 'schedplan.export', 'icalendar', 'ruamel'))))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_no_arguments_opens_the_tui(monkeypatch):
    from schedplan import cli
    from schedplan.commands import tui

    seen = {}
    monkeypatch.setattr(tui, "run", lambda args: seen.setdefault("target", args.target) or 0)
    parser = cli.build_parser()
    args = parser.parse_args([parser.default_command])
    assert args.command == "tui"
    assert cli.main([]) == 0 and "target" in seen


def _uids(path) -> dict[str, int]:
    cal = Calendar.from_ical(path.read_bytes())
    return {str(ev["UID"]): int(ev.get("SEQUENCE", 0)) for ev in cal.walk("VEVENT")}


async def test_export_before_save_and_after_save_share_uids_and_a_move_raises_sequence(app_factory, tmp_path):
    """An export made before the first save had other UIDs than every later export, so a patient's calendar app
    kept the old and the new dates; a re-export after a move kept SEQUENCE:0."""
    app = app_factory("NCT07256210")
    async with app.run_test(size=(100, 40)) as pilot:
        await fill_nk(pilot)
        await pilot.press("escape", "e")
        await pilot.pause()
        await answer(pilot, tmp_path / "before.ics")
        await pilot.press("ctrl+s")
        await pilot.pause()
        await answer(pilot, tmp_path / "nk.json")
        await pilot.press("e")
        await pilot.pause()
        await answer(pilot, tmp_path / "after.ics")
        app.query_one("#f-anchor").value = "2027-03-18"
        await pilot.pause()
        app.query_one("#calendar").focus()
        await pilot.press("e")
        await pilot.pause()
        await answer(pilot, tmp_path / "moved.ics")
    before, after, moved = (_uids(tmp_path / n) for n in ("before.ics", "after.ics", "moved.ics"))
    assert before.keys() == after.keys() == moved.keys()
    assert set(before.values()) == {0} and set(after.values()) == {0}  # nothing changed between them
    assert set(moved.values()) == {1}  # every date moved by 3 days: each item updated once
