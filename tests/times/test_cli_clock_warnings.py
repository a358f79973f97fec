"""`plan --format ics` and `export` say on stderr, one line each, where an administration falls in a clock change."""

from __future__ import annotations

from tests.times.conftest import TIMES

# 28 March 2027 in Europe/Rome: the clocks go from 02:00 CET to 03:00 CEST. The fixture gives busulfan at 01:30 and
# 02:30 on days -1 to +1; with day 0 on that date, day 0's 02:30 (the second of 2) does not exist: 03:30 CEST.
SPRING = "2027-03-28"
WARNED = (
    "schedplan: warning: Day 0 busulfan (administration 2 of 2): 02:30 does not exist on 2027-03-28 in"
    " Europe/Rome (the clocks go forward that night): given at 03:30 (UTC+02:00)"
)
PATIENT = ("--weight", "62kg", "--height", "170cm", "--anchor-date", SPRING)


def _plan(cli, *more: str):
    return cli("plan", str(TIMES / "night-doses.yaml"), *PATIENT, *more)


def test_plan_format_ics_prints_the_clock_change_warning_on_stderr_one_line(cli, tmp_path):
    r = _plan(cli, "--format", "ics", "--tz", "Europe/Rome", "--output", str(tmp_path / "n.ics"))
    assert r.code == 0, r.err
    warnings = [line for line in r.err.splitlines() if line.startswith("schedplan: warning:")]
    assert warnings == [WARNED]


def test_plan_format_ics_to_stdout_keeps_the_calendar_clean_and_warns_on_stderr(cli):
    r = _plan(cli, "--format", "ics", "--tz", "Europe/Rome")
    assert r.code == 0, r.err
    assert r.out.startswith("BEGIN:VCALENDAR") and "schedplan: warning" not in r.out
    assert WARNED in r.err.splitlines()


def test_no_warning_where_the_clocks_do_not_change(cli):
    r = _plan(cli, "--format", "ics", "--tz", "Asia/Tokyo")  # no summer time in Japan
    assert r.code == 0, r.err
    assert "warning" not in r.err


def test_export_of_a_saved_plan_prints_the_clock_change_warning_on_stderr(cli, tmp_path):
    saved = tmp_path / "night.json"
    r = _plan(cli, "--save", str(saved))
    assert r.code == 0, r.err
    r = cli("export", str(saved), "--ics", str(tmp_path / "night.ics"), "--tz", "Europe/Rome")
    assert r.code == 0, r.err
    assert [line for line in r.err.splitlines() if "warning" in line] == [WARNED]
    r = cli("export", str(saved), "--ics", str(tmp_path / "night-ny.ics"), "--tz", "America/New_York")
    assert r.code == 0 and "warning" not in r.err  # New York changed its clocks on 14 March 2027, not that night


def test_an_export_from_the_terminal_ui_says_the_clock_change_warning_too(cli, tmp_path):
    # the UI's export reuses the options the calendar file was last written with (here Europe/Rome): its message
    # (shown as a notification) carries the same warning the command line prints
    from schedplan.plans.checking import current
    from schedplan.plans.session import PlanSession

    saved = tmp_path / "night.json"
    assert _plan(cli, "--save", str(saved)).code == 0
    ics = tmp_path / "night.ics"
    assert cli("export", str(saved), "--ics", str(ics), "--tz", "Europe/Rome").code == 0
    session = PlanSession()
    opened = session.open(saved)
    message = session.export(current(opened.saved).plan, opened.saved.inputs, opened.protocol, ics)
    assert "WARNING: " + WARNED.removeprefix("schedplan: warning: ") in message, message
