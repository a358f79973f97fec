"""Eligibility criteria: the model refuses malformed checks; evaluation says met / not met / not checked, never
passes a criterion silently; a plan carries the findings as warnings when patient factors are given."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from pydantic import ValidationError

from schedplan.core.eligibility import Criterion, Status, evaluate
from schedplan.core.factors import LabValue, Measure, PatientFactors
from schedplan.core.patient import Patient, Sex
from schedplan.core.protocol import Protocol

D = Decimal
ON = dt.date(2027, 3, 15)
ADULT = Patient(weight_kg=D(70), height_cm=D(175), sex=Sex.MALE)


def crit(**data) -> Criterion:
    return Criterion.model_validate({"id": "c", "quote": "the record's sentence", **data})


def one(criterion: Criterion, factors: PatientFactors, patient: Patient | None = ADULT):
    (finding,) = evaluate([criterion], factors, patient, ON)
    return finding


def labs(birth: dt.date | None = None, **values) -> PatientFactors:
    return PatientFactors(
        birth_date=birth,
        values={Measure(k): v if isinstance(v, LabValue) else LabValue(value=D(str(v))) for k, v in values.items()},
    )


# --- the model ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "words"),
    [
        ({"check": {"measure": "alt"}}, "give a bound"),
        ({"check": {"measure": "alt", "at_least": 1, "more_than": 2}}, "at most one lower bound"),
        ({"check": {"measure": "karnofsky", "at_least": 1, "scale": "uln"}}, "no upper limit of normal"),
        ({"check": {"measure": "alt", "at_most": 3, "equation": "bedside-schwartz"}}, "egfr limit"),
        ({"check": {"measure": "egfr", "at_least": 50, "per_1_73_m2": True}}, "creatinine_clearance"),
        ({"check": {"measure": "lvef", "at_least": 40, "at_most": 80, "comparator_stated": False}}, "single bound"),
        ({"check": {"measure": "pulse", "at_least": 40}}, "measure"),
        ({}, "exactly one of check, any_of or all_of"),
        ({"check": {"measure": "alt", "at_most": 3}, "any_of": [{"measure": "alt", "at_most": 3}] * 2}, "exactly one"),
        ({"any_of": [{"measure": "alt", "at_most": 3}]}, "at least 2"),
    ],
)
def test_malformed_criteria_are_refused(data, words):
    with pytest.raises(ValidationError) as exc:
        crit(**data)
    assert words in str(exc.value)


def test_a_quote_is_required():
    with pytest.raises(ValidationError):
        Criterion.model_validate({"id": "c", "check": {"measure": "alt", "at_most": 3}})


def test_protocol_refuses_an_eligibility_id_used_twice():
    c = {"id": "age", "quote": "q", "check": {"measure": "age", "at_least": 18}}
    base = {
        "id": "NCT0",
        "title": "t",
        "version": "1",
        "source": {"registry": "NCT0"},
        "anchor": {"type": "day0", "event": "e", "date_label": "d"},
        "events": [{"id": "v", "kind": "visit", "name": "visit", "when": {"day": 0}}],
    }
    assert Protocol.model_validate({**base, "eligibility": [c]}).eligibility[0].id == "age"
    with pytest.raises(ValidationError, match="used twice"):
        Protocol.model_validate({**base, "eligibility": [c, c]})
    assert Protocol.model_validate(base).eligibility == []  # the block is optional


def test_patient_factors_refuse_impossible_values():
    with pytest.raises(ValidationError):
        labs(oxygen_saturation=101)
    with pytest.raises(ValidationError):
        labs(ecog="1.5")
    with pytest.raises(ValidationError):
        labs(alt=LabValue(value=D(-1)))
    with pytest.raises(ValidationError, match="no upper limit of normal"):
        labs(karnofsky=LabValue(value=D(90), uln=D(100)))
    with pytest.raises(ValidationError, match="birth_date"):
        labs(age=40)


# --- evaluation: one limit ----------------------------------------------------------------------


def test_met_not_met_and_the_boundary_of_each_comparator():
    at_least = crit(check={"measure": "oxygen_saturation", "at_least": 92})
    more_than = crit(check={"measure": "oxygen_saturation", "more_than": 95})
    assert one(at_least, labs(oxygen_saturation=92)).status is Status.MET
    assert one(at_least, labs(oxygen_saturation=91)).status is Status.NOT_MET
    assert one(more_than, labs(oxygen_saturation=95)).status is Status.NOT_MET
    assert one(more_than, labs(oxygen_saturation=96)).status is Status.MET
    less_than = crit(check={"measure": "creatinine", "less_than": 2})
    assert one(less_than, labs(creatinine="1.99")).status is Status.MET
    assert one(less_than, labs(creatinine=2)).status is Status.NOT_MET


def test_a_value_not_given_is_not_checked_and_says_so():
    f = one(crit(check={"measure": "lvef", "at_least": 40}), labs())
    assert f.status is Status.NOT_CHECKED and f.code == "eligibility-not-checked"
    assert "left ventricular ejection fraction: not given" in f.message
    assert "the record's sentence" in f.message


def test_a_met_criterion_is_no_warning():
    f = one(crit(check={"measure": "lvef", "at_least": 40}), labs(lvef=55))
    assert f.status is Status.MET and f.code is None


def test_uln_limits_divide_by_the_given_uln_and_need_it():
    c = crit(check={"measure": "alt", "at_most": 3, "scale": "uln"})
    # 120 / 40 = 3.00 x ULN: at most 3 -> met; 121 / 40 = 3.025 -> 3.03 x ULN, not met
    assert one(c, labs(alt=LabValue(value=D(120), uln=D(40)))).status is Status.MET
    f = one(c, labs(alt=LabValue(value=D(121), uln=D(40))))
    assert f.status is Status.NOT_MET and f.detail == "ALT 121 U/L = 3.03 x ULN (ULN 40 U/L) is not at most 3 x ULN"
    f = one(c, labs(alt=120))
    assert f.status is Status.NOT_CHECKED and "upper limit of normal (ULN) is not given" in f.detail


def test_a_lost_comparator_leaves_the_bound_itself_unchecked():
    c = crit(check={"measure": "bilirubin", "at_most": 2, "comparator_stated": False})
    assert one(c, labs(bilirubin="1.9")).status is Status.MET
    assert one(c, labs(bilirubin="2.1")).status is Status.NOT_MET
    f = one(c, labs(bilirubin=2))
    assert f.status is Status.NOT_CHECKED and "does not say if it is allowed" in f.detail


def test_the_record_exception_is_shown_when_not_met():
    c = crit(check={"measure": "platelets", "at_least": 50}, exception="an exemption has been granted")
    f = one(c, labs(platelets=40))
    assert f.message.endswith('(the record allows: "an exemption has been granted")')


# --- age ----------------------------------------------------------------------------------------


def test_a_child_under_an_adult_only_criterion_is_not_met_and_called_a_child():
    c = crit(check={"measure": "age", "at_least": 18})
    f = one(c, labs(birth=dt.date(2015, 6, 1)))
    # 2015-06-01 to 2027-03-15: 11 years (the 12th birthday is in June)
    assert f.status is Status.NOT_MET and f.code == "eligibility-not-met"
    assert "age 11 years (a child) on 2027-03-15 is not at least 18 years" in f.message


def test_an_adult_is_called_an_adult_and_no_birth_date_is_not_checked():
    c = crit(check={"measure": "age", "at_least": 1, "at_most": 25})
    f = one(c, labs(birth=dt.date(2005, 3, 15)))  # 22nd birthday on the day
    assert f.status is Status.MET and "22 years (an adult)" in f.detail
    assert one(c, labs()).status is Status.NOT_CHECKED
    assert one(c, labs(birth=dt.date(2001, 3, 14))).status is Status.NOT_MET  # 26


def test_a_birth_date_after_the_plan_is_not_checked_with_the_reason():
    f = one(crit(check={"measure": "age", "at_least": 18}), labs(birth=dt.date(2028, 1, 1)))
    assert f.status is Status.NOT_CHECKED and "is after 2027-03-15" in f.detail


# --- eGFR and clearance -------------------------------------------------------------------------


def test_egfr_given_is_used_as_given():
    f = one(crit(check={"measure": "egfr", "more_than": 30}), labs(egfr=31))
    assert f.status is Status.MET and "(given)" in f.detail and f.estimates == []


def test_egfr_for_an_adult_is_ckd_epi_2021_from_creatinine_sex_and_age():
    # man 40 (born 1987-03-15), creatinine 0.8: CKD-EPI 2021 = 114.7 (tests/core/test_renal.py works it by hand)
    f = one(crit(check={"measure": "egfr", "more_than": 30}), labs(birth=dt.date(1987, 3, 15), creatinine="0.8"))
    assert f.status is Status.MET and "eGFR 114.7 mL/min/1.73 m2 (CKD-EPI 2021:" in f.detail
    assert [e.method for e in f.estimates] == ["CKD-EPI 2021"]


def test_egfr_for_a_child_is_bedside_schwartz_from_height():
    child = Patient(weight_kg=D(25), height_cm=D(120), sex=Sex.FEMALE)
    # 0.413 x 120 / 0.5 = 99.12 -> 99.1
    f = one(crit(check={"measure": "egfr", "at_least": 50}), labs(birth=dt.date(2019, 1, 1), creatinine="0.5"), child)
    assert f.status is Status.MET and "bedside Schwartz" in f.detail and "99.1" in f.detail


def test_egfr_named_schwartz_is_used_for_a_young_adult_too():
    c = crit(check={"measure": "egfr", "at_least": 50, "equation": "bedside-schwartz"})
    # 0.413 x 175 / 1.5 = 48.18 -> not met
    f = one(c, labs(birth=dt.date(2004, 1, 1), creatinine="1.5"))
    assert f.status is Status.NOT_MET and "48.2" in f.detail and "bedside Schwartz" in f.detail


@pytest.mark.parametrize(
    ("factors", "patient", "why"),
    [
        (labs(), ADULT, "no eGFR and no serum creatinine given"),
        (labs(creatinine=1), ADULT, "needs the age"),
        (labs(birth=dt.date(1980, 1, 1), creatinine=1), Patient(weight_kg=D(70), height_cm=D(175)), "sex"),
    ],
)
def test_egfr_that_cannot_be_estimated_is_not_checked_with_why(factors, patient, why):
    f = one(crit(check={"measure": "egfr", "more_than": 30}), factors, patient)
    assert f.status is Status.NOT_CHECKED and why in f.detail


def test_measured_clearance_per_1_73_m2_is_scaled_by_the_bsa():
    child = Patient(weight_kg=D(30), height_cm=D(120))  # Mosteller sqrt(30 x 120 / 3600) = 1 m2 exactly
    c = crit(check={"measure": "creatinine_clearance", "at_least": 50, "per_1_73_m2": True})
    # 30 mL/min x 1.73 / 1 m2 = 51.9 mL/min/1.73 m2 -> met; unscaled 30 would not be
    f = one(c, labs(creatinine_clearance=30), child)
    assert f.status is Status.MET and "x 1.73 / BSA 1 m2 = 51.9 mL/min/1.73 m2" in f.detail


# --- groups: three-valued -----------------------------------------------------------------------

PS = crit(any_of=[{"measure": "karnofsky", "at_least": 70}, {"measure": "ecog", "at_most": 2}])
BOTH = crit(all_of=[{"measure": "ecog", "less_than": 2}, {"measure": "karnofsky", "more_than": 70}])


@pytest.mark.parametrize(
    ("criterion", "values", "status"),
    [
        (PS, {"karnofsky": 60, "ecog": 2}, Status.MET),  # either is enough
        (PS, {"karnofsky": 60}, Status.NOT_CHECKED),  # the other could still meet it
        (PS, {"karnofsky": 60, "ecog": 3}, Status.NOT_MET),
        (PS, {}, Status.NOT_CHECKED),
        (BOTH, {"ecog": 1, "karnofsky": 80}, Status.MET),
        (BOTH, {"ecog": 1}, Status.NOT_CHECKED),  # never passed on half the facts
        (BOTH, {"ecog": 2}, Status.NOT_MET),  # one miss decides it
        (BOTH, {"ecog": 1, "karnofsky": 70}, Status.NOT_MET),
    ],
)
def test_any_of_and_all_of(criterion, values, status):
    assert one(criterion, labs(**values)).status is status


def test_nested_group():
    c = crit(
        any_of=[
            {"all_of": [{"measure": "dlco", "more_than": 50}, {"measure": "fev1", "more_than": 60}]},
            {"measure": "oxygen_saturation", "more_than": 95},
        ]
    )
    assert one(c, labs(dlco=51, fev1=61)).status is Status.MET
    assert one(c, labs(dlco=51, fev1=60, oxygen_saturation=96)).status is Status.MET
    assert one(c, labs(dlco=51, fev1=60, oxygen_saturation=95)).status is Status.NOT_MET
    assert one(c, labs(dlco=51, fev1=60)).status is Status.NOT_CHECKED


def test_the_eligibility_example_in_the_protocol_format_doc_is_valid():
    import re
    from pathlib import Path

    from pydantic import TypeAdapter

    from schedplan.core.eligibility import Criteria
    from schedplan.load.yaml_source import parse_yaml

    doc = (Path(__file__).resolve().parents[2] / "docs" / "protocol-format.md").read_text(encoding="utf-8")
    block = re.search(r"```yaml\n(eligibility:.*?)```", doc, re.S)
    assert block is not None
    criteria = TypeAdapter(Criteria).validate_python(parse_yaml(block.group(1), "doc").data["eligibility"])
    assert [c.id for c in criteria] == ["age", "performance", "renal"]
    # the doc's renal example for a man of 40 with creatinine 0.8 mg/dL (ULN 1.2): 0.67 x ULN, eGFR 114.7
    f = evaluate(
        criteria, labs(birth=dt.date(1987, 3, 15), creatinine=LabValue(value=D("0.8"), uln=D("1.2"))), ADULT, ON
    )
    assert [x.status for x in f] == [Status.MET, Status.NOT_CHECKED, Status.MET]


def test_a_creatinine_typed_in_umol_is_compared_in_mg_per_dl_and_shown_as_typed():
    from schedplan.core.renal import parse_creatinine

    value = LabValue.of_creatinine(parse_creatinine("150 umol/L"), uln=parse_creatinine("106 umol/L"))
    # 150 / 106 = 1.415 x ULN (the 88.4 cancels); 150 / 88.4 = 1.6968 mg/dL, less than 2 mg/dL
    f = one(crit(check={"measure": "creatinine", "at_most": "1.5", "scale": "uln"}), labs(creatinine=value))
    assert f.status is Status.MET and "(entered 150 umol/L) = 1.42 x ULN" in f.detail
    f = one(crit(check={"measure": "creatinine", "less_than": 2}), labs(creatinine=value))
    assert f.status is Status.MET and f.detail.startswith("serum creatinine 1.6968 mg/dL (entered 150 umol/L)")
