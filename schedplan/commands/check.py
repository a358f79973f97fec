"""`schedplan check FILE.yaml ...`: every problem in a protocol or site policy file, as file:line:column: message."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from schedplan.cli import Exit

if TYPE_CHECKING:
    from schedplan.core.policy import SitePolicy


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("check", help="validate protocol and site policy files and list every problem")
    p.add_argument("files", nargs="+", metavar="FILE.yaml", help="protocol files, or site policy files")
    p.add_argument(
        "--against", nargs="+", metavar="PROTOCOL", default=[],
        help="with a site policy: list its drugs these protocols do not give, and their drugs no rule names",
    )
    p.set_defaults(run=run)


def _is_policy(path: Path) -> bool:
    """A site policy has no events and names its rules; anything else is checked as a protocol."""
    from schedplan.load.yaml_source import YamlSyntaxError, read_yaml

    try:
        doc, _ = read_yaml(path)
    except (OSError, YamlSyntaxError):
        return False
    keys = set(doc.data) if isinstance(doc.data, dict) else set()
    return "events" not in keys and bool(keys & {"dosing_weight", "bsa_cap", "max_dose", "rounding", "weight_change_percent", "country"})


def _print_coverage(policy: SitePolicy, protocol_names: list[str]) -> None:
    from schedplan.core.policy import policy_coverage
    from schedplan.load.protocols import find_protocol

    cov = policy_coverage(policy, [find_protocol(n).protocol for n in protocol_names])
    print(f"  policy drugs no protocol gives: {', '.join(cov.unmatched_policy_drugs) or 'none'}")
    uncovered = [f"{drug} ({pid})" for pid, drug in cov.uncovered_protocol_drugs]
    print(f"  protocol drugs no rule names: {', '.join(uncovered) or 'none'}")


def run(args: argparse.Namespace) -> int:
    from schedplan.load.policy import policy_problems
    from schedplan.load.protocols import protocol_problems

    failed = False
    for name in args.files:
        path = Path(name)
        policy = _is_policy(path)
        obj, problems, _ = (policy_problems if policy else protocol_problems)(path)
        for problem in problems:
            print(problem.render())
        if problems:
            failed = True
            print(f"{name}: {len(problems)} problem{'s' if len(problems) != 1 else ''}", file=sys.stderr)
        elif policy:
            print(f"{name}: ok (site policy {obj.name!r}, version {obj.version})")
            if args.against:
                _print_coverage(obj, args.against)
        else:
            print(f"{name}: ok ({obj.id}, {len(obj.events)} events, {len(obj.choices)} choices)")
    return Exit.BAD_INPUT if failed else Exit.OK
