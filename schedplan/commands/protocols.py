"""`schedplan protocols`: the shipped protocols with their anchor and choices."""

from __future__ import annotations

import argparse


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "protocols",
        help="list the shipped protocols",
        description="List the protocols shipped with schedplan: id, title, what day 0 is, and each choice"
        " `plan --set KEY=VALUE` takes (required, or its default).",
    )
    p.add_argument(
        "--format", choices=["table", "json"], default="table", help="table (default, for people) or json (for scripts)"
    )
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from schedplan.core.jsontext import dumps
    from schedplan.plans.sources import shipped_protocols

    loaded = shipped_protocols()
    if args.format == "json":
        rows = [
            {
                "id": lp.protocol.id,
                "title": lp.protocol.title,
                "version": lp.protocol.version,
                "anchor": lp.protocol.anchor.type.value,
                "choices": [
                    {
                        "key": c.key,
                        "label": c.label,
                        "accepted": c.accepted(),
                        "default": c.default,
                        "required": c.required,
                    }
                    for c in lp.protocol.choices
                ],
            }
            for lp in loaded
        ]
        print(dumps(rows))
        return 0
    for lp in loaded:
        p = lp.protocol
        anchor = f"day 0 = {p.anchor.event}" if not p.is_cycles else f"cycles of {p.anchor.cycle_days} days"
        print(f"{p.id}  {p.title}")
        print(f"    anchor: {anchor}")
        for c in p.choices:
            flag = "required" if c.required else (f"default {c.default}" if c.default is not None else "optional")
            print(f"    --set {c.key}=  {c.accepted()}  [{flag}]  {c.label}")
            for value, text in (c.value_labels or {}).items():
                print(f"        {value}: {text}")
        print()
    return 0
