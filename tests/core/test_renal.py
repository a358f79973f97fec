"""Renal estimates, creatinine units, Calvert and age: against the publications' equations, worked by hand.

Every expected value below is worked by hand in the comment beside it (and, for the equations with powers,
again with floating-point math in the test as an independent second implementation).
"""

from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal

import pytest

from schedplan.core.patient import Sex
from schedplan.core.renal import (
    age_years,
    bedside_schwartz,
    calvert,
    ckd_epi_2021,
    cockcroft_gault,
    creatinine,
    parse_creatinine,
)
from schedplan.errors import InputError

D = Decimal

# --- creatinine units: 1 mg/dL = 88.4 umol/L ------------------------------------------------------


def test_88_4_umol_per_l_is_exactly_1_mg_per_dl():
    c = parse_creatinine("88.4 umol/L")
    assert c.mg_dl == D(1) and c.unit == "umol/L" and c.entered == "88.4 umol/L"


def test_umol_converted_by_dividing_by_88_4_and_the_text_shows_it():
    c = parse_creatinine("97 µmol/L")  # micro sign, as labs print it
    # 97 / 88.4 = 1.09728506... mg/dL
    assert abs(c.mg_dl - D("1.0972850678733")) < D("1e-12")
    assert c.conversion == "97 umol/L / 88.4 = 1.0973 mg/dL"


@pytest.mark.parametrize("text", ["1.1 mg/dL", "1.1mg/dl", "1,1 mg/dL", " 1.1  MG/DL "])
def test_mg_per_dl_is_taken_as_it_is(text):
    c = parse_creatinine(text)
    assert c.mg_dl == D("1.1") and c.unit == "mg/dL" and c.conversion == ""


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("1.1", "has no unit"),
        ("", "not a number with a unit"),
        ("1.1 mmol/L", "unknown unit"),
        ("1,040 umol/L", "ambiguous"),
        ("-1 mg/dL", "implausible"),
        ("0 mg/dL", "implausible"),
        ("31 mg/dL", "implausible"),
        ("high", "not a number with a unit"),
    ],
)
def test_bad_creatinine_is_one_clear_line(text, words):
    with pytest.raises(InputError) as exc:
        parse_creatinine(text)
    message = str(exc.value)
    assert words in message and "\n" not in message and "mg/dL" in message


def test_creatinine_from_a_number_and_unit_refuses_other_units():
    assert creatinine(D("1.5"), "mg/dL").mg_dl == D("1.5")
    with pytest.raises(InputError):
        creatinine(D("1.5"), "mmol/L")


# --- Cockcroft-Gault ----------------------------------------------------------------------------
# Cockcroft DW, Gault MH. Prediction of creatinine clearance from serum creatinine. Nephron 1976;16:31-41:
# CrCl (mL/min) = (140 - age) x weight (kg) / (72 x serum creatinine (mg/dL)), x 0.85 for women.


def test_cockcroft_gault_man_60_years_70_kg_creatinine_1():
    # (140 - 60) x 70 / (72 x 1) = 5600 / 72 = 77.777... -> 77.8 mL/min
    e = cockcroft_gault(age=60, weight_kg=D(70), weight_used="actual", creatinine_mg_dl=D(1), sex=Sex.MALE)
    assert e.value == D("77.8") and e.unit == "mL/min"
    assert e.method == "Cockcroft-Gault (actual weight)"
    assert e.calculation == "(140 - 60 years) x 70 kg (actual weight) / (72 x 1 mg/dL) = 77.7778 -> 77.8 mL/min"


def test_cockcroft_gault_woman_is_0_85_of_the_man_and_names_the_weight_used():
    # (140 - 72) x 55.5 / (72 x 1.2) x 0.85 = 68 x 55.5 = 3774; / 86.4 = 43.680555...; x 0.85 = 37.128472... -> 37.1
    e = cockcroft_gault(age=72, weight_kg=D("55.5"), weight_used="ideal", creatinine_mg_dl=D("1.2"), sex=Sex.FEMALE)
    assert e.value == D("37.1")
    assert abs(e.exact_value - D("37.1284722222")) < D("1e-9")
    assert "(ideal weight)" in e.calculation and "x 0.85 (female)" in e.calculation


def test_cockcroft_gault_weight_used_must_be_named_and_is_adult_only():
    with pytest.raises(ValueError):
        cockcroft_gault(age=60, weight_kg=D(70), weight_used="lean", creatinine_mg_dl=D(1), sex=Sex.MALE)
    with pytest.raises(InputError, match="adult equation"):
        cockcroft_gault(age=12, weight_kg=D(40), weight_used="actual", creatinine_mg_dl=D("0.5"), sex=Sex.MALE)


# --- CKD-EPI 2021 -------------------------------------------------------------------------------
# Inker LA, Eneanya ND, Coresh J, et al. New creatinine- and cystatin C-based equations to estimate GFR without
# race. N Engl J Med 2021;385:1737-49: eGFR = 142 x min(Scr/k, 1)^a x max(Scr/k, 1)^-1.200 x 0.9938^age
# x 1.012 [female]; k = 0.7 (F), 0.9 (M); a = -0.241 (F), -0.302 (M).


def _ckd_epi_float(scr: float, age: int, female: bool) -> float:
    k, a = (0.7, -0.241) if female else (0.9, -0.302)
    r = scr / k
    return 142 * min(r, 1) ** a * max(r, 1) ** -1.2 * 0.9938**age * (1.012 if female else 1)


def test_ckd_epi_2021_woman_50_creatinine_1():
    # Scr/k = 1/0.7 = 1.428571; min term 1; 1.428571^-1.2 = exp(-1.2 x 0.356675) = 0.651802;
    # 0.9938^50 = exp(50 x -0.0062193) = 0.732739; 142 x 0.651802 x 0.732739 x 1.012 = 68.63 -> 68.6
    e = ckd_epi_2021(creatinine_mg_dl=D(1), age=50, sex=Sex.FEMALE)
    assert e.value == D("68.6") and e.unit == "mL/min/1.73 m2" and e.method == "CKD-EPI 2021"
    assert math.isclose(float(e.exact_value), _ckd_epi_float(1.0, 50, True), rel_tol=1e-12)
    assert "x 1.012 (female)" in e.calculation


def test_ckd_epi_2021_man_40_creatinine_0_8_uses_the_low_slope():
    # Scr/k = 0.8/0.9 = 0.888889; 0.888889^-0.302 = exp(0.302 x 0.117783) = 1.036210; max term 1;
    # 0.9938^40 = 0.779775; 142 x 1.036210 x 0.779775 = 114.74 -> 114.7
    e = ckd_epi_2021(creatinine_mg_dl=D("0.8"), age=40, sex=Sex.MALE)
    assert e.value == D("114.7")
    assert math.isclose(float(e.exact_value), _ckd_epi_float(0.8, 40, False), rel_tol=1e-12)


def test_ckd_epi_2021_at_creatinine_equal_to_kappa_is_142_x_age_factor():
    # Scr = k: both ratio terms are 1, eGFR = 142 x 0.9938^age; age 18 man: 142 x 0.894100 = 126.96 -> 127.0
    e = ckd_epi_2021(creatinine_mg_dl=D("0.9"), age=18, sex=Sex.MALE)
    assert e.value == D("127.0")


def test_ckd_epi_2021_is_race_free_and_adult_only():
    with pytest.raises(TypeError):
        ckd_epi_2021(creatinine_mg_dl=D(1), age=50, sex=Sex.MALE, race="black")  # type: ignore[call-arg]
    with pytest.raises(InputError, match="bedside Schwartz"):
        ckd_epi_2021(creatinine_mg_dl=D("0.5"), age=17, sex=Sex.MALE)


# --- bedside Schwartz ---------------------------------------------------------------------------
# Schwartz GJ, Munoz A, Schneider MF, et al. New equations to estimate GFR in children with CKD.
# J Am Soc Nephrol 2009;20:629-37: eGFR (mL/min/1.73 m2) = 0.413 x height (cm) / serum creatinine (mg/dL).


def test_bedside_schwartz_height_120_creatinine_0_5():
    # 0.413 x 120 / 0.5 = 49.56 / 0.5 = 99.12 -> 99.1
    e = bedside_schwartz(height_cm=D(120), creatinine_mg_dl=D("0.5"))
    assert e.exact_value == D("99.12") and e.value == D("99.1")
    assert e.calculation == "0.413 x 120 cm / 0.5 mg/dL = 99.12 -> 99.1 mL/min/1.73 m2"


def test_bedside_schwartz_from_umol():
    # 44.2 umol/L / 88.4 = 0.5 mg/dL exactly; 0.413 x 150 / 0.5 = 123.9
    c = parse_creatinine("44.2 umol/L")
    assert bedside_schwartz(height_cm=D(150), creatinine_mg_dl=c.mg_dl).value == D("123.9")


# --- Calvert ------------------------------------------------------------------------------------
# Calvert AH, Newell DR, Gumbrell LA, et al. Carboplatin dosage: prospective evaluation of a simple formula
# based on renal function. J Clin Oncol 1989;7:1748-56: dose (mg) = target AUC x (GFR + 25).
# NCI CTEP, letter on AUC-based carboplatin dosing (2010): with GFR capped at 125 mL/min the maximum dose is
# target AUC x 150: 900 mg for AUC 6, 750 mg for AUC 5, 600 mg for AUC 4.


def test_calvert_auc_5_gfr_100():
    # 5 x (100 + 25) = 625 mg
    e = calvert(auc=D(5), gfr_ml_min=D(100))
    assert e.value == D(625) and e.unit == "mg"
    assert e.calculation == "GFR 100 mL/min; AUC 5 mg/mL x min x (100 + 25) = 625 -> 625 mg"


@pytest.mark.parametrize(("auc", "expected"), [(6, 900), (5, 750), (4, 600)])
def test_calvert_with_gfr_capped_at_125_gives_the_ctep_maximum(auc, expected):
    e = calvert(auc=D(auc), gfr_ml_min=D(140), gfr_cap=D(125), gfr_source="Cockcroft-Gault")
    assert e.value == D(expected)
    assert "GFR 140 mL/min (Cockcroft-Gault); capped at 125 mL/min" in e.calculation


def test_calvert_cap_does_not_act_below_it():
    # 4.5 x (77.8 + 25) = 4.5 x 102.8 = 462.6 mg
    e = calvert(auc=D("4.5"), gfr_ml_min=D("77.8"), gfr_cap=D(125))
    assert e.value == D("462.6") and "capped" not in e.calculation


@pytest.mark.parametrize("bad", [D(0), D(-5)])
def test_calvert_refuses_a_non_positive_gfr_or_auc(bad):
    with pytest.raises(InputError):
        calvert(auc=bad, gfr_ml_min=D(100))
    with pytest.raises(InputError):
        calvert(auc=D(5), gfr_ml_min=bad)


# --- age ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("birth", "on", "years"),
    [
        (dt.date(2010, 3, 15), dt.date(2027, 3, 14), 16),  # the day before the 17th birthday
        (dt.date(2010, 3, 15), dt.date(2027, 3, 15), 17),  # the birthday itself
        (dt.date(2008, 2, 29), dt.date(2026, 2, 28), 17),  # leap-day birth: 18 from 1 March in a common year
        (dt.date(2008, 2, 29), dt.date(2026, 3, 1), 18),
        (dt.date(2027, 1, 1), dt.date(2027, 1, 1), 0),
    ],
)
def test_age_in_whole_years(birth, on, years):
    assert age_years(birth, on) == years


def test_birth_date_after_the_day_is_refused_in_one_line():
    with pytest.raises(InputError) as exc:
        age_years(dt.date(2027, 5, 1), dt.date(2027, 3, 15))
    assert str(exc.value) == "birth date 2027-05-01 is after 2027-03-15; a birth date must be on or before it"
