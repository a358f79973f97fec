"""Issue 10 item 5: under 152.4 cm a dosing-weight rule cannot use Devine; the site policy must say what to do.

100 kg, 150 cm woman, busulfan 12 mg/kg/course over 3 days = 4 mg/kg a day, ABW25 over 120 % of IBW:
- actual weight: 4 x 100 = 400 mg (what was given before, silently, with a warning about children);
- Devine extrapolated: 150 / 2.54 = 59.0551 in; 45.5 + 2.3 x (59.0551 - 60) = 43.3268 -> 43.33 kg;
  100 / 43.33 = 230.8 % (over 120 %); ABW25 43.33 + 0.25 x (100 - 43.33) = 57.4975 -> 57.5 kg; 4 x 57.5 = 230 mg.
"""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from schedplan.core.dosing import calculate
from schedplan.core.patient import Patient, Sex, devine_extrapolated
from schedplan.core.policy import SitePolicy
from schedplan.core.protocol import Dose
from schedplan.errors import InputError

RULE = {"drugs": ["busulfan"], "weight": "adjusted", "adjusted_factor": "0.25", "over_percent_ibw": 120}


def busulfan(setting: str | None, weight="100", height="150", sex=Sex.FEMALE):
    extra = {} if setting is None else {"below_devine_height": setting}
    policy = SitePolicy(name="p", version="1", dosing_weight=[RULE], **extra)
    patient = Patient(weight_kg=D(weight), height_cm=D(height), sex=sex)
    return calculate(
        Dose(amount=D(12), unit="mg/kg", per="course"), D(12), patient, course_days=3, policy=policy, drug="busulfan"
    )


def test_short_adult_without_a_below_devine_height_setting_stops_and_says_what_to_set():
    with pytest.raises(InputError) as err:
        busulfan(None)
    msg = str(err.value)
    assert "152.4 cm" in msg and "below_devine_height: extrapolate, actual_weight or refuse" in msg
    assert "child" not in msg  # there is no age input: the height is what is known
    assert err.value.field == "height"


def test_short_adult_under_extrapolate_gets_abw25_of_the_extrapolated_devine_weight():
    c = busulfan("extrapolate")
    assert c.value == D("230")
    assert [r.rule for r in c.rules] == ["dosing-weight"]
    assert "43.33 kg" in c.rules[0].detail and "extrapolated" in c.rules[0].detail
    assert "57.5 kg" in c.calculation


def test_devine_extrapolated_by_hand():
    assert devine_extrapolated(Sex.FEMALE, D(150)) == D("43.33")
    # at 152.4 cm it is Devine's own 45.5 / 50 kg
    assert devine_extrapolated(Sex.FEMALE, D("152.4")) == D("45.5")
    assert devine_extrapolated(Sex.MALE, D("152.4")) == D("50")


def test_short_adult_under_actual_weight_is_dosed_on_actual_weight_and_told_without_guessing_age():
    c = busulfan("actual_weight")
    assert c.value == D("400")
    (r,) = c.rules
    assert r.rule == "dosing-weight-not-evaluated" and "under 152.4 cm" in r.detail
    assert "child" not in r.detail


def test_short_adult_under_refuse_stops():
    with pytest.raises(InputError, match="refuses"):
        busulfan("refuse")


def test_a_rule_that_would_not_act_above_152_4_cm_is_unaffected():
    # 60 kg, 170 cm F: IBW 45.5 + 2.3 x (66.9291 - 60) = 61.437 -> 61.44 kg; 97.7 %: actual weight 4 x 60 = 240 mg
    assert busulfan(None, weight="60", height="170").value == D("240")


def test_extrapolation_that_gives_no_weight_stops():
    # 50 cm: 45.5 + 2.3 x (19.685 - 60) = -47.2 kg
    with pytest.raises(InputError, match="not a weight"):
        busulfan("extrapolate", weight="4", height="50")
