"""Amendments in the terminal UI (issue 12): ctrl+r on the administration highlighted in the Calendar or the
Dose check, one dialog per kind asking its parameters, reason and name, recorded in the plan file through the
locked path; the calendar shows the course as it stands with a word and a symbol.

The plan: ISLAY (NCT02999633) over 2 cycles of 28 days, 60 kg, 170 cm, cycle 1 day 1 on Monday 2027-03-15
(after the tests' fixed today, 2027-03-10, and after the real date, so no "in the past" warning differs).
Worked by hand: isatuximab 20 mg/kg x 60 kg = 1,200 mg on days 1, 8, 15, 22 of each cycle; cycle 2 day 1 is
2027-03-15 + 28 days = 2027-04-12, so C2 D1, D8, D15, D22 are 2027-04-12, -19, -26 and 2027-05-03; a 7-day
delay of cycle 2 puts them on 2027-04-19, -26, 2027-05-03 and 2027-05-10.
"""

from __future__ import annotations

import datetime as dt
import json

from textual.widgets import Input

from schedplan.cli import main
from schedplan.tui.amend import AmendMenu
from schedplan.tui.amend_dialog import AmendDialog
from schedplan.tui.dialogs import ReadScreen
from schedplan.tui.widgets.calendar import ScheduleList
from schedplan.tui.widgets.doses import DoseCheck
from tests.tui.helpers import calendar_text, dose_rows, type_into

PLAN = [
    "plan",
    "NCT02999633",
    "--weight",
    "60kg",
    "--height",
    "170cm",
    "--anchor-date",
    "2027-03-15",
    "--set",
    "cycles=2",
]
C1 = [dt.date(2027, 3, 15), dt.date(2027, 3, 22), dt.date(2027, 3, 29), dt.date(2027, 4, 5)]
C1D8 = C1[1]
C2 = [dt.date(2027, 4, 12), dt.date(2027, 4, 19), dt.date(2027, 4, 26), dt.date(2027, 5, 3)]
C2_DELAYED = [dt.date(2027, 4, 19), dt.date(2027, 4, 26), dt.date(2027, 5, 3), dt.date(2027, 5, 10)]


# when the amendments of a test are recorded: the afternoon of C1 D1, so a dose given that morning (09:10) is in the
# past (a time given after now is refused: schedplan.plans.given_time)
C1D1_AFTERNOON = "2027-03-15T15:00:00+01:00"


def recorded_on_c1d1(monkeypatch) -> None:
    monkeypatch.setattr("schedplan.plans.amending.local_now", lambda: C1D1_AFTERNOON)


def saved_plan(tmp_path):
    path = tmp_path / "islay.json"
    assert main([*PLAN, "--save", str(path)]) == 0
    return path


def amendments(path) -> list[dict]:
    return json.loads(path.read_text()).get("amendments", [])


async def open_menu(pilot, date: dt.date) -> AmendMenu:
    """Highlight ``date`` in the calendar and press ctrl+r."""
    await pilot.pause()
    assert pilot.app.query_one(ScheduleList).goto(date)
    await pilot.press("ctrl+r")
    await pilot.pause()
    menu = pilot.app.screen
    assert isinstance(menu, AmendMenu), menu
    return menu


async def choose(pilot, kind_key: str, drug: str = "isatuximab") -> AmendDialog:
    """Move the menu's cursor to ``drug`` and press the kind's key."""
    menu = pilot.app.screen
    assert isinstance(menu, AmendMenu)
    names = [e.name for e in menu.events]
    menu.query_one("#amend-list").highlighted = names.index(drug)
    await pilot.press(kind_key)
    await pilot.pause()
    dialog = pilot.app.screen
    assert isinstance(dialog, AmendDialog), dialog
    return dialog


async def fill_and_enter(pilot, **values: str) -> None:
    dialog = pilot.app.screen
    for name, value in values.items():
        dialog.query_one(f"#amend-{name}", Input).value = value
    dialog.query_one(f"#amend-{next(iter(values))}", Input).focus()
    await pilot.press("enter")
    await pilot.pause()


def isatuximab_dates(app, cycle: int) -> list[dt.date]:
    shown = app.as_it_stands()
    return [e.date for e in shown.events if e.name == "isatuximab" and e.cycle == cycle]


async def test_hold_a_dose_from_the_calendar_records_reason_and_by_and_the_calendar_says_held(app_factory, tmp_path):
    plan_file = saved_plan(tmp_path)
    app = app_factory(str(plan_file))
    async with app.run_test(size=(80, 24)) as pilot:
        await open_menu(pilot, C1D8)
        await choose(pilot, "h")
        await fill_and_enter(pilot, reason="fever 38.9", by="RN Smith")
        assert not isinstance(app.screen, AmendDialog)
        [held] = amendments(plan_file)
        assert (held["kind"], held["reason"], held["by"]) == ("hold", "fever 38.9", "RN Smith")
        assert held["select"]["drug"] == "isatuximab" and held["select"]["day"] == 8 and held["select"]["cycle"] == 1
        text = await calendar_text(pilot)
        day = text.split("C1 D8", 1)[1].split("C1 D15", 1)[0]
        assert "isatuximab 1,200 mg IV ✗ HELD" in day
        assert day.count("✗ HELD") == 1  # the premedications of that day are not held
        assert "✗ HELD" not in text.split("C1 D8", 1)[0] + text.split("C1 D15", 1)[1]


async def test_an_empty_reason_is_refused_on_its_field_and_the_file_is_untouched(app_factory, tmp_path):
    plan_file = saved_plan(tmp_path)
    before = plan_file.read_bytes()
    app = app_factory(str(plan_file))
    async with app.run_test(size=(80, 24)) as pilot:
        await open_menu(pilot, C1D8)
        dialog = await choose(pilot, "h")
        await fill_and_enter(pilot, reason="   ", by="RN Smith")
        assert app.screen is dialog  # still asking
        error = str(dialog.query_one("#amend-error-reason").render())
        assert "Reason is required and cannot be empty" in error
        assert plan_file.read_bytes() == before


async def test_delay_cycle_2_by_7_days_moves_every_cycle_2_date_and_undo_restores_and_history_lists_both(
    app_factory, tmp_path
):
    plan_file = saved_plan(tmp_path)
    app = app_factory(str(plan_file))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert isatuximab_dates(app, 2) == C2
        await open_menu(pilot, C2[0])
        dialog = await choose(pilot, "d")
        dialog.query_one("#scope-cycle").value = True
        await fill_and_enter(pilot, days="7", reason="counts not recovered", by="RN Smith")
        [delay] = amendments(plan_file)
        assert delay["select"] == {"cycle": 2} and delay["params"] == {"days": 7}
        assert isatuximab_dates(app, 2) == C2_DELAYED
        assert isatuximab_dates(app, 1) == C1  # cycle 1 unchanged
        text = await calendar_text(pilot)
        assert "C2 D1         Mon 2027-04-19" in text
        assert "isatuximab 1,200 mg IV → MOVED from 2027-04-12" in text

        await pilot.press("ctrl+r")
        await pilot.pause()
        await pilot.press("u")
        await pilot.pause()
        assert isinstance(app.screen, AmendDialog)
        await fill_and_enter(pilot, number="1", reason="counts recovered after all", by="Dr Jones")
        assert [a["kind"] for a in amendments(plan_file)] == ["delay", "undo"]
        assert isatuximab_dates(app, 2) == C2
        assert "MOVED" not in await calendar_text(pilot)

        app.action_history()
        await pilot.pause()
        history = app.screen
        assert isinstance(history, ReadScreen)
        listed = str(history.body)
        assert "1. DELAY cycle 2; days 7" in listed and "reason: counts not recovered; by RN Smith" in listed
        assert "UNDONE by amendment 2" in listed
        assert "2. UNDO; undo 1" in listed and "by Dr Jones" in listed


async def test_escape_cancels_with_nothing_written(app_factory, tmp_path):
    plan_file = saved_plan(tmp_path)
    before = plan_file.read_bytes()
    app = app_factory(str(plan_file))
    async with app.run_test(size=(80, 24)) as pilot:
        await open_menu(pilot, C1D8)
        await choose(pilot, "m")
        dialog = pilot.app.screen
        dialog.query_one("#amend-percent", Input).value = "80"
        dialog.query_one("#amend-reason", Input).value = "neutropenia"
        dialog.query_one("#amend-by", Input).value = "PharmD Lee"
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, (AmendDialog, AmendMenu))
        assert plan_file.read_bytes() == before
        assert "MODIFIED" not in await calendar_text(pilot)


async def test_keys_typed_in_a_field_never_amend(app_factory, tmp_path):
    plan_file = saved_plan(tmp_path)
    before = plan_file.read_bytes()
    app = app_factory(str(plan_file))
    async with app.run_test(size=(80, 24)) as pilot:
        await open_menu(pilot, C1D8)
        dialog = await choose(pilot, "g")
        reason = dialog.query_one("#amend-note", Input)
        reason.focus()
        await pilot.pause()
        for key in "hdmgul":  # the menu's keys are text inside the dialog's fields
            await pilot.press(key)
        await pilot.pause()
        assert app.screen is dialog and reason.value == "hdmgul"
        await pilot.press("escape")
        await pilot.pause()
        app.query_one("#f-weight", Input).focus()
        await pilot.pause()
        for key in "hdmgu":  # and inside the patient form
            await pilot.press(key)
        await pilot.pause()
        assert not isinstance(app.screen, (AmendDialog, AmendMenu))
        assert plan_file.read_bytes() == before


async def test_modify_from_the_dose_check_and_given_are_marked_in_the_dose_check_and_the_calendar(
    app_factory, tmp_path, monkeypatch
):
    recorded_on_c1d1(monkeypatch)
    plan_file = saved_plan(tmp_path)
    app = app_factory(str(plan_file))
    async with app.run_test(size=(80, 24)) as pilot:
        await dose_rows(pilot)
        view = app.query_one(DoseCheck)
        c2d1 = next(e for e in app.plan.events if e.name == "isatuximab" and e.label == "C2 D1")
        view.select(c2d1.key)
        app.action_tab("doses")
        await pilot.press("ctrl+r")
        await pilot.pause()
        menu = app.screen
        assert isinstance(menu, AmendMenu) and menu.chosen == c2d1.key
        await pilot.press("m")
        await pilot.pause()
        app.screen.query_one("#scope-from_cycle").value = True
        await fill_and_enter(pilot, percent="80", reason="grade 3 neutropenia", by="PharmD Lee")
        [modify] = amendments(plan_file)
        assert modify["select"] == {"drug": "isatuximab", "from_cycle": 2} and modify["params"] == {"percent": 80}

        await open_menu(pilot, C1[0])
        await choose(pilot, "g")
        await fill_and_enter(pilot, at="2027-03-15 09:10", by="AB")
        # the dose as it stands is recorded with the given (60 kg x 20 mg/kg = 1,200 mg), so a replan cannot rewrite it
        assert amendments(plan_file)[1]["params"] == {"dose": 1200, "unit": "mg", "given_at": "2027-03-15 09:10"}

        rows = await dose_rows(pilot)
        isa = {r["Day"]: r for r in rows if r["Drug"].startswith("isatuximab")}
        # 80 % of 1,200 mg = 960 mg in cycle 2; cycle 1 as calculated
        assert [isa[f"C2 D{d}"]["Drug"] for d in (1, 8, 15, 22)] == ["isatuximab % MODIFIED"] * 4
        assert [isa[f"C2 D{d}"]["Dose"] for d in (1, 8, 15, 22)] == ["960 mg"] * 4
        assert isa["C1 D1"]["Drug"] == "isatuximab ✓ GIVEN" and isa["C1 D1"]["Dose"] == "1,200 mg"
        assert isa["C1 D8"]["Drug"] == "isatuximab"
        text = await calendar_text(pilot)
        assert "isatuximab 1,200 mg IV ✓ GIVEN 09:10 by AB" in text
        assert "isatuximab 960 mg IV % MODIFIED 80 %" in text


async def test_a_changed_form_shows_the_files_amendments_applied_to_the_changed_plan_and_says_so(app_factory, tmp_path):
    plan_file = saved_plan(tmp_path)
    delay = ["amend", str(plan_file), "delay", "--cycle", "2", "--days", "7", "--reason", "counts", "--by", "RN"]
    assert main(delay) == 0
    app = app_factory(str(plan_file))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        text = await calendar_text(pilot)
        assert text.startswith("Course as it stands: 1 amendment") and "CHANGED" not in text
        await type_into(pilot, "weight", "70")
        await pilot.pause()
        text = await calendar_text(pilot)
        # 20 mg/kg x 70 kg = 1,400 mg, cycle 2 still a week late
        assert "applied to the CHANGED plan on screen (not saved)" in text.splitlines()[0]
        assert "C2 D1         Mon 2027-04-19" in text
        assert "isatuximab 1,400 mg IV → MOVED from 2027-04-12" in text
        assert any("applied to the changed plan on screen" in n.message for n in app._notifications)


async def test_a_given_dose_other_than_planned_is_recorded_shown_and_warned(app_factory, tmp_path, monkeypatch):
    recorded_on_c1d1(monkeypatch)
    plan_file = saved_plan(tmp_path)
    app = app_factory(str(plan_file))
    async with app.run_test(size=(80, 24)) as pilot:
        await open_menu(pilot, C1[0])
        await choose(pilot, "g")
        await fill_and_enter(pilot, dose="1100 mg", at="2027-03-15 09:10", note="bag short", by="AB")
        [given] = amendments(plan_file)
        assert given["params"] == {"dose": 1100, "unit": "mg", "given_at": "2027-03-15 09:10", "note": "bag short"}
        assert "isatuximab 1,200 mg IV ✓ GIVEN 1,100 mg 09:10 by AB" in await calendar_text(pilot)
        # no site policy: a check tolerance of 0 %, so 1,100 mg against 1,200 mg planned is warned about
        warned = [n.message for n in app._notifications if n.severity == "warning" and "given 1,100 mg" in n.message]
        assert warned and "planned 1,200 mg" in warned[0]


async def test_the_double_check_asks_the_course_as_it_stands_and_a_later_modification_voids_the_check(
    app_factory, tmp_path
):
    # the CLI records a check of 1,200 mg (20 mg/kg x 60 kg) for all eight doses, then isatuximab goes to 80 %
    # from cycle 2 (960 mg) and C1 D22 is held: the UI's check asks C1 D1-D15 at 1,200 mg and cycle 2 at 960 mg
    from schedplan.tui.check import DoubleCheckScreen

    plan_file = saved_plan(tmp_path)
    answers = tmp_path / "a.json"
    answers.write_text(json.dumps({"isatuximab@isatuximab/c1/1": {"dose": "1200 mg", "confirmed": True}}))
    assert main(["verify", str(plan_file), "--checker", "A.B.", "--answers", str(answers)]) == 0
    modify = ["--drug", "isatuximab", "--from-cycle", "2", "--percent", "80", "--reason", "neutropenia"]
    assert main(["amend", str(plan_file), "modify", *modify, "--by", "PharmD Lee"]) == 0
    hold = ["--drug", "isatuximab", "--cycle", "1", "--day", "22", "--reason", "fever", "--by", "RN Smith"]
    assert main(["amend", str(plan_file), "hold", *hold]) == 0
    app = app_factory(str(plan_file))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        checks = app.services.recorded_checks(app.plan, app.query_one("#form").values())
        [recorded] = checks
        assert not recorded.holds
        assert any("VOID for isatuximab C2 D1, C2 D8, C2 D15, C2 D22" in why for why in recorded.invalid)
        await pilot.press("v")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, DoubleCheckScreen), screen
        asked = {(d.value, tuple(d.days)) for d in screen.doses if d.name == "isatuximab"}
        assert asked == {(1200, ("C1 D1", "C1 D8", "C1 D15")), (960, ("C2 D1", "C2 D8", "C2 D15", "C2 D22"))}
        reduced = next(d for d in screen.doses if d.value == 960)
        assert reduced.modification == "x 80 % (amendment 1: neutropenia)"


def test_the_days_administration_list_marks_held_and_given_administrations(tmp_path, monkeypatch):
    recorded_on_c1d1(monkeypatch)
    # regression (review): the bedside list (Enter on a day) showed a held dose with its full dose and empty
    # "given at" / "initials" boxes, as if it were to be given
    from schedplan.plans.amending import as_it_stands
    from schedplan.tui.daylist import AdministrationList

    plan_file = saved_plan(tmp_path)
    hold = ["--drug", "isatuximab", "--cycle", "1", "--day", "8", "--reason", "fever", "--by", "RN Smith"]
    assert main(["amend", str(plan_file), "hold", *hold]) == 0
    given = ["--drug", "isatuximab", "--cycle", "1", "--day", "1", "--at", "2027-03-15 09:10", "--by", "AB"]
    assert main(["amend", str(plan_file), "given", *given]) == 0
    events = as_it_stands(str(plan_file)).amended.events
    c1d8 = {r[1].split(" ")[0]: r for r in AdministrationList([e for e in events if e.date == C1D8]).rows}
    assert c1d8["isatuximab"][2] == "✗ HELD" and "HELD" in c1d8["isatuximab"][1]  # no dose to give
    assert c1d8["dexamethasone"][2] != "✗ HELD"  # its premedication is not held for the nurse
    c1d1 = {r[1].split(" ")[0]: r for r in AdministrationList([e for e in events if e.date == C1[0]]).rows}
    assert c1d1["isatuximab"][2] == "1,200 mg" and c1d1["isatuximab"][5:] == ("09:10", "AB")


def test_the_amend_dialog_names_which_administration_of_the_day(tmp_path):
    # regression (review): the dialog sent drug, day and date only, so a q6h dose could not be held or given alone
    from schedplan.plans.amending import AmendRequest, amend, as_it_stands
    from schedplan.tui.amend_dialog import request_fields
    from tests.times.conftest import TIMES

    plan_file = tmp_path / "bu.json"
    made = ["plan", str(TIMES / "busulfan-q6h.yaml"), "--weight", "62kg", "--height", "170cm"]
    assert main([*made, "--anchor-date", "2027-05-10", "--save", str(plan_file)]) == 0
    second = next(e for e in as_it_stands(str(plan_file)).amended.events if e.administration == 2)
    fields, errors = request_fields("hold", second, "one", {"reason": "vomited", "by": "RN A"})
    assert not errors and fields["administration"] == 2
    amend(str(plan_file), AmendRequest(**fields))
    held = [e.administration for e in as_it_stands(str(plan_file)).amended.events if e.status == "held"]
    assert held == [2]


def test_the_calendar_line_says_assumed_and_daily_total(tmp_path):
    # regression (user test): the UI's calendar showed "tocilizumab ... IV" and "busulfan 248 mg PO" as fact, while
    # the record gives no route for tocilizumab and no frequency for oral busulfan
    from schedplan.plans.amending import as_it_stands
    from schedplan.tui.format import event_text

    plan_file = tmp_path / "nk.json"
    made = ["plan", "NCT07256210", "--weight", "62kg", "--height", "168cm", "--sex", "F", "--anchor-date", "2027-03-15"]
    made += ["--set", "donor=haploidentical", "--set", "conditioning=busulfan", "--set", "nk_dose_level=2"]
    assert main([*made, "--save", str(plan_file)]) == 0
    events = as_it_stands(str(plan_file)).calculated.events
    busulfan = next(event_text(e) for e in events if e.name == "busulfan")
    tocilizumab = next(event_text(e) for e in events if e.name == "tocilizumab")
    assert "248 mg daily total PO" in busulfan  # 4 mg/kg x 62 kg = 248 mg a day
    assert "[ASSUMED: route" in tocilizumab


async def test_a_letter_pressed_in_the_save_first_dialog_does_not_replace_the_path(app_factory, tmp_path):
    # regression (user test): ctrl+r on unsaved work opens "Save the plan file, then amend it" with the path
    # selected; pressing m (for modify, by habit) replaced the whole path with "m"
    from schedplan.tui.dialogs import PathDialog

    plan_file = saved_plan(tmp_path)
    app = app_factory(str(plan_file))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        app.query_one("#f-weight", Input).value = "61"  # unsaved work
        await pilot.pause()
        await open_menu_or_dialog(pilot)
        dialog = app.screen
        assert isinstance(dialog, PathDialog), dialog
        before = dialog.query_one("#path-input", Input).value
        await pilot.press("m")
        await pilot.pause()
        after = dialog.query_one("#path-input", Input).value
        assert after != "m" and after.startswith(before[:-5]), (before, after)


async def open_menu_or_dialog(pilot) -> None:
    await pilot.press("ctrl+r")
    await pilot.pause()
