"""Administrations count towards the plan's entry limit: a small file cannot ask for millions of them."""

from __future__ import annotations

import pytest

from schedplan.core.protocol import MAX_ENTRIES, Protocol, entry_bound
from schedplan.errors import ProtocolInvalid
from schedplan.load.protocols import load_protocol
from tests.times.conftest import TIMES


def test_administrations_count_as_entries():
    assert entry_bound(load_protocol(TIMES / "busulfan-q6h.yaml").protocol) == 16
    assert entry_bound(load_protocol(TIMES / "cytarabine-bid.yaml").protocol) == 4 * 2 + 1 * 2
    assert entry_bound(load_protocol(TIMES / "antibody-premeds.yaml").protocol) == 4 * 2


def test_times_on_many_days_past_the_limit_are_refused():
    ninety_six = [f"{h:02d}:{m:02d}" for h in range(24) for m in (0, 15, 30, 45)]
    data = {
        "id": "TEST-MANY",
        "title": "many",
        "version": "1",
        "source": {"registry": "none"},
        "anchor": {"type": "day0", "event": "transplant", "date_label": "Day 0"},
        "events": [
            {
                "id": "v",
                "kind": "visit",
                "name": "visit",
                "when": {"range": {"from": 0, "to": 200}},
                "times": ninety_six,
            }
        ],
    }
    with pytest.raises(ProtocolInvalid) as exc:
        Protocol.from_data(data)
    text = " ".join(p.message for p in exc.value.problems)
    assert f"{201 * 96:,} dated entries" in text and f"limit is {MAX_ENTRIES:,}" in text
