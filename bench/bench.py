"""Benchmark of the protocol engine: load + validate, plan in-process, and the whole CLI command.

Prints medians over repeated runs, and the CLI's time as a ratio to a bare `python -c "import ..."` of
the same dependencies measured in the same run (these machines are shared and noisy: compare ratios,
not seconds). Run: `python3 run.py bench` (or `.venv/bin/python bench/bench.py`).
"""

from __future__ import annotations

import datetime as dt
import statistics
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from schedplan.core.patient import Patient, Sex  # noqa: E402
from schedplan.core.schedule import plan  # noqa: E402
from schedplan.load.protocols import load_protocol, shipped_dir  # noqa: E402

LARGEST = "NCT07256210"  # the most events and choices of the seed protocols
CHOICES = {"donor": "haploidentical", "conditioning": "treosulfan", "nk_dose_level": "1"}
CLI = [
    sys.executable,
    "-m",
    "schedplan",
    "plan",
    LARGEST,
    "--weight",
    "70kg",
    "--height",
    "175cm",
    "--sex",
    "M",
    "--anchor-date",
    "2027-03-15",
    *[x for k, v in CHOICES.items() for x in ("--set", f"{k}={v}")],
    "--format",
    "json",
]
BARE = [sys.executable, "-c", "import pendulum, pydantic, ruamel.yaml"]
VERSION = [sys.executable, "-m", "schedplan", "--version"]
HELP = [sys.executable, "-m", "schedplan", "--help"]
ARGPARSE = [sys.executable, "-c", "import argparse"]
NO_PYDANTIC = [
    sys.executable,
    "-c",
    "import sys, schedplan.cli as c\ntry: c.main(sys.argv[1:])\nexcept SystemExit: pass\n"
    "assert 'pydantic' not in sys.modules, 'pydantic imported'",
]
TARGETS = {"plan": 1.3, "version": 2.5, "help": 2.5}  # issue 8: at most these ratios
NO_TEXTUAL = [
    sys.executable,
    "-c",
    "import sys; "
    "import schedplan.cli as c; c.main(sys.argv[1:]);"
    " assert 'textual' not in sys.modules, 'textual imported'",
]


def timeit(fn, n: int) -> float:
    times = []
    for _ in range(n):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def run(cmd: list[str]) -> None:
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, cwd=ROOT)


def main() -> int:
    path = shipped_dir() / f"{LARGEST}.yaml"
    patient = Patient(weight_kg=Decimal(70), height_cm=Decimal(175), sex=Sex.MALE)
    loaded = load_protocol(path)
    t_load = timeit(lambda: load_protocol(path), 50)
    t_plan = timeit(lambda: plan(loaded.protocol, patient, dt.date(2027, 3, 15), CHOICES), 200)
    dfo = load_protocol(shipped_dir() / "NCT05184816.yaml").protocol
    t_plan_52 = timeit(lambda: plan(dfo, patient, dt.date(2027, 3, 1), {"cohort": "9", "cycles": "52"}), 20)
    # interleave the commands so that load on the machine hits them alike
    times: dict[str, list[float]] = {"cli": [], "bare": [], "version": [], "help": [], "argparse": []}
    for _ in range(7):
        for name, cmd in (("cli", CLI), ("bare", BARE), ("version", VERSION), ("help", HELP), ("argparse", ARGPARSE)):
            times[name].append(timeit(lambda cmd=cmd: run(cmd), 1))
    med = {k: statistics.median(v) for k, v in times.items()}
    t_cli, t_bare = med["cli"], med["bare"]
    run(NO_TEXTUAL[:3] + CLI[3:])  # fails loudly if `plan --format json` imports textual
    for flag in ("--version", "--help"):
        run([*NO_PYDANTIC, flag])  # fails loudly if --version or --help imports pydantic
    print(f"protocol {LARGEST}")
    print(f"  load + validate protocol file      {t_load * 1000:8.2f} ms  (median of 50)")
    print(f"  plan in-process                    {t_plan * 1000:8.2f} ms  (median of 200)")
    print(f"  plan NCT05184816, 52 cycles        {t_plan_52 * 1000:8.2f} ms  (median of 20)")
    print(f"  `schedplan plan ... --format json` {t_cli * 1000:8.1f} ms  (median of 7)")
    print(f"  bare `import pendulum, pydantic, ruamel.yaml` {t_bare * 1000:8.1f} ms")
    print(f"  ratio CLI / bare imports           {t_cli / t_bare:8.2f}x  (same run; target <= {TARGETS['plan']}x)")
    print("  textual imported by plan --format json: no")
    print(f"  `schedplan --version`              {med['version'] * 1000:8.1f} ms")
    print(f"  `schedplan --help`                 {med['help'] * 1000:8.1f} ms")
    print(f"  bare `import argparse`             {med['argparse'] * 1000:8.1f} ms")
    for name in ("version", "help"):
        print(
            f"  ratio --{name} / bare argparse{' ' * (8 - len(name))}  {med[name] / med['argparse']:8.2f}x"
            f"  (same run; target <= {TARGETS[name]}x)"
        )
    print("  pydantic imported by --version / --help: no")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
