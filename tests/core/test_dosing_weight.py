"""core.dosing_weight: the whole text of every dosing-weight outcome, as a pharmacist reads it.

Numbers by hand: 130 kg / 175 cm man: IBW 70.46 kg (175 / 2.54 = 68.8976 in; 50 + 2.3 x 8.8976 = 70.4646),
130 / 70.46 = 184.502 % -> "184.5%". 60 kg / 175 cm man: 60 / 70.46 = 85.2 %.
100 kg / 150 cm woman: Devine extrapolated 45.5 + 2.3 x (59.0551 - 60) = 43.33 kg; 100 / 43.33 = 230.787 %.
"""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from schedplan.core.dosing_weight import RuleAction, policy_weight_for, protocol_weight, require_ibw
from schedplan.core.patient import Patient, Sex
from schedplan.core.policy import SitePolicy
from schedplan.core.protocol import WeightBasis
from schedplan.errors import InputError

MAN_130 = Patient(weight_kg=D(130), height_cm=D(175), sex=Sex.MALE)
MAN_60 = Patient(weight_kg=D(60), height_cm=D(175), sex=Sex.MALE)
WOMAN_150 = Patient(weight_kg=D(100), height_cm=D(150), sex=Sex.FEMALE)


def policy(weight: str, over: int | None = 120, source: str | None = None, below: str | None = None) -> SitePolicy:
    rule: dict[str, object] = {"drugs": ["busulfan"], "weight": weight, "adjusted_factor": "0.25"}
    if over is not None:
        rule["over_percent_ibw"] = over
    if source is not None:
        rule["source"] = source
    return SitePolicy(name="p", version="1", dosing_weight=[rule], **({"below_devine_height": below} if below else {}))


def run(patient: Patient, p: SitePolicy):
    return policy_weight_for(patient, p.dosing_weight[0], "busulfan", p)


def test_adjusted_weight_text_with_threshold_and_source():
    # ABW25: 70.46 + 0.25 x (130 - 70.46) = 85.345 -> 85.35 kg
    which = "adjusted body weight (IBW 70.46 kg + 0.25 x (actual 130 kg - IBW))"
    assert run(MAN_130, policy("adjusted", source="ASBMT 2014")) == (
        D("85.35"),
        which,
        RuleAction(
            rule="dosing-weight",
            detail=f"busulfan dosed on {which} = 85.35 kg: actual 130 kg is 184.5% of IBW 70.46 kg, over 120%"
            " [ASBMT 2014]",
        ),
    )


def test_a_rule_without_a_threshold_always_acts_and_says_no_threshold():
    kg, which, action = run(MAN_60, policy("ideal", over=None))
    assert (kg, which) == (D("70.46"), "ideal body weight (Devine)")
    assert action.detail == (
        "busulfan dosed on ideal body weight (Devine) = 70.46 kg: actual 60 kg is 85.2% of IBW 70.46 kg"
    )


def test_lesser_of_actual_and_ideal_names_which_one():
    kg, which, _ = run(MAN_130, policy("lesser_of_actual_and_ideal"))
    assert (kg, which) == (D("70.46"), "lesser of actual and ideal weight (ideal)")
    kg, which, _ = run(MAN_60, policy("lesser_of_actual_and_ideal", over=None))
    assert (kg, which) == (D("60"), "lesser of actual and ideal weight (actual)")


def test_a_rule_for_actual_weight_changes_nothing():
    assert run(MAN_130, policy("actual")) is None


def test_under_152_4_cm_without_a_setting_the_whole_message():
    with pytest.raises(InputError) as err:
        run(WOMAN_150, policy("adjusted"))
    assert str(err.value) == (
        "busulfan: the site policy's dosing-weight rule needs the ideal body weight, and height 150 cm is under"
        " 152.4 cm, where Devine defines no ideal body weight; the site policy must say what to do"
        " (below_devine_height: extrapolate, actual_weight or refuse)"
    )
    assert err.value.field == "height"


def test_under_152_4_cm_refused_the_whole_message():
    with pytest.raises(InputError) as err:
        run(WOMAN_150, policy("adjusted", below="refuse"))
    assert str(err.value) == (
        "busulfan: height 150 cm is under 152.4 cm, where Devine defines no ideal body weight, and the site policy"
        " refuses to dose by its weight rule there (below_devine_height: refuse)"
    )
    assert err.value.field == "height"


def test_under_152_4_cm_on_actual_weight_the_whole_text():
    assert run(WOMAN_150, policy("adjusted", below="actual_weight")) == (
        D(100),
        "actual weight",
        RuleAction(
            rule="dosing-weight-not-evaluated",
            detail="busulfan: height 150 cm is under 152.4 cm, where Devine defines no ideal body weight; the"
            " site's dosing-weight rule was not evaluated and the dose is on actual weight"
            " (below_devine_height: actual_weight)",
        ),
    )


def test_under_152_4_cm_extrapolated_the_whole_text():
    kg, which, action = run(WOMAN_150, policy("ideal", below="extrapolate"))
    assert (kg, which) == (D("43.33"), "ideal body weight (Devine, extrapolated)")
    assert action.detail == (
        "busulfan dosed on ideal body weight (Devine, extrapolated) = 43.33 kg: actual 100 kg is 230.8% of IBW"
        " 43.33 kg (Devine extrapolated under 152.4 cm, below_devine_height: extrapolate), over 120%"
    )


def test_extrapolation_to_no_weight_the_whole_message():
    tiny = Patient(weight_kg=D(4), height_cm=D(50), sex=Sex.FEMALE)  # 45.5 + 2.3 x (19.685 - 60) = -47.22
    with pytest.raises(InputError) as err:
        run(tiny, policy("ideal", below="extrapolate"))
    assert str(err.value) == (
        "busulfan: height 50 cm is under 152.4 cm, where Devine defines no ideal body weight, and Devine's line"
        " extrapolated to 50 cm gives -47.22 kg, not a weight; check the height"
    )
    assert err.value.field == "height"


def test_no_sex_the_whole_message():
    with pytest.raises(InputError) as err:
        run(Patient(weight_kg=D(130), height_cm=D(175)), policy("adjusted"))
    assert str(err.value) == (
        "the site policy doses busulfan by a weight rule that needs the ideal body weight (give --sex M or F),"
        " which cannot be calculated: the patient's sex is not given"
    )
    assert err.value.field == "sex"


def test_require_ibw_under_152_4_cm_names_the_height():
    with pytest.raises(InputError) as err:
        require_ibw(WOMAN_150, "this dose is on ideal body weight")
    assert str(err.value) == (
        "this dose is on ideal body weight, which cannot be calculated: height is under 152.4 cm (Devine IBW undefined)"
    )
    assert err.value.field == "height"


def test_protocol_adjusted_weight_text():
    # 70.46 + 0.4 x (130 - 70.46) = 94.276 -> 94.28 kg
    assert protocol_weight(MAN_130, WeightBasis.ADJUSTED) == (
        D("94.28"),
        "adjusted body weight (IBW 70.46 kg + 0.4 x (actual 130 kg - IBW))",
    )
    assert protocol_weight(MAN_130, WeightBasis.ACTUAL) == (D(130), "actual weight")
