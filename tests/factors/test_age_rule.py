"""The site policy's age rule (issue 16): its dosing-weight rules are adults'; a child is dosed on the weight the
age rule names, and a plan without a birth date says the adult rule was applied without knowing the age.

By hand, 100 kg, 175 cm, male: Devine IBW 50 + 2.3 x (175 / 2.54 - 60) = 70.4646 -> 70.46 kg; 100 / 70.46 = 141.9 %
of IBW (over 120 %). Cyclophosphamide 60 mg/kg: adult rule (lesser of actual and ideal) 60 x 70.46 = 4,227.6 mg;
a child on actual weight 60 x 100 = 6,000 mg.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D
from pathlib import Path

from schedplan.core.factors import PatientFactors
from schedplan.core.patient import Patient, Sex
from schedplan.core.policy import SitePolicy
from schedplan.core.schedule import plan
from schedplan.load.protocols import find_protocol

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "cy-per-kg.yaml"
POLICY = SitePolicy.model_validate(
    {
        "name": "test",
        "version": "1",
        "dosing_weight": [
            {"drugs": ["cyclophosphamide"], "weight": "lesser_of_actual_and_ideal", "over_percent_ibw": 120}
        ],
        "age": {"adult_from": 18, "children_weight": "actual", "source": "test: adult rules only"},
    }
)


def cy(birth: dt.date | None):
    patient = Patient(weight_kg=D(100), height_cm=D(175), sex=Sex.MALE)
    p = plan(
        find_protocol(str(FIXTURE)).protocol,
        patient,
        dt.date(2027, 3, 15),
        policy=POLICY,
        factors=PatientFactors(birth_date=birth),
    )
    return p, p.events[0].dose


def test_an_adult_gets_the_adult_rule():
    _, dose = cy(dt.date(1990, 1, 1))
    assert dose.value == D("4227.6") and [r.rule for r in dose.rules] == ["dosing-weight"]


def test_a_child_is_dosed_on_actual_weight_and_it_is_said():
    p, dose = cy(dt.date(2011, 1, 1))  # 16 on 2027-03-12
    assert dose.value == D("6000")
    assert dose.rules[0].rule == "age" and "16 years, a child (under 18)" in dose.rules[0].detail
    assert any(w.code == "age" for w in p.warnings)
    assert p.age == 16 and "a child" in (p.age_text or "")


def test_the_18th_birthday_makes_an_adult():
    _, dose = cy(dt.date(2009, 3, 12))  # 18 on the first dose day, 2027-03-12
    assert dose.value == D("4227.6")


def test_without_a_birth_date_the_adult_rule_acts_and_says_so():
    p, dose = cy(None)
    assert dose.value == D("4227.6")
    assert [r.rule for r in dose.rules] == ["age-not-given", "dosing-weight"]
    assert any(w.code == "age-not-given" and "--birth-date" in w.message for w in p.warnings)
