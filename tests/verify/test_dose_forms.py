"""Issue 17 item 4: verify reads doses as people write them - the ISMP forms the program prints and plain
numbers in the unit asked."""

from __future__ import annotations

from decimal import Decimal

import pytest

from schedplan.core.checks import parse_answer
from schedplan.errors import InputError
from tests.verify.conftest import answers


@pytest.mark.parametrize(
    ("text", "unit", "value"),
    [
        ("826.7 x 10^6 cells", "cells", Decimal("826700000")),
        ("826.7 x 10^6", "cells", Decimal("826700000")),
        ("826.7x10^6 cells", "cells", Decimal("826700000")),
        ("826666667", "cells", Decimal("826666667")),
        ("826,666,667", "cells", Decimal("826666667")),
        ("3.69 g", "g", Decimal("3.69")),
        ("3.69", "g", Decimal("3.69")),
        ("10 x 10^6 units", "IU", Decimal("10000000")),
        ("46.13 mg", "mg", Decimal("46.13")),
        ("46,13", "mg", Decimal("46.13")),
    ],
)
def test_a_dose_written_as_people_write_it(text, unit, value):
    assert parse_answer(text, unit) == value


@pytest.mark.parametrize(
    ("text", "unit", "message"),
    [
        ("3690 mg", "g", "the unit asked is g"),
        ("lots", "mg", "the unit asked is mg"),
        ("1,040", "mg", "ambiguous"),
        ("10 x 10^6 IU units", "IU", "not a number"),
        ("5 cells", "IU", "the unit asked is units"),
    ],
)
def test_a_dose_not_in_the_unit_asked_is_one_line(text, unit, message):
    with pytest.raises(InputError, match=message):
        parse_answer(text, unit)


def test_verify_accepts_the_forms_the_program_prints(cli, plan_file, tmp_path):
    # the plan shows interleukin-2 as "10 x 10^6 units" and cyclophosphamide as "3.69 g": both typed back as shown
    r = cli("verify", str(plan_file), "--checker", "A.B.", "--answers", str(answers(tmp_path)))
    assert r.code == 0, r.out + r.err
    assert "interleukin-2 Day +1, Day +3, Day +5, Day +8, Day +10, Day +12: you 10,000,000 units" in r.out
