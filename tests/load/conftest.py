"""A guarded in-process command line for files that once hung or ran out of memory: a forked child with a
memory limit and an alarm, so a regression fails the test instead of the machine."""

from __future__ import annotations

import contextlib
import io
import multiprocessing
import resource
import signal
from typing import Any

import pytest

from tests.conftest import Run

MEMORY_LIMIT = 1_500_000_000  # bytes of address space for the child
SECONDS = 20


def _child(argv: list[str], cwd: str | None, queue: Any) -> None:
    import os

    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))
    signal.alarm(SECONDS)
    if cwd is not None:
        os.chdir(cwd)
    from schedplan.cli import main

    out = io.TextIOWrapper(io.BytesIO(), encoding="utf-8")
    err = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(argv)
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 1
        except MemoryError:
            code = -1
        out.flush()
    queue.put((code, out.buffer.getvalue().decode("utf-8", "replace"), err.getvalue()))  # type: ignore[attr-defined]


@pytest.fixture
def guarded_cli():
    """``guarded_cli("check", path)``: schedplan.cli.main in a forked child; a hang or an exhausted memory
    limit comes back as exit code -9 with the reason on err."""

    def run(*argv: str, cwd: str | None = None) -> Run:
        ctx = multiprocessing.get_context("fork")
        queue = ctx.Queue()
        proc = ctx.Process(target=_child, args=(list(argv), cwd, queue))
        proc.start()
        try:
            code, out, err = queue.get(timeout=SECONDS + 5)
        except Exception:
            proc.kill()
            proc.join()
            return Run(-9, "", f"child ended without an answer (exit {proc.exitcode}): a hang or out of memory")
        proc.join()
        return Run(code, out, err)

    return run
