"""Real calendar clients reading an export: icalendar, vobject, khal (in a temporary directory) and ical.js."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import icalendar
import pytest
import vobject

ROOT = Path(__file__).resolve().parents[2]
JS = ROOT / "tests" / "js"
FIXTURES = Path(__file__).resolve().parent / "fixtures"


def icalendar_read(data: bytes) -> icalendar.Calendar:
    """Parse with icalendar and insist it found nothing wrong: no component errors, no TZID without VTIMEZONE."""
    cal = icalendar.Calendar.from_ical(data)
    problems = [(c.name, c.errors) for c in cal.walk() if c.errors]
    assert not problems, problems
    assert cal.get_missing_tzids() == set()
    return cal


def vobject_read(data: bytes):
    """Parse and validate with vobject; exactly one VCALENDAR."""
    cals = list(vobject.readComponents(data.decode("utf-8"), validate=True))
    assert len(cals) == 1
    return cals[0]


# --- khal ---------------------------------------------------------------------------------------


def khal_bin() -> Path:
    exe = Path(sys.executable).parent / "khal"
    if not exe.exists():
        pytest.skip("khal is not installed (pip install -e .[test])")
    return exe


@dataclass
class Khal:
    """khal with its own config, calendar directory and database under ``root``; local time zone ``tz``."""

    root: Path
    tz: str

    def __post_init__(self) -> None:
        (self.root / "cal").mkdir(parents=True, exist_ok=True)
        (self.root / "config").write_text(
            "[calendars]\n[[plan]]\n"
            f"path = {self.root / 'cal'}\ntype = calendar\n"
            f"[sqlite]\npath = {self.root / 'khal.db'}\n"
            f"[locale]\nlocal_timezone = {self.tz}\ndefault_timezone = {self.tz}\n"
            "timeformat = %H:%M\ndateformat = %Y-%m-%d\nlongdateformat = %Y-%m-%d\n"
            "datetimeformat = %Y-%m-%d %H:%M\nlongdatetimeformat = %Y-%m-%d %H:%M\n"
            "[default]\ndefault_calendar = plan\n"
        )

    def run(self, *args: str) -> str:
        proc = subprocess.run(
            [str(khal_bin()), "-c", str(self.root / "config"), *args],
            capture_output=True,
            text=True,
            timeout=120,
            env={"PATH": "/usr/bin:/bin", "HOME": str(self.root), "LANG": "C.UTF-8", "TZ": self.tz},
        )
        assert proc.returncode == 0, proc.stderr
        return proc.stdout

    def import_ics(self, path: Path) -> None:
        out = self.run("import", "--batch", str(path))
        assert "error" not in out.lower(), out

    def list(self, start: dt.date, end: dt.date) -> list[tuple[str, str, str]]:
        """(start, end, title) of every event from ``start`` to ``end``, as khal prints them."""
        out = self.run(
            "list",
            "--format",
            "{start}\t{end}\t{title}",
            "--day-format",
            "",
            start.isoformat(),
            end.isoformat(),
        )
        rows = []
        for line in out.splitlines():
            if not line.strip():
                continue
            s, e, title = line.split("\t")
            rows.append((s, e, title))
        return rows

    def files(self) -> list[Path]:
        return sorted((self.root / "cal").glob("*.ics"))


# --- ical.js ------------------------------------------------------------------------------------


def icaljs_read(*paths: Path) -> list[dict]:
    """What Mozilla's ical.js (tests/js/read_ics.mjs) reads from each file."""
    node = shutil.which("node")
    if node is None or not (JS / "node_modules" / "ical.js").is_dir():
        pytest.skip("ical.js is not installed (python3 run.py test installs it with npm)")
    proc = subprocess.run(
        [node, str(JS / "read_ics.mjs"), *map(str, paths)], capture_output=True, text=True, timeout=120, cwd=JS
    )
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)
