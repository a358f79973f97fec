"""CalculatedDose.unit is a Quantity (not a string re-parsed where it is used) that reads as its code.

Python 3.11 writes a ``(str, Enum)`` member as ``Quantity.MG`` in an f-string; a dose in a message, a file or
a JSON export must read ``mg``.
"""

from __future__ import annotations

import json
from decimal import Decimal as D

import pytest

from schedplan.core.dosing import CalculatedDose, calculate
from schedplan.core.jsontext import dumps
from schedplan.core.patient import Patient
from schedplan.core.protocol import Dose
from schedplan.core.units import Basis, Per, Quantity, dose_display


def _dose(amount: str, unit: str) -> CalculatedDose:
    p = Patient(weight_kg=D("62"), height_cm=D("168"), sex=None, measured_bsa_m2=None)
    return calculate(Dose(amount=D(amount), unit=unit, per="dose"), D(amount), p, course_days=1)


@pytest.mark.parametrize(
    ("unit", "quantity", "code"),
    [
        ("mg/m2", Quantity.MG, "mg"),
        ("mcg/kg", Quantity.MCG, "mcg"),
        ("x10^6 cells/kg", Quantity.CELLS, "cells"),
        ("x10^6 IU", Quantity.IU, "IU"),
        ("Gy", Quantity.GY, "Gy"),
    ],
)
def test_calculated_dose_unit_is_a_quantity_written_as_its_code(unit, quantity, code):
    d = _dose("2", unit)
    assert d.unit is quantity
    assert f"{d.unit}" == code and str(d.unit) == code and f"{d.unit:>6}" == code.rjust(6)
    assert f"{d.value} {d.unit}".endswith(f" {code}")


@pytest.mark.parametrize("member", [*Quantity, *Basis, *Per], ids=repr)
def test_every_unit_enum_member_formats_as_its_value_not_its_name(member):
    # (str, Enum) on 3.11: f"{Quantity.MG}" == "Quantity.MG"; the value is what people and files read
    assert f"{member}" == member.value and str(member) == member.value and format(member, "") == member.value


def test_the_unit_is_written_to_json_as_its_code_and_read_back_as_the_quantity():
    d = _dose("40", "mg/m2")
    assert json.loads(dumps({"unit": d.unit})) == {"unit": "mg"}
    assert json.loads(d.model_dump_json())["unit"] == "mg"
    again = CalculatedDose.model_validate_json(d.model_dump_json())
    assert again.unit is Quantity.MG and again == d


def test_a_saved_unit_string_and_the_quantity_are_the_same_key():
    # a saved schedule's "mg" (a str from JSON) meets a fresh plan's Quantity.MG in dicts and sets
    assert Quantity.MG == "mg" and {Quantity.MG: 1}.get("mg") == 1 and ("x", "mg") in {("x", Quantity.MG)}


def test_dose_display_takes_the_quantity_and_the_saved_code_alike():
    # 466,666,667 cells -> 466.7 x 10^6 cells (ISMP); IU is written "units"
    assert dose_display(D("466666667"), Quantity.CELLS) == dose_display(D("466666667"), "cells")
    assert dose_display(D("466666667"), Quantity.CELLS) == "466.7 x 10^6 cells"
    assert dose_display(D("10000000"), Quantity.IU) == "10 x 10^6 units"
