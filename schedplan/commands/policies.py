"""`schedplan policies [--copy NAME FILE.yaml]`: the shipped site policies, and one copied out for a site to edit."""

from __future__ import annotations

import argparse
import sys


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "policies",
        help="list the shipped site policies, or copy one out to edit",
        description="List the site policies shipped with schedplan (each an example, never a default), or"
        " copy one to a file a unit edits into its own: `schedplan policies --copy example-astct-2014"
        " site.yaml`, then `schedplan check site.yaml` and `--site site.yaml`.",
    )
    p.add_argument(
        "--copy",
        nargs=2,
        metavar=("NAME", "FILE.yaml"),
        help="write the shipped policy NAME to FILE.yaml (never over an existing file without --replace)",
    )
    p.add_argument("--replace", action="store_true", help="with --copy: write over an existing FILE.yaml")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from schedplan.plans.shipped import copy_policy, shipped_policies

    if args.copy is not None:
        name, dest = args.copy
        written = copy_policy(name, dest, replace=args.replace)
        print(
            f"schedplan: wrote {written} (a copy of {name}): edit every rule against your unit's guidelines, give"
            f" it a name and version of its own and remove `example: true`; then `schedplan check {written}`",
            file=sys.stderr,
        )
        return 0
    if args.replace:
        print("schedplan: error: --replace goes with --copy NAME FILE.yaml", file=sys.stderr)
        return 2
    for shipped in shipped_policies():
        p = shipped.policy
        example = "  [example]" if p.example else ""
        print(f"{shipped.name}  {p.name} (version {p.version}){example}")
        print(f"    file: {shipped.path}")
    return 0
