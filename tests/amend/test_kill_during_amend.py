"""Killed during an amend (mid-write, just after the rename, or at any moment), the plan file is the old one or
the new one and loads, never a broken one (issue 12)."""

from __future__ import annotations

import multiprocessing
import os
import signal
import subprocess
import sys
import time

import pytest

from schedplan.load.planfile import open_plan

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
AMEND = ("hold", "--drug", "isatuximab", "--cycle", "1", "--day", "8", "--reason", "fever", "--by", "RN Smith")


@pytest.fixture
def plan(cli, tmp_path):
    path = tmp_path / "islay.json"
    made = cli(
        "plan",
        "NCT02999633",
        "--weight",
        "60kg",
        "--height",
        "170cm",
        "--anchor-date",
        "2026-01-05",
        "--save",
        str(path),
    )
    assert made.code == 0, made.err
    return path


def _killed_at(where: str, path: str) -> None:
    """In a forked child: amend, dying by SIGKILL at ``where`` (before the rename, or right after it)."""
    from schedplan.cli import main

    real_replace = os.replace

    def die(*_a, **_k):
        os.kill(os.getpid(), signal.SIGKILL)

    if where == "before-rename":
        os.fsync = die  # the temporary file is written, the plan file not yet replaced
    else:

        def replace_then_die(src, dst):
            real_replace(src, dst)
            die()

        os.replace = replace_then_die
    main(["amend", path, *AMEND])


@pytest.mark.parametrize("where, changed", [("before-rename", False), ("after-rename", True)])
def test_killed_mid_write_leaves_the_old_or_the_new_file(plan, where, changed):
    before = plan.read_bytes()
    proc = multiprocessing.get_context("fork").Process(target=_killed_at, args=(where, str(plan)))
    proc.start()
    proc.join(60)
    assert proc.exitcode == -signal.SIGKILL
    saved = open_plan(plan)  # loads
    if changed:
        assert [a.kind for a in saved.amendments] == ["hold"]
    else:
        assert plan.read_bytes() == before


def test_killed_at_any_moment_leaves_a_file_that_loads(plan):
    for delay in (0.3, 0.6, 0.9, 1.5):
        proc = subprocess.Popen(
            [sys.executable, "-m", "schedplan", "amend", str(plan), *AMEND],
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        saved = open_plan(plan)
        assert [a.kind for a in saved.amendments] in ([], ["hold"])  # the old file or the new one


def test_two_amends_at_once_both_recorded_numbered_in_order(plan):
    """Amendments are only appended to: a second schedplan amending the same file at the same time waits for the
    lock and appends to what the first wrote, so neither is lost."""
    procs = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "schedplan",
                "amend",
                str(plan),
                "hold",
                "--drug",
                "isatuximab",
                "--cycle",
                "1",
                "--day",
                str(day),
                "--reason",
                "fever",
                "--by",
                "RN Smith",
            ],
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        for day in (8, 15)
    ]
    for p in procs:
        assert p.wait(120) == 0, p.stderr.read() if p.stderr else ""
    saved = open_plan(plan)
    assert [a.number for a in saved.amendments] == [1, 2]
    assert {a.select.key for a in saved.amendments} == {"isatuximab/c1/2", "isatuximab/c1/3"}
