"""Issue 10, item 2: oral busulfan and TBI, whose per-day frequency the record does not state, show as daily totals
with "frequency not stated in the record - per local protocol" in every view and a warning."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from schedplan.export.ics import description, summary
from schedplan.export.json_out import plan_dict
from schedplan.export.text import render

PHRASE = "frequency not stated in the record - per local protocol"


def test_the_phrase_is_the_issues():
    from schedplan.core.protocol import FREQUENCY_NOT_STATED

    assert FREQUENCY_NOT_STATED == PHRASE


@pytest.mark.parametrize(
    "conditioning, event_id, per_day",
    [
        ("busulfan", "busulfan", D("280")),  # 12 mg/kg/course / 3 days = 4 mg/kg x 70 kg
        ("tbi", "tbi", D("4")),  # 12 Gy / 3 days
    ],
)
def test_daily_total_is_said_in_every_view(make_plan, conditioning, event_id, per_day):
    p = make_plan("NCT07256210", donor="haploidentical", conditioning=conditioning, nk_dose_level="1")
    days = [e for e in p.events if e.event_id == event_id]
    assert [e.day for e in days] == [-4, -3, -2] and {e.dose.value for e in days} == {per_day}
    assert all(e.frequency == PHRASE for e in days)
    warned = [w for w in p.warnings if w.code == "frequency-not-stated"]
    assert len(warned) == 1 and warned[0].event_id == event_id and PHRASE in warned[0].message
    doc = plan_dict(p)
    for e in (e for e in doc["events"] if e["event_id"] == event_id):
        assert e["frequency"] == "not_stated" and e["frequency_note"] == PHRASE
    table = render(p)
    assert table.count(f"({PHRASE})") == 3 and table.count("daily total") >= 3
    assert f"Daily total: {PHRASE}" in description(days[0], p)
    assert summary(days[0]).startswith(f"D-4 {days[0].name[:1].upper()}") and "daily total" in summary(days[0])


def test_treosulfan_has_a_stated_frequency(make_plan):
    p = make_plan("NCT07256210", donor="haploidentical", conditioning="treosulfan", nk_dose_level="1")
    assert not any(e.frequency for e in p.events)
    assert "frequency-not-stated" not in {w.code for w in p.warnings}
