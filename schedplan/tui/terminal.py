"""Whether the terminal UI can run here (a terminal on stdin and stdout, not TERM=dumb); imports no textual."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Protocol


class _Stream(Protocol):
    def isatty(self) -> bool: ...


def text_command(target: str | None = None) -> str:
    """The command that prints the same plan as text, for the protocol (or plan file) the UI was asked to open."""
    example = "--weight 62kg --height 168cm --anchor-date YYYY-MM-DD"
    if target and Path(target).suffix.lower() not in (".yaml", ".yml") and Path(target).is_file():
        return f"schedplan plan PROTOCOL {example} (with the inputs saved in {target})"
    return f"schedplan plan {target or 'PROTOCOL'} {example}"


def no_terminal_reason(
    stdin: _Stream, stdout: _Stream, environ: Mapping[str, str], target: str | None = None
) -> str | None:
    """One line saying why the UI cannot run here and which command gives the plan as text; None when it can."""
    if not _isatty(stdin) or not _isatty(stdout):
        where = "standard input" if not _isatty(stdin) else "standard output"
        why = f"the terminal UI needs a terminal, and {where} is not one"
    elif environ.get("TERM", "").strip().lower() == "dumb":
        why = "the terminal UI needs a terminal that can draw it, and TERM=dumb cannot"
    else:
        return None
    return f"{why}; for the plan as text use: {text_command(target)}"


def _isatty(stream: _Stream | None) -> bool:
    try:
        return stream is not None and stream.isatty()
    except (ValueError, OSError):  # a closed stream
        return False
