"""Command line: argument parsing, one error handler, exit codes. Data to stdout, diagnostics to stderr."""

from __future__ import annotations

import argparse
import os
import sys
from types import ModuleType

from schedplan import __version__
from schedplan.core.text import one_line
from schedplan.errors import Exit, SchedplanError

__all__ = ["COMMANDS", "Exit", "build_parser", "main"]

# Each command lives in schedplan/commands/<name>.py with add_parser(subparsers) and run(args) -> int; only the
# chosen one is imported (so `schedplan --help` and `--version` import no command, no pydantic). The one-line
# help of each is here, for the list of commands.
COMMANDS: dict[str, str] = {
    "protocols": "list the shipped protocols",
    "plan": "calculate a schedule for a patient",
    "check": "validate protocol and site policy files and list every problem",
    "tui": "the terminal UI (the default when no command is given)",
    "export": "write a saved plan as an .ics calendar",
    "replan": "recalculate a saved plan after day 0 or the patient changed",
    "verify": "double-check every calculated dose of a saved plan and record the check",
}
DEFAULT_COMMAND = "tui"  # `schedplan` alone opens the terminal UI


def command_module(name: str) -> ModuleType:
    """The module of one command (imported here, on demand)."""
    if name == "protocols":
        from schedplan.commands import protocols

        return protocols
    if name == "plan":
        from schedplan.commands import plan

        return plan
    if name == "check":
        from schedplan.commands import check

        return check
    if name == "tui":
        from schedplan.commands import tui

        return tui
    if name == "export":
        from schedplan.commands import export

        return export
    if name == "replan":
        from schedplan.commands import replan

        return replan
    if name == "verify":
        from schedplan.commands import verify

        return verify
    raise KeyError(name)


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one line on stderr (what is wrong, where to read more), exit 2."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(Exit.BAD_INPUT, f"schedplan: error: {message} (see `{self.prog} --help`)\n")


def build_parser(chosen: str | None = None) -> argparse.ArgumentParser:
    """The parser: every command listed with its help line; only the ``chosen`` one complete (its module imported)."""
    parser = _Parser(
        prog="schedplan",
        description="Conditioning and infusion schedules for transplant and cellular-therapy units.",
    )
    parser.add_argument("--version", action="version", version=f"schedplan {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for name, help_line in COMMANDS.items():
        if name == chosen:
            command_module(name).add_parser(sub)
        else:
            sub.add_parser(name, help=help_line)
    parser.default_command = DEFAULT_COMMAND  # type: ignore[attr-defined]  # `schedplan` alone opens the terminal UI
    return parser


def _chosen(argv: list[str]) -> str | None:
    """The command named in ``argv`` (the first word that is not an option), if any."""
    for token in argv:
        if not token.startswith("-"):
            return token if token in COMMANDS else None
    return None


# Options whose value may start with '-' (a typo such as `--weight -70kg`, or `--set melphalan_day -2`):
# argparse would take the value for an option and say only "expected one argument".
_VALUE_OPTIONS = {
    "--weight", "--height", "--bsa", "--anchor-date", "--measured-on", "--set", "--time", "--alarm", "--label",
}


def _attach_values(argv: list[str]) -> list[str]:
    """``--weight -70kg`` -> ``--weight=-70kg``, so the value reaches its own check and message."""
    out: list[str] = []
    i = 0
    while i < len(argv):
        token = argv[i]
        nxt = argv[i + 1] if i + 1 < len(argv) else None
        if token in _VALUE_OPTIONS and nxt is not None and nxt.startswith("-") and not nxt.startswith("--"):
            out.append(f"{token}={nxt}")
            i += 2
            continue
        out.append(token)
        i += 1
    return out


def _escape_what_cannot_be_shown() -> None:
    """A terminal or pipe that cannot encode a character (LANG=C, PYTHONIOENCODING=ascii) gets it escaped
    (``\\xe9``) instead of the command crashing halfway through its output."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            try:
                reconfigure(errors="backslashreplace")
            except (ValueError, OSError):  # already written to in a way that cannot change; keep it
                pass


def main(argv: list[str] | None = None) -> int:
    _escape_what_cannot_be_shown()
    argv = _attach_values(sys.argv[1:] if argv is None else list(argv))
    chosen = _chosen(argv)
    parser = build_parser(chosen)
    args = parser.parse_args(argv)
    if args.command is None:
        argv = [DEFAULT_COMMAND, *argv]
        args = build_parser(DEFAULT_COMMAND).parse_args(argv)
    try:
        return int(args.run(args))
    except SchedplanError as exc:
        print(f"schedplan: error: {one_line(str(exc))}", file=sys.stderr)  # stored text: no control characters
        return Exit.BAD_INPUT
    except KeyboardInterrupt:
        print("schedplan: interrupted", file=sys.stderr)
        return Exit.INTERRUPTED
    except BrokenPipeError:
        # the reader (head, less) went away; nothing left to say
        sys.stderr.close()
        return Exit.OK
    except Exception as exc:  # a bug: say so plainly, no traceback unless asked for
        if os.environ.get("SCHEDPLAN_DEBUG"):
            raise
        print(
            f"schedplan: internal error ({type(exc).__name__}: {exc}). This is a bug in schedplan;"
            " run again with SCHEDPLAN_DEBUG=1 for details and report it.",
            file=sys.stderr,
        )
        return Exit.INTERNAL
