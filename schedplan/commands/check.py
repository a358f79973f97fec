"""`schedplan check FILE.yaml ...`: every problem in a protocol or site policy file, as file:line:column: message."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from schedplan.errors import Exit

if TYPE_CHECKING:
    from schedplan.core.policy import SitePolicy

FINDINGS = 1  # problems found in a file, as linters exit; usage errors (a bad option) are Exit.BAD_INPUT, 2


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "check",
        help="validate protocol and site policy files and list every problem",
        description="Check protocol and site policy files (which one each is, is told from its keys) and print"
        " every problem as FILE:LINE:COLUMN: message. A shipped protocol id or policy name checks the shipped"
        " file.",
        epilog="Exit status: 0 every file is valid; 1 problems were found (listed on standard output);"
        " 2 a usage error (a bad option, an unknown --against protocol).",
    )
    p.add_argument(
        "files",
        nargs="+",
        metavar="FILE.yaml",
        help="protocol or site policy files, or shipped names (NCT07256210, example-astct-2014)",
    )
    p.add_argument(
        "--against",
        nargs="+",
        metavar="PROTOCOL",
        default=[],
        help="with a site policy: list its drugs these protocols do not give, and their drugs no rule names",
    )
    p.set_defaults(run=run)


def _print_coverage(policy: SitePolicy, protocol_names: list[str]) -> None:
    from schedplan.plans.sources import coverage

    cov = coverage(policy, protocol_names)
    print(f"  policy drugs no protocol gives: {', '.join(cov.unmatched_policy_drugs) or 'none'}")
    uncovered = [f"{drug} ({pid})" for pid, drug in cov.uncovered_protocol_drugs]
    print(f"  protocol drugs no rule names: {', '.join(uncovered) or 'none'}")


def run(args: argparse.Namespace) -> int:
    from schedplan.plans.shipped import check_target
    from schedplan.plans.sources import check_file

    failed = False
    for name in args.files:
        found = check_file(check_target(name))
        for problem in found.problems:
            print(problem.render())
        if found.problems:
            failed = True
            print(f"{name}: {_count(len(found.problems), 'problem')}", file=sys.stderr)
        elif found.site_policy is not None:
            print(f"{name}: ok (site policy {found.site_policy.name!r}, version {found.site_policy.version})")
            if args.against:
                _print_coverage(found.site_policy, args.against)
        elif found.protocol is not None:
            p = found.protocol
            print(f"{name}: ok ({p.id}, {_count(len(p.events), 'event')}, {_count(len(p.choices), 'choice')})")
    return FINDINGS if failed else Exit.OK
