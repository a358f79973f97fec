"""Issue 17: a command line that never gives a different calendar, patient or dose than the one typed, without
saying so - calendar options per calendar file, repeated options refused, new warnings printed, conventions."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import ROOT

PATIENT = ["--height", "175cm", "--sex", "M", "--anchor-date", "2027-03-15"]
CHOICES = ["--set", "donor=haploidentical", "--set", "conditioning=treosulfan", "--set", "nk_dose_level=1"]
WORKED = ["plan", "NCT07256210", "--weight", "70kg", *PATIENT, *CHOICES]


@pytest.fixture
def plan_file(cli, tmp_path: Path) -> Path:
    path = tmp_path / "p.json"
    r = cli(*WORKED, "--save", str(path))
    assert r.code == 0, r.err
    return path


def summaries(ics: Path) -> list[str]:
    from icalendar import Calendar

    cal = Calendar.from_ical(ics.read_bytes())
    return [str(e.get("SUMMARY")) for e in cal.walk("VEVENT")]


def calendar_name(ics: Path) -> str:
    from icalendar import Calendar

    return str(Calendar.from_ical(ics.read_bytes()).get("X-WR-CALNAME"))


def alarms(ics: Path) -> int:
    from icalendar import Calendar

    return len(Calendar.from_ical(ics.read_bytes()).walk("VALARM"))


# --- 1. calendar options belong to the calendar file they made ----------------------------------------


def test_two_exports_to_two_paths_keep_their_own_audiences(cli, plan_file, tmp_path):
    patient, staff = tmp_path / "patient.ics", tmp_path / "staff.ics"
    r = cli("export", str(plan_file), "--ics", str(patient), "--audience", "patient", "--label", "J.D.")
    assert r.code == 0, r.err
    assert not any(" mg" in s for s in summaries(patient))  # a patient calendar: no doses
    r = cli("export", str(plan_file), "--ics", str(staff))
    assert r.code == 0, r.err
    assert "reusing" not in r.err  # a new file starts from the defaults
    assert any("Cyclophosphamide" in s and " mg" in s for s in summaries(staff))  # staff: the doses
    assert "J.D." not in staff.read_text()
    r = cli("export", str(plan_file), "--ics", str(patient))  # the patient's file again, in place
    assert r.code == 0, r.err
    assert not any(" mg" in s for s in summaries(patient)) and "J.D." in calendar_name(patient)
    saved = json.loads(plan_file.read_text())
    assert {k: v["audience"] for k, v in saved["calendars"].items()} == {
        str(patient.resolve()): "patient",
        str(staff.resolve()): "staff",
    }


def test_a_reused_option_is_named_on_stderr_and_none_clears_it(cli, plan_file, tmp_path):
    ics = tmp_path / "a.ics"
    assert cli("export", str(plan_file), "--ics", str(ics), "--alarm", "1h", "--label", "J.D.").code == 0
    assert alarms(ics) > 0
    r = cli("export", str(plan_file), "--ics", str(ics))
    assert r.code == 0, r.err
    assert "reusing --alarm 1h" in r.err and "reusing --label J.D." in r.err
    assert alarms(ics) > 0
    r = cli("export", str(plan_file), "--ics", str(ics), "--alarm", "none", "--label", "none")
    assert r.code == 0, r.err
    assert alarms(ics) == 0 and "J.D." not in ics.read_text()
    r = cli("export", str(plan_file), "--ics", str(ics))
    assert "--alarm" not in r.err and "--label" not in r.err  # cleared, so nothing is reused


@pytest.mark.parametrize("clear", [["--day-labels", "none"], ["--no-day-labels"]])
def test_day_labels_can_be_cleared(cli, plan_file, tmp_path, clear):
    ics = tmp_path / "a.ics"
    assert cli("export", str(plan_file), "--ics", str(ics), "--day-labels").code == 0
    with_labels = len(summaries(ics))
    r = cli("export", str(plan_file), "--ics", str(ics), *clear)
    assert r.code == 0, r.err
    # the day items are written as cancelled, so they leave the subscribers' calendars
    from icalendar import Calendar

    events = Calendar.from_ical(ics.read_bytes()).walk("VEVENT")
    assert len(events) == with_labels
    assert any(str(e.get("STATUS")) == "CANCELLED" for e in events)
    r = cli("export", str(plan_file), "--ics", str(ics))
    assert "day-labels" not in r.err


def test_a_version_1_plan_file_from_before_per_file_options_starts_from_the_defaults(cli, tmp_path):
    path = tmp_path / "old.json"
    r = cli(*WORKED, "--save", str(path), "--format", "ics", "--output", str(tmp_path / "a.ics"), "--time", "08:00")
    assert r.code == 0, r.err
    data = json.loads(path.read_text())
    del data["calendars"]  # as a plan file written before calendars were recorded per file
    path.write_text(json.dumps(data, indent=2))
    r = cli("export", str(path), "--ics", str(tmp_path / "x.ics"))
    assert r.code == 0, r.err
    assert "not reused" in r.err and "--time 08:00" in r.err  # what the old record said, and that it was not used
    assert "DTSTART;VALUE=DATE" in (tmp_path / "x.ics").read_text()  # default: all-day events
    assert json.loads(path.read_text())["calendars"][str((tmp_path / "x.ics").resolve())]["time"] is None


def test_plan_format_ics_records_its_options_for_its_output(cli, tmp_path):
    path, ics = tmp_path / "p.json", tmp_path / "p.ics"
    r = cli(*WORKED, "--save", str(path), "--format", "ics", "--output", str(ics), "--time", "08:00", "--tz", "UTC")
    assert r.code == 0, r.err
    r = cli("export", str(path), "--ics", str(ics))
    assert r.code == 0 and "reusing --time 08:00" in r.err, r.err


# --- 2. repeated options refused, abbreviations off ----------------------------------------------------

REPEATS = [
    (["plan", "NCT07256210", "--weight", "62kg", "--weight", "70kg", *PATIENT, *CHOICES], "--weight"),
    (["plan", "NCT07256210", "--weight", "70kg", *PATIENT, "--height", "180cm", *CHOICES], "--height"),
    (["plan", "NCT07256210", "--weight", "70kg", *PATIENT, "--sex", "F", *CHOICES], "--sex"),
    (["plan", "NCT07256210", "--weight", "70kg", *PATIENT, "--anchor-date", "2027-03-16", *CHOICES], "--anchor-date"),
    (
        ["plan", "NCT07256210", "--weight", "70kg", *PATIENT, *CHOICES, "--format", "json", "--format", "ics"],
        "--format",
    ),
    (
        [
            "plan",
            "NCT07256210",
            "--weight",
            "70kg",
            *PATIENT,
            *CHOICES,
            "--bsa-formula",
            "dubois",
            "--bsa-formula",
            "boyd",
        ],
        "--bsa-formula",
    ),
    (
        [
            "plan",
            "NCT07256210",
            "--weight",
            "70kg",
            *PATIENT,
            *CHOICES,
            "--site",
            "none",
            "--site",
            "example-astct-2014",
        ],
        "--site",
    ),
    (["replan", "p.json", "--weight", "62kg", "--weight", "70kg"], "--weight"),
    (["export", "p.json", "--ics", "a.ics", "--ics", "b.ics"], "--ics"),
    (["export", "p.json", "--ics", "a.ics", "--tz", "UTC", "--tz", "Europe/Rome"], "--tz"),
    (["export", "p.json", "--ics", "a.ics", "--time", "08:00", "--time", "09:00"], "--time"),
    (["export", "p.json", "--ics", "a.ics", "--alarm", "1h", "--alarm", "2h"], "--alarm"),
    (["export", "p.json", "--ics", "a.ics", "--label", "A", "--label", "B"], "--label"),
    (["export", "p.json", "--ics", "a.ics", "--audience", "patient", "--audience", "staff"], "--audience"),
    (["export", "p.json", "--ics", "a.ics", "--day-labels", "--no-day-labels"], "--no-day-labels"),
]


@pytest.mark.parametrize(("argv", "option"), REPEATS, ids=[f"{a[0]}{o}" for a, o in REPEATS])
def test_each_repeated_option_exits_2_naming_it(cli, tmp_path, monkeypatch, argv, option):
    monkeypatch.chdir(tmp_path)
    r = cli(*argv)
    assert r.code == 2, (r.code, r.err)
    assert r.out == "" and len(r.err.strip().splitlines()) == 1, r.err
    assert f"argument {option}" in r.err and "given twice" in r.err, r.err
    assert list(tmp_path.iterdir()) == []  # nothing written


def test_bsa_with_bsa_formula_is_refused(cli):
    r = cli(*WORKED, "--bsa", "1.85", "--bsa-formula", "dubois")
    assert r.code == 2 and "--bsa" in r.err and "--bsa-formula" in r.err and r.out == "", r.err


@pytest.mark.parametrize("abbreviated", [["--w", "70kg"], ["--anchor", "2027-03-15"]])
def test_abbreviated_options_are_refused(cli, abbreviated):
    full = {"--w": "--weight", "--anchor": "--anchor-date"}[abbreviated[0]]
    argv = list(WORKED)
    i = argv.index(full)
    argv[i : i + 2] = abbreviated
    r = cli(*argv)
    assert r.code == 2 and r.out == "", r.err


# --- 3. every command that changes a plan prints its new warnings --------------------------------------


def test_replan_to_a_weight_that_crosses_the_obesity_threshold_prints_the_new_warnings(cli, plan_file):
    # 175 cm, male: IBW (Devine) = 50 + 2.3 x (175 / 2.54 - 60) = 70.47 kg; 95 kg is 134.8 % of it and
    # BMI 95 / 1.75^2 = 31.0: obese by both of the protocol's thresholds (over 120 % IBW, BMI >= 30), where
    # 70 kg (99 %, BMI 22.9) was not
    before = {(w["code"], w["message"]) for w in json.loads(plan_file.read_text())["schedule"]["warnings"]}
    assert not any(code.startswith("obesity") for code, _ in before)
    r = cli("replan", str(plan_file), "--weight", "95kg")
    assert r.code == 0, r.err
    after = [(w["code"], w["message"]) for w in json.loads(plan_file.read_text())["schedule"]["warnings"]]
    new = [w for w in after if w not in before]  # (the same before and after for an event's own warnings)
    assert any(code.startswith("obesity") for code, _ in new)
    for code, message in new:
        assert f"! NEW [{code}] {message}" in r.out
    for code, message in before:
        assert f"NEW [{code}] {message}" not in r.out
    assert f"WARNINGS: {len(new)} new since the last version" in r.out


def test_a_warning_that_moves_with_its_event_is_not_new(cli, plan_file):
    # day 0 2027-03-15 -> 2027-03-18: the day +730 follow-up moves from Wednesday 2029-03-14 to Saturday
    # 2029-03-17 - a new weekend warning; the warnings that only move with their day are not new
    before = json.loads(plan_file.read_text())["schedule"]["warnings"]
    r = cli("replan", str(plan_file), "--anchor-date", "2027-03-18")
    assert r.code == 0, r.err
    assert "WARNINGS: 1 new since the last version" in r.out and "NEW [outpatient-on-weekend]" in r.out, r.out
    assert "2029-03-17) falls on a Saturday" in r.out and len(before) > 0


def test_replan_without_new_warnings_prints_none(cli, plan_file):
    r = cli("replan", str(plan_file), "--anchor-date", "2027-03-22")  # a week later: the same weekdays
    assert r.code == 0 and "NEW" not in r.out and "WARNINGS" not in r.out, r.out


# --- 5. conventions -------------------------------------------------------------------------------------


def test_check_exit_codes_0_valid_1_findings_2_usage(cli, tmp_path):
    assert cli("check", str(ROOT / "protocols" / "NCT07256210.yaml")).code == 0
    bad = tmp_path / "bad.yaml"
    bad.write_text("id: X\n")
    r = cli("check", str(bad))
    assert r.code == 1 and r.out.startswith(f"{bad}:"), r
    assert cli("check", str(bad), "--no-such-option").code == 2
    assert cli("check").code == 2


def test_check_help_documents_the_exit_codes(cli):
    words = " ".join(cli("check", "--help").out.split())  # argparse wraps the epilog
    assert "0 every file is valid; 1 problems were found" in words and "2 a usage error" in words


def test_check_says_1_event_not_1_events(cli):
    r = cli("check", "NCT05184816")  # a shipped name; this protocol has one event and two choices
    assert r.code == 0, r.err
    assert r.out.strip() == "NCT05184816: ok (NCT05184816, 1 event, 2 choices)"


def test_check_accepts_the_shipped_policy_name(cli):
    r = cli("check", "example-astct-2014")
    assert r.code == 0 and "ok (site policy" in r.out, r


def test_tui_with_a_missing_json_says_no_such_plan_file(cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    r = cli("tui", "nothere.json")
    assert r.code == 2 and "no such plan file: nothere.json" in r.err and "no protocol" not in r.err, r


def test_a_day_0_in_the_past_is_a_warning_on_plan_and_replan(cli, tmp_path):
    argv = [a if a != "2027-03-15" else "2020-01-06" for a in WORKED]
    r = cli(*argv, "--save", str(tmp_path / "p.json"))
    assert r.code == 0 and "warning: day 0 (2020-01-06) is in the past" in r.err, r.err
    r = cli("replan", str(tmp_path / "p.json"), "--anchor-date", "2020-01-07")
    assert r.code == 0 and "warning: day 0 (2020-01-07) is in the past" in r.err, r.err
    r = cli("replan", str(tmp_path / "p.json"), "--anchor-date", "2090-01-08")
    assert r.code == 0 and "in the past" not in r.err, r.err


def test_a_cycle_1_day_1_in_the_past_is_named_so(cli):
    r = cli(
        "plan",
        "NCT05184816",
        "--weight",
        "70kg",
        "--height",
        "175cm",
        "--sex",
        "M",
        "--anchor-date",
        "2020-01-06",
        "--set",
        "cohort=1",
        "--set",
        "cycles=1",
    )  # 28-day cycles: the anchor is C1D1
    assert r.code == 0 and "warning: cycle 1 day 1 (2020-01-06) is in the past" in r.err, r.err


def test_calculation_lines_are_wrapped_for_80_columns_and_json_keeps_one_string(cli):
    table = cli(*WORKED).out
    doc = json.loads(cli(*WORKED, "--format", "json").out)
    long_ones = [e["dose"]["calculation"] for e in doc["events"] if e["dose"] and len(e["dose"]["calculation"]) > 72]
    assert long_ones  # the NK-cell calculation is much longer than a terminal line
    lines = table.splitlines()

    def wrapped_at(calc: str) -> list[str]:
        for start in range(len(lines)):
            got: list[str] = []
            for line in lines[start:]:
                got.append(line.strip())
                joined = " ".join(got)
                if joined == calc:
                    return lines[start : start + len(got)]
                if not calc.startswith(joined):
                    break
        raise AssertionError(f"not in the table: {calc}")

    for calc in long_ones:
        assert "\n" not in calc
        shown = wrapped_at(calc)
        assert len(shown) > 1 and all(len(line) <= 80 for line in shown), shown


def test_every_option_has_help_and_every_command_a_description():
    import argparse

    from schedplan.cli import build_parser

    parser = build_parser(full=True)
    (sub,) = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    assert set(sub.choices) >= {"plan", "replan", "export", "check", "protocols", "policies", "completion"}
    for name, command in sub.choices.items():
        assert command.description, f"`schedplan {name}` has no description"
        for action in command._actions:
            assert action.help and action.help != argparse.SUPPRESS, f"{name} {action.option_strings or action.dest}"


@pytest.mark.parametrize("shell", ["bash", "zsh"])
def test_completion_is_generated_from_the_parser(cli, shell):
    r = cli("completion", shell)
    assert r.code == 0, r.err
    for word in ("plan", "replan", "export", "--weight", "--anchor-date", "--audience", "--ics"):
        assert word in r.out, word
    if shell == "bash" and shutil.which("bash"):
        assert subprocess.run(["bash", "-n"], input=r.out, text=True).returncode == 0


# --- 6. shipped policies and docs ----------------------------------------------------------------------


def test_policies_lists_and_copies_without_overwriting(cli, tmp_path):
    r = cli("policies")
    assert r.code == 0 and r.out.startswith("example-astct-2014  "), r
    dest = tmp_path / "site.yaml"
    r = cli("policies", "--copy", "example-astct-2014", str(dest))
    assert r.code == 0, r.err
    assert dest.read_bytes() == (ROOT / "policies" / "example-astct-2014.yaml").read_bytes()
    dest.write_text("ours\n")
    r = cli("policies", "--copy", "example-astct-2014", str(dest))
    assert r.code == 2 and "--replace" in r.err and dest.read_text() == "ours\n", r
    assert cli("policies", "--copy", "example-astct-2014", str(dest), "--replace").code == 0
    assert dest.read_bytes() == (ROOT / "policies" / "example-astct-2014.yaml").read_bytes()
    r = cli("policies", "--copy", "nothere", str(tmp_path / "x.yaml"))
    assert r.code == 2 and "example-astct-2014" in r.err and not (tmp_path / "x.yaml").exists()


def test_docs_prints_where_the_docs_are(cli):
    r = cli("docs")
    assert r.code == 0, r.err
    paths = [Path(line) for line in r.out.splitlines()]
    assert {p.name for p in paths} == {"protocol-format.md", "site-policy.md"}
    assert all(p.is_file() for p in paths)


def test_an_export_from_the_ui_uses_that_files_options_never_another_files(cli, plan_file, tmp_path):
    from schedplan.plans.checking import current
    from schedplan.plans.session import PlanSession

    patient, staff = tmp_path / "patient.ics", tmp_path / "staff.ics"
    assert cli("export", str(plan_file), "--ics", str(patient), "--audience", "patient", "--alarm", "1h").code == 0
    session = PlanSession()
    opened = session.open(plan_file)
    plan = current(opened.saved).plan
    said = session.export(plan, opened.saved.inputs, opened.protocol, staff)  # a new file: the defaults
    assert "reusing" not in said and any(" mg" in s for s in summaries(staff)) and alarms(staff) == 0
    said = session.export(plan, session.saved.inputs, opened.protocol, patient)  # the patient's file, in place
    assert "reusing" in said and "--audience patient" in said and "--alarm 1h" in said, said
    assert not any(" mg" in s for s in summaries(patient)) and alarms(patient) > 0
