"""A double check covers the course as it stands (issue 12): held doses are not asked, a modified dose is its
own dose with the modification in its order, an amendment that changes a checked dose voids the check for
that dose (naming the amendment), `verify --unchecked` asks only what no holding check covers, and the
amendments a check was made on cannot be edited by hand afterwards."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

# ISLAY, 60 kg: isatuximab 20 mg/kg x 60 kg = 1,200 mg on C1 D1, D8, D15, D22 and C2 D1, D8, D15, D22.
# 80 % from cycle 2: 1,200 x 0.8 = 960 mg.
PLAN = ["plan", "NCT02999633", "--weight", "60kg", "--height", "170cm", "--anchor-date", "2026-01-05"]
ISA = "isatuximab@isatuximab/c1/1"
ISA_C2 = "isatuximab@isatuximab/c2/1"
BY = ("--by", "PharmD Lee")


def _answers(tmp_path: Path, given: dict[str, str], name: str = "a.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps({k: {"dose": v, "confirmed": True} for k, v in given.items()}))
    return path


def _listed(out: str) -> dict[str, str]:
    return {line.split(":", 1)[0]: line for line in out.splitlines() if "@" in line.split(":", 1)[0]}


@pytest.fixture
def plan_file(cli, tmp_path) -> Path:
    path = tmp_path / "islay.json"
    r = cli(*PLAN, "--save", str(path))
    assert r.code == 0, r.err
    return path


def _reduce_cycle_2(cli, plan_file):
    r = cli(
        "amend", str(plan_file), "modify", "--drug", "isatuximab", "--from-cycle", "2", "--percent", "80",
        "--reason", "grade 3 neutropenia", *BY,
    )  # fmt: skip
    assert r.code == 0, r.err


def test_a_check_made_before_a_modification_is_void_for_the_changed_doses_only(cli, plan_file, tmp_path):
    ok = cli("verify", str(plan_file), "--checker", "A.B.", "--answers", str(_answers(tmp_path, {ISA: "1200 mg"})))
    assert ok.code == 0, ok.out + ok.err
    _reduce_cycle_2(cli, plan_file)  # amendment 1

    status = cli("verify", str(plan_file), "--status")
    assert status.code == 0, status.out
    line = next(x for x in status.out.splitlines() if x.startswith("1."))
    assert "holds" in line and "VOID" in line and "amendment 1" in line, line
    assert "C2 D1, C2 D8, C2 D15, C2 D22" in line and "C1 D" not in line.split("VOID")[1], line


def test_verify_asks_the_course_as_it_stands_and_unchecked_asks_only_the_changed_dose(cli, plan_file, tmp_path):
    cli("verify", str(plan_file), "--checker", "A.B.", "--answers", str(_answers(tmp_path, {ISA: "1200 mg"})))
    _reduce_cycle_2(cli, plan_file)
    r = cli("amend", str(plan_file), "hold", "--drug", "isatuximab", "--cycle", "1", "--day", "22",
            "--reason", "fever", *BY)  # fmt: skip
    assert r.code == 0, r.err

    listed = _listed(cli("verify", str(plan_file), "--list").out)
    assert set(listed) == {ISA, ISA_C2}
    assert "C1 D22" not in listed[ISA] and "(C1 D1, C1 D8, C1 D15)" in listed[ISA]  # held: not given, not asked
    assert "x 80 % (amendment 1: grade 3 neutropenia)" in listed[ISA_C2]

    only = _listed(cli("verify", str(plan_file), "--list", "--unchecked").out)
    assert set(only) == {ISA_C2}, only  # cycle 1 is still covered by check 1

    # the checker works out 960 mg by hand (1,200 x 0.8) for the changed dose only
    again = cli(
        "verify", str(plan_file), "--unchecked", "--checker", "C.D.",
        "--answers", str(_answers(tmp_path, {ISA_C2: "960 mg"}, "b.json")),
    )  # fmt: skip
    assert again.code == 0, again.out + again.err
    saved = json.loads(plan_file.read_text(), parse_float=Decimal)
    record = saved["checks"][-1]
    assert record["amendments"] == 2 and [d["ours"] for d in record["doses"]] == [Decimal(960)]
    done = cli("verify", str(plan_file), "--unchecked", "--list")
    assert done.code == 0 and "covered by a check that holds" in done.out, done.out


def test_a_wrong_answer_for_the_modified_dose_fails(cli, plan_file, tmp_path):
    _reduce_cycle_2(cli, plan_file)
    # a checker who missed the modification answers the full 1,200 mg for cycle 2: that is not the order
    r = cli(
        "verify", str(plan_file), "--checker", "C.D.",
        "--answers", str(_answers(tmp_path, {ISA: "1200 mg", ISA_C2: "1200 mg"})),
    )  # fmt: skip
    assert r.code == 1 and "MISMATCH" in r.out, r.out


def test_amendments_edited_by_hand_after_a_check_make_it_tampered(cli, plan_file, tmp_path):
    _reduce_cycle_2(cli, plan_file)
    ok = cli(
        "verify", str(plan_file), "--checker", "A.B.",
        "--answers", str(_answers(tmp_path, {ISA: "1200 mg", ISA_C2: "960 mg"})),
    )  # fmt: skip
    assert ok.code == 0, ok.out + ok.err
    data = json.loads(plan_file.read_text())
    data["amendments"][0]["params"]["percent"] = "50"  # by hand: the check was of 80 %
    plan_file.write_text(json.dumps(data, indent=2))
    status = cli("verify", str(plan_file), "--status")
    assert status.code == 1 and "TAMPERED" in status.out and "edited by hand" in status.out, status.out
    assert "- holds" not in status.out


def test_a_check_is_recorded_on_a_plan_with_an_amendment_selected_by_date(cli, plan_file, tmp_path):
    # regression (user test): an amendment made with --date (as every UI amendment is) holds a date, and hashing
    # the amendments into the check record crashed ("cannot hash date", exit 70): the check was lost
    hold = ["--drug", "isatuximab", "--date", "2026-01-26", "--reason", "fever", "--by", "RN A"]  # C1 D22
    assert cli("amend", str(plan_file), "hold", *hold).code == 0
    r = cli("verify", str(plan_file), "--checker", "A.B.", "--answers", str(_answers(tmp_path, {ISA: "1200 mg"})))
    assert r.code == 0, r.out + r.err
    status = cli("verify", str(plan_file), "--status")
    assert status.code == 0 and "- holds" in status.out, status.out
