"""Keys never edit what the user did not focus on purpose; a plan is calculated only from complete values."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from textual.widgets import Input, TabbedContent

from schedplan.cli import main
from schedplan.tui.dialogs import ConfirmDialog, HelpScreen
from schedplan.tui.widgets.form import PatientForm
from schedplan.tui.widgets.picker import ProtocolPicker
from tests.tui.helpers import choose, patient, text_of, type_into

NK = ["NCT07256210", "--set", "donor=haploidentical", "--set", "conditioning=treosulfan", "--set", "nk_dose_level=1"]


def saved_nk_plan(tmp_path, capsys) -> str:
    """A plan file made on the command line: 70 kg, 175 cm, day 0 2027-03-15, no measured BSA."""
    path = tmp_path / "nk.json"
    patient = ["--weight", "70kg", "--height", "175cm", "--anchor-date", "2027-03-15"]
    rc = main(["plan", *NK, *patient, "--save", str(path)])
    capsys.readouterr()
    assert rc == 0
    return str(path)


def doses_of(app) -> dict[str, tuple[Decimal, str]]:
    return {e.key: (e.dose.value, e.dose.unit) for e in app.plan.events if e.dose is not None}


async def test_3_after_opening_a_plan_file_keeps_every_dose(app_factory, tmp_path, capsys):
    """Opening a plan left the focus in 'Measured BSA'; `3` typed 3 there: BSA 3 m2, every BSA dose changed."""
    app = app_factory(saved_nk_plan(tmp_path, capsys))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        before = doses_of(app)
        assert before and app.query_one(PatientForm).values().measured_bsa == ""
        await pilot.press("3")
        await pilot.pause()
        assert app.query_one(PatientForm).values().measured_bsa == ""
        assert doses_of(app) == before
        assert app.query_one(TabbedContent).active == "tab-doses"  # the key did what it says


async def test_opening_a_plan_file_focuses_the_calendar_and_a_new_plan_the_first_empty_required_field(
    app_factory, tmp_path, capsys
):
    app = app_factory(saved_nk_plan(tmp_path, capsys))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert app.focused is not None and app.focused.id == "calendar"
    app = app_factory("NCT07256210")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert app.focused is not None and app.focused.id == "f-weight"
        await type_into(pilot, "weight", "70")
        app.query_one("#f-bsa").focus()  # the optional field is never where a new plan starts ...
        app.query_one(PatientForm)._last = None
        app.query_one(PatientForm).focus_first()
        await pilot.pause()
        assert app.focused.id == "f-height"  # ... the first empty required one is


async def test_question_mark_and_slash_in_a_field_are_text_not_commands(app_factory):
    app = app_factory("NCT07256210")
    async with app.run_test(size=(80, 24)) as pilot:
        await type_into(pilot, "weight", "7?")
        assert not isinstance(app.screen, HelpScreen)
        assert app.query_one("#f-weight", Input).value == "7?"
        await type_into(pilot, "anchor", "15/03/2027")
        assert not isinstance(app.screen, ProtocolPicker)
        assert app.query_one("#f-anchor", Input).value == "15/03/2027"
        # outside a field the same keys do what they say
        app.query_one("#calendar").focus()
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape", "slash")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)  # what was typed is not saved: asked first
        await pilot.press("y")
        await pilot.pause()
        assert isinstance(app.screen, ProtocolPicker)


async def test_f_keys_reach_the_views_from_inside_a_field(app_factory):
    app = app_factory("NCT07256210")
    async with app.run_test(size=(80, 24)) as pilot:
        await type_into(pilot, "weight", "70")
        await pilot.press("f5")
        await pilot.pause()
        assert app.query_one(TabbedContent).active == "tab-doses"
        assert app.query_one("#f-weight", Input).value == "70"


async def test_a_half_typed_date_is_never_the_plan(app_factory):
    """`2027-03-1` (on the way to 2027-03-18) gave a full schedule for 1 March."""
    app = app_factory("NCT07256210")
    async with app.run_test(size=(80, 24)) as pilot:
        await patient(pilot, anchor="")
        await choose(pilot, "choice-donor", "haploidentical")
        await choose(pilot, "choice-conditioning", "treosulfan")
        await choose(pilot, "choice-nk_dose_level", "1")
        field = app.query_one("#f-anchor", Input)
        field.focus()
        for ch in "2027-03-18":
            await pilot.press("minus" if ch == "-" else ch)
            await pilot.pause()
            if field.value != "2027-03-18":
                assert app.plan is None, f"{field.value!r} became the plan for {app.plan.anchor_date}"
        assert app.plan is not None and app.plan.anchor_date == dt.date(2027, 3, 18)
        await pilot.press("backspace")  # editing the date again: 2027-03-1
        await pilot.pause()
        assert app.plan.anchor_date == dt.date(2027, 3, 18)  # the last complete date, said to be so
        status = text_of(app, "#status")
        assert "showing the plan for 2027-03-18" in status and "Transplant date" in status
        assert "incomplete" in text_of(app, "#err-anchor") and "YYYY-MM-DD" in text_of(app, "#err-anchor")


async def test_a_day_month_year_date_is_refused_naming_the_yyyy_mm_dd_form(app_factory):
    app = app_factory("NCT07256210")
    async with app.run_test(size=(80, 24)) as pilot:
        await type_into(pilot, "anchor", "15/03/2027")
        why = text_of(app, "#err-anchor")
        assert "YYYY-MM-DD" in why and "2027-03-15" in why and "anchor" not in why.lower()
        await type_into(pilot, "measured_on", "3.3.2027")
        assert "YYYY-MM-DD" in text_of(app, "#err-measured_on")


async def test_a_unit_typed_in_the_text_moves_the_selector(app_factory):
    """`62lb` typed while the selector showed kg became 28.12 kg with the selector still on kg."""
    app = app_factory("NCT07256210")
    async with app.run_test(size=(80, 24)) as pilot:
        await patient(pilot, weight="62lb", height="66.1in")
        values = app.query_one(PatientForm).values()
        assert (values.weight_unit, values.height_unit) == ("lb", "in")
        assert str(app.query_one("#f-weight_unit").value) == "lb"
        await type_into(pilot, "weight", "62 kg")
        assert str(app.query_one("#f-weight_unit").value) == "kg"
        assert app.outcome.errors == {} or "weight" not in app.outcome.errors
