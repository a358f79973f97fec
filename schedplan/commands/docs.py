"""`schedplan docs`: where the documentation shipped with schedplan is (protocol format, site policy)."""

from __future__ import annotations

import argparse
import sys


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "docs",
        help="show where the protocol-format and site-policy documentation is",
        description="Print the paths of the documentation installed with schedplan: how to write a protocol"
        " file, and how to write a site policy. `schedplan docs --print site-policy` prints one of them.",
    )
    p.add_argument(
        "--print",
        dest="show",
        choices=["protocol-format", "site-policy"],
        help="print that document instead of the paths",
    )
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from schedplan.plans.shipped import DOCS, docs_dir

    found = docs_dir()
    if found is None:
        print("schedplan: error: the documentation is not installed with this copy of schedplan", file=sys.stderr)
        return 2
    if args.show:
        sys.stdout.write((found / f"{args.show}.md").read_text(encoding="utf-8"))
        return 0
    for name in DOCS:
        print(found / name)
    return 0
