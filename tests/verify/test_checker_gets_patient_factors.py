"""A renally reduced dose can be worked out by the double checker (review finding): `verify` gives the patient
factors as typed and the site's renal rule (the estimate and the bands, not its result)."""

from __future__ import annotations

import json
from decimal import Decimal

from schedplan.core.checks import DEFAULT_TOLERANCE_PERCENT

PLAN = [
    "plan", "NCT07256210", "--weight", "70kg", "--height", "175cm", "--sex", "M", "--anchor-date", "2027-03-15",
    "--set", "donor=haploidentical", "--set", "conditioning=treosulfan", "--set", "nk_dose_level=1",
    "--site", "example-astct-2014", "--birth-date", "1970-01-01", "--creatinine", "1.6", "mg/dL",
]  # fmt: skip


def test_verify_list_gives_the_factors_and_the_renal_rule_so_the_checker_can_work_it_out(cli, tmp_path):
    plan = tmp_path / "nk.json"
    assert cli(*PLAN, "--save", str(plan)).code == 0
    listed = cli("verify", str(plan), "--list").out
    assert "Patient factors: born 1970-01-01; serum creatinine 1.6 mg/dL" in listed
    flu = next(line for line in listed.splitlines() if line.startswith("fludarabine-part1@"))
    assert "renal function by cockcroft-gault" in flu and "50 to under 80: 80 %" in flu and "80 or more: 100 %" in flu
    assert "50.4" not in flu  # the program's own clearance is not handed over
    # by hand: 57 years on day -14 (2027-03-01); Cockcroft-Gault (140 - 57) x 70 / (72 x 1.6) = 50.43 mL/min, in
    # the 50-80 band: 80 %; Mosteller BSA sqrt(70 x 175 / 3600) = 1.8447 -> 40 mg/m2 x 1.8447 x 0.8 = 59.03 mg,
    # within the 0.1 % default tolerance of the plan's 59.04 mg (from the BSA reported as 1.845 m2)
    shown = json.loads(cli("show", str(plan), "--format", "json").out, parse_float=Decimal)
    ours = next(e["dose"]["value"] for e in shown["events"] if e["event_id"] == "fludarabine-part1")
    hand = Decimal("59.03")  # worked out above
    assert abs(hand - ours) <= ours * DEFAULT_TOLERANCE_PERCENT / 100, ours
