"""An export killed (kill -9) at any step of its two writes (plan file, then calendar) leaves each file old or
new, and the next export repairs the pair and counts right ("93 events, 0 updated" after a crash was wrong);
temporary files a killed write left are removed by the next write of that file."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from icalendar import Calendar

from schedplan.load.files import STOP_AT, clean_stale_temps, write_atomic

STEPS = ["pending:temp", "pending:renamed", "plan:temp", "plan:renamed", "calendar:temp", "calendar:renamed"]


def _export(plan: Path, ics: Path, stop: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != STOP_AT}
    if stop:
        env[STOP_AT] = stop
    return subprocess.run(
        [sys.executable, "-m", "schedplan", "export", str(plan), "--ics", str(ics)],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        stdin=subprocess.DEVNULL,
    )


def _sequences(ics: Path) -> dict[str, tuple[int, str]]:
    """UID -> (SEQUENCE, DTSTART) of every event of a calendar file."""
    cal = Calendar.from_ical(ics.read_bytes())
    return {str(e["UID"]): (int(e.get("SEQUENCE", 0)), e["DTSTART"].to_ical().decode()) for e in cal.walk("VEVENT")}


def _temps(folder: Path) -> list[str]:
    return sorted(n for n in os.listdir(folder) if n.endswith(".tmp"))


@pytest.mark.parametrize("step", STEPS)
def test_an_export_killed_at_each_write_step_is_repaired_and_counted_right_by_the_next(cli, saved_plan, step):
    folder = saved_plan.parent
    ics = folder / "cal.ics"
    assert _export(saved_plan, ics).returncode == 0
    first = _sequences(ics)
    # every item moves with day 0: each one is updated by the next export, exactly once (SEQUENCE 0 -> 1)
    assert cli("replan", str(saved_plan), "--anchor-date", "2027-03-22").code == 0
    plan_before, ics_before = saved_plan.read_bytes(), ics.read_bytes()

    killed = _export(saved_plan, ics, stop=step)
    assert killed.returncode == -signal.SIGKILL, (killed.returncode, killed.stderr)
    # old or new, never half: each file still reads as what it is
    plan_now = json.loads(saved_plan.read_text())
    assert saved_plan.read_bytes() == plan_before or plan_now["items"] != json.loads(plan_before)["items"]
    assert ics.read_bytes() == ics_before or _sequences(ics).keys() == first.keys()

    again = _export(saved_plan, ics)
    assert again.returncode == 0, again.stderr
    final = _sequences(ics)
    moved = sum(1 for uid, (_, start) in final.items() if first[uid][1] != start)
    assert moved == len(first)  # worked out: every event moved by 7 days
    assert f"wrote {ics}: {len(first)} events, {moved} updated" in again.stderr, again.stderr
    if step != "pending:temp":  # the note was written: the interrupted export is named
        assert "did not finish" in again.stderr
    assert {seq for seq, _ in final.values()} == {1}  # one bump, not two
    items = {i["uid"]: i["sequence"] for i in json.loads(saved_plan.read_text())["items"]}
    assert items == {uid: seq for uid, (seq, _) in final.items()}  # plan file and calendar agree
    assert _temps(folder) == [] and not (folder / f".{saved_plan.name}.export").exists()

    third = _export(saved_plan, ics)  # and from then on, nothing is counted twice
    assert f"{len(first)} events, 0 updated" in third.stderr and "did not finish" not in third.stderr


def test_a_temporary_file_of_a_killed_write_is_removed_by_the_next_write(tmp_path):
    target = tmp_path / "p.json"
    target.write_bytes(b"old")
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    stale = tmp_path / f".p.json.{int(dead.stdout)}.abcd.tmp"  # its process has ended
    stale.write_bytes(b"half")
    live = tmp_path / f".p.json.{os.getppid()}.efgh.tmp"  # a process still running: maybe writing now
    live.write_bytes(b"busy")
    other = tmp_path / ".q.json.1.ijkl.tmp"  # another file's
    other.write_bytes(b"other")
    write_atomic(target, b"new")
    assert target.read_bytes() == b"new"
    assert not stale.exists() and live.exists() and other.exists()
    assert clean_stale_temps(target) == []
