"""What a plan file remembers of a CalDAV publication: the target (no credentials) and each item's ETag."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit, urlunsplit

from pydantic import Field

from schedplan.core.changes import CalendarItem
from schedplan.core.model import Model
from schedplan.errors import InputError


class PublishedItem(CalendarItem):
    """One item as it is on the server: what it was built from (CalendarItem) and where and which version."""

    href: str = Field(description="the item's resource URL on the server")
    etag: str | None = Field(default=None, description="the ETag the server gave for what was written")


class Publication(Model):
    """Where a plan was published and what each item there was last written as."""

    url: str = Field(description="the URL given with --caldav, without user name or password")
    calendar: str | None = Field(default=None, description="the calendar's name given with --calendar, if any")
    calendar_url: str = Field(description="the calendar collection the items are in")
    user: str | None = Field(default=None, description="the login name; the password is never recorded")
    options: dict[str, Any] = Field(description="the calendar options (tz, time, audience, ...), as for export")
    items: tuple[PublishedItem, ...] = ()

    @property
    def audience(self) -> str:
        return str(self.options.get("audience", "staff"))

    def same_target(self, url: str, calendar: str | None) -> bool:
        return same_url(self.url, url) and self.calendar == calendar


def same_url(a: str, b: str) -> bool:
    """Two URLs name the same place (a trailing slash aside)."""
    return a.rstrip("/") == b.rstrip("/")


def clean_url(text: str) -> tuple[str, str | None]:
    """(the URL without user information, the user name it held or None).

    A URL with a password in it is refused: a password is never an argument (it would be in the shell's
    history and the process list) and never written; it comes from SCHEDPLAN_CALDAV_PASSWORD or a prompt.
    """
    raw = text.strip()
    try:
        parts = urlsplit(raw)
        port = parts.port
    except ValueError:
        parts, port = urlsplit(""), None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise InputError(
            f"--caldav {text!r} is not a server address; write it as https://host/path/ (or http:// on this machine)",
            field="caldav",
        )
    if parts.password is not None:
        raise InputError(
            "--caldav URL contains a password; leave it out and set SCHEDPLAN_CALDAV_PASSWORD or type it at the prompt",
            field="caldav",
        )
    host = parts.hostname if ":" not in parts.hostname else f"[{parts.hostname}]"
    netloc = host + (f":{port}" if port else "")
    path = parts.path or "/"
    return urlunsplit((parts.scheme, netloc, path, parts.query, "")), parts.username or None


def replace_publication(records: tuple[Publication, ...], new: Publication) -> tuple[Publication, ...]:
    """``records`` with the one for ``new``'s target replaced by ``new`` (or ``new`` added at the end)."""
    out = [p for p in records if not p.same_target(new.url, new.calendar)]
    index = next((i for i, p in enumerate(records) if p.same_target(new.url, new.calendar)), len(out))
    out.insert(index, new)
    return tuple(out)


def describe_item(item: CalendarItem) -> str:
    """``2027-03-01 D-14 Fludarabine IV``: an item as a person finds it in the calendar."""
    return f"{item.date.isoformat()} {item.summary}"
