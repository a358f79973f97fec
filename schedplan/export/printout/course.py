"""The course as it stands on paper: held, moved, modified and given marks (a word and a symbol), the history."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from schedplan.core.units import dose_display
from schedplan.export.printout.i18n import Language
from schedplan.words import given_at_text

# a symbol beside each word, so that no mark depends on colour or on the word alone
HELD, GIVEN, MOVED, MODIFIED = "\u2717", "\u2713", "\u2192", "%"


def _dose(value: Any, unit: Any) -> str | None:
    return dose_display(Decimal(str(value)), str(unit)) if value is not None and unit else None


def _moved(event: dict[str, Any]) -> bool:
    planned = event.get("planned_date")
    return bool(planned) and planned != event["date"]


def moved_from(lang: Language, event: dict[str, Any]) -> str | None:
    """The date an administration was planned on, when an amendment moved it (None: not moved)."""
    if not _moved(event):
        return None
    return lang.medium_date(dt.date.fromisoformat(event["planned_date"]))


def staff_marks(lang: Language, event: dict[str, Any]) -> list[str]:
    """What the amendments did to an administration, one mark a line: held, moved (from when), dose modified
    (by which amendment), given (what, when, by whom). The reasons are in its course lines."""
    out = []
    if event.get("status") == "held":
        out.append(f"{HELD} " + lang.gettext("HELD - not given"))
    was = moved_from(lang, event)
    if was:
        out.append(f"{MOVED} " + lang.gettext("MOVED from %(date)s") % {"date": was})
    mod = event.get("modification")
    if mod:
        out.append(f"{MODIFIED} " + lang.gettext("DOSE MODIFIED (amendment %(n)s)") % {"n": mod["amendment"]})
    given = event.get("given")
    if event.get("status") == "given" and given:
        text = f"{GIVEN} " + lang.gettext("GIVEN")
        amount = _dose(given.get("value"), given.get("unit"))
        if amount:
            text += f" {amount}"
        if given.get("at"):
            text += " " + lang.gettext("at %(time)s") % {"time": given["at"]}
        if given.get("by"):
            text += " " + lang.gettext("by %(name)s") % {"name": given["by"]}
        out.append(text)
    return out


def given_columns(lang: Language, event: dict[str, Any]) -> tuple[str, str, str]:
    """The ward's given / at / initials columns: empty to fill in, filled from a recorded administration, or
    closed for a held one."""
    if event.get("status") == "held":
        return f"{HELD} " + lang.gettext("HELD"), "-", "-"
    given = event.get("given")
    if event.get("status") == "given" and given:
        amount = _dose(given.get("value"), given.get("unit")) or ""
        return f"{GIVEN} {amount}".strip(), given_at_text(given.get("at"), event["date"]), str(given.get("by") or "")
    return "", "", ""


def patient_status(lang: Language, event: dict[str, Any]) -> str | None:
    """Before the patient's words: "NOT GIVEN" for a held administration, "given" for one given - never a
    reason, a name or a dose."""
    if event.get("status") == "held":
        return f"{HELD} " + lang.gettext("NOT GIVEN")
    if event.get("status") == "given":
        return f"{GIVEN} " + lang.gettext("given")
    return None


def planned_date(event: dict[str, Any]) -> dt.date | None:
    """The date an amendment moved an administration from (None: not moved)."""
    return dt.date.fromisoformat(event["planned_date"]) if _moved(event) else None


def moved_note(lang: Language, was: dt.date | None, *, short: bool = False) -> str | None:
    """An arrow and "moved here from 12 Apr 2027"; short, for a calendar cell, an arrow and "from 12 Apr"."""
    if was is None:
        return None
    if short:
        return f"{MOVED} " + lang.gettext("from %(date)s") % {"date": lang.day_month(was)}
    return f"{MOVED} " + lang.gettext("moved here from %(date)s") % {"date": lang.medium_date(was)}


def marks_used(events: list[dict[str, Any]]) -> dict[str, bool]:
    """Which marks a printout carries (its legend explains only those), times of day included."""
    return {
        "held": any(e.get("status") == "held" for e in events),
        "given": any(e.get("status") == "given" for e in events),
        "moved": any(_moved(e) for e in events),
        "modified": any(e.get("modification") for e in events),
        "timed": any(e.get("time") for e in events),
        "site_time": any(e.get("time") and e.get("source_of_time") == "site" for e in events),
    }


def history(schedule: dict[str, Any]) -> list[dict[str, Any]]:
    """Each amendment as recorded (undone ones too): number, kind, what it selects, its parameters, reason,
    who and when, and the undo that undid it."""
    out = []
    for a in schedule.get("amendments") or []:
        params = dict(a.get("params") or {})
        unit = params.pop("unit", None)
        if "dose" in params:
            params["dose"] = _dose(params["dose"], unit) or params["dose"]
        out.append(
            {
                "number": a["number"],
                "kind": a["kind"],
                "select": ", ".join(f"{k} {v}" for k, v in (a.get("select") or {}).items() if k != "key"),
                "params": ", ".join(f"{k.replace('_', ' ')} {v}" for k, v in params.items()),
                "reason": a.get("reason"),
                "by": a["by"],
                "at": a["at"],
                "undone_by": a.get("undone_by"),
            }
        )
    return out


def course_totals(schedule: dict[str, Any]) -> list[dict[str, str]]:
    """Per drug: the doses as planned (held ones left out), as given so far, and remaining."""
    return [
        {
            "name": t["name"],
            "planned": _dose(t["planned"], t["unit"]) or "",
            "given": _dose(t["given"], t["unit"]) or "",
            "remaining": _dose(t["remaining"], t["unit"]) or "",
        }
        for t in schedule.get("course_totals") or []
    ]
