"""No terminal, no UI: without a terminal the app never starts; one line says which command gives the plan."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from schedplan.tui.terminal import no_terminal_reason


class _Stream:
    def __init__(self, tty: bool) -> None:
        self.tty = tty

    def isatty(self) -> bool:
        return self.tty


@pytest.mark.parametrize(
    ("stdin", "stdout", "term", "refused"),
    [
        (True, True, "xterm-256color", False),
        (False, True, "xterm-256color", True),  # cron, a pipe into it
        (True, False, "xterm-256color", True),  # its output redirected
        (True, True, "dumb", True),  # TERM=dumb: no full-screen UI
        (True, True, None, False),  # no TERM at all: textual's own default
    ],
)
def test_ui_needs_a_terminal_on_both_ends_and_not_dumb(stdin, stdout, term, refused):
    env = {} if term is None else {"TERM": term}
    reason = no_terminal_reason(_Stream(stdin), _Stream(stdout), env)
    assert (reason is not None) is refused
    if refused:
        assert "terminal" in reason and "schedplan plan" in reason and "\n" not in reason


def test_schedplan_without_a_terminal_exits_2_at_once_with_one_line(tmp_path):
    """`schedplan </dev/null >out 2>err` used to start the UI, write escape codes and never exit."""
    env = {**os.environ, "TERM": "xterm-256color"}
    with open(os.devnull) as devnull:
        done = subprocess.run(
            [sys.executable, "-m", "schedplan"], stdin=devnull, capture_output=True, text=True, env=env, timeout=20
        )
    assert done.returncode == 2, done
    assert done.stdout == ""
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "needs a terminal" in lines[0] and "schedplan plan" in lines[0]
    assert "\x1b" not in done.stderr
    # it used to hang: the timeout above fails the test then (speed itself is measured in bench/, not here)


def test_schedplan_tui_with_a_plan_file_and_dumb_terminal_exits_2(tmp_path):
    env = {**os.environ, "TERM": "dumb"}
    done = subprocess.run(
        [sys.executable, "-m", "schedplan", "tui", "NCT07256210"],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        env=env,
        timeout=20,
    )
    assert done.returncode == 2 and "needs a terminal" in done.stderr
    assert "textual" not in done.stderr


def test_a_recorded_double_check_time_is_shown_in_local_time_with_its_zone():
    """The time of a check was shown in UTC."""
    from zoneinfo import ZoneInfo

    from schedplan.tui.check import local_time

    # 08:00 UTC on 10 March 2027 is 09:00 in Rome (CET, UTC+1; summer time starts on 28 March)
    assert local_time("2027-03-10T08:00:00+00:00", ZoneInfo("Europe/Rome")) == "2027-03-10 09:00 CET"
    assert local_time("2027-07-10T08:00:00+00:00", ZoneInfo("Europe/Rome")) == "2027-07-10 10:00 CEST"
