"""What starting schedplan costs in imports: --version and --help import no command and no pydantic; a command
imports only its own module (checked in a fresh interpreter; the times are in bench/, not here)."""

from __future__ import annotations

import subprocess
import sys

import pytest


def _modules_after(*argv: str) -> set[str]:
    code = (
        "import sys, schedplan.cli as c\n"
        "try: c.main(sys.argv[1:])\n"
        "except SystemExit: pass\n"
        "print(' '.join(sorted(sys.modules)), file=sys.stderr)"
    )
    r = subprocess.run([sys.executable, "-c", code, *argv], capture_output=True, text=True, timeout=120)
    return set(r.stderr.split())


@pytest.mark.parametrize("flag", ["--version", "--help"])
def test_version_and_help_import_no_command_and_no_pydantic(flag):
    loaded = _modules_after(flag)
    assert "schedplan.cli" in loaded
    assert not {m for m in loaded if m.startswith(("pydantic", "schedplan.commands.", "pendulum"))}


def test_a_command_imports_only_its_own_module():
    loaded = _modules_after("protocols", "--format", "json")
    assert {m for m in loaded if m.startswith("schedplan.commands.")} == {"schedplan.commands.protocols"}
