"""Saved plan files (JSON): what a plan was made from, its schedule, and the identity of what it exported.

A saved plan keeps the patient's inputs exactly as typed, so `replan` can recalculate with one thing
changed, and for every calendar item it exported the UID, SEQUENCE and a hash of its content, so the
next export updates those items in place. Files are written atomically: a temporary file in the same
directory, flushed to disk, then renamed over the old one.

    saved = new_saved_plan(plan, protocol_ref="NCT07256210", inputs=PlanInputs(...))
    save_plan(path, saved)
    saved = open_plan(path)                    # PlanFileError when missing, corrupt or not a plan
    save_plan(path, saved.updated(items=export.items))
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import os
import tempfile
import uuid
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from schedplan.core.changes import CalendarItem, EventSnapshot
from schedplan.core.schedule import Plan
from schedplan.errors import PlanFileError
from schedplan.export.caldav_publish.record import Publication
from schedplan.export.json_out import dumps, plan_dict

FORMAT = "schedplan-plan"
FORMAT_VERSION = 1


@dataclass(frozen=True)
class PlanInputs:
    """What the user typed to make the plan; recalculating from these gives the same plan."""

    weight: str  # e.g. "70kg", "136.7lb"
    height: str  # e.g. "175cm", "66.1in"
    anchor_date: str  # YYYY-MM-DD, day 0 or cycle 1 day 1
    sex: str | None = None
    bsa_formula: str | None = None  # None: the protocol's
    bsa: str | None = None  # a measured BSA, m2
    choices: dict[str, str] = field(default_factory=dict)  # the --set KEY=VALUE pairs as given
    site: str | None = None  # the site policy file (absolute path, or a shipped example's name); None: none
    measured_on: str | None = None  # YYYY-MM-DD: when weight and height were measured; None: not given


@dataclass(frozen=True)
class SavedPlan:
    """A plan file's content. ``schedule`` is export.json_out.plan_dict of the plan (decimals as Decimal)."""

    plan_id: str  # a random UUID made once; every calendar UID of the plan derives from it
    protocol_ref: str  # how the protocol was named: a shipped id, or a path to a .yaml file
    protocol_id: str
    protocol_version: str
    protocol_sha256: str | None
    inputs: PlanInputs
    schedule: dict[str, Any]
    items: tuple[CalendarItem, ...] = ()  # what the last export wrote, item by item
    export_options: dict[str, Any] | None = None  # the options of the last export (tz, time, ...)
    policy_sha256: str | None = None  # of the site policy file the doses were calculated under
    checks: tuple[dict[str, Any], ...] = ()  # independent double checks, oldest first; only ever appended to
    publications: tuple[Publication, ...] = ()  # CalDAV calendars it was published to (`schedplan publish`)

    def updated(self, **changes: Any) -> SavedPlan:
        """A copy with some fields replaced (e.g. ``items=`` after an export)."""
        return dataclasses.replace(self, **changes)

    def snapshot(self) -> list[EventSnapshot]:
        """The saved schedule's events, for core.changes.diff."""
        out = []
        for e in self.schedule.get("events", []):
            dose = e.get("dose") or {}
            value = dose.get("value")
            out.append(
                EventSnapshot(
                    key=e["key"],
                    name=e["name"],
                    label=e["label"],
                    date=dt.date.fromisoformat(e["date"]),
                    dose_value=Decimal(str(value)) if value is not None else None,
                    dose_unit=dose.get("unit"),
                )
            )
        return out

    @property
    def anchor_date(self) -> dt.date:
        return dt.date.fromisoformat(self.inputs.anchor_date)


def new_plan_id() -> str:
    return str(uuid.uuid4())


def _from_plan(plan: Plan, inputs: PlanInputs) -> dict[str, Any]:
    """The SavedPlan fields that come from a calculated plan and its inputs."""
    return {
        "protocol_id": plan.protocol.id,
        "protocol_version": plan.protocol.version,
        "protocol_sha256": plan.protocol.sha256,
        "inputs": inputs,
        "schedule": plan_dict(plan),
        "policy_sha256": plan.policy.sha256 if plan.policy else None,
    }


def new_saved_plan(plan: Plan, *, protocol_ref: str, inputs: PlanInputs, plan_id: str | None = None) -> SavedPlan:
    """A SavedPlan for a freshly calculated ``plan`` (a new random plan id unless one is given)."""
    return SavedPlan(plan_id=plan_id or new_plan_id(), protocol_ref=protocol_ref, **_from_plan(plan, inputs))


def with_plan(saved: SavedPlan, plan: Plan, inputs: PlanInputs) -> SavedPlan:
    """The saved plan recalculated: same plan id, exported items and checks; new inputs and schedule."""
    return saved.updated(**_from_plan(plan, inputs))


# --- the file ------------------------------------------------------------------------------------


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class _Protocol(_Model):
    ref: str = Field(min_length=1)
    id: str
    version: str
    sha256: str | None = None


class _Inputs(_Model):
    weight: str
    height: str
    sex: str | None = None
    bsa_formula: str | None = None
    bsa: str | None = None
    anchor_date: dt.date
    choices: dict[str, str] = Field(default_factory=dict)
    site: str | None = None
    measured_on: dt.date | None = None


class _File(_Model):
    format: str
    format_version: int
    plan_id: uuid.UUID
    protocol: _Protocol
    inputs: _Inputs
    schedule: dict[str, Any]
    items: list[CalendarItem] = Field(default_factory=list)
    export_options: dict[str, Any] | None = None
    policy_sha256: str | None = None
    checks: list[dict[str, Any]] = Field(default_factory=list)
    publications: list[Publication] = Field(default_factory=list)  # absent in files never published


def _to_data(saved: SavedPlan) -> dict[str, Any]:
    i = saved.inputs
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "plan_id": saved.plan_id,
        "protocol": {
            "ref": saved.protocol_ref,
            "id": saved.protocol_id,
            "version": saved.protocol_version,
            "sha256": saved.protocol_sha256,
        },
        "inputs": {
            "weight": i.weight,
            "height": i.height,
            "sex": i.sex,
            "bsa_formula": i.bsa_formula,
            "bsa": i.bsa,
            "anchor_date": i.anchor_date,
            "choices": dict(i.choices),
            "site": i.site,
            "measured_on": i.measured_on,
        },
        "policy_sha256": saved.policy_sha256,
        "schedule": saved.schedule,
        "items": [
            {
                "key": it.key,
                "uid": it.uid,
                "sequence": it.sequence,
                "content_hash": it.content_hash,
                "last_modified": it.last_modified.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
                if it.last_modified
                else None,
                "cancelled": it.cancelled,
                "summary": it.summary,
                "date": it.date.isoformat(),
            }
            for it in saved.items
        ],
        "export_options": saved.export_options,
        "checks": list(saved.checks),
    } | ({"publications": [p.model_dump(mode="json") for p in saved.publications]} if saved.publications else {})


def plan_file_text(saved: SavedPlan) -> str:
    """The JSON text of a plan file (decimals exact, never through float)."""
    return dumps(_to_data(saved)) + "\n"


def check_writable(path: str | os.PathLike[str]) -> Path:
    """The real file ``path`` names (through a symbolic link, so a synced calendar behind a link is the one
    updated), after checking it can be written: a regular file or none yet, in a folder that exists and
    can be written. Raises PlanFileError saying what is wrong; writes nothing."""
    name = str(path)
    if not name.strip():
        raise PlanFileError("the file name is empty; give a path, e.g. plan.json", path=name)
    target = Path(os.path.realpath(Path(path).expanduser()))
    if target.exists() and not target.is_file():
        what = "a directory" if target.is_dir() else "not a regular file (a device, pipe or socket)"
        raise PlanFileError(f"cannot write {name!r}: it is {what}", path=name)
    directory = target.parent
    if not directory.is_dir():
        raise PlanFileError(f"cannot write {name!r}: the folder {str(directory)!r} does not exist", path=name)
    if not os.access(directory, os.W_OK) or (target.exists() and not os.access(target, os.W_OK)):
        raise PlanFileError(f"cannot write {name!r}: permission denied", path=name)
    return target


def write_atomic(path: str | os.PathLike[str], data: bytes, *, new_mode: int = 0o600) -> None:
    """Write ``data`` to ``path`` so that a crash leaves either the old file or the new one, never half.

    A temporary file in the same directory is written, flushed to disk, given the old file's
    permissions (``new_mode`` for a new file) and renamed over ``path``. Raises PlanFileError.
    """
    target = check_writable(path)
    directory = target.parent
    try:
        mode = target.stat().st_mode & 0o777
    except FileNotFoundError:
        mode = new_mode
    except OSError as exc:
        raise PlanFileError(f"cannot write {str(path)!r}: {exc.strerror or exc}", path=str(path)) from None
    tmp_name = None
    try:
        fd, tmp_name = tempfile.mkstemp(dir=directory, prefix=f".{target.name}.", suffix=".tmp")
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp_name, mode)
        os.replace(tmp_name, target)
        tmp_name = None
        try:
            dir_fd = os.open(directory, os.O_RDONLY)
        except OSError:
            return  # no directory handles on this system; the rename is done
        try:
            os.fsync(dir_fd)
        except OSError:
            pass
        finally:
            os.close(dir_fd)
    except OSError as exc:
        raise PlanFileError(f"cannot write {str(target)!r}: {exc.strerror or exc}", path=str(target)) from None
    finally:
        if tmp_name is not None:
            try:
                os.unlink(tmp_name)
            except OSError:
                pass


def save_plan(path: str | os.PathLike[str], saved: SavedPlan) -> None:
    """Write ``saved`` to ``path`` atomically (see write_atomic).

    A new plan file is readable by its owner only (it holds a patient's measurements); a replaced one
    keeps its permissions. Raises PlanFileError when the file cannot be written.
    """
    write_atomic(path, plan_file_text(saved).encode("utf-8"), new_mode=0o600)


def _where(loc: tuple[int | str, ...]) -> str:
    return ".".join(str(p) for p in loc) or "the top level"


def open_plan(path: str | os.PathLike[str]) -> SavedPlan:
    """Read a plan file. Raises PlanFileError (one line: the file and what is wrong) when it cannot be used."""
    p = Path(path)
    name = str(p)
    try:
        raw = p.read_bytes()
    except FileNotFoundError:
        raise PlanFileError(f"plan file {name!r} does not exist", path=name) from None
    except IsADirectoryError:
        raise PlanFileError(f"plan file {name!r} is a directory", path=name) from None
    except OSError as exc:
        raise PlanFileError(f"cannot read plan file {name!r}: {exc.strerror or exc}", path=name) from None
    try:
        data = json.loads(raw.decode("utf-8"), parse_float=Decimal)
    except UnicodeDecodeError:
        raise PlanFileError(f"{name}: not a schedplan plan file (not UTF-8 text)", path=name) from None
    except json.JSONDecodeError as exc:
        raise PlanFileError(
            f"{name}:{exc.lineno}:{exc.colno}: not valid JSON ({exc.msg}); the file is damaged or not a plan file",
            path=name,
        ) from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise PlanFileError(f"{name}: not a schedplan plan file (no \"format\": \"{FORMAT}\")", path=name)
    if data.get("format_version") != FORMAT_VERSION:
        raise PlanFileError(
            f"{name}: plan file format version {data.get('format_version')!r} is not supported"
            f" (this schedplan reads version {FORMAT_VERSION})",
            path=name,
        )
    try:
        model = _File.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        more = f" (and {exc.error_count() - 1} more)" if exc.error_count() > 1 else ""
        raise PlanFileError(f"{name}: {_where(err['loc'])}: {err['msg']}{more}", path=name) from None
    events = model.schedule.get("events")
    if not isinstance(events, list) or not all(
        isinstance(e, dict) and {"key", "name", "label", "date"} <= e.keys() for e in events
    ):
        raise PlanFileError(f"{name}: schedule.events is missing or damaged", path=name)
    keys = [it.key for it in model.items]
    if len(set(keys)) != len(keys):
        raise PlanFileError(f"{name}: items lists the same key twice", path=name)
    saved = SavedPlan(
        plan_id=str(model.plan_id),
        protocol_ref=model.protocol.ref,
        protocol_id=model.protocol.id,
        protocol_version=model.protocol.version,
        protocol_sha256=model.protocol.sha256,
        inputs=PlanInputs(
            weight=model.inputs.weight,
            height=model.inputs.height,
            anchor_date=model.inputs.anchor_date.isoformat(),
            sex=model.inputs.sex,
            bsa_formula=model.inputs.bsa_formula,
            bsa=model.inputs.bsa,
            choices=dict(model.inputs.choices),
            site=model.inputs.site,
            measured_on=model.inputs.measured_on.isoformat() if model.inputs.measured_on else None,
        ),
        schedule=model.schedule,
        items=tuple(model.items),
        export_options=model.export_options,
        policy_sha256=model.policy_sha256,
        checks=tuple(model.checks),
        publications=tuple(model.publications),
    )
    try:
        saved.snapshot()
    except (KeyError, TypeError, ValueError, ArithmeticError) as exc:
        raise PlanFileError(f"{name}: schedule.events is damaged ({type(exc).__name__}: {exc})", path=name) from None
    return saved
