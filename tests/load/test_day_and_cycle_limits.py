"""Day ranges (day -365..+3650), cycle counts (MAX_CYCLES) and numbers are bounded in the protocol model,
so `check` refuses what `plan` could not do - also for data that never went through the YAML reader."""

from __future__ import annotations

import textwrap
from decimal import Decimal

import pytest

from schedplan.core.protocol import DAY0_MAX, DAY0_MIN, MAX_CYCLES, MAX_ENTRIES, Protocol
from schedplan.errors import ProtocolInvalid
from schedplan.load.protocols import protocol_problems

DAY0 = {"type": "day0", "event": "transplant", "date_label": "Day 0"}
CYCLES = {"type": "cycles", "event": "cycle", "date_label": "Cycle 1 day 1", "cycle_days": 28}


def protocol(anchor=None, when=None, dose=None, choices=()):
    event = {"id": "e", "kind": "drug", "name": "x", "when": when or {"day": 1}}
    event.update({"dose": dose} if dose else {"dose_note": "not stated"})
    return {
        "id": "NCTX",
        "title": "t",
        "version": "1",
        "source": {"registry": "x"},
        "anchor": anchor or DAY0,
        "choices": list(choices),
        "events": [event],
    }


def messages(data) -> str:
    with pytest.raises(ProtocolInvalid) as info:
        Protocol.from_data(data)
    return " | ".join(p.message for p in info.value.problems)


def test_a_range_is_within_the_documented_days():
    assert Protocol.from_data(protocol(when={"range": {"from": DAY0_MIN, "to": DAY0_MAX}}))
    assert str(DAY0_MAX) in messages(protocol(when={"range": {"from": -3, "to": 1_000_000_000}}))
    assert str(DAY0_MIN) in messages(protocol(when={"range": {"from": -1_000_000_000, "to": 0}}))


def test_a_weekly_first_day_is_within_the_documented_days():
    assert messages(protocol(when={"weekly": {"first_day": 10**12, "offsets": [0], "weeks": 1}}))


def test_cycles_are_at_most_the_documented_maximum():
    assert Protocol.from_data(protocol(anchor={**CYCLES, "cycles": MAX_CYCLES}))
    assert str(MAX_CYCLES) in messages(protocol(anchor={**CYCLES, "cycles": 1_000_000_000}))


def test_a_cycle_count_chosen_by_the_user_is_bounded_too():
    integer = {"key": "n", "label": "cycles", "type": "integer", "min": 1, "max": 1_000_000}
    assert str(MAX_CYCLES) in messages(protocol(anchor={**CYCLES, "cycles": {"choice": "n"}}, choices=[integer]))
    no_max = {"key": "n", "label": "cycles", "type": "integer", "min": 1}
    assert "max" in messages(protocol(anchor={**CYCLES, "cycles": {"choice": "n"}}, choices=[no_max]))
    enum = {"key": "n", "label": "cycles", "type": "enum", "values": [1, 1000]}
    assert str(MAX_CYCLES) in messages(protocol(anchor={**CYCLES, "cycles": {"choice": "n"}}, choices=[enum]))
    ok = {"key": "n", "label": "cycles", "type": "integer", "min": 1, "max": MAX_CYCLES}
    assert Protocol.from_data(protocol(anchor={**CYCLES, "cycles": {"choice": "n"}}, choices=[ok]))


def test_a_by_cycle_key_past_the_maximum_is_refused():
    when = {"by_cycle": {"1": {"day": 1}, "9" * 5000: {"day": 2}}}
    assert "cycle" in messages(protocol(anchor={**CYCLES, "cycles": 2}, when=when))


def test_split_fractions_are_bounded_before_they_are_converted():
    dose = {"amount": 10, "unit": "mg", "per": "course", "split": ["1e-99999999", "1"]}
    assert "fraction" in messages(protocol(when={"days": [1, 2]}, dose=dose))
    dose = {"amount": 10, "unit": "mg", "per": "course", "split": [Decimal("1e-99999999"), Decimal("1")]}
    assert "fraction" in messages(protocol(when={"days": [1, 2]}, dose=dose))
    dose = {"amount": 10, "unit": "mg", "per": "course", "split": ["2/3", "1/3"]}
    assert Protocol.from_data(protocol(when={"days": [1, 2]}, dose=dose))


def test_an_amount_past_the_number_limit_is_refused():
    assert "amount" in messages(protocol(dose={"amount": Decimal("1e400"), "unit": "mg"}))
    assert "amount" in messages(
        protocol(
            dose={"amount": {"by": "c", "values": {"a": Decimal("1e400")}}, "unit": "mg"},
            choices=[{"key": "c", "label": "c", "type": "enum", "values": ["a"]}],
        )
    )


@pytest.mark.parametrize("name", ["range-to-1e9.yaml", "anchor-cycles-1e9.yaml"])
def test_check_refuses_what_plan_cannot_do(name, tmp_path):
    from tests.load.test_bad_files import BAD

    _, problems, _ = protocol_problems(BAD / name)
    assert problems and all(p.line is not None for p in problems)


def test_the_limits_are_documented():
    from tests.conftest import ROOT

    doc = (ROOT / "docs" / "protocol-format.md").read_text()
    section = doc[doc.index("## Limits") :]
    for number in (str(DAY0_MIN), f"+{DAY0_MAX}", str(MAX_CYCLES), f"{MAX_ENTRIES:,}"):
        assert number in section, number
    assert textwrap.dedent(section)


def test_a_small_file_cannot_ask_for_millions_of_entries(guarded_cli):
    # 20 events x 4,016 days (-365..+3650) = 80,320 dated entries from a 2 KB file: 6.7 s and 413 MB before
    from tests.load.test_bad_files import BAD

    _, problems, _ = protocol_problems(BAD / "many-entries.yaml")
    assert len(problems) == 1 and "80,320" in problems[0].message and f"{MAX_ENTRIES:,}" in problems[0].message


def test_the_entry_bound_counts_cycles_and_chosen_cycle_counts():
    daily = {"range": {"from": 1, "to": 28}}
    assert Protocol.from_data(protocol(anchor={**CYCLES, "cycles": MAX_CYCLES}, when=daily))  # 2,800 entries
    many = protocol(anchor={**CYCLES, "cycles": MAX_CYCLES}, when=daily)
    many["events"] = [{**many["events"][0], "id": f"e{i}"} for i in range(4)]  # 4 x 28 x 100 = 11,200
    assert "11,200" in messages(many)
    chosen = protocol(
        anchor={**CYCLES, "cycles": {"choice": "n"}},
        when=daily,
        choices=[{"key": "n", "label": "cycles", "type": "enum", "values": [2, 100]}],
    )
    chosen["events"] = [{**chosen["events"][0], "id": f"e{i}"} for i in range(4)]  # the largest choice counts
    assert "11,200" in messages(chosen)


def test_the_shipped_protocols_are_well_within_the_entry_bound():
    from schedplan.core.protocol import entry_bound
    from schedplan.load.protocols import shipped_protocols

    bounds = {lp.protocol.id: entry_bound(lp.protocol) for lp in shipped_protocols()}
    assert all(0 < b <= MAX_ENTRIES // 4 for b in bounds.values()), bounds
