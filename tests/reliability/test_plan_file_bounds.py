"""A plan file is read within a documented size limit: a device, a FIFO or a huge file is one line, exit 2,
and nothing is read (issue 9, item 4 for plan files)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from schedplan.load.planfile import PLAN_MAX_BYTES

COMMANDS = [
    ("verify", "{p}", "--status"),
    ("replan", "{p}", "--anchor-date", "2027-04-01"),
    ("export", "{p}", "--ics", "{d}/out.ics"),
]


def _run(argv: list[str], timeout: float = 20) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "schedplan", *argv],
        capture_output=True,
        text=True,
        timeout=timeout,
        stdin=subprocess.DEVNULL,
    )


def _one_error_line(proc: subprocess.CompletedProcess[str]) -> str:
    assert proc.returncode == 2, (proc.returncode, proc.stderr)
    assert proc.stderr.count("\n") == 1 and proc.stderr.startswith("schedplan: error:"), proc.stderr
    return proc.stderr


@pytest.mark.parametrize("command", COMMANDS, ids=[c[0] for c in COMMANDS])
def test_a_plan_file_that_is_dev_zero_is_refused_without_reading(command, tmp_path):
    argv = [a.format(p="/dev/zero", d=tmp_path) for a in command]
    err = _one_error_line(_run(argv))
    assert "/dev/zero" in err and "not a regular file" in err


@pytest.mark.parametrize("command", COMMANDS, ids=[c[0] for c in COMMANDS])
def test_a_plan_file_that_is_a_fifo_is_refused_and_does_not_block(command, tmp_path):
    fifo = tmp_path / "p.json"
    os.mkfifo(fifo)
    argv = [a.format(p=fifo, d=tmp_path) for a in command]
    err = _one_error_line(_run(argv))  # a blocked read would be a TimeoutExpired here
    assert str(fifo) in err and "not a regular file" in err


@pytest.mark.parametrize("command", COMMANDS, ids=[c[0] for c in COMMANDS])
def test_a_plan_file_over_the_limit_is_refused_with_the_limit_named(command, tmp_path):
    huge = tmp_path / "p.json"
    with huge.open("wb") as fh:  # sparse: the size is there, the bytes are never written or read
        fh.truncate(PLAN_MAX_BYTES + 1)
    argv = [a.format(p=huge, d=tmp_path) for a in command]
    err = _one_error_line(_run(argv))
    assert str(huge) in err and f"{PLAN_MAX_BYTES:,} bytes" in err


def test_the_plan_file_limit_is_documented():
    from pathlib import Path

    doc = (Path(__file__).resolve().parents[2] / "docs" / "protocol-format.md").read_text()
    assert f"{PLAN_MAX_BYTES // (1024 * 1024)} MiB for a plan file" in doc


def test_a_saved_plan_is_well_within_the_limit(saved_plan):
    # the limit leaves room for years of recorded double checks: a typical plan is tens of KiB
    assert saved_plan.stat().st_size * 50 < PLAN_MAX_BYTES


@pytest.mark.parametrize("kind", ["dev-zero", "fifo", "huge"])
def test_an_answers_file_that_is_a_device_a_fifo_or_huge_is_refused_without_reading(kind, saved_plan, tmp_path):
    from schedplan.plans.checking import ANSWERS_MAX_BYTES

    answers = Path("/dev/zero")
    if kind == "fifo":
        answers = tmp_path / "answers.json"
        os.mkfifo(answers)
    elif kind == "huge":
        answers = tmp_path / "answers.json"
        with answers.open("wb") as fh:
            fh.truncate(ANSWERS_MAX_BYTES + 1)
    err = _one_error_line(_run(["verify", str(saved_plan), "--checker", "A.B.", "--answers", str(answers)]))
    assert "--answers" in err and str(answers) in err
