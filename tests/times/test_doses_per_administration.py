"""Each administration's dose, worked out by hand: a course or a day divided over its administrations."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from tests.times.conftest import WEIGHT, hhmm, times_plan

ANCHOR = dt.date(2027, 3, 28)


def test_busulfan_q6h_x16_divides_the_course_over_16_administrations_from_0600():
    p = times_plan("busulfan-q6h", ANCHOR)
    bu = [e for e in p.events if e.event_id == "busulfan"]
    assert len(bu) == 16
    # 12.8 mg/kg per course / 16 = 0.8 mg/kg an administration; x 62 kg = 49.6 mg
    each = Decimal("12.8") / 16 * WEIGHT
    assert each == Decimal("49.6")
    assert all(e.dose is not None and e.dose.value == each for e in bu)
    assert "12.8 mg/kg/course / 16 administrations = 0.8 mg/kg" in bu[0].dose.calculation
    # every 6 hours from 06:00 on day -7 (2027-03-21): 06, 12, 18, 00 ... the 16th at 00:00 on day -3
    first = dt.datetime(2027, 3, 21, 6, 0)
    expected = [first + dt.timedelta(hours=6 * k) for k in range(16)]
    assert [dt.datetime.combine(e.date, e.time) for e in bu] == expected
    assert [e.day for e in bu][:4] == [-7, -7, -7, -6] and bu[-1].day == -3
    assert [(e.administration, e.administrations) for e in bu] == [(k, 16) for k in range(1, 17)]
    assert {e.source_of_time for e in bu} == {"protocol"}
    total = next(t for t in p.totals if t.name == "busulfan")
    assert total.doses == 16 and total.total == Decimal("12.8") * WEIGHT
    assert len({e.key for e in bu}) == 16


def test_cytarabine_twice_a_day_halves_the_daily_dose_and_per_administration_is_as_written():
    p = times_plan("cytarabine-bid", ANCHOR)
    bsa = p.patient.bsa_m2
    # Mosteller by hand: sqrt(62 x 170 / 3600) = 1.7111 -> 1.711 m2 as reported
    assert abs((WEIGHT * 170 / 3600).sqrt() - bsa) < Decimal("0.0005")
    daily = [e for e in p.events if e.event_id == "cytarabine"]
    assert len(daily) == 8  # 4 days x 2
    assert [hhmm(e.time) for e in daily] == ["08:00", "20:00"] * 4
    for e in daily:
        assert e.dose.value == Decimal(200) * bsa  # 400 mg/m2/day / 2
        assert "400 mg/m2/day / 2 administrations = 200 mg/m2" in e.dose.calculation
        assert e.dose.per_administration == "200 mg/m2"
    each = [e for e in p.events if e.event_id == "cytarabine-each"]
    assert [hhmm(e.time) for e in each] == ["08:00", "20:00"]
    for e in each:
        assert e.dose.value == Decimal(200) * bsa
        assert "administrations" not in e.dose.calculation


def test_mesna_at_0_4_8_hours_after_each_cyclophosphamide_start():
    p = times_plan("cy-mesna", ANCHOR)
    for day in (-3, -2):
        mesna = [e for e in p.events if e.name == "mesna" and e.day == day]
        assert [hhmm(e.time) for e in mesna] == ["08:00", "12:00", "16:00"]
        assert all(e.dose.value == Decimal(12) * WEIGHT for e in mesna)  # 744 mg
        cy = next(e for e in p.events if e.name == "cyclophosphamide" and e.day == day)
        assert hhmm(cy.time) == "08:00" and cy.dose.value == Decimal(60) * WEIGHT


def test_premedications_30_minutes_before_each_antibody_dose():
    p = times_plan("antibody-premeds", ANCHOR)
    for day in (1, 8):
        on = {e.event_id: e for e in p.events if e.day == day}
        assert hhmm(on["antibody"].time) == "10:00"
        assert hhmm(on["paracetamol"].time) == hhmm(on["antihistamine"].time) == "09:30"
        assert on["paracetamol"].source_of_time == "protocol"
        # the lead time of the steroid is not stated: no time is invented
        assert on["steroid"].time is None and on["steroid"].source_of_time is None
    assert any(w.code == "time-not-stated" and w.event_id == "steroid" for w in p.warnings)
    day1 = [e.event_id for e in p.events if e.day == 1]
    assert day1.index("paracetamol") < day1.index("antibody")


def test_three_infusions_in_sequence_each_start_when_the_one_before_ends():
    p = times_plan("three-in-sequence", ANCHOR)
    by = {e.event_id: e for e in p.events}
    # 08:00 + 30 min = 08:30; + 90 min = 10:00
    assert [hhmm(by[k].time) for k in ("fludarabine", "hydration", "thiotepa")] == ["08:00", "08:30", "10:00"]
    assert by["visit"].time is None  # no time in the protocol, no site policy: all-day
    assert by["thiotepa"].dose.value == Decimal(5) * WEIGHT


def test_an_event_with_one_administration_keeps_its_key_and_several_get_one_each():
    """UIDs come from keys: an untimed or single administration keeps `event/n` (its calendar item stays the same)."""
    seq = times_plan("three-in-sequence", ANCHOR)
    assert {e.key for e in seq.events} == {"fludarabine/1", "hydration/1", "thiotepa/1", "visit/1"}
    assert all(e.administration is None and e.administrations is None for e in seq.events)
    cyt = times_plan("cytarabine-bid", ANCHOR)
    assert [e.key for e in cyt.events][:2] == ["cytarabine/1/a1", "cytarabine/1/a2"]


def test_a_premedication_tied_to_a_series_comes_before_each_of_its_administrations():
    p = times_plan("busulfan-premed", ANCHOR)
    pre = [e for e in p.events if e.event_id == "antiemetic"]
    bu = [e for e in p.events if e.event_id == "busulfan"]
    assert len(pre) == 16
    for a, b in zip(pre, bu, strict=True):
        assert dt.datetime.combine(a.date, a.time) == dt.datetime.combine(b.date, b.time) - dt.timedelta(minutes=30)
        assert a.dose.value == Decimal(8)  # per dose: each as written
        assert p.events.index(a) < p.events.index(b)
