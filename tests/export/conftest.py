"""Fixtures for the export tests: frozen copies of two seed protocols, plans from them, a fixed DTSTAMP."""

from __future__ import annotations

import datetime as dt

import pytest

from schedplan.core.schedule import Plan, plan
from schedplan.inputs import build_patient
from schedplan.load.protocols import load_protocol
from tests.export.clients import FIXTURES

DTSTAMP = dt.datetime(2027, 1, 4, 9, 30, tzinfo=dt.UTC)
PLAN_ID = "6f1d7c4e-2b9a-4c1e-9d3f-5a8b7e6c4d21"  # a fixed plan id, so UIDs (and golden files) are stable

# The two seeds the golden files are made from, with the choices each needs.
SEEDS = {
    "NCT07256210": {"donor": "haploidentical", "conditioning": "treosulfan", "nk_dose_level": "1"},
    "NCT02999633": {"cycles": "2", "dexamethasone_dose_mg": "20"},
}


def seed_plan(
    protocol_id: str,
    *,
    anchor: dt.date = dt.date(2027, 3, 15),
    weight: str = "70kg",
    height: str = "175cm",
    sex: str | None = "M",
    **choices: str,
) -> Plan:
    """A plan from the frozen copy of a seed protocol in tests/export/fixtures (not the shipped file,
    which may change under the golden files)."""
    loaded = load_protocol(FIXTURES / f"{protocol_id}.yaml")
    patient = build_patient(weight, height, sex, protocol_formula=loaded.protocol.bsa_formula)
    return plan(loaded.protocol, patient, anchor, {**SEEDS[protocol_id], **choices}, sha256=loaded.sha256)


@pytest.fixture
def make_seed_plan():
    return seed_plan
