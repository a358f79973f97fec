"""The saved schedule's parts the code reads are typed when a plan file is opened: a damaged one is one line
naming the field (exit 2), never a crash later in the command that reads it."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from schedplan.core.units import Quantity
from schedplan.load.planfile import open_plan

NK_CELLS = "NCT06885476"
BASE = ["--weight", "70kg", "--height", "175cm", "--sex", "M", "--anchor-date", "2027-03-15"]
RENAL = ["--site", "example-astct-2014", "--crcl", "85"]


def _saved(cli, tmp_path):
    path = tmp_path / "plan.json"
    r = cli("plan", NK_CELLS, *BASE, *RENAL, "--save", str(path))
    assert r.code == 0, r.err
    return path


def test_the_saved_schedule_reads_back_typed(cli, tmp_path):
    schedule = open_plan(_saved(cli, tmp_path)).read_schedule()
    doses = [e.dose for e in schedule.events if e.dose is not None]
    assert doses and all(isinstance(d.unit, Quantity) for d in doses)
    assert Quantity.MG in {d.unit for d in doses}  # fludarabine in mg
    assert schedule.patient.renal_value == Decimal("85")  # --crcl 85, mL/min


@pytest.mark.parametrize(
    ("change", "where"),
    [
        # a dose's unit is one of the quantities a dose is calculated in; "kg" is not a dose
        (lambda s: next(e for e in s["events"] if e["dose"])["dose"].update(unit="kg"), ".dose.unit"),
        # replan compares the renal function with this one; Decimal("lots") was an internal error there
        (lambda s: s["patient"].update(renal_value="lots"), "schedule.patient.renal_value"),
    ],
)
def test_a_damaged_saved_schedule_field_is_one_line_naming_it(cli, tmp_path, change, where):
    path = _saved(cli, tmp_path)
    data = json.loads(path.read_text())
    change(data["schedule"])
    path.write_text(json.dumps(data))
    for argv in (("replan", str(path), "--crcl", "60", "--dry-run"), ("verify", str(path), "--status")):
        r = cli(*argv)
        assert r.code == 2 and where in r.err and "damaged" in r.err and r.err.count("\n") == 1, (argv, r.code, r.err)
