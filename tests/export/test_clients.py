"""An export opens the same in icalendar, vobject, khal and ical.js: same events, same local times, same text.

Expected instants come from the schedule's dates and the chosen time, localised with zoneinfo - never
from the file's own VTIMEZONE - and each case has timed events on both sides of a daylight-saving change.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from schedplan.core.changes import item_uid
from schedplan.export.ics import IcsOptions, build_ics
from tests.export.clients import Khal, icalendar_read, icaljs_read, vobject_read
from tests.export.conftest import DTSTAMP, PLAN_ID, seed_plan

TIME = dt.time(8, 0)
CASES = [
    # (seed, day 0 / cycle 1 day 1, zone): each straddles that zone's change of clocks
    ("NCT07256210", dt.date(2027, 3, 15), "Europe/Rome"),  # CEST from 2027-03-28
    ("NCT07256210", dt.date(2027, 3, 1), "America/New_York"),  # EDT from 2027-03-14
    ("NCT02999633", dt.date(2027, 10, 18), "Europe/Rome"),  # CET from 2027-10-31
    ("NCT02999633", dt.date(2027, 10, 18), "America/New_York"),  # EST from 2027-11-07
]
TIMED_KINDS = {"drug", "cell_product", "radiation"}


def _export(tmp_path, seed, anchor, tz, **opts):
    plan = seed_plan(seed, anchor=anchor)
    options = IcsOptions(tz=tz, time=TIME, **opts)
    data = build_ics(plan, plan_id=PLAN_ID, options=options, dtstamp=DTSTAMP).data
    path = tmp_path / f"{seed}.ics"
    path.write_bytes(data)
    return plan, data, path


def _expected(plan, tz):
    """uid -> (date, aware local start or None for all-day), worked out from the schedule alone."""
    zone = ZoneInfo(tz)
    out = {}
    for e in plan.events:
        start = dt.datetime.combine(e.date, TIME, tzinfo=zone) if e.kind.value in TIMED_KINDS else None
        out[item_uid(PLAN_ID, e.key)] = (e.date, start)
    return out


@pytest.mark.parametrize(("seed", "anchor", "tz"), CASES)
def test_every_client_reads_the_same_events_and_instants(tmp_path, seed, anchor, tz):
    plan, data, path = _export(tmp_path, seed, anchor, tz)
    expected = _expected(plan, tz)
    offsets = {s.utcoffset() for _, s in expected.values() if s is not None}
    assert len(offsets) == 2, f"the case must straddle a change of clocks in {tz}, got offsets {offsets}"

    # icalendar
    cal = icalendar_read(data)
    events = {str(ev["UID"]): ev for ev in cal.walk("VEVENT")}
    assert set(events) == set(expected)
    for uid, (date, start) in expected.items():
        got = events[uid].start
        if start is None:
            assert got == date and not isinstance(got, dt.datetime)
        else:
            assert got.timestamp() == start.timestamp() and got.tzinfo is not None

    # vobject builds its zones from the file's VTIMEZONE
    vcal = vobject_read(data)
    vevents = {ev.uid.value: ev for ev in vcal.vevent_list}
    assert set(vevents) == set(expected)
    for uid, (date, start) in expected.items():
        got = vevents[uid].dtstart.value
        if start is None:
            assert got == date and not isinstance(got, dt.datetime)
        else:
            assert got.timestamp() == start.timestamp(), (uid, got, start)
        assert vevents[uid].summary.value == str(events[uid]["SUMMARY"])
        assert vevents[uid].description.value == str(events[uid]["DESCRIPTION"])

    # ical.js (Thunderbird), with only the file's VTIMEZONE to go by
    (js,) = icaljs_read(path)
    jevents = {ev["uid"]: ev for ev in js["events"]}
    assert set(jevents) == set(expected)
    for uid, (date, start) in expected.items():
        ev = jevents[uid]
        if start is None:
            assert ev["all_day"] and ev["start"] == date.isoformat()
            assert ev["end"] == (date + dt.timedelta(days=1)).isoformat()
        else:
            assert not ev["all_day"] and ev["tzid"] == tz
            assert ev["start"] == start.timestamp(), (ev["summary"], ev["start_local"], start)
            assert ev["utc_offset_seconds"] == start.utcoffset().total_seconds()
        assert ev["summary"] == str(events[uid]["SUMMARY"])
        assert ev["description"] == str(events[uid]["DESCRIPTION"])

    # khal, in the same zone: the same local dates and times and titles
    khal = Khal(tmp_path / "khal", tz)
    khal.import_ics(path)
    rows = khal.list(plan.events[0].date, plan.events[-1].date + dt.timedelta(days=1))
    want = sorted(
        (start.strftime("%Y-%m-%d %H:%M") if start else date.isoformat(), str(events[uid]["SUMMARY"]))
        for uid, (date, start) in expected.items()
    )
    assert sorted((s, title) for s, _, title in rows) == want


def test_khal_shows_the_local_time_in_another_zone(tmp_path):
    """Read in New York, an 08:00 Rome infusion is at 02:00 or 03:00, as zoneinfo says for that day."""
    plan, _, path = _export(tmp_path, "NCT07256210", dt.date(2027, 3, 15), "Europe/Rome")
    khal = Khal(tmp_path / "khal", "America/New_York")
    khal.import_ics(path)
    rows = khal.list(plan.events[0].date, plan.events[-1].date + dt.timedelta(days=1))
    ny = ZoneInfo("America/New_York")
    want = set()
    for e in plan.events:
        if e.kind.value in TIMED_KINDS:
            local = dt.datetime.combine(e.date, TIME, tzinfo=ZoneInfo("Europe/Rome")).astimezone(ny)
            want.add(local.strftime("%Y-%m-%d %H:%M"))
    got = {s for s, _, _ in rows if " " in s}
    assert got == want
    # worked out by hand: 6 hours apart, but 5 from 14 to 27 March 2027 (New York changed, Rome not yet)
    assert {w[-5:] for w in want} == {"02:00", "03:00"}


def test_all_day_export_has_no_zone_and_is_transparent(tmp_path):
    plan = seed_plan("NCT07256210")
    data = build_ics(plan, plan_id=PLAN_ID, options=IcsOptions(tz="Europe/Rome"), dtstamp=DTSTAMP).data
    cal = icalendar_read(data)
    assert cal.walk("VTIMEZONE") == []
    for ev in cal.walk("VEVENT"):
        assert type(ev.start) is dt.date
        assert ev.end == ev.start + dt.timedelta(days=1)
        assert ev["TRANSP"] == "TRANSPARENT"
    vobject_read(data)


def test_alarm_and_day_labels_read_alike(tmp_path):
    plan, data, path = _export(
        tmp_path, "NCT07256210", dt.date(2027, 3, 15), "Europe/Rome", alarm=dt.timedelta(minutes=30), day_labels=True
    )
    cal = icalendar_read(data)
    vobject_read(data)
    labels = [ev for ev in cal.walk("VEVENT") if "Day label" in [str(c) for c in ev.categories]]
    real = [ev for ev in cal.walk("VEVENT") if ev not in labels]
    assert len(real) == len(plan.events)
    for ev in real:
        (alarm,) = ev.walk("VALARM")
        assert alarm["ACTION"] == "DISPLAY" and alarm["TRIGGER"].dt == -dt.timedelta(minutes=30)
    # one label per day from the first event, no two on a day, each on its own day number
    days = [ev.start for ev in labels]
    assert len(days) == len(set(days))
    for ev in labels:
        n = (ev.start - plan.anchor_date).days
        assert str(ev["SUMMARY"]) == ("Day 0" if n == 0 else f"Day {n:+d}")
    assert min(days) == plan.events[0].date
    (js,) = icaljs_read(path)
    assert all(ev["alarms"] == ["-PT30M"] for ev in js["events"] if "Day label" not in ev["categories"])
    assert sum(1 for ev in js["events"] if "Day label" in ev["categories"]) == len(labels)
