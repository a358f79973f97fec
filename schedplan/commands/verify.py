"""`schedplan verify PLAN.json`: an independent double check of every calculated dose, recorded in the plan.

The checker is shown what each dose is calculated from (prescribed dose, the patient's measurements,
the BSA formula or dosing weight, the site's rules) but not our result, enters the dose they worked
out, and only then sees ours. The record (who, when, result, each mismatch) is appended to the plan
file; it holds only while the protocol file, the site policy and the inputs are the ones checked.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from decimal import Decimal
from typing import Any

from schedplan.errors import InputError


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "verify",
        help="double-check every calculated dose of a saved plan and record the check",
        description="Enter each dose as you worked it out yourself (ours is shown only after your answer);"
        " the doses are compared within the site policy's tolerance and the check is recorded in the plan file."
        " Exit status 0: all match; 1: a mismatch; 2: bad input.",
    )
    p.add_argument("plan_file", metavar="PLAN.json", help="a plan saved with `schedplan plan ... --save PLAN.json`")
    p.add_argument("--checker", help="the checker's name or initials (asked for when not given)")
    p.add_argument(
        "--answers",
        metavar="FILE.json",
        help="the checker's doses as a JSON object {dose id: number}, instead of typing them (ids: --list)",
    )
    p.add_argument("--list", action="store_true", help="list the doses to check (id, what it is calculated from)")
    p.add_argument("--status", action="store_true", help="list the recorded checks and whether each still holds")
    p.set_defaults(run=run)


def _status(saved: Any, plan: Any, site: Any) -> int:
    from schedplan.core.checks import inputs_sha256, invalid_reasons
    from schedplan.core.text import one_line  # text from the plan file: no control characters to the terminal

    if not saved.checks:
        print("no double check recorded")
        return 0
    for n, rec in enumerate(saved.checks, 1):
        reasons = invalid_reasons(
            rec, protocol_sha256=plan.protocol.sha256, policy_sha256=site.sha256 if site else None,
            inputs_sha256=inputs_sha256(saved.inputs),
        )
        state = "holds" if not reasons else "NO LONGER VALID: " + "; ".join(reasons)
        print(one_line(f"{n}. {rec.at} by {rec.checker}: {rec.result.upper()} ({rec.summary}) - {state}"))
    return 0


def _read_answers(path: str) -> dict[str, Decimal]:
    from schedplan.core.units import parse_decimal
    from schedplan.plans.checking import answers_text

    try:
        raw = json.loads(answers_text(path), parse_float=Decimal)
    except json.JSONDecodeError as exc:
        raise InputError(f"--answers {path!r} is not JSON ({exc.msg}, line {exc.lineno})", field="answers") from None
    if not isinstance(raw, dict):
        raise InputError(f"--answers {path!r}: write an object {{dose id: number}}", field="answers")
    return {str(k): parse_decimal(str(v), f"answer for {k}") for k, v in raw.items()}


def _ask(prompt: str) -> str:
    print(prompt, end="", flush=True)
    line = sys.stdin.readline()
    if not line:
        raise InputError("the double check was not finished (no more input); nothing was recorded", field="answers")
    return line.strip()


def run(args: argparse.Namespace) -> int:
    from schedplan.core.checks import check_record, compare, doses_to_check, inputs_sha256
    from schedplan.core.units import fmt, parse_decimal
    from schedplan.plans.checking import current, open_plan, record_check

    saved = open_plan(args.plan_file)
    now = current(saved)
    plan, site, same = now.plan, now.site, now.same
    if args.status:
        return _status(saved, plan, site)
    if not same:
        raise InputError(
            f"the schedule in {args.plan_file} no longer matches its protocol or site policy as they are now;"
            f" run `schedplan replan {args.plan_file}` first and check the changes"
        )
    doses = doses_to_check(plan, site.policy if site else None)
    if not doses:
        raise InputError(f"{args.plan_file} has no calculated dose to check")
    p = plan.patient
    sex = p.sex.value if p.sex else "not given"
    facts = (
        f"Patient: weight {fmt(p.weight_kg)} kg, height {fmt(p.height_cm)} cm, sex {sex}"
        + (f", measured BSA {fmt(p.measured_bsa_m2)} m2" if p.measured_bsa_m2 is not None else "")
    )
    if args.list:
        print(facts)
        for d in doses:
            rules = f"; site: {'; '.join(d.policy_rules)}" if d.policy_rules else ""
            share = f", {d.share} each day" if d.share else ""
            days = ", ".join(d.days)
            print(f"{d.id}: {d.name} {d.prescribed}{share} ({days}) - from {d.basis_kind}{rules}; answer in {d.unit}")
        return 0
    tolerance = site.policy.check_tolerance_percent if site else Decimal(0)
    answers = _read_answers(args.answers) if args.answers else None
    if answers is not None:
        unknown = sorted(set(answers) - {d.id for d in doses})
        missing = [d.id for d in doses if d.id not in answers]
        if unknown or missing:
            raise InputError(
                "--answers must give exactly the doses of `schedplan verify --list`"
                + (f"; missing: {', '.join(missing)}" if missing else "")
                + (f"; not in this plan: {', '.join(unknown)}" if unknown else ""),
                field="answers",
            )
    checker = (args.checker or "").strip()
    if not checker and answers is None:
        checker = _ask("Checker's name or initials: ")
    if not checker:
        raise InputError("a double check needs the checker's name or initials: --checker 'A.B.'", field="checker")

    if answers is None:
        print(facts)
        print(f"Tolerance: {fmt(tolerance)}% (site policy)" if site else "Tolerance: none (exact, at our precision)")
    results = []
    for n, d in enumerate(doses, 1):
        if answers is not None:
            entered = answers[d.id]
        else:
            rules = f"\n   site policy: {'; '.join(d.policy_rules)}" if d.policy_rules else ""
            share = f", {d.share} each day" if d.share else ""
            days = ", ".join(d.days)
            print(f"\n{n}/{len(doses)} {d.name} {d.prescribed}{share} on {days}, from {d.basis_kind}{rules}")
            while True:
                text = _ask(f"   your dose in {d.unit}: ")
                try:
                    entered = parse_decimal(text, "dose")
                    break
                except InputError as exc:
                    print(f"   {exc}; type the number only, e.g. 73.8")
        r = compare(d, entered, tolerance)
        results.append(r)
        mark = "match" if r.match else f"MISMATCH ({r.difference_percent:+}%)"
        days = ", ".join(d.days)
        print(f"   {d.name} {days}: you {fmt(entered)} {d.unit}, schedplan {fmt(d.value)} {d.unit} - {mark}")

    ok = all(r.match for r in results)
    record = check_record(
        checker,
        results,
        tolerance_percent=tolerance,
        protocol_sha256=plan.protocol.sha256,
        policy_sha256=site.sha256 if site else None,
        inputs_sha256=inputs_sha256(saved.inputs),
        at=dt.datetime.now(dt.UTC),
    )
    written = record_check(args.plan_file, saved, record)  # merged with checks recorded meanwhile
    verdict = "PASS" if ok else "FAIL"
    print(f"\n{verdict}: {record.summary}. Recorded in {args.plan_file} (check {len(written.checks)}).")
    return 0 if ok else 1
