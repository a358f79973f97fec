"""The hash chain of a plan file's double-check records: sealing a record, and what a hand edit broke.

Each record made since the chain carries ``plan_sha256`` (the plan content it checked: plan id, inputs,
the saved schedule's doses), ``previous_sha256`` (the seal of the record before it) and ``sealed_sha256``
(a hash of its own content, these included); the plan file keeps the last seal as ``checks_sha256``.
A record added, removed or edited by hand, or a stored dose edited by hand, no longer fits the chain.
The chain catches edits and accidents; it is not a secret, so someone who recomputes every hash on purpose
is caught only by signatures (``signature``, verified by the application layer with ssh-keygen).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Literal

from schedplan.core.checks import CheckRecord, inputs_sha256
from schedplan.core.saved import SavedPlan

# the parts of a saved schedule a check is about (as plans.checking.same_schedule compares them)
_SCHEDULE_KEYS = ("events", "patient", "choices", "anchor_date", "policy")


def _plain(obj: Any) -> Any:
    if isinstance(obj, Decimal):
        return {"$decimal": f"{obj.normalize():f}"}  # exact digits; 73.80 and 73.8 are one number
    if isinstance(obj, dt.date):  # an amendment's date (datetime is a date too): ISO text, as the file has it
        return obj.isoformat()
    raise TypeError(f"cannot hash {type(obj).__name__}")


def digest(data: Any) -> str:
    """sha256 of ``data`` as canonical JSON (sorted keys, decimals exact)."""
    text = json.dumps(data, default=_plain, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def plan_sha256(saved: SavedPlan) -> str:
    """The plan content a check is of: the plan id, the protocol, the inputs and the saved schedule's doses."""
    schedule = saved.schedule
    protocol = {k: v for k, v in (schedule.get("protocol") or {}).items() if k != "sha256"}
    return digest(
        {
            "plan_id": saved.plan_id,
            "protocol": {"ref": saved.protocol.ref, "id": saved.protocol.id, "version": saved.protocol.version},
            "inputs": saved.inputs.model_dump(),
            "schedule": {**{k: schedule.get(k) for k in _SCHEDULE_KEYS}, "protocol": protocol},
        }
    )


def record_seal(record: CheckRecord) -> str:
    """The hash of a record's content (everything but its seal and signature)."""
    data = record.to_data()
    data.pop("sealed_sha256", None)
    data.pop("signature", None)
    return digest(data)


def link(record: CheckRecord) -> str:
    """What the next record names as its previous one: the seal (records before the chain: their hash)."""
    return record.sealed_sha256 or record_seal(record)


def sealed(saved: SavedPlan, record: CheckRecord) -> CheckRecord:
    """``record`` as it is appended to ``saved``: its plan content, the record before it, and its seal."""
    chained = record.model_copy(
        update={
            "plan_sha256": plan_sha256(saved),
            "previous_sha256": link(saved.checks[-1]) if saved.checks else None,
            "sealed_sha256": None,
            "signature": None,
        }
    )
    return chained.model_copy(update={"sealed_sha256": record_seal(chained)})


@dataclass
class RecordState:
    """One record's standing in the chain: ``chained`` (fits), ``unverifiable`` (made before the chain)
    or ``tampered``, with the reasons."""

    state: Literal["chained", "unverifiable", "tampered"]
    reasons: list[str] = field(default_factory=list)


@dataclass
class ChainReport:
    """Each record's state, and what is wrong with the file's chain as a whole (a record removed at its end)."""

    records: list[RecordState]
    file_reasons: list[str]

    @property
    def tampered(self) -> bool:
        return bool(self.file_reasons) or any(r.state == "tampered" for r in self.records)

    def lines(self) -> list[str]:
        """One line per finding, for a warning: empty when nothing was tampered with."""
        out = [f"the double-check records were changed by hand: {r}" for r in self.file_reasons]
        for n, rec in enumerate(self.records, 1):
            if rec.state == "tampered":
                out.append(f"double check {n} was tampered with: {'; '.join(rec.reasons)}")
        return out


def chain_report(saved: SavedPlan) -> ChainReport:
    """Whether each record of ``saved`` still fits the chain (no recalculation: the file alone)."""
    states: list[RecordState] = []
    started = False
    content = plan_sha256(saved)
    inputs_now = inputs_sha256(saved.inputs)
    for i, rec in enumerate(saved.checks):
        if rec.sealed_sha256 is None:
            if started:
                states.append(RecordState("tampered", ["no seal, after sealed records (added by hand?)"]))
            else:
                states.append(RecordState("unverifiable", ["made before the chain"]))
            continue
        started = True
        reasons = []
        if record_seal(rec) != rec.sealed_sha256:
            reasons.append("its content was edited after it was recorded")
        expected = link(saved.checks[i - 1]) if i else None
        if rec.previous_sha256 != expected:
            reasons.append("the record before it was removed, added or edited")
        if rec.plan_sha256 != content and (
            rec.inputs_sha256 == inputs_now
            and rec.protocol_sha256 == saved.protocol_sha256
            and rec.policy_sha256 == saved.policy_sha256
        ):
            # the same inputs, protocol and policy cannot give another plan: the stored plan was edited
            reasons.append("the plan's stored doses or schedule were edited after this check")
        states.append(RecordState("tampered", reasons) if reasons else RecordState("chained"))
    file_reasons = []
    last = link(saved.checks[-1]) if saved.checks else None
    if started and saved.checks_sha256 != last:
        file_reasons.append("the chain does not end at the last record (a record was removed or added at the end)")
    elif not started and saved.checks_sha256 is not None:
        file_reasons.append("the plan file records a chain of checks, and its sealed records are gone")
    return ChainReport(states, file_reasons)
