"""The complete example in docs/protocol-format.md is a valid protocol and plans as the doc says."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from pathlib import Path

from schedplan.core.patient import Patient
from schedplan.core.schedule import plan
from schedplan.load.protocols import load_protocol

DOC = Path(__file__).resolve().parents[2] / "docs" / "protocol-format.md"


def test_doc_example_loads_and_plans(tmp_path):
    block = re.search(r"```yaml\n(.*?)```", DOC.read_text(), re.S)
    assert block is not None
    path = tmp_path / "example.yaml"
    path.write_text(block.group(1))
    protocol = load_protocol(path).protocol
    p = plan(
        protocol, Patient(weight_kg=Decimal(60), height_cm=Decimal(150)), dt.date(2027, 1, 10), {"nk_dose_level": "2"}
    )
    # the weekly pattern of the doc's table: days 1, 3, 5, 8, 10, 12
    assert [e.day for e in p.events if e.name == "interleukin-2"] == [1, 3, 5, 8, 10, 12]
    # 60 x 150 / 3600 = 2.5, sqrt = 1.58113... -> 1.581 m2; 25 x 1.581 = 39.525 -> 39.53 mg
    assert [e.dose.value for e in p.events if e.name == "fludarabine"] == [Decimal("39.53")] * 3
    # level 2 = 20 x10^6 cells/kg total; 2/3 x 20e6 x 60 = 800,000,000 and 1/3 = 400,000,000
    assert [e.dose.value for e in p.events if e.kind.value == "cell_product"] == [
        Decimal(800_000_000),
        Decimal(400_000_000),
    ]


def test_site_policy_doc_example_loads(tmp_path):
    from schedplan.load.policy import load_policy

    doc = DOC.parent / "site-policy.md"
    block = re.search(r"```yaml\n(.*?)```", doc.read_text(), re.S)
    assert block is not None
    path = tmp_path / "site.yaml"
    path.write_text(block.group(1))
    policy = load_policy(path).policy
    assert policy.weight_rule("Busulfan").adjusted_factor == Decimal("0.25")
    assert policy.rounding_for("fludarabine", policy.rounding[0].unit)[0] == 1  # the named rule wins
    assert policy.rounding_for("cytarabine", policy.rounding[0].unit)[0] == 5  # the catch-all
