"""Patient factors on the command line (issue 16): bad input is one line and exit 2; what is given is saved in the
plan file only when given, shown in the header, and a replan that changes renal function flags its doses."""

from __future__ import annotations

import json

import pytest

NK_CELLS = "NCT06885476"
BASE = ["--weight", "70kg", "--height", "175cm", "--sex", "M", "--anchor-date", "2027-03-15"]


def one_line_exit_2(run, *pieces: str) -> None:
    assert run.code == 2, (run.code, run.out, run.err)
    assert run.out == "" and "Traceback" not in run.err
    lines = run.err.strip().splitlines()
    assert len(lines) == 1, run.err
    for piece in pieces:
        assert piece in lines[0], lines[0]


@pytest.mark.parametrize(
    ("extra", "pieces"),
    [
        (["--creatinine", "1.1"], ("has no unit", "mg/dL", "umol/L")),
        (["--creatinine", "1.1", "mmol/L"], ("unknown unit",)),
        (["--creatinine", "-1.1", "mg/dL"], ("negative",)),
        (["--birth-date", "2027-03-16"], ("birth date", "after the anchor date 2027-03-15")),
        (["--birth-date", "1960-02-30"], ("not a real date",)),
        (["--crcl", "-60"], ("negative", "--crcl")),
        (["--crcl", "0"], ("more than 0",)),
        (["--crcl", "sixty"], ("not a number",)),
        (["--egfr", "-5"], ("negative", "--egfr")),
        (["--lab", "alt=-40/50"], ("ALT", "negative")),
        (["--lab", "alt=40/-50"], ("upper limit of normal", "negative")),
        (["--lab", "alt"], ("NAME=VALUE",)),
        (["--lab", "potassium=4"], ("not a value schedplan knows",)),
        (["--lab", "creatinine=1.1"], ("--creatinine VALUE UNIT",)),
        (["--lab", "oxygen_saturation=96/100"], ("no upper limit of normal",)),
        (["--creatinine-date", "2027-03-01"], ("without --creatinine",)),
    ],
)
def test_bad_factor_is_one_line_exit_2(cli, extra, pieces):
    one_line_exit_2(cli("plan", NK_CELLS, *BASE, *extra, "--format", "json"), *pieces)


def test_a_plan_file_without_factors_has_no_factor_keys(cli, tmp_path):
    path = tmp_path / "plan.json"
    assert cli("plan", NK_CELLS, *BASE, "--save", str(path)).code == 0
    inputs = json.loads(path.read_text())["inputs"]
    assert list(inputs) == [
        "weight",
        "height",
        "sex",
        "bsa_formula",
        "bsa",
        "anchor_date",
        "choices",
        "site",
        "measured_on",
    ]


def test_factors_are_saved_as_typed_and_shown_in_the_header(cli, tmp_path):
    path = tmp_path / "plan.json"
    r = cli(
        "plan",
        NK_CELLS,
        *BASE,
        "--birth-date",
        "1960-01-01",
        "--creatinine",
        "97",
        "umol/L",
        "--creatinine-date",
        "2026-11-01",
        "--lab",
        "alt=40/50",
        "--save",
        str(path),
    )
    assert r.code == 0, r.err
    assert "Age: 67 years (an adult) on 2027-03-10, the first day (born 1960-01-01)" in r.out
    inputs = json.loads(path.read_text())["inputs"]
    assert inputs["birth_date"] == "1960-01-01" and inputs["creatinine"] == "97 umol/L"
    assert inputs["creatinine_date"] == "2026-11-01" and inputs["labs"] == {"alt": "40/50"}
    schedule = json.loads(path.read_text())["schedule"]
    assert schedule["patient"]["age_years"] == 67 and schedule["patient"]["child"] is False


def test_a_child_is_called_a_child(cli):
    r = cli("plan", NK_CELLS, *BASE, "--birth-date", "2015-06-01", "--format", "json")
    assert r.code == 0, r.err
    data = json.loads(r.out)
    assert data["patient"]["age_years"] == 11 and data["patient"]["child"] is True
    assert "11 years (a child)" in data["patient"]["age_text"]
    # the record's "Age >= 18 years" is not met, and the warning says why in child/adult words
    assert any(w["code"] == "eligibility-not-met" and "11 years (a child)" in w["message"] for w in data["warnings"])


def test_replan_renal_change_past_the_threshold_flags_fludarabine(cli, tmp_path):
    path = tmp_path / "plan.json"
    assert cli("plan", NK_CELLS, *BASE, "--site", "example-astct-2014", "--crcl", "85", "--save", str(path)).code == 0
    r = cli("replan", str(path), "--crcl", "60")  # (60 - 85) / 85 = -29.4 %, past the example's 10 %
    assert r.code == 0, r.err
    assert "! RECALCULATION REQUIRED - Renal function 85 -> 60 (-29.4%)" in r.out
    flagged = [line for line in r.out.splitlines() if line.startswith("! Day")]
    assert len(flagged) == 3 and all("fludarabine" in line for line in flagged)  # 46.13 -> 36.9 mg
    assert json.loads(path.read_text())["inputs"]["crcl"] == "60"


def test_replan_renal_change_within_the_threshold_flags_nothing(cli, tmp_path):
    path = tmp_path / "plan.json"
    assert cli("plan", NK_CELLS, *BASE, "--site", "example-astct-2014", "--crcl", "90", "--save", str(path)).code == 0
    r = cli("replan", str(path), "--crcl", "85", "--dry-run")  # -5.6 %
    assert r.code == 0, r.err
    assert "within the site's 10% threshold" in r.out and "RECALCULATION" not in r.out


def test_replan_with_a_new_creatinine_drops_the_old_creatinine_date(cli, tmp_path):
    path = tmp_path / "plan.json"
    r = cli(
        "plan",
        NK_CELLS,
        *BASE,
        "--birth-date",
        "1960-01-01",
        "--creatinine",
        "1.0",
        "mg/dL",
        "--creatinine-date",
        "2026-11-01",
        "--save",
        str(path),
    )
    assert r.code == 0, r.err
    assert cli("replan", str(path), "--creatinine", "1.4", "mg/dL").code == 0
    inputs = json.loads(path.read_text())["inputs"]
    assert inputs["creatinine"] == "1.4 mg/dL" and "creatinine_date" not in inputs
