"""`schedplan check FILE.yaml`: every problem in a protocol file, as file:line:column: message."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from schedplan.cli import Exit


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("check", help="validate protocol files and list every problem")
    p.add_argument("files", nargs="+", metavar="FILE.yaml")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from schedplan.load.protocols import protocol_problems

    failed = False
    for name in args.files:
        protocol, problems, _ = protocol_problems(Path(name))
        for problem in problems:
            print(problem.render())
        if problems:
            failed = True
            print(f"{name}: {len(problems)} problem{'s' if len(problems) != 1 else ''}", file=sys.stderr)
        else:
            assert protocol is not None
            print(f"{name}: ok ({protocol.id}, {len(protocol.events)} events, {len(protocol.choices)} choices)")
    return Exit.BAD_INPUT if failed else Exit.OK
