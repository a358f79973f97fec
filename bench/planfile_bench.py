#!/usr/bin/env python3
"""Plan files at and past their size limit, and devices: time and peak memory of `verify --status` and `export`.

    .venv/bin/python bench/planfile_bench.py [--runs N]

Each case runs `python -m schedplan ...` in a fresh process (wall time and peak resident memory from
os.wait4, median and maximum over the runs; nothing of schedplan is imported here, see input_bench.py).
The baseline is `verify --status` of a freshly saved plan; read the ratios beside seconds (shared machines).
Cases: a plan with recorded checks up to just under the plan-file limit (the largest file read), a 10 MB
plan file and /dev/zero (refused before reading), and an export (plan file, calendar and the export note).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PLAN = [
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
    "conditioning=tbi",
    "--set",
    "nk_dose_level=1",
]


def schedplan(*argv: str) -> tuple[float, float, int]:
    """(seconds, peak MB, exit code) of one run in a fresh interpreter."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-m", "schedplan", *argv],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        stdin=subprocess.DEVNULL,
    )
    _, status, usage = os.wait4(proc.pid, 0)
    return time.perf_counter() - t0, usage.ru_maxrss / 1024, os.waitstatus_to_exitcode(status)


def plan_limit() -> int:
    code = "from schedplan.load.planfile import PLAN_MAX_BYTES as m; print(m)"
    return int(subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True).stdout)


def make_plans(folder: Path, limit: int) -> tuple[Path, Path, Path]:
    """A saved plan with one check, the same with checks repeated to just under ``limit``, a 10 MB file."""
    small = folder / "small.json"
    subprocess.run([sys.executable, "-m", "schedplan", *PLAN, "--save", str(small)], cwd=ROOT, capture_output=True)
    listing = subprocess.run(
        [sys.executable, "-m", "schedplan", "verify", str(small), "--list"], cwd=ROOT, capture_output=True, text=True
    ).stdout
    answers = folder / "answers.json"
    answers.write_text(json.dumps({line.split(":")[0]: "1" for line in listing.splitlines()[1:]}))
    subprocess.run(
        [sys.executable, "-m", "schedplan", "verify", str(small), "--checker", "B.", "--answers", str(answers)],
        cwd=ROOT,
        capture_output=True,
    )
    data = json.loads(small.read_text())
    check = data["checks"][0]
    big = folder / "big.json"
    sizes = []
    for n in (0, 1):  # the size of one check record as written, then as many as fit under the limit
        data["checks"] = [check] * n
        sizes.append(len(json.dumps(data, indent=2)))
    data["checks"] = [check] * ((limit - 32 * 1024 - sizes[0]) // (sizes[1] - sizes[0]))
    big.write_text(json.dumps(data, indent=2))
    huge = folder / "huge.json"
    with huge.open("wb") as fh:
        fh.truncate(10_000_000)
    return small, big, huge


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    limit = plan_limit()
    with tempfile.TemporaryDirectory() as tmp:
        small, big, huge = make_plans(Path(tmp), limit)
        cases = [
            ("verify --status, a saved plan (baseline)", small, ["verify", str(small), "--status"]),
            (f"verify --status, just under {limit // 2**20} MiB", big, ["verify", str(big), "--status"]),
            ("verify --status, a 10 MB plan file", huge, ["verify", str(huge), "--status"]),
            ("verify --status, /dev/zero", Path("/dev/zero"), ["verify", "/dev/zero", "--status"]),
            ("export, a saved plan", small, ["export", str(small), "--ics", str(Path(tmp) / "a.ics")]),
        ]
        print(f"{'case':<44} {'size':>10} {'exit':>5} {'median s':>9} {'x base':>7} {'peak MB':>8} {'x base':>7}")
        base_s = base_mb = 0.0
        for label, path, argv in cases:  # the first case is the baseline
            runs = [schedplan(*argv) for _ in range(args.runs)]
            seconds, mb = statistics.median(r[0] for r in runs), max(r[1] for r in runs)
            base_s, base_mb = base_s or seconds, base_mb or mb
            exits = "/".join(str(c) for c in sorted({r[2] for r in runs}))
            size = path.stat().st_size
            print(
                f"{label:<44} {size:>10,} {exits:>5} {seconds:>9.3f} {seconds / base_s:>7.2f}"
                f" {mb:>8.1f} {mb / base_mb:>7.2f}"
            )
    print(f"runs per case: {args.runs}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
