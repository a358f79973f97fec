"""Which renal function a site's rules use (issue 16): measured first, else the policy's estimate; a child's by
bedside Schwartz only where the policy says so; nothing guessed where a value is missing."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

from schedplan.core.dosing_renal import renal_value
from schedplan.core.factors import LabValue, Measure, PatientFactors
from schedplan.core.patient import Patient, Sex
from schedplan.core.policy import SitePolicy

ON = dt.date(2027, 3, 10)
CHILD = PatientFactors(birth_date=dt.date(2017, 1, 1), values={Measure.CREATININE: LabValue(value=D("0.5"))})  # 10


def policy(**renal_function) -> SitePolicy:
    return SitePolicy.model_validate({"name": "t", "version": "1", "renal_function": renal_function})


def test_a_childs_gfr_by_bedside_schwartz_where_the_policy_names_it():
    # 0.413 x 140 cm / 0.5 mg/dL = 115.64 -> 115.6 mL/min/1.73 m2
    v = renal_value(
        CHILD,
        Patient(weight_kg=D(35), height_cm=D(140), sex=Sex.FEMALE),
        policy(estimate="cockcroft-gault", weight="actual", children="bedside-schwartz"),
        ON,
    )
    assert v.value == D("115.6") and v.unit == "mL/min/1.73 m2" and "bedside Schwartz" in v.text


def test_a_child_without_a_childrens_estimate_is_not_estimated():
    v = renal_value(
        CHILD,
        Patient(weight_kg=D(35), height_cm=D(140), sex=Sex.FEMALE),
        policy(estimate="cockcroft-gault", weight="actual"),
        ON,
    )
    assert v.value is None and "a child" in v.missing


def test_a_measured_clearance_comes_first():
    f = PatientFactors(values={Measure.CREATININE_CLEARANCE: LabValue(value=D(55))})
    v = renal_value(f, Patient(weight_kg=D(70), height_cm=D(175), sex=Sex.MALE), None, ON)
    assert v.value == D(55) and v.text == "measured, given"


def test_ckd_epi_2021_from_creatinine():
    # Inker 2021, man 50 years, creatinine 1.0 mg/dL: 142 x (1/0.9)^-1.200 x 0.9938^50 = 142 x 0.88124 x 0.73274
    # = 91.69 -> 91.7 mL/min/1.73 m2
    f = PatientFactors(birth_date=dt.date(1977, 1, 1), values={Measure.CREATININE: LabValue(value=D(1))})
    v = renal_value(f, Patient(weight_kg=D(70), height_cm=D(175), sex=Sex.MALE), policy(estimate="ckd-epi-2021"), ON)
    assert v.value == D("91.7") and v.name == "eGFR"
