"""Saved plans through the command line: plan --save, replan, export, khal re-import, and bad files."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
import uuid

import pytest

from schedplan.errors import PlanFileError
from schedplan.load.planfile import open_plan, save_plan
from tests.export.clients import FIXTURES, Khal, icalendar_read, vobject_read

PROTOCOL = str(FIXTURES / "NCT07256210.yaml")
PATIENT = ["--weight", "70kg", "--height", "175cm", "--sex", "M"]
CHOICES = ["--set", "donor=haploidentical", "--set", "conditioning=treosulfan", "--set", "nk_dose_level=1"]


def _plan(cli, tmp_path, *extra):
    r = cli(
        "plan", PROTOCOL, *PATIENT, "--anchor-date", "2027-03-15", *CHOICES,
        "--save", str(tmp_path / "p.json"), *extra,
    )  # fmt: skip
    assert r.code == 0, r.err
    return tmp_path / "p.json"


def test_save_keeps_inputs_as_typed_and_a_random_plan_id(cli, tmp_path):
    path = _plan(cli, tmp_path)
    data = json.loads(path.read_text())
    assert uuid.UUID(data["plan_id"]).version == 4
    assert data["inputs"]["weight"] == "70kg" and data["inputs"]["height"] == "175cm"
    assert data["inputs"]["choices"] == {"donor": "haploidentical", "conditioning": "treosulfan", "nk_dose_level": "1"}
    assert data["protocol"]["id"] == "NCT07256210" and len(data["protocol"]["sha256"]) == 64
    assert data["schedule"]["events"][0]["date"] == "2027-03-01"  # day -14
    assert os.stat(path).st_mode & 0o077 == 0  # a patient's file: owner only
    saved = open_plan(path)
    assert saved.plan_id == data["plan_id"] and saved.items == ()
    save_plan(path, saved)
    assert json.loads(path.read_text()) == data  # round trip


def test_replan_moves_day0_and_reexport_updates_khal_in_place(cli, tmp_path):
    path = _plan(
        cli, tmp_path, "--format", "ics", "--output", str(tmp_path / "a.ics"), "--tz", "Europe/Rome", "--time", "08:00"
    )
    first = (tmp_path / "a.ics").read_bytes()
    khal = Khal(tmp_path / "khal", "Europe/Rome")
    khal.import_ics(tmp_path / "a.ics")
    window = (dt.date(2027, 2, 1), dt.date(2027, 5, 1))
    before = khal.list(*window)
    n_files = len(khal.files())

    r = cli("replan", str(path), "--anchor-date", "2027-03-18")
    assert r.code == 0, r.err
    assert "Day 0 moved: 2027-03-15 -> 2027-03-18 (+3 days)" in r.out
    assert "Doses changed" not in r.out and "Added" not in r.out and "Removed" not in r.out

    r = cli("export", str(path), "--ics", str(tmp_path / "a.ics"))  # options: those a.ics was written with
    assert r.code == 0, r.err
    assert "reusing --tz Europe/Rome" in r.err and "reusing --time 08:00" in r.err
    second = (tmp_path / "a.ics").read_bytes()
    icalendar_read(second)
    vobject_read(second)
    khal.import_ics(tmp_path / "a.ics")
    after = khal.list(*window)

    # same number of events (no duplicates), each 3 days later at the same local time
    assert len(khal.files()) == n_files
    assert len(after) == len(before)

    def shifted(row):
        start, _, title = row
        day, _, time = start.partition(" ")
        return ((dt.date.fromisoformat(day) + dt.timedelta(days=3)).isoformat() + (" " + time if time else ""), title)

    assert sorted((s, t) for s, _, t in after) == sorted(shifted(r) for r in before)
    uids = lambda data: sorted(str(e["UID"]) for e in icalendar_read(data).walk("VEVENT"))  # noqa: E731
    assert uids(first) == uids(second)
    assert {e["SEQUENCE"] for e in icalendar_read(second).walk("VEVENT")} == {1}


def test_replan_reports_doses_and_removed_items(cli, tmp_path):
    path = _plan(cli, tmp_path)
    r = cli("replan", str(path), "--weight", "77kg", "--set", "donor=matched_related")
    assert r.code == 0, r.err
    # abatacept 10 mg/kg: 700 mg -> 770 mg, +10.0 %
    assert "abatacept 2027-03-14: 700 mg -> 770 mg (+10.0%)" in r.out
    assert "Removed (1):" in r.out and "abatacept 2027-04-12" in r.out
    saved = open_plan(path)
    assert saved.inputs.weight == "77kg" and saved.inputs.choices["donor"] == "matched_related"
    assert saved.inputs.choices["conditioning"] == "treosulfan"
    r = cli("replan", str(path))
    assert r.code == 0 and r.out == "No changes.\n"


def test_a_failed_write_leaves_the_old_file(cli, tmp_path, monkeypatch):
    path = _plan(cli, tmp_path)
    old = path.read_bytes()

    def boom(*a, **k):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", boom)
    r = cli("replan", str(path), "--anchor-date", "2027-04-01")
    assert r.code == 2 and "No space left on device" in r.err
    assert path.read_bytes() == old
    # no temporary file left (the lock file beside the plan, .p.json.lock, stays by design: it is never data)
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".") and not p.name.endswith(".lock")] == []


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "not valid JSON"),
        (b'{"format": "schedplan-plan", "format_version": 1', "not valid JSON"),
        (b"[]", "not a schedplan plan file"),
        (b"\xff\xfe", "not UTF-8"),
        (b'{"format": "schedplan-plan", "format_version": 9}', "version 9 is not supported"),
        (b'{"format": "schedplan-plan", "format_version": 1, "plan_id": "x"}', "plan_id"),
    ],
)
def test_bad_plan_files_give_one_line_and_exit_2(cli, tmp_path, content, message):
    path = tmp_path / "p.json"
    path.write_bytes(content)
    for argv in (("replan", str(path)), ("export", str(path), "--ics", str(tmp_path / "x.ics"))):
        r = cli(*argv)
        assert r.code == 2
        assert message in r.err and r.err.count("\n") == 1 and "Traceback" not in r.err
    with pytest.raises(PlanFileError):
        open_plan(path)


def test_missing_plan_file_and_bad_options(cli, tmp_path):
    r = cli("export", str(tmp_path / "nope.json"), "--ics", str(tmp_path / "x.ics"))
    assert r.code == 2 and "does not exist" in r.err
    path = _plan(cli, tmp_path)
    for bad in (["--tz", "Mars/Olympus"], ["--time", "8h"], ["--alarm", "later"]):
        r = cli("export", str(path), "--ics", str(tmp_path / "x.ics"), *bad)
        assert r.code == 2 and r.err.count("\n") == 1, r.err
    r = cli("replan", str(path), "--anchor-date", "2027-02-30")
    assert r.code == 2 and "February 2027 has 28 days" in r.err


def test_damaged_schedule_in_a_plan_file(cli, tmp_path):
    path = _plan(cli, tmp_path)
    data = json.loads(path.read_text())
    data["schedule"]["events"][0]["date"] = "2027-13-01"
    path.write_text(json.dumps(data))
    r = cli("replan", str(path))
    assert r.code == 2 and "damaged" in r.err


def test_format_json_does_not_load_icalendar():
    code = (
        "import sys; from schedplan.cli import main;"
        f"rc = main(['plan', {PROTOCOL!r}, '--weight', '70kg', '--height', '175cm', '--anchor-date', '2027-03-15',"
        " '--set', 'donor=haploidentical', '--set', 'conditioning=treosulfan', '--set', 'nk_dose_level=1',"
        " '--format', 'json']);"
        "bad = [m for m in ('icalendar', 'textual') if m in sys.modules]; print(bad, file=sys.stderr);"
        " sys.exit(rc or bool(bad))"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr


def test_one_off_ics_to_stdout(cli):
    r = cli("plan", PROTOCOL, *PATIENT, "--anchor-date", "2027-03-15", *CHOICES, "--format", "ics", "--tz", "UTC")
    assert r.code == 0, r.err
    cal = icalendar_read(r.out.encode())
    assert len(cal.walk("VEVENT")) == 19


def test_a_version_1_plan_file_reads_and_writes_back_byte_identical(tmp_path):
    # plan-v1.json was written by schedplan before SavedPlan became one pydantic type (plan --save with a
    # calendar, a verify, a replan and an export), so it has items, export options and a check record
    from pathlib import Path

    original = Path(__file__).parent / "fixtures" / "plan-v1.json"
    saved = open_plan(original)
    assert len(saved.checks) == 1 and saved.items and saved.export_options is not None
    save_plan(tmp_path / "again.json", saved)
    assert (tmp_path / "again.json").read_bytes() == original.read_bytes()


@pytest.mark.parametrize(
    ("change", "where"),
    [
        (lambda d: d.update(checks=[{}]), "checks.0.checker"),
        (lambda d: d.update(export_options={"tz": 5}), "export_options.tz"),
        (lambda d: d["schedule"].pop("patient"), "schedule.patient"),
        (
            lambda d: d["schedule"]["events"][0].update(dose={"value": "lots", "unit": "mg"}),
            "schedule.events.0.dose.value",
        ),
    ],
)
def test_a_damaged_plan_file_field_is_one_line_naming_the_field(cli, tmp_path, change, where):
    # these were exit 70 (internal error) or a traceback while the file's parts were untyped dicts
    path = _plan(cli, tmp_path)
    data = json.loads(path.read_text())
    change(data)
    path.write_text(json.dumps(data))
    ics = str(tmp_path / "x.ics")
    for argv in (("replan", str(path)), ("verify", str(path), "--status"), ("export", str(path), "--ics", ics)):
        r = cli(*argv)
        assert r.code == 2 and where in r.err and r.err.count("\n") == 1, (argv, r.err)
