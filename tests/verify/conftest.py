"""A saved IL-2 plan (no site policy) and the answers a careful checker works out for it by hand."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

PLAN = ["plan", "NCT06885476", "--weight", "70kg", "--height", "175cm", "--sex", "M", "--anchor-date", "2027-03-15"]

# 70 kg / 175 cm: Mosteller BSA sqrt(70 x 175 / 3600) = 1.8447 m2, which the program reports as 1.845 m2
BY_HAND = {
    "fludarabine@fludarabine/1": "46.13 mg",  # 25 mg/m2 x 1.845 = 46.125
    "cyclophosphamide@cyclophosphamide/1": "3.69 g",  # 2 g/m2 x 1.845
    "il-2@il-2/1": "10 x 10^6 units",  # flat
}


def answers(
    tmp_path: Path, values: dict[str, str] | None = None, *, confirmed: bool = True, name: str = "a.json"
) -> Path:
    path = tmp_path / name
    given = {**BY_HAND, **(values or {})}
    path.write_text(json.dumps({k: {"dose": v, "confirmed": confirmed} for k, v in given.items()}))
    return path


@pytest.fixture
def plan_file(cli, tmp_path) -> Path:
    path = tmp_path / "p.json"
    r = cli(*PLAN, "--save", str(path))
    assert r.code == 0, r.err
    return path


@pytest.fixture
def checked(cli, plan_file, tmp_path) -> Path:
    """The plan with two passing checks recorded by `verify`."""
    for who in ("A.B.", "C.D."):
        r = cli("verify", str(plan_file), "--checker", who, "--answers", str(answers(tmp_path)))
        assert r.code == 0, r.out + r.err
    status = cli("verify", str(plan_file), "--status")
    assert status.code == 0 and status.out.count("- holds") == 2, status.out
    return plan_file
