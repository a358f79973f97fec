"""20 processes change one plan file at once (verify, replan, export): no recorded check and no replan is lost."""

from __future__ import annotations

import json
import subprocess
import sys

ARGS = [
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


def _run(*argv: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "schedplan", *argv], capture_output=True, text=True, timeout=300)


def test_twenty_processes_lose_no_check_and_no_replan(tmp_path):
    path = tmp_path / "p.json"
    assert _run(*ARGS, "--save", str(path)).returncode == 0
    # the dose lines ("ID: ..."), after the lines of inputs the checker works from
    listing = [x for x in _run("verify", str(path), "--list").stdout.splitlines() if "@" in x.split(": ")[0]]
    answers = tmp_path / "answers.json"
    answers.write_text(json.dumps({line.split(": ")[0]: 1 for line in listing}))  # every dose a mismatch: exit 1

    procs = []
    for n in range(20):
        if n % 4 == 1:
            argv = ["replan", str(path), "--anchor-date", f"2027-04-{n:02d}"]
        elif n % 4 == 3:
            argv = ["export", str(path), "--ics", str(tmp_path / f"c{n}.ics")]
        else:
            argv = ["verify", str(path), "--answers", str(answers), "--checker", f"checker-{n}"]
        procs.append(
            (
                argv,
                subprocess.Popen(
                    [sys.executable, "-m", "schedplan", *argv],
                    stdout=subprocess.PIPE,
                    stderr=subprocess.PIPE,
                    text=True,
                ),
            )
        )
    results = [(argv, *p.communicate(timeout=300), p.returncode) for argv, p in procs]

    final = json.loads(path.read_text())
    recorded = [argv[-1] for argv, out, err, code in results if argv[0] == "verify" and "Recorded in" in out]
    refused = [argv for argv, out, err, code in results if argv[0] == "verify" and "Recorded in" not in out]
    for argv in refused:  # a check begun before a replan is refused, saying so, never silently dropped
        err = next(e for a, o, e, c in results if a is argv)
        assert "nothing was recorded" in err or "no longer matches" in err, err
    assert sorted(c["checker"] for c in final["checks"]) == sorted(recorded)
    replans = [argv[-1] for argv, out, err, code in results if argv[0] == "replan"]
    assert all(code == 0 for argv, out, err, code in results if argv[0] == "replan")
    # the file holds one of the replans, consistent: its inputs give its schedule
    assert final["inputs"]["anchor_date"] in replans
    assert final["schedule"]["anchor_date"] == final["inputs"]["anchor_date"]
    assert all(code in (0, 2) for argv, out, err, code in results if argv[0] == "export")
