"""Benchmark of the protocol engine: load + validate, plan in-process, and the whole CLI command.

Prints medians over repeated runs, and the CLI's time as a ratio to a bare `python -c "import ..."` of
the same dependencies measured in the same run (these machines are shared and noisy: compare ratios,
not seconds), both in wall-clock time and in CPU time (user + system of the child: less moved by other
work on the machine). Run: `python3 run.py bench` (or `.venv/bin/python bench/bench.py`); `--runs N` for
more repetitions of each command (default 9).

The commands run as an installed schedplan would: with schedplan's own bytecode written (an installed wheel
has it; PYTHONDONTWRITEBYTECODE is dropped for them, and one unmeasured run writes it), and with a
temporary cache folder (XDG_CACHE_HOME), never the user's. `plan` is measured twice: the first run on an
empty cache (the protocol is parsed and kept: a new or changed protocol file), and a run with the
protocol in the cache (every later run).

The floor line is the least a program pays that imports pendulum and validates one pydantic model (`import
pydantic` alone is lazy: the bare imports leave out the part of pydantic that every model needs); `plan /
floor` is what schedplan itself adds to that. A second floor line handles the garbage collector as schedplan's
command line does (paused during start-up, then frozen), which cuts the floor as much: `plan / floor, collector as
schedplan` is the fair measure of what is schedplan's own.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from schedplan.core.patient import Patient, Sex  # noqa: E402
from schedplan.core.protocol import Protocol  # noqa: E402
from schedplan.core.schedule import plan  # noqa: E402
from schedplan.load.protocols import load_protocol, shipped_dir  # noqa: E402
from schedplan.load.yaml_source import read_yaml  # noqa: E402

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
# the least any program pays that uses pendulum and validates one pydantic model: `import pydantic` is lazy (the
# bare imports above do not load BaseModel, its fields and types, nor the schema builder and plugin loader that
# the first model needs), so this is the floor of a schedplan run, whose every command validates models
FLOOR = [
    sys.executable,
    "-c",
    "import pendulum\nfrom pydantic import BaseModel\nclass A(BaseModel):\n    x: int\nA(x=1)",
]
# the same, with the garbage collector handled as schedplan's command line does (paused during start-up, then
# frozen: cli._started), which cuts the floor too: `plan / floor, collector as schedplan` is the fair comparison
FLOOR_GC = [
    sys.executable,
    "-c",
    "import gc\ngc.disable()\nimport pendulum\nfrom pydantic import BaseModel\nclass A(BaseModel):\n    x: int\n"
    "A(x=1)\ngc.freeze()\ngc.enable()",
]
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


def child_env(cache: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["XDG_CACHE_HOME"] = cache
    return env


def run(cmd: list[str], env: dict[str, str] | None = None) -> tuple[float, float]:
    """One run of ``cmd``: (wall seconds, CPU seconds of the child)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, cwd=ROOT, env=env)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--runs", type=int, default=9, help="repetitions of each command (default 9)")
    runs = ap.parse_args(argv).runs
    with tempfile.TemporaryDirectory(prefix="schedplan-bench-") as tmp:
        os.environ["XDG_CACHE_HOME"] = os.path.join(tmp, "in-process")  # this process's cache too
        return _bench(runs, tmp)


def _bench(runs: int, tmp: str) -> int:
    path = shipped_dir() / f"{LARGEST}.yaml"
    patient = Patient(weight_kg=Decimal(70), height_cm=Decimal(175), sex=Sex.MALE)
    loaded = load_protocol(path)  # parsed, and kept in the (temporary) cache

    def parse_and_validate() -> None:
        doc, _ = read_yaml(path)
        Protocol.model_validate(doc.data)

    t_parse = timeit(parse_and_validate, 20)
    t_load = timeit(lambda: load_protocol(path), 50)
    t_plan = timeit(lambda: plan(loaded.protocol, patient, dt.date(2027, 3, 15), CHOICES), 200)
    dfo = load_protocol(shipped_dir() / "NCT05184816.yaml").protocol
    t_plan_52 = timeit(lambda: plan(dfo, patient, dt.date(2027, 3, 1), {"cohort": "9", "cycles": "52"}), 20)
    warm = child_env(os.path.join(tmp, "warm"))
    for cmd in (CLI, VERSION):
        run(cmd, warm)  # writes schedplan's bytecode (as an installed copy has it) and the warm cache's entry
    commands = {
        "cli": CLI,
        "cli-first": CLI,
        "bare": BARE,
        "floor": FLOOR,
        "floor-gc": FLOOR_GC,
        "version": VERSION,
        "help": HELP,
        "argparse": ARGPARSE,
    }
    wall: dict[str, list[float]] = {k: [] for k in commands}
    cpu: dict[str, list[float]] = {k: [] for k in commands}
    # interleave the commands so that load on the machine hits them alike
    for i in range(runs):
        for name, cmd in commands.items():
            env = child_env(os.path.join(tmp, f"cold-{i}")) if name == "cli-first" else warm
            w, c = run(cmd, env)
            wall[name].append(w)
            cpu[name].append(c)
    med = {k: statistics.median(v) for k, v in wall.items()}
    mcpu = {k: statistics.median(v) for k, v in cpu.items()}
    run(NO_TEXTUAL[:3] + CLI[3:], warm)  # fails loudly if `plan --format json` imports textual
    for flag in ("--version", "--help"):
        run([*NO_PYDANTIC, flag], warm)  # fails loudly if --version or --help imports pydantic
    load = os.getloadavg()[0]
    print(f"protocol {LARGEST}   (load average {load:.1f} on {os.cpu_count()} CPUs while measuring)")
    print(f"  parse + validate protocol file     {t_parse * 1000:8.2f} ms  (median of 20)")
    print(f"  load protocol file (cached parse)  {t_load * 1000:8.2f} ms  (median of 50)")
    print(f"  plan in-process                    {t_plan * 1000:8.2f} ms  (median of 200)")
    print(f"  plan NCT05184816, 52 cycles        {t_plan_52 * 1000:8.2f} ms  (median of 20)")
    print(f"  commands, median of {runs} runs each:      wall        CPU")
    rows = [
        ("`schedplan plan ... --format json`", "cli"),
        ("  the same, first run (empty cache)", "cli-first"),
        ("bare `import pendulum, pydantic, ruamel.yaml`", "bare"),
        ("floor: pendulum + one pydantic model validated", "floor"),
        ("  the same, collector as schedplan's", "floor-gc"),
        ("`schedplan --version`", "version"),
        ("`schedplan --help`", "help"),
        ("bare `import argparse`", "argparse"),
    ]
    for label, key in rows:
        print(f"  {label:<46} {med[key] * 1000:7.1f} ms {mcpu[key] * 1000:7.1f} ms")
    ratios = [
        ("plan / bare imports", "cli", "bare", "plan"),
        ("plan, first run / bare imports", "cli-first", "bare", "plan"),
        ("floor / bare imports", "floor", "bare", "plan"),
        ("plan / floor", "cli", "floor", None),
        ("floor, collector as schedplan / bare imports", "floor-gc", "bare", "plan"),
        ("plan / floor, collector as schedplan", "cli", "floor-gc", None),
        ("--version / bare argparse", "version", "argparse", "version"),
        ("--help / bare argparse", "help", "argparse", "help"),
    ]
    print("  ratios (same run):                               wall     CPU   target")
    for label, a, b, target in ratios:
        limit = f"  <= {TARGETS[target]}x" if target is not None else ""
        print(f"  {label:<46} {med[a] / med[b]:6.2f}x {mcpu[a] / mcpu[b]:6.2f}x{limit}")
    print("  textual imported by plan --format json: no")
    print("  pydantic imported by --version / --help: no")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
