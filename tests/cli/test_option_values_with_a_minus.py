"""Regression: `--weight -70kg` used to stop at argparse ("expected one argument") without saying what is right."""

from __future__ import annotations

from schedplan.cli import main

BASE = [
    "plan",
    "NCT07256210",
    "--height",
    "175cm",
    "--anchor-date",
    "2027-03-15",
    "--set",
    "donor=haploidentical",
    "--set",
    "conditioning=tbi",
    "--set",
    "nk_dose_level=1",
]


def test_negative_weight_reaches_the_plausibility_message(capsys):
    assert main([*BASE, "--weight", "-70kg"]) == 2
    err = capsys.readouterr().err.strip()
    assert err == (
        "schedplan: error: weight '-70kg' (-70 kg) is implausible; it must be more than 0.5 kg and at most 350 kg"
    )


def test_negative_height_reaches_the_plausibility_message(capsys):
    args = [a if a != "175cm" else "-175cm" for a in BASE] + ["--weight", "70kg"]
    assert main(args) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("schedplan: error: height '-175cm' (-175 cm) is implausible")
