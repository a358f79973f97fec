"""Output to a terminal that cannot show every character (PYTHONIOENCODING=ascii, LANG=C) never crashes: what
cannot be encoded is escaped; stored strings (a checker's name) are printed without their control characters."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest


def _run(*argv: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "schedplan", *argv],
        capture_output=True,
        text=True,
        encoding="utf-8",
        errors="strict",
        timeout=60,
        env={**os.environ, **env},
        stdin=subprocess.DEVNULL,
    )


def _checked(cli, plan, checker: str) -> None:
    ids = [
        line.split(":")[0] for line in cli("verify", str(plan), "--list").out.splitlines() if "@" in line.split(":")[0]
    ]
    answers = plan.with_name("answers.json")
    answers.write_text(json.dumps({i: "1" for i in ids}))
    r = cli("verify", str(plan), "--checker", checker, "--answers", str(answers))
    assert r.code == 1, r.err  # every answer 1: a mismatch, recorded


@pytest.mark.parametrize(
    "env",
    [{"PYTHONIOENCODING": "ascii"}, {"LANG": "C", "LC_ALL": "C", "PYTHONUTF8": "0", "PYTHONIOENCODING": ""}],
    ids=["PYTHONIOENCODING=ascii", "LANG=C"],
)
def test_verify_status_with_a_non_ascii_checker_on_an_ascii_stdout_does_not_crash(cli, saved_plan, env):
    _checked(cli, saved_plan, "Jos\u00e9")
    proc = _run("verify", str(saved_plan), "--status", env=env)
    assert proc.returncode == 0, proc.stderr
    assert "by Jos\\xe9:" in proc.stdout  # escaped, not dropped and not a crash


def test_an_error_message_with_a_non_ascii_name_on_an_ascii_stderr_is_one_line(tmp_path):
    missing = tmp_path / "Jos\u00e9.json"
    proc = _run("verify", str(missing), "--status", env={"PYTHONIOENCODING": "ascii"})
    assert proc.returncode == 2 and proc.stderr.count("\n") == 1 and "Jos\\xe9" in proc.stderr, proc.stderr


def test_a_checker_name_with_an_escape_sequence_is_printed_escaped(cli, saved_plan):
    _checked(cli, saved_plan, "A.B.")
    data = json.loads(saved_plan.read_text())
    data["checks"][0]["checker"] = "A\x1b[2J.B."  # written into the file by something other than schedplan
    saved_plan.write_text(json.dumps(data))
    r = cli("verify", str(saved_plan), "--status")
    assert r.code == 1, r.err  # a record edited by hand is reported as tampered (the check chain) ...
    assert "TAMPERED" in r.out
    assert "\x1b" not in r.out and "A\\x1b[2J.B." in r.out  # ... and its text reaches the terminal escaped
