"""The printouts show the course as it stands (issue 12): ISLAY over 2 cycles with cycle 2 a week late,
isatuximab at 80 % from cycle 2, C1 D22 held and C1 D1 given - the staff schedule says each with its reason
and author, the patient handout shows the new dates and none of the reasons or names."""

from __future__ import annotations

import datetime as dt
import html as htmllib
import json
import re
from pathlib import Path

import pytest

from schedplan.cli import main
from tests.export.printout.conftest import save_plan
from tests.export.printout.helpers import pages_text, squash

# 70 kg (the printout tests' patient) x 20 mg/kg = 1,400 mg a dose; 80 % of that is 1,120 mg.
# Cycle 1 day 1 is 2027-03-15 (a Monday): C1 D22 is 2027-04-05; cycle 2 day 1 is planned on day 29,
# 2027-04-12, and runs 7 days later on 2027-04-19; C2 D8 planned 2027-04-19 runs on 2027-04-26.
DELAY_WHY, MODIFY_WHY, HOLD_WHY = "ANC below 1.0 on day 28", "grade 3 neutropenia in cycle 1", "temperature 38.9"
NURSE, PHARMACIST = "RN Quist", "PharmD Okafor"
STEPS = [
    ("delay", "--cycle", "2", "--days", "7", "--reason", DELAY_WHY, "--by", NURSE),
    ("modify", "--drug", "isatuximab", "--from-cycle", "2", "--percent", "80", "--reason", MODIFY_WHY),
    ("hold", "--drug", "isatuximab", "--cycle", "1", "--day", "22", "--reason", HOLD_WHY, "--by", NURSE),
    ("given", "--drug", "isatuximab", "--cycle", "1", "--day", "1", "--at", "2027-03-15 09:10", "--by", NURSE),
]


def text_of(page: str) -> str:
    """An HTML page's text: tags and the style sheet out, entities read, whitespace as single spaces."""
    page = re.sub(r"<(style|title)>.*?</\1>", " ", page, flags=re.S)
    return " ".join(htmllib.unescape(re.sub(r"<[^>]+>", " ", page)).split())


@pytest.fixture(scope="module")
def amended(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("islay")
    plan = save_plan(folder, "NCT02999633", ["cycles=2", "dexamethasone_dose_mg=20"], "--site", "example-astct-2014")
    with pytest.MonkeyPatch.context() as mp:  # recorded the afternoon of C1 D1: the dose given at 09:10 is past
        mp.setattr("schedplan.plans.amending.local_now", lambda: "2027-03-15T15:00:00+01:00")
        for step in STEPS:
            argv = ["amend", str(plan), *step]
            if step[0] == "modify":
                argv += ["--by", PHARMACIST]
            assert main(argv) == 0, step
    return plan


def _print(plan: Path, out: Path, audience: str, kind: str = "html") -> Path:
    path = out / f"{audience}.{kind}"
    assert main(["print", str(plan), f"--{kind}", str(path), "--audience", audience, "--locale", "en_GB"]) == 0
    return path


def _rows(page: str) -> list[str]:
    return [text_of(tr) for tr in re.findall(r"<tr[^>]*>.*?</tr>", page, flags=re.S)]


def test_staff_schedule_shows_each_amendment_with_its_reason_and_author(amended, tmp_path):
    page = _print(amended, tmp_path, "staff").read_text(encoding="utf-8")
    rows = _rows(page)
    # the day headings carry the dates as they stand: cycle 2 a week later than planned
    text = text_of(page)
    assert "C2 D1 - Monday, 19 April 2027" in text and "C2 D8 - Monday, 26 April 2027" in text
    assert "C2 D1 - Monday, 12 April 2027" not in text
    # moved: from the planned date, with the amendment, its reason and its author
    c2d1 = next(r for r in rows if r.startswith("all day isatuximab") and "MOVED from 12 Apr 2027" in r)
    assert "isatuximab" in c2d1 and f"amendment 1: {DELAY_WHY}; by {NURSE}" in c2d1
    # modified: 80 % of 1,400 mg = 1,120 mg, the step in the calculation, the reason and the author
    assert "1,120 mg" in c2d1 and "x 80 %" in c2d1 and MODIFY_WHY in c2d1 and PHARMACIST in c2d1
    assert "DOSE MODIFIED (amendment 2)" in c2d1
    # held: said in words and a symbol, the ward's columns closed, the reason and the author
    held = next(r for r in rows if "HELD - not given" in r)
    assert "\u2717" in held and "1,400 mg" in held and f"amendment 3: {HOLD_WHY}; by {NURSE}" in held
    # given: the dose, the time and who, in the ward's columns too
    given = next(r for r in rows if "GIVEN 1,400 mg at 2027-03-15 09:10 by " + NURSE in r)
    assert "\u2713" in given and given.endswith(f"\u2713 1,400 mg 09:10 {NURSE}")
    # the history of changes, each with its reason and author
    for n, why, who in ((1, DELAY_WHY, NURSE), (2, MODIFY_WHY, PHARMACIST), (3, HOLD_WHY, NURSE)):
        assert any(r.startswith(f"{n} ") and why in r and who in r for r in rows), n
    # the course so far: cycle 1 days 1, 8, 15 at 1,400 mg (day 22 held) + cycle 2 four doses at 1,120 mg
    # = 4,200 + 4,480 = 8,680 mg planned; 1,400 mg given (C1 D1); 8,680 - 1,400 = 7,280 mg remaining
    assert any(r == "isatuximab 8,680 mg 1,400 mg 7,280 mg" for r in rows), [r for r in rows if "8,680" in r]


def test_a_check_made_before_a_modification_is_void_for_the_changed_doses_and_they_are_listed(tmp_path):
    # ISLAY 2 cycles, 70 kg: isatuximab 20 mg/kg x 70 kg = 1,400 mg; checked, then 80 % from cycle 2 = 1,120 mg
    plan = save_plan(tmp_path, "NCT02999633", ["cycles=2", "dexamethasone_dose_mg=20"])
    answers = tmp_path / "a.json"
    doses = {"isatuximab@isatuximab/c1/1": "1400 mg", "dexamethasone@dexamethasone/c1/1": "20 mg"}
    answers.write_text(json.dumps({k: {"dose": v, "confirmed": True} for k, v in doses.items()}))
    assert main(["verify", str(plan), "--checker", "A.B.", "--answers", str(answers)]) == 0
    modify = ["--drug", "isatuximab", "--from-cycle", "2", "--percent", "80", "--reason", MODIFY_WHY]
    assert main(["amend", str(plan), "modify", *modify, "--by", PHARMACIST]) == 0
    text = text_of(_print(plan, tmp_path, "staff").read_text(encoding="utf-8"))
    assert "VOID" in text and "isatuximab C2 D1, C2 D8, C2 D15, C2 D22: dose changed by amendment 1" in text
    assert "Doses no valid double check covers" in text
    assert f"isatuximab C2 D1, C2 D8, C2 D15, C2 D22: 1,120 mg (x 80 % (amendment 1: {MODIFY_WHY}))" in text
    assert "isatuximab C1 D1" not in text.split("Doses no valid double check covers", 1)[1]


def test_patient_handout_shows_the_new_dates_and_no_reason_or_name(amended, tmp_path):
    page = _print(amended, tmp_path, "patient").read_text(encoding="utf-8")
    text = text_of(page)
    for secret in (DELAY_WHY, MODIFY_WHY, HOLD_WHY, NURSE, PHARMACIST, "amendment", "1,120", "1,400", "80 %"):
        assert secret.lower() not in text.lower(), secret
    days = _rows(page)[-16:]  # the day-by-day list: 2 cycles x (isatuximab + premedications) on 4 days
    c2d1 = next(r for r in days if r.startswith("C2 D1"))
    assert "Monday, 19 April 2027" in c2d1 and "moved here from 12 Apr 2027" in c2d1
    held = next(r for r in days if r.startswith("C1 D22"))
    assert "\u2717 NOT GIVEN Isatuximab" in held
    first = next(r for r in days if r.startswith("C1 D1"))
    assert "\u2713 given Isatuximab" in first
    assert "Your care team decided not to give this one" in text  # the cover explains the marks


def test_the_pdfs_say_the_same(amended, tmp_path):
    staff = squash("\n".join(pages_text(_print(amended, tmp_path, "staff", "pdf"))))
    assert squash(f"amendment 3: {HOLD_WHY}; by {NURSE}") in staff and squash("MOVED from 12 Apr 2027") in staff
    patient = "\n".join(pages_text(_print(amended, tmp_path, "patient", "pdf")))
    assert squash("NOT GIVEN") in squash(patient) and NURSE not in patient and HOLD_WHY not in patient


def test_a_plan_whose_saved_schedule_no_longer_matches_is_not_printed_without_its_amendments(amended, tmp_path, capsys):
    import json

    data = json.loads(amended.read_text(encoding="utf-8"))
    data["schedule"]["events"][-1]["date"] = (
        dt.date.fromisoformat(data["schedule"]["events"][-1]["date"]) + dt.timedelta(days=1)
    ).isoformat()
    edited = tmp_path / "edited.json"
    edited.write_text(json.dumps(data), encoding="utf-8")
    capsys.readouterr()
    code = main(["print", str(edited), "--html", str(tmp_path / "x.html")])
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1 and "replan" in err, err
    assert not (tmp_path / "x.html").exists()


def test_a_crowded_amended_month_stays_on_its_one_page_and_the_pdf_is_deterministic(amended, tmp_path):
    # March (C1 D1, D8, D15), April (C1 D22 held, C2 D1 and D8 moved here, each day five entries and a
    # "from" line) and May (C2 D15, D22): the cover, one page a month, then the day-by-day list
    from tests.export.printout.test_pdf_content import _month_pages

    pdf = _print(amended, tmp_path, "patient", "pdf")
    pages = pages_text(pdf)
    assert _month_pages(pages) == {"March 2027": 1, "April 2027": 2, "May 2027": 3}
    assert "Day by day" in pages[4]
    (tmp_path / "again").mkdir()
    again = _print(amended, tmp_path / "again", "patient", "pdf")
    assert again.read_bytes() == pdf.read_bytes()


def test_a_given_dose_off_the_plan_is_a_staff_warning_and_not_on_the_patients_handout(tmp_path, monkeypatch):
    # no site policy: the check tolerance is the default 0.1 %, so 1,300 mg given against 1,400 mg planned
    # (20 mg/kg x 70 kg)
    # is off the plan
    plan = save_plan(tmp_path, "NCT02999633", ["cycles=1", "dexamethasone_dose_mg=20"])
    step = ["given", "--drug", "isatuximab", "--day", "1", "--cycle", "1", "--dose", "1300 mg", "--by", NURSE]
    # recorded on the day of C1 D1 (a dose still to come cannot be recorded given)
    monkeypatch.setattr("schedplan.plans.amending.local_now", lambda: "2027-03-15T15:00:00+01:00")
    assert main(["amend", str(plan), *step]) == 0
    staff = _print(plan, tmp_path, "staff").read_text(encoding="utf-8")
    warnings = text_of(re.search(r'<ul class="warnings">.*?</ul>', staff, flags=re.S).group(0))
    assert "[course]" in warnings and "check tolerance" in warnings and "(amendment 1)" in warnings
    patient = text_of(_print(plan, tmp_path, "patient").read_text(encoding="utf-8"))
    assert "tolerance" not in patient and "1300" not in patient and "1,300" not in patient
