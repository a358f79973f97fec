"""`replan` reports a change of time of day (a protocol's time, the site policy's usual time), one line each."""

from __future__ import annotations

import datetime as dt

from schedplan.core.changes import diff, snapshot
from schedplan.core.schedule import plan
from schedplan.inputs import build_patient
from schedplan.load.protocols import load_protocol
from schedplan.words import change_lines
from tests.times.conftest import TIMES, site, times_plan

ANCHOR = dt.date(2027, 5, 10)  # day -7 = 2027-05-03, day -6 = 2027-05-04


def _changes(old, new):
    return diff(snapshot(old), snapshot(new), old_anchor=old.anchor_date, new_anchor=new.anchor_date)


def test_a_site_default_time_changed_is_a_time_change_marked_as_the_sites():
    old = times_plan("three-in-sequence", ANCHOR, site(visit="11:00"))
    new = times_plan("three-in-sequence", ANCHOR, site(visit="12:00"))
    changes = _changes(old, new)
    assert not changes.empty and not changes.moved and not changes.doses
    assert change_lines(changes) == [
        "Times changed (1):",
        "  Day -6     clinic visit 2027-05-04: 11:00 (site time) -> 12:00 (site time)",
    ]


def test_a_site_time_given_where_there_was_none_is_all_day_to_the_time():
    old = times_plan("three-in-sequence", ANCHOR)
    new = times_plan("three-in-sequence", ANCHOR, site(visit="11:00"))
    want = "  Day -6     clinic visit 2027-05-04: all day -> 11:00 (site time)"
    assert change_lines(_changes(old, new))[1:] == [want]


def test_a_protocol_time_changed_names_each_administration_n_of_m(tmp_path):
    text = (TIMES / "busulfan-q6h.yaml").read_text()
    later = tmp_path / "busulfan-q6h.yaml"
    later.write_text(text.replace('first: "06:00"', 'first: "07:00"'))
    old = times_plan("busulfan-q6h", ANCHOR)
    loaded = load_protocol(later)
    new = plan(loaded.protocol, build_patient("62kg", "170cm", "F"), ANCHOR, {})
    lines = change_lines(_changes(old, new))
    # every administration an hour later; none changes its day. 06:00 + 15 x 6 h = 00:00 on day -3 for 16 of 16
    assert lines[0] == "Times changed (16):"
    assert lines[1] == "  Day -7     busulfan (1 of 16) 2027-05-03: 06:00 -> 07:00"
    assert lines[4] == "  Day -6     busulfan (4 of 16) 2027-05-04: 00:00 -> 01:00"
    assert lines[16] == "  Day -3     busulfan (16 of 16) 2027-05-07: 00:00 -> 01:00"
    assert len(lines) == 17


def test_the_same_times_are_no_change():
    a = times_plan("cytarabine-bid", ANCHOR)
    b = times_plan("cytarabine-bid", ANCHOR)
    changes = _changes(a, b)
    assert changes.empty and change_lines(changes) == ["No changes."]


SITE_YAML = 'name: test site\nversion: "1"\ndefault_times: {{visit: "{visit}"}}\n'


def test_replan_of_a_saved_plan_prints_the_time_change_after_the_site_policy_changed(cli, tmp_path):
    policy = tmp_path / "site.yaml"
    policy.write_text(SITE_YAML.format(visit="11:00"))
    saved = tmp_path / "plan.json"
    r = cli(
        "plan",
        str(TIMES / "three-in-sequence.yaml"),
        "--weight",
        "62kg",
        "--height",
        "170cm",
        "--anchor-date",
        "2027-05-10",
        "--site",
        str(policy),
        "--save",
        str(saved),
    )
    assert r.code == 0, r.err
    policy.write_text(SITE_YAML.format(visit="09:30"))
    r = cli("replan", str(saved))
    assert r.code == 0, r.err
    assert "  Day -6     clinic visit 2027-05-04: 11:00 (site time) -> 09:30 (site time)" in r.out.splitlines()


def test_the_terminal_uis_one_line_summary_counts_the_times_changed():
    from schedplan.tui.changes import summary

    old = times_plan("three-in-sequence", ANCHOR, site(visit="11:00"))
    new = times_plan("three-in-sequence", ANCHOR, site(visit="12:00"))
    assert summary(_changes(old, new)) == "1 time of day changed"
