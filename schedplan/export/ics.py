"""A plan as an iCalendar file (RFC 5545), built with the icalendar API: stable UIDs, rule-based VTIMEZONEs.

One VEVENT per administration; at its time where the plan gives one (the protocol's or the site policy's),
else at ``--time`` for drugs, cell products and radiation, else all-day. Each item's
UID comes from the plan id and its place in the protocol only (see core.changes.item_uid), so an export
after a replan updates the same items: SEQUENCE and LAST-MODIFIED move only on items whose content
changed, and items no longer in the plan are written as STATUS:CANCELLED.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from icalendar import STATUS, TRANSP, Alarm, Calendar, Event

from schedplan import __version__
from schedplan.core.changes import CalendarItem, item_uid
from schedplan.core.dates import day_label
from schedplan.core.protocol import EventKind
from schedplan.core.schedule import Plan, PlannedEvent
from schedplan.core.text import describe, unsafe_characters
from schedplan.errors import InputError
from schedplan.export.clock import clock_warning, end_of, interval_warnings, unambiguous, zoned
from schedplan.export.vtimezone import vtimezone
from schedplan.words import dose_text, duration_text

PRODID = f"-//schedplan//schedplan {__version__}//EN"
AUDIENCES = ("staff", "patient")
TIMED_KINDS = (EventKind.DRUG, EventKind.CELL_PRODUCT, EventKind.RADIATION)  # what --time applies to
DEFAULT_TIMED_MINUTES = 30  # DTEND of a timed event whose duration the protocol does not state
DAY_LABEL_REACH = 30  # day labels continue at most this many days past an event
CATEGORY = {
    EventKind.DRUG: "Drug",
    EventKind.CELL_PRODUCT: "Cell product",
    EventKind.RADIATION: "Radiation",
    EventKind.PROCEDURE: "Procedure",
    EventKind.VISIT: "Visit",
    EventKind.SAMPLE: "Sample",
    EventKind.NOTE: "Note",
}
DAY_LABEL_CATEGORY = "Day label"
_TIME_RE = re.compile(r"^\s*([01]?\d|2[0-3]):([0-5]\d)\s*$")
_ALARM_RE = re.compile(r"^\s*(?:(\d+)d)?\s*(?:(\d+)h)?\s*(?:(\d+)m(?:in)?)?\s*$", re.IGNORECASE)


# --- options typed by a person -------------------------------------------------------------------


def parse_time(text: str | None) -> dt.time | None:
    """``08:00`` -> 08:00; anything else raises InputError."""
    if text is None:
        return None
    m = _TIME_RE.match(text)
    if m is None:
        raise InputError(f"time {text!r} is not a time of day; write it as HH:MM, e.g. 08:00", field="time", value=text)
    return dt.time(int(m.group(1)), int(m.group(2)))


def parse_alarm(text: str | None) -> dt.timedelta | None:
    """How long before each event its reminder fires: ``30m``, ``2h``, ``1d``, ``1h30m``."""
    if text is None:
        return None
    m = _ALARM_RE.match(text)
    if m is None or not any(m.groups()):
        raise InputError(
            f"alarm {text!r} is not a duration; write minutes, hours or days before the event, e.g. 30m, 2h, 1d",
            field="alarm",
            value=text,
        )
    days, hours, minutes = (int(g) if g else 0 for g in m.groups())
    delta = dt.timedelta(days=days, hours=hours, minutes=minutes)
    if delta > dt.timedelta(days=14):
        raise InputError(f"alarm {text!r} is more than 14 days before the event", field="alarm", value=text)
    return delta


def check_zone(name: str) -> str:
    """An IANA zone name as given (``Europe/Rome``); a name zoneinfo does not know raises InputError."""
    text = name.strip()
    try:
        if not text or text.startswith("/") or ".." in text:
            raise ValueError
        ZoneInfo(text)
    except (ZoneInfoNotFoundError, ValueError):
        lowered = {z.lower(): z for z in available_timezones()}
        hint = f"; did you mean {lowered[text.lower()]}?" if text.lower() in lowered else ", e.g. Europe/Rome"
        raise InputError(f"time zone {name!r} is not a known IANA zone name{hint}", field="tz", value=name) from None
    return text


def local_zone() -> str:
    """The machine's IANA zone name: $TZ, else /etc/localtime's target, else /etc/timezone, else UTC."""
    tz = os.environ.get("TZ", "").lstrip(":")
    if tz:
        try:
            return check_zone(tz)
        except InputError:
            pass
    try:
        target = os.path.realpath("/etc/localtime")
        if "zoneinfo/" in target:
            return check_zone(target.split("zoneinfo/", 1)[1])
    except (OSError, InputError):
        pass
    try:
        return check_zone(Path("/etc/timezone").read_text().strip())
    except (OSError, InputError):
        return "UTC"


@dataclass(frozen=True)
class IcsOptions:
    """How a plan is written as a calendar."""

    tz: str = "UTC"  # IANA zone of timed events
    time: dt.time | None = None  # the time of administrations the plan gives none; None: those are all-day
    day_labels: bool = False  # also one all-day "Day -4" / "C1 D8" item per day
    alarm: dt.timedelta | None = None  # one DISPLAY reminder this long before each event
    audience: str = "staff"  # "patient": no doses, no calculations
    label: str | None = None  # shown in the calendar name only (the user asked for it)

    @classmethod
    def parse(
        cls,
        *,
        tz: str | None = None,
        time: str | None = None,
        day_labels: bool = False,
        alarm: str | None = None,
        audience: str = "staff",
        label: str | None = None,
    ) -> IcsOptions:
        """Options from text as typed; each bad value raises InputError. ``tz=None`` means the machine's zone."""
        if audience not in AUDIENCES:
            raise InputError(f"audience {audience!r} is not accepted; write staff or patient", field="audience")
        if label is not None and (not label.strip() or unsafe_characters(label)):
            bad = f" ({describe(unsafe_characters(label)[0][1])} is not text)" if label.strip() else ""
            raise InputError(f"label must be non-empty text on one line{bad}", field="label", value=label)
        return cls(
            tz=check_zone(tz) if tz is not None else local_zone(),
            time=parse_time(time),
            day_labels=day_labels,
            alarm=parse_alarm(alarm),
            audience=audience,
            label=label.strip() if label else None,
        )


# --- text of each item ---------------------------------------------------------------------------


def short_label(e: PlannedEvent) -> str:
    """``D-4``, ``D0``, ``D+5``, or ``C2 D8``: the day as a phone screen has room for."""
    if e.cycle is not None:
        return e.label
    return "D0" if e.day == 0 else f"D{e.day:+d}"


def _title(name: str) -> str:
    return name[:1].upper() + name[1:]


def summary(e: PlannedEvent, audience: str = "staff") -> str:
    """``D-4 Fludarabine 73.8 mg IV``; for patients ``D-4 Fludarabine IV``."""
    parts = [short_label(e), _title(e.name)]
    status = getattr(e, "status", "planned")  # an amended event (core.amendments): HELD or GIVEN
    if status != "planned":
        parts.insert(0, str(status).upper())
    if audience == "staff" and e.dose is not None:
        parts.append(dose_text(e) + (" daily total" if e.frequency else ""))
    if e.route:
        parts.append(e.route)
    if e.administrations:
        parts.append(f"{e.administration}/{e.administrations}")
    if e.source_of_time == "site":
        parts.append("(site time)")
    if audience == "staff" and e.overrides:
        parts.append("(LIMIT OVERRIDDEN)")
    return " ".join(parts)


def description(e: PlannedEvent, plan: Plan, audience: str = "staff") -> str:
    """Everything about one event a nurse (or, without doses, a patient) needs, one fact a line."""
    lines = [f"{e.label}: {e.name}"]
    lines.extend(time_lines(e))
    if audience == "staff":
        if e.dose is not None:
            lines.append(f"Dose: {dose_text(e)}")
            lines.append(f"Prescribed: {e.dose.prescribed} (this administration: {e.dose.per_administration})")
            lines.append(f"Calculation: {e.dose.calculation}")
        elif e.dose_note:
            lines.append(f"Dose: {e.dose_note}")
    if e.route:
        lines.append(f"Route: {e.route}" + (f" ({e.route_note})" if e.route_note else ""))
    if e.duration_minutes:
        lines.append(f"Duration: {duration_text(e.duration_minutes)}")
    elif e.kind.value in ("drug", "cell_product", "radiation"):
        lines.append(f"Duration: not stated in the protocol (a timed entry is shown as {DEFAULT_TIMED_MINUTES} min)")
    if e.premedication_for:
        lines.append(f"Given before: {e.premedication_for}")
    if e.approximate_day:
        lines.append("The day is approximate (as the protocol gives it).")
    if audience == "staff" and e.notes:
        lines.append(f"Notes: {e.notes}")
    lines.extend(marker_lines(e, audience))
    if audience == "staff":  # what amendments did to it (core.amendments.AmendedEvent), with reasons
        lines.extend(getattr(e, "course_lines", ()))
    lines.append(f"Protocol: {plan.protocol.id} version {plan.protocol.version}")
    return "\n".join(lines)


def time_lines(e: PlannedEvent) -> list[str]:
    """The administration's time and where it comes from, and which administration of the day or series it is."""
    lines = []
    if e.time is not None:
        whose = " - the site policy's usual time, not the protocol's" if e.source_of_time == "site" else ""
        lines.append(f"Time: {e.time:%H:%M}{whose}")
    if e.administrations:
        lines.append(f"Administration {e.administration} of {e.administrations}")
    return lines


def marker_lines(e: PlannedEvent, audience: str = "staff") -> list[str]:
    """What the record does not state (assumed values, a daily total of unstated frequency) and every limit
    overridden, one a line; for patients only the assumed days."""
    lines = []
    if e.frequency and audience == "staff":
        lines.append(f"Daily total: {e.frequency}")
    for what, why in e.assumed.items():
        if audience == "staff" or what == "days":
            lines.append(f"ASSUMED {what.replace('_', ' ')} (the protocol's reading, not the record's): {why}")
    if audience == "staff":
        for o in e.overrides:
            lines.append(f"OVERRIDDEN {o.code}: {o.limit} ({o.source}); reason: {o.reason}")
    return lines


def calendar_name(plan: Plan, label: str | None = None) -> str:
    """``NCT07256210 schedule``, or ``J.D. - NCT07256210 schedule`` when a label was asked for."""
    name = f"{plan.protocol.id} schedule"
    return f"{label} - {name}" if label else name


# --- the export ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class IcsExport:
    """The file's bytes, and what to remember of each item for the next export of the same plan."""

    data: bytes
    items: tuple[CalendarItem, ...]
    warnings: tuple[str, ...] = ()  # administrations at a time the clocks skip or repeat, and what was done


@dataclass(frozen=True)
class _Draft:
    key: str
    summary: str
    date: dt.date
    event: Event  # without DTSTAMP, SEQUENCE, LAST-MODIFIED


def _content_hash(event: Event) -> str:
    return hashlib.sha256(event.to_ical()).hexdigest()


def _event_time(e: PlannedEvent, options: IcsOptions) -> dt.time | None:
    if e.time is not None:  # the protocol's or the site policy's time of this administration
        return e.time
    return options.time if e.kind in TIMED_KINDS else None


def _draft_event(
    e: PlannedEvent, uid: str, plan: Plan, options: IcsOptions
) -> tuple[Event, dt.datetime | None, str | None]:
    time = _event_time(e, options)
    text = summary(e, options.audience)
    start: dt.datetime | None = None
    note = None
    begin: dt.date | dt.datetime
    end: dt.date | dt.datetime
    transparency: TRANSP | None
    if time is None:  # all day, shown as free time
        begin, end, transparency = e.date, e.date + dt.timedelta(days=1), TRANSP.TRANSPARENT
    else:
        start, note = zoned(e.date, time, options.tz)
        minutes = e.duration_minutes or DEFAULT_TIMED_MINUTES
        begin, end, transparency = unambiguous(start), unambiguous(end_of(start, minutes)), None
    ev = Event.new(
        uid=uid,
        summary=text,
        description=description(e, plan, options.audience) + (f"\nClock change: {note}" if note else ""),
        categories=[CATEGORY[e.kind]],
        stamp=dt.datetime(2000, 1, 1, tzinfo=dt.UTC),  # replaced; Event.new needs one
        start=begin,
        end=end,
        transparency=transparency,
    )
    if options.alarm is not None:
        ev.add_component(Alarm.new_display(description=text, trigger=-options.alarm))
    del ev["DTSTAMP"]
    return ev, start, (clock_warning(e, note) if note else None)


def _day_offsets(plan: Plan) -> list[dt.date]:
    """The dates that get a day label: from the first event to the last, up to DAY_LABEL_REACH past each."""
    dates = sorted({e.date for e in plan.events})
    out: list[dt.date] = []
    for i, d in enumerate(dates):
        until = dates[i + 1] - dt.timedelta(days=1) if i + 1 < len(dates) else d
        until = min(until, d + dt.timedelta(days=DAY_LABEL_REACH))
        day = d
        while day <= until:
            out.append(day)
            day += dt.timedelta(days=1)
    return out


def _cycle_days(plan: Plan) -> int | None:
    for e in plan.events:
        if e.cycle is not None and e.cycle > 1:
            return ((e.date - plan.anchor_date).days - (e.day - 1)) // (e.cycle - 1)
    return None


def day_label_for(plan: Plan, date: dt.date) -> tuple[str, str]:
    """(key, label) of the day label on ``date``: ``day-label/-4`` ``Day -4``, or ``day-label/c2/8`` ``C2 D8``."""
    offset = (date - plan.anchor_date).days
    if plan.anchor_type != "cycles":
        return f"day-label/{offset}", day_label(offset, None)
    length = _cycle_days(plan)
    cycle, day = (offset // length + 1, offset % length + 1) if length and offset >= 0 else (1, offset + 1)
    return f"day-label/c{cycle}/{day}", day_label(day, cycle)


def _drafts(plan: Plan, plan_id: str, options: IcsOptions) -> tuple[list[_Draft], list[dt.datetime], list[str]]:
    drafts: list[_Draft] = []
    starts: list[dt.datetime] = []
    warnings: list[str] = []
    if options.day_labels:
        for date in _day_offsets(plan):
            key, label = day_label_for(plan, date)
            ev = Event.new(
                uid=item_uid(plan_id, key),
                summary=label,
                start=date,
                end=date + dt.timedelta(days=1),
                transparency=TRANSP.TRANSPARENT,
                categories=[DAY_LABEL_CATEGORY],
                description=f"{label} of {plan.protocol.id} (day 0: {plan.anchor_event})"
                if plan.anchor_type != "cycles"
                else f"{label} of {plan.protocol.id}",
                stamp=dt.datetime(2000, 1, 1, tzinfo=dt.UTC),
            )
            del ev["DTSTAMP"]
            drafts.append(_Draft(key=key, summary=label, date=date, event=ev))
    for e in plan.events:
        ev, start, warning = _draft_event(e, item_uid(plan_id, e.key), plan, options)
        if getattr(e, "status", None) == "held":  # held by an amendment: the item stays, cancelled
            ev.add("status", "CANCELLED")
        if start is not None:
            starts.append(start)
        if warning is not None:
            warnings.append(warning)
        drafts.append(_Draft(key=e.key, summary=summary(e, options.audience), date=e.date, event=ev))
    return drafts, starts, warnings + interval_warnings(plan.events, options.tz)


CANCELLED_FOR_PATIENT = "Cancelled: no longer in the plan"


def _cancelled(item: CalendarItem, audience: str) -> Event:
    """An item no longer in the plan, cancelled on the date it was on. Its kept summary may come from a staff
    export (a dose, which also gives the weight away): a patient calendar gets a neutral text instead."""
    ev = Event.new(
        uid=item.uid,
        summary=item.summary if audience == "staff" else CANCELLED_FOR_PATIENT,
        start=item.date,
        end=item.date + dt.timedelta(days=1),
        transparency=TRANSP.TRANSPARENT,
        status=STATUS.CANCELLED,
        stamp=dt.datetime(2000, 1, 1, tzinfo=dt.UTC),
    )
    del ev["DTSTAMP"]
    return ev


def build_ics(
    plan: Plan,
    *,
    plan_id: str | None = None,
    options: IcsOptions | None = None,
    items: Iterable[CalendarItem] | None = None,
    dtstamp: dt.datetime | None = None,
) -> IcsExport:
    """The calendar for ``plan``, and the item states a saved plan keeps for the next export.

    ``plan_id``: the saved plan's id (a UUID string); None makes a new one (a one-off export).
    ``items``: the states from the previous export of the same plan (SavedPlan.items), or None.
    ``dtstamp``: the DTSTAMP (and LAST-MODIFIED of changed items), UTC; default now. Tests inject it.
    """
    options = options or IcsOptions()
    plan_id = plan_id or str(uuid.uuid4())
    stamp = (dtstamp or dt.datetime.now(dt.UTC)).astimezone(dt.UTC).replace(microsecond=0)
    previous = {i.key: i for i in (items or ())}
    drafts, starts, warnings = _drafts(plan, plan_id, options)
    current = {d.key for d in drafts}
    for item in previous.values():
        if item.key not in current:
            ev = _cancelled(item, options.audience)
            drafts.append(_Draft(key=item.key, summary=item.summary, date=item.date, event=ev))

    cal = Calendar.new(
        prodid=PRODID,
        method="PUBLISH",
        name=calendar_name(plan, options.label),
        uid=plan_id,
    )
    if starts and options.tz != "UTC":
        cal.add_component(vtimezone(options.tz, min(starts).date(), max(starts).date()))
    states: list[CalendarItem] = []
    for d in drafts:
        ev = d.event
        digest = _content_hash(ev)
        old = previous.get(d.key)
        cancelled = ev.get("STATUS") == "CANCELLED"
        if old is None:
            sequence, modified = 0, None
        elif old.content_hash == digest and old.cancelled == cancelled:
            sequence, modified = old.sequence, old.last_modified
        else:
            sequence, modified = old.sequence + 1, stamp
        ev.DTSTAMP = stamp
        ev.sequence = sequence
        if modified is not None:
            ev.last_modified = modified
        cal.add_component(ev)
        states.append(
            CalendarItem(
                key=d.key,
                uid=str(ev["UID"]),
                sequence=sequence,
                content_hash=digest,
                last_modified=modified,
                cancelled=cancelled,
                summary=d.summary,
                date=d.date,
            )
        )
    return IcsExport(data=cal.to_ical(), items=tuple(states), warnings=tuple(warnings))


def plan_to_ics(
    plan: Plan,
    *,
    plan_id: str | None = None,
    tz: str | None = None,
    time: str | None = None,
    day_labels: bool = False,
    alarm: str | None = None,
    audience: str = "staff",
    label: str | None = None,
    items: Iterable[CalendarItem] | None = None,
    dtstamp: dt.datetime | None = None,
) -> bytes:
    """The .ics bytes for ``plan`` from options as typed (see IcsOptions.parse and build_ics)."""
    options = IcsOptions.parse(tz=tz, time=time, day_labels=day_labels, alarm=alarm, audience=audience, label=label)
    return build_ics(plan, plan_id=plan_id, options=options, items=items, dtstamp=dtstamp).data


__all__ = [
    "IcsExport",
    "IcsOptions",
    "build_ics",
    "calendar_name",
    "check_zone",
    "description",
    "local_zone",
    "parse_alarm",
    "parse_time",
    "plan_to_ics",
    "summary",
]
