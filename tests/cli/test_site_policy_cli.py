"""The site policy on the command line: replan's weight-change flags, and `verify`, the double check."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BASE = [
    "--height",
    "175cm",
    "--sex",
    "M",
    "--anchor-date",
    "2027-03-15",
    "--set",
    "donor=haploidentical",
    "--set",
    "conditioning=busulfan",
    "--set",
    "nk_dose_level=1",
]


def sp(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "schedplan", *args], input=stdin or "", capture_output=True, text=True, cwd=ROOT
    )


@pytest.fixture
def saved(tmp_path: Path) -> Path:
    path = tmp_path / "plan.json"
    r = sp("plan", "NCT07256210", "--weight", "70kg", *BASE, "--site", "example-astct-2014", "--save", str(path))
    assert r.returncode == 0, r.stderr
    return path


def test_weight_change_of_9_percent_is_within_a_10_percent_threshold(saved):
    r = sp("replan", str(saved), "--weight", "76.3kg", "--dry-run")  # (76.3 - 70) / 70 = +9.0 %
    assert r.returncode == 0, r.stderr
    first = r.stdout.splitlines()[0]
    assert first.startswith("Weight 70 kg -> 76.3 kg (+9.0%): within the site's 10% threshold")
    assert "RECALCULATION REQUIRED" not in r.stdout and "\n! " not in r.stdout


def test_weight_change_of_11_percent_flags_every_weight_based_dose(saved):
    r = sp("replan", str(saved), "--weight", "77.7kg")  # (77.7 - 70) / 70 = +11.0 %
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert lines[0].startswith("! RECALCULATION REQUIRED - Weight 70 kg -> 77.7 kg (+11.0%), past the site's 10%")
    flagged = [line for line in lines if line.startswith("! Day")]
    # every dose of the NK plan depends on BSA or weight: 17 doses, all flagged, each with its new value
    assert len(flagged) == 17
    assert any("busulfan" in line and "280 mg -> 310.8 mg" in line for line in flagged)  # 4 mg/kg x 77.7
    data = json.loads(saved.read_text())
    assert data["inputs"]["weight"] == "77.7kg" and data["policy_sha256"]


def answers_for(saved: Path, wrong: dict[str, str] | None = None) -> dict[str, dict[str, object]]:
    """Worked by hand for 70 kg / 175 cm (BSA 1.845 m2): the doses a careful checker enters."""
    by_hand = {
        "fludarabine-part1@fludarabine-part1/1": "73.8",  # 40 x 1.845
        "thiotepa@thiotepa/1": "350",  # 10 / 2 x 70
        "cyclophosphamide@cyclophosphamide/1": "922.5",  # 500 x 1.845
        "nk-cells@nk-cells/1": "466666667",  # 10e6 x 70 x 2/3
        "fludarabine-part2@fludarabine-part2/1": "73.8",
        "busulfan@busulfan/1": "280",  # 12 / 3 x 70
        "tocilizumab@tocilizumab/1": "560",  # 8 x 70
        "abatacept@abatacept/1": "700",  # 10 x 70
        "nk-cells@nk-cells/2": "233333333",  # 10e6 x 70 x 1/3
        "abatacept-day28@abatacept-day28/1": "700",
    }
    by_hand.update(wrong or {})
    # the checker also confirms each dose's arm / dose level, days and route against the order
    return {k: {"dose": v, "confirmed": True} for k, v in by_hand.items()}


def test_verify_lists_what_to_check_without_our_doses(saved):
    r = sp("verify", str(saved), "--list")
    assert r.returncode == 0, r.stderr
    assert "fludarabine-part1@fludarabine-part1/1: fludarabine 40 mg/m2/day" in r.stdout
    assert "73.8" not in r.stdout and "350 mg" not in r.stdout  # ours are not shown before the answer


def test_double_check_all_match_then_one_mismatch(saved, tmp_path):
    good = tmp_path / "good.json"
    good.write_text(json.dumps(answers_for(saved)))
    r = sp("verify", str(saved), "--checker", "A.B.", "--answers", str(good))
    assert r.returncode == 0, r.stdout + r.stderr
    assert "PASS: all 10 doses match" in r.stdout

    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(answers_for(saved, {"busulfan@busulfan/1": "420"})))  # 6 mg/kg: per course as per day
    r = sp("verify", str(saved), "--checker", "C.D.", "--answers", str(bad))
    assert r.returncode == 1
    assert "busulfan Day -4, Day -3, Day -2: you 420 mg, schedplan 280 mg - MISMATCH (+50.00%)" in r.stdout
    checks = json.loads(saved.read_text())["checks"]
    assert [(c["checker"], c["result"]) for c in checks] == [("A.B.", "pass"), ("C.D.", "fail")]
    assert [d["id"] for d in checks[1]["doses"] if not d["match"]] == ["busulfan@busulfan/1"]


def test_typed_answers_and_a_missing_checker(saved):
    stdin = "E.F.\n" + "".join(f"{a['dose']}\ny\n" for a in answers_for(saved).values())
    r = sp("verify", str(saved), stdin=stdin)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "your dose in mg:" in r.stdout and "PASS" in r.stdout
    r = sp("verify", str(saved), stdin="E.F.\n73.8\ny\n")  # input ends before the last dose
    assert r.returncode == 2 and "nothing was recorded" in r.stderr
    assert len(json.loads(saved.read_text())["checks"]) == 1


def test_a_changed_protocol_file_invalidates_a_recorded_check(tmp_path):
    proto = tmp_path / "nk.yaml"
    shutil.copy(ROOT / "protocols" / "NCT07256210.yaml", proto)
    plan_file = tmp_path / "p.json"
    r = sp("plan", str(proto), "--weight", "70kg", *BASE, "--save", str(plan_file))
    assert r.returncode == 0, r.stderr
    answers = tmp_path / "a.json"
    answers.write_text(json.dumps(answers_for(plan_file)))
    assert sp("verify", str(plan_file), "--checker", "A.B.", "--answers", str(answers)).returncode == 0
    assert sp("verify", str(plan_file), "--status").stdout.splitlines()[0].endswith("- holds (unsigned)")
    proto.write_text(proto.read_text() + "# a later edit\n")
    status = sp("verify", str(plan_file), "--status")
    assert "NO LONGER VALID: the protocol file changed" in status.stdout
    r = sp("replan", str(plan_file), "--weight", "71kg")
    assert r.returncode == 0
    assert "the patient's inputs or the choices changed" in sp("verify", str(plan_file), "--status").stdout


def test_a_huge_answer_is_a_mismatch_not_a_crash(saved, tmp_path):
    bad = tmp_path / "huge.json"
    bad.write_text(json.dumps(answers_for(saved, {"thiotepa@thiotepa/1": "1e30"})))
    r = sp("verify", str(saved), "--checker", "G.H.", "--answers", str(bad))
    assert r.returncode == 1 and "internal error" not in r.stderr
    assert "thiotepa Day -14, Day -13: you 1,000,000,000,000,000,000,000,000,000,000 mg" in r.stdout


def test_the_checker_is_told_each_days_share_of_a_course(saved):
    listing = sp("verify", str(saved), "--list").stdout
    assert "NK cell infusion 10 x 10^6 cells/kg/course, 2/3 of the course each day (Day -12)" in listing
    assert "busulfan 12 mg/kg/course, 1/3 of the course (3 days) each day (Day -4, Day -3, Day -2)" in listing
