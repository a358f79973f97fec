"""ISLAY's premedications "before each isatuximab dose": relative_to isatuximab, the lead time left to the site."""

from __future__ import annotations

import datetime as dt

from schedplan.core.schedule import plan
from schedplan.inputs import build_patient
from schedplan.load.protocols import load_protocol
from tests.conftest import PROTOCOLS
from tests.export.clients import FIXTURES
from tests.times.conftest import hhmm, site

CHOICES = {"cycles": "2", "dexamethasone_dose_mg": "20"}
ANCHOR = dt.date(2027, 5, 3)
PREMEDS = {"dexamethasone", "acetaminophen", "ranitidine", "diphenhydramine"}


def _plan(path, policy=None):
    loaded = load_protocol(path)
    patient = build_patient("62kg", "170cm", "F", protocol_formula=loaded.protocol.bsa_formula)
    return plan(loaded.protocol, patient, ANCHOR, CHOICES, policy=policy)


def test_the_seed_keeps_its_days_and_has_no_time_of_its_own():
    shipped = _plan(PROTOCOLS / "NCT02999633.yaml")
    frozen = _plan(FIXTURES / "NCT02999633.yaml")  # the copy from before issue 13
    assert [(e.key, e.date, e.dose) for e in shipped.events] == [(e.key, e.date, e.dose) for e in frozen.events]
    assert all(e.time is None and e.source_of_time is None for e in shipped.events)
    assert not any(w.code == "time-not-stated" for w in shipped.warnings)  # isatuximab itself has no time


def test_with_the_sites_usual_time_and_lead_the_premedications_come_before_each_isatuximab_dose():
    p = _plan(PROTOCOLS / "NCT02999633.yaml", site(drug="08:00", premedication_lead_minutes=30))
    isa = [e for e in p.events if e.name == "isatuximab"]
    assert {hhmm(e.time) for e in isa} == {"08:00"} and {e.source_of_time for e in isa} == {"site"}
    for e in isa:
        premeds = [x for x in p.events if x.date == e.date and x.event_id in PREMEDS]
        assert {x.event_id for x in premeds} == PREMEDS
        assert {hhmm(x.time) for x in premeds} == {"07:30"} and {x.source_of_time for x in premeds} == {"site"}


def test_with_the_sites_usual_time_but_no_lead_the_premedications_have_no_time_and_a_warning():
    p = _plan(PROTOCOLS / "NCT02999633.yaml", site(drug="08:00"))
    premeds = [e for e in p.events if e.event_id in PREMEDS]
    assert premeds and all(e.time is None for e in premeds)
    assert {w.event_id for w in p.warnings if w.code == "time-not-stated"} == PREMEDS
