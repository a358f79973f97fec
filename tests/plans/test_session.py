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


def test_the_ui_form_gives_back_every_input_of_a_cli_plan_with_factors_and_overrides(cli, tmp_path):
    """Opened into the terminal UI's form and read back, a plan file's inputs are the same, field for field and in
    order (the form once had no creatinine, birth date or override field and would have dropped them)."""
    from schedplan.commands.tui import form_values
    from schedplan.tui.planning import typed

    path = tmp_path / "p.json"
    extra = ["--creatinine", "97", "umol/L", "--birth-date", "1980-05-01", "--creatinine-date", "2026-11-01"]
    extra += ["--egfr", "72", "--lab", "alt=40/50", "--lab", "ecog=1", "--bsa-formula"]
    extra += ["mosteller", "--override", "dose-limit:tocilizumab", "--reason", "PI agreed"]
    r = cli(*["136.7lbs" if a == "70kg" else a for a in ARGS], *extra, "--save", str(path))
    assert r.code == 0, r.err
    inputs = open_plan(path).inputs
    again = typed(form_values(inputs), inputs.site)
    assert again == inputs and json.dumps(again.model_dump()) == json.dumps(inputs.model_dump())
    assert inputs.creatinine == "97 umol/L" and inputs.weight == "136.7lbs"


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


def test_a_plan_of_another_protocol_is_never_saved_over_the_plan_file_in_use(plan_file, cli, tmp_path):
    # user test: F7 to another protocol, then Save offered the plan file in use; one Enter replaced a plan with its
    # recorded amendments by a plan of another protocol. Refused, saying what the file holds; nothing written
    held = ["--drug", "isatuximab", "--cycle", "1", "--day", "8", "--reason", "fever", "--by", "RN Smith"]
    other = tmp_path / "islay.json"
    made = ["plan", "NCT02999633", "--weight", "60kg", "--height", "170cm", "--anchor-date", "2027-03-15"]
    assert cli(*made, "--save", str(other)).code == 0
    assert cli("amend", str(other), "hold", *held).code == 0
    session, opened, _ = _opened(other)
    before = other.read_bytes()
    _, elsewhere, plan = _opened(plan_file)  # a plan of another protocol, as the UI would have it after F7
    assert elsewhere.saved.protocol_id != opened.saved.protocol_id
    with pytest.raises(PlanFileError) as refused:
        session.save(plan, elsewhere.saved.inputs, elsewhere.protocol, other)
    message = str(refused.value)
    assert "NCT02999633" in message and "its 1 recorded amendment" in message and "another file" in message
    assert other.read_bytes() == before
