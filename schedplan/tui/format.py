"""Plain-text pieces the views show: doses, durations, day labels for days without events (no textual)."""

from __future__ import annotations

import datetime as dt
from collections import OrderedDict
from decimal import Decimal

from schedplan.core.dates import day_label
from schedplan.core.protocol import EventKind, Protocol
from schedplan.core.schedule import Plan, PlannedEvent
from schedplan.core.units import fmt

ADMINISTERED = (EventKind.DRUG, EventKind.CELL_PRODUCT, EventKind.RADIATION)
WARN = "⚠"


def duration(minutes: int | None) -> str:
    if not minutes:
        return ""
    if minutes % 60 == 0:
        return f"{minutes // 60} h"
    if minutes > 60:
        return f"{minutes // 60} h {minutes % 60} min"
    return f"{minutes} min"


def dose(e: PlannedEvent) -> str:
    """``68.04 mg``, or why there is no calculated dose."""
    if e.dose is not None:
        return f"{fmt(e.dose.value)} {e.dose.unit}"
    return e.dose_note or ""


def event_text(e: PlannedEvent) -> str:
    """One line for the calendar: name, dose, route, duration, and what it is given before."""
    parts = [e.name]
    if e.dose is not None:
        parts.append(dose(e))
    elif e.kind in ADMINISTERED:
        parts.append(f"(no dose: {e.dose_note or 'not stated'})")
    if e.route:
        parts.append(e.route + (f" {e.route_note}" if e.route_note else ""))
    elif e.kind in ADMINISTERED:
        parts.append("(route not stated)")
    if e.duration_minutes:
        parts.append(f"over {duration(e.duration_minutes)}")
    text = " ".join(parts)
    if e.premedication_for:
        text += f" [before {e.premedication_for}]"
    if e.approximate_day:
        text += " (~ day approximate)"
    return text


def label_for(protocol: Protocol, anchor: dt.date, date: dt.date) -> str:
    """The day label of any date, for days shown without events ('Day +3', 'C2 D8')."""
    offset = (date - anchor).days
    if not protocol.is_cycles:
        return day_label(offset, None)
    n = protocol.anchor.cycle_days or 1
    if offset < 0:
        return f"{offset:+d} d"
    return day_label(offset % n + 1, offset // n + 1)


def day0_date(plan: Plan) -> dt.date:
    return plan.anchor_date


def administrations(plan: Plan) -> list[PlannedEvent]:
    """The events a pharmacist checks: drugs, cell products and radiation."""
    return [e for e in plan.events if e.kind in ADMINISTERED]


def totals(plan: Plan) -> list[str]:
    """Per drug (and unit): the sum of the doses listed, and how many administrations."""
    sums: OrderedDict[tuple[str, str], tuple[Decimal, int]] = OrderedDict()
    uncalculated: OrderedDict[str, int] = OrderedDict()
    for e in administrations(plan):
        if e.dose is None:
            uncalculated[e.name] = uncalculated.get(e.name, 0) + 1
            continue
        key = (e.name, e.dose.unit)
        total, n = sums.get(key, (Decimal(0), 0))
        sums[key] = (total + e.dose.value, n + 1)
    out = [
        f"{name}: {fmt(total)} {unit} in {n} administration{'s' if n != 1 else ''}"
        for (name, unit), (total, n) in sums.items()
    ]
    out += [f"{name}: {WARN} no dose calculated ({n} administration{'s' if n != 1 else ''})" for name, n in uncalculated.items()]
    return out
