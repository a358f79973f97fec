"""A plan saved before times of day existed is still the same schedule: export and verify do not ask for a replan."""

from __future__ import annotations

import json

from tests.export.test_saved_plans import _plan

NEW_KEYS = ("time", "administration", "source_of_time")


def test_a_plan_saved_without_the_time_keys_still_matches_its_protocol(cli, tmp_path):
    path = _plan(cli, tmp_path)
    data = json.loads(path.read_text())
    for e in data["schedule"]["events"]:
        for key in NEW_KEYS:
            assert e.pop(key) is None  # an untimed protocol: every one of them null
    path.write_text(json.dumps(data, indent=2))
    r = cli("export", str(path), "--ics", str(tmp_path / "x.ics"), "--tz", "UTC")
    assert r.code == 0, r.err
    assert "no longer matches" not in r.err


def test_a_saved_plan_whose_times_changed_no_longer_matches(cli, tmp_path):
    path = _plan(cli, tmp_path)
    data = json.loads(path.read_text())
    data["schedule"]["events"][0]["time"] = "08:00"
    path.write_text(json.dumps(data, indent=2))
    r = cli("export", str(path), "--ics", str(tmp_path / "x.ics"), "--tz", "UTC")
    assert r.code == 2 and "no longer matches" in r.err
