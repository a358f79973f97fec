"""The form carries everything a plan's inputs carry (issues 16 and 10): patient factors with their reasons at the
field, a limit's stop shown as the plan's with an override dialog (reason required), the override shown with the
dose, and a plan file made on the command line saved back from the UI with its inputs unchanged.

Numbers by hand: 70 kg, 175 cm: Mosteller BSA sqrt(70 x 175 / 3600) = 1.84466 -> 1.845 m2; fludarabine 25 mg/m2 x
1.845 = 46.125 mg; the example policy's FLUDARA band for CrCl 50-79 mL/min gives 80 %: 36.9 mg. Tocilizumab 8 mg/kg
x 130 kg = 1,040 mg, over its labelled 800 mg; abatacept 10 mg/kg x 130 kg = 1,300 mg, over 1,000 mg.
"""

from __future__ import annotations

import json
from decimal import Decimal

from textual.widgets import Button, Input, Select

from schedplan.tui.dialogs import PathDialog
from schedplan.tui.override import OverrideDialog
from schedplan.tui.widgets.form import RemoveOverride
from schedplan.tui.widgets.picker import ProtocolPicker
from tests.tui.helpers import choose, dose_rows, money, mosteller, patient, show_tab, text_of, type_into
from tests.tui.test_flows import pick

NK_CELLS = "NCT06885476"  # donor NK cells: fludarabine 25 mg/m2, no protocol choices
NK_SITE = "NCT07256210"  # tocilizumab and abatacept with labelled maximums
SITE = "example-astct-2014"
FLUDARABINE = Decimal(25) * mosteller("70", "175")  # 46.125 mg


async def nk_patient(pilot) -> None:
    await patient(pilot, weight="70", height="175", anchor="2027-03-15")
    await choose(pilot, "sex", "M")


def flu_doses(app) -> list[Decimal]:
    return [e.dose.value for e in app.plan.events if e.name == "fludarabine"]


async def test_creatinine_without_a_unit_is_refused_at_its_field_and_a_typed_unit_moves_the_selector(app_factory):
    app = app_factory(NK_CELLS, site=SITE)
    async with app.run_test(size=(80, 24)) as pilot:
        await nk_patient(pilot)
        await type_into(pilot, "birth_date", "1960-01-01")
        assert app.plan is not None
        await type_into(pilot, "creatinine", "97")
        assert app.outcome.plan is None and "has no unit" in app.outcome.errors["creatinine"]
        assert "mg/dL or umol/L" in text_of(app, "#err-creatinine")
        assert "creatinine" in text_of(app, "#status")
        await type_into(pilot, "creatinine", "97 umol/L")
        assert app.query_one("#f-creatinine_unit", Select).value == "umol/L"
        assert app.outcome.ok and "creatinine" not in app.outcome.errors
        # the number alone with the unit chosen beside it is the same creatinine
        await type_into(pilot, "creatinine", "97")
        assert app.outcome.ok and "97 umol/L / 88.4" in app.plan.renal
        # (140 - 67) x 70 / (72 x 97 / 88.4) = 64.68 -> 64.7 mL/min: the 50-79 band, 80 %
        assert flu_doses(app) == [Decimal(money(FLUDARABINE * Decimal("0.8")))] * 3


async def test_a_birth_date_after_the_anchor_is_refused_at_its_field(app_factory):
    app = app_factory(NK_CELLS)
    async with app.run_test(size=(80, 24)) as pilot:
        await nk_patient(pilot)
        await type_into(pilot, "birth_date", "2027-03-16")
        assert set(app.outcome.errors) == {"birth_date"}
        assert "after the" in text_of(app, "#err-birth_date") and "2027-03-15" in text_of(app, "#err-birth_date")
        await type_into(pilot, "birth_date", "1960-01-01")
        assert app.outcome.ok and app.plan.age == 67
        await show_tab(pilot, "doses")
        assert "Age: 67 years (an adult)" in text_of(app, "#dose-policy")  # the header (4 lines when wide)
        assert "67 years (adult)" in text_of(app, "#status")  # and at 80x24, with the weight and BSA


async def test_bad_labs_and_clearance_are_refused_at_their_fields(app_factory):
    app = app_factory(NK_CELLS)
    async with app.run_test(size=(80, 24)) as pilot:
        await nk_patient(pilot)
        await type_into(pilot, "labs", "alt=40/50, potassium=4")
        assert "not a value schedplan knows" in app.outcome.errors["labs"]
        await type_into(pilot, "labs", "alt=40/50, ast=30/50")
        assert app.outcome.ok
        await type_into(pilot, "crcl", "-60")
        assert "negative" in app.outcome.errors["crcl"]
        await type_into(pilot, "creatinine_date", "2027-03-01")
        assert "without" in app.outcome.errors["creatinine_date"]


async def test_fludarabine_at_clearance_25_stops_the_plan_and_at_60_is_reduced_with_the_rule(app_factory):
    app = app_factory(NK_CELLS, site=SITE)
    async with app.run_test(size=(80, 24)) as pilot:
        await nk_patient(pilot)
        assert flu_doses(app) == [Decimal(money(FLUDARABINE))] * 3  # no renal value: the full 46.13 mg
        await type_into(pilot, "crcl", "25")
        out = app.outcome
        assert out.plan is None and out.errors == {} and out.stop.code == "renal-stop:fludarabine"
        assert "NOT TO BE GIVEN" in out.stop.message and "site policy renal rule" in out.stop.message
        assert "STOPPED" in text_of(app, "#status")
        assert not app.query_one("#f-weight", Input).has_class("-invalid")  # not the weight's fault
        assert "STOPPED" in text_of(app, "#stop-text") and app.query_one("#override-button", Button).display
        await type_into(pilot, "crcl", "60")
        assert app.outcome.ok and app.outcome.stop is None
        assert flu_doses(app) == [Decimal(money(FLUDARABINE * Decimal("0.8")))] * 3  # 36.9 mg
        rows = [r for r in await dose_rows(pilot) if r["Drug"] == "fludarabine"]
        assert all("renal-reduced" in r["Site rules"] for r in rows)
        assert "Renal function:" in text_of(app, "#dose-policy") and "60 mL/min" in text_of(app, "#dose-policy")
        assert "CrCl 60 mL/min" in text_of(app, "#status")
        assert not app.query_one("#limits").display  # no stop and no override: the section is not shown


async def override(pilot, reason: str) -> None:
    """Press the form's override button, give the reason in the dialog, Enter."""
    app = pilot.app
    button = app.query_one("#override-button", Button)
    button.focus()
    await pilot.pause()
    await pilot.press("enter")
    await pilot.pause()
    assert isinstance(app.screen, OverrideDialog)
    for ch in reason:
        await pilot.press(ch if ch.isalnum() else {" ": "space", ",": "comma", "-": "minus"}[ch])
    await pilot.press("enter")
    await pilot.pause()


async def test_a_labelled_maximum_is_overridden_in_a_dialog_and_shown_with_the_dose(app_factory):
    app = app_factory(NK_SITE)
    async with app.run_test(size=(80, 24)) as pilot:
        await patient(pilot, weight="130", height="175", anchor="2027-03-15")
        await choose(pilot, "sex", "M")
        await choose(pilot, "choice-donor", "haploidentical")
        await choose(pilot, "choice-conditioning", "busulfan")
        await choose(pilot, "choice-nk_dose_level", "1")
        assert app.outcome.stop.code == "dose-limit:tocilizumab"

        # an empty reason is refused: the dialog stays, says why, and nothing is overridden
        await override(pilot, "")
        assert isinstance(app.screen, OverrideDialog)
        assert "reason is required" in text_of(app, "#override-status")
        await pilot.press("escape")
        await pilot.pause()
        assert app.outcome.stop.code == "dose-limit:tocilizumab" and app.plan is None

        await override(pilot, "PI agreed 2027-03-10")
        assert app.outcome.stop.code == "dose-limit:abatacept"  # the next limit passed stops it in turn
        await override(pilot, "PI full dose")
        await override(pilot, "PI full dose")
        assert app.outcome.ok, app.outcome
        toci = next(e for e in app.plan.events if e.name == "tocilizumab")
        assert toci.dose.value == 8 * Decimal(130)  # 1,040 mg, given as overridden
        assert toci.overrides[0].reason == "PI agreed 2027-03-10"
        rows = await dose_rows(pilot)
        assert "OVERRIDDEN" in next(r for r in rows if r["Drug"] == "tocilizumab")["Site rules"]
        app.query_one("DoseCheck").select(toci.key)
        await pilot.pause()
        detail = text_of(app, "#dose-calculation")
        assert "OVERRIDDEN dose-limit:tocilizumab" in detail and "reason: PI agreed 2027-03-10" in detail
        assert "OVERRIDDEN" in text_of(app, "#dose-warnings-text")

        # listed in the form, and removed there: the plan stops at the limit again
        listed = [b.code for b in app.query(RemoveOverride)]
        assert listed == ["dose-limit:tocilizumab", "dose-limit:abatacept", "dose-limit:abatacept-day28"]
        first = app.query(RemoveOverride).first()
        first.focus()
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert app.outcome.stop.code == "dose-limit:tocilizumab"
        assert [b.code for b in app.query(RemoveOverride)] == listed[1:]


async def test_a_cli_plan_with_factors_and_an_override_saved_from_the_ui_keeps_its_inputs(app_factory, cli, tmp_path):
    path = tmp_path / "nk.json"
    r = cli(
        "plan",
        NK_CELLS,
        "--weight",
        "70 kg",
        "--height",
        "175cm",
        "--sex",
        "M",
        "--anchor-date",
        "2027-03-15",
        "--site",
        SITE,
        "--birth-date",
        "1960-01-01",
        "--creatinine",
        "1.1mg/dL",
        "--creatinine-date",
        "2026-11-01",
        "--crcl",
        "25",
        "--egfr",
        "70",
        "--lab",
        "alt=40/50",
        "--lab",
        "bilirubin=0.8/1.2",
        "--override",
        "renal-stop:fludarabine",
        "--reason",
        "haematologist's decision, 2027-03-01",
        "--save",
        str(path),
    )
    assert r.code == 0, r.err
    before = json.loads(path.read_text())["inputs"]
    app = app_factory(str(path))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert app.outcome.ok and app.opened_note is None  # no notice: nothing is left out
        assert app.query_one("#f-creatinine", Input).value == "1.1mg/dL"
        assert app.query_one("#f-creatinine_unit", Select).value == "mg/dL"
        assert app.query_one("#f-labs", Input).value == "alt=40/50, bilirubin=0.8/1.2"
        assert [b.code for b in app.query(RemoveOverride)] == ["renal-stop:fludarabine"]
        assert flu_doses(app) == [Decimal(money(FLUDARABINE))] * 3  # overridden: the full dose, as on the CLI
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, PathDialog)
        app.screen.query_one("#path-input").value = str(path)
        await pilot.press("enter")
        await pilot.pause()
    after = json.loads(path.read_text())["inputs"]
    assert json.dumps(after) == json.dumps(before)  # every field, in the same order, as typed


async def test_in_every_new_field_letters_stay_in_it_and_the_f_keys_reach_the_views(app_factory):
    app = app_factory(NK_CELLS)
    async with app.run_test(size=(80, 24)) as pilot:
        await nk_patient(pilot)
        for fid in ("birth_date", "creatinine", "creatinine_date", "crcl", "egfr", "labs"):
            await type_into(pilot, fid, "qwe123")
            assert app.query_one(f"#f-{fid}", Input).value == "qwe123", fid
            assert app.is_running and app.focused.id == f"f-{fid}"
            await pilot.press("f5")
            await pilot.pause()
            assert app.query_one("TabbedContent").active == "tab-doses", fid
            app.query_one(f"#f-{fid}", Input).value = ""
            await pilot.pause()
        focus = app.query_one("#f-creatinine_unit", Select)
        focus.focus()
        await pilot.pause()
        await pilot.press("f3")
        await pilot.pause()
        assert app.query_one("TabbedContent").active == "tab-calendar"


async def test_another_protocol_keeps_the_patients_factors_and_drops_the_overrides(app_factory):
    app = app_factory(NK_CELLS, site=SITE)
    async with app.run_test(size=(80, 24)) as pilot:
        await nk_patient(pilot)
        await type_into(pilot, "birth_date", "1960-01-01")
        await type_into(pilot, "crcl", "25")
        assert app.outcome.stop.code == "renal-stop:fludarabine"
        await override(pilot, "haematologist")
        assert app.outcome.ok and [b.code for b in app.query(RemoveOverride)] == ["renal-stop:fludarabine"]
        await pilot.press("f7", "y")  # the work on screen is not saved: change protocol anyway
        await pilot.pause()
        assert isinstance(app.screen, ProtocolPicker)
        await pick(pilot, "NCT03875495")
        assert app.entry.protocol.id == "NCT03875495"
        assert app.query_one("#f-birth_date", Input).value == "1960-01-01"
        assert app.query_one("#f-crcl", Input).value == "25"
        assert list(app.query(RemoveOverride)) == [] and app.query_one("PatientForm").overrides == {}


async def test_a_cli_plan_leaving_a_choice_to_its_default_and_spelling_sex_out_is_saved_back_unchanged(
    app_factory, cli, tmp_path
):
    # ISLAY: `cycles` defaults to 2 and was not given; sex typed as "male" (the form selects M)
    path = tmp_path / "islay.json"
    r = cli(
        "plan",
        "NCT02999633",
        "--weight",
        "70kg",
        "--height",
        "175cm",
        "--sex",
        "male",
        "--anchor-date",
        "2027-03-01",
        "--save",
        str(path),
    )
    assert r.code == 0, r.err
    before = json.loads(path.read_text())["inputs"]
    assert before["choices"] == {} and before["sex"] == "male"
    app = app_factory(str(path))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert app.outcome.ok and app.query_one("#f-sex", Select).value == "M"
        assert app.query_one("#f-choice-cycles", Select).value == "2"  # the default, shown
        await pilot.press("ctrl+s")
        await pilot.pause()
        app.screen.query_one("#path-input").value = str(path)
        await pilot.press("enter")
        await pilot.pause()
    assert json.dumps(json.loads(path.read_text())["inputs"]) == json.dumps(before)


async def test_an_override_no_limit_calls_for_any_more_is_marked_unused(app_factory):
    app = app_factory(NK_CELLS, site=SITE)
    async with app.run_test(size=(80, 24)) as pilot:
        await nk_patient(pilot)
        await type_into(pilot, "crcl", "25")
        await override(pilot, "haematologist")
        assert app.outcome.ok and "not used" not in text_of(app, ".override-text")
        await type_into(pilot, "crcl", "60")  # the 50-79 band: reduced, no stop - the override is not used
        assert app.outcome.ok and any(w.code == "override-unused" for w in app.plan.warnings)
        assert "not used" in text_of(app, ".override-text")
        assert all(not e.overrides for e in app.plan.events)
