"""A site policy's usual times: used only where the protocol gives none, and marked as the site's in every view."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from pydantic import ValidationError

from schedplan.export import json_out, text
from schedplan.export.ics import IcsOptions, build_ics
from tests.export.clients import icalendar_read
from tests.times.conftest import DTSTAMP, PLAN_ID, hhmm, site, times_plan

ANCHOR = dt.date(2027, 3, 28)


def test_an_untimed_event_gets_the_sites_time_for_its_kind_marked_site():
    p = times_plan("three-in-sequence", ANCHOR, site(visit="11:00", drug="07:00"))
    by = {e.event_id: e for e in p.events}
    assert hhmm(by["visit"].time) == "11:00" and by["visit"].source_of_time == "site"
    # the protocol's own times win over the site's
    assert hhmm(by["fludarabine"].time) == "08:00" and by["fludarabine"].source_of_time == "protocol"
    assert by["hydration"].source_of_time == "protocol"


def test_a_route_time_comes_before_the_kind_time():
    policy = site(drug="08:00", routes={"PO": "09:00"})
    assert policy.default_times is not None
    from schedplan.core.protocol import EventKind, Route

    assert policy.default_times.time_for(EventKind.DRUG, [Route.PO]) == dt.time(9, 0)
    assert policy.default_times.time_for(EventKind.DRUG, [Route.IV]) == dt.time(8, 0)
    assert policy.default_times.time_for(EventKind.DRUG, [Route.IV, Route.PO]) == dt.time(8, 0)  # not one route
    assert policy.default_times.time_for(EventKind.VISIT, []) is None


def test_the_sites_premedication_lead_time_is_used_only_where_the_protocol_gives_none():
    p = times_plan("antibody-premeds", ANCHOR, site(premedication_lead_minutes=45))
    on = {e.event_id: e for e in p.events if e.day == 1}
    assert hhmm(on["steroid"].time) == "09:15" and on["steroid"].source_of_time == "site"  # 10:00 - 45 min
    assert hhmm(on["paracetamol"].time) == "09:30" and on["paracetamol"].source_of_time == "protocol"
    assert not any(w.code == "time-not-stated" for w in p.warnings)


def test_a_time_from_the_site_is_marked_in_the_table_the_json_and_the_calendar():
    p = times_plan("three-in-sequence", ANCHOR, site(visit="11:00"))
    table = text.render(p)
    assert "11:00 (site time)  clinic visit" in table
    assert "08:00  fludarabine" in table and "08:00 (site time)  fludarabine" not in table
    doc = json.loads(json_out.render(p))
    visit = next(e for e in doc["events"] if e["event_id"] == "visit")
    assert (visit["time"], visit["source_of_time"], visit["administration"]) == ("11:00", "site", None)
    cal = icalendar_read(build_ics(p, plan_id=PLAN_ID, options=IcsOptions(tz="Europe/Rome"), dtstamp=DTSTAMP).data)
    ev = next(v for v in cal.walk("VEVENT") if "visit" in str(v["SUMMARY"]))
    assert "(site time)" in str(ev["SUMMARY"])
    assert "the site policy's usual time" in str(ev["DESCRIPTION"])
    assert ev.DTSTART == dt.datetime(2027, 3, 22, 11, 0, tzinfo=ev.DTSTART.tzinfo)


@pytest.mark.parametrize(
    "bad",
    [
        {"drug": "25:00"},
        {"visit": "8am"},
        {"premedication_lead_minutes": 0},
        {"routes": {"XX": "08:00"}},
        {"lunch": "12:00"},
    ],
)
def test_bad_default_times_are_refused(bad):
    with pytest.raises(ValidationError):
        site(**bad)
