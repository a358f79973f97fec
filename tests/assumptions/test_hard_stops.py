"""Issue 10, item 3: limits stop a plan (exit 2, one line naming the limit and its source) unless overridden with
`--override CODE --reason TEXT`, which is recorded with the dose in the plan, its JSON, the plan file, the table and
the calendar. Expected numbers are worked out by hand in each test."""

from __future__ import annotations

import json
from decimal import Decimal as D

import pytest

from schedplan.cli import main
from schedplan.errors import InputError
from schedplan.export.ics import description, summary
from schedplan.export.text import render

NK = [
    "NCT07256210",
    "--height",
    "175cm",
    "--sex",
    "M",
    "--anchor-date",
    "2027-03-15",
    "--set",
    "donor=haploidentical",
    "--set",
    "conditioning=treosulfan",
    "--set",
    "nk_dose_level=1",
]
ISLAY = ["NCT02999633", "--height", "175cm", "--anchor-date", "2027-03-01", "--set", "cycles=1"]


def run(capsys, *argv: str) -> tuple[int, str, str]:
    rc = main(["plan", *argv])
    out, err = capsys.readouterr()
    return rc, out, err


def test_150kg_without_a_policy_tocilizumab_1200_mg_stops(capsys):
    # 8 mg/kg x 150 kg = 1,200 mg > 800 mg; abatacept 10 mg/kg x 150 kg = 1,500 mg > 1,000 mg
    rc, out, err = run(capsys, *NK, "--weight", "150kg")
    assert rc == 2 and out == ""
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert "tocilizumab Day -1: 1,200 mg is over the maximum of 800 mg per dose" in err
    assert "Actemra" in err and "--override dose-limit:tocilizumab" in err
    assert "dose-limit:abatacept" in err and "dose-limit:abatacept-day28" in err


def test_150kg_abatacept_1500_mg_stops_even_with_tocilizumab_overridden(capsys):
    rc, _, err = run(capsys, *NK, "--weight", "150kg", "--override", "dose-limit:tocilizumab", "--reason", "PI agreed")
    assert rc == 2
    assert "abatacept Day -1: 1,500 mg is over the maximum of 1,000 mg per dose" in err and "Orencia" in err


def test_at_the_maximum_no_stop(make_plan):
    # 100 kg: tocilizumab 800 mg exactly, abatacept 1,000 mg exactly - at the limit is inside it
    p = make_plan("NCT07256210", weight="100", donor="haploidentical", conditioning="treosulfan", nk_dose_level="1")
    assert {e.name: e.dose.value for e in p.events if e.name in ("tocilizumab", "abatacept")} == {
        "tocilizumab": D("800"),
        "abatacept": D("1000"),
    }


def test_just_over_the_maximum_stops(make_plan):
    # 100.01 kg x 8 mg/kg = 800.08 mg > 800 mg
    with pytest.raises(InputError) as exc:
        make_plan("NCT07256210", weight="100.01", donor="matched_related", conditioning="treosulfan", nk_dose_level="1")
    assert exc.value.value == "dose-limit:tocilizumab" and "800.08 mg" in str(exc.value)


def test_an_override_is_recorded_with_the_dose_everywhere(capsys, tmp_path):
    saved = tmp_path / "plan.json"
    reasons = {
        "dose-limit:tocilizumab": "CRS prophylaxis per PI, 2027-03-10",
        "dose-limit:abatacept": "PI: full 10 mg/kg",
        "dose-limit:abatacept-day28": "PI: full 10 mg/kg",
    }
    argv = [*NK, "--weight", "150kg", "--format", "json", "--save", str(saved)]
    for code, why in reasons.items():
        argv += ["--override", code, "--reason", why]
    rc, out, _ = run(capsys, *argv)
    assert rc == 0
    doc = json.loads(out)
    toc = next(e for e in doc["events"] if e["event_id"] == "tocilizumab")
    assert toc["dose"]["value"] == 1200  # the dose is not changed by the override
    assert toc["overrides"] == [
        {
            "code": "dose-limit:tocilizumab",
            "limit": "1,200 mg is over the maximum of 800 mg per dose",
            "source": "tocilizumab (Actemra) US prescribing information: doses exceeding 800 mg per infusion are not"
            " recommended",
            "reason": "CRS prophylaxis per PI, 2027-03-10",
        }
    ]
    abatacept = [e for e in doc["events"] if e["name"] == "abatacept"]
    assert len(abatacept) == 4 and all(len(e["overrides"]) == 1 for e in abatacept)
    assert [w for w in doc["warnings"] if w["code"] == "override"][0]["message"].startswith("OVERRIDDEN")
    plan_file = json.loads(saved.read_text())
    assert plan_file["inputs"]["overrides"] == reasons
    assert next(e for e in plan_file["schedule"]["events"] if e["event_id"] == "tocilizumab")["overrides"]


def test_override_shows_in_the_table_and_the_calendar(make_plan):
    over = {"dose-limit:tocilizumab": "PI agreed", "dose-limit:abatacept": "PI", "dose-limit:abatacept-day28": "PI"}
    p = make_plan(
        "NCT07256210",
        weight="150",
        overrides=over,
        donor="haploidentical",
        conditioning="treosulfan",
        nk_dose_level="1",
    )
    toc = next(e for e in p.events if e.event_id == "tocilizumab")
    assert "OVERRIDDEN dose-limit:tocilizumab: 1,200 mg is over the maximum of 800 mg" in description(toc, p)
    assert "reason: PI agreed" in description(toc, p)
    assert summary(toc) == "D-1 Tocilizumab 1,200 mg IV (LIMIT OVERRIDDEN)"
    assert "[OVERRIDDEN: dose-limit:tocilizumab]" in render(p)


def test_replan_keeps_the_saved_override_and_a_missing_reason_is_refused(capsys, tmp_path):
    saved = tmp_path / "plan.json"
    over = [
        "--override",
        "dose-limit:tocilizumab",
        "--reason",
        "PI",
        "--override",
        "dose-limit:abatacept",
        "--reason",
        "PI",
        "--override",
        "dose-limit:abatacept-day28",
        "--reason",
        "PI",
    ]
    assert run(capsys, *NK, "--weight", "150kg", "--save", str(saved), *over)[0] == 0
    assert main(["replan", str(saved), "--weight", "151kg"]) == 0  # overrides kept: 1,208 mg, still recorded
    capsys.readouterr()
    doc = json.loads(saved.read_text())
    toc = next(e for e in doc["schedule"]["events"] if e["event_id"] == "tocilizumab")
    assert toc["dose"]["value"] == 1208 and toc["overrides"][0]["limit"].startswith("1,208 mg")
    assert main(["replan", str(saved), "--override", "measured-bsa"]) == 2
    assert "--reason" in capsys.readouterr().err


def test_islay_acetaminophen_650mg_for_3_5kg_stops(capsys):
    # 15 mg/kg x 3.5 kg = 52.5 mg; 650 mg is more
    islay = [("50cm" if a == "175cm" else a) for a in ISLAY]  # (a repeated --height is refused: issue 17)
    rc, _, err = run(capsys, *islay, "--weight", "3.5kg", "--set", "acetaminophen_dose_mg=650")
    assert rc == 2 and len(err.strip().splitlines()) == 1
    assert "acetaminophen C1 D1: 650 mg is over the maximum of 15 mg/kg x 3.5 kg = 52.5 mg per dose" in err
    assert "acetaminophen labelling" in err and "--override dose-limit:acetaminophen" in err


def test_islay_dexamethasone_2000mg_stops(capsys):
    rc, _, err = run(capsys, *ISLAY, "--weight", "70kg", "--set", "dexamethasone_dose_mg=2000")
    assert rc == 2 and "dexamethasone C1 D1: 2,000 mg is over the maximum of 40 mg per dose" in err
    assert "Sarclisa" in err


def test_islay_usual_premedication_doses_pass(make_plan):
    p = make_plan(
        "NCT02999633",
        cycles="1",
        dexamethasone_dose_mg="40",
        acetaminophen_dose_mg="650",
        ranitidine_dose_mg="50",
        diphenhydramine_dose_mg="50",
    )
    assert not any(e.overrides for e in p.events)


def test_tem_mm_melphalan_over_140_mg_m2_asks_for_confirmation(make_plan):
    choices = {"melphalan_day": "-2", "temferon_day": "1"}
    assert make_plan("NCT03875495", melphalan_dose_mg_m2="140", **choices)  # the reduced dose itself passes
    with pytest.raises(InputError) as exc:
        make_plan("NCT03875495", melphalan_dose_mg_m2="140.5", **choices)
    assert "140.5 mg/m2 is over the maximum of 140 mg/m2 per dose" in str(exc.value)
    assert "reduced-intensity" in str(exc.value)
    p = make_plan(
        "NCT03875495",
        melphalan_dose_mg_m2="200",
        overrides={"dose-limit:melphalan": "full dose, tumour board"},
        **choices,
    )
    mel = next(e for e in p.events if e.name == "melphalan")
    assert mel.dose.value == D("369") and mel.overrides[0].reason == "full dose, tumour board"  # 200 x 1.845


def test_measured_bsa_169_percent_off_stops(capsys):
    # Mosteller 70 kg 175 cm = 1.8447 m2; 4.96 m2 is 168.9 % above it
    rc, _, err = run(
        capsys, "NCT06885476", "--weight", "70kg", "--height", "175cm", "--anchor-date", "2027-03-15", "--bsa", "4.96"
    )
    assert rc == 2 and "the measured BSA 4.96 m2 is 168.9% above the Mosteller BSA" in err
    assert "--override measured-bsa" in err


@pytest.mark.parametrize("bsa, stops", [("2.029", False), ("2.03", True), ("1.661", False), ("1.66", True)])
def test_measured_bsa_limit_is_exact(make_plan, bsa, stops):
    # Mosteller sqrt(70 x 175 / 3600) = 1.844662...; +10 % = 2.029128..., -10 % = 1.660196...
    if stops:
        with pytest.raises(InputError):
            make_plan("NCT06885476", bsa=bsa)
    else:
        assert make_plan("NCT06885476", bsa=bsa)


def test_measured_bsa_limit_from_the_site_policy(make_plan):
    import datetime as dt

    from schedplan.core.patient import Patient
    from schedplan.core.policy import SitePolicy
    from schedplan.core.schedule import plan
    from schedplan.load.protocols import find_protocol

    loose = SitePolicy(name="x", version="1", measured_bsa_max_difference_percent=D("20"))
    patient = Patient(weight_kg=D("70"), height_cm=D("175"), measured_bsa_m2=D("2.1"))  # 13.8 % above
    assert plan(find_protocol("NCT06885476").protocol, patient, dt.date(2027, 3, 15), policy=loose)
    with pytest.raises(InputError):
        plan(find_protocol("NCT06885476").protocol, patient, dt.date(2027, 3, 15))


def test_an_override_that_matches_nothing_is_warned(make_plan):
    p = make_plan("NCT06885476", overrides={"dose-limit:il-2": "typo"})
    assert [w.code for w in p.warnings if w.code.startswith("override")] == ["override-unused"]
