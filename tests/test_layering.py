"""The core stays pure: importing it loads no UI, YAML or calendar code (checked in a fresh interpreter)."""

from __future__ import annotations

import subprocess
import sys


def test_core_imports_no_edge_modules():
    code = (
        "import sys, schedplan.core.schedule, schedplan.core.dosing, schedplan.core.protocol;"
        "bad = [m for m in ('textual', 'ruamel', 'yaml', 'icalendar', 'schedplan.load', 'schedplan.export',"
        " 'schedplan.tui')"
        " if m in sys.modules]; print(bad); sys.exit(1 if bad else 0)"
    )
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr
