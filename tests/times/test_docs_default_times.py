"""The `default_times` example of docs/site-policy.md is a valid site policy and means what the doc says."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from ruamel.yaml import YAML

from schedplan.core.policy import SitePolicy
from schedplan.core.protocol import EventKind, Route

DOC = Path(__file__).resolve().parents[2] / "docs" / "site-policy.md"


def test_the_docs_default_times_example_is_valid_and_routes_come_before_the_kind():
    section = DOC.read_text().split("## Usual times of day")[1]
    block = re.search(r"```yaml\n(.*?)```", section, re.S)
    assert block is not None
    data = YAML(typ="safe").load(block.group(1))
    times = SitePolicy.model_validate({"name": "doc", "version": "1", **data}).default_times
    assert times is not None
    assert times.time_for(EventKind.DRUG, [Route.PO]) == dt.time(9, 0)  # routes: {PO: "09:00"}
    assert times.time_for(EventKind.DRUG, [Route.IV]) == dt.time(8, 0)  # drug: "08:00"
    assert times.time_for(EventKind.DRUG, [Route.IV, Route.PO]) == dt.time(8, 0)  # two routes: the kind's
    assert times.time_for(EventKind.VISIT, []) == dt.time(11, 0)
    assert times.premedication_lead_minutes == 30
