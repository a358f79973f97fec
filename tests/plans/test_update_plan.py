"""The one locked read-modify-write path of plan files: a change made on an older read is merged when it only
appends (a double check) and refused when the plan changed (another day 0)."""

from __future__ import annotations

import json

import pytest

from schedplan.errors import PlanFileError
from schedplan.load.planfile import lock_path, open_plan, update_plan
from schedplan.plans.checking import record_check
from schedplan.plans.replanning import replan

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


@pytest.fixture
def plan_file(cli, tmp_path):
    path = tmp_path / "p.json"
    r = cli(*ARGS, "--save", str(path))
    assert r.code == 0, r.err
    return path


def _record(saved, checker):
    from schedplan.core.checks import CheckRecord

    return CheckRecord(
        checker=checker,
        at="2027-03-01T08:00:00Z",
        result="pass",
        summary="all 0 doses match",
        tolerance_percent=0,
        doses=(),
        protocol_sha256=saved.protocol_sha256,
        policy_sha256=None,
        inputs_sha256="x",
    )


def test_a_check_prepared_on_an_older_read_keeps_the_checks_recorded_meanwhile(plan_file):
    read_by_a = open_plan(plan_file)  # A starts typing
    read_by_b = open_plan(plan_file)
    record_check(str(plan_file), read_by_b, _record(read_by_b, "B"))  # B records first
    record_check(str(plan_file), read_by_a, _record(read_by_a, "A"))  # A finishes later, from the older read
    assert [c["checker"] for c in json.loads(plan_file.read_text())["checks"]] == ["B", "A"]


def test_a_check_of_a_plan_replanned_meanwhile_is_refused_and_the_replan_kept(plan_file):
    read_by_a = open_plan(plan_file)
    replan(str(plan_file), {"anchor_date": "2027-03-20"})
    with pytest.raises(PlanFileError, match="nothing was recorded"):
        record_check(str(plan_file), read_by_a, _record(read_by_a, "A"))
    data = json.loads(plan_file.read_text())
    assert data["inputs"]["anchor_date"] == "2027-03-20" and data["checks"] == []


def test_update_plan_applies_the_change_to_what_the_file_holds_now(plan_file):
    replan(str(plan_file), {"anchor_date": "2027-03-18"})  # after any earlier read
    seen = []
    update_plan(plan_file, lambda now: seen.append(now.inputs.anchor_date))  # None: nothing written
    assert seen == ["2027-03-18"]
    assert lock_path(plan_file).name == ".p.json.lock" and lock_path(plan_file).parent == plan_file.parent


def test_a_failing_change_writes_nothing(plan_file):
    before = plan_file.read_bytes()

    def boom(now):
        raise PlanFileError("no")

    with pytest.raises(PlanFileError):
        update_plan(plan_file, boom)
    assert plan_file.read_bytes() == before
