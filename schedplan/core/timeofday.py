"""Times of day in a protocol: a clock time "HH:MM", an every-N-hours series, a time relative to another event."""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any

from pydantic import BeforeValidator, Field, PlainSerializer

from schedplan.core.model import Model

_Model = Model

_CLOCK_RE = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")


def parse_clock(v: Any) -> Any:
    """``"08:00"`` -> 08:00; a time like "25:00" or "8am" is refused with what would be right."""
    if isinstance(v, dt.time):
        return v
    if isinstance(v, int) and not isinstance(v, bool):  # YAML 1.1 readers turn 08:00 into 480
        raise ValueError(f'time {v!r} is a number; write the time of day in quotes, e.g. "08:00"')
    if not isinstance(v, str) or _CLOCK_RE.match(v.strip()) is None:
        raise ValueError(
            f'time {str(v)[:20]!r} is not a time of day; write HH:MM from "00:00" to "23:59", e.g. "08:00"'
        )
    hours, minutes = v.strip().split(":")
    return dt.time(int(hours), int(minutes))


Clock = Annotated[dt.time, BeforeValidator(parse_clock), PlainSerializer(lambda t: f"{t:%H:%M}", return_type=str)]
MAX_ADMINISTRATIONS = 96  # administrations one event may have on a day or in one `every` series


class Every(_Model):
    """A repeated administration: ``count`` administrations ``hours`` apart from ``first`` on the event's first day."""

    hours: int = Field(ge=1, le=168, description="hours between administrations, e.g. 6 (q6h)")
    count: int = Field(ge=1, le=MAX_ADMINISTRATIONS, description="how many administrations in all, e.g. 16")
    first: Clock = Field(description='the time of the first administration, e.g. "06:00"')


class RelativeTo(_Model):
    """Timed from another event's administrations: each administration tied to the matching one."""

    event: str = Field(description="the id of the event this one is timed from")
    minutes: int | None = Field(
        default=None,
        ge=-24 * 60,
        le=24 * 60,
        description="minutes after (negative: before) each of its administrations; absent: the record does not"
        " say - the site policy's premedication lead time, else no time (not stated)",
    )
