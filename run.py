#!/usr/bin/env python3
"""Set-up and tasks with nothing but Python 3.11+: `python3 run.py example`, `python3 run.py test` (import
contracts, ruff, mypy, then the whole suite in parallel) or `python3 run.py test-quick` (no terminal UI and no
external calendar-client tests; no gates).

Makes a virtual environment in .venv, installs schedplan (and, for the tests, its test tools and the
JavaScript calendar parser used as a real client), then runs the task. Re-runs skip what is installed.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PY = BIN / ("python.exe" if os.name == "nt" else "python")
JS = ROOT / "tests" / "js"

EXAMPLE = [
    "plan",
    "NCT07256210",
    "--weight",
    "70kg",
    "--height",
    "175cm",
    "--sex",
    "M",
    "--anchor-date",
    "2027-03-15",
    "--set",
    "donor=haploidentical",
    "--set",
    "conditioning=treosulfan",
    "--set",
    "nk_dose_level=1",
]


# Run before the tests by `python3 run.py test`, in this order; each must pass.
GATES = [
    ("import contracts", [str(BIN / "lint-imports")]),
    ("ruff", [str(BIN / "ruff"), "check", "--quiet", "."]),
    ("ruff format", [str(BIN / "ruff"), "format", "--check", "--quiet", "."]),
    ("mypy", [str(BIN / "mypy"), "schedplan"]),
]
PARALLEL = ["-n", "auto"]  # pytest-xdist


def say(msg: str) -> None:
    print(f"[run.py] {msg}", file=sys.stderr, flush=True)


def sh(*cmd: str | Path, cwd: Path = ROOT) -> None:
    subprocess.run([str(c) for c in cmd], cwd=cwd, check=True)


def ensure_venv(extra: str | None) -> None:
    if sys.version_info < (3, 11):  # noqa: UP036  (run.py runs under any python3, says what it needs)
        sys.exit(f"schedplan needs Python 3.11 or newer; this is {sys.version.split()[0]}")
    if not PY.exists():
        say("creating .venv")
        venv.EnvBuilder(with_pip=True).create(VENV)
    want = hashlib.sha256((ROOT / "pyproject.toml").read_bytes() + (extra or "").encode()).hexdigest()
    stamp = VENV / f".installed-{extra or 'base'}"
    if stamp.exists() and stamp.read_text() == want:
        return
    say("installing schedplan" + (f" with [{extra}]" if extra else "") + " into .venv")
    sh(PY, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "-e", f".[{extra}]" if extra else ".")
    stamp.write_text(want)


def ensure_js() -> None:
    """The JavaScript client (ical.js) the calendar tests read exports with; skipped if there is none."""
    if not (JS / "package.json").exists():
        return
    npm = shutil.which("npm")
    if npm is None:
        say("npm not found: the ical.js client tests will be skipped")
        return
    lock = JS / "package-lock.json"
    locked = lock.read_bytes() if lock.exists() else b""
    want = hashlib.sha256((JS / "package.json").read_bytes() + locked).hexdigest()
    stamp = JS / "node_modules" / ".installed"
    if stamp.exists() and stamp.read_text() == want:
        return
    say("installing the JavaScript test client (npm)")
    sh(npm, "ci" if lock.exists() else "install", "--no-audit", "--no-fund", "--loglevel=error", cwd=JS)
    stamp.write_text(want)


def main(argv: list[str]) -> int:
    task = argv[0] if argv else "help"
    rest = argv[1:]
    if task == "example":
        ensure_venv(None)
        return subprocess.call([str(PY), "-m", "schedplan", *EXAMPLE, *rest])
    if task == "test":
        ensure_venv("test")
        ensure_js()
        for name, gate in GATES:
            rc = subprocess.call(gate, cwd=ROOT)
            if rc != 0:
                say(f"{name} failed (see above)")
                return rc
        return subprocess.call([str(PY), "-m", "pytest", *PARALLEL, *rest], cwd=ROOT)
    if task == "test-quick":
        # the core, loading, exports and the command line: no terminal UI, no external calendar clients
        ensure_venv("test")
        return subprocess.call(
            [str(PY), "-m", "pytest", *PARALLEL, "--ignore=tests/tui", "--ignore=tests/export/test_clients.py", *rest],
            cwd=ROOT,
        )
    if task == "bench":
        ensure_venv("test")
        return subprocess.call([str(PY), str(ROOT / "bench" / "bench.py"), *rest], cwd=ROOT)
    print(__doc__)
    return 0 if task == "help" else 2


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
