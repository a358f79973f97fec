"""The publication is recorded through the plan file's one locked path: only `publications` replaced, re-read."""

from __future__ import annotations

import json

from schedplan.plans.exporting import export_plan
from schedplan.plans.publishing import prepare, publish
from tests.publish.conftest import CALENDAR
from tests.publish.radicale import PASSWORD, USER


def test_a_change_made_to_the_plan_file_while_publishing_is_kept(plan_file, radicale, tmp_path):
    ready = prepare(str(plan_file), {"audience": "staff"}, caldav=radicale.principal_url, calendar=CALENDAR, user=USER)
    assert json.loads(plan_file.read_text())["items"] == []  # never exported yet

    exported: list[int] = []

    def export_meanwhile(action) -> None:  # another schedplan exports the plan while the items go to the server
        if not exported:
            exported.append(export_plan(str(plan_file), str(tmp_path / "ward.ics"), {"audience": "staff"}).events)

    outcome = publish(ready, PASSWORD, after_each=export_meanwhile)
    assert outcome.error is None and len(outcome.done) == 19

    data = json.loads(plan_file.read_text())
    # what the export recorded in the meantime is still there (a stale copy would have written items: [] back) ...
    assert len(data["items"]) == exported[0] == 19 and data["export_options"]["audience"] == "staff"
    # ... and the publication was added beside it
    [record] = data["publications"]
    assert record["calendar"] == CALENDAR and len(record["items"]) == 19


def test_dry_run_preparation_writes_nothing(plan_file, radicale):
    before = plan_file.read_bytes()
    ready = prepare(str(plan_file), {"audience": "patient"}, caldav=radicale.principal_url, calendar=CALENDAR)
    assert [a.kind for a in ready.actions] == ["create"] * 19
    assert plan_file.read_bytes() == before
