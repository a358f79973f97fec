"""Administrations across the clock changes in Europe/Rome and America/New_York: a time that does not exist is
moved forward by the gap, a time that happens twice is the first; each gets a warning (docs/protocol-format.md)."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from schedplan.export import json_out
from schedplan.export.ics import IcsOptions, build_ics, plan_to_ics
from tests.export.clients import icalendar_read, icaljs_read, vobject_read
from tests.times.conftest import DTSTAMP, PLAN_ID, times_plan

UTC = dt.UTC

# (zone, day 0 = the day the clocks change, {clock time that day: the real moment (UTC), worked out by hand},
#  the time with a warning and the words of it)
CASES = [
    # 28 Mar 2027, Rome: 02:00 CET -> 03:00 CEST. 01:30 CET = 00:30Z; 02:30 does not exist -> 03:30 CEST = 01:30Z
    ("Europe/Rome", dt.date(2027, 3, 28), {"01:30": (0, 30), "02:30": (1, 30)}, "02:30 does not exist"),
    # 31 Oct 2027, Rome: 03:00 CEST -> 02:00 CET. 01:30 CEST = 23:30Z the day before; 02:30 twice: the first, CEST
    ("Europe/Rome", dt.date(2027, 10, 31), {"01:30": (-1, 30), "02:30": (0, 30)}, "02:30 happens twice"),
    # 14 Mar 2027, New York: 02:00 EST -> 03:00 EDT. 01:30 EST = 06:30Z; 02:30 -> 03:30 EDT = 07:30Z
    ("America/New_York", dt.date(2027, 3, 14), {"01:30": (6, 30), "02:30": (7, 30)}, "02:30 does not exist"),
    # 7 Nov 2027, New York: 02:00 EDT -> 01:00 EST. 01:30 twice: the first, EDT = 05:30Z; 02:30 EST = 07:30Z
    ("America/New_York", dt.date(2027, 11, 7), {"01:30": (5, 30), "02:30": (7, 30)}, "01:30 happens twice"),
]


def _utc(day: dt.date, hm: tuple[int, int]) -> dt.datetime:
    h, m = hm
    return dt.datetime.combine(day, dt.time(0, 0), tzinfo=UTC) + dt.timedelta(hours=h, minutes=m)


@pytest.mark.parametrize(("tz", "day0", "moments", "warned"), CASES)
def test_night_administrations_on_the_day_of_a_clock_change(tmp_path, tz, day0, moments, warned):
    p = times_plan("night-doses", day0)
    result = build_ics(p, plan_id=PLAN_ID, options=IcsOptions(tz=tz), dtstamp=DTSTAMP)
    assert any(warned in w and "Day 0" in w for w in result.warnings), result.warnings
    cal = icalendar_read(result.data)
    vobject_read(result.data)
    on_day0 = {
        str(v["DESCRIPTION"]).split("Time: ")[1][:5]: v.DTSTART.astimezone(UTC)
        for v in cal.walk("VEVENT")
        if str(v["SUMMARY"]).startswith("D0 ")
    }
    want = {hm: _utc(day0, moment) for hm, moment in moments.items()}
    assert on_day0 == want
    flagged = [v for v in cal.walk("VEVENT") if "Clock change:" in str(v["DESCRIPTION"])]
    assert len(flagged) == 1 and warned in str(flagged[0]["DESCRIPTION"])
    path = tmp_path / "night.ics"
    path.write_bytes(result.data)
    seen = [e for e in icaljs_read(path)[0]["events"] if e["summary"].startswith("D0 ")]
    assert sorted(e["start"] for e in seen) == sorted(int(w.timestamp()) for w in want.values())
    doc = json.loads(json_out.render(p, tz=tz))
    starts = {e["time"]: dt.datetime.fromisoformat(e["start"]) for e in doc["events"] if e["day"] == 0}
    assert {k: v.astimezone(UTC) for k, v in starts.items()} == want
    assert any(w["code"] == "clock-change" and warned in w["message"] for w in doc["warnings"])


def test_no_warning_on_a_day_without_a_clock_change():
    p = times_plan("night-doses", dt.date(2027, 6, 1))
    assert build_ics(p, plan_id=PLAN_ID, options=IcsOptions(tz="Europe/Rome"), dtstamp=DTSTAMP).warnings == ()
    assert not any(w["code"].startswith("clock") for w in json.loads(json_out.render(p, tz="Europe/Rome"))["warnings"])


def test_a_q6h_series_across_the_spring_change_keeps_clock_times_and_warns_of_the_short_interval(tmp_path):
    # day -7 = 26 March 2027; administrations 8 (28 Mar 00:00 CET = 27 Mar 23:00Z) and 9 (06:00 CEST = 04:00Z)
    p = times_plan("busulfan-q6h", dt.date(2027, 4, 2))
    result = build_ics(p, plan_id=PLAN_ID, options=IcsOptions(tz="Europe/Rome"), dtstamp=DTSTAMP)
    assert any(
        "administrations 8 and 9 of 16 are 6 h apart on the clock but 5 h apart in real time" in w
        for w in result.warnings
    ), result.warnings
    assert len(result.warnings) == 1
    path = tmp_path / "bu.ics"
    path.write_bytes(result.data)
    starts = sorted(e["start"] for e in icaljs_read(path)[0]["events"])
    assert starts[7] == int(dt.datetime(2027, 3, 27, 23, 0, tzinfo=UTC).timestamp())
    assert starts[8] == int(dt.datetime(2027, 3, 28, 4, 0, tzinfo=UTC).timestamp())


def test_a_time_option_the_clocks_skip_is_moved_not_refused():
    """Issue 13 replaced the old refusal of --time 02:30 on a spring-forward night with the documented resolution."""
    from tests.export.conftest import seed_plan

    data = plan_to_ics(seed_plan("NCT07256210", anchor=dt.date(2027, 3, 14)), tz="Europe/Rome", time="02:30")
    assert b"Clock change: 02:30 does not exist on 2027-03-28" in data.replace(b"\r\n ", b"")
