"""Reading printouts back: PDF text per page (pypdf), whitespace-free text, and what a plan should show."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

from pypdf import PdfReader

from schedplan.cli import main


def pages_text(pdf: Path) -> list[str]:
    return [page.extract_text() or "" for page in PdfReader(str(pdf)).pages]


def squash(text: str) -> str:
    """Text without whitespace, lower case: a phrase wrapped over lines in a cell still matches."""
    return re.sub(r"\s+", "", text).lower()


def expected_label(event: dict[str, Any]) -> str:
    """The short day label worked out here from the day and cycle: D-14, D0, D+5, C2 D8."""
    day, cycle = int(event["day"]), event["cycle"]
    if cycle is not None:
        return f"C{cycle} D{day}"
    if day == 0:
        return "D0"
    return f"D+{day}" if day > 0 else f"D{day}"


def month_title(d: dt.date) -> str:
    """The month heading in English, worked out without babel."""
    names = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ]
    return f"{names[d.month - 1]} {d.year}"


def plain_number(value: Any) -> str:
    """A dose value as its digits with thousands separators (1,400; 73.8; 0.5), from the plan's JSON."""
    d = Decimal(str(value)).normalize()
    whole, _, frac = f"{d:f}".partition(".")
    return f"{int(whole):,}" + (f".{frac}" if frac else "")


def print_plan(plan: Path, out: Path, *args: str) -> int:
    return main(["print", str(plan), *args]) if out else 1
