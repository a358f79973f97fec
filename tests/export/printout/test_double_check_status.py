"""The staff schedule shows each recorded double check as valid, or void with the reason once the plan changed."""

from __future__ import annotations

import json

from schedplan.cli import main
from tests.export.printout.conftest import save_plan
from tests.export.printout.helpers import pages_text, squash

# worked out by hand for 70 kg: isatuximab 20 mg/kg x 70 kg = 1,400 mg; dexamethasone a flat 20 mg
HAND = {"isatuximab": "1400", "dexamethasone": "20"}


def test_check_valid_then_void_after_replan(tmp_path, capsys):
    plan = save_plan(tmp_path, "NCT02999633", ["cycles=1", "dexamethasone_dose_mg=20"])
    capsys.readouterr()
    assert main(["verify", str(plan), "--list"]) == 0
    listed = [line for line in capsys.readouterr().out.splitlines() if ": " in line and "@" in line.split(":")[0]]
    # each answer with its confirmation of the arm, days and route (verify's answers format)
    answers = {line.split(":")[0]: {"dose": HAND[line.split(": ")[1].split()[0]], "confirmed": True} for line in listed}
    assert len(answers) == 2
    (tmp_path / "answers.json").write_text(json.dumps(answers), encoding="utf-8")
    assert main(["verify", str(plan), "--checker", "C.D.", "--answers", str(tmp_path / "answers.json")]) == 0

    pdf = tmp_path / "s.pdf"
    assert main(["print", str(plan), "--pdf", str(pdf)]) == 0
    flat = squash("\n".join(pages_text(pdf)))
    assert squash("C.D.: PASS (all 2 doses match) - valid") in flat
    assert "preparedby" in flat and "checkedby" in flat

    assert main(["replan", str(plan), "--weight", "80kg"]) == 0
    assert main(["print", str(plan), "--pdf", str(pdf)]) == 0
    flat = squash("\n".join(pages_text(pdf)))
    assert squash("VOID: the patient's inputs or the choices changed") in flat
    assert squash("1,600 mg") in flat  # 20 mg/kg x 80 kg, by hand


def test_no_check_recorded_is_said(frozen_plan, tmp_path):
    pdf = tmp_path / "s.pdf"
    assert main(["print", str(frozen_plan), "--pdf", str(pdf)]) == 0
    assert "No double check recorded." in "\n".join(pages_text(pdf))


def test_a_stored_dose_edited_by_hand_is_never_printed(tmp_path, capsys):
    # regression (review): with no amendments, print showed a hand-edited dose (5,600 mg where 8 mg/kg x 70 kg
    # gives 560) and called its double check "valid"; verify --status says TAMPERED, and print now refuses
    plan = save_plan(tmp_path, "NCT02999633", ["cycles=1", "dexamethasone_dose_mg=20"])
    data = json.loads(plan.read_text())
    isa = next(e for e in data["schedule"]["events"] if e["name"] == "isatuximab")
    isa["dose"]["value"] = 14000  # 1,400 mg by hand -> 14,000 mg
    plan.write_text(json.dumps(data, indent=2))
    for audience in ("staff", "patient"):
        html = tmp_path / f"{audience}.html"
        assert main(["print", str(plan), "--html", str(html), "--audience", audience]) == 2
        assert not html.exists()
        assert "TAMPERED" in capsys.readouterr().err
