"""A dose recorded given is matched to its administration by time when it has one (within 12 hours of it), by
date when it is all-day; read on this machine's clock (review findings: 23:55 for a 00:00 dose was refused with
no way to record it; the staff calendar's zone, the exporting machine's by default, was taken for the ward's)."""

from __future__ import annotations

import datetime as dt

import pytest

from schedplan.errors import InputError
from schedplan.plans.given_time import given_at, not_to_come
from tests.times.conftest import times_plan

ROME = dt.timezone(dt.timedelta(hours=1))  # the machine's offset in March 2027 (CET)


def _event(name: str, label: str, hhmm: str):
    plan = times_plan(name)
    return next(e for e in plan.events if e.label == label and e.time is not None and f"{e.time:%H:%M}" == hhmm)


def test_a_midnight_dose_given_five_minutes_early_on_the_day_before_is_recorded():
    busulfan = _event("busulfan-q6h", "Day -6", "00:00")  # 2027-03-22 00:00
    assert busulfan.date == dt.date(2027, 3, 22)
    now = dt.datetime(2027, 3, 22, 0, 20, tzinfo=ROME)
    assert given_at("2027-03-21 23:55", busulfan, now) == "2027-03-21 23:55"


def test_an_evening_dose_started_after_midnight_is_recorded_without_a_delay():
    cytarabine = _event("cytarabine-bid", "Day -5", "20:00")  # 2027-03-23 20:00
    now = dt.datetime(2027, 3, 24, 0, 30, tzinfo=ROME)
    assert given_at("2027-03-24 00:10", cytarabine, now) == "2027-03-24 00:10"


def test_a_timed_dose_more_than_12_hours_off_is_refused_with_what_to_do():
    cytarabine = _event("cytarabine-bid", "Day -5", "20:00")
    now = dt.datetime(2027, 3, 25, 12, 0, tzinfo=ROME)
    with pytest.raises(InputError, match="more than 12 hours after") as late:
        given_at("2027-03-24 08:01", cytarabine, now)  # 12 h 01 min after 20:00
    assert "delay" in str(late.value) and late.value.field == "at"
    # exactly 12 hours is still this administration
    assert given_at("2027-03-24 08:00", cytarabine, now) == "2027-03-24 08:00"
    with pytest.raises(InputError, match="more than 12 hours before"):
        given_at("2027-03-23 07:59", cytarabine, now)


def test_the_time_typed_is_read_on_this_machines_clock_whatever_zone_a_calendar_was_exported_in():
    # a nurse in Rome at 02:43 records a dose given at 02:30: not "after now", though UTC reads 01:43
    night = _event("night-doses", "Day 0", "02:30")  # 2027-03-28 02:30
    now = dt.datetime(2027, 3, 28, 2, 43, tzinfo=ROME)
    assert given_at("2027-03-28 02:30", night, now) == "2027-03-28 02:30"
    with pytest.raises(InputError, match=r"after now \(2027-03-28 02:43 UTC\+01:00\)"):
        given_at("2027-03-28 02:50", night, now)


def test_given_without_a_time_near_midnight_follows_the_same_window():
    busulfan = _event("busulfan-q6h", "Day -6", "00:00")
    not_to_come(busulfan, dt.datetime(2027, 3, 21, 23, 55, tzinfo=ROME))  # 5 minutes early: recorded
    with pytest.raises(InputError, match="more than 12 hours"):
        not_to_come(busulfan, dt.datetime(2027, 3, 21, 11, 59, tzinfo=ROME))
