"""Protocol files: every problem reported at file:line:column; YAML read without guessing; no floats."""

from __future__ import annotations

import textwrap
from decimal import Decimal
from pathlib import Path

import pytest

from schedplan.errors import ProtocolInvalid
from schedplan.load.protocols import find_protocol, load_protocol, protocol_problems
from schedplan.load.yaml_source import parse_yaml

HEAD = """\
id: NCTTEST
title: Test protocol
version: "1"
source: {registry: NCTTEST}
anchor:
  type: day0
  event: transplant
  date_label: Transplant date (day 0)
"""


def write(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "p.yaml"
    path.write_text(HEAD + textwrap.dedent(body))
    return path


def rendered(path: Path) -> list[str]:
    _, problems, _ = protocol_problems(path)
    return [p.render() for p in problems]


def test_structural_problems_are_all_reported_with_their_line_and_column(tmp_path):
    path = write(
        tmp_path,
        """\
        events:
          - id: flu
            kind: drug
            name: fludarabine
            when: {days: [-14, -13]}
            dose: {amount: 40, unit: mg/m3, per: day}
          - id: cy
            kind: drug
            name: cyclophosphamide
            when: {day: -14}
            dose: {amount: 500, unit: mg/m2}
            colour: blue
          - id: x
            kind: pill
            name: x
            when: {day: 1}
            dose: {amount: forty, unit: mg}
        """,
    )
    lines = rendered(path)
    # HEAD is 8 lines, so `events:` is line 9 and the first event's `id` line 10.
    assert lines == [
        f"{path}:14:30: unknown dose unit 'mg/m3'; accepted: mg/m2, g/m2, mg/kg, mcg/kg, x10^6 cells/kg, mg, g, mcg, IU, x10^6 IU, Gy, AUC (at events.0.dose.unit)",
        f"{path}:20:5: unknown key 'colour' (at events.1.colour)",
        f"{path}:22:11: Input should be 'drug', 'cell_product', 'radiation', 'procedure', 'visit', 'sample' or 'note' (at events.2.kind)",
        f"{path}:25:20: 'forty' is not valid here: expected a number or a mapping (at events.2.dose.amount)",
    ]


def test_semantic_problems_point_at_the_offending_key(tmp_path):
    path = write(
        tmp_path,
        """\
        choices:
          - {key: donor, label: Donor, type: enum, values: [haplo, mrd]}
        events:
          - id: cy
            kind: drug
            name: cyclophosphamide
            when: {day: -400}
            dose: {amount: 500, unit: mg/m2}
          - id: aba
            kind: drug
            name: abatacept
            when: {day: 28}
            only_if: {donor: sibling}
            dose: {amount: 10, unit: mg/kg}
          - id: pre
            kind: drug
            name: dexamethasone
            when: {same_as: nothing}
            dose_note: per local policy
          - id: aba
            kind: drug
            name: nodose
            when: {day: 2}
        """,
    )
    lines = rendered(path)
    assert f"{path}:15:5: day -400 is impossible here: this protocol has days -365 to +3650 (at events.0.when)" in lines
    assert f"{path}:21:22: donor has no value 'sibling' (values: haplo | mrd) (at events.1.only_if.donor)" in lines
    assert f"{path}:26:21: same_as names no event 'nothing' (at events.2.when.same_as)" in lines
    assert f"{path}:28:9: event id 'aba' is used twice (at events.3.id)" in lines
    assert any("a drug needs a dose, or a dose_note" in line and ":28:" in line for line in lines)
    assert len(lines) == 5


def test_cycle_days_outside_the_cycle_are_impossible(tmp_path):
    path = tmp_path / "c.yaml"
    path.write_text(
        HEAD.replace("type: day0", "type: cycles\n  cycle_days: 28\n  cycles: 2")
        + "events:\n  - {id: a, kind: drug, name: a, when: {days: [1, 29]}, dose: {amount: 1, unit: mg}}\n"
    )
    (line,) = rendered(path)
    assert "day +29 is impossible here: this protocol has days 1 to 28 of a 28-day cycle" in line


def test_split_must_add_up_to_one_and_match_the_days(tmp_path):
    path = write(
        tmp_path,
        """\
        events:
          - id: nk
            kind: cell_product
            name: NK cells
            when: {days: [-12, 5]}
            dose: {amount: 10, unit: x10^6 cells/kg, per: course, split: [1/2, 1/3]}
        """,
    )
    (line,) = rendered(path)
    assert line.endswith("split fractions add up to 5/6, not 1 (at events.0.dose)")


def test_yaml_syntax_error_has_a_position(tmp_path):
    path = tmp_path / "s.yaml"
    path.write_text("id: [unclosed\n")
    (line,) = rendered(path)
    assert line.startswith(f"{path}:2:1: YAML syntax:")


def test_load_protocol_raises_with_every_problem(tmp_path):
    path = write(tmp_path, "events: []\nextra: 1\n")
    with pytest.raises(ProtocolInvalid) as exc:
        load_protocol(path)
    assert len(exc.value.problems) == 2
    assert "and 1 more problem" in str(exc.value)


def test_yaml_12_no_guessing_and_decimals_not_floats():
    doc = parse_yaml("a: no\nb: 2027-03-15\nc: 0.1\nd: on\ne: 1e6\n", "x.yaml")
    assert doc.data == {"a": "no", "b": "2027-03-15", "c": Decimal("0.1"), "d": "on", "e": Decimal("1e6")}
    assert type(doc.data["c"]) is Decimal
    assert doc.position(("c",)) == (3, 4)  # the value 0.1, after "c: "
    assert doc.position(("c", "deeper", 0)) == (3, 4)  # falls back to the nearest parent


def test_duplicate_keys_are_refused(tmp_path):
    path = tmp_path / "d.yaml"
    path.write_text(HEAD + "title: again\nevents: []\n")
    (line, *_) = rendered(path)
    assert "YAML syntax" in line and "duplicate" in line.lower()


def test_shipped_protocol_found_by_id_in_any_case_and_by_path():
    by_id = find_protocol("nct07256210")
    by_path = find_protocol(str(by_id.path))
    assert by_id.protocol == by_path.protocol and by_id.sha256 == by_path.sha256


def test_split_count_is_checked_when_the_days_come_from_a_choice_by_cycle_or_same_as(tmp_path):
    # regression: these passed `check`; planning then gave 2/3 of a course, or crashed with IndexError
    path = tmp_path / "split.yaml"
    path.write_text(
        HEAD.replace("type: day0", "type: cycles\n  cycle_days: 28\n  cycles: 2")
        + textwrap.dedent(
            """\
            choices:
              - {key: nk_day, label: Day, type: integer, min: 1, max: 10}
            events:
              - {id: a, kind: cell_product, name: a, when: {day: {choice: nk_day}}, dose: {amount: 1, unit: mg/kg, per: course, split: [2/3, 1/3]}}
              - {id: b, kind: cell_product, name: b, when: {by_cycle: {1: {days: [1, 2]}, 2+: {days: [1]}}}, dose: {amount: 1, unit: mg/kg, per: course, split: [2/3, 1/3]}}
              - {id: c, kind: drug, name: c, when: {same_as: b}, dose: {amount: 1, unit: mg/kg, per: course, split: [1/2, 1/2]}}
            """
        )
    )
    lines = rendered(path)
    assert len(lines) == 3
    assert "split has 2 fractions, but the event is given on 1 day(s)" in lines[0] and "events.0.dose.split" in lines[0]
    assert "given on 1 or 2 day(s)" in lines[1] and "events.1.dose.split" in lines[1]
    assert "given on 1 or 2 day(s)" in lines[2] and "events.2.dose.split" in lines[2]
