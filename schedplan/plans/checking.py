"""Whether a saved plan is still what its protocol and policy give, double checks recorded in it (sealed in a
hash chain under the plan file's lock), and whether each recorded check still holds or was tampered with."""

from __future__ import annotations

import getpass
from dataclasses import dataclass
from typing import Any

from schedplan.core.amendments import Amended
from schedplan.core.check_chain import ChainReport, chain_report, sealed
from schedplan.core.checks import CheckRecord, DoseToCheck, doses_to_check, inputs_sha256, invalid_reasons
from schedplan.core.plan_inputs import PlanInputs
from schedplan.core.saved import SavedPlan
from schedplan.core.schedule import Plan
from schedplan.core.sources import LoadedPolicy
from schedplan.errors import PlanFileError

ANSWERS_MAX_BYTES = 1024 * 1024  # a checker's answers: {dose id: number}, a few hundred bytes


def answers_text(path: str) -> str:
    """The text of a ``verify --answers`` file, read within ANSWERS_MAX_BYTES (a device, a FIFO or a larger
    file refused before reading). Raises InputError, one line."""
    from schedplan.errors import InputError
    from schedplan.load.bounded import UnreadableFile, read_bounded

    try:
        return read_bounded(path, ANSWERS_MAX_BYTES, "an answers file").decode("utf-8")
    except UnreadableFile as exc:
        raise InputError(f"--answers {exc}", field="answers") from None
    except UnicodeDecodeError:
        raise InputError(f"--answers {path!r} is not UTF-8 text", field="answers") from None


def open_plan(path: str) -> SavedPlan:
    """Read a plan file (PlanFileError: one line saying what is wrong)."""
    from schedplan.load.planfile import open_plan as read

    return read(path)


ADDED_EVENT_KEYS = ("time", "administration", "source_of_time")  # null in a plan saved before they existed


def same_schedule(saved_schedule: dict[str, Any], plan: Plan) -> bool:
    """Whether ``plan`` is the schedule that was saved (the protocol file's hash aside)."""
    from schedplan.export.json_out import plan_dict

    # the events and what they were calculated from; not the warnings, which may depend on today's date
    now = plan_dict(plan)
    keys = ("events", "patient", "choices", "anchor_date", "policy")
    saved = {k: saved_schedule.get(k) for k in keys}
    if isinstance(saved["events"], list):  # keys the contract gained later (issue 13's times) read as null
        saved["events"] = [
            {**dict.fromkeys(ADDED_EVENT_KEYS), **e} if isinstance(e, dict) else e for e in saved["events"]
        ]
    return {k: now.get(k) for k in keys} == saved and {k: v for k, v in now["protocol"].items() if k != "sha256"} == {
        k: v for k, v in (saved_schedule.get("protocol") or {}).items() if k != "sha256"
    }


@dataclass(frozen=True)
class Current:
    """A saved plan recalculated from its inputs with the protocol and policy as they are now."""

    plan: Plan
    inputs: PlanInputs
    site: LoadedPolicy | None
    same: bool  # the saved schedule is this plan
    amended: Amended | None = None  # the plan file's amendments applied (None: none, or not the saved schedule)
    protocol: Any = None  # core.protocol.Protocol

    @property
    def course(self) -> Plan | None:
        """The plan with the plan file's amendments applied (None: not the saved schedule)."""
        if not self.same:
            return None
        return self.amended.plan if self.amended is not None else self.plan

    @property
    def as_it_stands(self) -> Plan:
        """The course a double check is of: the plan with its amendments applied."""
        return self.course if self.course is not None else self.plan


def current(saved: SavedPlan, inputs: PlanInputs | None = None) -> Current:
    """``saved`` recalculated (from ``inputs``, default its own) under the protocol and policy as they are now,
    and, when that is still the saved schedule, with its amendments applied (the course as it stands)."""
    from schedplan.plans.sources import calculate

    inputs = inputs or saved.inputs
    done = calculate(saved.protocol_ref, inputs)
    same = same_schedule(saved.schedule, done.plan)
    protocol = done.protocol.protocol
    amended = None
    if same and saved.amendments:
        from schedplan.plans.amending import applied

        amended = applied(done.plan, done.site, saved, saved.amendments, protocol)
    return Current(done.plan, inputs, done.site, same, amended, protocol)


def _course(saved: SavedPlan, plan: Plan, site: LoadedPolicy | None, listed: Any, protocol: Any) -> Plan:
    from schedplan.plans.amending import applied

    return applied(plan, site, saved, tuple(listed), protocol).plan if listed else plan


def course_then(saved: SavedPlan, now: Current, record: CheckRecord) -> Plan:
    """The course a recorded check was made on: the plan with the amendments the file held then."""
    n = record.amendments or 0
    return _course(saved, now.plan, now.site, saved.amendments[:n], now.protocol)


def unchecked(saved: SavedPlan, now: Current, statuses: list[CheckStatus] | None = None) -> list[DoseToCheck]:
    """The doses of the course as it stands that no holding, passing check covers in every administration
    (``statuses``: check_statuses' answer when the caller has it already)."""
    from schedplan.core.check_course import covered_keys
    from schedplan.core.check_course import unchecked as not_covered

    policy = now.site.policy if now.site else None
    covered: set[str] = set()
    if statuses is None:
        _, statuses = check_statuses(saved, now)
    for st in statuses:
        if st.holds:
            then = course_then(saved, now, st.record)
            doses_then = doses_to_check(then, policy)
            covered |= covered_keys(doses_then, then, now.as_it_stands, st.record, saved.amendments)
    return not_covered(doses_to_check(now.as_it_stands, policy), covered)


def os_user() -> str | None:
    """The operating-system user running schedplan (None when it cannot be told)."""
    try:
        return getpass.getuser()
    except (OSError, KeyError, ImportError):
        return None


def record_check(path: str, based_on: SavedPlan, record: CheckRecord, *, sign_key: str | None = None) -> SavedPlan:
    """Append ``record`` (a check of the plan as ``based_on`` held it) to the plan file under its lock,
    sealed into the file's chain of checks and with the operating-system user; with ``sign_key`` (an SSH
    private key file) the seal is signed with it (ssh-keygen -Y sign).

    Checks others recorded in the meantime are kept; when the plan itself changed since (replanned, other
    inputs), or its records were changed by hand, nothing is recorded and PlanFileError says so. Returns the
    plan as written.
    """
    from schedplan.load.planfile import update_plan

    if record.os_user is None:
        record = record.model_copy(update={"os_user": os_user()})
    if sign_key is not None:
        from schedplan.plans.signing import public_key

        record = record.model_copy(update={"signature_key": public_key(sign_key)})  # sealed with the record

    def append(now: SavedPlan) -> SavedPlan:
        if now.plan_id != based_on.plan_id or now.inputs != based_on.inputs or now.schedule != based_on.schedule:
            raise PlanFileError(
                f"{path} was changed (replanned or replaced) since this check began, so the check is not of the plan"
                " it holds now; nothing was recorded - check it again",
                path=path,
            )
        if now.amendments != based_on.amendments:
            raise PlanFileError(
                f"{path} was amended since this check began ({len(now.amendments) - len(based_on.amendments)} new"
                " amendment(s)), so the check is not of the course as it stands; nothing was recorded - check it"
                " again (schedplan show PLAN.json --history says what changed)",
                path=path,
            )
        broken = chain_report(now)
        if broken.tampered:
            raise PlanFileError(
                f"{path}: {broken.lines()[0]}; nothing was recorded - a check appended now would hide it"
                f" (make the plan again with `plan ... --save {path} --replace` after finding out what happened)",
                path=path,
            )
        new = sealed(now, record)
        if sign_key is not None and new.sealed_sha256 is not None:
            from schedplan.plans.signing import sign

            new = new.model_copy(update={"signature": sign(new.sealed_sha256, sign_key)})
        return now.updated(checks=(*now.checks, new), checks_sha256=new.sealed_sha256)

    return update_plan(path, append)


@dataclass(frozen=True)
class CheckStatus:
    """A recorded check and whether it holds for the plan as it stands."""

    record: CheckRecord
    state: str  # "holds", "TAMPERED: ...", "unverifiable (made before the chain)...", "NO LONGER VALID: ..."

    @property
    def holds(self) -> bool:
        return self.state.startswith("holds")


def file_tampering(saved: SavedPlan, now: Current | None) -> list[str]:
    """What was changed by hand in the plan file: its chain of checks, and (given ``now``, the plan
    recalculated under the same protocol and policy files) a saved schedule its inputs do not give."""
    out = chain_report(saved).file_reasons[:]
    if (
        now is not None
        and not now.same
        and now.plan.protocol.sha256 == saved.protocol_sha256
        and (now.site.sha256 if now.site else None) == saved.policy_sha256
    ):
        out.append(
            "the saved schedule is not what its inputs give under the same protocol and policy files"
            " (a stored dose or day edited by hand?)"
        )
    return out


def check_statuses(saved: SavedPlan, now: Current) -> tuple[list[str], list[CheckStatus]]:
    """(what was tampered with in the file as a whole, each recorded check with its state). A check holds
    only when it fits the chain, nothing in the plan file's records, schedule or amendments was edited by hand,
    and the protocol file, the site policy and the inputs are those it was made against; it holds except for
    the doses an amendment changed after it (those are listed as void)."""
    from schedplan.core.check_course import amendments_edited

    report: ChainReport = chain_report(saved)
    whole = file_tampering(saved, now)
    out = []
    signatures = [_signature_state(rec, now.site) for rec in saved.checks]
    edited = [amendments_edited(rec, saved.amendments) for rec in saved.checks]
    anywhere = (
        bool(whole)
        or report.tampered
        or any(x.startswith("TAMPERED") for x in signatures)
        or any(e is not None for e in edited)
    )
    for rec, link, signed, amended in zip(saved.checks, report.records, signatures, edited, strict=True):
        reasons = invalid_reasons(
            rec,
            protocol_sha256=now.plan.protocol.sha256,
            policy_sha256=now.site.sha256 if now.site else None,
            inputs_sha256=inputs_sha256(saved.inputs),
        )
        if link.state == "tampered" or whole:
            state = "TAMPERED: " + "; ".join(link.reasons if link.state == "tampered" else whole)
        elif amended is not None:
            state = "TAMPERED: " + amended
        elif link.state == "unverifiable":
            later = f"; no longer valid: {'; '.join(reasons)}" if reasons else ""
            state = "unverifiable (made before the chain)" + later
        elif signed.startswith("TAMPERED"):
            state = signed
        elif anywhere:
            state = "NOT TRUSTED: this record fits the chain, but other records of the plan file were tampered with"
        elif reasons:
            state = "NO LONGER VALID: " + "; ".join(reasons)
        elif signed.startswith("NOT SIGNED"):
            state = signed
        else:
            state = "holds" + (signed or UNSIGNED) + _void_text(saved, now, rec)
        out.append(CheckStatus(rec, state))
    return whole, out


def _void_text(saved: SavedPlan, now: Current, record: CheckRecord) -> str:
    """'' or ', except for doses an amendment changed after it: ...' (the check does not cover those)."""
    from schedplan.core.check_course import voided

    if now.course is None or not saved.amendments:
        return ""
    then = course_then(saved, now, record)
    doses_then = doses_to_check(then, now.site.policy if now.site else None)
    void = voided(doses_then, then, now.course, record, saved.amendments)
    if not void:
        return ""
    return (
        "; VOID for the doses an amendment changed after it: "
        + "; ".join(v.text() for v in void)
        + " - check them again (verify --unchecked)"
    )


UNSIGNED = " (unsigned)"
UNSIGNED_NOTE = (
    "Unsigned checks are protected by their hash chain only: someone who edits the plan file and recomputes"
    " the hashes could forge one. A site that needs proof sets double_check.require_signature in its policy"
    " (checkers sign with verify --sign-key)."
)


def _signature_state(rec: CheckRecord, site: LoadedPolicy | None) -> str:
    """'' (no signature, none required), ' (signed by P)', ' (signed; not verified: ...)', 'NOT SIGNED: ...'
    or 'TAMPERED: its signature ...'."""
    rules = site.policy.double_check if site is not None else None
    if rec.signature is None or rec.sealed_sha256 is None:
        if rules is not None and rules.require_signature:
            return "NOT SIGNED: the site policy requires every double check to be signed (verify --sign-key)"
        return ""
    if site is None or rules is None or rules.allowed_signers is None:
        return " (signed; not verified: the site policy names no allowed_signers file)"
    from schedplan.plans.signing import signer

    allowed = site.path.parent / rules.allowed_signers
    who = signer(rec.sealed_sha256, rec.signature, allowed)
    if who is None:
        return f"TAMPERED: its signature is not one of a key in {allowed} over this record"
    return f" (signed by {who})"


def tamper_warnings(saved: SavedPlan) -> list[str]:
    """Warnings for any command reading a plan file: records of double checks changed by hand (the file
    alone, no recalculation)."""
    return [f"TAMPERED - {line}" for line in chain_report(saved).lines()]
