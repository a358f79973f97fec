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


# creatinine: what may be typed after the number (lower case, spaces removed), and the selector value it stands for
CREATININE_UNITS = {
    "mg/dl": "mg/dL",
    "umol/l": "umol/L",
    "µmol/l": "umol/L",
    "μmol/l": "umol/L",
    "micromol/l": "umol/L",
}
_NUMBER_THEN = re.compile(r"^\s*[-+]?[\d.,]*\s*(?P<unit>.*?)\s*$")


def has_unit(text: str) -> bool:
    """Whether something other than the number was typed (``97 umol/L``, ``1.1mg/dl``, ``1.1 mmol/L``)."""
    m = _NUMBER_THEN.match(text)
    return m is not None and bool(m.group("unit"))


def typed_creatinine_unit(text: str) -> str | None:
    """The creatinine selector value a unit typed after the number stands for (``97 umol/L`` -> ``umol/L``)."""
    m = _NUMBER_THEN.match(text)
    if m is None:
        return None
    return CREATININE_UNITS.get(re.sub(r"\s+", "", m.group("unit")).lower())


_LAB_SPLIT = re.compile(r"\s*[,;]\s*(?=[A-Za-z_][\w-]*\s*=)")  # a comma inside a value (1,1) does not split


def lab_items(text: str) -> list[str]:
    """``alt=40/50, bilirubin=0.8/1.2`` -> ``['alt=40/50', 'bilirubin=0.8/1.2']``, the command line's --lab pairs."""
    return [item for item in _LAB_SPLIT.split(text.strip()) if item.strip()]


def lab_pairs(text: str) -> dict[str, str]:
    """The labs typed as a plan file records them, {name: value} - the same as schedplan.inputs.parse_labs gives
    for what it accepts, and never an error (a pair it refuses is shown at the field by the form's check)."""
    out: dict[str, str] = {}
    for item in lab_items(text):
        name, _, value = item.partition("=")
        out[name.strip().lower().replace("-", "_")] = value.strip()
    return out
