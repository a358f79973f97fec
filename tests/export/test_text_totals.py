"""The text plan's TOTALS: each drug's total as given, then as prescribed only where that says more."""

from __future__ import annotations

import re

ISLAY = ("plan", "NCT02999633", "--weight", "60kg", "--height", "170cm", "--anchor-date", "2027-03-15")
ONE_CYCLE = ("--set", "cycles=1", "--set", "dexamethasone_dose_mg=20")


def _totals(out: str) -> dict[str, str]:
    block = out.split("TOTALS", 1)[1].split("\n\n", 1)[0]
    rows = [line.strip() for line in block.splitlines()[1:] if "cycle 1" in line]
    return {row.split()[0]: re.sub(r"\s+", " ", row) for row in rows}


def test_a_flat_dose_total_is_not_said_twice(cli):
    # user-test finding: "80 mg = 80 mg". Dexamethasone 20 mg flat, days 1, 8, 15, 22: 4 x 20 mg = 80 mg
    r = cli(*ISLAY, *ONE_CYCLE)
    assert r.code == 0, r.err
    totals = _totals(r.out)
    assert totals["dexamethasone"] == "dexamethasone cycle 1 4 doses 80 mg"
    # a dose by weight still shows what it was prescribed as: 4 x 20 mg/kg x 60 kg = 4,800 mg = 80 mg/kg
    assert totals["isatuximab"] == "isatuximab cycle 1 4 doses 4,800 mg = 80 mg/kg"
