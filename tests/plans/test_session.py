"""The terminal UI's plan file (plans.session.PlanSession): its saves and exports keep what others recorded
in the file meanwhile, and refuse to overwrite a plan replanned or replaced elsewhere."""

from __future__ import annotations

import json

import pytest

from schedplan.errors import PlanFileError
from schedplan.load.planfile import open_plan, update_plan
from schedplan.plans.checking import current
from schedplan.plans.replanning import replan
from schedplan.plans.session import PlanSession
from tests.plans.test_update_plan import ARGS, _record


@pytest.fixture
def plan_file(cli, tmp_path):
    path = tmp_path / "p.json"
    r = cli(*ARGS, "--save", str(path))
    assert r.code == 0, r.err
    return path


def _opened(path):
    session = PlanSession()
    opened = session.open(path)
    now = current(opened.saved)
    return session, opened, now.plan


def test_a_save_from_the_ui_keeps_a_check_recorded_elsewhere_meanwhile(plan_file):
    session, opened, plan = _opened(plan_file)
    update_plan(plan_file, lambda now: now.updated(checks=(*now.checks, _record(now, "B"))))  # `verify` elsewhere
    session.save(plan, opened.saved.inputs, opened.protocol, plan_file)
    assert [c["checker"] for c in json.loads(plan_file.read_text())["checks"]] == ["B"]


def test_an_export_from_the_ui_keeps_a_check_recorded_elsewhere_and_writes_the_plan_first(plan_file, tmp_path):
    session, opened, plan = _opened(plan_file)
    update_plan(plan_file, lambda now: now.updated(checks=(*now.checks, _record(now, "B"))))
    session.export(plan, opened.saved.inputs, opened.protocol, tmp_path / "cal.ics")
    saved = open_plan(plan_file)
    assert [c.checker for c in saved.checks] == ["B"] and saved.items and (tmp_path / "cal.ics").is_file()


def test_a_save_from_the_ui_over_a_plan_replanned_elsewhere_is_refused(plan_file):
    session, opened, plan = _opened(plan_file)
    replan(str(plan_file), {"anchor_date": "2027-03-20"})
    with pytest.raises(PlanFileError, match="changed elsewhere"):
        session.save(plan, opened.saved.inputs, opened.protocol, plan_file)
    assert json.loads(plan_file.read_text())["inputs"]["anchor_date"] == "2027-03-20"


def test_an_export_from_the_ui_onto_its_plan_file_is_refused(plan_file):
    session, opened, plan = _opened(plan_file)
    before = plan_file.read_bytes()
    with pytest.raises(PlanFileError, match="one file cannot be both"):
        session.export(plan, opened.saved.inputs, opened.protocol, plan_file)
    assert plan_file.read_bytes() == before


def test_a_ui_save_never_drops_patient_factors_or_overrides_it_cannot_show(cli, tmp_path):
    """The form has no creatinine, birth date or override field: saving it over a plan that records them would
    silently drop them (and the renal dose reduction with them); it is refused, the file unchanged."""
    path = tmp_path / "p.json"
    r = cli(*ARGS, "--creatinine", "1.1mg/dL", "--birth-date", "1980-05-01", "--save", str(path))
    assert r.code == 0, r.err
    before = path.read_bytes()
    session, opened, plan = _opened(path)
    assert session.not_in_form() == ["birth date", "creatinine"]
    form_inputs = opened.saved.inputs.model_copy(update={"birth_date": None, "creatinine": None})
    with pytest.raises(PlanFileError, match="birth date, creatinine, which the terminal UI cannot show"):
        session.save(plan, form_inputs, opened.protocol, path)
    assert path.read_bytes() == before


def test_an_export_from_the_ui_writes_the_course_as_it_stands(cli, tmp_path):
    # issue 12: the calendar on the patient's phone shows the course as it really runs, from the UI too - the
    # dose held with `amend` is CANCELLED in the calendar the UI exports, the others are not
    from icalendar import Calendar

    plan_file = tmp_path / "islay.json"
    made = ["plan", "NCT02999633", "--weight", "60kg", "--height", "170cm", "--anchor-date", "2027-03-15"]
    assert cli(*made, "--save", str(plan_file)).code == 0
    held = ["--drug", "isatuximab", "--cycle", "1", "--day", "8", "--reason", "fever", "--by", "RN Smith"]
    assert cli("amend", str(plan_file), "hold", *held).code == 0
    session, opened, plan = _opened(plan_file)
    ics = tmp_path / "cal.ics"
    session.export(plan, opened.saved.inputs, opened.protocol, ics)
    events = Calendar.from_ical(ics.read_bytes()).walk("VEVENT")
    isatuximab = {ev.decoded("DTSTART").isoformat(): str(ev.get("STATUS", "")) for ev in events
                  if "Isatuximab" in str(ev["SUMMARY"])}  # fmt: skip
    assert isatuximab["2027-03-22"] == "CANCELLED"  # C1 D8 = 2027-03-15 + 7 days
    assert isatuximab["2027-03-15"] != "CANCELLED" and isatuximab["2027-03-29"] != "CANCELLED"
