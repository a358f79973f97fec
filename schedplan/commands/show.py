"""`schedplan show PLAN.json [--format table|json] [--history]`: a saved plan as the course stands now."""

from __future__ import annotations

import argparse
import sys
from typing import Any

MARK = {"planned": " ", "held": "x", "given": "v"}  # a symbol, and the status as a word


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "show",
        help="show a saved plan as the course stands (holds, delays, modifications, doses given)",
        description="Show a saved plan with its amendments applied: each administration's date, dose and"
        " status (planned, held, given), what moved or was modified and why, and the totals as planned, as"
        " given and remaining.",
    )
    p.add_argument("plan_file", metavar="PLAN.json", help="a plan saved with `schedplan plan ... --save PLAN.json`")
    p.add_argument("--format", choices=["table", "json"], default="table", help="table (default) or json")
    p.add_argument("--history", action="store_true", help="also list every amendment, undone ones included")
    p.set_defaults(run=run)


def _dose(value: Any, unit: str | None) -> str:
    """A dose as every view writes it (ISMP: ``68.04 mg``, ``466.7 x 10^6 cells``); "-" for none."""
    from decimal import Decimal

    from schedplan.words import dose_value_text

    return dose_value_text(Decimal(str(value)), unit) if value is not None and unit is not None else "-"


def _time(e: dict[str, Any]) -> str:
    """`` 08:00`` (`` 08:00 (site time)`` for the site policy's usual time), "" for an all-day entry."""
    if not e.get("time"):
        return ""
    return f" {e['time']}" + (" (site time)" if e.get("source_of_time") == "site" else "")


def _params_text(params: dict[str, Any]) -> str:
    """An amendment's parameters, a dose (with its unit) written as every view writes one."""
    rest = {k: v for k, v in params.items() if k != "unit"}
    if "dose" in rest:
        rest["dose"] = _dose(rest["dose"], params.get("unit"))
    return ", ".join(f"{k} {v}" for k, v in rest.items())


def history_lines(data: dict[str, Any]) -> list[str]:
    out = ["History:"]
    for a in data["amendments"]:
        undone = f"  [UNDONE by {a['undone_by']}]" if a["undone_by"] else ""
        sel = ", ".join(f"{k} {v}" for k, v in a["select"].items())
        par = _params_text(a["params"])
        why = f": {a['reason']}" if a["reason"] else ""
        out.append(f"  {a['number']:>3}. {a['at']}  {a['kind']} {sel} {par}".rstrip() + f"  by {a['by']}{why}{undone}")
    if len(out) == 1:
        out.append("  no amendments")
    return out


def table(data: dict[str, Any], history: bool) -> str:
    out = [f"{data['protocol']['id']}  {data['protocol']['title']}", ""]
    for e in sorted(data["events"], key=lambda e: (e["date"], e["time"] or "")):  # a day in time order, all-day first
        dose = e["dose"]
        status = e["status"].upper() if e["status"] != "planned" else ""
        moved = f" (planned {e['planned_date']})" if e["planned_date"] != e["date"] else ""
        mod = f" MODIFIED (amendment {e['modification']['amendment']})" if e["modification"] else ""
        given = ""
        if e["given"]:
            g = e["given"]
            given = f" {_dose(g['value'], g['unit'])}" + (f" at {g['at']}" if g["at"] else "") + f" by {g['by']}"
        line = f"{MARK[e['status']]} {e['label']:<9} {e['date']}{moved}{_time(e)} {e['name']}"
        if e["administration"]:
            line += f" ({e['administration']['n']} of {e['administration']['of']})"
        line += f"  {_dose(dose['value'], dose['unit'])}" if dose else ""
        codes = [o["code"] for o in e.get("overrides") or []]
        over = f"  [OVERRIDDEN: {', '.join(codes)}]" if codes else ""
        out.append(f"{line}  {status}{mod}{given}{over}".rstrip())
        out.extend(
            f"      OVERRIDDEN {o['code']}: {o['limit']} ({o['source']}); reason: {o['reason']}"
            for o in e.get("overrides") or []
        )
    out += ["", "Totals (held doses left out):"]
    for t in data["course_totals"]:
        out.append(
            f"  {t['name']}: planned {_dose(t['planned'], t['unit'])}, given {_dose(t['given'], t['unit'])},"
            f" remaining {_dose(t['remaining'], t['unit'])}"
        )
    for n in data["amendments_not_applying"]:
        out.append(f"! amendment {n['number']} no longer applies: {n['why']}")
    out.extend(f"! {w}" for w in data.get("course_warnings") or [])
    if history:
        out += ["", *history_lines(data)]
    return "\n".join(out) + "\n"


def run(args: argparse.Namespace) -> int:
    from schedplan.core.jsontext import dumps
    from schedplan.plans.amending import as_it_stands, show_data

    data = show_data(as_it_stands(args.plan_file))
    if args.format == "json":
        sys.stdout.write(dumps(data) + "\n")
    else:
        sys.stdout.write(table(data, args.history))
    return 0
