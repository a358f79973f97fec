"""Saved plans of every shipped protocol (and of the frozen NK-cell copy) for the printout tests."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from schedplan.cli import main
from tests.export.clients import FIXTURES

# 2027-03-12 08:00 UTC: three days before day 0 of the plans below, so "today" is on the first month page
EPOCH = "1804838400"
ANCHOR = "2027-03-15"
PATIENT = ["--weight", "70kg", "--height", "175cm", "--sex", "M", "--anchor-date", ANCHOR]

# Each shipped protocol with the choices it needs (as `schedplan protocols` lists them).
SHIPPED: dict[str, list[str]] = {
    "NCT07256210": ["donor=haploidentical", "conditioning=treosulfan", "nk_dose_level=1"],
    "NCT02999633": ["cycles=2", "dexamethasone_dose_mg=20"],
    "NCT03875495": ["melphalan_dose_mg_m2=140", "melphalan_day=-2", "temferon_day=1"],
    "NCT05184816": ["cohort=3", "cycles=3"],
    "NCT06885476": [],
}


def save_plan(folder: Path, protocol: str, sets: list[str], *extra: str) -> Path:
    """`schedplan plan PROTOCOL ... --save` into ``folder``; the plan file's path."""
    path = folder / f"{Path(protocol).stem}.json"
    args = ["plan", protocol, *PATIENT, *extra, "--save", str(path), "--output", str(path.with_suffix(".txt"))]
    for s in sets:
        args += ["--set", s]
    assert main(args) == 0
    return path


def read_plan(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"), parse_float=Decimal)
    return data


@pytest.fixture(autouse=True)
def _fixed_print_time(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    monkeypatch.setenv("LC_ALL", "en_GB.UTF-8")


@pytest.fixture(scope="session")
def shipped_plans(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("plans")
    return {pid: save_plan(folder, pid, sets, "--site", "example-astct-2014") for pid, sets in SHIPPED.items()}


@pytest.fixture(scope="session")
def frozen_plan(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A plan of the frozen copy of NCT07256210 (tests/export/fixtures), for the golden files."""
    folder = tmp_path_factory.mktemp("frozen")
    return save_plan(folder, str(FIXTURES / "NCT07256210.yaml"), SHIPPED["NCT07256210"], "--site", "example-astct-2014")
