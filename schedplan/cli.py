"""Command line: argument parsing, one error handler, exit codes. Data to stdout, diagnostics to stderr."""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from enum import IntEnum

from schedplan import __version__
from schedplan.errors import SchedplanError

# Each command lives in schedplan/commands/<name>.py with add_parser(subparsers) and run(args) -> int.
# Heavy imports (textual, icalendar) happen inside run(), so `schedplan plan` stays fast.
COMMANDS = ["protocols", "plan", "check", "tui", "export", "replan", "verify", "print"]


class Exit(IntEnum):
    OK = 0
    BAD_INPUT = 2  # the user's input or a protocol file is unusable (`check`: problems found)
    INTERNAL = 70  # a bug in schedplan (EX_SOFTWARE)


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one line on stderr (what is wrong, where to read more), exit 2."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(Exit.BAD_INPUT, f"schedplan: error: {message} (see `{self.prog} --help`)\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="schedplan",
        description="Conditioning and infusion schedules for transplant and cellular-therapy units.",
    )
    parser.add_argument("--version", action="version", version=f"schedplan {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMANDS:
        importlib.import_module(f"schedplan.commands.{name}").add_parser(sub)
    parser.default_command = "tui"  # type: ignore[attr-defined]  # `schedplan` alone opens the terminal UI
    return parser


# Options whose value may start with '-' (a typo such as `--weight -70kg`, or `--set melphalan_day -2`):
# argparse would take the value for an option and say only "expected one argument".
_VALUE_OPTIONS = {"--weight", "--height", "--bsa", "--anchor-date", "--measured-on", "--set", "--time", "--alarm", "--label"}


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


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    argv = _attach_values(sys.argv[1:] if argv is None else list(argv))
    args = parser.parse_args(argv)
    if args.command is None:
        default = getattr(parser, "default_command", None)
        if default is None:
            parser.print_help()
            return Exit.OK
        args = parser.parse_args([default, *argv])
    try:
        return int(args.run(args))
    except SchedplanError as exc:
        print(f"schedplan: error: {exc}", file=sys.stderr)
        return Exit.BAD_INPUT
    except KeyboardInterrupt:
        print("schedplan: interrupted", file=sys.stderr)
        return 130
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
