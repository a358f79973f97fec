"""Issue 10 item 8: the checker gets the inputs (weight, height, date measured, policy, choices) and works out
the dosing weight and the BSA; the program's choice of dosing weight is not shown before the answer; prompts
say "units", never "IU"."""

from __future__ import annotations

import io

import pytest

OBESE = [
    "plan",
    "NCT07256210",
    "--weight",
    "120kg",
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
    "example-astct-2014",
    "--measured-on",
    "2026-11-20",
]


@pytest.fixture
def obese_plan(cli, tmp_path):
    path = tmp_path / "obese.json"
    r = cli(*OBESE, "--save", str(path))
    assert r.code == 0, r.err
    return path


def test_the_checker_gets_the_inputs_and_not_the_programs_dosing_weight(cli, obese_plan):
    # 120 kg / 175 cm M: IBW 70.6 kg, 170 % of IBW, so the site rule gives busulfan on adjusted body weight -
    # which the checker must work out, not be told ("from adjusted body weight; site policy" before)
    r = cli("verify", str(obese_plan), "--list")
    assert r.code == 0, r.err
    assert "weight 120kg (120 kg), height 175cm (175 cm), sex M, measured 2026-11-20" in r.out
    assert "site policy Example policy" in r.out
    assert "Arm / dose level (choices): conditioning=busulfan, donor=haploidentical, nk_dose_level=1" in r.out
    busulfan = next(line for line in r.out.splitlines() if line.startswith("busulfan@"))
    assert "from the dosing weight - work it out from the inputs and the site rules" in busulfan
    assert "adjusted body weight" not in r.out and "(site policy)" not in r.out and "; site policy" not in r.out
    assert "dosing weight: adjusted (0.25 x the excess) when actual weight is over 120% of IBW" in busulfan


def test_each_dose_shows_its_route_for_confirmation(cli, obese_plan):
    r = cli("verify", str(obese_plan), "--list")
    busulfan = next(line for line in r.out.splitlines() if line.startswith("busulfan@"))
    assert "(Day -4, Day -3, Day -2), route PO" in busulfan


def test_prompts_say_units_never_iu(cli, plan_file, monkeypatch):
    listing = cli("verify", str(plan_file), "--list").out
    assert "interleukin-2 10 x 10^6 units" in listing and "answer in units" in listing
    typed = "46.13\ny\n3.69\ny\n10 x 10^6 units\ny\n"
    monkeypatch.setattr("sys.stdin", io.StringIO(typed))
    r = cli("verify", str(plan_file), "--checker", "A.B.")
    assert r.code == 0, r.out + r.err
    assert "your dose in units: " in r.out
    assert "IU" not in listing + r.out
