"""Command line: argument parsing, one error handler, exit codes. Data to stdout, diagnostics to stderr."""

from __future__ import annotations

import argparse
import gc
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from types import ModuleType
from typing import Any

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
    "amend": "record a hold, delay, dose modification or dose given in a saved plan",
    "show": "show a saved plan as the course stands (holds, delays, modifications, doses given)",
    "policies": "list the shipped site policies, or copy one out to edit",
    "docs": "show where the protocol-format and site-policy documentation is",
    "completion": "print a shell completion script (bash or zsh)",
    "publish": "put a saved plan into a CalDAV calendar and keep it up to date",
    "print": "print a saved plan: a patient handout or a staff schedule, as PDF and HTML",
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
    if name == "amend":
        from schedplan.commands import amend

        return amend
    if name == "show":
        from schedplan.commands import show

        return show
    if name == "policies":
        from schedplan.commands import policies

        return policies
    if name == "docs":
        from schedplan.commands import docs

        return docs
    if name == "completion":
        from schedplan.commands import completion

        return completion
    if name == "publish":
        from schedplan.commands import publish

        return publish
    if name == "print":
        from schedplan.commands import print as print_command

        return print_command
    raise KeyError(name)


# --- single-value options given twice are refused (`--weight 62kg ... --weight 70kg`) ---------------------

_SEEN = "_options_given"  # the namespace attribute listing the single-value options given so far


def _once(action: argparse.Action, namespace: argparse.Namespace, option: str | None, values: Any = None) -> None:
    """Refuse a second value for ``action``'s destination (two spellings of it count as one option)."""
    seen: dict[str, str] = namespace.__dict__.setdefault(_SEEN, {})
    said = option or "/".join(action.option_strings)
    if isinstance(values, str):
        said += f" {values}"
    elif isinstance(values, list) and values:
        said += " " + " ".join(str(v) for v in values)
    if action.dest in seen:
        raise argparse.ArgumentError(action, f"given twice ({seen[action.dest]}, then {said}): give it once")
    seen[action.dest] = said


class StoreOnce(argparse._StoreAction):
    """``store``, refusing a second occurrence."""

    def __call__(
        self, parser: argparse.ArgumentParser, namespace: argparse.Namespace, values: Any, option: str | None = None
    ) -> None:
        if self.option_strings:
            _once(self, namespace, option, values)
        super().__call__(parser, namespace, values, option)


class StoreConstOnce(argparse._StoreConstAction):
    """``store_const`` (and so ``store_true``/``store_false``), refusing a second occurrence."""

    def __call__(
        self, parser: argparse.ArgumentParser, namespace: argparse.Namespace, values: Any, option: str | None = None
    ) -> None:
        _once(self, namespace, option)
        super().__call__(parser, namespace, values, option)


class StoreTrueOnce(StoreConstOnce):
    def __init__(self, option_strings: Sequence[str], dest: str, default: Any = False, **kwargs: Any) -> None:
        super().__init__(option_strings, dest, const=True, default=default, **kwargs)


class StoreFalseOnce(StoreConstOnce):
    def __init__(self, option_strings: Sequence[str], dest: str, default: Any = True, **kwargs: Any) -> None:
        super().__init__(option_strings, dest, const=False, default=default, **kwargs)


def _refuse_repeats(parser: argparse.ArgumentParser) -> None:
    """Make every single-value option ``parser`` (and its argument groups) adds refuse a repeat; ``append``
    options (--set, --override) stay repeatable."""
    parser.register("action", None, StoreOnce)
    parser.register("action", "store", StoreOnce)
    parser.register("action", "store_const", StoreConstOnce)
    parser.register("action", "store_true", StoreTrueOnce)
    parser.register("action", "store_false", StoreFalseOnce)


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one line on stderr (what is wrong, where to read more), exit 2; no
    abbreviated option names (`--w` is not `--weight`), and a single-value option given twice is refused."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        kwargs["allow_abbrev"] = False
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        _refuse_repeats(self)

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(Exit.BAD_INPUT, f"schedplan: error: {message} (see `{self.prog} --help`)\n")


def build_parser(chosen: str | None = None, *, full: bool = False) -> argparse.ArgumentParser:
    """The parser: every command listed with its help line; only the ``chosen`` one complete (its module
    imported), or every one with ``full`` (for shell completion and the tests of the help texts)."""
    parser = _Parser(
        prog="schedplan",
        description="Conditioning and infusion schedules for transplant and cellular-therapy units.",
    )
    parser.add_argument("--version", action="version", version=f"schedplan {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for name, help_line in COMMANDS.items():
        if full or name == chosen:
            command_module(name).add_parser(sub)
        else:
            sub.add_parser(name, help=help_line)
    parser.default_command = DEFAULT_COMMAND  # type: ignore[attr-defined]  # `schedplan` alone opens the terminal UI
    return parser


def build_full_parser() -> argparse.ArgumentParser:
    """The parser with every command complete."""
    return build_parser(full=True)


def _chosen(argv: list[str]) -> str | None:
    """The command named in ``argv`` (the first word that is not an option), if any."""
    for token in argv:
        if not token.startswith("-"):
            return token if token in COMMANDS else None
    return None


# Options whose value may start with '-' (a typo such as `--weight -70kg`, or `--set melphalan_day -2`):
# argparse would take the value for an option and say only "expected one argument". Their exact names only:
# abbreviations are refused.
_VALUE_OPTIONS = {
    "--weight",
    "--height",
    "--bsa",
    "--anchor-date",
    "--measured-on",
    "--set",
    "--time",
    "--alarm",
    "--label",
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


_NO_PLUGINS = "PYDANTIC_DISABLE_PLUGINS"  # pydantic's documented switch: "__all__" = load no plugin


@contextmanager
def _without_pydantic_plugins() -> Iterator[None]:
    """schedplan uses no pydantic plugin, so pydantic is told so while a command runs: its first schema then does
    not search every installed package's entry points for one (start-up, issue 8), and no plugin installed for
    another program sees the patients' data. The setting is meant for this process alone: it is in ``os.environ``,
    which pydantic reads, but not in the C environment a child started without ``env=`` inherits (``os.unsetenv``);
    a child given a copy of ``os.environ`` would see it (schedplan starts only ssh-keygen, without one). It is gone
    when the command returns. A value the user set is left as it is."""
    if _NO_PLUGINS in os.environ:
        yield
        return
    os.environ[_NO_PLUGINS] = "__all__"
    os.unsetenv(_NO_PLUGINS)  # os.environ keeps it; the C environment, which children inherit, does not
    try:
        yield
    finally:
        os.environ.pop(_NO_PLUGINS, None)


def _started() -> None:
    """Start-up is over (the command's modules imported, its arguments parsed): what it made - modules, classes,
    the parser - lives until the process ends, so it is frozen (``gc.freeze``: left out of every later collection,
    the one at exit too) and the cyclic garbage collector, paused since main began, resumes for the command's
    own work. The collector's repeated scans of those objects were ~12 % of a `plan` run's CPU (bench/)."""
    gc.freeze()
    gc.enable()


def main(argv: list[str] | None = None) -> int:
    """Run one command; the exit status. ``argv`` None: schedplan is this process's program (the console
    script, ``python -m schedplan``), whose start-up runs with the garbage collector paused (``_started``). A
    caller that passes ``argv`` (a test, a script) keeps its collector as it is."""
    program = argv is None and gc.isenabled()
    if program:
        gc.disable()
    try:
        with _without_pydantic_plugins():
            return _main(argv, _started if program else None)
    finally:
        if program:
            gc.enable()  # on in any case, also when start-up ended early (a usage error, --help)


def _main(argv: list[str] | None, started: Callable[[], None] | None = None) -> int:
    _escape_what_cannot_be_shown()
    argv = _attach_values(sys.argv[1:] if argv is None else list(argv))
    chosen = _chosen(argv)
    parser = build_parser(chosen)
    args = parser.parse_args(argv)
    if args.command is None:
        argv = [DEFAULT_COMMAND, *argv]
        args = build_parser(DEFAULT_COMMAND).parse_args(argv)
    if args.command == "completion":
        args.full_parser = build_full_parser  # the script is generated from every command's options
    if started is not None:
        started()
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
