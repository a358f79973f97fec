"""The terminal UI's double check as `schedplan verify` does it (issue 11 item 9, issue 10 item 8): each answer
confirmed against the order (arm / dose level, days, route), the default 0.1 % tolerance without a policy, answers
read as people write them, and a review of every answer before anything is recorded.

The plan: NCT06885476 for 70 kg, 175 cm, no site policy (as tests/verify). Worked by hand: Mosteller BSA
sqrt(70 x 175 / 3600) = 1.8447 m2, reported 1.845 m2; fludarabine 25 mg/m2 x 1.845 = 46.125 -> 46.13 mg;
cyclophosphamide 2 g/m2 x 1.845 = 3.69 g; IL-2 flat 10 x 10^6 units.
"""

from __future__ import annotations

import json
from decimal import Decimal

from textual.app import App

from schedplan.cli import main
from schedplan.core.checks import DoseToCheck
from schedplan.core.patient import Patient
from schedplan.tui.check import DoubleCheckScreen
from tests.tui.helpers import text_of

PLAN = ["plan", "NCT06885476", "--weight", "70kg", "--height", "175cm", "--sex", "M", "--anchor-date", "2027-03-15"]
BY_HAND = {
    "fludarabine@fludarabine/1": "46.13",
    "cyclophosphamide@cyclophosphamide/1": "3.69 g",
    "il-2@il-2/1": "10 x 10^6 units",
}


def saved_plan(tmp_path):
    path = tmp_path / "p.json"
    assert main([*PLAN, "--save", str(path)]) == 0
    return path


async def start(pilot) -> DoubleCheckScreen:
    await pilot.pause()
    await pilot.press("v")  # the plan on screen is the saved one: the check starts at once
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, DoubleCheckScreen) and [d.id for d in screen.doses] == list(BY_HAND)
    await submit(pilot, "A.B.")
    return screen


async def submit(pilot, text: str) -> None:
    pilot.app.screen.query_one("#check-input").value = text
    await pilot.press("enter")
    await pilot.pause()


async def answer_all(pilot, answers: dict[str, str], confirmations: dict[str, str] | None = None) -> None:
    """Each answer, then its y/n confirmation of the arm / dose level, days and route."""
    for dose_id, text in answers.items():
        await submit(pilot, text)
        assert "as on the order? [y/n]" in text_of(pilot.app, "#check-text"), text_of(pilot.app, "#check-error")
        await pilot.press((confirmations or {}).get(dose_id, "y"))
        await pilot.pause()


def recorded(plan_file) -> list[dict]:
    return json.loads(plan_file.read_text())["checks"]


async def test_a_typo_corrected_on_the_review_screen_is_recorded_corrected(app_factory, tmp_path):
    plan_file = saved_plan(tmp_path)
    app = app_factory(str(plan_file))
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await start(pilot)
        await answer_all(pilot, {**BY_HAND, "fludarabine@fludarabine/1": "461.3"})  # the decimal point slipped
        review = text_of(app, "#check-text")
        assert "1. fludarabine Day -5, Day -4, Day -3: 461.3 mg - arm / days / route as on the order: yes" in review
        assert "2. cyclophosphamide Day -2: 3.69 g" in review and "3. interleukin-2 Day +1," in review
        assert "Nothing is recorded yet" in review and recorded(plan_file) == []
        await submit(pilot, "1")  # back to the first answer, shown as typed
        assert screen.phase == "answer" and screen.query_one("#check-input").value == "461.3"
        await submit(pilot, "46.13")
        await pilot.press("y")
        await pilot.pause()
        assert screen.phase == "review" and "46.13 mg" in text_of(app, "#check-text")
        await submit(pilot, "")  # Enter: record
        assert text_of(app, "#check-title") == "PASS: all 3 doses match"
    [check] = recorded(plan_file)
    assert check["result"] == "pass"
    assert [(d["id"], Decimal(str(d["entered"]))) for d in check["doses"]][0] == (
        "fludarabine@fludarabine/1",
        Decimal("46.13"),
    )


async def test_a_no_to_the_order_makes_that_dose_fail_with_the_reason(app_factory, tmp_path):
    plan_file = saved_plan(tmp_path)
    app = app_factory(str(plan_file))
    async with app.run_test(size=(120, 30)) as pilot:
        await start(pilot)
        await answer_all(pilot, BY_HAND, {"cyclophosphamide@cyclophosphamide/1": "n"})
        assert "2. cyclophosphamide" in text_of(app, "#check-text")
        assert "as on the order: NO" in text_of(app, "#check-text")
        await submit(pilot, "")
        assert text_of(app, "#check-title") == "FAIL: 1 not as on the order"
        line = next(x for x in text_of(app, "#check-text").splitlines() if x.startswith("cyclophosphamide"))
        assert "✓ match" in line and "FAIL: arm / dose level, days or route not as on the order" in line
    [check] = recorded(plan_file)
    assert check["result"] == "fail"
    assert [d["confirmed"] for d in check["doses"]] == [True, False, True]
    assert "not confirmed for 1 of 3 doses: cyclophosphamide" in check["summary"]


async def test_without_a_policy_46_12_matches_46_13_within_0_1_percent(app_factory, tmp_path):
    # 25 mg/m2 x the unrounded 1.8447 m2 = 46.12 mg against ours 46.13 mg: -0.0217 %, within 0.1 %
    plan_file = saved_plan(tmp_path)
    app = app_factory(str(plan_file))
    async with app.run_test(size=(120, 30)) as pilot:
        await start(pilot)
        await answer_all(pilot, {**BY_HAND, "fludarabine@fludarabine/1": "46.12"})
        await submit(pilot, "")
        assert text_of(app, "#check-title") == "PASS: all 3 doses match"
        result = text_of(app, "#check-text")
        assert "you 46.12 mg, schedplan 46.13 mg - ✓ match within 0.1 % (difference -0.02 %)" in result
    [check] = recorded(plan_file)
    assert check["result"] == "pass" and Decimal(str(check["tolerance_percent"])) == Decimal("0.1")


class _Host(App[None]):
    def __init__(self, screen: DoubleCheckScreen) -> None:
        super().__init__()
        self.check = screen

    def on_mount(self) -> None:
        self.push_screen(self.check)


async def test_826_7_x_10_6_cells_is_accepted():
    # 10 x 10^6 cells/kg x 82.667 kg = 826,670,000 cells; written the ISMP way with its unit
    dose = DoseToCheck(
        id="nk@nk/1",
        name="NK cells",
        days=["Day 1"],
        prescribed="10 x 10^6 cells/kg",
        per_administration="10 x 10^6 cells/kg",
        basis_kind="actual weight",
        unit="cells",
        value=Decimal("826670000"),
    )
    screen = DoubleCheckScreen(
        [dose],
        Patient(weight_kg=Decimal("82.667"), height_cm=Decimal(175)),
        tolerance=(Decimal("0.1"), "default"),
        policy="no site policy",
        checks=[],
        record=lambda checker, results: "recorded",
    )
    app = _Host(screen)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await submit(pilot, "A.B.")
        await submit(pilot, "826.7 x 10^6 cells")
        assert text_of(app, "#check-error") == ""
        assert screen.phase == "confirm" and screen.answers == [Decimal("826700000")]


async def test_escape_on_the_review_records_nothing(app_factory, tmp_path):
    plan_file = saved_plan(tmp_path)
    app = app_factory(str(plan_file))
    async with app.run_test(size=(120, 30)) as pilot:
        screen = await start(pilot)
        await answer_all(pilot, BY_HAND)
        assert screen.phase == "review"
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, DoubleCheckScreen) and app.is_running
    assert recorded(plan_file) == []


async def test_the_check_is_blind_at_80x24_and_its_keys_stay_on_screen(app_factory, tmp_path):
    # regression (user test): at 80x24 the calendar's doses showed through and around the check dialog (a modal
    # screen is see-through, and the dialog was only as tall as its text), and on the review screen the key hints
    # were pushed off the terminal
    import re

    plan_file = saved_plan(tmp_path)
    app = app_factory(str(plan_file))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await start(pilot)
        assert screen.styles.background.a == 1  # opaque: nothing of the plan shows through
        dialog = screen.query_one("#dialog")
        assert dialog.region.height >= 24 - 3  # the whole height but its margins: the hints never pushed off
        await answer_all(pilot, BY_HAND)
        svg = app.export_screenshot()
        shown = " ".join(re.findall(r">([^<>]*)</text>", svg)).replace("&#160;", " ")
        assert "Enter" in shown, shown[-400:]  # the review's key hint (Enter: record) is on screen
