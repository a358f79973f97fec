"""`schedplan check FILE.yaml ...`: every problem in a protocol or site policy file, as file:line:column: message."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from schedplan.errors import Exit


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("check", help="validate protocol and site policy files and list every problem")
    p.add_argument("files", nargs="+", metavar="FILE.yaml", help="protocol files, or site policy files")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from schedplan.plans.sources import check_file

    failed = False
    for name in args.files:
        found = check_file(Path(name))
        for problem in found.problems:
            print(problem.render())
        if found.problems:
            failed = True
            n = len(found.problems)
            print(f"{name}: {n} problem{'s' if n != 1 else ''}", file=sys.stderr)
        elif found.site_policy is not None:
            print(f"{name}: ok (site policy {found.site_policy.name!r}, version {found.site_policy.version})")
        elif found.protocol is not None:
            p = found.protocol
            print(f"{name}: ok ({p.id}, {len(p.events)} events, {len(p.choices)} choices)")
    return Exit.BAD_INPUT if failed else Exit.OK
