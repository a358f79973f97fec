"""The exported calendar split into CalDAV resources: one event each, its own time zone, no METHOD."""

from __future__ import annotations

import icalendar

from schedplan.export.caldav_publish.resources import event_digest, item_resources
from schedplan.export.ics import IcsOptions, build_ics
from tests.export.clients import icalendar_read
from tests.export.conftest import PLAN_ID, seed_plan


def test_each_resource_holds_one_event_and_the_time_zone_it_uses():
    plan = seed_plan("NCT07256210")
    options = IcsOptions.parse(tz="Europe/Rome", time="08:00", audience="staff")
    export = build_ics(plan, plan_id=PLAN_ID, options=options)
    whole = icalendar_read(export.data)
    resources = item_resources(export.data)
    assert set(resources) == {str(e["UID"]) for e in whole.walk("VEVENT")} == {i.uid for i in export.items}
    for uid, data in resources.items():
        cal = icalendar_read(data)  # fails on a TZID without its VTIMEZONE
        [event] = cal.walk("VEVENT")
        assert str(event["UID"]) == uid and "METHOD" not in cal
        timed = "TZID" in event["DTSTART"].params
        assert [str(z["TZID"]) for z in cal.walk("VTIMEZONE")] == (["Europe/Rome"] if timed else [])
        # the event as built, property for property
        [original] = [e for e in whole.walk("VEVENT") if str(e["UID"]) == uid]
        assert event.to_ical() == original.to_ical()


def test_the_digest_ignores_what_each_save_rewrites_and_nothing_else():
    plan = seed_plan("NCT07256210")
    export = build_ics(plan, plan_id=PLAN_ID, options=IcsOptions.parse(tz="UTC"))
    uid, data = next(iter(item_resources(export.data).items()))
    cal = icalendar.Calendar.from_ical(data)
    [event] = cal.walk("VEVENT")
    event["SEQUENCE"] = 7
    event.DTSTAMP = event.DTSTAMP.replace(year=2030)
    assert event_digest(cal.to_ical()) == event_digest(data)
    event["SUMMARY"] = str(event["SUMMARY"]) + " (moved)"
    assert event_digest(cal.to_ical()) != event_digest(data)
