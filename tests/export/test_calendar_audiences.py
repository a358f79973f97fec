"""A plan's staff and patient calendars: their own UIDs (imported into one calendar, neither overwrites the other),
kept on every export of the same audience; and what an export says it did - a new calendar written, or what it
added, updated and cancelled (user test)."""

from __future__ import annotations

import json
import re
import uuid
from pathlib import Path

import pytest
from icalendar import Calendar

PLAN = ("plan", "NCT02999633", "--weight", "60kg", "--height", "170cm", "--anchor-date", "2026-01-05")
DOSE_TEXT = re.compile(r"\d\s*(mg|g|Gy|kg|cells)\b|mg/|/kg|/m2|BSA", re.IGNORECASE)


@pytest.fixture
def plan(cli, tmp_path) -> Path:
    path = tmp_path / "islay.json"
    assert cli(*PLAN, "--save", str(path)).code == 0
    return path


def _events(ics: Path) -> dict[str, dict[str, str]]:
    """UID -> SUMMARY, DESCRIPTION, STATUS, SEQUENCE of each VEVENT."""
    cal = Calendar.from_ical(ics.read_bytes())
    return {
        str(ev["UID"]): {
            "text": f"{ev.get('SUMMARY', '')} {ev.get('DESCRIPTION', '')}",
            "status": str(ev.get("STATUS", "")),
            "sequence": int(ev.get("SEQUENCE", 0)),
        }
        for ev in cal.walk("VEVENT")
    }


def _calendar_uid(ics: Path) -> str:
    return str(Calendar.from_ical(ics.read_bytes())["UID"])


def _keys(cli, *argv: str) -> set[str]:
    """The event keys of a plan, from its JSON (not from the export)."""
    return {e["key"] for e in json.loads(cli(*argv, "--format", "json").out)["events"]}


def test_the_staff_and_patient_calendars_of_a_plan_share_no_uid(cli, plan, tmp_path):
    staff, patient = tmp_path / "staff.ics", tmp_path / "patient.ics"
    assert cli("export", str(plan), "--ics", str(staff)).code == 0
    assert cli("export", str(plan), "--ics", str(patient), "--audience", "patient").code == 0
    staff_uids, patient_uids = set(_events(staff)), set(_events(patient))
    assert len(staff_uids) == len(patient_uids) == len(_keys(cli, *PLAN))  # every event, once in each
    assert not staff_uids & patient_uids
    assert _calendar_uid(staff) != _calendar_uid(patient)


def test_a_staff_calendar_keeps_the_uids_it_always_had(cli, plan, tmp_path):
    # staff calendars already exported must go on updating in place: UID = uuid5(plan id, event key), as before
    staff = tmp_path / "staff.ics"
    assert cli("export", str(plan), "--ics", str(staff)).code == 0
    plan_id = json.loads(plan.read_text())["plan_id"]
    expected = {str(uuid.uuid5(uuid.UUID(plan_id), key)) for key in _keys(cli, *PLAN)}
    assert set(_events(staff)) == expected
    assert _calendar_uid(staff) == plan_id


def test_each_audience_keeps_its_uids_on_every_export_and_one_does_not_bump_the_other(cli, plan, tmp_path):
    staff, patient = tmp_path / "staff.ics", tmp_path / "patient.ics"
    for _ in range(2):  # staff, patient, staff, patient: nothing changed in the plan
        assert cli("export", str(plan), "--ics", str(staff)).code == 0
        first_staff = _events(staff)
        r = cli("export", str(plan), "--ics", str(patient), "--audience", "patient")
        assert r.code == 0
    again = cli("export", str(plan), "--ics", str(staff))
    assert "0 updated" in again.err, again.err
    assert _events(staff) == first_staff  # same UIDs, SEQUENCE still 0: a patient export is not a change
    assert {e["sequence"] for e in _events(patient).values()} == {0}
    assert not any(DOSE_TEXT.search(e["text"]) for e in _events(patient).values())


def test_the_first_export_to_a_calendar_says_it_wrote_a_new_calendar_not_updates(cli, plan, tmp_path):
    n = len(_keys(cli, *PLAN))
    r = cli("export", str(plan), "--ics", str(tmp_path / "ward.ics"))
    assert f"wrote {tmp_path / 'ward.ics'}: {n} events (a new calendar)" in r.err, r.err
    assert "updated" not in r.err
    # a second calendar file of the plan is new too, though the plan has exported before
    r = cli("export", str(plan), "--ics", str(tmp_path / "desk.ics"))
    assert f"{n} events (a new calendar)" in r.err and "updated" not in r.err, r.err
    r = cli("export", str(plan), "--ics", str(tmp_path / "patient.ics"), "--audience", "patient")
    assert f"{n} events (a new calendar)" in r.err and "updated" not in r.err, r.err


def test_later_exports_count_what_was_added_updated_and_cancelled(cli, plan, tmp_path):
    ics = tmp_path / "ward.ics"
    assert cli("export", str(plan), "--ics", str(ics)).code == 0
    two = _keys(cli, *PLAN)  # cycles=2, the default
    one = _keys(cli, *PLAN, "--set", "cycles=1")
    assert one < two
    # to 1 cycle: cycle 2's items cancelled, none updated (cycle 1 does not move)
    assert cli("replan", str(plan), "--set", "cycles=1").code == 0
    r = cli("export", str(plan), "--ics", str(ics))
    assert f"wrote {ics}: {len(one)} events, 0 updated, {len(two - one)} cancelled" in r.err, r.err
    # back to 2 cycles: the same items come back (updated: they were cancelled), none added
    assert cli("replan", str(plan), "--set", "cycles=2").code == 0
    r = cli("export", str(plan), "--ics", str(ics))
    assert f"wrote {ics}: {len(two)} events, {len(two - one)} updated" in r.err, r.err
    assert "cancelled" not in r.err and "added" not in r.err
    # day 0 a week later: every item moves, each updated once
    assert cli("replan", str(plan), "--anchor-date", "2026-01-12").code == 0
    r = cli("export", str(plan), "--ics", str(ics))
    assert f"wrote {ics}: {len(two)} events, {len(two)} updated" in r.err, r.err


def test_items_new_to_a_calendar_are_counted_as_added(cli, tmp_path):
    plan = tmp_path / "one.json"
    assert cli(*PLAN, "--set", "cycles=1", "--save", str(plan)).code == 0
    ics = tmp_path / "ward.ics"
    assert cli("export", str(plan), "--ics", str(ics)).code == 0
    added = _keys(cli, *PLAN) - _keys(cli, *PLAN, "--set", "cycles=1")
    assert cli("replan", str(plan), "--set", "cycles=2").code == 0
    r = cli("export", str(plan), "--ics", str(ics))
    assert f"wrote {ics}: {len(_keys(cli, *PLAN))} events, 0 updated, {len(added)} added" in r.err, r.err


def test_a_calendar_file_exported_again_for_the_patient_cancels_its_staff_items(cli, plan, tmp_path):
    # a staff calendar written to the patient's file by mistake, then written again with --audience patient: the
    # staff items (with doses) it carried are cancelled in it, with no dose in what is left of them
    ics = tmp_path / "patient.ics"
    assert cli("export", str(plan), "--ics", str(ics)).code == 0
    staff_uids = set(_events(ics))
    assert cli("export", str(plan), "--ics", str(ics), "--audience", "patient").code == 0
    now = _events(ics)
    assert staff_uids < set(now)
    assert {now[u]["status"] for u in staff_uids} == {"CANCELLED"}
    assert not any(DOSE_TEXT.search(e["text"]) for e in now.values()), [e["text"] for e in now.values()]


def test_a_patient_calendar_written_before_patients_had_their_own_uids_cancels_the_old_ones(cli, plan, tmp_path):
    # a plan file from before: its patient calendar carried the staff's UIDs (the items' keys were the events')
    ics = tmp_path / "patient.ics"
    assert cli("export", str(plan), "--ics", str(ics)).code == 0
    old_uids = set(_events(ics))
    data = json.loads(plan.read_text())
    [(key, options)] = data["calendars"].items()
    options["audience"] = "patient"  # as an older schedplan recorded a patient export
    plan.write_text(json.dumps(data))
    assert cli("export", str(plan), "--ics", str(ics)).code == 0  # the file's options, audience patient, reused
    now = _events(ics)
    # the events a calendar app has from the old file are cancelled; the patient's own UIDs carry the schedule
    assert {now[u]["status"] for u in old_uids} == {"CANCELLED"}
    assert {e["status"] for u, e in now.items() if u not in old_uids} == {""}
    assert len(now) == 2 * len(old_uids)
    assert not any(DOSE_TEXT.search(e["text"]) for e in now.values())
    # and from then on the patient calendar is its own: exported again, nothing changes in it
    r = cli("export", str(plan), "--ics", str(ics))
    assert "0 updated" in r.err and "cancelled" not in r.err.split("wrote", 1)[1], r.err


def test_a_calendar_of_its_own_items_cancels_every_one_not_in_it_now_a_published_patient_calendar_too():
    # a publication's items are one calendar's (not shared): a patient calendar published before patient items had
    # UIDs of their own carried the staff's; published again, those are cancelled (no dose) and the new ones created
    from schedplan.export.ics import IcsOptions, build_ics
    from tests.export.conftest import PLAN_ID, seed_plan

    plan = seed_plan("NCT07256210")
    old = build_ics(plan, plan_id=PLAN_ID, options=IcsOptions.parse(tz="UTC", audience="staff")).items
    again = build_ics(plan, plan_id=PLAN_ID, options=IcsOptions.parse(tz="UTC", audience="patient"), items=old)
    by_uid = {i.uid: i for i in again.items}
    assert {i.uid for i in old} < set(by_uid)
    assert all(by_uid[i.uid].cancelled and by_uid[i.uid].sequence == i.sequence + 1 for i in old)
    assert again.kept == ()
    cal = Calendar.from_ical(again.data)
    texts = [f"{ev.get('SUMMARY', '')} {ev.get('DESCRIPTION', '')}" for ev in cal.walk("VEVENT")]
    assert not any(DOSE_TEXT.search(t) for t in texts), texts
    # the same with the plan file's items (shared): the staff items are kept as they are, not cancelled here
    shared = build_ics(
        plan, plan_id=PLAN_ID, options=IcsOptions.parse(tz="UTC", audience="patient"), items=old, shared=True
    )
    assert shared.kept == old and not any(i.cancelled for i in shared.items)
    assert {i.uid for i in shared.items}.isdisjoint(i.uid for i in old)
