"""Outpatient visits are checked against the weekend of the policy's country (holidays' weekend data).

NCT07256210 has one outpatient visit in these plans, on day +730; the anchor is chosen so that it falls on
the weekday named in each case (2029-03-16 is a Friday, checked below).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest

from schedplan.core.patient import Patient, Sex
from schedplan.core.policy import SitePolicy
from schedplan.core.safety import SATURDAY_SUNDAY, PublicCalendar, weekend_days
from schedplan.core.schedule import plan
from schedplan.load.policy import holiday_lookup
from schedplan.load.protocols import find_protocol

FRIDAY = dt.date(2029, 3, 16)


def weekend_warnings(visit: dt.date, country: str | None) -> list[str]:
    policy = SitePolicy(name="p", version="1", country=country) if country else None
    p = plan(
        find_protocol("NCT07256210").protocol,
        Patient(weight_kg=D(70), height_cm=D(175), sex=Sex.MALE),
        visit - dt.timedelta(days=730),
        {"donor": "haploidentical", "conditioning": "tbi", "nk_dose_level": "1"},
        policy=policy,
        holidays=holiday_lookup(policy),
    )
    return [w.message for w in p.warnings if w.code == "outpatient-on-weekend"]


def test_the_dates_are_the_weekdays_named():
    assert FRIDAY.strftime("%A") == "Friday"
    assert (FRIDAY + dt.timedelta(days=2)).strftime("%A") == "Sunday"


@pytest.mark.parametrize(
    ("country", "friday", "saturday", "sunday"),
    [
        ("IL", True, True, False),  # Israel: Friday and Saturday
        ("US", False, True, True),
        ("IT", False, True, True),
        (None, False, True, True),  # no country: Saturday and Sunday
    ],
)
def test_outpatient_visit_on_the_countrys_weekend(country, friday, saturday, sunday):
    for offset, expected in ((0, friday), (1, saturday), (2, sunday)):
        day = FRIDAY + dt.timedelta(days=offset)
        messages = weekend_warnings(day, country)
        assert bool(messages) is expected, (country, day.strftime("%A"))
        if expected:
            assert day.strftime("%A") in messages[0]


def test_weekend_days_of_a_plain_lookup_are_saturday_and_sunday():
    assert weekend_days(lambda d: None) == SATURDAY_SUNDAY == frozenset({5, 6})
    assert weekend_days(None) == SATURDAY_SUNDAY
    assert weekend_days(PublicCalendar(holiday=lambda d: None, weekend=frozenset({4, 5}))) == {4, 5}
