"""No output onto its own input, and no new plan saved over an existing one unless --replace (issue 9, item 2)."""

from __future__ import annotations

import json

ARGS = [
    "plan",
    "NCT07256210",
    "--weight",
    "70kg",
    "--height",
    "175cm",
    "--sex",
    "M",
    "--anchor-date",
    "2027-03-15",
    "--set",
    "donor=haploidentical",
    "--set",
    "conditioning=tbi",
    "--set",
    "nk_dose_level=1",
]


def _saved(cli, tmp_path, *extra):
    path = tmp_path / "p.json"
    r = cli(*ARGS, "--save", str(path), *extra)
    assert r.code == 0, r.err
    return path


def test_export_onto_its_own_plan_file_is_refused_and_the_plan_kept(cli, tmp_path):
    path = _saved(cli, tmp_path)
    before = path.read_bytes()
    r = cli("export", str(path), "--ics", str(path))
    assert r.code == 2 and "both the plan file and the calendar" in r.err and r.err.count("\n") == 1
    assert path.read_bytes() == before


def test_export_onto_a_link_to_its_plan_file_is_refused(cli, tmp_path):
    path = _saved(cli, tmp_path)
    before = path.read_bytes()
    link = tmp_path / "cal.ics"
    link.symlink_to(path)
    r = cli("export", str(path), "--ics", str(link))
    assert r.code == 2 and "both the plan file and the calendar" in r.err
    assert path.read_bytes() == before


def test_plan_save_and_output_to_the_same_file_is_refused_before_anything_runs(cli, tmp_path):
    path = tmp_path / "p.json"
    for fmt in ("ics", "json"):
        r = cli(*ARGS, "--save", str(path), "--format", fmt, "--output", str(path))
        assert r.code == 2 and "one file cannot be both" in r.err, r.err
        assert not path.exists() and r.out == ""


def test_plan_save_over_an_existing_plan_is_refused_without_replace(cli, tmp_path):
    path = _saved(cli, tmp_path)
    before = path.read_bytes()
    r = cli(*ARGS, "--save", str(path))
    assert r.code == 2 and "already exists" in r.err and "--replace" in r.err
    assert path.read_bytes() == before and r.out == ""


def test_plan_save_with_replace_says_what_it_discards(cli, tmp_path):
    path = _saved(cli, tmp_path, "--format", "ics", "--output", str(tmp_path / "a.ics"))
    old = json.loads(path.read_text())
    r = cli(*ARGS, "--save", str(path), "--replace")
    assert r.code == 0, r.err
    assert "discards no recorded double check" in r.err and old["plan_id"] in r.err
    assert f"the {len(old['items'])} calendar items it exported" in r.err
    assert json.loads(path.read_text())["plan_id"] != old["plan_id"]


def test_plan_save_with_replace_names_the_amendments_it_discards(cli, tmp_path):
    # a plan file's recorded amendments (holds, delays, doses given) are lost with --replace: said, as its checks
    islay = ["plan", "NCT02999633", "--weight", "60kg", "--height", "170cm", "--anchor-date", "2027-03-15"]
    path = tmp_path / "islay.json"
    assert cli(*islay, "--save", str(path)).code == 0
    held = ["--drug", "isatuximab", "--cycle", "1", "--day", "8", "--reason", "fever", "--by", "RN Smith"]
    assert cli("amend", str(path), "hold", *held).code == 0
    r = cli(*islay, "--save", str(path), "--replace")
    assert r.code == 0, r.err
    assert "discards no recorded double check, its 1 recorded amendment and its plan id" in r.err
