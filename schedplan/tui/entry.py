"""When a typed value is complete enough to plan from: full YYYY-MM-DD dates, a unit typed with a number (no
textual)."""

from __future__ import annotations

import re

from schedplan.core.dates import parse_date
from schedplan.errors import InputError

_FULL = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_ON_THE_WAY = re.compile(r"^\d{1,4}(-(\d{1,2}(-\d{0,2})?)?)?$")  # a prefix of YYYY-MM-DD
_OTHER_FORMS = re.compile(r"^\d{1,4}\s*[/.]\s*\d{1,2}\s*[/.]\s*\d{1,4}$")
EXAMPLE = "2027-03-15"


def parse_full_date(text: str, label: str) -> object:
    """A date for the field called ``label``, only when typed in full (``2027-03-1`` is a date being typed, not
    1 March); raises InputError with a reason in the field's own words."""
    t = text.strip()
    if _FULL.match(t):
        try:
            return parse_date(t, label)
        except InputError as exc:
            raise InputError(str(exc).replace(f"{label} {t!r}", f"{t!r}", 1), field=label, value=text) from None
    if _OTHER_FORMS.match(t):
        why = f"{t!r} could be day/month or month/day; write the date as YYYY-MM-DD, e.g. {EXAMPLE}"
    elif _ON_THE_WAY.match(t):
        why = f"{t!r} is incomplete; write the full date as YYYY-MM-DD (two digits for month and day), e.g. {EXAMPLE}"
    else:
        why = f"{t!r} is not a date; write it as YYYY-MM-DD, e.g. {EXAMPLE}"
    raise InputError(why, field=label, value=text)


_UNIT = re.compile(r"^\s*[-+]?[\d.,]*\s*([a-zA-Z]+)\s*$")


def typed_unit(text: str, units: dict[str, str]) -> str | None:
    """The selector value a unit typed after the number stands for (``62lb`` -> ``lb``; ``62 lbs`` -> ``lb``);
    None when no unit, or one the selector does not know, is typed."""
    m = _UNIT.match(text)
    if m is None:
        return None
    return units.get(m.group(1).lower())
