"""Whether a saved plan is still what its protocol and policy give, and double checks recorded in it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from schedplan.core.checks import CheckRecord
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


def same_schedule(saved_schedule: dict[str, Any], plan: Plan) -> bool:
    """Whether ``plan`` is the schedule that was saved (the protocol file's hash aside)."""
    from schedplan.export.json_out import plan_dict

    # the events and what they were calculated from; not the warnings, which may depend on today's date
    now = plan_dict(plan)
    keys = ("events", "patient", "choices", "anchor_date", "policy")
    return {k: now.get(k) for k in keys} == {k: saved_schedule.get(k) for k in keys} and {
        k: v for k, v in now["protocol"].items() if k != "sha256"
    } == {k: v for k, v in (saved_schedule.get("protocol") or {}).items() if k != "sha256"}


@dataclass(frozen=True)
class Current:
    """A saved plan recalculated from its inputs with the protocol and policy as they are now."""

    plan: Plan
    inputs: PlanInputs
    site: LoadedPolicy | None
    same: bool  # the saved schedule is this plan


def current(saved: SavedPlan, inputs: PlanInputs | None = None) -> Current:
    """``saved`` recalculated (from ``inputs``, default its own) under the protocol and policy as they are now."""
    from schedplan.plans.sources import calculate

    inputs = inputs or saved.inputs
    done = calculate(saved.protocol_ref, inputs)
    return Current(done.plan, inputs, done.site, same_schedule(saved.schedule, done.plan))


def record_check(path: str, based_on: SavedPlan, record: CheckRecord) -> SavedPlan:
    """Append ``record`` (a check of the plan as ``based_on`` held it) to the plan file under its lock.

    Checks others recorded in the meantime are kept; when the plan itself changed since (replanned, other
    inputs), nothing is recorded and PlanFileError says so. Returns the plan as written.
    """
    from schedplan.load.planfile import update_plan

    def append(now: SavedPlan) -> SavedPlan:
        if now.plan_id != based_on.plan_id or now.inputs != based_on.inputs or now.schedule != based_on.schedule:
            raise PlanFileError(
                f"{path} was changed (replanned or replaced) since this check began, so the check is not of the plan"
                " it holds now; nothing was recorded - check it again",
                path=path,
            )
        return now.updated(checks=(*now.checks, record))

    return update_plan(path, append)
