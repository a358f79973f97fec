"""Each step of core.dosing.calculate on its own, with the numbers worked out by hand beside it."""

from __future__ import annotations

from decimal import Decimal as D
from fractions import Fraction

import pytest

from schedplan.core.dosing import (
    Share,
    apply_max_dose,
    apply_rounding,
    cap_bsa,
    max_dose_exceeded,
    report,
    scale_by_bsa,
    scale_by_weight,
    scale_flat,
    share_of_course,
    share_text,
)
from schedplan.core.dosing_weight import RuleAction, policy_weight_for, protocol_weight, require_ibw
from schedplan.core.patient import Patient, Sex
from schedplan.core.policy import SitePolicy
from schedplan.core.protocol import Dose, WeightBasis
from schedplan.core.units import DoseUnit, Quantity
from schedplan.errors import InputError

P62 = Patient(weight_kg=D(62), height_cm=D(168))  # Mosteller sqrt(62 x 168 / 3600) = 1.70098 -> 1.701 m2
P130 = Patient(weight_kg=D(130), height_cm=D(175), sex=Sex.MALE)  # IBW 70.46 kg (see tests/policy)


# --- 1. share of the course -----------------------------------------------------------------------


def test_share_of_a_course_divided_over_its_days():
    s = share_of_course(Dose(amount=D(42), unit="g/m2", per="course"), D(42), 3, None)
    assert s == Share(Fraction(14), "14", "42 g/m2/course / 3 days = 14 g/m2/day")


def test_share_of_a_split_course_that_does_not_terminate_is_carried_as_an_expression():
    # 10 x 1/3 = 3.3333...: shown as "(10 x 1/3)" in later steps, 3.3333 in its own
    s = share_of_course(Dose(amount=D(10), unit="mg/kg", per="course"), D(10), 2, Fraction(1, 3))
    assert s.amount == Fraction(10, 3) and s.shown == "(10 x 1/3)"
    assert s.step == "10 mg/kg/course x 1/3 (this day's share) = 3.3333 mg/kg"


def test_a_per_day_amount_is_not_divided_and_has_no_step():
    s = share_of_course(Dose(amount=D(40), unit="mg/m2", per="day"), D(40), 4, None)
    assert s == Share(Fraction(40), "40", None)


def test_share_text():
    course = Dose(amount=D(10), unit="mg/kg", per="course")
    assert share_text(course, 2, Fraction(2, 3)) == "2/3 of the course"
    assert share_text(course, 3, None) == "1/3 of the course (3 days)"
    assert share_text(course, 1, None) is None
    assert share_text(Dose(amount=D(10), unit="mg/kg", per="day"), 3, None) is None


# --- 2. scaling -----------------------------------------------------------------------------------


def test_scale_by_bsa():
    # 40 mg/m2 x 1.701 m2 = 68.04 mg
    s = scale_by_bsa(Share(Fraction(40), "40", None), DoseUnit.parse("mg/m2"), P62, None, None, "fludarabine")
    assert s.value == Fraction("68.04") and s.actions == ()
    assert s.step == "40 mg/m2 x 1.701 m2 (Mosteller, 62 kg, 168 cm) = 68.04 mg"
    assert (s.basis, s.scaled_by) == ("BSA 1.701 m2 (Mosteller, 62 kg, 168 cm)", "BSA by Mosteller")


def test_scale_by_bsa_with_a_dosing_weight_and_a_measured_bsa_says_the_rule_was_not_applied():
    measured = P62.model_copy(update={"measured_bsa_m2": D("1.5")})
    pw = (D(50), "ideal body weight (Devine)", RuleAction(rule="dosing-weight", detail="x"))
    s = scale_by_bsa(Share(Fraction(40), "40", None), DoseUnit.parse("mg/m2"), measured, pw, None, "flu")
    assert s.value == Fraction(60) and "not applied - a measured BSA was given" in s.actions[0].detail


def test_cap_bsa_only_over_the_cap():
    cap = SitePolicy(name="c", version="1", bsa_cap={"max_m2": "2.0"})
    assert cap_bsa(D("2.0"), "m", cap, "x") == (D("2.0"), "m", None)
    bsa, source, action = cap_bsa(D("2.514"), "Mosteller", cap, "x")
    assert (bsa, source) == (D("2.0"), "capped from 2.514 m2 (Mosteller)") and action is not None
    assert cap_bsa(D("2.514"), "m", None, "x")[2] is None


def test_scale_by_weight_on_the_protocols_basis():
    # 8 mg/kg x 62 kg = 496 mg
    s = scale_by_weight(Share(Fraction(8), "8", None), DoseUnit.parse("mg/kg"), P62, WeightBasis.ACTUAL, None)
    assert s.value == 496 and s.basis == "actual weight 62 kg" and s.scaled_by == "actual weight"


def test_scale_by_weight_on_a_site_dosing_weight():
    pw = (D("85.35"), "adjusted body weight (IBW ...)", RuleAction(rule="dosing-weight", detail="d"))
    s = scale_by_weight(Share(Fraction(4), "4", None), DoseUnit.parse("mg/kg"), P130, WeightBasis.ACTUAL, pw)
    assert s.value == Fraction("341.4") and s.scaled_by == "adjusted body weight; site policy"
    assert [a.rule for a in s.actions] == ["dosing-weight"]


def test_scale_flat_writes_a_step_only_where_no_share_step_did():
    assert scale_flat(Share(Fraction(650), "650", None), DoseUnit.parse("mg")).step == "flat dose 650 mg"
    assert scale_flat(Share(Fraction(5), "5", "10 mg/course / 2 days = 5 mg/day"), DoseUnit.parse("mg")).step is None


def test_protocol_weight_and_require_ibw():
    assert protocol_weight(P130, WeightBasis.IDEAL) == (D("70.46"), "ideal body weight (Devine)")
    # adjusted 70.46 + 0.4 x (130 - 70.46) = 94.276 -> 94.28 kg
    assert protocol_weight(P130, WeightBasis.ADJUSTED)[0] == D("94.28")
    with pytest.raises(InputError, match="sex is not given"):
        require_ibw(P62, "x")


def test_policy_weight_for_a_rule_under_its_threshold_is_none():
    rules = [{"drugs": ["b"], "weight": "ideal", "over_percent_ibw": 200}]
    rule = SitePolicy(name="p", version="1", dosing_weight=rules)
    assert policy_weight_for(P130, rule.dosing_weight[0], "b", rule) is None  # 184.5 % is under 200 %


# --- 3. reporting precision -----------------------------------------------------------------------


def test_report_to_the_units_step_and_in_plain_counts():
    r = report(Fraction(2, 3) * 700, DoseUnit.parse("x10^6 cells/kg"))
    # 466.6667 x10^6 -> 466,666,666.67 -> whole cells 466,666,667
    assert r.value == D("466666667") and r.counted == " = 466,666,666.6667 cells"
    assert r.step == "rounded to whole cells: 466,666,667 cells"


def test_report_keeps_three_significant_figures():
    # 0.00625 mg: the mg step 0.01 would read 0.01; 3 significant figures: 0.00625 -> 0.00625 exactly
    r = report(Fraction(625, 100000), DoseUnit.parse("mg"))
    assert r.value == D("0.00625") and r.step is None


# --- 4. maximum and 5. rounding -------------------------------------------------------------------

MAX = SitePolicy(
    name="m",
    version="1",
    max_dose=[{"drug": "tocilizumab", "max": 800, "unit": "mg", "action": "cap"}],  # a cap: the site's choice
    rounding=[{"unit": "mg", "to": 5, "max_change_percent": 5}],
)


def test_apply_max_dose():
    assert apply_max_dose(D(1040), MAX, "tocilizumab", Quantity.MG)[:2] == (D(800), D(800))
    assert apply_max_dose(D(800), MAX, "tocilizumab", Quantity.MG) == (D(800), D(800), None)  # at it: not over
    assert apply_max_dose(D(1040), MAX, "abatacept", Quantity.MG) == (D(1040), None, None)


def test_apply_max_dose_never_caps_a_maximum_that_stops():
    # action stop (the default): the dose is kept; max_dose_exceeded marks it, and the plan stops unless overridden
    stop = SitePolicy(name="m", version="1", max_dose=[{"drug": "tocilizumab", "max": 800, "unit": "mg"}])
    assert apply_max_dose(D(1040), stop, "tocilizumab", Quantity.MG) == (D(1040), D(800), None)
    action = max_dose_exceeded(D(1040), stop, "tocilizumab", Quantity.MG)
    assert action is not None and action.rule == "max-dose-exceeded"
    assert action.detail.startswith("1,040 mg is over the maximum single dose of tocilizumab, 800 mg: not capped")
    assert max_dose_exceeded(D(800), stop, "tocilizumab", Quantity.MG) is None  # at it: not over
    assert max_dose_exceeded(D(1040), MAX, "tocilizumab", Quantity.MG) is None  # a cap never stops


def test_apply_rounding():
    # 803 -> nearest 5 is 805, over an 803 maximum: down to 800 (0.37 %)
    value, action = apply_rounding(D(803), D(803), MAX, "tocilizumab", Quantity.MG)
    assert value == D(800) and action is not None and "at or under the maximum" in action.detail
    assert apply_rounding(D(800), None, MAX, "x", Quantity.MG) == (D(800), None)  # already a multiple
    assert apply_rounding(D(1), None, MAX, "x", Quantity.MG)[1].rule == "rounding-refused"  # 1 -> 0 is refused


def test_scale_flat_names_the_basis():
    s = scale_flat(Share(Fraction(650), "650", None), DoseUnit.parse("mg"))
    assert (s.value, s.basis, s.scaled_by, s.actions) == (650, "flat dose", "flat dose", ())


def test_apply_max_dose_the_whole_text():
    _, _, action = apply_max_dose(D(1040), MAX, "tocilizumab", Quantity.MG)
    assert action == RuleAction(
        rule="max-dose",
        detail="1,040 mg is over the maximum single dose of tocilizumab, 800 mg: 800 mg (site policy)",
    )


def test_apply_rounding_the_whole_texts():
    # 1,042 mg to the nearest 5: 208.4 -> 208 -> 1,040 mg, |2| / 1042 = 0.19 % (limit 5 %)
    assert apply_rounding(D(1042), None, MAX, "x", Quantity.MG) == (
        D(1040),
        RuleAction(rule="rounding", detail="1,042 mg rounded to the nearest 5 mg: 1,040 mg (0.19% change, limit 5%)"),
    )
    # 2 mg: 0.4 -> 0 would be a 100 % change: refused
    assert apply_rounding(D(2), None, MAX, "x", Quantity.MG) == (
        D(2),
        RuleAction(
            rule="rounding-refused",
            detail="not rounded: to the nearest 5 mg would make 2 mg 0 mg, a 100% change, over the 5% limit",
        ),
    )


def test_rounding_refused_shows_the_change_to_two_places():
    # 7 mg to the nearest 5: 1.4 -> 1 -> 5 mg; 2 / 7 = 28.5714 % -> "28.57", over 5 %
    assert apply_rounding(D(7), None, MAX, "x", Quantity.MG)[1] == RuleAction(
        rule="rounding-refused",
        detail="not rounded: to the nearest 5 mg would make 7 mg 5 mg, a 28.57% change, over the 5% limit",
    )


def test_rounding_to_exactly_the_maximum_is_allowed():
    # 798 mg to the nearest 5 is 800 mg, the maximum itself: not over it, so 800 (not rounded down to 795)
    value, action = apply_rounding(D(798), D(800), MAX, "tocilizumab", Quantity.MG)
    assert value == D(800)
    assert action is not None and action.detail == "798 mg rounded to the nearest 5 mg: 800 mg (0.25% change, limit 5%)"


def test_rounding_under_a_maximum_it_does_not_reach_says_nothing_of_the_maximum():
    # 702 -> 700 mg, a maximum of 800 set but not involved
    _, action = apply_rounding(D(702), D(800), MAX, "tocilizumab", Quantity.MG)
    assert action is not None and action.detail == "702 mg rounded to the nearest 5 mg: 700 mg (0.28% change, limit 5%)"


def test_rounding_never_gives_zero_even_within_the_limit():
    # 2 mg to the nearest 5 is 0 mg, a 100 % change; even a 100 % limit does not make a dose of nothing
    policy = SitePolicy(name="r", version="1", rounding=[{"unit": "mg", "to": 5, "max_change_percent": 100}])
    value, action = apply_rounding(D(2), None, policy, "x", Quantity.MG)
    assert value == D(2) and action is not None and action.rule == "rounding-refused"


def test_rounding_down_to_one_unit_is_a_dose():
    # 1.2 mg to the nearest 1 mg: 1 mg, a 16.67 % change, within a 20 % limit
    policy = SitePolicy(name="r", version="1", rounding=[{"unit": "mg", "to": 1, "max_change_percent": 20}])
    assert apply_rounding(D("1.2"), None, policy, "x", Quantity.MG)[0] == D(1)
