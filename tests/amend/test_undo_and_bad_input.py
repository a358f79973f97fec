"""Undo restores the earlier values and the history shows both; bad input is one line, exit 2, the file untouched."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

PLAN = ("plan", "NCT02999633", "--weight", "60kg", "--height", "170cm", "--anchor-date", "2026-01-05")
WHO = ("--by", "RN Smith")


@pytest.fixture
def plan(cli, tmp_path):
    path = tmp_path / "islay.json"
    assert cli(*PLAN, "--save", str(path)).code == 0
    return path


def _show(cli, path):
    return json.loads(cli("show", str(path), "--format", "json").out, parse_float=Decimal)


def test_undo_restores_the_earlier_values_and_history_shows_both(cli, plan):
    original = _show(cli, plan)
    assert (
        cli(
            "amend",
            str(plan),
            "modify",
            "--drug",
            "isatuximab",
            "--cycle",
            "1",
            "--day",
            "8",
            "--dose",
            "1000 mg",
            "--reason",
            "renal function",
            *WHO,
        ).code
        == 0
    )
    assert (
        cli(
            "amend",
            str(plan),
            "delay",
            "--drug",
            "isatuximab",
            "--cycle",
            "1",
            "--day",
            "8",
            "--days",
            "3",
            "--reason",
            "infusion reaction",
            *WHO,
        ).code
        == 0
    )
    mid = _show(cli, plan)
    c1d8 = next(e for e in mid["events"] if e["key"] == "isatuximab/c1/2")
    assert c1d8["dose"]["value"] == 1000 and c1d8["date"] == "2026-01-15"  # 2026-01-12 + 3
    r = cli("amend", str(plan), "undo", "1", "--reason", "entered on the wrong patient", *WHO)
    assert r.code == 0, r.err
    assert "1,000 mg -> 1,200 mg" in r.out
    r = cli("amend", str(plan), "undo", "2", "--reason", "entered on the wrong patient", *WHO)
    assert r.code == 0, r.err
    after = _show(cli, plan)
    assert [(e["key"], e["date"], e["dose"]) for e in after["events"]] == [
        (e["key"], e["date"], e["dose"]) for e in original["events"]
    ]
    assert [(a["number"], a["undone_by"]) for a in after["amendments"]] == [(1, 3), (2, 4), (3, None), (4, None)]
    table = cli("show", str(plan), "--history").out
    assert "modify" in table and "[UNDONE by 3]" in table and "undo" in table


def test_a_plan_file_without_amendments_has_no_amendments_key(cli, plan):
    assert "amendments" not in json.loads(plan.read_text())


def _refused(cli, plan, *argv, says):
    before = plan.read_bytes()
    r = cli(*argv)
    assert r.code == 2, r.err
    assert len(r.err.strip().splitlines()) == 1 and says in r.err, r.err
    assert "Traceback" not in r.err
    assert plan.read_bytes() == before


def test_bad_input_is_one_line_exit_2_file_untouched(cli, plan, tmp_path):
    p = str(plan)
    _refused(
        cli,
        plan,
        "amend",
        str(tmp_path / "nope.json"),
        "hold",
        "--drug",
        "isatuximab",
        "--cycle",
        "1",
        "--day",
        "1",
        "--reason",
        "x",
        *WHO,
        says="does not exist",
    )
    _refused(
        cli,
        plan,
        "amend",
        p,
        "delay",
        "--cycle",
        "3",
        "--days",
        "7",
        "--reason",
        "x",
        *WHO,
        says="the plan has cycles 1, 2",
    )
    _refused(cli, plan, "amend", p, "delay", "--cycle", "2", "--days", "0", "--reason", "x", *WHO, says="--days 0")
    _refused(cli, plan, "amend", p, "delay", "--cycle", "2", "--days=-3", "--reason", "x", *WHO, says="--days -3")
    _refused(
        cli,
        plan,
        "amend",
        p,
        "modify",
        "--drug",
        "isatuximab",
        "--from-cycle",
        "2",
        "--percent",
        "201",
        "--reason",
        "x",
        *WHO,
        says="1 to 200",
    )
    _refused(
        cli,
        plan,
        "amend",
        p,
        "modify",
        "--drug",
        "isatuximab",
        "--from-cycle",
        "2",
        "--percent",
        "0",
        "--reason",
        "x",
        *WHO,
        says="1 to 200",
    )
    _refused(
        cli,
        plan,
        "amend",
        p,
        "hold",
        "--drug",
        "isatuximab",
        "--cycle",
        "1",
        "--day",
        "1",
        "--reason",
        "  ",
        *WHO,
        says="--reason is required and cannot be empty",
    )
    _refused(cli, plan, "amend", p, "undo", "5", "--reason", "x", *WHO, says="no such amendment")


def test_no_match_or_several_list_the_candidates(cli, plan):
    p = str(plan)
    _refused(
        cli,
        plan,
        "amend",
        p,
        "hold",
        "--drug",
        "isatuximab",
        "--day",
        "8",
        "--reason",
        "x",
        *WHO,
        says="2 administrations match (add --cycle K): isatuximab C1 D8 2026-01-12; isatuximab C2 D8 2026-02-09",
    )
    _refused(
        cli,
        plan,
        "amend",
        p,
        "hold",
        "--drug",
        "isatuximab",
        "--cycle",
        "1",
        "--day",
        "9",
        "--reason",
        "x",
        *WHO,
        says="no administration of isatuximab matches; candidates: isatuximab C1 D1 2026-01-05",
    )
    _refused(
        cli,
        plan,
        "amend",
        p,
        "hold",
        "--drug",
        "melphalan",
        "--day",
        "1",
        "--reason",
        "x",
        *WHO,
        says="names no event of this plan",
    )


def test_given_by_date_and_a_dose_past_the_tolerance_warns(cli, tmp_path):
    path = tmp_path / "p.json"
    assert cli(*PLAN, "--site", "example-astct-2014", "--save", str(path)).code == 0
    # the example policy's check tolerance is 1 %: 1200 mg planned, 1,212 is 1 % off (no warning), 1,213 is not
    r = cli("amend", str(path), "given", "--drug", "isatuximab", "--date", "2026-01-05", "--dose", "1212 mg", *WHO)
    assert r.code == 0 and "warning" not in r.err, r.err
    r = cli("amend", str(path), "given", "--drug", "isatuximab", "--date", "2026-01-12", "--dose", "1213 mg", *WHO)
    assert r.code == 0 and "more than the check tolerance (1%)" in r.err, r.err


def test_site_policy_rules_still_apply_after_a_modification_and_say_so(cli, tmp_path):
    policy = tmp_path / "site.yaml"
    policy.write_text("name: test\nversion: 1\nrounding:\n  - to: 25\n    unit: mg\n    max_change_percent: 5\n")
    path = tmp_path / "p.json"
    made = cli(*PLAN, "--site", str(policy), "--save", str(path))
    assert made.code == 0, made.err
    r = cli(
        "amend",
        str(path),
        "modify",
        "--drug",
        "isatuximab",
        "--cycle",
        "1",
        "--day",
        "1",
        "--percent",
        "83",
        "--reason",
        "toxicity",
        *WHO,
    )
    assert r.code == 0, r.err
    e = next(e for e in _show(cli, path)["events"] if e["key"] == "isatuximab/c1/1")
    # 1200 x 83 % = 996 mg; the site rounds to the nearest 25 mg: 1000 mg (0.4 % change)
    assert e["dose"]["value"] == 1000 and e["dose"]["calculated_value"] == 996
    assert "996 mg rounded to the nearest 25 mg: 1,000 mg" in e["dose"]["calculation"]
    assert "after the dose modification" in e["dose"]["calculation"]


def test_holding_a_held_or_given_administration_is_refused(cli, plan):
    p = str(plan)
    sel = ("--drug", "isatuximab", "--cycle", "1", "--day", "1")
    assert cli("amend", p, "hold", *sel, "--reason", "fever", *WHO).code == 0
    _refused(cli, plan, "amend", p, "hold", *sel, "--reason", "fever", *WHO, says="is already held; undo that first")
    _refused(cli, plan, "amend", p, "given", *sel, *WHO, says="is held; undo the hold first")


def test_a_plan_file_with_misnumbered_amendments_is_refused_in_one_line(cli, plan):
    assert (
        cli(
            "amend", str(plan), "hold", "--drug", "isatuximab", "--cycle", "1", "--day", "1", "--reason", "fever", *WHO
        ).code
        == 0
    )
    data = json.loads(plan.read_text())
    data["amendments"][0]["number"] = 3
    plan.write_text(json.dumps(data))
    r = cli("show", str(plan))
    assert r.code == 2 and "amendments are numbered 1, 2, 3 in order" in r.err and len(r.err.splitlines()) == 1


def test_replan_reports_an_amendment_that_no_longer_applies_and_keeps_it(cli, plan):
    p = str(plan)
    assert cli("amend", p, "delay", "--cycle", "2", "--days", "7", "--reason", "counts", *WHO).code == 0
    r = cli("replan", p, "--set", "cycles=1")  # cycle 2 is gone
    assert r.code == 0, r.err
    assert "amendment 1 no longer applies: the plan has no cycle 2 any more" in r.err
    data = _show(cli, plan)
    assert [a["number"] for a in data["amendments"]] == [1]  # kept, not dropped
    assert data["amendments_not_applying"] == [{"number": 1, "why": "the plan has no cycle 2 any more"}]
    assert cli("replan", p, "--set", "cycles=2").code == 0  # cycle 2 back: the delay applies again
    c2 = next(e for e in _show(cli, plan)["events"] if e["key"] == "isatuximab/c2/1")
    assert c2["date"] == "2026-02-09" and c2["planned_date"] == "2026-02-02"


def test_holding_a_dose_says_its_premedications_that_day_are_still_planned(cli, tmp_path):
    # ISLAY C1 D22: isatuximab is held for a fever; dexamethasone, acetaminophen, ranitidine and diphenhydramine
    # are given before each isatuximab dose in the record, and schedplan does not hold them for the nurse
    plan = tmp_path / "islay.json"
    made = ["plan", "NCT02999633", "--weight", "60kg", "--height", "170cm", "--anchor-date", "2026-01-05"]
    assert cli(*made, "--save", str(plan)).code == 0
    held = ["--drug", "isatuximab", "--cycle", "1", "--day", "22", "--reason", "fever", "--by", "RN Smith"]
    r = cli("amend", str(plan), "hold", *held)
    assert r.code == 0, r.err
    said = r.out + r.err
    assert "isatuximab C1 D22 is held, and its premedications that day are still planned" in said, said
    assert "dexamethasone" in said.split("still planned", 1)[1]
    shown = cli("show", str(plan), "--format", "json")
    data = json.loads(shown.out)
    premeds = [e for e in data["events"] if e["premedication_for"] == "isatuximab" and e["label"] == "C1 D22"]
    assert premeds and all(e["status"] == "planned" for e in premeds)


FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


def test_the_premedication_warning_follows_the_event_id_not_the_name(cli, tmp_path):
    # regression: premedication_for holds an event id; comparing it with the drug's name missed "ritux"/rituximab
    plan = tmp_path / "r.json"
    made = ["plan", str(FIXTURES / "premed-id-not-name.yaml"), "--weight", "70kg", "--height", "175cm"]
    assert cli(*made, "--anchor-date", "2027-03-15", "--save", str(plan)).code == 0
    r = cli("amend", str(plan), "hold", "--drug", "rituximab", "--day", "-1", "--reason", "fever", "--by", "RN A")
    assert r.code == 0, r.err
    assert "rituximab Day -1 is held, and its premedications that day are still planned (paracetamol)" in r.out + r.err


def test_an_amendment_edited_by_hand_onto_an_event_without_a_dose_is_reported_not_a_crash(cli, tmp_path):
    # regression: a modify whose selection was edited by hand to the transplant (no dose) crashed show, verify and
    # print with an internal error; it is an amendment that no longer applies, said as such
    plan = tmp_path / "r.json"
    made = ["plan", str(FIXTURES / "premed-id-not-name.yaml"), "--weight", "70kg", "--height", "175cm"]
    assert cli(*made, "--anchor-date", "2027-03-15", "--save", str(plan)).code == 0
    modify = ["--drug", "rituximab", "--day", "-1", "--percent", "80", "--reason", "toxicity", "--by", "PharmD B"]
    assert cli("amend", str(plan), "modify", *modify).code == 0
    data = json.loads(plan.read_text())
    data["amendments"][0]["select"] = {"key": "transplant/1"}
    plan.write_text(json.dumps(data, indent=2))
    shown = cli("show", str(plan))
    assert shown.code == 0, shown.err
    assert "amendment 1" in shown.out + shown.err and "has no calculated dose to modify" in shown.out + shown.err
    status = cli("verify", str(plan), "--status")
    assert status.code in (0, 1) and "internal error" not in status.err


def test_one_administration_of_several_a_day_can_be_held(cli, tmp_path):
    # regression (review): with busulfan every 6 hours, "--drug busulfan --day -7" matched the day's 4 doses and the
    # hint "add --date" could not tell them apart; --administration N (n of 16, as the plan numbers them) can.
    # From 06:00 every 6 hours, day -7 has 06:00, 12:00 and 18:00 (1-3 of 16); 00:00 is day -6
    plan = tmp_path / "bu.json"
    made = ["plan", str(FIXTURES / "times" / "busulfan-q6h.yaml"), "--weight", "62kg", "--height", "170cm"]
    assert cli(*made, "--anchor-date", "2027-05-10", "--save", str(plan)).code == 0
    ambiguous = cli("amend", str(plan), "hold", "--drug", "busulfan", "--day", "-7", "--reason", "x", "--by", "RN A")
    assert ambiguous.code == 2 and "add --administration N, 1 to 3" in ambiguous.err, ambiguous.err
    assert "06:00 (1 of 16)" in ambiguous.err and "12:00 (2 of 16)" in ambiguous.err
    one = ["--drug", "busulfan", "--day", "-7", "--administration", "2", "--reason", "vomited", "--by", "RN A"]
    r = cli("amend", str(plan), "hold", *one)
    assert r.code == 0, r.err
    shown = json.loads(cli("show", str(plan), "--format", "json").out)
    held = [(e["day"], e["administration"]) for e in shown["events"] if e["status"] == "held"]
    assert held == [(-7, {"n": 2, "of": 16})]


def test_a_dose_given_stays_what_it_was_when_a_replan_changes_the_weight(cli, tmp_path):
    # regression (user test): `given` without --dose recorded no amount, so a replan to 65 kg rewrote what had been
    # given. ISLAY 60 kg: isatuximab 20 mg/kg x 60 = 1,200 mg given on C1 D1; at 65 kg the plan is 1,300 mg a dose
    plan = tmp_path / "islay.json"
    made = ["plan", "NCT02999633", "--weight", "60kg", "--height", "170cm", "--anchor-date", "2026-01-05"]
    assert cli(*made, "--save", str(plan)).code == 0
    given = ["--drug", "isatuximab", "--cycle", "1", "--day", "1", "--at", "2026-01-05 09:10", "--by", "RN A"]
    assert cli("amend", str(plan), "given", *given).code == 0
    assert cli("replan", str(plan), "--weight", "65kg").code == 0
    data = json.loads(cli("show", str(plan), "--format", "json").out)
    c1d1 = next(e for e in data["events"] if e["name"] == "isatuximab" and e["cycle"] == 1 and e["day"] == 1)
    assert str(c1d1["given"]["value"]) == "1200" and str(c1d1["dose"]["value"]) == "1300"


def test_conditioning_delayed_past_day_0_is_warned_and_labelled_by_its_new_day(cli, tmp_path):
    # regression (user test): busulfan day -2 delayed 5 days landed after the transplant as "Day -2", silently.
    # Day 0 2027-03-15: day -2 is 2027-03-13, +5 days is 2027-03-18 = day +3
    plan = tmp_path / "nk.json"
    made = ["plan", "NCT07256210", "--weight", "62kg", "--height", "168cm", "--sex", "F", "--anchor-date", "2027-03-15"]
    made += ["--set", "donor=haploidentical", "--set", "conditioning=busulfan", "--set", "nk_dose_level=2"]
    assert cli(*made, "--save", str(plan)).code == 0
    delay = ["--drug", "busulfan", "--day", "-2", "--days", "5", "--reason", "vomiting", "--by", "N.R."]
    r = cli("amend", str(plan), "delay", *delay)
    assert r.code == 0, r.err
    assert "busulfan Day -2 (conditioning) is now on Day +3, 2027-03-18: on or after day 0" in r.out + r.err
    data = json.loads(cli("show", str(plan), "--format", "json").out)
    moved = next(e for e in data["events"] if e["name"] == "busulfan" and e["planned_date"] == "2027-03-13")
    assert (moved["date"], moved["day"], moved["label"]) == ("2027-03-18", 3, "Day +3")


def test_a_percent_typed_with_its_sign_is_read(cli, tmp_path):
    # user test: "--percent 80%" was refused as not a number; 80 % of 1,200 mg (60 kg x 20 mg/kg) is 960 mg
    plan = tmp_path / "islay.json"
    made = ["plan", "NCT02999633", "--weight", "60kg", "--height", "170cm", "--anchor-date", "2026-01-05"]
    assert cli(*made, "--save", str(plan)).code == 0
    mod = ["--drug", "isatuximab", "--cycle", "1", "--day", "8", "--percent", "80%", "--reason", "tox", "--by", "Ph"]
    r = cli("amend", str(plan), "modify", *mod)
    assert r.code == 0, r.err
    assert "1,200 mg -> 960 mg" in r.out
