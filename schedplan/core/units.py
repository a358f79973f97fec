"""The closed set of dose bases and units, and parsing of measurements such as "62kg" or "66.1in"."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from enum import StrEnum

from schedplan.errors import InputError

KG_PER_LB = Decimal("0.45359237")  # exact, by definition of the avoirdupois pound
CM_PER_IN = Decimal("2.54")  # exact, by definition of the inch

WEIGHT_RANGE_KG = (Decimal("0.5"), Decimal("350"))  # weight must be > 0.5 and <= 350
HEIGHT_RANGE_CM = (Decimal("30"), Decimal("250"))  # height must be >= 30 and <= 250


class Quantity(StrEnum):
    """What a dose counts: a mass, an amount of activity, cells, or absorbed radiation.

    A StrEnum: ``str()`` and f-strings give the code (``mg``), as JSON and plan files write it.
    """

    MG = "mg"
    G = "g"
    MCG = "mcg"
    IU = "IU"
    CELLS = "cells"
    GY = "Gy"

    @property
    def word(self) -> str:
        """The unit as ISMP writes it for people: ``units``, never ``IU`` or ``U``; ``mcg``, never ``ug``."""
        return "units" if self is Quantity.IU else self.value

    @property
    def step(self) -> Decimal:
        """The precision a calculated dose in this quantity is reported to (not a clinical rounding)."""
        return _STEP[self]


_STEP = {
    Quantity.MG: Decimal("0.01"),
    Quantity.G: Decimal("0.001"),
    Quantity.MCG: Decimal("0.1"),
    Quantity.IU: Decimal("1"),
    Quantity.CELLS: Decimal("1"),
    Quantity.GY: Decimal("0.01"),
}


_BY_CODE = {q.value: q for q in Quantity}


def quantity_of(unit: Quantity | str) -> Quantity | None:
    """``unit`` itself, or the Quantity whose code a saved schedule's JSON holds (``"mg"``); None for another unit."""
    return unit if isinstance(unit, Quantity) else _BY_CODE.get(unit)


class Basis(StrEnum):
    """What a dose is scaled by."""

    PER_M2 = "m2"
    PER_KG = "kg"
    FLAT = "flat"
    AUC = "AUC"  # a target AUC (mg/mL x min): carboplatin by Calvert, mg = AUC x (GFR + 25)


class Per(StrEnum):
    """Whether an amount is given each time, each day, or is a total for the course."""

    DOSE = "dose"
    DAY = "day"
    COURSE = "course"


_QUANTITY_WORDS = {
    "mg": Quantity.MG,
    "g": Quantity.G,
    "mcg": Quantity.MCG,
    "iu": Quantity.IU,
    "cells": Quantity.CELLS,
    "gy": Quantity.GY,
}

_UNIT_RE = re.compile(r"^\s*(?:x\s*10\^(?P<exp>\d{1,2})\s*)?(?P<q>[A-Za-z]+)\s*(?:/\s*(?P<basis>m2|kg))?\s*$")

ACCEPTED_DOSE_UNITS = "mg/m2, g/m2, mg/kg, mcg/kg, x10^6 cells/kg, mg, g, mcg, IU, x10^6 IU, Gy, AUC"
AUC_DISPLAY = "mg/mL x min (AUC)"


@dataclass(frozen=True)
class DoseUnit:
    """A dose unit such as mg/m2 or x10^6 cells/kg: quantity, scale (10^exponent) and basis."""

    quantity: Quantity
    basis: Basis
    exponent: int = 0

    @classmethod
    def parse(cls, text: str) -> DoseUnit:
        if (text or "").strip().upper() == "AUC":  # a target AUC: the dose is in mg, by Calvert
            return cls(quantity=Quantity.MG, basis=Basis.AUC)
        m = _UNIT_RE.match(text or "")
        q = _QUANTITY_WORDS.get((m.group("q") or "").lower()) if m else None
        if m is None or q is None:
            raise ValueError(f"unknown dose unit {text!r}; accepted: {ACCEPTED_DOSE_UNITS}")
        exp = int(m.group("exp") or 0)
        if exp not in (0, 3, 6, 9):
            raise ValueError(f"dose unit {text!r}: the scale must be x10^3, x10^6 or x10^9")
        basis = {"m2": Basis.PER_M2, "kg": Basis.PER_KG, None: Basis.FLAT}[m.group("basis")]
        if q is Quantity.GY and basis is not Basis.FLAT:
            raise ValueError(f"dose unit {text!r}: radiation is given in Gy, not per m2 or kg")
        return cls(quantity=q, basis=basis, exponent=exp)

    @property
    def scale(self) -> Decimal:
        return Decimal(10) ** self.exponent

    @property
    def scaled_quantity(self) -> str:
        """The quantity with its scale as people read it (ISMP), e.g. ``x 10^6 cells``, ``units``."""
        return f"x 10^{self.exponent} {self.quantity.word}" if self.exponent else self.quantity.word

    @property
    def display(self) -> str:
        """The unit as people read it (ISMP): ``mg/m2``, ``x 10^6 cells/kg``, ``x 10^6 units``."""
        if self.basis is Basis.AUC:
            return AUC_DISPLAY
        suffix = "" if self.basis is Basis.FLAT else f"/{self.basis.value}"
        return f"{self.scaled_quantity}{suffix}"

    def __str__(self) -> str:
        """The unit as a protocol file writes it (``x10^6 cells/kg``); parse() reads it back."""
        if self.basis is Basis.AUC:
            return "AUC"
        suffix = "" if self.basis is Basis.FLAT else f"/{self.basis.value}"
        scale = f"x10^{self.exponent} " if self.exponent else ""
        return f"{scale}{self.quantity.value}{suffix}"


def fmt(value: Decimal, places: int | None = None) -> str:
    """A decimal as a person writes it: no trailing zeros, thousands separated.

    ``places`` first rounds (half up) to that many decimal places.
    """
    if places is not None:
        value = value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    if value == value.to_integral_value():
        return f"{int(value):,}"
    text = f"{value.normalize():,f}"
    return text


def percent_shown(exact: Decimal, limit: Decimal | None = None) -> str:
    """``exact`` % to 0.1 for reading; with more places (up to 4) where 0.1 would read as ``limit`` itself."""
    for places in range(1, 5):
        shown = quantize(exact, Decimal(1).scaleb(-places))
        if limit is None or shown != limit or exact == limit:
            break
    return fmt(shown)


def dose_display(value: Decimal, unit: Quantity | str) -> str:
    """A dose as ISMP asks it to be written: ``68.04 mg``, ``0.5 mg`` (never ``.5`` or ``5.0``),
    ``466.7 x 10^6 cells``, ``10 x 10^6 units`` (never ``IU``), thousands separated.

    ``unit`` is a calculated dose's Quantity, or the code a saved schedule's JSON holds (``"mg"``)."""
    q = quantity_of(unit)
    word = q.word if q is not None else unit
    if q in (Quantity.CELLS, Quantity.IU) and abs(value) >= 1_000_000:
        return f"{fmt(value / 1_000_000, 1)} x 10^6 {word}"
    return f"{fmt(value)} {word}"


def quantize(value: Decimal, step: Decimal) -> Decimal:
    """Round half up to ``step`` (e.g. 0.01) - the reporting precision, not a clinical rounding."""
    return value.quantize(step, rounding=ROUND_HALF_UP)


def parse_decimal(text: str, what: str) -> Decimal:
    """A plain decimal number typed by a person; never goes through float. A comma is a decimal point
    (``1,85``), but ``1,040`` is refused: it could as well be one thousand and forty."""
    if isinstance(text, str) and re.fullmatch(r"\s*[+-]?\d{1,3},\d{3}\s*", text):
        raise InputError(
            f"{what} {text!r} is ambiguous: is the comma a decimal point or a thousands separator?"
            " Write it with no thousands separator and a point for decimals",
            field=what,
            value=text,
        )
    try:
        value = Decimal(text.strip().replace(",", "."))
    except (InvalidOperation, AttributeError):
        raise InputError(f"{what} {text!r} is not a number", field=what, value=text) from None
    if not value.is_finite():
        raise InputError(f"{what} {text!r} is not a finite number", field=what, value=text)
    return _within_reach(value, text, what)


# A number typed by a person: at most as many digits as a protocol file's (docs/protocol-format.md, "Limits"),
# and 0 or from 1e-99 to 1e99 in size - far beyond any plausible value (an answer 1e30 is still read, and is a
# mismatch), yet arithmetic on it can neither overflow nor lose digits.
MAX_TYPED_DIGITS = 15
MAX_TYPED_EXPONENT = 99


def _within_reach(value: Decimal, text: str, what: str) -> Decimal:
    """``value`` when its digits and size are within what schedplan calculates with (no arithmetic overflows)."""
    if len(value.as_tuple().digits) > MAX_TYPED_DIGITS or (
        value != 0 and not -MAX_TYPED_EXPONENT <= value.adjusted() <= MAX_TYPED_EXPONENT
    ):
        raise InputError(
            f"{what} {text[:40]!r} is out of reach: schedplan reads numbers of up to {MAX_TYPED_DIGITS} digits,"
            f" 0 or from 1e-{MAX_TYPED_EXPONENT} to 1e{MAX_TYPED_EXPONENT} in size",
            field=what,
            value=text,
        )
    return value


_MEASURE_RE = re.compile(r"^\s*(?P<num>[+-]?(?:\d+(?:[.,]\d*)?|[.,]\d+))\s*(?P<unit>[A-Za-z]*)\s*$")

_WEIGHT_UNITS = {"kg": Decimal(1), "lb": KG_PER_LB, "lbs": KG_PER_LB}
_HEIGHT_UNITS = {"cm": Decimal(1), "in": CM_PER_IN}


def _parse_measure(text: str, what: str, units: dict[str, Decimal], example: str) -> tuple[Decimal, str]:
    accepted = " or ".join(u for u in units if u != "lbs")
    m = _MEASURE_RE.match(text or "")
    if m is None:
        raise InputError(
            f"{what} {text!r} is not a number with a unit; write it like {example} (units: {accepted})",
            field=what,
            value=text,
        )
    unit = m.group("unit").lower()
    if not unit:
        raise InputError(
            f"{what} {text!r} has no unit; write it like {example} (units: {accepted})",
            field=what,
            value=text,
        )
    if unit not in units:
        raise InputError(
            f"{what} {text!r} has unknown unit {m.group('unit')!r}; accepted units: {accepted} (e.g. {example})",
            field=what,
            value=text,
        )
    raw = m.group("num")
    if re.fullmatch(r"[+-]?\d{1,3},\d{3}", raw):
        raise InputError(
            f"{what} {text!r} is ambiguous: is the comma a decimal point or a thousands separator?"
            f" Write it without a thousands separator and with a point for decimals (e.g. {example})",
            field=what,
            value=text,
        )
    number = _within_reach(Decimal(raw.replace(",", ".")), text, what)
    return number * units[unit], unit


def parse_weight(text: str) -> tuple[Decimal, str]:
    """``"62kg"`` or ``"136.7lb"`` -> (kg, unit typed). Refuses bare numbers and implausible weights."""
    kg, unit = _parse_measure(text, "weight", _WEIGHT_UNITS, "62kg or 136.7lb")
    lo, hi = WEIGHT_RANGE_KG
    if not (lo < kg <= hi):
        raise InputError(
            f"weight {text!r} ({fmt(kg, 2)} kg) is implausible; it must be more than {lo} kg and at most {hi} kg",
            field="weight",
            value=text,
        )
    return kg, unit


def parse_height(text: str) -> tuple[Decimal, str]:
    """``"168cm"`` or ``"66.1in"`` -> (cm, unit typed). Refuses bare numbers and implausible heights."""
    cm, unit = _parse_measure(text, "height", _HEIGHT_UNITS, "168cm or 66.1in")
    lo, hi = HEIGHT_RANGE_CM
    if not (lo <= cm <= hi):
        raise InputError(
            f"height {text!r} ({fmt(cm, 1)} cm) is implausible; it must be from {lo} cm to {hi} cm",
            field="height",
            value=text,
        )
    return cm, unit
