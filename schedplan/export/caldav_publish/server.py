"""A plan's items written to a CalDAV calendar with the caldav library: conditional on ETags, one line per error."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from caldav.calendarobjectresource import Event
from caldav.collection import Calendar
from caldav.davclient import DAVClient
from caldav.elements import dav
from caldav.lib import error
from caldav.lib.http_sync import requests as http

from schedplan.core.publication import Publication, PublishedItem
from schedplan.errors import SchedplanError
from schedplan.export.caldav_publish.resources import Action, event_digest, item_resources, plan_actions
from schedplan.export.ics import IcsExport

CALDAV_CALENDAR = "{urn:ietf:params:xml:ns:caldav}calendar"
TIMEOUT_SECONDS = 30


class PublishError(SchedplanError):
    """The calendar server cannot be used (unreachable, login refused, not a calendar, TLS): one line."""


class Conflict(Exception):
    """One item could not be written without overwriting what someone else put there."""


@dataclass(frozen=True)
class Target:
    """Where to publish: the URL given (no credentials), a calendar name under it, the login name."""

    url: str
    calendar: str | None = None
    user: str | None = None
    calendar_url: str | None = None  # the collection found or made by an earlier publish


@dataclass
class Outcome:
    """What one publish did. ``items`` is the record to keep: each item as it now is on the server."""

    calendar_url: str
    items: list[PublishedItem] = field(default_factory=list)
    done: list[Action] = field(default_factory=list)
    found: list[Action] = field(default_factory=list)  # new items already there as written (an earlier run's)
    conflicts: list[tuple[Action, str]] = field(default_factory=list)
    not_published: list[Action] = field(default_factory=list)
    error: str | None = None  # why publishing stopped part way, if it did
    made_calendar: bool = False
    unchanged: list[Action] = field(default_factory=list)  # left alone: as last published

    @property
    def wrote(self) -> bool:
        return bool(self.done or self.found)

    def worth_recording(self) -> bool:
        """Whether the plan file should take the new record: not when it stopped before writing anything."""
        return self.wrote or self.error is None


def publish_export(
    export: IcsExport,
    target: Target,
    previous: Publication | None,
    options: dict[str, Any],
    password: str | None,
    *,
    after_each: Callable[[Action], None] | None = None,
    overwrite: bool = False,
) -> tuple[Publication, Outcome]:
    """Publish a plan's calendar (build_ics built with ``items=previous.items``) to ``target``.

    ``previous``: the record of the last publish to the same target, or None; ``options``: the calendar
    option values the export was built with (recorded for the next publish); ``overwrite``: write over
    items changed or removed on the server since (a person checked the conflicts). Returns the new record
    and what was done; raises PublishError, having written nothing, when the server cannot be used.
    """
    actions = plan_actions(export.items, previous)
    if previous is not None and previous.calendar_url and target.calendar_url is None:
        target = Target(url=target.url, calendar=target.calendar, user=target.user, calendar_url=previous.calendar_url)
    outcome = publish(
        target, password, item_resources(export.data), actions, after_each=after_each, overwrite=overwrite
    )
    record = Publication(
        url=target.url,
        calendar=target.calendar,
        calendar_url=outcome.calendar_url,
        user=target.user,
        options=options,
        items=tuple(outcome.items),
    )
    return record, outcome


def publish(
    target: Target,
    password: str | None,
    resources: dict[str, bytes],
    actions: Sequence[Action],
    *,
    after_each: Callable[[Action], None] | None = None,
    overwrite: bool = False,
) -> Outcome:
    """Write every ``create``/``update``/``cancel`` action's resource (``resources[uid]``) to the calendar.

    Raises PublishError, having written nothing, when the server or calendar cannot be used. Once items
    are being written, a failure stops the run and is returned in the Outcome (with what was written
    before it), so the caller can record the progress; a write refused because the item changed on the
    server since the last publish is a conflict, not overwritten (unless ``overwrite``), and the run goes on.
    """
    client = DAVClient(
        url=target.url,
        username=target.user,
        password=password if target.user else None,
        timeout=TIMEOUT_SECONDS,
        enable_rfc6764=False,
    )
    with client, server_errors(target):
        calendar, made = _open_calendar(client, target)
        outcome = Outcome(calendar_url=str(calendar.url), made_calendar=made)
        records = {a.previous.key: a.previous for a in actions if a.previous is not None}
        for action in actions:
            if action.kind == "unchanged":
                outcome.unchanged.append(action)
                continue
            if outcome.error is not None:
                outcome.not_published.append(action)
                continue
            try:
                with server_errors(target):
                    records[action.item.key], found = _write(
                        client, calendar, action, resources[action.item.uid], overwrite
                    )
            except Conflict as exc:
                outcome.conflicts.append((action, str(exc)))
                continue
            except PublishError as exc:
                outcome.error = str(exc)
                outcome.not_published.append(action)
                continue
            (outcome.found if found else outcome.done).append(action)
            if after_each is not None:
                after_each(action)
        outcome.items = [records[a.item.key] for a in actions if a.item.key in records]
        return outcome


def _open_calendar(client: DAVClient, target: Target) -> tuple[Calendar, bool]:
    """The calendar collection to write to, and whether it was made now (``--calendar NAME`` not found)."""
    if target.calendar_url:
        return _checked(Calendar(client=client, url=target.calendar_url), target.calendar_url), False
    if target.calendar is None:
        return _checked(Calendar(client=client, url=target.url), target.url), False
    principal = client.get_principal()
    try:
        return _synchronous(principal.calendar(name=target.calendar)), False
    except error.NotFoundError:
        return _synchronous(principal.make_calendar(name=target.calendar)), True


def _synchronous(result: Calendar | Awaitable[Calendar]) -> Calendar:
    """caldav types its methods for its async client too; the synchronous DAVClient used here returns the value."""
    assert isinstance(result, Calendar), result
    return result


def _checked(calendar: Calendar, url: str) -> Calendar:
    props = calendar.get_properties([dav.ResourceType()])  # a dict: this is the synchronous client
    kinds = (props.get(dav.ResourceType.tag) or []) if isinstance(props, dict) else []
    if CALDAV_CALENDAR not in kinds:
        what = "a user's home (principal)" if "{DAV:}principal" in kinds else "a folder, not a calendar"
        raise PublishError(
            f"{url} is {what}; give the calendar's own URL, or --calendar NAME to use (or make) a calendar there"
        )
    return calendar


def _write(
    client: DAVClient, calendar: Calendar, action: Action, data: bytes, overwrite: bool = False
) -> tuple[PublishedItem, bool]:
    """PUT one item: a new one only if nothing is at its URL, a known one only if its ETag still matches.
    (the item as now on the server, whether it was found there already as it would have been written)"""
    old = action.previous
    found = False
    if old is None:
        assert calendar.url is not None  # a calendar found or made on the server has its URL
        href = str(calendar.url.join(f"{action.item.uid}.ics"))
        obj = Event(client=client, url=href, parent=calendar)
        try:
            obj.save(raw_data=data, no_overwrite=True, precondition="etag")
        except error.UidConflictError:
            raise Conflict(
                "an item with the same UID is already in this calendar under another name (imported from an"
                " .ics file?); not written - remove that copy and publish again"
            ) from None
        except error.ConsistencyError:
            obj, found = _adopt(client, calendar, href, data), True
    else:
        props = {dav.GetEtag.tag: old.etag} if old.etag else {}
        obj = Event(client=client, url=old.href, parent=calendar, props=props)
        try:
            obj.save(raw_data=data, precondition="etag")
        except (error.ETagMismatchError, error.NotFoundError):
            if not overwrite:
                raise Conflict(
                    "changed or removed in the calendar since the last publish; not overwritten - check it there,"
                    " then publish with --overwrite-changes to put the plan's version back"
                ) from None
            obj = _replace(client, calendar, old.href, data)
    etag = obj.etag
    if not etag:
        obj.load()
        etag = obj.etag
    return PublishedItem(**action.item.model_dump(), href=str(obj.url), etag=etag), found


def _adopt(client: DAVClient, calendar: Calendar, href: str, data: bytes) -> Event:
    """Something is already at a new item's URL: ours, if an earlier publish wrote it but could not record
    it (the server went away before answering); then its ETag is taken, otherwise it is a conflict."""
    there = Event(client=client, url=href, parent=calendar)
    there.load()
    raw = there.data
    if event_digest(raw.encode("utf-8") if isinstance(raw, str) else raw) != event_digest(data):
        raise Conflict("an item with this UID is already in the calendar with other content; not overwritten")
    return there


def _replace(client: DAVClient, calendar: Calendar, href: str, data: bytes) -> Event:
    """Write over the server's current version (asked for with --overwrite-changes), still only if it does
    not change again in between; an item removed there is made again."""
    there = Event(client=client, url=href, parent=calendar)
    try:
        there.load(multiget_fallback=False)
    except error.NotFoundError:
        there = Event(client=client, url=href, parent=calendar)
        there.save(raw_data=data, no_overwrite=True, precondition="etag")
        return there
    try:
        there.save(raw_data=data, precondition="etag")
    except error.ETagMismatchError:
        raise Conflict("changed again in the calendar while publishing; not overwritten") from None
    return there


_SSL_REASON = re.compile(r"\[SSL: ([A-Z_]+)\]|(certificate verify failed[^()'\"]*)", re.IGNORECASE)


@contextmanager
def server_errors(target: Target) -> Iterator[None]:
    """Turn what the HTTP and CalDAV layers raise into one PublishError line saying what to check."""
    where = target.url
    try:
        yield
    except (PublishError, Conflict):
        raise
    except error.AuthorizationError as exc:
        if exc.status == 403:
            raise PublishError(
                f"the CalDAV server at {where} does not let {target.user or 'this login'} write there (403 Forbidden)"
            ) from None
        who = f"user {target.user!r}" if target.user else "a login (give --user NAME)"
        raise PublishError(
            f"the CalDAV server at {where} refused {who} (401): check the user name and SCHEDPLAN_CALDAV_PASSWORD"
        ) from None
    except error.NotFoundError:
        raise PublishError(f"{target.calendar_url or where}: no such calendar on the server (404)") from None
    except http.exceptions.SSLError as exc:
        m = _SSL_REASON.search(str(exc))
        reason = (m.group(1) or m.group(2)).strip().lower().replace("_", " ") if m else "handshake failed"
        raise PublishError(
            f"TLS failure talking to {where} ({reason}): is it https:// to a server that speaks TLS,"
            " with a certificate this machine trusts?"
        ) from None
    except http.exceptions.Timeout:
        raise PublishError(f"the CalDAV server at {where} did not answer within {TIMEOUT_SECONDS} s") from None
    except (http.exceptions.ConnectionError, ConnectionError) as exc:
        text = str(exc)
        reason = (
            "connection refused"
            if "refused" in text.lower()
            else "unknown host"
            if "name or service" in text.lower() or "getaddrinfo" in text.lower()
            else "connection failed"
        )
        raise PublishError(
            f"cannot reach the CalDAV server at {where} ({reason}); is the address right and the server up?"
        ) from None
    except error.DAVError as exc:
        status = f" {exc.status}" if exc.status else ""
        raise PublishError(
            f"the CalDAV server at {where} refused the request ({type(exc).__name__}{status}: {exc.reason})"
        ) from None
    except (http.exceptions.RequestException, OSError) as exc:
        raise PublishError(f"cannot talk to the CalDAV server at {where} ({type(exc).__name__}: {exc})") from None
