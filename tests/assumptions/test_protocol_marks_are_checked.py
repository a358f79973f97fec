"""The new protocol keys are checked like the rest: an assumed value needs a reason and a field the event has, a
limit needs a source and a unit comparable with the dose, a frequency needs a dose."""

from __future__ import annotations

import pytest

from schedplan.core.protocol import Protocol
from schedplan.errors import ProtocolInvalid


def _protocol(**event):
    return {
        "id": "NCT00000000",
        "title": "t",
        "version": "1",
        "source": {"registry": "NCT00000000"},
        "anchor": {"type": "day0", "event": "transplant", "date_label": "Day 0"},
        "events": [
            {
                "id": "tocilizumab",
                "kind": "drug",
                "name": "tocilizumab",
                "when": {"day": -1},
                "dose": {"amount": 8, "unit": "mg/kg"},
                **event,
            }
        ],
    }


def test_a_well_formed_mark_is_accepted():
    p = Protocol.from_data(
        _protocol(
            route="IV",
            assumed={"route": "the record gives none"},
            frequency="not_stated",
            limits=[{"max": 800, "unit": "mg", "source": "label"}, {"max": 12, "unit": "mg/kg", "source": "label"}],
        )
    )
    assert p.events[0].limits[0].max == 800


@pytest.mark.parametrize(
    "event, says",
    [
        ({"assumed": {"route": "why"}}, "states no route"),  # no route to assume
        ({"route": "IV", "assumed": {"route": "  "}}, "say why"),
        ({"assumed": {"colour": "why"}}, "colour"),
        ({"limits": [{"max": 800, "unit": "mg"}]}, "source"),
        ({"limits": [{"unit": "mg", "source": "s"}]}, "max, min or both"),
        ({"limits": [{"max": 10, "unit": "x10^6 cells/kg", "source": "s"}]}, "cannot be compared"),
        ({"limits": [{"min": 900, "max": 800, "unit": "mg", "source": "s"}]}, "more than its max"),
        ({"frequency": "q6h"}, "frequency"),
    ],
)
def test_a_bad_mark_is_a_protocol_problem(event, says):
    with pytest.raises(ProtocolInvalid) as exc:
        Protocol.from_data(_protocol(**event))
    assert says in str(exc.value)


def test_assumed_cycle_length_belongs_to_a_cycle_protocol():
    data = _protocol()
    data["anchor"]["assumed"] = {"cycle_days": "why"}
    with pytest.raises(ProtocolInvalid, match="only to a cycles anchor"):
        Protocol.from_data(data)
