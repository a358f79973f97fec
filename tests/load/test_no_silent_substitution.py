"""A protocol or policy named without a '/' or a .yaml suffix is the shipped one only; `--site none` turns the
config folder's policy off; the policy in force can always be named with its path."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from schedplan.errors import InputError, UnknownProtocolError
from schedplan.load.policy import config_policy_path, find_policy, policy_note, shipped_policies_dir
from schedplan.load.protocols import find_protocol, shipped_dir

ROOT = Path(__file__).resolve().parents[2]
NK = "NCT07256210"
NK_PLAN = [
    "plan",
    NK,
    "--weight",
    "70kg",
    "--height",
    "175cm",
    "--anchor-date",
    "2027-03-15",
    "--set",
    "donor=haploidentical",
    "--set",
    "conditioning=treosulfan",
    "--set",
    "nk_dose_level=1",
    "--format",
    "json",
]


def local_copy(src: Path, dest: Path, title: str) -> None:
    dest.write_text(src.read_text().replace("title:", f"title: {title} #", 1))


def test_a_local_file_named_like_a_shipped_protocol_does_not_replace_it(tmp_path, monkeypatch):
    local_copy(shipped_dir() / "NCT06885476.yaml", tmp_path / "NCT06885476", "PLANTED")
    monkeypatch.chdir(tmp_path)
    loaded = find_protocol("NCT06885476")
    assert loaded.path == shipped_dir() / "NCT06885476.yaml"
    assert "PLANTED" not in loaded.protocol.title


def test_a_local_file_is_reached_with_dot_slash(tmp_path, monkeypatch):
    local_copy(shipped_dir() / "NCT06885476.yaml", tmp_path / "NCT06885476", "PLANTED")
    monkeypatch.chdir(tmp_path)
    assert find_protocol("./NCT06885476").protocol.title.startswith("PLANTED")


def test_a_name_that_is_neither_shipped_nor_a_path_says_how_to_give_a_local_file(tmp_path, monkeypatch):
    (tmp_path / "mine").write_text("id: x\n")
    monkeypatch.chdir(tmp_path)
    with pytest.raises(UnknownProtocolError, match=r"\./mine"):
        find_protocol("mine")


def test_a_local_file_named_like_the_shipped_policy_does_not_replace_it(tmp_path, monkeypatch):
    planted = (shipped_policies_dir() / "example-astct-2014.yaml").read_text().replace("name:", "name: PLANTED", 1)
    (tmp_path / "example-astct-2014").write_text(planted)
    monkeypatch.chdir(tmp_path)
    loaded = find_policy("example-astct-2014")
    assert loaded is not None and loaded.path == shipped_policies_dir() / "example-astct-2014.yaml"
    assert "PLANTED" not in loaded.policy.name
    assert find_policy("./example-astct-2014").policy.name.startswith("PLANTED")  # type: ignore[union-attr]


def test_a_policy_name_that_is_no_file_and_no_example_is_refused(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "mysite").write_text("name: x\n")
    with pytest.raises(InputError, match=r"\./mysite"):
        find_policy("mysite")


def config_policy() -> Path:
    path = config_policy_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text((shipped_policies_dir() / "example-astct-2014.yaml").read_text())
    return path


def test_site_none_turns_the_config_folder_policy_off():
    config_policy()
    assert find_policy(None) is not None
    assert find_policy("none") is None


def test_the_config_folder_policy_is_named_with_its_path_and_how_to_turn_it_off():
    path = config_policy()
    loaded = find_policy(None)
    assert loaded is not None and loaded.from_config
    note = policy_note(loaded)
    assert str(path) in note and "config folder" in note and "--site none" in note and "\n" not in note


def test_a_policy_given_with_site_is_named_with_its_path():
    loaded = find_policy("example-astct-2014")
    assert loaded is not None and not loaded.from_config
    note = policy_note(loaded)
    assert str(loaded.path) in note and loaded.policy.name in note and "config folder" not in note


def test_plan_with_site_none_has_no_policy_even_with_a_config_policy(cli):
    config_policy()
    with_config = json.loads(cli(*NK_PLAN).out)
    assert with_config["policy"] is not None
    run = cli(*NK_PLAN, "--site", "none")
    assert run.code == 0, run.err
    assert json.loads(run.out)["policy"] is None


def test_json_names_the_policy_path():
    from schedplan.export.json_out import plan_dict
    from schedplan.inputs import PlanInputs
    from schedplan.plans.sources import calculate

    inputs = PlanInputs(
        weight="70kg",
        height="175cm",
        anchor_date="2027-03-15",
        site="example-astct-2014",
        choices={"donor": "haploidentical", "conditioning": "treosulfan", "nk_dose_level": "1"},
    )
    done = calculate(NK, inputs)
    plan, site = done.plan, done.site
    assert site is not None
    assert plan_dict(plan, policy_path=str(site.path))["policy"]["path"] == str(site.path)
    assert "path" not in plan_dict(plan)["policy"]  # a saved plan's schedule stays as it was, without it


def test_a_saved_plan_records_the_shipped_policy_not_a_local_file_of_that_name(cli, tmp_path, monkeypatch):
    planted = (shipped_policies_dir() / "example-astct-2014.yaml").read_text().replace("name:", "name: PLANTED", 1)
    (tmp_path / "example-astct-2014").write_text(planted)
    monkeypatch.chdir(tmp_path)
    run = cli(*NK_PLAN, "--site", "example-astct-2014", "--save", str(tmp_path / "p.json"))
    assert run.code == 0, run.err
    assert "PLANTED" not in json.loads(run.out)["policy"]["name"]
    assert json.loads((tmp_path / "p.json").read_text())["inputs"]["site"] == "example-astct-2014"


# a path is read (and refused, one line) as what it is, not called missing because it is no regular file
def test_plan_and_site_refuse_dev_zero_in_one_line(guarded_cli):
    run = guarded_cli("plan", "/dev/zero", *NK_PLAN[2:8])
    assert run.code == 2 and len(run.err.splitlines()) == 1 and "not a regular file" in run.err, run
    run = guarded_cli("plan", "NCT07256210", *NK_PLAN[2:-2], "--site", "/dev/zero")
    assert run.code == 2 and len(run.err.splitlines()) == 1 and "not a regular file" in run.err, run


def test_a_policy_name_that_reads_as_no_policy_is_refused(tmp_path):
    from schedplan.load.policy import policy_problems

    text = (shipped_policies_dir() / "example-astct-2014.yaml").read_text()
    path = tmp_path / "site.yaml"
    path.write_text(text.replace("name: Example policy", "name: None (the protocol's doses exactly) Example policy", 1))
    _, problems, _ = policy_problems(path)
    assert len(problems) == 1 and problems[0].line == 9 and "none" in problems[0].message.lower()
