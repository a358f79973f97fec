"""Issue 10, item 1: every value of a shipped protocol that is the author's reading, not the record's, is marked.

The list below was made by re-reading the five records in shared/seeds/ against the protocols, field by field.
A value added to a protocol without its mark, or a mark dropped, fails here.
"""

from __future__ import annotations

import json

import pytest

from schedplan.export.ics import description
from schedplan.export.json_out import plan_dict
from schedplan.export.text import render
from schedplan.load.protocols import find_protocol, shipped_protocols

# (protocol, event id or "anchor" / "protocol", field): what the record does not state and the protocol shows
ASSUMED = {
    ("NCT07256210", "protocol", "bsa_formula"),  # no BSA formula in the record
    ("NCT07256210", "nk-cells", "route"),  # "NK-cell infusions": no route
    ("NCT07256210", "tocilizumab", "route"),  # "tocilizumab 8 mg/kg on day -1": no route
    ("NCT07256210", "end-of-follow-up", "days"),  # "during 2 years after HSCT" read as day +730
    ("NCT06885476", "protocol", "bsa_formula"),
    ("NCT06885476", "fludarabine", "dose"),  # "25 mg/mq/" read as 25 mg/m2 a day
    ("NCT06885476", "il-2", "days"),  # "3 times weekly for 2 weeks" read as +1, +3, +5, +8, +10, +12
    ("NCT06885476", "follow-up-12-months", "days"),  # "at least 12 months" read as day +365
    ("NCT03875495", "protocol", "bsa_formula"),
    ("NCT02999633", "dexamethasone", "days"),  # premedications: no timing in the record
    ("NCT02999633", "acetaminophen", "days"),
    ("NCT02999633", "ranitidine", "days"),
    ("NCT02999633", "diphenhydramine", "days"),
    ("NCT05184816", "anchor", "cycle_days"),  # no cycle length; 28 days read from the DLT window
    ("NCT05184816", "deferoxamine", "days"),  # "twice per week" etc.: no days
}

# daily totals whose frequency the record does not state
FREQUENCY_NOT_STATED = {("NCT07256210", "busulfan"), ("NCT07256210", "tbi")}


def _marks():
    found = set()
    freq = set()
    for lp in shipped_protocols():
        p = lp.protocol
        found |= {(p.id, "protocol", k.value) for k in p.assumed}
        found |= {(p.id, "anchor", k.value) for k in p.anchor.assumed}
        for e in p.events:
            found |= {(p.id, e.id, k.value) for k in e.assumed}
            if e.frequency is not None:
                freq.add((p.id, e.id))
    return found, freq


def test_every_assumed_value_in_the_shipped_protocols_is_marked_and_listed():
    found, _ = _marks()
    assert found == ASSUMED


def test_frequency_not_stated_is_marked_for_oral_busulfan_and_tbi():
    _, freq = _marks()
    assert freq == FREQUENCY_NOT_STATED


def test_tocilizumab_route_is_no_longer_only_a_free_text_note():
    toc = find_protocol("NCT07256210").protocol.event("tocilizumab")
    assert toc.route_text() == "IV" and "record gives no route" in toc.assumed[next(iter(toc.assumed))]


@pytest.mark.parametrize("event_id, field", [("il-2", "days"), ("fludarabine", "dose")])
def test_il2_days_and_flu_dose_reading_carry_a_warning_and_a_json_marker(make_plan, event_id, field):
    p = make_plan("NCT06885476")
    warned = [w for w in p.warnings if w.code == "assumed" and w.event_id == event_id]
    assert len(warned) == 1 and f"the {field} shown" in warned[0].message
    doc = json.loads(json.dumps(plan_dict(p), default=str))
    for e in (e for e in doc["events"] if e["event_id"] == event_id):
        assert field in e["assumed"] and e["assumed"][field]


def test_il2_days_are_marked_in_the_table_and_the_calendar(make_plan):
    p = make_plan("NCT06885476")
    text = render(p)
    il2_lines = [line for line in text.splitlines() if line.strip().startswith("interleukin-2  10 x 10^6 units")]
    assert len(il2_lines) == 6 and all("[ASSUMED: days]" in line for line in il2_lines)
    il2 = next(e for e in p.events if e.event_id == "il-2")
    want = "ASSUMED days (the protocol's reading, not the record's): the record says '3 times weekly"
    assert want in description(il2, p)
    # a patient's calendar (no doses) still says the day is a reading
    assert "ASSUMED days" in description(il2, p, audience="patient")


def test_deferoxamine_cycle_length_is_marked_on_every_dose_and_warned(make_plan):
    p = make_plan("NCT05184816", cohort="1", cycles="3")
    assert all(set(e.assumed) == {"days", "cycle_days"} for e in p.events)
    assert any(
        w.code == "assumed" and w.message.startswith("the cycle length (28 days) is the protocol's reading")
        for w in p.warnings
    )


def test_bsa_formula_marked_only_when_the_protocol_formula_is_used(make_plan):
    p = make_plan("NCT06885476")
    assert "bsa_formula" in next(e for e in p.events if e.event_id == "fludarabine").assumed
    assert "bsa_formula" not in next(e for e in p.events if e.event_id == "il-2").assumed  # flat dose
    measured = make_plan("NCT06885476", bsa="1.85")  # 1.845 by Mosteller: within 10 %
    assert not any("bsa_formula" in e.assumed for e in measured.events)
    assert not any(w.code == "assumed" and "BSA formula" in w.message for w in measured.warnings)


def test_tem_mm_has_no_default_day_anymore():
    p = find_protocol("NCT03875495").protocol
    assert p.choice("melphalan_day").default is None and p.choice("temferon_day").default is None
    assert p.choice("melphalan_day").required and p.choice("temferon_day").required
