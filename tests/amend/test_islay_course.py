"""ISLAY over 2 cycles as it really ran: cycle 2 a week late, isatuximab at 80 % from cycle 2, C1 D22 held,
C1 D1 given - the show JSON, the calendar and the totals worked out by hand (issue 12)."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest
from icalendar import Calendar

# 60 kg x 20 mg/kg = 1200 mg a dose; 80 % of that is 960 mg. Cycle 1 day 1 is 2026-01-05 (a Monday),
# so cycle 2 day 1 is planned on 2026-02-02 (day 29) and runs on 2026-02-09 after a 7-day delay.
C1D1 = dt.date(2026, 1, 5)
FULL = Decimal(1200)
REDUCED = Decimal(960)


def _ics(path) -> dict[str, dict]:
    cal = Calendar.from_ical(path.read_bytes())
    out = {}
    for ev in cal.walk("VEVENT"):
        out[str(ev["SUMMARY"])] = ev
    return {str(ev["UID"]): ev for ev in cal.walk("VEVENT")} | {"_by_summary": out}


@pytest.fixture
def course(cli, tmp_path):
    plan = tmp_path / "islay.json"
    ics = tmp_path / "islay.ics"
    made = cli(
        "plan",
        "NCT02999633",
        "--weight",
        "60kg",
        "--height",
        "170cm",
        "--anchor-date",
        "2026-01-05",
        "--save",
        str(plan),
    )
    assert made.code == 0, made.err
    first = cli("export", str(plan), "--ics", str(ics))  # the nurse's phone has the calendar already
    assert first.code == 0, first.err
    before = _ics(ics)
    steps = [
        ("delay", "--cycle", "2", "--days", "7", "--reason", "counts not recovered", "--by", "RN Smith"),
        (
            "modify",
            "--drug",
            "isatuximab",
            "--from-cycle",
            "2",
            "--percent",
            "80",
            "--reason",
            "grade 3 neutropenia",
            "--by",
            "PharmD Lee",
        ),
        ("hold", "--drug", "isatuximab", "--cycle", "1", "--day", "22", "--reason", "fever", "--by", "RN Smith"),
        ("given", "--drug", "isatuximab", "--cycle", "1", "--day", "1", "--at", "2026-01-05 09:10", "--by", "RN Smith"),
    ]
    for step in steps:
        r = cli("amend", str(plan), *step)
        assert r.code == 0, r.err
    again = cli("export", str(plan), "--ics", str(ics))
    assert again.code == 0, again.err
    shown = cli("show", str(plan), "--format", "json")
    assert shown.code == 0, shown.err
    return json.loads(shown.out, parse_float=Decimal), before, _ics(ics)


def _isa(data, cycle, day):
    return next(e for e in data["events"] if e["name"] == "isatuximab" and e["cycle"] == cycle and e["day"] == day)


def test_cycle_2_delayed_7_days_cycle_1_unchanged(course):
    data, _, _ = course
    for e in data["events"]:
        planned = dt.date.fromisoformat(e["planned_date"])
        offset = (e["cycle"] - 1) * 28 + e["day"] - 1
        assert planned == C1D1 + dt.timedelta(days=offset)
        moved = 7 if e["cycle"] == 2 else 0
        assert dt.date.fromisoformat(e["date"]) == planned + dt.timedelta(days=moved)
    assert _isa(data, 2, 1)["date"] == "2026-02-09"


def test_isatuximab_at_80_percent_from_cycle_2_only(course):
    data, _, _ = course
    for day in (1, 8, 15, 22):
        assert _isa(data, 1, day)["dose"]["value"] == FULL
        assert _isa(data, 1, day)["modification"] is None
        c2 = _isa(data, 2, day)
        assert c2["dose"]["value"] == REDUCED
        assert c2["modification"] == {"percent": 80, "amendment": 2, "reason": "grade 3 neutropenia"}
        assert (
            "x 80 % (dose modification from cycle 2: grade 3 neutropenia, amendment 2) = 960 mg"
            in (c2["dose"]["calculation"])
        )


def test_held_and_given_statuses(course):
    data, _, _ = course
    assert _isa(data, 1, 22)["status"] == "held"
    given = _isa(data, 1, 1)
    assert given["status"] == "given"
    assert given["given"] == {"value": FULL, "unit": "mg", "at": "2026-01-05 09:10", "by": "RN Smith"}
    isa = [e for e in data["events"] if e["name"] == "isatuximab"]
    others = [e for e in isa if (e["cycle"], e["day"]) not in {(1, 1), (1, 22)}]
    assert {e["status"] for e in others} == {"planned"}


def test_totals_planned_given_remaining_by_hand(course):
    data, _, _ = course
    (isa,) = [t for t in data["course_totals"] if t["name"] == "isatuximab"]
    # planned: C1 D1, D8, D15 at 1200 (D22 held) + 4 x 960 in cycle 2 = 3600 + 3840
    assert isa["planned"] == Decimal(7440)
    assert isa["given"] == FULL
    assert isa["remaining"] == Decimal(7440) - FULL
    whole = next(t for t in data["totals"] if t["name"] == "isatuximab" and t["cycle"] is None)
    assert whole["total"] == Decimal(7440) and whole["doses"] == 7


def test_amendments_listed_with_reason_by_and_local_time(course):
    data, _, _ = course
    listed = data["amendments"]
    assert [a["number"] for a in listed] == [1, 2, 3, 4]
    assert [a["kind"] for a in listed] == ["delay", "modify", "hold", "given"]
    assert listed[0]["select"] == {"cycle": 2} and listed[0]["params"] == {"days": 7}
    assert listed[2]["select"]["key"] == "isatuximab/c1/4"
    assert all(a["undone_by"] is None for a in listed)
    assert all(dt.datetime.fromisoformat(a["at"]).utcoffset() is not None for a in listed)
    assert listed[1]["by"] == "PharmD Lee"


def test_calendar_keeps_uids_raises_sequence_where_moved_cancels_held(course):
    data, before, after = course
    before.pop("_by_summary")
    by_summary = after.pop("_by_summary")
    assert set(before) == set(after)  # the same items, the same UIDs
    moved = [uid for uid, old in before.items() if after[uid].DTSTART != old.DTSTART]
    assert len(moved) == 20  # cycle 2: 4 days x (isatuximab + 4 premedications)
    for uid in moved:
        assert int(after[uid]["SEQUENCE"]) > int(before[uid].get("SEQUENCE", 0))
    summaries = {str(ev["SUMMARY"]): ev for ev in after.values()}
    held = [ev for s, ev in summaries.items() if s.startswith("HELD C1 D22 Isatuximab")]
    assert len(held) == 1 and str(held[0]["STATUS"]) == "CANCELLED"
    assert int(held[0]["SEQUENCE"]) == 1
    cancelled = [ev for ev in after.values() if str(ev.get("STATUS", "")) == "CANCELLED"]
    assert len(cancelled) == 1
    given = [s for s in by_summary if s.startswith("GIVEN C1 D1 Isatuximab")]
    assert given and "GIVEN 1,200 mg at 2026-01-05 09:10" in str(by_summary[given[0]]["DESCRIPTION"])
    c2 = next(ev for s, ev in summaries.items() if s.startswith("C2 D1 Isatuximab"))
    assert c2.DTSTART == dt.date(2026, 2, 9) and int(c2["SEQUENCE"]) == 1 and "960 mg" in str(c2["SUMMARY"])
    c1 = next(ev for s, ev in summaries.items() if s.startswith("C1 D8 Isatuximab"))
    assert int(c1.get("SEQUENCE", 0)) == 0  # not changed: not raised
