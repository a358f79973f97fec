"""A weight and a height that do not fit each other stop the plan (user-test finding: 6.2 kg for 62 kg at 168 cm
gave a tenfold underdose with no warning): a body-mass index outside 10 to 80 kg/m2 is a hard stop with a recorded
override, like every other limit."""

from __future__ import annotations

import json

import pytest

BASE = ["plan", "NCT07256210", "--sex", "F", "--anchor-date", "2027-03-15", "--set", "donor=haploidentical"]
BASE += ["--set", "conditioning=busulfan", "--set", "nk_dose_level=2", "--format", "json"]


@pytest.mark.parametrize(
    ("weight", "height", "bmi"),
    [
        ("6.2kg", "168cm", "2.2"),  # 6.2 / 1.68^2 = 2.197: a decimal slip of 62 kg
        ("62kg", "35cm", "506.1"),  # 62 / 0.35^2 = 506.12: 135 cm missing its 1
    ],
)
def test_a_weight_and_height_that_do_not_fit_stop_the_plan(cli, weight, height, bmi):
    r = cli(*BASE, "--weight", weight, "--height", height)
    assert r.code == 2 and r.out == ""
    assert f"body-mass index of {bmi} kg/m2, outside 10 to 80" in r.err and "--override weight-height" in r.err


def test_confirmed_with_a_reason_the_plan_is_made_and_says_so(cli):
    r = cli(*BASE, "--weight", "6.2kg", "--height", "168cm", "--override", "weight-height", "--reason", "checked")
    assert r.code == 0, r.err
    fludarabine = next(e for e in json.loads(r.out)["events"] if e["name"] == "fludarabine")
    assert [o["code"] for o in fludarabine["overrides"]] == ["weight-height"]


@pytest.mark.parametrize(("weight", "height"), [("3.5kg", "50cm"), ("38kg", "175cm"), ("200kg", "160cm")])
def test_real_patients_at_the_extremes_are_not_stopped(cli, weight, height):
    # a newborn (BMI 14.0), severe anorexia (12.4), extreme obesity (78.1): inside the bound
    r = cli(*BASE, "--weight", weight, "--height", height)
    assert "weight-height" not in r.err, r.err
