"""`schedplan check FILE.yaml ...`: every problem in a protocol or site policy file, as file:line:column: message."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from schedplan.errors import Exit

if TYPE_CHECKING:
    from schedplan.core.policy import SitePolicy


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("check", help="validate protocol and site policy files and list every problem")
    p.add_argument("files", nargs="+", metavar="FILE.yaml", help="protocol files, or site policy files")
    p.add_argument(
        "--against", nargs="+", metavar="PROTOCOL", default=[],
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
            if args.against:
                _print_coverage(found.site_policy, args.against)
        elif found.protocol is not None:
            p = found.protocol
            print(f"{name}: ok ({p.id}, {len(p.events)} events, {len(p.choices)} choices)")
    return Exit.BAD_INPUT if failed else Exit.OK
