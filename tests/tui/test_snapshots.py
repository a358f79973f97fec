"""Named snapshots of the screens that matter, at 80x24 and at a large size (textual is pinned: 8.2.8).

Update after a deliberate change with: .venv/bin/python -m pytest tests/tui --snapshot-update
"""

from __future__ import annotations

from tests.tui.helpers import patient

LARGE = (140, 45)


async def _nk(pilot) -> None:
    app = pilot.app
    await patient(pilot)
    app.query_one("#f-choice-donor").value = "haploidentical"
    app.query_one("#f-choice-conditioning").value = "treosulfan"
    app.query_one("#f-choice-nk_dose_level").value = "1"
    app.query_one("#f-sex").value = "F"
    await pilot.pause()
    await pilot.press("escape")
    await pilot.pause()


def _then(*keys: str):
    async def run(pilot) -> None:
        await _nk(pilot)
        await pilot.press(*keys)
        await pilot.pause()

    return run


def test_picker_80x24(snap_compare, app_factory):
    assert snap_compare(app_factory(), terminal_size=(80, 24))


def test_empty_form_80x24(snap_compare, app_factory):
    assert snap_compare(app_factory("NCT07256210"), terminal_size=(80, 24))


def test_calendar_80x24(snap_compare, app_factory):
    assert snap_compare(app_factory("NCT07256210"), terminal_size=(80, 24), run_before=_then("1"))


def test_dose_check_80x24(snap_compare, app_factory):
    assert snap_compare(app_factory("NCT07256210"), terminal_size=(80, 24), run_before=_then("3", "down", "down"))


def test_bad_weight_80x24(snap_compare, app_factory):
    async def run(pilot) -> None:
        await _nk(pilot)
        pilot.app.query_one("#f-weight").value = "70 stone"
        pilot.app.query_one("#f-weight").focus()
        await pilot.pause()

    assert snap_compare(app_factory("NCT07256210"), terminal_size=(80, 24), run_before=run)


def test_calendar_large(snap_compare, app_factory):
    assert snap_compare(app_factory("NCT07256210"), terminal_size=LARGE, run_before=_then("1"))


def test_dose_check_large(snap_compare, app_factory):
    assert snap_compare(app_factory("NCT07256210"), terminal_size=LARGE, run_before=_then("3"))


def test_month_grid_large_light(snap_compare, app_factory):
    app = app_factory("NCT07256210", theme="textual-light")
    assert snap_compare(app, terminal_size=LARGE, run_before=_then("2"))


async def _obese_doses(pilot) -> None:
    """130 kg / 175 cm man under the ASTCT 2014 example policy, tocilizumab (capped) selected."""
    app = pilot.app
    await patient(pilot, weight="130")
    for fid, value in (
        ("sex", "M"),
        ("choice-donor", "haploidentical"),
        ("choice-conditioning", "busulfan"),
        ("choice-nk_dose_level", "1"),
    ):
        app.query_one(f"#f-{fid}").value = value
    await pilot.pause()
    await pilot.press("escape", "3")
    await pilot.pause()
    app.query_one("DoseCheck").select(next(e.key for e in app.plan.events if e.name == "tocilizumab"))
    await pilot.pause()


def test_dose_check_site_policy_80x24(snap_compare, app_factory):
    app = app_factory("NCT07256210", site="example-astct-2014")
    assert snap_compare(app, terminal_size=(80, 24), run_before=_obese_doses)


def test_dose_check_site_policy_large(snap_compare, app_factory):
    app = app_factory("NCT07256210", site="example-astct-2014")
    assert snap_compare(app, terminal_size=LARGE, run_before=_obese_doses)


def test_double_check_busulfan_80x24(snap_compare, app_factory, tmp_path):
    """The checker sees what busulfan is calculated from and the site's rule, not our dose."""

    async def run(pilot) -> None:
        await _obese_doses(pilot)
        await pilot.press("v")
        await pilot.pause()
        pilot.app.screen.query_one("#path-input").value = str(tmp_path / "p.json")
        await pilot.press("enter")
        await pilot.pause()
        screen = pilot.app.screen
        screen.query_one("#check-input").value = "A.B."
        await pilot.press("enter")
        for _ in range(5):  # fludarabine, thiotepa, cyclophosphamide, NK cells, fludarabine
            screen.query_one("#check-input").value = "1"
            await pilot.press("enter", "y")  # the answer, then: as on the order
        pilot.app.clear_notifications()  # the save's toast names a temporary folder
        await pilot.pause()

    app = app_factory("NCT07256210", site="example-astct-2014")
    assert snap_compare(app, terminal_size=(80, 24), run_before=run)
