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
COMMANDS = ["protocols", "plan", "check", "tui", "export", "replan", "verify"]


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


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        default = getattr(parser, "default_command", None)
        if default is None:
            parser.print_help()
            return Exit.OK
        args = parser.parse_args([default, *(sys.argv[1:] if argv is None else argv)])
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
