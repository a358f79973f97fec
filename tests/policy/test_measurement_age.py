"""Issue 10 item 7: a measurement's age counts from today and from the first dose it serves; the older counts.

NCT07256210 (tbi arm): the first dose scaled by weight or BSA is fludarabine on day -6 (checked below).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

from schedplan.core.patient import Patient, Sex
from schedplan.core.policy import SitePolicy
from schedplan.core.safety import measurement_age_warnings
from schedplan.core.schedule import plan
from schedplan.load.protocols import find_protocol

POLICY = SitePolicy(name="age", version="1", measurement_max_age_days=30)
TODAY = dt.date(2027, 3, 1)


def age_warnings(measured_on: dt.date, anchor: dt.date, today: dt.date | None = TODAY) -> list[str]:
    pat = Patient(weight_kg=D(70), height_cm=D(175), sex=Sex.MALE, measured_on=measured_on)
    choices = {"donor": "haploidentical", "conditioning": "tbi", "nk_dose_level": "1"}
    p = plan(find_protocol("NCT07256210").protocol, pat, anchor, choices, policy=POLICY, today=today)
    return [w.message for w in p.warnings if w.code.startswith("measurement")]


def first_weight_dose(anchor: dt.date) -> dt.date:
    pat = Patient(weight_kg=D(70), height_cm=D(175), sex=Sex.MALE)
    choices = {"donor": "haploidentical", "conditioning": "tbi", "nk_dose_level": "1"}
    p = plan(find_protocol("NCT07256210").protocol, pat, anchor, choices)
    return min(e.date for e in p.events if e.dose is not None and e.dose.basis != "flat dose")


def test_a_weight_taken_today_for_conditioning_101_days_away_is_too_old_when_used():
    first = TODAY + dt.timedelta(days=101)
    anchor = first + (first - first_weight_dose(first))  # day 0 such that the first dose is 101 days away
    assert first_weight_dose(anchor) == first
    (msg,) = age_warnings(TODAY, anchor)
    assert "measured 0 days ago" in msg and f"101 days old on the first dose they serve ({first.isoformat()})" in msg


def test_measured_today_for_a_first_dose_30_days_away_is_within_30_days():
    first = TODAY + dt.timedelta(days=30)
    anchor = first + (first - first_weight_dose(first))
    assert age_warnings(TODAY, anchor) == []
    anchor += dt.timedelta(days=1)  # 31 days away
    assert len(age_warnings(TODAY, anchor)) == 1


def test_a_measurement_too_old_today_is_warned_even_after_the_first_dose():
    # replanning mid-course: first dose was in the past, the measurement is 45 days old today
    (msg,) = age_warnings(TODAY - dt.timedelta(days=45), TODAY - dt.timedelta(days=3))
    assert "measured 45 days ago" in msg and "first dose" not in msg


def test_first_dose_counts_without_a_today():
    first = dt.date(2027, 6, 1)
    w = measurement_age_warnings(
        Patient(weight_kg=D(70), height_cm=D(175), measured_on=dt.date(2027, 4, 1)), POLICY, first, None
    )
    assert len(w) == 1 and "61 days old on the first dose they serve (2027-06-01)" in w[0].message
