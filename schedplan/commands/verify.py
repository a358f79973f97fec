"""`schedplan verify PLAN.json`: an independent double check of every calculated dose, recorded in the plan.

The checker is shown the inputs (weight, height, when measured, the site policy, the choices) and what each
dose is prescribed as, but neither our dosing weight nor our result: they derive the dosing weight and the
BSA, enter the dose they worked out, confirm the arm / dose level, days and route against the order, and only
then see ours. The record (who, the operating-system user, when, where the answers came from, each dose) is
sealed into the plan file's chain of checks; `--status` says whether each still holds or was tampered with.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import sys
from decimal import Decimal
from typing import Any

from schedplan.errors import InputError


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "verify",
        help="double-check every calculated dose of a saved plan and record the check",
        description="Enter each dose as you worked it out yourself (ours is shown only after your answer) and"
        " confirm its arm / dose level, days and route; the doses are compared within the site policy's tolerance"
        " (default 0.1 %) and the check is sealed into the plan file's chain of checks."
        " Exit status 0: all match (--status: nothing tampered with); 1: a mismatch (--status: a record or the"
        " plan was tampered with); 2: bad input.",
    )
    p.add_argument("plan_file", metavar="PLAN.json", help="a plan saved with `schedplan plan ... --save PLAN.json`")
    p.add_argument("--checker", help="the checker's name or initials (asked for when not given)")
    p.add_argument(
        "--answers",
        metavar="FILE.json",
        help='the checker\'s answers instead of typing them: {dose id: {"dose": "46.13 mg", "confirmed": true}}'
        " (ids: --list); recorded as coming from this file, with its sha256",
    )
    p.add_argument(
        "--sign-key",
        metavar="KEY",
        help="sign the record with this SSH private key (ssh-keygen -Y sign); the site policy's"
        " double_check.allowed_signers verifies it, and double_check.require_signature makes it required",
    )
    p.add_argument("--list", action="store_true", help="list the doses to check (id, what it is calculated from)")
    p.add_argument("--status", action="store_true", help="list the recorded checks and whether each still holds")
    p.add_argument(
        "--unchecked",
        action="store_true",
        help="only the doses no holding check covers (new, or changed by an amendment since); with --list too",
    )
    p.set_defaults(run=run)


def _status(saved: Any, now: Any) -> int:
    from schedplan.core.text import one_line  # text from the plan file: no control characters to the terminal
    from schedplan.plans.checking import UNSIGNED, UNSIGNED_NOTE, check_statuses

    whole, statuses = check_statuses(saved, now)
    for line in whole:
        print(f"TAMPERED: {line}")
    if not statuses:
        print("no double check recorded")
    for n, st in enumerate(statuses, 1):
        rec = st.record
        user = f" (operating-system user {rec.os_user})" if rec.os_user else ""
        source = f"; answers from {rec.answers_file.name}" if rec.answers_file else ""
        copied = (
            "; possibly copied: every answer equals the plan file's value digit for digit"
            if (rec.possibly_copied)
            else ""
        )
        result = f"{rec.result.upper()} ({rec.summary}{source}{copied})"
        print(one_line(f"{n}. {rec.at}{user} by {rec.checker}: {result} - {st.state}"))
    if any(UNSIGNED in st.state for st in statuses):
        print(UNSIGNED_NOTE)
    return 1 if whole or any(st.state.startswith("TAMPERED") for st in statuses) else 0


def _read_answers(path: str) -> tuple[dict[str, tuple[str, bool | None]], str]:
    """{dose id: (the dose as written, confirmed)} and the file's sha256."""
    from schedplan.plans.checking import answers_text

    text = answers_text(path)  # within a size limit; a device or FIFO refused before reading
    raw_bytes = text.encode("utf-8")
    try:
        raw = json.loads(text, parse_float=Decimal)
    except json.JSONDecodeError as exc:
        raise InputError(f"--answers {path!r} is not JSON ({exc.msg}, line {exc.lineno})", field="answers") from None
    form = '{dose id: {"dose": "46.13 mg", "confirmed": true}}'
    if not isinstance(raw, dict):
        raise InputError(f"--answers {path!r}: write an object {form}", field="answers")
    out: dict[str, tuple[str, bool | None]] = {}
    for k, v in raw.items():
        if isinstance(v, dict):
            confirmed = v.get("confirmed")
            if "dose" not in v or not isinstance(confirmed, bool) or set(v) - {"dose", "confirmed"}:
                raise InputError(f"--answers {path!r}: {k}: write {form}", field="answers")
            out[str(k)] = (str(v["dose"]), confirmed)
        elif isinstance(v, str | int | Decimal) and not isinstance(v, bool):
            out[str(k)] = (str(v), False)  # a number alone: the arm, days and route were not confirmed
        else:
            raise InputError(f"--answers {path!r}: {k}: write {form}", field="answers")
    return out, hashlib.sha256(raw_bytes).hexdigest()


def _ask(prompt: str) -> str:
    print(prompt, end="", flush=True)
    line = sys.stdin.readline()
    if not line:
        raise InputError("the double check was not finished (no more input); nothing was recorded", field="answers")
    return line.strip()


def _facts(saved: Any, plan: Any, site: Any) -> list[str]:
    """The inputs the checker works from: as typed, with the site policy and the choices (arm, dose level)."""
    from schedplan.core.units import fmt

    i, p = saved.inputs, plan.patient
    sex = p.sex.value if p.sex else "not given"
    measured = f", measured {i.measured_on}" if i.measured_on else ", date measured not given"
    bsa = (
        f"measured BSA {fmt(p.measured_bsa_m2)} m2"
        if p.measured_bsa_m2 is not None
        else f"BSA formula {p.bsa_formula.label} (work out the BSA)"
    )
    policy = (
        f"site policy {site.policy.name} version {site.policy.version} ({site.path})"
        if site
        else "no site policy (the protocol's doses exactly)"
    )
    choices = ", ".join(f"{k}={v}" for k, v in sorted(i.choices.items())) or "none"
    factors = i.factors_text()
    return [
        f"Patient: weight {i.weight} ({fmt(p.weight_kg)} kg), height {i.height} ({fmt(p.height_cm)} cm),"
        f" sex {sex}{measured}; {bsa}",
        *([factors] if factors else []),
        f"Policy: {policy}",
        f"Arm / dose level (choices): {choices}",
    ]


def _order(d: Any, choices: str) -> str:
    modified = f"; dose modification {d.modification}" if d.modification else ""
    return f"arm / dose level {choices}{modified}; days {', '.join(d.days)}; route {d.route or 'not stated'}"


def run(args: argparse.Namespace) -> int:
    from schedplan.core.check_course import amendments_sha256
    from schedplan.core.checks import (
        AnswersFile,
        check_record,
        compare,
        doses_to_check,
        inputs_sha256,
        parse_answer,
        tolerance_for,
    )
    from schedplan.core.units import fmt
    from schedplan.plans.checking import current, open_plan, record_check, tamper_warnings, unchecked

    saved = open_plan(args.plan_file)
    now = current(saved)
    plan, site, same = now.plan, now.site, now.same
    if args.status:
        return _status(saved, now)
    for line in tamper_warnings(saved):
        print(f"schedplan: warning: {line}", file=sys.stderr)
    if not same:
        raise InputError(
            f"the schedule in {args.plan_file} no longer matches what its inputs give under its protocol and site"
            f" policy as they are now (they changed, or the file was edited by hand); run `schedplan replan"
            f" {args.plan_file}` first and check the changes"
        )
    # the course as it stands: amended doses as modified, held administrations left out
    doses = doses_to_check(now.as_it_stands, site.policy if site else None)
    if not doses:
        raise InputError(f"{args.plan_file} has no calculated dose to check")
    if args.unchecked:
        doses = unchecked(saved, now)
        if not doses:
            print(f"Every dose of {args.plan_file} as it stands is covered by a check that holds (verify --status).")
            return 0
    facts = _facts(saved, plan, site)
    choices = ", ".join(f"{k}={v}" for k, v in sorted(saved.inputs.choices.items())) or "none"
    if args.list:
        print("\n".join(facts))
        for d in doses:
            rules = f"; site: {'; '.join(d.policy_rules)}" if d.policy_rules else ""
            share = f", {d.share} each day" if d.share else ""
            days = ", ".join(d.days)
            modified = f" {d.modification}" if d.modification else ""
            print(
                f"{d.id}: {d.name} {d.prescribed}{modified}{share} ({days}), route {d.route or 'not stated'} - from"
                f" {d.basis_kind}{rules}; answer in {d.unit_word}"
            )
        return 0
    if site is not None and site.policy.double_check.require_signature and not args.sign_key:
        raise InputError(
            f"the site policy {site.path} requires every double check to be signed: give --sign-key KEY"
            " (your SSH private key)",
            field="sign_key",
        )
    if args.sign_key:
        from schedplan.plans.signing import public_key

        public_key(args.sign_key)  # a key that cannot sign is said now, before any answer is typed
    tolerance, tolerance_source = tolerance_for(site.policy if site else None)
    answers: dict[str, tuple[str, bool | None]] | None = None
    answers_file = None
    if args.answers:
        answers, digest = _read_answers(args.answers)
        answers_file = AnswersFile(name=args.answers, sha256=digest)
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
        print("\n".join(facts))
        how = "exact, at our precision" if tolerance == 0 else f"{fmt(tolerance)} %"
        print(f"Tolerance: {how} ({tolerance_source})")
    else:
        print(f"Answers from {args.answers} (sha256 {answers_file.sha256 if answers_file else ''})")
    results = []
    for n, d in enumerate(doses, 1):
        confirmed: bool | None
        if answers is not None:
            text, confirmed = answers[d.id]
            try:
                entered = parse_answer(text, d.unit)
            except InputError as exc:
                raise InputError(f"--answers {args.answers!r}: {d.id}: {exc}", field="answers") from None
        else:
            rules = f"\n   site policy: {'; '.join(d.policy_rules)}" if d.policy_rules else ""
            share = f", {d.share} each day" if d.share else ""
            days = ", ".join(d.days)
            modified = f" {d.modification}" if d.modification else ""
            print(f"\n{n}/{len(doses)} {d.name} {d.prescribed}{modified}{share} on {days}, from {d.basis_kind}{rules}")
            while True:
                text = _ask(f"   your dose in {d.unit_word}: ")
                try:
                    entered = parse_answer(text, d.unit)
                    break
                except InputError as exc:
                    print(f"   {exc}")
            while True:
                said = _ask(f"   as on the order? {_order(d, choices)} [y/n]: ").lower()
                if said in ("y", "yes", "n", "no"):
                    confirmed = said.startswith("y")
                    break
                print("   answer y or n")
        r = compare(d, entered, tolerance, confirmed)
        results.append(r)
        mark = r.verdict(tolerance) + ("" if confirmed else " - arm / dose level, days and route NOT confirmed")
        days = ", ".join(d.days)
        print(f"   {d.name} {days}: you {fmt(entered)} {d.unit_word}, schedplan {fmt(d.value)} {d.unit_word} - {mark}")

    record = check_record(
        checker,
        results,
        tolerance_percent=tolerance,
        protocol_sha256=plan.protocol.sha256,
        policy_sha256=site.sha256 if site else None,
        inputs_sha256=inputs_sha256(saved.inputs),
        at=dt.datetime.now(dt.UTC),
        answers_file=answers_file,
    )
    if saved.amendments:  # the course checked: written only when there is one, so older files stay as they were
        record = record.model_copy(
            update={"amendments": len(saved.amendments), "amendments_sha256": amendments_sha256(saved.amendments)}
        )
    # merged with checks recorded meanwhile, sealed into the chain, signed with --sign-key
    written = record_check(args.plan_file, saved, record, sign_key=args.sign_key)
    if record.possibly_copied:
        print(
            "\nNOTE: every answer equals the plan file's value digit for digit - possibly copied from the plan;"
            " the record says so"
        )
    verdict = "PASS" if record.result == "pass" else "FAIL"
    signed = f", signed with {args.sign_key}" if args.sign_key else ""
    print(f"\n{verdict}: {record.summary}. Recorded in {args.plan_file} (check {len(written.checks)}{signed}).")
    return 0 if record.result == "pass" else 1
