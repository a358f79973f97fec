"""Carboplatin to a target AUC (issue 16): Calvert, mg = AUC x (GFR + 25) (Calvert et al., J Clin Oncol
1989;7:1748-56), the GFR from a measured clearance or the site's estimate, capped at the site's gfr_cap."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D
from pathlib import Path

import pytest

from schedplan.errors import InputError
from schedplan.inputs import PlanInputs, plan_from_inputs
from schedplan.load.policy import find_policy
from schedplan.load.protocols import find_protocol

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "carboplatin-auc.yaml"


def carboplatin(site: str | None = None, sex: str = "M", **factors: str):
    inputs = PlanInputs(weight="70kg", height="175cm", sex=sex, anchor_date="2027-03-15", **factors)
    protocol = find_protocol(str(FIXTURE)).protocol
    p = plan_from_inputs(protocol, inputs, site=find_policy(site) if site else None, today=dt.date(2027, 3, 1))
    return next(e for e in p.events if e.name == "carboplatin").dose


def test_measured_clearance_without_a_policy():
    dose = carboplatin(crcl="100")
    assert dose.value == D("625")  # 5 x (100 + 25)
    assert "Calvert" in dose.calculation and "(100 + 25)" in dose.calculation


def test_cockcroft_gault_capped_at_the_policys_gfr_cap():
    # woman born 1970-01-01: 57 on 2027-03-12; (140 - 57) x 70 / (72 x 0.5) x 0.85 = 137.18 -> 137.2 mL/min,
    # over the example's cap of 125: 5 x (125 + 25) = 750 mg
    dose = carboplatin("example-astct-2014", sex="F", birth_date="1970-01-01", creatinine="0.5 mg/dL")
    assert dose.value == D("750")
    assert "137.2 mL/min" in dose.calculation and "capped at 125 mL/min" in dose.calculation


def test_under_the_cap_the_estimate_is_used():
    # man born 1970-01-01 (57): (140 - 57) x 70 / (72 x 1.0) = 80.69 -> 80.7 mL/min; 5 x (80.7 + 25) = 528.5 mg
    dose = carboplatin("example-astct-2014", birth_date="1970-01-01", creatinine="1 mg/dL")
    assert dose.value == D("528.5")


def test_no_gfr_no_dose():
    with pytest.raises(InputError, match="needs the GFR"):
        carboplatin()
