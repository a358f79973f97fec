#!/usr/bin/env python3
"""Terminal UI timings: time to first paint, and recalculation as a field changes (issue 4: well under 100 ms).

    .venv/bin/python bench/tui_bench.py [--runs N] [--paint-only] [--tmux] [--before DIR]

First paint: from before the first import to the first frame drawn by a headless app (in a fresh interpreter
each run, so imports count), and to the app idle (every widget mounted and drawn); for the picker (no target),
a protocol given, and a minimal Textual app (issue 8: the picker at most 1.5x). --tmux times the same in a real
terminal (launch to text on screen); --before DIR times another checkout's picker in the same run (a before/after
table). Recalculation: one keystroke's worth of work - read the form, core.schedule.plan, and redraw the
calendar, month grid and dose check - then the next screen refresh, for the largest seed schedules.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import NamedTuple

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# Each script prints four figures, from before its first import (interpreter start-up not counted): the wall
# and CPU time to the first frame showing what the person came for (schedplan: the protocol picker; the minimal
# app: its screen), then to the app idle - every widget mounted and drawn, ready for a key. Headless, the frame
# is the first one the app hands its driver to write (App._display, not while it is mounting: _batch_count).
FRAME_HOOK = r"""
import time, sys
t0, c0 = time.perf_counter(), time.process_time()
from textual.app import App
_display = App._display
_painted = []
def _first_frame(self, screen, renderable):
    if renderable is not None and not self._batch_count and not _painted and type(screen).__name__ in {screens}:
        _painted.append((time.perf_counter() - t0, time.process_time() - c0))
    return _display(self, screen, renderable)
App._display = _first_frame
async def auto(pilot):
    await pilot.pause()
    ready = (time.perf_counter() - t0, time.process_time() - c0)
    frame = _painted[0] if _painted else ready
    sys.stderr.write(f"{{frame[0]:.4f}} {{frame[1]:.4f}} {{ready[0]:.4f}} {{ready[1]:.4f}}\n")
    pilot.app.exit()
"""

FIRST_PAINT = (
    FRAME_HOOK
    + r"""
from schedplan.commands.tui import make_app
make_app({target!r}).run(headless=True, size=(80, 24), auto_pilot=auto)
"""
)

# issue 8: the UI's first paint (the protocol list on screen) against the first paint of a minimal Textual app
# - a header, one line of text, a footer - measured the same way (fresh interpreter, headless, 80x24)
MINIMAL_APP = r"""
from textual.app import App
from textual.widgets import Footer, Header, Static
class Minimal(App):
    def compose(self):
        yield Header()
        yield Static("one line of text")
        yield Footer()
"""
MINIMAL = (
    FRAME_HOOK.format(screens="('Screen',)")
    + MINIMAL_APP
    + "Minimal().run(headless=True, size=(80, 24), auto_pilot=auto)\n"
)

CASES = [
    # protocol, anchor, choices, all days
    ("NCT05184816", "2027-03-01", {"cohort": "9", "cycles": "52"}, False),
    (
        "NCT07256210",
        "2027-03-15",
        {"donor": "haploidentical", "conditioning": "treosulfan", "nk_dose_level": "3"},
        False,
    ),
    (
        "NCT07256210",
        "2027-03-15",
        {"donor": "haploidentical", "conditioning": "treosulfan", "nk_dose_level": "3"},
        True,
    ),
]


class Paint(NamedTuple):
    """One start, in seconds from before the first import: wall and CPU to the first frame and to idle."""

    frame: float
    frame_cpu: float
    idle: float
    idle_cpu: float


def child_env(cache: str) -> dict[str, str]:
    """As an installed schedplan runs: its bytecode written (PYTHONDONTWRITEBYTECODE dropped; the first,
    unmeasured, run of each checkout writes it), and empty cache and config folders (no user's site policy; the
    parsed-file cache filled by that first run), never the user's."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["XDG_CACHE_HOME"] = os.path.join(cache, "cache")
    env["XDG_CONFIG_HOME"] = os.path.join(cache, "config")
    return env


def first_paint(target: str | None, runs: int, env: dict[str, str], root: Path = ROOT) -> list[Paint]:
    # with no target the first frame that counts is the picker's; with one, the main screen's
    script = FIRST_PAINT.format(screens="('ProtocolPicker',)" if target is None else "('Screen',)", target=target)
    return [_painted(script, env, root) for _ in range(runs)]


def _painted(script: str, env: dict[str, str], root: Path = ROOT) -> Paint:
    """One start in a fresh interpreter in ``root`` (whose schedplan it imports)."""
    r = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=root, env=env)
    return Paint(*(float(x) for x in r.stderr.strip().splitlines()[-1].split()))


def paint_ratio(runs: int, env: dict[str, str], before: Path | None = None) -> dict[str, list[Paint]]:
    """The picker's first paint (and, given ``before``, that checkout's), and the minimal app's, measured
    alternately in one run so that the machine's load hits each alike."""
    found: dict[str, list[Paint]] = {"picker": [], "before": [], "minimal": []}
    for _ in range(runs):
        found["picker"].extend(first_paint(None, 1, env))
        if before is not None:
            found["before"].extend(first_paint(None, 1, env, before))
        found["minimal"].append(_painted(MINIMAL, env))
    return found


def tmux_paint(runs: int, env: dict[str, str], before: Path | None = None) -> dict[str, list[float]] | None:
    """The same first paints in a real terminal: from launching the command in a new tmux session (80x24) until
    capture-pane shows the protocol list (`schedplan tui`, no target) or the minimal app's line. None without
    tmux. Polling every 5 ms, so each figure is up to ~5 ms late (all alike)."""
    if shutil.which("tmux") is None:
        return None
    session = f"schedplan-bench-{os.getpid()}"
    ours = [sys.executable, "-m", "schedplan", "tui"]
    commands = {  # name: (command, folder, text that shows it is drawn)
        "picker": (ours, ROOT, "protocols"),  # the picker's "5 of 5 protocols"
        "minimal": ([sys.executable, "-c", MINIMAL_APP + "Minimal().run()\n"], ROOT, "one line of text"),
    }
    if before is not None:
        commands["before"] = (ours, before, "protocols")
    # a session that only keeps the tmux server up, so each run starts the same way: a new 80x24 session
    subprocess.run(
        ["tmux", "-f", "/dev/null", "new-session", "-d", "-s", f"{session}-server", "sleep 3600"], check=True, env=env
    )
    found: dict[str, list[float]] = {name: [] for name in commands}
    try:
        for _ in range(runs):
            for name, (argv, folder, text) in commands.items():
                cmd = " ".join(shlex.quote(a) for a in argv)
                t0 = time.perf_counter()
                subprocess.run(
                    ["tmux", "new-session", "-d", "-s", session, "-x", "80", "-y", "24", "-c", str(folder), cmd],
                    check=True,
                    env=env,
                )
                while time.perf_counter() - t0 < 10:
                    screen = subprocess.run(
                        ["tmux", "capture-pane", "-p", "-t", session], capture_output=True, text=True
                    ).stdout
                    if text in screen:
                        found[name].append(time.perf_counter() - t0)
                        break
                    time.sleep(0.005)
                subprocess.run(["tmux", "kill-session", "-t", session], check=False)
                time.sleep(0.3)
    finally:
        subprocess.run(["tmux", "kill-session", "-t", f"{session}-server"], check=False)
    return found


async def recalc(
    protocol: str, anchor: str, choices: dict[str, str], all_days: bool, runs: int
) -> tuple[list[float], list[float], list[float]]:
    from textual.widgets import Input, Select

    from schedplan.commands.tui import make_app
    from schedplan.tui.planning import compute
    from schedplan.tui.widgets.calendar import ScheduleList
    from schedplan.tui.widgets.form import PatientForm

    app = make_app(protocol)
    full, core, painted = [], [], []
    async with app.run_test(size=(120, 40)) as pilot:
        app.query_one("#f-weight", Input).value = "70"
        app.query_one("#f-height", Input).value = "175"
        app.query_one("#f-anchor", Input).value = anchor
        for key, value in choices.items():
            w = app.query_one(f"#f-choice-{key}")
            if isinstance(w, Select):
                w.value = value
            else:
                w.value = value
        await pilot.pause()
        assert app.plan is not None, app.outcome
        if all_days:
            app.query_one(ScheduleList).action_toggle_all()
        await pilot.pause()
        weight = app.query_one("#f-weight", Input)
        for i in range(runs):
            weight.value = "70" if i % 2 else "71"  # a keystroke's change (its own FormChanged then finds nothing new)
            t0 = time.perf_counter()
            app.recalculate()
            full.append(time.perf_counter() - t0)
            await pilot.pause()  # the refresh that draws it (plus the pilot's own wait for idle)
            painted.append(time.perf_counter() - t0)
            values = app.query_one(PatientForm).values()
            t0 = time.perf_counter()
            compute(app.entry, values)
            core.append(time.perf_counter() - t0)
        events = len(app.plan.events)
        rows = app.query_one(ScheduleList).option_count
    print(f"  {protocol} {'(every day) ' if all_days else ''}{events} events, {rows} calendar rows")
    return full, core, painted


def ms(xs: list[float]) -> str:
    xs = sorted(xs)
    p95 = xs[max(0, int(len(xs) * 0.95) - 1)]
    return f"median {statistics.median(xs) * 1000:7.1f} ms   p95 {p95 * 1000:7.1f} ms   max {xs[-1] * 1000:7.1f} ms"


def paints(args: argparse.Namespace, env: dict[str, str]) -> None:
    for root in (ROOT, args.before):  # one unmeasured start each: bytecode written, protocols in the cache
        if root is not None:
            first_paint(None, 1, env, root)
    print("time to first paint (fresh interpreter, imports included; headless 80x24), wall and CPU")
    print("  frame: the first frame showing it; idle: every widget mounted and drawn, ready for a key")
    for target in (None, "NCT07256210"):
        _print(target or "picker", first_paint(target, max(3, args.runs // 4), env))
    print("the picker against a minimal Textual app (header, a line, footer), alternating in one run")
    found = paint_ratio(max(5, args.runs // 2), env, args.before)
    names = {"picker": "picker", "before": f"picker in {args.before}", "minimal": "minimal app"}
    for name, runs in found.items():
        if runs:
            _print(names[name], runs)
    for name in ("before", "picker"):
        if found[name]:
            ratios = []
            for field in Paint._fields:
                mine = statistics.median(getattr(p, field) for p in found[name])
                ratios.append(f"{field} {mine / statistics.median(getattr(p, field) for p in found['minimal']):.2f}x")
            print(f"  {names[name]} / minimal app: {', '.join(ratios)}  (target: frame at most 1.5x)")
    if args.tmux:
        shown = tmux_paint(max(3, args.runs // 4), env, args.before)
        if shown is None:
            print("  tmux: not installed")
        else:
            print("in tmux (80x24): from launching `python -m schedplan tui` / the minimal app to its text on screen")
            for name, times in shown.items():
                ratio = statistics.median(times) / statistics.median(shown["minimal"])
                print(f"  {names[name]}: {ms(times)}   {ratio:.2f}x the minimal app")


def _print(name: str, runs: list[Paint]) -> None:
    pad = " " * len(name)
    print(f"  {name}: frame {ms([p.frame for p in runs])}   CPU {ms([p.frame_cpu for p in runs])}")
    print(f"  {pad}  idle  {ms([p.idle for p in runs])}   CPU {ms([p.idle_cpu for p in runs])}")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=20)
    ap.add_argument("--tmux", action="store_true", help="also time both first paints in a real terminal (tmux)")
    ap.add_argument("--paint-only", action="store_true", help="the first paints only, not the recalculation")
    ap.add_argument(
        "--before",
        type=Path,
        metavar="DIR",
        help="another checkout (e.g. `git archive <commit>` unpacked) whose picker is timed in the same run",
    )
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="schedplan-tui-bench-") as tmp:
        paints(args, child_env(tmp))
    if args.paint_only:
        return 0
    print("recalculation on a field change (form -> plan -> views -> refresh)")
    for case in CASES:
        full, core, painted = asyncio.run(recalc(*case, runs=args.runs))
        print(f"    plan() only:            {ms(core)}")
        print(f"    form -> plan -> views:  {ms(full)}")
        print(f"    ... + next refresh:     {ms(painted)}  (upper bound: includes the pilot's wait)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
