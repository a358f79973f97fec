"""`schedplan publish PLAN.json --caldav URL`: put a saved plan's items into a CalDAV calendar, update in place."""

from __future__ import annotations

import argparse
import getpass
import ipaddress
import os
import sys
from collections.abc import Callable, Sequence
from typing import Any
from urllib.parse import urlsplit

from schedplan.commands.common import add_ics_options, ics_values
from schedplan.errors import Exit, InputError

PASSWORD_VARIABLE = "SCHEDPLAN_CALDAV_PASSWORD"
_DONE = {"create": "created", "update": "updated", "cancel": "cancelled"}


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "publish",
        help="put a saved plan into a CalDAV calendar (Nextcloud, Radicale, ...) and keep it up to date",
        description="Publish a saved plan's calendar items (the same as `export` writes) to a calendar on a"
        " CalDAV server. Publishing again after `replan` updates the changed items in place (only if nobody"
        " changed them there since), marks items the plan no longer has as cancelled and leaves the rest"
        " untouched. The plan file records the calendar (not the password), so later it is just"
        f" `schedplan publish PLAN.json`. The password is read from ${PASSWORD_VARIABLE}, else asked for."
        " Exit status 2 when anything was not published; running it again completes it.",
    )
    p.add_argument("plan_file", metavar="PLAN.json", help="a plan saved with `schedplan plan ... --save PLAN.json`")
    p.add_argument(
        "--caldav",
        metavar="URL",
        help="the calendar's URL, or with --calendar the server or user URL; default: where it was published last",
    )
    p.add_argument("--calendar", metavar="NAME", help="a calendar of this name under URL (made if there is none)")
    p.add_argument("--user", metavar="NAME", help="the login name on the server (the password is never an option)")
    p.add_argument("--dry-run", action="store_true", help="show what would be created, updated and cancelled")
    p.add_argument(
        "--overwrite-changes",
        action="store_true",
        help="write the plan's version over items changed or removed in the calendar since the last publish"
        " (reported as CONFLICT otherwise); only after checking them",
    )
    add_ics_options(p)
    p.set_defaults(run=run)


def plain_http_note(url: str, user: str | None) -> str | None:
    """A note when a password would go unencrypted over the network (http:// to a host not this machine)."""
    host = urlsplit(url).hostname or ""
    try:
        loopback = host == "localhost" or ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = False
    if user is None or not url.lower().startswith("http://") or loopback:
        return None
    return f"schedplan: note: {url} is http://, so the password crosses the network unencrypted; prefer https://"


def _password(user: str | None, url: str) -> str | None:
    if user is None:
        return None
    given = os.environ.get(PASSWORD_VARIABLE)
    if given:
        return given
    if not sys.stdin.isatty():
        raise InputError(
            f"no password for {user!r} at {url}: set {PASSWORD_VARIABLE}, or run it in a terminal to be asked",
            field="password",
        )
    return getpass.getpass(f"CalDAV password for {user} at {url}: ")


def run(args: argparse.Namespace, *, after_each: Callable[[Any], None] | None = None) -> int:
    """The command; ``after_each(action)`` is called after each item written (the tests stop the server there)."""
    from schedplan.core.publication import describe_item
    from schedplan.plans.publishing import prepare, publish

    ready = prepare(args.plan_file, ics_values(args), caldav=args.caldav, calendar=args.calendar, user=args.user)
    if args.dry_run:
        for a in ready.actions:
            if a.kind != "unchanged":
                print(f"would {a.kind:<6} {describe_item(a.item)}")
        print(
            f"schedplan: --dry-run: {_counts(ready.actions)} (from the plan file's record of the last publish;"
            " the server was not contacted)",
            file=sys.stderr,
        )
        return 0

    if (note := plain_http_note(ready.url, ready.user)) is not None:
        print(note, file=sys.stderr)
    outcome = publish(ready, _password(ready.user, ready.url), overwrite=args.overwrite_changes, after_each=after_each)
    for a in outcome.done:
        print(f"{_DONE[a.kind]:<9} {describe_item(a.item)}")
    for a in outcome.found:
        print(f"{'was there':<9} {describe_item(a.item)} (written by an earlier publish that could not record it)")
    for a, why in outcome.conflicts:
        print(f"CONFLICT  {describe_item(a.item)}: {why}")
    for a in outcome.not_published:
        print(f"NOT DONE  {describe_item(a.item)}")
    unchanged = len(outcome.unchanged)
    done = {k: sum(1 for a in outcome.done if a.kind == k) for k in _DONE}
    print(
        f"published to {outcome.calendar_url}"
        + (" (calendar made now)" if outcome.made_calendar else "")
        + f": {done['create']} created, {done['update']} updated, {done['cancel']} cancelled, {unchanged} unchanged"
        + (f", {len(outcome.found)} found already there" if outcome.found else ""),
        file=sys.stderr,
    )
    if outcome.error is not None:
        print(
            f"schedplan: error: {outcome.error}; {len(outcome.done) + len(outcome.found)} of"
            f" {len(outcome.done) + len(outcome.found) + len(outcome.not_published) + len(outcome.conflicts)}"
            " items were published"
            f" (listed above), NOT DONE ones were not; run `schedplan publish {args.plan_file}` again to complete it",
            file=sys.stderr,
        )
        return Exit.BAD_INPUT
    if outcome.conflicts:
        print(
            f"schedplan: error: {len(outcome.conflicts)} item(s) changed in the calendar since the last publish"
            " were not overwritten (CONFLICT above), the rest is published; check them there, then"
            " `--overwrite-changes` puts the plan's version back",
            file=sys.stderr,
        )
        return Exit.BAD_INPUT
    return 0


def _counts(actions: Sequence[Any]) -> str:
    n = {k: sum(1 for a in actions if a.kind == k) for k in ("create", "update", "cancel", "unchanged")}
    return f"{n['create']} to create, {n['update']} to update, {n['cancel']} to cancel, {n['unchanged']} unchanged"
