"""core.dosing.calculate: worked examples by hand, the calculation text, and properties of the arithmetic.

Every expected value is worked out in the comment beside it. The calculation text is also read back
the way a pharmacist would, and the dose recomputed from the numbers it shows.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP
from decimal import Decimal as D
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from schedplan.core.dosing import CalculatedDose, calculate
from schedplan.core.patient import Patient, Sex
from schedplan.core.protocol import Dose
from schedplan.errors import InputError


def patient(weight="62", height="168", sex=None, bsa=None) -> Patient:
    return Patient(
        weight_kg=D(weight),
        height_cm=D(height),
        sex=sex,
        measured_bsa_m2=None if bsa is None else D(bsa),
    )


def dose(amount, unit, per="dose", split=None, weight="actual") -> tuple[Dose, D]:
    return Dose(amount=D(amount), unit=unit, per=per, split=split, weight=weight), D(amount)


def calc(d: tuple[Dose, D], p: Patient, course_days=1, fraction=None) -> CalculatedDose:
    return calculate(d[0], d[1], p, course_days=course_days, fraction=fraction)


# --- worked examples ------------------------------------------------------------------------------


def test_fludarabine_40_mg_m2_62kg_168cm_mosteller():
    # BSA sqrt(62 x 168 / 3600) = 1.700980 -> 1.701 m2; 40 x 1.701 = 68.04 mg
    c = calc(dose("40", "mg/m2", per="day"), patient("62", "168"))
    assert c.value == D("68.04") and c.unit == "mg"
    assert c.prescribed == "40 mg/m2/day"
    assert c.calculation == "40 mg/m2 x 1.701 m2 (Mosteller, 62 kg, 168 cm) = 68.04 mg"


def test_thiotepa_10_mg_kg_per_course_over_2_days_is_5_mg_kg_a_day():
    # 10 mg/kg / 2 days = 5 mg/kg/day; 5 x 62 kg = 310 mg on each day
    c = calc(dose("10", "mg/kg", per="course"), patient("62", "168"), course_days=2)
    assert c.value == D("310") and c.unit == "mg"
    assert c.prescribed == "10 mg/kg/course"
    assert c.per_administration == "5 mg/kg"
    assert c.calculation == "10 mg/kg/course / 2 days = 5 mg/kg/day; 5 mg/kg x 62 kg (actual weight) = 310 mg"


def test_nk_cells_two_thirds_of_10e6_per_kg_at_70kg():
    # 10 x10^6 cells/kg x 2/3 = 6.6667 x10^6/kg; x 70 kg = 466.6667 x10^6 = 466,666,666.67 -> 466,666,667
    nk = dose("10", "x10^6 cells/kg", per="course", split=["2/3", "1/3"])
    first = calc(nk, patient("70", "175"), course_days=2, fraction=Fraction(2, 3))
    assert first.value == D("466666667") and first.unit == "cells"
    for shown in (
        "10 x 10^6 cells/kg/course x 2/3",
        "6.6667 x 10^6 cells/kg",
        "(10 x 2/3)",
        "70 kg",
        "466.6667 x 10^6 cells",
        "466,666,666.6667 cells",
        "466,666,667 cells",
    ):
        assert shown in first.calculation
    # the other third: 233,333,333.33 -> 233,333,333; together 700,000,000 = 10 x10^6 x 70 exactly
    second = calc(nk, patient("70", "175"), course_days=2, fraction=Fraction(1, 3))
    assert second.value == D("233333333")
    assert first.value + second.value == D("700000000")


def test_treosulfan_42_g_m2_per_course_over_3_days():
    # 42 / 3 = 14 g/m2/day; 14 x 1.701 = 23.814 g; three days: 71.442 = 42 x 1.701
    c = calc(dose("42", "g/m2", per="course"), patient("62", "168"), course_days=3)
    assert c.value == D("23.814") and c.unit == "g"
    assert "42 g/m2/course / 3 days = 14 g/m2/day" in c.calculation
    assert "14 g/m2 x 1.701 m2" in c.calculation and c.calculation.endswith("= 23.814 g")
    assert 3 * c.value == D("42") * D("1.701")


def test_busulfan_and_tbi_divided_over_3_days():
    # busulfan 12 mg/kg / 3 = 4 mg/kg x 70 kg = 280 mg; TBI 12 Gy / 3 = 4 Gy
    assert calc(dose("12", "mg/kg", per="course"), patient("70", "175"), course_days=3).value == D("280")
    tbi = calc(dose("12", "Gy", per="course"), patient("70", "175"), course_days=3)
    assert tbi.value == D("4") and tbi.unit == "Gy"
    assert tbi.calculation == "12 Gy/course / 3 days = 4 Gy/day"


def test_a_course_that_does_not_divide_evenly_carries_the_fraction_not_a_rounded_figure():
    # 10 mg/kg / 3 = 3.3333... mg/kg; (10 / 3) x 62 = 206.6666... -> 206.67 mg
    # (rounding 3.3333 first would give 3.3333 x 62 = 206.6646 -> 206.66: a different dose)
    c = calc(dose("10", "mg/kg", per="course"), patient("62", "168"), course_days=3)
    assert c.value == D("206.67")
    assert "(10 / 3) mg/kg x 62 kg" in c.calculation
    assert "rounded to 0.01 mg: 206.67 mg" in c.calculation


def test_per_day_dose_is_not_divided():
    # 40 mg/m2/day on each of 2 days is 40 mg/m2 on each day, not 20
    c = calc(dose("40", "mg/m2", per="day"), patient("62", "168"), course_days=2)
    assert c.value == D("68.04")


def test_tocilizumab_8_mg_kg():
    # 8 x 70 = 560 mg
    c = calc(dose("8", "mg/kg"), patient("70", "175"))
    assert c.value == D("560")
    assert c.calculation == "8 mg/kg x 70 kg (actual weight) = 560 mg"


def test_flat_dose_in_millions_of_units_is_reported_as_a_plain_count():
    # IL-2 10 x10^6 IU = 10,000,000 IU
    c = calc(dose("10", "x10^6 IU"), patient())
    assert c.value == D("10000000") and c.unit == "IU"
    assert "10,000,000 units" in c.calculation and "IU" not in c.calculation  # ISMP: units, never IU


def test_flat_mg_dose_is_the_dose():
    c = calc(dose("372", "mg"), patient())
    assert c.value == D("372") and c.calculation == "flat dose 372 mg"


def test_measured_bsa_is_used_and_named():
    # 40 x 1.85 = 74 mg
    c = calc(dose("40", "mg/m2"), patient(bsa="1.85"))
    assert c.value == D("74")
    assert "1.85 m2 (measured BSA)" in c.calculation


def test_each_bsa_formula_changes_the_dose():
    # DuBois for 62 kg/168 cm: 0.007184 x 62^0.425 x 168^0.725 = 1.704049 -> 1.704; 40 x 1.704 = 68.16 mg
    p = Patient(weight_kg=D("62"), height_cm=D("168"), bsa_formula="dubois")
    c = calc(dose("40", "mg/m2"), p)
    assert c.value == D("68.16")
    assert "(DuBois & DuBois, 62 kg, 168 cm)" in c.calculation


def test_dose_on_ideal_body_weight():
    # woman, 175 cm: IBW 45.5 + 2.3 x (68.8976 - 60) = 65.96 kg; 10 x 65.96 = 659.6 mg
    c = calc(dose("10", "mg/kg", weight="ideal"), patient("100", "175", Sex.FEMALE))
    assert c.value == D("659.6")
    assert "65.96 kg (ideal body weight (Devine))" in c.calculation


def test_dose_on_adjusted_body_weight():
    # IBW 65.96 + 0.4 x (100 - 65.96) = 79.576 -> 79.58 kg; 10 x 79.58 = 795.8 mg
    c = calc(dose("10", "mg/kg", weight="adjusted"), patient("100", "175", Sex.FEMALE))
    assert c.value == D("795.8")
    assert "79.58 kg (adjusted body weight" in c.calculation


def test_ideal_weight_dose_without_sex_is_refused_saying_why():
    with pytest.raises(InputError) as info:
        calc(dose("10", "mg/kg", weight="ideal"), patient("100", "175"))
    assert "sex" in str(info.value) and info.value.field == "sex"


def test_ideal_weight_dose_under_five_feet_is_refused_saying_why():
    with pytest.raises(InputError) as info:
        calc(dose("10", "mg/kg", weight="adjusted"), patient("40", "150", Sex.FEMALE))
    assert "152.4 cm" in str(info.value) and info.value.field == "height"


# --- Decimal, never float ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "amount, unit, weight, expected, catches",
    [
        # flat 1.005 mg: float(1.005) = 1.00499999..., which rounds to 1.00; half-even also gives 1.00
        ("1.005", "mg", "62", D("1.01"), {"float", "half-even"}),
        # 1 mg/kg x 2.675 kg = 2.675 -> 2.68; float(2.675) = 2.67499999... -> 2.67
        ("1", "mg/kg", "2.675", D("2.68"), {"float"}),
        # 2.5 mg/kg x 1.01 kg = 2.525 -> 2.53; in float 2.5 * 1.01 = 2.52499999... -> 2.52; half-even 2.52
        ("2.5", "mg/kg", "1.01", D("2.53"), {"float", "half-even"}),
        # 0.5 mg/kg x 2.25 kg = 1.125 -> 1.13; half-even would give 1.12
        ("0.5", "mg/kg", "2.25", D("1.13"), {"half-even"}),
    ],
)
def test_rounding_is_decimal_half_up_where_float_or_half_even_would_differ(amount, unit, weight, expected, catches):
    c = calc(dose(amount, unit), patient(weight, "50"))
    assert c.value == expected
    # each case can fail: the wrong way of computing it gives another answer
    factor = D(1) if unit == "mg" else D(weight)
    as_float = D(float(D(amount)) * float(factor)).quantize(D("0.01"), rounding=ROUND_HALF_UP)
    half_even = (D(amount) * factor).quantize(D("0.01"), rounding=ROUND_HALF_EVEN)
    assert ("float" in catches) == (as_float != expected)
    assert ("half-even" in catches) == (half_even != expected)


@pytest.mark.parametrize(
    "amount, weight, expected, text",
    [
        # 0.001 mg/kg x 3 kg = 0.003 mg: to 0.01 mg that read "0 mg"
        ("0.001", "3", D("0.003"), "= 0.003 mg"),
        # 0.002 mg/kg x 3 kg = 0.006 mg: to 0.01 mg that read "0.01 mg", two thirds too much
        ("0.002", "3", D("0.006"), "= 0.006 mg"),
        # 0.111 mg/kg x 3 kg = 0.333 mg: three significant figures, not 0.33
        ("0.111", "3", D("0.333"), "= 0.333 mg"),
        # 0.1 mg/kg x 3.3333 kg = 0.33333 mg -> 0.333 (rounded to 0.001 mg)
        ("0.1", "3.3333", D("0.333"), "rounded to 0.001 mg: 0.333 mg"),
    ],
)
def test_small_doses_keep_three_significant_figures_and_never_read_as_zero(amount, weight, expected, text):
    c = calc(dose(amount, "mg/kg"), patient(weight, "50"))
    assert c.value == expected and c.value != 0
    assert text in c.calculation


def test_no_float_carries_a_dose():
    c = calc(
        dose("10", "x10^6 cells/kg", per="course", split=["2/3", "1/3"]),
        patient("70.3", "175"),
        course_days=2,
        fraction=Fraction(2, 3),
    )
    for name in CalculatedDose.model_fields:
        assert not isinstance(getattr(c, name), float), name
    assert type(c.value) is D and type(c.exact_value) is D
    dumped = c.model_dump()
    assert type(dumped["value"]) is D and type(dumped["exact_value"]) is D


def test_a_float_amount_is_not_silently_accepted_as_a_dose():
    # pydantic would turn 0.1 into Decimal('0.1') via repr; the protocol loader gives Decimals. Here the
    # point is that what comes out is a Decimal whatever came in, and equal to the exact product.
    d = Dose(amount=D("0.1"), unit="mg/kg")
    c = calculate(d, D("0.1"), patient("3", "50"), course_days=1)
    assert c.exact_value == D("0.3")  # 0.1 x 3; in float 0.1 * 3 = 0.30000000000000004


# --- reading the calculation text back, as a pharmacist would --------------------------------------

_NUM = r"[0-9][0-9,]*(?:\.[0-9]+)?"
_SCALE_STEP = re.compile(
    rf"^(?P<shown>\((?P<expr>[^)]*)\)|{_NUM}) (?P<unit>\S+(?: \S+){{0,2}}) x (?P<by>{_NUM}) (?P<basis>m2|kg) \(.*\) = "
    rf"(?P<scaled>{_NUM}) (?P<sq>\S+(?: \S+){{0,2}})(?: = (?P<count>{_NUM}) (?P<q>\S+))?$"
)


def _n(text: str) -> Fraction:
    return Fraction(D(text.replace(",", "")))


def _eval_shown(shown: str) -> Fraction:
    """'5', '(10 / 3)', '(10 x 2/3)' -> the exact amount it stands for."""
    if not shown.startswith("("):
        return _n(shown)
    inner = shown[1:-1]
    if " / " in inner:
        a, n = inner.split(" / ")
        return _n(a) / int(n)
    a, frac = inner.split(" x ")
    return _n(a) * Fraction(frac)


def _round(value: Fraction, places: int) -> D:
    return (D(value.numerator) / D(value.denominator)).quantize(D(1).scaleb(-places), rounding=ROUND_HALF_UP)


def reproduce(c: CalculatedDose, scale: int) -> None:
    """Recompute the dose from the numbers in its calculation text alone; fail if any step disagrees."""
    steps = c.calculation.split("; ")
    main = next(s for s in steps if _SCALE_STEP.match(s))
    m = _SCALE_STEP.match(main)
    product = _eval_shown(m["shown"]) * _n(m["by"])
    assert _round(product, 4) == _n(m["scaled"]), main  # shown to 4 decimals
    count = product * scale
    if m["count"] is not None:
        assert _round(count, 4) == _n(m["count"]), main
    places = {"mg": 2, "g": 3, "mcg": 1, "Gy": 2, "IU": 0, "cells": 0}[c.unit]
    exact = D(count.numerator) / D(count.denominator)
    places = max(places, 2 - exact.adjusted())  # never fewer than 3 significant figures
    assert _round(count, places) == c.value, c.calculation
    if steps[-1].startswith("rounded to"):
        word = "units" if c.unit == "IU" else c.unit  # ISMP: the text says units, the JSON unit is IU
        assert _n(steps[-1].rsplit(": ", 1)[1].removesuffix(f" {word}")) == c.value, steps[-1]


amounts = st.decimals(min_value=D("0.01"), max_value=D("1000"), places=2)
weights = st.decimals(min_value=D("0.51"), max_value=D("350"), places=2)
heights = st.decimals(min_value=D("30"), max_value=D("250"), places=1)


@settings(max_examples=200)
@given(
    amounts,
    st.sampled_from(["mg/kg", "g/kg", "mcg/kg", "x10^6 cells/kg", "mg/m2", "g/m2", "x10^6 IU/m2"]),
    st.integers(min_value=1, max_value=7),
    weights,
    heights,
)
def test_every_per_course_calculation_can_be_reproduced_from_its_text(amount, unit, days, w, h):
    d = dose(str(amount), unit, per="course")
    c = calc(d, patient(str(w), str(h)), course_days=days)
    reproduce(c, 10**6 if "x10^6" in unit else 1)


@settings(max_examples=200)
@given(amounts, st.sampled_from(["x10^6 cells/kg", "mg/kg", "mg/m2"]), st.integers(min_value=1, max_value=9), weights)
def test_every_split_calculation_can_be_reproduced_from_its_text(amount, unit, denominator, w):
    parts = [Fraction(1, denominator)] * denominator
    d = dose(str(amount), unit, per="course", split=[str(f) for f in parts])
    for f in set(parts):
        c = calc(d, patient(str(w), "170"), course_days=denominator, fraction=f)
        reproduce(c, 10**6 if "x10^6" in unit else 1)


# --- properties -------------------------------------------------------------------------------------


@given(amounts, st.decimals(min_value=D("0.11"), max_value=D("5"), places=3), st.integers(min_value=2, max_value=5))
def test_dose_is_linear_in_bsa(amount, bsa, k):
    one = calc(dose(str(amount), "mg/m2"), patient(bsa=str(bsa)))
    assert one.exact_value == amount * bsa  # exact, every digit
    if bsa * k <= 5:
        k_times = calc(dose(str(amount), "mg/m2"), patient(bsa=str(bsa * k)))
        assert k_times.exact_value == k * one.exact_value


@given(amounts, weights, st.integers(min_value=2, max_value=5))
def test_dose_is_linear_in_weight_and_in_the_amount(amount, w, k):
    one = calc(dose(str(amount), "mg/kg"), patient(str(w), "170"))
    assert one.exact_value == amount * w
    k_amount = calc(dose(str(amount * k), "mg/kg"), patient(str(w), "170"))
    assert k_amount.exact_value == k * one.exact_value
    if w * k <= 350:
        k_weight = calc(dose(str(amount), "mg/kg"), patient(str(w * k), "170"))
        assert k_weight.exact_value == k * one.exact_value


@given(
    amounts,
    st.sampled_from(["mg/kg", "mg/m2", "g/m2", "x10^6 cells/kg", "Gy", "mg"]),
    st.integers(min_value=1, max_value=14),
    weights,
    heights,
)
def test_per_course_days_add_up_to_the_course(amount, unit, days, w, h):
    p = patient(str(w), str(h))
    per_day = calc(dose(str(amount), unit, per="course"), p, course_days=days)
    whole = calc(dose(str(amount), unit, per="dose"), p)  # the whole course given at once
    # exactly, before reporting precision (Decimal's 28 digits allow 1e-20 of slack at most)
    assert abs(per_day.exact_value * days - whole.exact_value) <= D("1e-20") * max(1, whole.exact_value)
    # as reported: each day is off by at most half a step, so the days are off by at most days/2 steps
    step = {"mg": D("0.01"), "g": D("0.001"), "cells": D(1), "Gy": D("0.01")}[per_day.unit]
    assert abs(per_day.value * days - whole.exact_value) <= step * days / 2


@st.composite
def splits(draw):
    """Fractions that add up to exactly 1, like 2/3 + 1/3."""
    n = draw(st.integers(min_value=1, max_value=5))
    den = draw(st.integers(min_value=n, max_value=12))
    points = st.lists(st.integers(min_value=1, max_value=den - 1), min_size=n - 1, max_size=n - 1, unique=True)
    cuts = sorted(draw(points)) if n > 1 else []
    edges = [0, *cuts, den]
    return [Fraction(b - a, den) for a, b in zip(edges, edges[1:], strict=False)]


@given(amounts, st.sampled_from(["x10^6 cells/kg", "mg/kg", "mg/m2", "x10^6 IU/m2"]), splits(), weights)
def test_split_fractions_add_up_to_the_total(amount, unit, parts, w):
    assert sum(parts) == 1
    p = patient(str(w), "170")
    d = dose(str(amount), unit, per="course", split=[str(f) for f in parts])
    given_ = [calc(d, p, course_days=len(parts), fraction=f) for f in parts]
    total = calc(dose(str(amount), unit), p)
    assert abs(sum(c.exact_value for c in given_) - total.exact_value) <= D("1e-20") * max(1, total.exact_value)
    step = {"mg": D("0.01"), "cells": D(1), "IU": D(1)}[total.unit]
    assert abs(sum(c.value for c in given_) - total.exact_value) <= step * len(parts) / 2
