"""`amend given --at`: a time after now, or on another day than the administration is on, is refused (user test)."""

from __future__ import annotations

import json

import pytest

# ISLAY, 60 kg: isatuximab C1 D1 on day 0, 2026-01-05 (a Monday); C1 D8 on 2026-01-12
PLAN = ("plan", "NCT02999633", "--weight", "60kg", "--height", "170cm", "--anchor-date", "2026-01-05")
C1D1 = ("--drug", "isatuximab", "--cycle", "1", "--day", "1")
WHO = ("--by", "RN Smith")


@pytest.fixture
def plan(cli, tmp_path):
    path = tmp_path / "islay.json"
    assert cli(*PLAN, "--save", str(path)).code == 0
    return path


@pytest.fixture
def clock(monkeypatch):
    """Set the time an amendment is recorded at (what the plan file records as its ``at``): local, with offset."""

    def set_now(iso: str) -> None:
        monkeypatch.setattr("schedplan.plans.amending.local_now", lambda: iso)

    return set_now


def _refused(cli, plan, *argv, says):
    before = plan.read_bytes()
    r = cli(*argv)
    assert r.code == 2, r.err
    assert len(r.err.strip().splitlines()) == 1, r.err
    assert "Traceback" not in r.err
    for words in says:
        assert words in r.err, r.err
    assert plan.read_bytes() == before  # nothing recorded
    return r.err


def _given(plan) -> list[dict]:
    return [a for a in json.loads(plan.read_text()).get("amendments", []) if a["kind"] == "given"]


def test_a_given_time_after_now_is_refused_saying_what_now_is(cli, plan, clock):
    clock("2026-01-05T10:00:00+01:00")  # 10:00 on the day of C1 D1
    err = _refused(
        cli,
        plan,
        *("amend", str(plan), "given", *C1D1, "--at", "2026-01-05 10:30", *WHO),
        says=("--at 2026-01-05 10:30 is after now (2026-01-05 10:00", "the time it was given"),
    )
    assert "+01:00" in err  # the zone the time is read in is named
    # the minute it is now is not after now
    assert cli("amend", str(plan), "given", *C1D1, "--at", "2026-01-05 10:00", *WHO).code == 0
    assert _given(plan)[0]["params"]["given_at"] == "2026-01-05 10:00"


def test_a_given_time_tomorrow_by_a_typo_is_refused(cli, plan, clock):
    clock("2026-01-05T10:00:00+01:00")
    _refused(
        cli,
        plan,
        *("amend", str(plan), "given", *C1D1, "--at", "2026-01-06 09:10", *WHO),
        says=("is after now",),
    )


def test_a_given_time_on_another_day_than_the_administration_is_refused_with_the_delay_hint(cli, plan, clock):
    clock("2026-01-07T12:00:00+01:00")  # two days after C1 D1: 2026-01-06 is in the past
    _refused(
        cli,
        plan,
        *("amend", str(plan), "given", *C1D1, "--at", "2026-01-06 09:10", *WHO),
        says=(
            "--at 2026-01-06 09:10 is not on 2026-01-05, the day isatuximab C1 D1 is on",
            "record a delay of 1 day first",
        ),
    )
    # a day before the administration's day: it cannot be moved earlier, so the date is to be checked
    _refused(
        cli,
        plan,
        *("amend", str(plan), "given", "--drug", "isatuximab", "--cycle", "1", "--day", "8"),
        *("--at", "2026-01-06 09:10", *WHO),
        says=("is not on 2026-01-12, the day isatuximab C1 D8 is on", "check the date"),
    )


def test_a_dose_given_a_day_late_is_recorded_on_its_day_once_the_delay_is_recorded(cli, plan, clock):
    clock("2026-01-07T12:00:00+01:00")
    delay = ("amend", str(plan), "delay", *C1D1, "--days", "1", "--reason", "bed not free", *WHO)
    assert cli(*delay).code == 0
    # the administration stands on 2026-01-06 now: a time that day is its day
    r = cli("amend", str(plan), "given", *C1D1, "--at", "2026-01-06 09:10", *WHO)
    assert r.code == 0, r.err
    assert _given(plan)[0]["params"]["given_at"] == "2026-01-06 09:10"


def test_the_time_is_read_on_this_machines_clock_named_in_the_refusal_whatever_a_calendars_zone(
    cli, plan, clock, tmp_path
):
    # review finding: the staff calendar's zone was taken for the ward's clock, but an export's zone defaults to the
    # exporting machine's (a server on UTC): a nurse could not record a dose given minutes ago. The time typed is
    # read on the clock of the machine it is typed on, and a refusal names that clock (TZ sets it)
    assert cli("export", str(plan), "--ics", str(tmp_path / "ward.ics"), "--tz", "America/New_York").code == 0
    clock("2026-01-05T09:30:00+01:00")  # 09:30 on this machine (UTC+01:00); 03:30 in New York
    assert cli("amend", str(plan), "given", *C1D1, "--at", "2026-01-05 09:10", *WHO).code == 0
    clock("2026-01-05T08:30:00+00:00")  # a machine on UTC
    _refused(
        cli,
        plan,
        *("amend", str(plan), "given", *C1D1, "--at", "2026-01-05 09:10", *WHO),
        says=("is after now (2026-01-05 08:30 UTC+00:00)",),
    )


def test_a_given_time_that_is_not_a_time_still_says_how_to_write_it(cli, plan, clock):
    clock("2026-01-05T10:00:00+01:00")
    _refused(
        cli,
        plan,
        *("amend", str(plan), "given", *C1D1, "--at", "2026-01-05 25:10", *WHO),
        says=('write "YYYY-MM-DD HH:MM"',),
    )


def test_given_without_a_time_on_an_administration_still_to_come_is_refused(cli, plan, clock):
    # w4-fixes report: without --at, an administration on a later day than today (a typo in --day) was recorded
    # as given. C1 D8 is on 2026-01-12; today is 2026-01-05
    clock("2026-01-05T10:00:00+01:00")
    c1d8 = ("--drug", "isatuximab", "--cycle", "1", "--day", "8")
    _refused(
        cli,
        plan,
        *("amend", str(plan), "given", *c1d8, *WHO),
        says=("C1 D8", "2026-01-12", "after today (2026-01-05"),
    )
    # on its own day it is recorded (the time not stated)
    assert cli("amend", str(plan), "given", *C1D1, *WHO).code == 0
    assert _given(plan)[0]["params"].get("given_at") is None
