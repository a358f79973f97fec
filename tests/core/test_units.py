"""Typed measurements and dates: unit conversion, refusal of bare numbers, unknown units, implausible values.

Expected values are worked out by hand in the comments. The conversion factors are exact by definition
(International Yard and Pound Agreement, 1959): 1 lb = 0.45359237 kg, 1 in = 2.54 cm.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest
from hypothesis import given
from hypothesis import strategies as st

from schedplan.core.dates import parse_date
from schedplan.core.units import (
    CM_PER_IN,
    KG_PER_LB,
    Basis,
    DoseUnit,
    Quantity,
    fmt,
    parse_decimal,
    parse_height,
    parse_weight,
    quantize,
)
from schedplan.errors import InputError

# --- conversion factors --------------------------------------------------------------------------


def test_conversion_factors_are_the_exact_definitions():
    assert KG_PER_LB == D("0.45359237")
    assert CM_PER_IN == D("2.54")
    assert isinstance(KG_PER_LB, D) and isinstance(CM_PER_IN, D)


# --- weight and height as typed ------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, kg, unit",
    [
        ("62kg", D("62"), "kg"),
        ("62 kg", D("62"), "kg"),
        (" 62KG ", D("62"), "kg"),
        ("62.5kg", D("62.5"), "kg"),
        ("62,5kg", D("62.5"), "kg"),  # decimal comma, as typed on a European keyboard
        # 136.7 x 0.45359237: 100 x = 45.359237, 36 x = 16.32932532, 0.7 x = 0.317514659 -> 62.006076979
        ("136.7lb", D("62.006076979"), "lb"),
        ("136.7 lbs", D("62.006076979"), "lbs"),
        ("100lb", D("45.359237"), "lb"),
    ],
)
def test_weight_is_parsed_and_converted_exactly(text, kg, unit):
    value, typed = parse_weight(text)
    assert value == kg
    assert isinstance(value, D)
    assert typed == unit


@pytest.mark.parametrize(
    "text, cm, unit",
    [
        ("168cm", D("168"), "cm"),
        ("168.5 CM", D("168.5"), "cm"),
        ("66.1in", D("167.894"), "in"),  # 66.1 x 2.54 = 66.1 x 2 + 66.1 x 0.5 + 66.1 x 0.04 = 132.2 + 33.05 + 2.644
        ("60in", D("152.40"), "in"),
        ("72 in", D("182.88"), "in"),  # 72 x 2.54
    ],
)
def test_height_is_parsed_and_converted_exactly(text, cm, unit):
    value, typed = parse_height(text)
    assert value == cm
    assert isinstance(value, D)
    assert typed == unit


@pytest.mark.parametrize("parse, text", [(parse_weight, "62"), (parse_weight, "62.0"), (parse_height, "168")])
def test_a_bare_number_is_refused_naming_the_accepted_units(parse, text):
    with pytest.raises(InputError) as info:
        parse(text)
    msg = str(info.value)
    assert "no unit" in msg and repr(text) in msg
    if parse is parse_weight:
        assert "kg" in msg and "lb" in msg and "62kg" in msg
    else:
        assert "cm" in msg and "in" in msg and "168cm" in msg


@pytest.mark.parametrize(
    "parse, text, bad, accepted",
    [
        (parse_weight, "62st", "'st'", ("kg", "lb")),
        (parse_weight, "62 kilo", "'kilo'", ("kg", "lb")),
        (parse_weight, "62g", "'g'", ("kg", "lb")),
        (parse_height, "5.9ft", "'ft'", ("cm", "in")),
        (parse_height, "1.68m", "'m'", ("cm", "in")),
    ],
)
def test_an_unknown_unit_is_named_with_the_accepted_ones(parse, text, bad, accepted):
    with pytest.raises(InputError) as info:
        parse(text)
    msg = str(info.value)
    assert "unknown unit" in msg and bad in msg
    for unit in accepted:
        assert unit in msg


@pytest.mark.parametrize("parse", [parse_weight, parse_height])
@pytest.mark.parametrize("text", ["", "kg", "heavy", "sixty kg", "1e2kg", "62kg 5", "--62kg", "5'10\""])
def test_text_that_is_not_a_number_is_refused(parse, text):
    with pytest.raises(InputError) as info:
        parse(text)
    msg = str(info.value)
    assert "not a number" in msg
    assert "write it like" in msg  # and what would be right


@pytest.mark.parametrize(
    "text",
    ["0.5kg", "0kg", "-62kg", "350.01kg", "400kg", "1.1lb", "771.62lb"],  # 771.62 lb = 350.0010 kg
)
def test_implausible_weight_is_refused_with_the_range(text):
    with pytest.raises(InputError) as info:
        parse_weight(text)
    msg = str(info.value)
    assert "implausible" in msg and "0.5 kg" in msg and "350 kg" in msg
    assert info.value.field == "weight"


@pytest.mark.parametrize("text", ["0.51kg", "350kg", "771.6lb", "1.2lb"])  # 771.6 lb = 349.99 kg, 1.2 lb = 0.544 kg
def test_weight_at_the_edges_of_the_range_is_accepted(text):
    parse_weight(text)


@pytest.mark.parametrize("text", ["29.9cm", "0cm", "250.1cm", "11.8in", "98.5in"])  # 29.972 cm, 250.19 cm
def test_implausible_height_is_refused_with_the_range(text):
    with pytest.raises(InputError) as info:
        parse_height(text)
    msg = str(info.value)
    assert "implausible" in msg and "30 cm" in msg and "250 cm" in msg
    assert info.value.field == "height"


@pytest.mark.parametrize("text", ["30cm", "250cm", "11.9in", "98.4in"])  # 30.226 cm, 249.936 cm
def test_height_at_the_edges_of_the_range_is_accepted(text):
    parse_height(text)


@given(st.decimals(min_value=D("2"), max_value=D("770"), places=2))
def test_pounds_convert_exactly_never_through_float(lb):
    kg, _ = parse_weight(f"{lb}lb")
    assert kg == lb * D("0.45359237")  # exact: at most 10 decimals, well inside Decimal's 28 digits


@given(st.decimals(min_value=D("12"), max_value=D("98"), places=2))
def test_inches_convert_exactly_never_through_float(inches):
    cm, _ = parse_height(f"{inches}in")
    assert cm == inches * D("2.54")


# --- dose units ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, quantity, basis, exponent, shown",
    [
        ("mg/m2", Quantity.MG, Basis.PER_M2, 0, "mg/m2"),
        ("g/m2", Quantity.G, Basis.PER_M2, 0, "g/m2"),
        ("mg/kg", Quantity.MG, Basis.PER_KG, 0, "mg/kg"),
        ("mcg/kg", Quantity.MCG, Basis.PER_KG, 0, "mcg/kg"),
        ("x10^6 cells/kg", Quantity.CELLS, Basis.PER_KG, 6, "x10^6 cells/kg"),
        ("mg", Quantity.MG, Basis.FLAT, 0, "mg"),
        ("IU", Quantity.IU, Basis.FLAT, 0, "IU"),
        ("x10^6 IU", Quantity.IU, Basis.FLAT, 6, "x10^6 IU"),
        ("Gy", Quantity.GY, Basis.FLAT, 0, "Gy"),
    ],
)
def test_dose_units_parse_to_quantity_basis_and_scale(text, quantity, basis, exponent, shown):
    unit = DoseUnit.parse(text)
    assert (unit.quantity, unit.basis, unit.exponent) == (quantity, basis, exponent)
    assert unit.scale == D(10) ** exponent
    assert str(unit) == shown


@pytest.mark.parametrize("text", ["mg/lb", "ml", "mg/m3", "x10^5 cells/kg", "Gy/kg", "", "units"])
def test_unknown_or_impossible_dose_units_are_refused(text):
    with pytest.raises(ValueError):
        DoseUnit.parse(text)


def test_reporting_precision_of_each_quantity():
    # cells and IU are whole counts; mg to 0.01; g to 0.001; Gy to 0.01
    assert Quantity.CELLS.step == 1 and Quantity.IU.step == 1
    assert Quantity.MG.step == D("0.01") and Quantity.G.step == D("0.001") and Quantity.GY.step == D("0.01")


# --- rounding and number text --------------------------------------------------------------------


def test_quantize_rounds_half_up_not_half_even():
    # Python's Decimal default (banker's rounding) would give 0.12 and 2.00
    assert quantize(D("0.125"), D("0.01")) == D("0.13")
    assert quantize(D("2.005"), D("0.01")) == D("2.01")
    assert quantize(D("1.7005"), D("0.001")) == D("1.701")
    assert quantize(D("466666666.5"), D("1")) == D("466666667")


def test_fmt_writes_numbers_as_a_person_does():
    assert fmt(D("466666667")) == "466,666,667"
    assert fmt(D("68.040")) == "68.04"
    assert fmt(D("25.830")) == "25.83"
    assert fmt(D("1.70098"), 3) == "1.701"
    assert fmt(D("4.00")) == "4"


def test_parse_decimal_never_goes_through_float():
    assert parse_decimal("1.85", "BSA") == D("1.85")
    assert parse_decimal("1,85", "BSA") == D("1.85")
    with pytest.raises(InputError):
        parse_decimal("abc", "BSA")
    with pytest.raises(InputError):
        parse_decimal("nan", "BSA")


# --- dates typed by a person (core/dates.py) -----------------------------------------------------


@pytest.mark.parametrize(
    "text, why",
    [
        ("2027-02-30", "February 2027 has 28 days"),
        ("2027-02-29", "February 2027 has 28 days"),  # 2027 is not a leap year
        ("2100-02-29", "February 2100 has 28 days"),  # divisible by 100, not by 400: not leap
        ("2027-04-31", "April 2027 has 30 days"),
        ("2027-01-00", "January 2027 has 31 days"),
        ("2027-13-01", "no month 13"),
        ("2027-00-10", "no month 0"),
    ],
)
def test_impossible_dates_say_why(text, why):
    with pytest.raises(InputError) as info:
        parse_date(text, "anchor date")
    msg = str(info.value)
    assert why in msg and repr(text) in msg and "anchor date" in msg


@pytest.mark.parametrize("text", ["15/03/2027", "2027-3", "20270315", "tomorrow", "", "2027-03-15T08:00"])
def test_text_that_is_not_a_date_asks_for_yyyy_mm_dd(text):
    with pytest.raises(InputError) as info:
        parse_date(text)
    assert "YYYY-MM-DD" in str(info.value)


@pytest.mark.parametrize("text", ["2027-03-1", "2027-3-15", "2027-3-1", " 2027-03-1 "])
def test_a_date_typed_without_two_digit_month_and_day_is_refused(text):
    # regression: the command line took "2027-03-1" (perhaps 2027-03-1[5], half typed) as 1 March;
    # the terminal UI already refused it
    with pytest.raises(InputError) as info:
        parse_date(text, "anchor date")
    msg = str(info.value)
    assert "two digits" in msg and "YYYY-MM-DD" in msg and repr(text) in msg


@pytest.mark.parametrize("text, date", [("2028-02-29", dt.date(2028, 2, 29)), ("2000-02-29", dt.date(2000, 2, 29))])
def test_leap_days_are_real_dates(text, date):
    assert parse_date(text) == date


@given(st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2200, 12, 31)))
def test_every_real_date_round_trips(date):
    parsed = parse_date(date.isoformat())
    assert (parsed.year, parsed.month, parsed.day) == (date.year, date.month, date.day)


def test_a_comma_before_three_digits_is_ambiguous_not_a_decimal_point():
    # regression: a checker's "1,040" (mg) was read as 1.04
    from schedplan.core.units import parse_decimal

    with pytest.raises(InputError, match="ambiguous"):
        parse_decimal("1,040", "dose")
    assert parse_decimal("1,85", "BSA") == D("1.85")  # a decimal comma is still fine
