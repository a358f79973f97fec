"""Plans from the time-of-day fixture protocols (tests/fixtures/times, not shipped clinical protocols)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

from schedplan.core.policy import SitePolicy
from schedplan.core.schedule import Plan, plan
from schedplan.inputs import build_patient
from schedplan.load.protocols import load_protocol

TIMES = Path(__file__).resolve().parents[1] / "fixtures" / "times"
PLAN_ID = "0b7c2f0e-6a51-4f4e-9a7e-3c2d1e0f9a88"
DTSTAMP = dt.datetime(2027, 1, 4, 9, 30, tzinfo=dt.UTC)
WEIGHT = Decimal(62)  # the patient of every test here: 62 kg, 170 cm, F


def site(**default_times: Any) -> SitePolicy:
    """A site policy with only ``default_times`` (no dose rule)."""
    return SitePolicy.model_validate({"name": "test", "version": "1", "default_times": default_times})


def times_plan(name: str, anchor: dt.date = dt.date(2027, 3, 28), policy: SitePolicy | None = None) -> Plan:
    loaded = load_protocol(TIMES / f"{name}.yaml")
    patient = build_patient("62kg", "170cm", "F", protocol_formula=loaded.protocol.bsa_formula)
    return plan(loaded.protocol, patient, anchor, {}, policy=policy)


def hhmm(t: dt.time | None) -> str | None:
    return None if t is None else f"{t:%H:%M}"
