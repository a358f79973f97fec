"""A pharmacist's flows: the site policy in force, every dose with the rules that acted, the totals as
prescribed, and the double check recorded in the plan file as `schedplan verify` records it.

Every number is worked out here by hand for an obese man, 130 kg, 175 cm, under the shipped ASTCT 2014
example policy (busulfan on adjusted body weight 25 %, tocilizumab at most 800 mg, abatacept at most 1,000 mg; its
cyclophosphamide rule is for mg/kg doses, and this protocol gives cyclophosphamide per m2). Without a policy the
protocol's own labelled maximums stop the plan (issue 10).
"""

from __future__ import annotations

import json
from decimal import ROUND_HALF_UP, Decimal

from schedplan.cli import main
from schedplan.tui.check import DoubleCheckScreen
from schedplan.tui.dialogs import PathDialog
from tests.tui.helpers import answer_path, choose, dose_rows, money, mosteller, patient, show_tab, text_of, type_into

SITE = "example-astct-2014"
KG = Decimal(130)


def two(x: Decimal) -> Decimal:
    return x.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


# Devine IBW for a man: 50 kg + 2.3 kg per inch over 5 feet; 175 cm = 68.8976 in
IBW = two(50 + Decimal("2.3") * (Decimal(175) / Decimal("2.54") - 60))  # 70.46 kg
ABW25 = two(IBW + Decimal("0.25") * (KG - IBW))  # 70.46 + 0.25 x 59.54 = 85.35 kg
BUSULFAN = Decimal(12) / 3 * ABW25  # 12 mg/kg/course over 3 days = 4 mg/kg x 85.35 kg = 341.4 mg
TOCILIZUMAB = 8 * KG  # 1,040 mg, over the policy's 800 mg maximum
CHANGE = two((800 - TOCILIZUMAB) / TOCILIZUMAB * 100)  # -23.08 %
BSA = mosteller("130", "175")  # 2.514 m2

# What a careful checker works out, by dose id (the ids `schedplan verify --list` shows)
BY_HAND = {
    "fludarabine-part1@fludarabine-part1/1": money(40 * BSA),  # 100.56
    "thiotepa@thiotepa/1": money(Decimal(10) / 2 * KG),  # 650
    # 500 mg/m2 x 2.514 m2: the policy's cyclophosphamide rule is written for mg/kg doses, so it does not act
    "cyclophosphamide@cyclophosphamide/1": money(500 * BSA).replace(",", ""),  # 1257
    "nk-cells@nk-cells/1": "866.7 x 10^6",  # 10 x 10^6 cells/kg x 2/3 x 130 kg, within the 1 % tolerance
    "fludarabine-part2@fludarabine-part2/1": money(40 * BSA),
    "busulfan@busulfan/1": money(BUSULFAN),
    "tocilizumab@tocilizumab/1": "800",
    "abatacept@abatacept/1": "1000",  # 10 mg/kg x 130 kg = 1,300 mg, over the policy's 1,000 mg maximum
    "nk-cells@nk-cells/2": "433.3 x 10^6",
    "abatacept-day28@abatacept-day28/1": "1000",
}


async def obese_man(pilot) -> None:
    await patient(pilot, weight="130", height="175", anchor="2027-03-15")
    await choose(pilot, "sex", "M")
    await choose(pilot, "choice-donor", "haploidentical")
    await choose(pilot, "choice-conditioning", "busulfan")
    await choose(pilot, "choice-nk_dose_level", "1")
    assert pilot.app.plan is not None, pilot.app.outcome


def test_hand_numbers():
    assert (IBW, ABW25, money(BUSULFAN), CHANGE) == (Decimal("70.46"), Decimal("85.35"), "341.4", Decimal("-23.08"))


async def test_obese_patient_under_the_example_policy(app_factory):
    app = app_factory("NCT07256210", site=SITE)
    async with app.run_test(size=(140, 45)) as pilot:
        await obese_man(pilot)
        assert "EXAMPLE site policy: Example policy" in text_of(app, "#title-bar")
        rows = await dose_rows(pilot)
        header = text_of(app, "#dose-policy")
        assert header.startswith("Site policy: Example policy") and "EXAMPLE, not a real unit's policy" in header
        assert "Double check: none recorded" in header

        busulfan = [r for r in rows if r["Drug"] == "busulfan"]
        assert [(r["Dose"], r["Site rules"]) for r in busulfan] == [(f"{money(BUSULFAN)} mg", "wt")] * 3
        assert busulfan[0]["Basis"] == f"adjusted body weight; site policy {ABW25} kg"  # core.dosing basis, short
        toci = next(r for r in rows if r["Drug"] == "tocilizumab")
        assert (toci["Dose"], toci["Site rules"]) == ("800 mg", f"⚠ max {CHANGE}%")
        nk = [r["Dose"] for r in rows if r["Drug"] == "NK cell infusion"]
        assert nk == ["866.7 x 10^6 cells", "433.3 x 10^6 cells"]  # ISMP

        # the selected dose, worked out: prescribed, basis, calculated, given, each rule in order
        doses = app.query_one("DoseCheck")
        doses.select(next(e.key for e in app.plan.events if e.name == "tocilizumab"))
        await pilot.pause()
        detail = text_of(app, "#dose-calculation").splitlines()
        assert detail[0] == "tocilizumab, Day -1 (Sun 2027-03-14): 800 mg"
        assert detail[1] == "Prescribed 8 mg/kg (8 mg/kg this administration)"
        assert detail[2] == f"Basis: actual weight {KG} kg"
        assert detail[3] == f"Calculated {money(TOCILIZUMAB)} mg -> given 800 mg ({CHANGE}% by site policy)"
        assert detail[4].startswith("Rule 1. max-dose: 1,040 mg is over the maximum single dose of tocilizumab, 800 mg")
        doses.select(next(e.key for e in app.plan.events if e.name == "busulfan"))
        await pilot.pause()
        assert "Rule 1. dosing-weight: busulfan dosed on adjusted body weight" in text_of(app, "#dose-calculation")

        totals = text_of(app, "#dose-totals")
        assert f"busulfan: {money(3 * BUSULFAN)} mg in 3 doses (prescribed 12 mg/kg)" in totals
        assert (
            "tocilizumab: 800 mg in 1 dose (prescribed 8 mg/kg); calculated 1,040 mg before the site policy" in totals
        )

        # warnings first: the maximum that acted, and the measurement date the policy asks for
        warnings = text_of(app, "#dose-warnings-text")
        assert "Dose capped at its maximum: tocilizumab" in warnings and "(measurement-date-unknown)" in warnings
        assert warnings.index("(max-dose)") < warnings.index("(approximate-day)")  # critical first
        # 129 days before the app's today, 2027-03-10 (Nov 29 + Dec 31 + Jan 31 + Feb 28 + 10), over 30
        await type_into(pilot, "measured_on", "2026-11-01")
        assert str(app.plan.patient.measured_on) == "2026-11-01"
        await show_tab(pilot, "doses")
        assert "measured too long ago: weight and height were measured 129 days ago" in text_of(
            app, "#dose-warnings-text"
        )
        await type_into(pilot, "measured_on", "2027-02-30")
        assert "February 2027 has 28 days" in text_of(app, "#err-measured_on")


async def test_without_a_policy_the_labelled_maximums_stop_the_plan(app_factory):
    # no policy: the protocol's doses exactly, so tocilizumab 8 mg/kg x 130 kg = 1,040 mg is over its labelled
    # 800 mg and the plan stops (issue 10): the stop is the plan's, never a field's, and no plan is shown
    app = app_factory("NCT07256210")
    async with app.run_test(size=(140, 45)) as pilot:
        await patient(pilot, weight="130", height="175", anchor="2027-03-15")
        await choose(pilot, "sex", "M")
        await choose(pilot, "choice-donor", "haploidentical")
        await choose(pilot, "choice-conditioning", "busulfan")
        await choose(pilot, "choice-nk_dose_level", "1")
        assert app.plan is None and app.outcome.errors == {}
        stop = app.outcome.stop
        assert stop.code == "dose-limit:tocilizumab"
        assert "tocilizumab Day -1: 1,040 mg is over the maximum of 800 mg per dose" in stop.message
        assert "Actemra" in stop.message and "--override" not in stop.message  # the form's way, not the CLI's
        assert "STOPPED" in text_of(app, "#status") and "Override it under Limits" in text_of(app, "#status")


async def answer_dose(pilot, text: str, *, keys: bool = False) -> None:
    box = pilot.app.screen.query_one("#check-input")
    if keys:
        names = {".": "full_stop", " ": "space", "^": "circumflex_accent", ",": "comma"}
        box.value = ""
        await pilot.press(*[names.get(c, c) for c in text])
    else:
        box.value = text
    await pilot.press("enter")
    await pilot.pause()


async def test_double_check_with_one_mismatch_is_recorded_in_the_plan_file(app_factory, tmp_path, capsys):
    app = app_factory("NCT07256210", site=SITE)
    plan_file = tmp_path / "obese.json"
    async with app.run_test(size=(100, 40)) as pilot:
        await obese_man(pilot)
        await pilot.press("escape", "3", "v")  # no plan file yet: save first, then the check starts
        await pilot.pause()
        assert isinstance(app.screen, PathDialog)
        await answer_path(pilot, plan_file)
        screen = app.screen
        assert isinstance(screen, DoubleCheckScreen) and len(screen.doses) == 10
        await answer_dose(pilot, "A.B.", keys=True)
        for _n, dose in enumerate(screen.doses, 1):
            shown = text_of(app, "#check-text")
            assert dose.prescribed in shown and "Patient: weight 130 kg, height 175 cm, sex male" in shown
            if dose.name not in ("tocilizumab", "abatacept"):  # whose site rule is its maximum, 800 / 1,000 mg
                assert f"{money(dose.value)} mg" not in shown  # ours is not shown before the answer
            if dose.name == "busulfan":
                assert "Site rules: dosing weight: adjusted (0.25 x the excess)" in shown
                await answer_dose(pilot, money(4 * KG), keys=True)  # on actual weight: the mistake to catch
            else:
                await answer_dose(pilot, BY_HAND[dose.id])
            confirm = text_of(app, "#check-text")
            assert "as on the order? [y/n]" in confirm
            # the arm / dose level as chosen in obese_man, the days and the route, as `schedplan verify` asks them
            order = "arm / dose level conditioning=busulfan, donor=haploidentical, nk_dose_level=1"
            assert f"Order: {order}; days {', '.join(dose.days)}; route {dose.route or 'not stated'}" in confirm
            await pilot.press("y")  # the arm / dose level, days and route as on the order
            await pilot.pause()
        assert "Nothing is recorded yet" in text_of(app, "#check-text")  # the review of every answer
        await answer_dose(pilot, "")  # Enter: record
        result = text_of(app, "#check-text")
        assert text_of(app, "#check-title") == "FAIL: 1 of 10 doses do not match"
        assert "busulfan Day -4, Day -3, Day -2: you 520 mg, schedplan 341.4 mg - ✗ MISMATCH (+52.31%)" in result
        assert "tocilizumab Day -1: you 800 mg, schedplan 800 mg - ✓ match" in result
        assert f"Recorded in {plan_file} (check 1)" in result
        await pilot.press("enter")
        await pilot.pause()
        assert "Double checks recorded: 1; the last" in text_of(app, "#dose-policy")
        assert "by A.B.: FAIL - holds" in text_of(app, "#dose-policy")
        # a change to the inputs makes the record no longer valid
        await type_into(pilot, "weight", "131")
        await show_tab(pilot, "doses")
        assert "NO LONGER VALID: the patient's inputs or the choices changed" in text_of(app, "#dose-policy")

    record = json.loads(plan_file.read_text())["checks"]
    assert [(c["checker"], c["result"]) for c in record] == [("A.B.", "fail")]
    assert [d["id"] for d in record[0]["doses"] if not d["match"]] == ["busulfan@busulfan/1"]
    assert record[0]["tolerance_percent"] == 1 and record[0]["policy_sha256"]
    # the command line reads the TUI's record as its own: it holds for the plan as saved
    assert main(["verify", str(plan_file), "--status"]) == 0
    assert (
        capsys.readouterr()
        .out.splitlines()[0]
        .endswith("by A.B.: FAIL (1 of 10 doses do not match: busulfan (520 vs 341.4 mg)) - holds (unsigned)")
    )


async def test_a_plan_file_brings_its_site_policy_and_bad_answers_are_refused(app_factory, tmp_path):
    plan_file = tmp_path / "p.json"
    assert (
        main(
            [
                "plan",
                "NCT07256210",
                "--weight",
                "130kg",
                "--height",
                "175cm",
                "--sex",
                "M",
                "--anchor-date",
                "2027-03-15",
                "--set",
                "donor=haploidentical",
                "--set",
                "conditioning=busulfan",
                "--set",
                "nk_dose_level=1",
                "--site",
                SITE,
                "--measured-on",
                "2026-11-01",
                "--save",
                str(plan_file),
            ]
        )
        == 0
    )
    app = app_factory(str(plan_file))  # no --site: the plan file names its policy
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert app.plan.policy is not None and app.plan.policy.example
        assert app.query_one("#f-measured_on").value == "2026-11-01"
        assert next(e for e in app.plan.events if e.name == "busulfan").dose.value == Decimal("341.4")
        assert app.focused.id == "calendar"  # a plan file opens where the reading starts
        await pilot.press("v")  # the plan on screen is the saved one: the check starts at once
        await pilot.pause()
        assert isinstance(app.screen, DoubleCheckScreen)
        await answer_dose(pilot, "")
        assert "checker's name or initials" in text_of(app, "#check-error")
        await answer_dose(pilot, "C.D.")
        for bad, why in (
            ("1,040", "with no thousands separator"),  # core.checks.parse_answer's words, as verify says them
            ("abc", "write the dose in mg, e.g. 46.13 mg"),
            ("-5", "is not a dose"),
            ("1e999999", "is out of reach"),
        ):
            await answer_dose(pilot, bad)
            assert why in text_of(app, "#check-error"), bad
            assert app.screen.step == 1
        await answer_dose(pilot, "100.56")
        await pilot.press("pageup")  # back to dose 1, the answer shown again
        await pilot.pause()
        assert app.screen.step == 1 and app.screen.query_one("#check-input").value == "100.56"
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, DoubleCheckScreen) and app.is_running
    assert json.loads(plan_file.read_text())["checks"] == []  # cancelled: nothing recorded


async def test_double_check_is_in_the_command_palette(app_factory):
    app = app_factory("NCT07256210", site=SITE)
    async with app.run_test(size=(80, 24)) as pilot:
        titles = [c.title for c in app.get_system_commands(app.screen)]
        assert "Double check doses" in titles
        await pilot.press("escape", "v")  # no plan yet: says so, opens nothing
        await pilot.pause()
        assert not isinstance(app.screen, (DoubleCheckScreen, PathDialog))
