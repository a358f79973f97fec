"""Saved plans made and written: a new plan file (refused over an existing one unless replaced), a recalculation."""

from __future__ import annotations

import uuid
from typing import Any

from schedplan.core.plan_inputs import PlanInputs
from schedplan.core.saved import SavedPlan, SavedProtocol
from schedplan.core.schedule import Plan
from schedplan.errors import PlanFileError
from schedplan.export.json_out import plan_dict


def new_plan_id() -> str:
    return str(uuid.uuid4())


def _from_plan(plan: Plan, inputs: PlanInputs) -> dict[str, Any]:
    return {
        "inputs": inputs,
        "schedule": plan_dict(plan),
        "policy_sha256": plan.policy.sha256 if plan.policy else None,
    }


def new_saved_plan(plan: Plan, *, protocol_ref: str, inputs: PlanInputs, plan_id: str | None = None) -> SavedPlan:
    """A SavedPlan for a freshly calculated ``plan`` (a new random plan id unless one is given)."""
    return SavedPlan(
        plan_id=plan_id or new_plan_id(),
        protocol=SavedProtocol(
            ref=protocol_ref, id=plan.protocol.id, version=plan.protocol.version, sha256=plan.protocol.sha256
        ),
        **_from_plan(plan, inputs),
    )


def with_plan(saved: SavedPlan, plan: Plan, inputs: PlanInputs) -> SavedPlan:
    """The saved plan recalculated: same plan id, exported items and checks; new inputs and schedule."""
    protocol = saved.protocol.model_copy(
        update={"id": plan.protocol.id, "version": plan.protocol.version, "sha256": plan.protocol.sha256}
    )
    return saved.updated(protocol=protocol, **_from_plan(plan, inputs))


def check_new_plan_file(path: str, *, replace: bool) -> None:
    """Before anything runs: a new plan is not saved over an existing file unless ``replace`` is given."""
    from schedplan.load.files import check_writable

    target = check_writable(path)
    if target.exists() and not replace:
        raise PlanFileError(
            f"{path} already exists; `replan {path}` changes a saved plan, or give --replace to discard it"
            " (its double checks and plan id: its calendar events would no longer be updated)",
            path=path,
        )


def discarded(old: SavedPlan | None) -> str:
    """What replacing a file loses, in a sentence (old None: the file is not a readable plan)."""
    if old is None:
        return "it is not a readable schedplan plan file"
    n = len(old.checks)
    what = f"its {n} recorded double check{'s' if n != 1 else ''}" if n else "no recorded double check"
    if old.amendments:  # holds, delays, modifications and doses recorded given
        k = len(old.amendments)
        what += f", its {k} recorded amendment{'s' if k != 1 else ''}"
    ids = f"its plan id {old.plan_id}"
    if old.items:
        ids += f" (the {len(old.items)} calendar items it exported will not be updated by a new export)"
    return f"discards {what} and {ids}"


def save_new(path: str, saved: SavedPlan, *, replace: bool = False) -> str | None:
    """Write a new plan file under the lock; with ``replace`` an existing file is replaced and the sentence
    saying what was discarded is returned; without it an existing file is refused (PlanFileError)."""
    from schedplan.load.planfile import locked_plan

    with locked_plan(path) as slot:
        note = None
        if slot.exists():
            check_new_plan_file(path, replace=replace)
            try:
                old: SavedPlan | None = slot.read()
            except PlanFileError:
                old = None
            note = f"replaced {path}: {discarded(old)}"
        slot.write(saved)
    return note
