"""A dose a site rule changed: the staff schedule shows the rule in full; the patient handout shows none of it."""

from __future__ import annotations

from schedplan.cli import main
from tests.export.printout.conftest import read_plan
from tests.export.printout.helpers import pages_text, squash


def _obese_busulfan_plan(tmp_path):
    path = tmp_path / "ob.json"
    args = [
        "plan",
        "NCT07256210",
        "--weight",
        "120kg",
        "--height",
        "170cm",
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
        "--site",
        "example-astct-2014",
        "--save",
        str(path),
        "--output",
        str(tmp_path / "ob.txt"),
    ]
    assert main(args) == 0
    return path


def test_rules_that_acted_are_on_the_staff_schedule_and_not_the_handout(tmp_path):
    plan = _obese_busulfan_plan(tmp_path)
    events = read_plan(plan)["schedule"]["events"]
    ruled = [e for e in events if e["dose"] and e["dose"]["rules"]]
    assert ruled
    staff, patient = tmp_path / "s.pdf", tmp_path / "p.pdf"
    assert main(["print", str(plan), "--pdf", str(staff)]) == 0
    assert main(["print", str(plan), "--pdf", str(patient), "--audience", "patient"]) == 0
    staff_text = squash("\n".join(pages_text(staff)))
    patient_text = squash("\n".join(pages_text(patient)))
    for e in ruled:
        for rule in e["dose"]["rules"]:
            assert squash(f"{rule['rule']}: {rule['detail']}") in staff_text
    # by hand: IBW (Devine, male, 170 cm) = 50 + 2.3 x (170 / 2.54 - 60) = 65.94 kg; ABW25 = 65.94 + 0.25 x
    # (120 - 65.94) = 79.46 kg; busulfan 12 mg/kg/course over 3 days = 4 mg/kg/day x 79.46 kg = 317.84 mg
    assert "317.84mg" in staff_text
    for secret in ("317.84", "79.46", "65.94", "120kg", "dosing-weight", "abw25", "ibw"):
        assert secret not in patient_text, secret
    assert "busulfan-bymouth" in patient_text  # PO, in plain words
