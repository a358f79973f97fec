"""Issue 10 item 8: without a tolerance in the policy, a documented default (0.1 %) accepts correct independent
arithmetic, and an answer within it says so with the difference."""

from __future__ import annotations

import json
from decimal import Decimal

from schedplan.core.checks import DEFAULT_TOLERANCE_PERCENT, DoseToCheck, compare, tolerance_for
from tests.verify.conftest import answers


def _dose(value: str) -> DoseToCheck:
    return DoseToCheck(
        id="x@x/1",
        name="fludarabine",
        days=["Day -5"],
        prescribed="25 mg/m2/day",
        per_administration="25 mg/m2",
        basis_kind="BSA",
        unit="mg",
        value=Decimal(value),
    )


def test_46_12_from_the_unrounded_bsa_matches_46_13_without_a_policy(cli, plan_file, tmp_path):
    # 25 mg/m2 x sqrt(70 x 175 / 3600) = 25 x 1.844662 = 46.1166 -> 46.12 mg; the program's 1.845 m2 gives
    # 46.13 mg. (46.12 - 46.13) / 46.13 = -0.0217 %, within 0.1 %. This was a mismatch (tolerance 0).
    r = cli(
        "verify",
        str(plan_file),
        "--checker",
        "A.B.",
        "--answers",
        str(answers(tmp_path, {"fludarabine@fludarabine/1": "46.12"})),
    )
    assert r.code == 0, r.out
    assert "you 46.12 mg, schedplan 46.13 mg - match within 0.1 % (difference -0.02 %)" in r.out
    assert json.loads(plan_file.read_text())["checks"][0]["tolerance_percent"] == 0.1


def test_a_wrong_basis_is_still_a_mismatch_under_the_default():
    # actual weight for an adjusted-weight dose, or 46.6 for 46.13: 1 % off
    tolerance, source = tolerance_for(None)
    assert (tolerance, source) == (DEFAULT_TOLERANCE_PERCENT, "default") and tolerance == Decimal("0.1")
    assert not compare(_dose("46.13"), Decimal("46.6"), tolerance).match
    assert compare(_dose("46.13"), Decimal("46.17"), tolerance).match  # 0.087 %
    assert not compare(_dose("46.13"), Decimal("46.18"), tolerance).match  # 0.108 %


def test_an_exact_answer_says_match_and_a_policy_tolerance_is_kept():
    r = compare(_dose("46.13"), Decimal("46.13"), Decimal("1"))
    assert r.verdict(Decimal("1")) == "match"
    r = compare(_dose("46.13"), Decimal("46.4"), Decimal("1"))  # +0.585 %
    assert r.verdict(Decimal("1")) == "match within 1 % (difference 0.59 %)"
