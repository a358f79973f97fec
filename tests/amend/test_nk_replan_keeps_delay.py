"""NK-cell protocol: the day +5 NK infusion delayed 2 days, then `replan --anchor-date` moves everything and the
delay is kept (issue 12)."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

PLAN = (
    "plan",
    "NCT07256210",
    "--weight",
    "70kg",
    "--height",
    "175cm",
    "--anchor-date",
    "2026-03-02",
    "--set",
    "donor=haploidentical",
    "--set",
    "conditioning=treosulfan",
    "--set",
    "nk_dose_level=1",
)


def _nk(data):
    return {e["day"]: e for e in data["events"] if e["event_id"] == "nk-cells"}


def test_replan_keeps_the_delay_of_the_day_5_nk_infusion(cli, tmp_path):
    plan = tmp_path / "nk.json"
    assert cli(*PLAN, "--save", str(plan)).code == 0
    r = cli(
        "amend",
        str(plan),
        "delay",
        "--drug",
        "nk-cells",
        "--day",
        "5",
        "--days",
        "2",
        "--reason",
        "fever on day +4",
        "--by",
        "RN Jones",
    )
    assert r.code == 0, r.err
    assert "2026-03-07 -> 2026-03-09" in r.out  # day 0 2026-03-02 + 5 days, then 2 more
    r = cli("replan", str(plan), "--anchor-date", "2026-03-16")
    assert r.code == 0, r.err
    assert "kept 1 amendment" in r.err
    data = json.loads(cli("show", str(plan), "--format", "json").out, parse_float=Decimal)
    day0 = dt.date(2026, 3, 16)
    nk = _nk(data)
    assert nk[-12]["date"] == (day0 - dt.timedelta(days=12)).isoformat()  # moved with day 0, not delayed
    # the delayed infusion is on day +7 now: its day and label are the calendar day's, the planned date is kept
    assert nk[7]["planned_date"] == (day0 + dt.timedelta(days=5)).isoformat()
    assert nk[7]["date"] == (day0 + dt.timedelta(days=7)).isoformat() and nk[7]["label"] == "Day +7"
    for e in data["events"]:
        assert e["date"] == (day0 + dt.timedelta(days=e["day"])).isoformat()
    assert data["amendments"][0]["select"]["key"] == nk[7]["key"]


def test_modify_by_dose_level_uses_the_protocols_level(cli, tmp_path):
    plan = tmp_path / "nk.json"
    made = cli(*PLAN[:-2], "--set", "nk_dose_level=2", "--save", str(plan))
    assert made.code == 0, made.err
    r = cli(
        "amend",
        str(plan),
        "modify",
        "--drug",
        "nk-cells",
        "--day",
        "5",
        "--dose-level",
        "1",
        "--reason",
        "cell yield",
        "--by",
        "Dr Who",
    )
    assert r.code == 0, r.err
    nk = _nk(json.loads(cli("show", str(plan), "--format", "json").out, parse_float=Decimal))
    # level 2 is 20 x 10^6 cells/kg for both infusions, level 1 is 10 x 10^6; day +5 gets 1/3 of the total:
    # day -12 keeps level 2: 70 kg x 20e6 x 2/3 = 933,333,333.33 -> 933,333,333 cells;
    # day +5 at level 1: 70 kg x 10e6 x 1/3 = 233,333,333.33 -> 233,333,333 cells
    assert nk[-12]["dose"]["value"] == Decimal(933333333) and nk[-12]["modification"] is None
    assert nk[5]["dose"]["value"] == Decimal(233333333)
    assert nk[5]["modification"] == {"dose_level": "1", "amendment": 1, "reason": "cell yield"}
    step = "dose level 1 (dose modification for Day +5: cell yield, amendment 1)"
    assert nk[5]["dose"]["calculation"].startswith(step)
    bad = cli(
        "amend",
        str(plan),
        "modify",
        "--drug",
        "fludarabine",
        "--day",
        "-14",
        "--dose-level",
        "1",
        "--reason",
        "x",
        "--by",
        "Dr Who",
    )
    assert bad.code == 2 and "no dose at level 1" in bad.err, bad.err


def test_replans_change_report_shows_the_doses_as_they_stand(cli, tmp_path):
    # regression (user test): after a dose set by hand (500 mg) and an 80 % modification, replan to 65 kg reported
    # "abatacept 620 mg -> 650 mg" for both, though neither stood at 620. Abatacept 10 mg/kg: 62 kg -> 620 mg,
    # 65 kg -> 650 mg; set by hand: 500 mg before and after (no change); 80 %: 496 mg -> 520 mg
    plan = tmp_path / "nk.json"
    made = ["plan", "NCT07256210", "--weight", "62kg", "--height", "168cm", "--sex", "F", "--anchor-date", "2027-03-15"]
    made += ["--set", "donor=haploidentical", "--set", "conditioning=busulfan", "--set", "nk_dose_level=2"]
    assert cli(*made, "--save", str(plan)).code == 0
    by = ["--reason", "infusion reaction", "--by", "PharmD B"]
    assert cli("amend", str(plan), "modify", "--drug", "abatacept", "--day", "7", "--dose", "500 mg", *by).code == 0
    assert cli("amend", str(plan), "modify", "--drug", "abatacept", "--day", "28", "--percent", "80", *by).code == 0
    r = cli("replan", str(plan), "--weight", "65kg")
    assert r.code == 0, r.err
    lines = [line for line in (r.out + r.err).splitlines() if "abatacept" in line]
    day7 = [line for line in lines if "Day +7 " in line]
    day28 = [line for line in lines if "Day +28" in line]
    assert day7 == [] or all("-> 650" not in line for line in day7), lines
    assert any("496 mg -> 520 mg" in line for line in day28), lines
