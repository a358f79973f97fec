"""One calendar item per administration at its time, read back by real clients; JSON times with a zone."""

from __future__ import annotations

import datetime as dt
import json
from zoneinfo import ZoneInfo

from schedplan.core.changes import item_uid
from schedplan.export import json_out
from schedplan.export.ics import IcsOptions, build_ics
from tests.export.clients import icalendar_read, icaljs_read, vobject_read
from tests.times.conftest import DTSTAMP, PLAN_ID, times_plan

ROME = ZoneInfo("Europe/Rome")
ANCHOR = dt.date(2027, 5, 10)  # no clock change near: test_clock_changes.py has those


def _export(p, **options):
    return build_ics(p, plan_id=PLAN_ID, options=IcsOptions(**options), dtstamp=DTSTAMP)


def test_busulfan_q6h_is_16_calendar_items_at_their_times_read_by_icalendar_vobject_and_icaljs(tmp_path):
    p = times_plan("busulfan-q6h", ANCHOR)
    data = _export(p, tz="Europe/Rome").data
    cal = icalendar_read(data)
    vobject_read(data)
    events = [v for v in cal.walk("VEVENT")]
    assert len(events) == 16
    first = dt.datetime(2027, 5, 3, 6, 0, tzinfo=ROME)  # day -7 of 10 May
    want = [first + dt.timedelta(hours=6 * k) for k in range(16)]  # no clock change: wall hours = real hours
    assert sorted(v.DTSTART for v in events) == want
    assert all(v.DTEND - v.DTSTART == dt.timedelta(minutes=120) for v in events)
    assert len({str(v["UID"]) for v in events}) == 16
    assert any("2/16" in str(v["SUMMARY"]) for v in events)
    path = tmp_path / "bu.ics"
    path.write_bytes(data)
    seen = icaljs_read(path)[0]["events"]
    assert sorted(e["start"] for e in seen) == [int(w.timestamp()) for w in want]
    assert not any(e["all_day"] for e in seen)


def test_uids_are_stable_per_administration_and_single_ones_keep_the_untimed_uid():
    p = times_plan("cytarabine-bid", ANCHOR)
    a, b = _export(p, tz="Europe/Rome"), _export(times_plan("cytarabine-bid", ANCHOR), tz="Europe/Rome")
    assert [i.uid for i in a.items] == [i.uid for i in b.items]
    assert item_uid(PLAN_ID, "cytarabine/1/a2") in {i.uid for i in a.items}
    seq = _export(times_plan("three-in-sequence", ANCHOR), tz="Europe/Rome")
    assert item_uid(PLAN_ID, "fludarabine/1") in {i.uid for i in seq.items}


def test_time_option_is_only_the_fallback_for_untimed_events():
    p = times_plan("three-in-sequence", ANCHOR)
    cal = icalendar_read(_export(p, tz="Europe/Rome", time=dt.time(7, 0)).data)
    starts = {str(v["SUMMARY"]).split(" ")[1]: v.DTSTART for v in cal.walk("VEVENT")}
    assert starts["Fludarabine"] == dt.datetime(2027, 5, 4, 8, 0, tzinfo=ROME)  # the protocol's 08:00, not 07:00
    assert starts["Thiotepa"] == dt.datetime(2027, 5, 4, 10, 0, tzinfo=ROME)
    assert starts["Clinic"] == dt.date(2027, 5, 4)  # a visit: --time is for administrations; all-day


def test_json_events_carry_time_administration_source_and_with_a_zone_start_and_end():
    p = times_plan("cytarabine-bid", ANCHOR)
    plain = json.loads(json_out.render(p))
    e = plain["events"][1]
    assert (e["time"], e["administration"], e["source_of_time"]) == ("20:00", {"n": 2, "of": 2}, "protocol")
    assert "start" not in e
    zoned = json.loads(json_out.render(p, tz="America/New_York"))
    e = zoned["events"][1]
    assert e["start"] == "2027-05-05T20:00:00-04:00" and e["end"] == "2027-05-05T21:00:00-04:00"
    last = zoned["events"][-1]  # cytarabine-each has no duration: no end is invented
    assert last["start"] == "2027-05-09T20:00:00-04:00" and last["end"] is None


def test_json_of_an_untimed_protocol_has_null_times():
    p = times_plan("antibody-premeds", ANCHOR)
    doc = json.loads(json_out.render(p, tz="Europe/Rome"))
    steroid = next(e for e in doc["events"] if e["event_id"] == "steroid")
    assert (steroid["time"], steroid["source_of_time"], steroid["start"], steroid["end"]) == (None, None, None, None)


def test_khal_lists_each_administration_at_its_time(tmp_path):
    from tests.export.clients import Khal

    p = times_plan("cy-mesna", ANCHOR)
    path = tmp_path / "cy.ics"
    path.write_bytes(_export(p, tz="Europe/Rome").data)
    khal = Khal(tmp_path / "khal", "Europe/Rome")
    khal.import_ics(path)
    rows = khal.list(dt.date(2027, 5, 7), dt.date(2027, 5, 9))
    # day -3 = 7 May 2027: cyclophosphamide 08:00-09:00, mesna at 08:00, 12:00, 16:00 (30 min: no duration given)
    got = sorted((s, e, title.split(" ")[1]) for s, e, title in rows if s.startswith("2027-05-07"))
    assert got == [
        ("2027-05-07 08:00", "2027-05-07 08:30", "Mesna"),
        ("2027-05-07 08:00", "2027-05-07 09:00", "Cyclophosphamide"),
        ("2027-05-07 12:00", "2027-05-07 12:30", "Mesna"),
        ("2027-05-07 16:00", "2027-05-07 16:30", "Mesna"),
    ]


def test_plan_format_json_with_tz_gives_start_and_end(cli):
    from tests.times.conftest import TIMES

    argv = [
        "plan",
        str(TIMES / "cytarabine-bid.yaml"),
        "--weight",
        "62kg",
        "--height",
        "170cm",
        "--anchor-date",
        "2027-05-10",
        "--format",
        "json",
    ]
    r = cli(*argv, "--tz", "Europe/Rome")
    assert r.code == 0, r.err
    first = json.loads(r.out)["events"][0]
    assert (first["time"], first["start"], first["end"]) == (
        "08:00",
        "2027-05-05T08:00:00+02:00",
        "2027-05-05T09:00:00+02:00",
    )
    r = cli(*argv)
    assert r.code == 0 and "start" not in json.loads(r.out)["events"][0]
    r = cli(*argv, "--tz", "Europe/Roma")
    assert r.code == 2 and r.err.count("\n") == 1


def test_a_days_administration_list_is_in_time_order_with_columns_to_fill_in():
    from schedplan.export.text import administration_list

    p = times_plan("busulfan-q6h", ANCHOR)
    text = administration_list(p, dt.date(2027, 5, 4))  # day -6: 00:00, 06:00, 12:00, 18:00
    rows = [line for line in text.splitlines() if "busulfan" in line]
    assert [r[:5] for r in rows] == ["00:00", "06:00", "12:00", "18:00"]
    assert [" ".join(r.split()[5:8]) for r in rows] == ["4 of 16", "5 of 16", "6 of 16", "7 of 16"]
    assert all("[ ]" in r and "__:__" in r and "49.6 mg" in r for r in rows)
    seq = administration_list(times_plan("three-in-sequence", ANCHOR), dt.date(2027, 5, 4))
    assert seq.splitlines()[4].startswith("all day") and "clinic visit" in seq.splitlines()[4]
