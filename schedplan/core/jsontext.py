"""JSON text whose decimals are exact numbers (never through float); shared by plan files and the JSON export."""

from __future__ import annotations

import datetime as dt
import json
import re
from decimal import Decimal
from typing import Any

_MARK = "\u0000dec:"
_MARK_RE = re.compile(r'"\\u0000dec:([-0-9.E+]+)"')


def number_text(d: Decimal) -> str:
    """A decimal as JSON number text: exact digits, no exponent, no trailing zeros."""
    return f"{d.normalize():f}"


def _default(obj: Any) -> Any:
    if isinstance(obj, Decimal):
        return _MARK + number_text(obj)
    if isinstance(obj, dt.date):
        return obj.isoformat()
    raise TypeError(f"cannot write {type(obj).__name__} as JSON")


def dumps(data: Any) -> str:
    """JSON text where every Decimal is a number with exactly its digits (never via float)."""
    text = json.dumps(data, default=_default, indent=2, ensure_ascii=False)
    return _MARK_RE.sub(lambda m: m.group(1), text)
