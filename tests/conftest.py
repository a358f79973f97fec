"""Shared fixtures: the repository's paths and running the command line in-process or as a subprocess."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PROTOCOLS = ROOT / "protocols"


@pytest.fixture(autouse=True)
def no_user_site_policy(tmp_path_factory, monkeypatch):
    """A site.yaml in the machine's config folder would silently apply to every plan: tests get an empty
    config folder of their own (subprocesses inherit it)."""
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path_factory.mktemp("config")))
    # and a cache folder of their own: the parsed-file cache (load/parsed_cache) never reaches the user's
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.mktemp("cache")))


@dataclass(frozen=True)
class Run:
    """What one run of ``schedplan`` gave: exit status and the two streams."""

    code: int
    out: str
    err: str


@pytest.fixture
def cli(capsys):
    """``cli("plan", ...)`` runs ``schedplan.cli.main`` in-process; argparse's own exits count as exit codes."""
    from schedplan.cli import main

    def run(*argv: str) -> Run:
        try:
            code = main(list(argv))
        except SystemExit as exc:  # argparse ends with sys.exit(2) on its own errors
            code = exc.code if isinstance(exc.code, int) else 1
        captured = capsys.readouterr()
        return Run(code, captured.out, captured.err)

    return run


@pytest.fixture
def cli_process():
    """``cli_process("plan", ...)`` runs ``python -m schedplan`` in a fresh interpreter, as a user would."""

    def run(*argv: str, python_flags: tuple[str, ...] = ()) -> Run:
        proc = subprocess.run(
            [sys.executable, *python_flags, "-m", "schedplan", *argv],
            capture_output=True,
            text=True,
            cwd=ROOT,
            timeout=120,
        )
        return Run(proc.returncode, proc.stdout, proc.stderr)

    return run
