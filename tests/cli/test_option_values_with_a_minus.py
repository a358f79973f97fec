"""Regression: `--weight -70kg` used to stop at argparse ("expected one argument") without saying what is right."""

from __future__ import annotations

from schedplan.cli import main

BASE = ["plan", "NCT07256210", "--height", "175cm", "--anchor-date", "2027-03-15",
        "--set", "donor=haploidentical", "--set", "conditioning=tbi", "--set", "nk_dose_level=1"]


def test_negative_weight_reaches_the_plausibility_message(capsys):
    assert main([*BASE, "--weight", "-70kg"]) == 2
    err = capsys.readouterr().err.strip()
    assert err == "schedplan: error: weight '-70kg' (-70 kg) is implausible; it must be more than 0.5 kg and at most 350 kg"


def test_a_negative_day_can_follow_set_with_a_space(capsys):
    argv = ["plan", "NCT03875495", "--weight", "70kg", "--height", "175cm", "--anchor-date", "2027-03-15",
            "--set", "melphalan_dose_mg_m2=140", "--set", "melphalan_day=-3", "--format", "json"]
    assert main(argv) == 0
    assert '"melphalan_day": -3' in capsys.readouterr().out
