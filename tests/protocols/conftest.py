"""Fixtures for the seed-protocol tests: plan a shipped protocol for a worked patient."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from schedplan.core.patient import Patient, Sex
from schedplan.core.schedule import Plan, plan
from schedplan.load.protocols import find_protocol


@pytest.fixture
def make_plan():
    def _make(
        protocol_id: str,
        *,
        weight: str = "70",
        height: str = "175",
        sex: Sex | None = Sex.MALE,
        anchor: dt.date = dt.date(2027, 3, 15),
        bsa: str | None = None,
        overrides: dict[str, str] | None = None,
        **choices: str,
    ) -> Plan:
        loaded = find_protocol(protocol_id)
        patient = Patient(
            weight_kg=Decimal(weight), height_cm=Decimal(height), sex=sex, measured_bsa_m2=Decimal(bsa) if bsa else None
        )
        return plan(loaded.protocol, patient, anchor, choices, sha256=loaded.sha256, overrides=overrides)

    return _make


def rows(p: Plan) -> list[tuple[str, str, str, Decimal | None, str | None]]:
    """(date, label, name, value, unit) of each event, in plan order."""
    return [
        (e.date.isoformat(), e.label, e.name, e.dose.value if e.dose else None, e.dose.unit if e.dose else None)
        for e in p.events
    ]
