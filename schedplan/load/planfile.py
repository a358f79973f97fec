"""Saved plan files (JSON) in and out, and the one locked read-modify-write path that changes them.

A plan file (core.saved.SavedPlan) keeps the patient's inputs exactly as typed, the schedule, and for
every calendar item it exported the UID, SEQUENCE and a hash of its content. Every change to a plan file
goes through ``locked_plan`` (or ``update_plan``): an exclusive lock in a file beside the plan
(``.NAME.lock``), the plan re-read under the lock, the change applied to what is there now, the file
written atomically (a temporary file in the same folder, flushed, renamed over the old one). A plan file
is read within PLAN_MAX_BYTES. The plan file and a calendar made from it are written by
``PlanSlot.write_with`` in an order that a crash at any step leaves repairable by the next export (an
``.NAME.export`` note beside the plan while the two writes are under way).

    saved = open_plan(path)                                  # PlanFileError when missing, corrupt, not a plan
    update_plan(path, lambda now: now.updated(items=...))    # read-modify-write under the lock
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from pydantic import TypeAdapter, ValidationError

from schedplan.core.saved import FORMAT, FORMAT_VERSION, SavedPlan
from schedplan.core.text import describe, unsafe_characters
from schedplan.errors import PlanFileError
from schedplan.load.bounded import UnreadableFile, read_bounded
from schedplan.load.files import PathLike, check_writable, real_path, write_atomic

__all__ = [
    "PlanSlot",
    "check_writable",
    "locked_plan",
    "open_plan",
    "plan_file_text",
    "save_plan",
    "update_plan",
    "write_atomic",
]

LOCK_TIMEOUT_SECONDS = 120.0
# The largest plan file read (docs/protocol-format.md, "Limits"): a saved plan is tens of KiB, a check record
# a few; a device, a FIFO or anything larger is refused before it is read.
PLAN_MAX_BYTES = 4 * 1024 * 1024


def plan_file_text(saved: SavedPlan) -> str:
    """The JSON text of a plan file (decimals exact, never through float)."""
    return saved.text()


def save_plan(path: PathLike, saved: SavedPlan) -> None:
    """Write ``saved`` to ``path`` atomically, without the lock: for a caller holding it (PlanSlot.write)
    or a file nobody else can have yet. A new plan file is readable by its owner only (it holds a
    patient's measurements); a replaced one keeps its permissions. Raises PlanFileError."""
    write_atomic(path, saved.text().encode("utf-8"), new_mode=0o600, step="plan")


def _where(loc: tuple[int | str, ...]) -> str:
    return ".".join(str(p) for p in loc) or "the top level"


_DATE = TypeAdapter(dt.date)
MAX_SEQUENCE = 2**31 - 1  # RFC 5545 integers are 32-bit signed


def _not_text(data: object, here: tuple[int | str, ...] = ()) -> tuple[tuple[int | str, ...], str] | None:
    """(where, the character) of the first lone surrogate (a JSON ``\\udcff`` escape) in the data, if any:
    such a string can be neither written back nor printed."""
    if isinstance(data, str):
        bad = [ch for _, ch in unsafe_characters(data) if "\ud800" <= ch <= "\udfff"]
        return (here, bad[0]) if bad else None
    if isinstance(data, dict):
        for k, v in data.items():
            found = _not_text(k, here) or _not_text(v, (*here, k))
            if found:
                return found
    elif isinstance(data, list):
        for i, v in enumerate(data):
            found = _not_text(v, (*here, i))
            if found:
                return found
    return None


def open_plan(path: PathLike) -> SavedPlan:
    """Read a plan file. Raises PlanFileError (one line: the file and what is wrong) when it cannot be used."""
    p = Path(path)
    name = str(p)
    if not p.exists():
        raise PlanFileError(f"plan file {name!r} does not exist", path=name)
    if p.is_dir():
        raise PlanFileError(f"plan file {name!r} is a directory", path=name)
    try:
        raw = read_bounded(p, PLAN_MAX_BYTES, "a plan file")
    except UnreadableFile as exc:
        raise PlanFileError(str(exc), path=name) from None
    try:
        data = json.loads(raw.decode("utf-8"), parse_float=Decimal)
    except UnicodeDecodeError:
        raise PlanFileError(f"{name}: not a schedplan plan file (not UTF-8 text)", path=name) from None
    except json.JSONDecodeError as exc:
        raise PlanFileError(
            f"{name}:{exc.lineno}:{exc.colno}: not valid JSON ({exc.msg}); the file is damaged or not a plan file",
            path=name,
        ) from None
    broken = _not_text(data)
    if broken is not None:
        where, ch = broken
        raise PlanFileError(
            f"{name}: {_where(where)}: {describe(ch)} is not a character (the file is damaged)", path=name
        )
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise PlanFileError(f'{name}: not a schedplan plan file (no "format": "{FORMAT}")', path=name)
    if data.get("format_version") != FORMAT_VERSION:
        raise PlanFileError(
            f"{name}: plan file format version {data.get('format_version')!r} is not supported"
            f" (this schedplan reads version {FORMAT_VERSION})",
            path=name,
        )
    try:
        saved = SavedPlan.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        more = f" (and {exc.error_count() - 1} more)" if exc.error_count() > 1 else ""
        raise PlanFileError(f"{name}: {_where(err['loc'])}: {err['msg']}{more}", path=name) from None
    if not isinstance(saved.schedule.get("protocol", {}), dict):  # compared key by key with the protocol now
        raise PlanFileError(f"{name}: schedule.protocol: should be an object (the file is damaged)", path=name)
    for field in ("anchor_date", "measured_on"):  # kept as typed, but a saved one is a date
        value = getattr(saved.inputs, field)
        if value is not None:
            try:
                _DATE.validate_python(value)
            except ValidationError as exc:
                raise PlanFileError(f"{name}: inputs.{field}: {exc.errors()[0]['msg']}", path=name) from None
    try:
        saved.read_schedule()
    except ValidationError as exc:
        err = exc.errors()[0]
        more = f" (and {exc.error_count() - 1} more)" if exc.error_count() > 1 else ""
        raise PlanFileError(
            f"{name}: schedule.{_where(err['loc'])} is damaged: {err['msg']}{more}", path=name
        ) from None
    for n, item in enumerate(saved.items):
        if item.sequence > MAX_SEQUENCE:
            raise PlanFileError(
                f"{name}: items.{n}.sequence: {item.sequence} is larger than a calendar can carry"
                f" (at most {MAX_SEQUENCE}); the file is damaged",
                path=name,
            )
    keys = [it.key for it in saved.items]
    if len(set(keys)) != len(keys):
        raise PlanFileError(f"{name}: items lists the same key twice", path=name)
    return saved


class PlanSlot:
    """A plan file held under its lock: read what is there now, write the changed plan."""

    def __init__(self, path: Path, name: str) -> None:
        self.path = path  # the real file (symbolic links followed)
        self.name = name  # as the user gave it, for messages

    def exists(self) -> bool:
        return self.path.exists()

    def read(self) -> SavedPlan:
        """The plan file as it is now (PlanFileError when it is missing or damaged)."""
        return open_plan(self.path)

    def write(self, saved: SavedPlan) -> None:
        save_plan(self.path, saved)

    def write_with(self, saved: SavedPlan, other: PathLike, data: bytes, *, before: SavedPlan) -> Baseline:
        """Write the plan file (``saved``, replacing ``before``) and a file made from it (``data`` to ``other``,
        a calendar) in an order a crash at any step leaves repairable by the next call:

        1. a note beside the plan (``.NAME.export``) of each item's SEQUENCE as the last export that finished
           left it - an existing note is kept: it is the state before an export that did not finish;
        2. the plan file (the SEQUENCE numbers the calendar is about to carry: never written twice);
        3. the calendar;
        4. the note removed.

        Returns the baseline the export is to be counted against (that of the last export that finished).
        """
        note = pending_path(self.path)
        baseline = _read_pending(note, before.plan_id)
        if baseline is None:
            baseline = Baseline({i.key: i.sequence for i in before.items}, bool(before.items), None)
            body = {
                "plan_id": before.plan_id,
                "calendar": str(real_path(other)),
                "sequences": baseline.sequences,
                "exported": baseline.exported,
            }
            write_atomic(note, json.dumps(body, indent=1).encode("utf-8"), new_mode=0o600, step="pending")
        self.write(saved)
        write_atomic(other, data, new_mode=0o600, step="calendar")
        try:
            note.unlink()
        except FileNotFoundError:
            pass
        except OSError as exc:
            raise PlanFileError(f"cannot remove {str(note)!r}: {exc.strerror or exc}", path=str(note)) from None
        return baseline


PENDING_MAX_BYTES = PLAN_MAX_BYTES


@dataclass(frozen=True)
class Baseline:
    """What an export is counted against: each item's SEQUENCE after the last export that finished, whether
    there was one, and the calendar an export that did not finish was writing (None when none was found)."""

    sequences: dict[str, int]
    exported: bool
    interrupted: str | None


def pending_path(plan: Path) -> Path:
    """The note of an export under way: ``.NAME.export`` beside the real plan file."""
    return plan.with_name(f".{plan.name}.export")


def _read_pending(note: Path, plan_id: str) -> Baseline | None:
    """The baseline an unfinished export of this plan left, or None (no note, a damaged one, another plan's)."""
    try:
        raw = read_bounded(note, PENDING_MAX_BYTES, "an export note")
    except UnreadableFile:
        return None
    try:
        body = json.loads(raw.decode("utf-8"))
        if body.get("plan_id") != plan_id:
            return None
        sequences = {str(k): int(v) for k, v in body["sequences"].items()}
        return Baseline(sequences, bool(body["exported"]), str(body["calendar"]))
    except (ValueError, TypeError, KeyError, AttributeError):
        return None


def lock_path(path: PathLike) -> Path:
    """The lock file of a plan file: ``.NAME.lock`` beside the real file."""
    real = real_path(path)
    return real.with_name(f".{real.name}.lock")


@contextmanager
def locked_plan(path: PathLike) -> Iterator[PlanSlot]:
    """Hold the plan file's exclusive lock (waiting for another schedplan that holds it) for a read-modify-write.

    Raises PlanFileError when the destination cannot be written or the lock is not given in time.
    """
    from filelock import FileLock, Timeout

    name = str(path)
    target = check_writable(path)
    lock = FileLock(str(lock_path(target)), timeout=LOCK_TIMEOUT_SECONDS)
    try:
        lock.acquire()
    except Timeout:
        raise PlanFileError(
            f"{name} is being changed by another schedplan for more than {LOCK_TIMEOUT_SECONDS:.0f} s; try again",
            path=name,
        ) from None
    except OSError as exc:
        raise PlanFileError(f"cannot lock {name!r}: {exc.strerror or exc}", path=name) from None
    try:
        yield PlanSlot(target, name)
    finally:
        lock.release()


def update_plan(path: PathLike, change: Callable[[SavedPlan], SavedPlan | None]) -> SavedPlan:
    """Under the plan file's lock: read it, apply ``change`` to what is there now, write the result
    atomically (``change`` returning None writes nothing). Returns the plan as the file now holds it."""
    with locked_plan(path) as slot:
        now = slot.read()
        new = change(now)
        if new is None:
            return now
        slot.write(new)
        return new
