"""Plain words for one event: the patient's (no dose, no weight) and the staff's (dose, calculation, rules)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from schedplan.core.units import dose_display
from schedplan.export.printout.i18n import Language


def _n_(message: str) -> str:
    """Marks a message for the catalog; it is translated where it is used."""
    return message


# The route as the patient hears it; the key is the route code of the protocol.
_PATIENT_ROUTES = {
    "IV": _n_("into a vein"),
    "IV_TIMED": _n_("drip into a vein"),
    "PO": _n_("by mouth"),
    "SC": _n_("injection under the skin"),
    "IM": _n_("injection into a muscle"),
    "IT": _n_("into the fluid around the spine and brain"),
}


def day_label(lang: Language, event: dict[str, Any]) -> str:
    """D-14, D0, D+5 or C2 D8."""
    day, cycle = int(event["day"]), event.get("cycle")
    if cycle is not None:
        return lang.gettext("C%(cycle)s D%(day)s") % {"cycle": cycle, "day": day}
    return lang.gettext("D%(day)s") % {"day": "0" if day == 0 else f"{day:+d}"}


def duration(lang: Language, minutes: int | None) -> str | None:
    if not minutes:
        return None
    hours, rest = divmod(int(minutes), 60)
    parts = []
    if hours:
        parts.append(lang.ngettext("%(n)d hour", "%(n)d hours", hours) % {"n": hours})
    if rest:
        parts.append(lang.ngettext("%(n)d minute", "%(n)d minutes", rest) % {"n": rest})
    return " ".join(parts)


def routes(event: dict[str, Any]) -> list[str]:
    route = event.get("route")
    return [r.strip() for r in route.split(" or ")] if route else []


def patient_words(lang: Language, event: dict[str, Any], patient_texts: dict[str, str]) -> str:
    """What the patient reads for an event: the protocol's patient_text, else its name, route and length."""
    own = patient_texts.get(event.get("event_id") or "")
    if own:
        return own
    name = str(event["name"])
    if name:
        name = name[0].upper() + name[1:]
    timed = bool(event.get("duration_minutes"))
    how = []
    for r in routes(event):
        key = "IV_TIMED" if r == "IV" and timed else r
        how.append(lang.gettext(_PATIENT_ROUTES[key]) if key in _PATIENT_ROUTES else r)
    parts = [lang.gettext(" or ").join(how)] if how else []
    length = duration(lang, event.get("duration_minutes"))
    if length:
        parts.append(length)
    return name + (" - " + ", ".join(parts) if parts else "")


def dose_text(lang: Language, event: dict[str, Any]) -> str:
    """The dose as the plan gives it (ISMP text: 73.8 mg, 413,333,333 cells), or why there is none."""
    dose = event.get("dose")
    if dose is not None and dose.get("value") is not None:
        return dose_display(Decimal(str(dose["value"])), dose["unit"])
    return event.get("dose_note") or lang.gettext("not stated")


def route_text(lang: Language, event: dict[str, Any]) -> str:
    route = event.get("route")
    if not route:
        return lang.gettext("not stated")
    note = event.get("route_note")
    return f"{route} ({note})" if note else str(route)


def policy_change(lang: Language, event: dict[str, Any]) -> str | None:
    """ "calculated 74.2 mg, given 75 mg (+1.1% by site policy)" when a site rule changed the dose."""
    dose = event.get("dose") or {}
    pct = dose.get("change_percent")
    if pct is None:
        return None
    return lang.gettext("calculated %(calc)s, given %(given)s (%(pct)s%% by site policy)") % {
        "calc": dose_display(Decimal(str(dose["calculated_value"])), dose["unit"]),
        "given": dose_display(Decimal(str(dose["value"])), dose["unit"]),
        "pct": f"{Decimal(str(pct)):+}",
    }


def time_text(lang: Language, event: dict[str, Any]) -> str | None:
    """``08:00``, or ``08:00 (the unit's usual time)`` when the time comes from the site policy and not the
    protocol; None for an all-day (untimed) entry."""
    time = event.get("time")
    if not time:
        return None
    if event.get("source_of_time") == "site":
        return lang.gettext("%(time)s (the unit's usual time)") % {"time": time}
    return str(time)


def number_text(lang: Language, event: dict[str, Any]) -> str | None:
    """``2 of 16``: which administration of the day or of the series; None when it is the only one."""
    number = event.get("administration")
    if not number:
        return None
    return lang.gettext("%(n)s of %(m)s") % {"n": number["n"], "m": number["of"]}


def time_order(events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A day's events by clock time, the all-day ones first; otherwise in the plan's order (a delayed
    administration lands at the end of its new day's list in the plan)."""
    return sorted(events, key=lambda e: e.get("time") or "")
