"""calculate and its steps, read in full: every text a pharmacist reads, and the edges of each step.

Numbers by hand: 62 kg / 168 cm: Mosteller sqrt(62 x 168 / 3600) = 1.70098 -> 1.701 m2.
130 kg / 175 cm man: IBW 70.46 kg; Mosteller on 70.46 kg: sqrt(70.46 x 175 / 3600) = 1.85071 -> 1.851 m2.
"""

from __future__ import annotations

from decimal import Decimal as D
from fractions import Fraction

import pytest

from schedplan.core.dosing import (
    Share,
    apply_rounding,
    calculate,
    report,
    scale_by_bsa,
    scale_by_weight,
    share_of_course,
    share_text,
)
from schedplan.core.dosing_weight import RuleAction, policy_weight_for, protocol_weight
from schedplan.core.patient import BSAFormula, Patient, Sex, bsa_formula_value
from schedplan.core.policy import SitePolicy
from schedplan.core.protocol import Dose, WeightBasis
from schedplan.core.units import DoseUnit, Quantity
from schedplan.errors import InputError

P62 = Patient(weight_kg=D(62), height_cm=D(168))
P130 = Patient(weight_kg=D(130), height_cm=D(175), sex=Sex.MALE)
MG_M2 = DoseUnit.parse("mg/m2")
MG_KG = DoseUnit.parse("mg/kg")
NOT_EVALUATED = RuleAction(rule="dosing-weight-not-evaluated", detail="d")


def test_bsa_formula_value_carries_28_significant_digits():
    # sqrt(2.89333...) is irrational: the value has exactly the 28 digits the docstring promises
    assert len(bsa_formula_value(BSAFormula.MOSTELLER, D(62), D(168)).as_tuple().digits) == 28


def test_prescribed_per_dose_has_no_suffix():
    c = calculate(Dose(amount=D(650), unit="mg"), D(650), P62, course_days=1)
    assert c.prescribed == "650 mg" and c.calculation == "flat dose 650 mg"


@pytest.mark.parametrize(("fraction", "written"), [(Fraction(1), "x 1 (this"), (Fraction(1, 2), "x 1/2 (this")])
def test_a_share_is_written_as_a_fraction_or_a_whole_number(fraction, written):
    s = share_of_course(Dose(amount=D(10), unit="mg/kg", per="course"), D(10), 2, fraction)
    assert s.step is not None and written in s.step


def test_a_course_of_one_day_is_not_divided():
    s = share_of_course(Dose(amount=D(10), unit="mg/kg", per="course"), D(10), 1, None)
    assert s == Share(Fraction(10), "10", None)


def test_an_amount_with_five_decimals_is_carried_as_written():
    # 0.12345 has more than 4 decimals: later steps show it as "(0.12345)", not a rounded 0.1235
    s = share_of_course(Dose(amount=D("0.12345"), unit="mg/kg", per="day"), D("0.12345"), 1, None)
    assert s.shown == "(0.12345)"


def test_share_text_of_a_two_day_course():
    assert share_text(Dose(amount=D(10), unit="mg/kg", per="course"), 2, None) == "1/2 of the course (2 days)"


def test_bsa_with_a_rule_that_was_not_evaluated_keeps_the_patients_bsa_and_says_so():
    s = scale_by_bsa(Share(Fraction(40), "40", None), MG_M2, P62, (D(62), "actual weight", NOT_EVALUATED), None, "f")
    assert s.value == Fraction("68.04") and s.actions == (NOT_EVALUATED,) and s.scaled_by == "BSA by Mosteller"


def test_bsa_with_a_dosing_weight_in_full():
    pw = (D("70.46"), "ideal body weight (Devine)", RuleAction(rule="dosing-weight", detail="d"))
    s = scale_by_bsa(Share(Fraction(40), "40", None), MG_M2, P130, pw, None, "flu")
    source = "Mosteller, ideal body weight (Devine) 70.46 kg, 175 cm; site policy"
    assert s.basis == f"BSA 1.851 m2 ({source})"
    assert s.scaled_by == "BSA by Mosteller with the ideal body weight (site policy)"
    assert s.step == f"40 mg/m2 x 1.851 m2 ({source}) = 74.04 mg"  # 40 x 1.851


def test_measured_bsa_over_a_dosing_weight_in_full():
    measured = P130.model_copy(update={"measured_bsa_m2": D("2.2")})
    pw = (D("70.46"), "ideal body weight (Devine)", RuleAction(rule="dosing-weight", detail="d"))
    s = scale_by_bsa(Share(Fraction(40), "40", None), MG_M2, measured, pw, None, "flu")
    assert s.actions == (
        RuleAction(
            rule="dosing-weight",
            detail="flu: the site rule (ideal body weight (Devine)) was not applied - a measured BSA was given",
        ),
    )
    assert s.scaled_by == "measured BSA" and s.value == 88  # 40 x 2.2


def test_capped_bsa_in_full():
    cap = SitePolicy(name="c", version="1", bsa_cap={"max_m2": "2.0"})
    s = scale_by_bsa(Share(Fraction(40), "40", None), MG_M2, P130, None, cap, "flu")  # 2.514 m2 -> 2.0
    assert s.scaled_by == "BSA by Mosteller, capped at 2 m2 (site policy)"
    assert s.basis == "BSA 2 m2 (capped from 2.514 m2 (Mosteller, 130 kg, 175 cm))"


def test_weight_with_a_rule_that_was_not_evaluated_in_full():
    s = scale_by_weight(
        Share(Fraction(4), "4", None), MG_KG, P62, WeightBasis.ACTUAL, (D(62), "actual weight", NOT_EVALUATED)
    )
    assert (s.basis, s.scaled_by, s.actions) == ("actual weight 62 kg", "actual weight; site policy", (NOT_EVALUATED,))


def test_weight_with_a_dosing_weight_in_full():
    pw = (
        D("85.35"),
        "adjusted body weight (IBW 70.46 kg + 0.25 x (actual 130 kg - IBW))",
        RuleAction(rule="dosing-weight", detail="d"),
    )
    s = scale_by_weight(Share(Fraction(4), "4", None), MG_KG, P130, WeightBasis.ACTUAL, pw)
    assert s.basis == "adjusted body weight (IBW 70.46 kg + 0.25 x (actual 130 kg - IBW)); site policy 85.35 kg"


def test_a_zero_dose_is_reported_to_the_units_own_step():
    assert str(report(Fraction(0), DoseUnit.parse("x10^6 cells/kg")).value) == "0"


def test_rounding_under_the_maximum_in_full():
    policy = SitePolicy(name="m", version="1", rounding=[{"unit": "mg", "to": 5, "max_change_percent": 5}])
    # 803 -> 805 is over an 803 maximum: 800, 3 / 803 = 0.37 %
    assert apply_rounding(D(803), D(803), policy, "x", Quantity.MG)[1] == RuleAction(
        rule="rounding",
        detail="803 mg rounded to the nearest 5 mg at or under the maximum: 800 mg (0.37% change, limit 5%)",
    )


def test_calculate_without_a_drug_name_matches_no_named_rule():
    policy = SitePolicy(name="m", version="1", max_dose=[{"drug": "xxxx", "max": 800, "unit": "mg"}])
    assert calculate(Dose(amount=D(1000), unit="mg"), D(1000), P62, course_days=1, policy=policy).value == 1000


def test_calculate_reports_the_share_scaling_and_rule_in_full():
    abw25 = SitePolicy(
        name="a", version="1", dosing_weight=[{"drugs": ["busulfan"], "weight": "adjusted", "adjusted_factor": "0.25"}]
    )
    c = calculate(
        Dose(amount=D(12), unit="mg/kg", per="course"), D(12), P130, course_days=3, policy=abw25, drug="busulfan"
    )
    assert c.share == "1/3 of the course (3 days)" and c.scaled_by == "adjusted body weight; site policy"
    assert c.rules[0].detail.startswith("busulfan dosed on adjusted body weight")
    split = calculate(
        Dose(amount=D(10), unit="mg/kg", per="course"), D(10), P62, course_days=2, fraction=Fraction(2, 3)
    )
    assert split.share == "2/3 of the course" and split.scaled_by == "actual weight"


def test_ideal_weight_dose_without_sex_in_full():
    with pytest.raises(InputError) as err:
        protocol_weight(P62, WeightBasis.IDEAL)
    assert str(err.value) == (
        "this dose is on ideal body weight, which cannot be calculated: the patient's sex is not given"
    )


SHORT = {"drugs": ["b"], "weight": "ideal"}


def extrapolated(patient: Patient):
    policy = SitePolicy(name="p", version="1", dosing_weight=[SHORT], below_devine_height="extrapolate")
    return policy_weight_for(patient, policy.dosing_weight[0], "b", policy)


def test_extrapolated_devine_for_a_man():
    # 150 cm: 50 + 2.3 x (59.0551 - 60) = 47.8268 -> 47.83 kg (a woman's would be 43.33)
    assert extrapolated(Patient(weight_kg=D(60), height_cm=D(150), sex=Sex.MALE))[0] == D("47.83")


def test_extrapolation_to_exactly_zero_is_not_a_weight():
    # 102.152 cm woman: 45.5 + 2.3 x (40.21732 - 60) = -0.00016 -> 0.00 kg
    with pytest.raises(InputError, match="not a weight"):
        extrapolated(Patient(weight_kg=D(10), height_cm=D("102.152"), sex=Sex.FEMALE))


def test_extrapolation_under_one_kg_is_still_a_weight():
    # 102.704 cm woman: 45.5 + 2.3 x (40.43465 - 60) = 0.4997 -> 0.5 kg; the rule's own arithmetic, refused
    # only where it gives no weight at all (the plan's other checks see the dose)
    assert extrapolated(Patient(weight_kg=D(2), height_cm=D("102.704"), sex=Sex.FEMALE))[0] == D("0.5")


def test_lesser_of_equal_weights_is_the_actual_one():
    policy = SitePolicy(name="p", version="1", dosing_weight=[{"drugs": ["b"], "weight": "lesser_of_actual_and_ideal"}])
    at_ibw = Patient(weight_kg=D("70.46"), height_cm=D(175), sex=Sex.MALE)
    result = policy_weight_for(at_ibw, policy.dosing_weight[0], "b", policy)
    assert result is not None and result[1] == "lesser of actual and ideal weight (actual)"
