"""Property: for random patients, anchor dates, times and zones, every event starts on its schedule date."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from schedplan.core.changes import item_uid
from schedplan.export.ics import IcsOptions, build_ics
from tests.export.clients import icalendar_read
from tests.export.conftest import PLAN_ID, seed_plan

ZONES = [
    "UTC",
    "Europe/Rome",
    "America/New_York",
    "Australia/Sydney",
    "Asia/Kolkata",
    "Pacific/Auckland",
    "America/Sao_Paulo",
    "Europe/London",
    "Pacific/Honolulu",
    "Asia/Tokyo",
]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    seed=st.sampled_from(["NCT07256210", "NCT02999633"]),
    anchor=st.dates(min_value=dt.date(2025, 1, 1), max_value=dt.date(2040, 12, 31)),
    bmi=st.integers(min_value=12, max_value=60),  # weight from height: real patients (a BMI outside 10-80 stops)
    height=st.integers(min_value=140, max_value=210),
    tz=st.sampled_from(ZONES),
    time=st.one_of(
        st.none(),
        st.times(min_value=dt.time(4), max_value=dt.time(23, 59)).map(lambda t: t.replace(second=0, microsecond=0)),
    ),
)
def test_every_event_starts_on_its_schedule_date(seed, anchor, bmi, height, tz, time):
    weight = round(bmi * height * height / 10000)
    plan = seed_plan(seed, anchor=anchor, weight=f"{weight}kg", height=f"{height}cm")
    cal = icalendar_read(build_ics(plan, plan_id=PLAN_ID, options=IcsOptions(tz=tz, time=time)).data)
    events = {str(ev["UID"]): ev for ev in cal.walk("VEVENT")}
    assert len(events) == len(plan.events)
    for e in plan.events:
        start = events[item_uid(PLAN_ID, e.key)].start
        if isinstance(start, dt.datetime):
            local = start.astimezone(ZoneInfo(tz))
            assert local.date() == e.date
            assert local.time() == time
        else:
            assert start == e.date
