"""Shared fixtures of the reliability tests: a saved plan made once per test, in a folder of its own."""

from __future__ import annotations

from pathlib import Path

import pytest

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
def saved_plan(cli, tmp_path) -> Path:
    """A plan saved with `plan --save` (nothing exported, no check recorded)."""
    path = tmp_path / "p.json"
    r = cli(*ARGS, "--save", str(path))
    assert r.code == 0, r.err
    return path
