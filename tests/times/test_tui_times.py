"""The terminal UI's calendar line and day list show each administration's time, where it came from, and n of m."""

from __future__ import annotations

import datetime as dt

from schedplan.tui.format import event_text, time_text
from schedplan.words import administration_rows, in_time_order
from tests.times.conftest import site, times_plan

ANCHOR = dt.date(2027, 5, 10)  # day -7 = 2027-05-03


def test_calendar_line_starts_with_the_clock_time_and_ends_with_n_of_m():
    p = times_plan("busulfan-q6h", ANCHOR)
    # 12.8 mg/kg per course over 16 administrations = 0.8 mg/kg; x 62 kg = 49.6 mg each
    first, second = p.events[0], p.events[1]
    assert event_text(first) == "06:00 busulfan 49.6 mg IV over 2 hours (1 of 16)"
    assert event_text(second) == "12:00 busulfan 49.6 mg IV over 2 hours (2 of 16)"


def test_a_time_from_the_site_policy_is_said_in_words_in_the_calendar_line():
    p = times_plan("three-in-sequence", ANCHOR, site(visit="11:00"))
    by = {e.event_id: e for e in p.events}
    assert event_text(by["visit"]) == "11:00 (site time) clinic visit"
    assert time_text(by["fludarabine"]) == "08:00"  # the protocol's own time: no mark
    assert event_text(by["fludarabine"]).startswith("08:00 fludarabine ")


def test_an_untimed_event_has_no_time_and_no_series_in_its_line():
    p = times_plan("three-in-sequence", ANCHOR)
    visit = next(e for e in p.events if e.event_id == "visit")
    assert time_text(visit) == ""
    assert event_text(visit) == "clinic visit"


def test_a_days_events_out_of_order_are_put_in_time_order_untimed_first():
    p = times_plan("three-in-sequence", ANCHOR)
    day = list(reversed(p.events))  # thiotepa 10:00, hydration 08:30, fludarabine 08:00, visit (untimed)
    ordered = in_time_order(day)
    assert [e.event_id for e in ordered] == ["visit", "fludarabine", "hydration", "thiotepa"]


def test_rows_of_a_days_administration_list_in_time_order_with_n_of_m():
    p = times_plan("busulfan-q6h", ANCHOR)
    day_minus_6 = [e for e in p.events if e.date == dt.date(2027, 5, 4)]
    rows = administration_rows(list(reversed(day_minus_6)))
    assert [r.time for r in rows] == ["00:00", "06:00", "12:00", "18:00"]
    assert [r.number for r in rows] == ["4 of 16", "5 of 16", "6 of 16", "7 of 16"]
    assert {(r.item, r.dose, r.route) for r in rows} == {("busulfan", "49.6 mg", "IV")}
    seq = administration_rows(times_plan("three-in-sequence", ANCHOR, site(visit="11:00")).events)
    assert [(r.time, r.item) for r in seq] == [
        ("08:00", "fludarabine"),
        ("08:30", "sodium chloride"),  # fludarabine 08:00 + 30 min
        ("10:00", "thiotepa"),  # 08:30 + 90 min
        ("11:00 (site time)", "clinic visit"),
    ]
    untimed = administration_rows(times_plan("three-in-sequence", ANCHOR).events)
    assert (untimed[0].time, untimed[0].item, untimed[0].number) == ("all day", "clinic visit", "")
