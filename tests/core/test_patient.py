"""Body size: the five BSA formulas, Devine ideal body weight and adjusted body weight.

Each BSA formula is checked three ways: against values published by two independent implementations
(themselves checked against the original papers' formulas), against a float implementation written
here from the papers' formulas, and by properties (BSA grows with weight and with height).
"""

from __future__ import annotations

import math
from decimal import Decimal as D

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from schedplan.core.patient import (
    BSAFormula,
    Patient,
    Sex,
    adjusted_body_weight,
    bsa_formula_value,
    ideal_body_weight,
)
from schedplan.core.units import parse_height, parse_weight, quantize

M, DB, HC, GG, BO = (
    BSAFormula.MOSTELLER,
    BSAFormula.DUBOIS,
    BSAFormula.HAYCOCK,
    BSAFormula.GEHAN_GEORGE,
    BSAFormula.BOYD,
)

# --- published reference values ------------------------------------------------------------------
# (weight kg, height cm) -> BSA in m2 to 3 decimals, per formula.
# - 75 kg/170 cm and 90 kg/185 cm: pharmaverse/admiral, tests/testthat/test-derive_advs_params.R,
#   "compute_bsa" tests 4-17 (Mosteller, DuBois-DuBois, Haycock, Gehan-George, Boyd).
# - 80 kg/180 cm: InsightRX/clinPK, tests/testthat/test_calc_bsa.R, calc_bsa(80, 180) for each method.
# Formulas as published: Mosteller RD, N Engl J Med 1987;317:1098; DuBois D, DuBois EF, Arch Intern
# Med 1916;17:863; Haycock GB et al., J Pediatr 1978;93:62; Gehan EA, George SL, Cancer Chemother Rep
# 1970;54:225; Boyd E, The Growth of the Surface Area of the Human Body, 1935.
REFERENCE = [
    (D("75"), D("170"), {M: "1.882", DB: "1.864", HC: "1.895", GG: "1.897", BO: "1.905"}),
    (D("90"), D("185"), {M: "2.151", DB: "2.141", HC: "2.161", GG: "2.160", BO: "2.158"}),
    (D("80"), D("180"), {M: "2.000", DB: "1.996", HC: "2.007", GG: "2.009", BO: "2.007"}),
]


@pytest.mark.parametrize(
    "weight, height, formula, expected",
    [(w, h, f, D(v)) for w, h, table in REFERENCE for f, v in table.items()],
    ids=lambda x: x.value if isinstance(x, BSAFormula) else str(x),
)
def test_bsa_matches_published_reference_values(weight, height, formula, expected):
    patient = Patient(weight_kg=weight, height_cm=height, bsa_formula=formula)
    assert patient.bsa_m2 == expected


def test_mosteller_worked_by_hand():
    # 62 x 168 = 10416; / 3600 = 2.893333...; sqrt = 1.700980... -> 1.701 m2 (the example)
    assert Patient(weight_kg=D("62"), height_cm=D("168")).bsa_m2 == D("1.701")
    # 80 x 180 / 3600 = 4 exactly, so the square root is exactly 2
    assert bsa_formula_value(M, D("80"), D("180")) == D("2")
    # 70 x 175 / 3600 = 3.402777...; sqrt = 1.844662 -> 1.845
    assert Patient(weight_kg=D("70"), height_cm=D("175")).bsa_m2 == D("1.845")


def test_mosteller_is_the_default_formula():
    assert Patient(weight_kg=D("62"), height_cm=D("168")).bsa_formula is M


def test_a_measured_bsa_replaces_the_formula():
    p = Patient(weight_kg=D("62"), height_cm=D("168"), measured_bsa_m2=D("1.85"), bsa_formula=DB)
    assert p.bsa_m2 == D("1.85")
    assert p.bsa_source == "measured BSA"


# --- an independent float implementation -------------------------------------------------------


def _float_bsa(formula: BSAFormula, w: float, h: float) -> float:
    """The papers' formulas in plain floats, written here independently of schedplan."""
    if formula is M:
        return math.sqrt(w * h / 3600)
    if formula is DB:
        return 0.007184 * w**0.425 * h**0.725
    if formula is HC:
        return 0.024265 * w**0.5378 * h**0.3964
    if formula is GG:
        return 0.0235 * w**0.51456 * h**0.42246
    grams = w * 1000
    return 0.0003207 * h**0.3 * grams ** (0.7285 - 0.0188 * math.log10(grams))


weights = st.decimals(min_value=D("0.51"), max_value=D("350"), places=2)
heights = st.decimals(min_value=D("30"), max_value=D("250"), places=1)
formulas = st.sampled_from(list(BSAFormula))


@given(formulas, weights, heights)
def test_bsa_agrees_with_an_independent_float_implementation(formula, w, h):
    exact = bsa_formula_value(formula, w, h)
    approx = _float_bsa(formula, float(w), float(h))
    assert math.isclose(float(exact), approx, rel_tol=1e-12)


@given(formulas, weights, weights, heights)
def test_bsa_grows_with_weight(formula, w1, w2, h):
    assume(w1 < w2)
    assert bsa_formula_value(formula, w1, h) < bsa_formula_value(formula, w2, h)
    p1 = Patient(weight_kg=w1, height_cm=h, bsa_formula=formula)
    p2 = Patient(weight_kg=w2, height_cm=h, bsa_formula=formula)
    assert p1.bsa_m2 <= p2.bsa_m2  # rounded to 0.001: never smaller


@given(formulas, weights, heights, heights)
def test_bsa_grows_with_height(formula, w, h1, h2):
    assume(h1 < h2)
    assert bsa_formula_value(formula, w, h1) < bsa_formula_value(formula, w, h2)
    p1 = Patient(weight_kg=w, height_cm=h1, bsa_formula=formula)
    p2 = Patient(weight_kg=w, height_cm=h2, bsa_formula=formula)
    assert p1.bsa_m2 <= p2.bsa_m2


@given(formulas, weights, heights)
def test_bsa_used_is_the_formula_rounded_half_up_to_0_001(formula, w, h):
    p = Patient(weight_kg=w, height_cm=h, bsa_formula=formula)
    assert isinstance(p.bsa_m2, D)
    assert p.bsa_m2 == quantize(bsa_formula_value(formula, w, h), D("0.001"))
    assert abs(p.bsa_m2 - bsa_formula_value(formula, w, h)) <= D("0.0005")


# --- the calculation text must let a pharmacist reproduce the BSA --------------------------------


def test_bsa_source_shows_the_weight_and_height_the_formula_used_when_entered_in_lb_and_in():
    # Regression: the text rounded 100 lb (45.359237 kg) to 45.36 kg and 61.2 in (155.448 cm) to
    # 155.4 cm. From those numbers Mosteller gives sqrt(45.36 x 155.4 / 3600) = 1.39931 -> 1.399, but
    # schedplan used sqrt(45.359237 x 155.448 / 3600) = 1.40001 -> 1.400.
    kg, _ = parse_weight("100lb")
    cm, _ = parse_height("61.2in")
    p = Patient(weight_kg=kg, height_cm=cm)
    assert p.bsa_m2 == D("1.400")
    assert p.bsa_source == "Mosteller, 45.359237 kg, 155.448 cm"
    assert bsa_formula_value(M, D("45.359237"), D("155.448")).quantize(D("0.001")) == p.bsa_m2


@given(
    formulas,
    st.decimals(min_value=D("2"), max_value=D("770"), places=1),
    st.decimals(min_value=D("12"), max_value=D("98"), places=1),
)
def test_bsa_can_be_reproduced_from_the_numbers_in_its_source_text(formula, lb, inches):
    kg, _ = parse_weight(f"{lb}lb")
    cm, _ = parse_height(f"{inches}in")
    p = Patient(weight_kg=kg, height_cm=cm, bsa_formula=formula)
    label, shown_kg, shown_cm = p.bsa_source.split(", ")
    assert label == formula.label
    w = D(shown_kg.removesuffix(" kg"))
    h = D(shown_cm.removesuffix(" cm"))
    assert quantize(bsa_formula_value(formula, w, h), D("0.001")) == p.bsa_m2


# --- Devine ideal body weight ---------------------------------------------------------------------
# Men 50 kg, women 45.5 kg, + 2.3 kg per inch over 60 in (Devine BJ, Drug Intell Clin Pharm 1974;8:650).


@pytest.mark.parametrize(
    "sex, height, expected",
    [
        # 175 cm / 2.54 = 68.8976 in; 8.8976 x 2.3 = 20.4646 kg
        (Sex.MALE, D("175"), D("70.46")),
        (Sex.FEMALE, D("175"), D("65.96")),
        # 66.1 in (167.894 cm): 6.1 x 2.3 = 14.03
        (Sex.MALE, D("167.894"), D("64.03")),
        (Sex.FEMALE, D("167.894"), D("59.53")),
        # 75 in = 190.5 cm: 15 x 2.3 = 34.5
        (Sex.MALE, D("190.5"), D("84.50")),
        # exactly 60 in = 152.4 cm: the base weight
        (Sex.MALE, D("152.4"), D("50.00")),
        (Sex.FEMALE, D("152.4"), D("45.50")),
        # 160 cm: InsightRX/clinPK tests/testthat/test_calc_ibw.R gives 52.381890 (F) and 56.881890 (M)
        (Sex.FEMALE, D("160"), D("52.38")),
        (Sex.MALE, D("160"), D("56.88")),
    ],
)
def test_devine_ideal_body_weight(sex, height, expected):
    assert ideal_body_weight(sex, height) == expected
    assert Patient(weight_kg=D("70"), height_cm=height, sex=sex).ibw_kg == expected


@pytest.mark.parametrize("height", [D("152.3"), D("150"), D("120"), D("30")])
def test_devine_is_undefined_under_five_feet(height):
    assert ideal_body_weight(Sex.MALE, height) is None
    assert ideal_body_weight(Sex.FEMALE, height) is None
    p = Patient(weight_kg=D("40"), height_cm=height, sex=Sex.FEMALE)
    assert p.ibw_kg is None and p.adjbw_kg is None


def test_no_ideal_or_adjusted_weight_without_sex():
    p = Patient(weight_kg=D("70"), height_cm=D("175"))
    assert p.ibw_kg is None and p.adjbw_kg is None


@given(st.decimals(min_value=D("152.4"), max_value=D("247"), places=1))
def test_devine_men_and_women_differ_by_4_5_kg_and_grow_2_3_kg_per_inch(height):
    men, women = ideal_body_weight(Sex.MALE, height), ideal_body_weight(Sex.FEMALE, height)
    assert men - women == D("4.5")
    one_inch_taller = ideal_body_weight(Sex.MALE, height + D("2.54"))
    assert abs(one_inch_taller - men - D("2.3")) <= D("0.01")  # each is rounded to 0.01 kg
    exact = 50 + D("2.3") * (height / D("2.54") - 60)
    assert abs(men - exact) <= D("0.005")


# --- adjusted body weight: IBW + 0.4 x (actual - IBW) -------------------------------------------


@pytest.mark.parametrize(
    "sex, weight, height, expected",
    [
        # IBW 65.96; 100 - 65.96 = 34.04; x 0.4 = 13.616; 65.96 + 13.616 = 79.576 -> 79.58
        (Sex.FEMALE, D("100"), D("175"), D("79.58")),
        # IBW 70.46; 70 - 70.46 = -0.46; x 0.4 = -0.184; 70.276 -> 70.28
        (Sex.MALE, D("70"), D("175"), D("70.28")),
        # IBW 84.5; 120 - 84.5 = 35.5; x 0.4 = 14.2; 98.7
        (Sex.MALE, D("120"), D("190.5"), D("98.70")),
    ],
)
def test_adjusted_body_weight(sex, weight, height, expected):
    p = Patient(weight_kg=weight, height_cm=height, sex=sex)
    assert p.adjbw_kg == expected
    assert adjusted_body_weight(p.ibw_kg, weight) == expected


def test_adjusted_body_weight_is_none_without_an_ideal_weight():
    assert adjusted_body_weight(None, D("70")) is None


@given(st.sampled_from(list(Sex)), weights, st.decimals(min_value=D("152.4"), max_value=D("250"), places=1))
def test_adjusted_weight_lies_between_ideal_and_actual(sex, w, h):
    p = Patient(weight_kg=w, height_cm=h, sex=sex)
    lo, hi = sorted([p.ibw_kg, w])
    assert lo - D("0.005") <= p.adjbw_kg <= hi + D("0.005")
    assert isinstance(p.ibw_kg, D) and isinstance(p.adjbw_kg, D)


# --- the model refuses what the parser would ------------------------------------------------------


@pytest.mark.parametrize(
    "fields",
    [
        {"weight_kg": D("0.5"), "height_cm": D("100")},
        {"weight_kg": D("350.01"), "height_cm": D("100")},
        {"weight_kg": D("70"), "height_cm": D("29.9")},
        {"weight_kg": D("70"), "height_cm": D("250.1")},
    ],
)
def test_patient_model_refuses_implausible_measurements(fields):
    with pytest.raises(ValueError):
        Patient(**fields)
