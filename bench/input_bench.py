#!/usr/bin/env python3
"""Bad and big input files: time and peak memory of `schedplan check` (issue 9: under 1 s and 200 MB).

    .venv/bin/python bench/input_bench.py [--runs N]

Each case runs `python -m schedplan check FILE` in a fresh process; its wall time and peak resident memory
(os.wait4's rusage, ru_maxrss) are the median and maximum over the runs. This script imports nothing of
schedplan itself: on Linux a child's ru_maxrss starts from its parent's at fork, so a big parent would hide
the child's own peak. The same run measures `check` of
a shipped protocol as the baseline: the machines are shared and noisy, so read the ratios beside seconds.
Cases: the billion-laughs alias bomb (tests/fixtures/bad), a generated 10 MB protocol (refused by size
before reading), a generated protocol just under the size limit (the largest file that is parsed), and
the other tests/fixtures/bad files that once hung or ran out of memory.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BAD = ROOT / "tests" / "fixtures" / "bad"
SHIPPED = ROOT / "protocols" / "NCT07256210.yaml"
TARGET_SECONDS, TARGET_MB = 1.0, 200


def protocol_of_size(size: int, path: Path) -> Path:
    """A valid-looking protocol of about ``size`` bytes: the shipped one with its events repeated (new ids).
    Written chunk by chunk, so this process stays small (see above)."""
    head, _, events = SHIPPED.read_text().partition("events:\n")
    with path.open("w") as out:
        out.write(head + "events:\n")
        total, i = len(head) + 8, 0
        while True:
            chunk = events.replace("- id: ", f"- id: x{i}-")
            if total + len(chunk) > size:
                break
            out.write(chunk)
            total += len(chunk)
            i += 1
    return path


def run_once(path: Path) -> tuple[float, float, int]:
    """(seconds, peak MB, exit code) of one `check` in a fresh interpreter."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-m", "schedplan", "check", str(path)],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - t0
    proc.returncode = os.waitstatus_to_exitcode(status)
    return seconds, usage.ru_maxrss / 1024, proc.returncode  # ru_maxrss is in KiB on Linux


def measure(path: Path, runs: int) -> tuple[float, float, set[int]]:
    results = [run_once(path) for _ in range(runs)]
    return statistics.median(r[0] for r in results), max(r[1] for r in results), {r[2] for r in results}


def file_limit() -> int:
    """The size limit of a protocol file, asked of schedplan in a child (not imported here; see above)."""
    code = "from schedplan.load.yaml_source import MAX_FILE_BYTES as m; print(m)"
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    return int(done.stdout)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    limit = file_limit()
    with tempfile.TemporaryDirectory() as tmp:
        cases = [
            ("shipped protocol (baseline)", SHIPPED),
            ("billion laughs (342 bytes)", BAD / "billion-laughs.yaml"),
            ("10 MB protocol", protocol_of_size(10_000_000, Path(tmp) / "ten-mb.yaml")),
            (
                f"protocol just under the {limit // 1024} KiB limit",
                protocol_of_size(limit, Path(tmp) / "at-limit.yaml"),
            ),
            *[
                (f"bad/{name}", BAD / name)
                for name in (
                    "range-to-1e9.yaml",
                    "anchor-cycles-1e9.yaml",
                    "integer-1e999999999.yaml",
                    "split-tiny-fraction.yaml",
                    "deep-nesting.yaml",
                    "number-4301-digits.yaml",
                    "many-entries.yaml",
                )
            ],
        ]
        print(f"{'case':<44} {'size':>10} {'exit':>5} {'median s':>9} {'x base':>7} {'peak MB':>8} {'x base':>7}  ok")
        failed = False
        base_s = base_mb = 0.0
        for label, path in cases:  # the first case is the baseline
            seconds, mb, codes = measure(path, args.runs)
            base_s, base_mb = base_s or seconds, base_mb or mb
            ok = seconds < TARGET_SECONDS and mb < TARGET_MB
            failed |= not ok
            exits = "/".join(map(str, sorted(codes)))
            print(
                f"{label:<44} {path.stat().st_size:>10,} {exits:>5} {seconds:>9.3f} {seconds / base_s:>7.2f}"
                f" {mb:>8.1f} {mb / base_mb:>7.2f}  {'yes' if ok else 'NO'}"
            )
    print(f"targets: under {TARGET_SECONDS} s and {TARGET_MB} MB per case; runs per case: {args.runs}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
