"""The shipped protocols' eligibility criteria: quoted word for word from their records; a patient who meets
them gets no finding; a patient who misses one (or for whom it is not given) gets exactly that one."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from pathlib import Path

import pytest

from schedplan.core.eligibility import Group, Limit, Status, evaluate
from schedplan.core.factors import LabValue, Measure, PatientFactors
from schedplan.core.patient import Patient, Sex
from schedplan.core.schedule import plan
from schedplan.load.protocols import find_protocol, shipped_protocols

D = Decimal
SEEDS = Path(__file__).resolve().parents[2].parent / "shared" / "seeds"
ON = dt.date(2027, 3, 15)
PATIENT = Patient(weight_kg=D(70), height_cm=D(175), sex=Sex.MALE)
BORN_20_YEARS_BEFORE = dt.date(2007, 3, 15)  # 20 on ON: inside every shipped protocol's age range


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().lower()


@pytest.mark.skipif(not SEEDS.is_dir(), reason="shared/seeds is not beside this checkout")
@pytest.mark.parametrize("lp", shipped_protocols(), ids=lambda lp: lp.protocol.id)
def test_eligibility_quotes_and_exceptions_are_in_the_record(lp):
    record = _norm((SEEDS / Path(lp.protocol.source.record or "").name).read_text(encoding="utf-8"))
    for c in lp.protocol.eligibility:
        for where, text in (("quote", c.quote), ("exception", c.exception)):
            for fragment in (text or "").split("..."):
                fragment = _norm(fragment).strip(" ;,")
                if fragment:
                    assert fragment in record, f"{lp.protocol.id} eligibility {c.id} {where}: {fragment!r}"


def test_four_records_state_criteria_in_numbers_and_every_protocol_has_an_age_or_lab_criterion():
    counts = {lp.protocol.id: len(lp.protocol.eligibility) for lp in shipped_protocols()}
    assert counts == {"NCT02999633": 1, "NCT03875495": 5, "NCT05184816": 9, "NCT06885476": 6, "NCT07256210": 6}


def lab(value: str, uln: str | None = None) -> LabValue:
    return LabValue(value=D(value), uln=None if uln is None else D(uln))


# A patient inside every shipped protocol's criteria. eGFR is estimated: man of 20, creatinine 0.9 mg/dL:
# CKD-EPI 2021 = 142 x 0.9938^20 = 125.4 (> 30); bedside Schwartz 0.413 x 175 / 0.9 = 80.3 (>= 50).
WELL = {
    Measure.CREATININE: lab("0.9", "1.2"),  # 0.75 x ULN
    Measure.BILIRUBIN: lab("0.8", "1.2"),
    Measure.ALT: lab("30", "40"),
    Measure.AST: lab("30", "40"),
    Measure.ALP: lab("80", "120"),
    Measure.OXYGEN_SATURATION: lab("98"),
    Measure.ECOG: lab("0"),
    Measure.KARNOFSKY: lab("90"),
    Measure.LANSKY: lab("90"),
    Measure.LVEF: lab("60"),
    Measure.DLCO: lab("80"),
    Measure.FEV1: lab("90"),
    Measure.FVC: lab("90"),
    Measure.LUNG_CAPACITY: lab("90"),
    Measure.WBC: lab("6"),
    Measure.ANC: lab("3"),
    Measure.PLATELETS: lab("200"),
    Measure.HEMOGLOBIN: lab("13"),
}


def factors(birth: dt.date | None = BORN_20_YEARS_BEFORE, **changes: LabValue | None) -> PatientFactors:
    values = dict(WELL)
    for key, value in changes.items():
        if value is None:
            values.pop(Measure(key), None)
        else:
            values[Measure(key)] = value
    return PatientFactors(birth_date=birth, values=values)


def findings(protocol_id: str, f: PatientFactors):
    return [x for x in evaluate(find_protocol(protocol_id).protocol.eligibility, f, PATIENT, ON) if x.code]


@pytest.mark.parametrize("lp", shipped_protocols(), ids=lambda lp: lp.protocol.id)
def test_a_patient_who_meets_every_criterion_gets_no_finding(lp):
    assert findings(lp.protocol.id, factors()) == []


# One miss per criterion, worked out from each record's sentence.
MISSES = [
    # NCT03875495: ECOG < 2 and Karnofsky > 70%
    ("NCT03875495", "performance", {"ecog": lab("2")}),
    ("NCT03875495", "performance", {"karnofsky": lab("70")}),
    # creatinine < 2x ULN (2.4 / 1.2 = 2.00, not less than 2) and eGFR > 30
    ("NCT03875495", "renal", {"creatinine": lab("2.4", "1.2")}),
    ("NCT03875495", "renal", {"egfr": lab("30")}),
    # ALP, ALT and/or AST 2.5 x ULN (sign lost): 101/40 = 2.53 x ULN is over; bilirubin 2.0 mg/dl: 2.1 over
    ("NCT03875495", "hepatic", {"alt": lab("101", "40")}),
    ("NCT03875495", "hepatic", {"bilirubin": lab("2.1")}),
    # DLCO > 50% ... (if non cooperative: pulse oximetry > 95 %): both routes missed
    ("NCT03875495", "pulmonary", {"dlco": lab("50"), "oxygen_saturation": lab("95")}),
    ("NCT03875495", "cardiac", {"lvef": lab("44")}),
    # NCT07256210: aged 1 to 25 years: 26 on ON
    ("NCT07256210", "age", {"birth": dt.date(2001, 3, 15)}),
    ("NCT07256210", "performance", {"lansky": lab("40"), "karnofsky": lab("40")}),
    # clearance or Schwartz >= 50 per 1.73 m2: Schwartz 0.413 x 175 / 1.5 = 48.2; measured 30 mL/min at BSA
    # sqrt(70 x 175 / 3600) = 1.845 m2 is 30 x 1.73 / 1.845 = 28.1 (without it the criterion is only not checked)
    ("NCT07256210", "renal", {"creatinine": lab("1.5", "1.2"), "creatinine_clearance": lab("30")}),
    ("NCT07256210", "hepatic", {"ast": lab("121", "40")}),  # 3.03 x ULN
    ("NCT07256210", "cardiac", {"lvef": lab("39")}),
    ("NCT07256210", "pulmonary", {"lung_capacity": lab("49"), "oxygen_saturation": lab("91")}),
    # NCT06885476: Age >= 18 years: 17 on ON
    ("NCT06885476", "age", {"birth": dt.date(2009, 3, 16)}),
    ("NCT06885476", "performance", {"karnofsky": lab("60"), "ecog": lab("3")}),
    ("NCT06885476", "renal", {"creatinine": lab("2.0", "1.2")}),  # not < 2 mg/dl
    ("NCT06885476", "pulmonary", {"oxygen_saturation": lab("95")}),
    ("NCT06885476", "hepatic", {"alt": lab("100", "40")}),  # 2.5 x N, not < 2.5
    ("NCT06885476", "cardiac", {"lvef": lab("50")}),  # not > 50%
    # NCT02999633: 16 Years and older: 15 on ON
    ("NCT02999633", "age", {"birth": dt.date(2011, 6, 1)}),
    # NCT05184816
    ("NCT05184816", "age", {"birth": dt.date(2010, 1, 1)}),
    ("NCT05184816", "performance", {"ecog": lab("3"), "karnofsky": lab("50")}),
    ("NCT05184816", "wbc", {"wbc": lab("2.4")}),
    ("NCT05184816", "anc", {"anc": lab("0.9")}),
    ("NCT05184816", "platelets", {"platelets": lab("49")}),
    ("NCT05184816", "hemoglobin", {"hemoglobin": lab("7.9")}),
    ("NCT05184816", "creatinine", {"creatinine": lab("1.9", "1.2")}),  # 1.58 x ULN
    ("NCT05184816", "bilirubin", {"bilirubin": lab("1.9", "1.2")}),
    ("NCT05184816", "alt-ast", {"alt": lab("121", "40")}),
]


@pytest.mark.parametrize(("protocol_id", "criterion", "change"), MISSES, ids=lambda v: v if isinstance(v, str) else "")
def test_a_patient_who_misses_one_criterion_gets_that_finding(protocol_id, criterion, change):
    change = dict(change)
    birth = change.pop("birth", BORN_20_YEARS_BEFORE)
    got = findings(protocol_id, factors(birth, **change))
    assert [(f.criterion_id, f.status) for f in got] == [(criterion, Status.NOT_MET)]
    assert got[0].code == "eligibility-not-met" and got[0].quote in got[0].message


def test_every_shipped_criterion_has_a_miss_above():
    missed = {(p, c) for p, c, _ in MISSES}
    every = {(lp.protocol.id, c.id) for lp in shipped_protocols() for c in lp.protocol.eligibility}
    assert every == missed


def _measures(node: Limit | Group) -> set[Measure]:
    if isinstance(node, Limit):
        return {node.measure}
    return set().union(*(_measures(n) for n in (node.any_of or node.all_of or [])))


@pytest.mark.parametrize(
    ("protocol_id", "criterion"),
    [(lp.protocol.id, c.id) for lp in shipped_protocols() for c in lp.protocol.eligibility],
)
def test_a_criterion_whose_values_are_not_given_is_not_checked_alone(protocol_id, criterion):
    c = next(c for c in find_protocol(protocol_id).protocol.eligibility if c.id == criterion)
    measures = _measures(c.root)
    if Measure.EGFR in measures:
        measures.add(Measure.CREATININE)  # eGFR is estimated from it
    birth = None if Measure.AGE in measures else BORN_20_YEARS_BEFORE
    got = findings(protocol_id, factors(birth, **{m.value: None for m in measures if m is not Measure.AGE}))
    assert [(f.criterion_id, f.status) for f in got] == [(criterion, Status.NOT_CHECKED)]
    assert got[0].code == "eligibility-not-checked"


def test_a_child_planned_under_the_adult_only_nk_protocol_is_warned_in_the_plan():
    loaded = find_protocol("NCT06885476")
    child = Patient(weight_kg=D(30), height_cm=D(135), sex=Sex.FEMALE)
    p = plan(loaded.protocol, child, ON, factors=PatientFactors(birth_date=dt.date(2016, 9, 1)))
    # the plan's first day is day -5, 2027-03-10; born 2016-09-01 she is 10 then
    (age,) = [w for w in p.warnings if w.code == "eligibility-not-met"]
    assert age.message.startswith("eligibility not met: age 10 years (a child) on 2027-03-10 is not at least 18 years")
    # performance, renal, pulmonary, hepatic, cardiac: nothing given - one warning names the five, and the plan's
    # eligibility list has each with the record's words
    (not_checked,) = [w for w in p.warnings if w.code == "eligibility-not-checked"]
    assert not_checked.message.startswith("eligibility not checked for 5 of the record's criteria (")
    unchecked = {f.criterion_id for f in p.eligibility if f.status is Status.NOT_CHECKED}
    assert len(unchecked) == 5 and all(c in not_checked.message for c in unchecked)
    assert [f.status for f in p.eligibility].count(Status.NOT_MET) == 1


def test_a_plan_without_patient_factors_has_no_eligibility_warnings():
    loaded = find_protocol("NCT06885476")
    p = plan(loaded.protocol, PATIENT, ON)
    assert not [w for w in p.warnings if w.code.startswith("eligibility")]


def test_a_plan_with_every_criterion_met_has_no_eligibility_warnings():
    loaded = find_protocol("NCT06885476")
    p = plan(loaded.protocol, PATIENT, ON, factors=factors())
    assert not [w for w in p.warnings if w.code.startswith("eligibility")]
