"""Fludarabine on the donor NK-cell protocol (NCT06885476) under the example policy's renal rule (issue 16):
unchanged at 80 mL/min, reduced with the rule reported at 60, stopped at 25.

The rule is the US FLUDARA label's starting-dose table (CrCl >= 80: 25 mg/m2; 50-79: 20 mg/m2; 30-49: 15 mg/m2;
< 30: do not administer), written as percents of the dose: 20/25 = 80 %, 15/25 = 60 %.
By hand, 70 kg, 175 cm, M: Mosteller BSA sqrt(70 x 175 / 3600) = sqrt(3.402778) = 1.84466 -> 1.845 m2;
fludarabine 25 mg/m2 x 1.845 = 46.125 mg (reported 46.13 mg); x 80 % = 36.9 mg; x 60 % = 27.675 mg (27.68 mg).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest

from schedplan.errors import InputError
from schedplan.inputs import PlanInputs, plan_from_inputs
from schedplan.load.policy import find_policy
from schedplan.load.protocols import find_protocol

NK_CELLS = "NCT06885476"
TODAY = dt.date(2027, 3, 1)


def nk(**factors: str):
    overrides = factors.pop("overrides", None) or {}
    inputs = PlanInputs(
        weight="70kg", height="175cm", sex="M", anchor_date="2027-03-15", overrides=overrides, **factors
    )
    return plan_from_inputs(
        find_protocol(NK_CELLS).protocol, inputs, site=find_policy("example-astct-2014"), today=TODAY
    )


def fludarabine(p):
    return [e for e in p.events if e.name == "fludarabine"]


def test_clearance_80_gives_the_full_dose():
    flu = fludarabine(nk(crcl="80"))
    assert [e.dose.value for e in flu] == [D("46.13")] * 3
    assert all(e.dose.rules == [] for e in flu)
    assert "no reduction band: full dose" in flu[0].dose.calculation


def test_clearance_60_reduces_to_80_percent_and_says_so():
    p = nk(crcl="60")
    flu = fludarabine(p)
    assert [e.dose.value for e in flu] == [D("36.9")] * 3  # 46.125 x 0.8
    assert [r.rule for r in flu[0].dose.rules] == ["renal-reduced"]
    assert "x 80%" in flu[0].dose.calculation and "60 mL/min" in flu[0].dose.calculation
    assert "FLUDARA" in flu[0].dose.rules[0].detail  # the source is reported
    assert sum(w.code == "renal-reduced" for w in p.warnings) == 3
    # cyclophosphamide has no renal rule: unchanged, 2 g/m2 x 1.845 = 3.69 g
    assert next(e for e in p.events if e.name == "cyclophosphamide").dose.value == D("3.69")


def test_clearance_40_reduces_to_60_percent():
    assert fludarabine(nk(crcl="40"))[0].dose.value == D("27.68")  # 46.125 x 0.6 = 27.675


def test_clearance_25_stops_the_plan_unless_overridden():
    with pytest.raises(InputError) as exc:
        nk(crcl="25")
    assert "renal-stop:fludarabine" in str(exc.value) and "NOT TO BE GIVEN" in str(exc.value)
    p = nk(crcl="25", overrides={"renal-stop:fludarabine": "haematologist's decision"})
    flu = fludarabine(p)
    assert flu[0].dose.value == D("46.13") and flu[0].overrides[0].reason == "haematologist's decision"


@pytest.mark.parametrize(
    ("crcl", "expected"),
    [("80", D("46.13")), ("79.9", D("36.9")), ("50", D("36.9")), ("49.9", D("27.68")), ("30", D("27.68"))],
)
def test_band_edges(crcl, expected):
    assert fludarabine(nk(crcl=crcl))[0].dose.value == expected


def test_without_renal_function_the_rule_is_not_evaluated_and_says_so():
    p = nk()
    flu = fludarabine(p)
    assert flu[0].dose.value == D("46.13")
    assert [r.rule for r in flu[0].dose.rules] == ["renal-not-evaluated"]
    assert any(w.code == "renal-not-evaluated" and "--creatinine" in w.message for w in p.warnings)


def test_cockcroft_gault_from_creatinine_in_umol_per_litre():
    # born 1960-01-01: 67 on 2027-03-10; 97 umol/L / 88.4 = 1.09729 mg/dL;
    # (140 - 67) x 70 / (72 x 1.09729) = 5110 / 79.0045 = 64.68 -> 64.7 mL/min: the 50-79 band, 80 %
    p = nk(birth_date="1960-01-01", creatinine="97 umol/L")
    flu = fludarabine(p)
    assert flu[0].dose.value == D("36.9")
    assert "64.7 mL/min" in flu[0].dose.calculation and "Cockcroft-Gault (actual weight)" in flu[0].dose.calculation
    assert p.renal is not None and "97 umol/L / 88.4" in p.renal
    assert p.renal_value == D("64.7")


def test_age_is_counted_on_each_dose_date():
    # born 1960-03-12: 66 on day -5 (2027-03-10), 67 on day -3 (2027-03-12, the birthday).
    # Creatinine 1 mg/dL: (140 - 66) x 70 / 72 = 71.94 -> 71.9; (140 - 67) x 70 / 72 = 70.97 -> 71.0 mL/min
    flu = fludarabine(nk(birth_date="1960-03-12", creatinine="1 mg/dL"))
    assert "71.9 mL/min" in flu[0].dose.calculation and "(140 - 66 years)" in flu[0].dose.calculation
    assert "71 mL/min" in flu[2].dose.calculation and "(140 - 67 years)" in flu[2].dose.calculation
