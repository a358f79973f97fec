"""`schedplan publish PLAN.json --caldav URL`: put a saved plan's items into a CalDAV calendar, update in place."""

from __future__ import annotations

import argparse
import getpass
import ipaddress
import os
import sys
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from schedplan.commands.export import add_ics_options
from schedplan.errors import InputError

PASSWORD_VARIABLE = "SCHEDPLAN_CALDAV_PASSWORD"
_DONE = {"create": "created", "update": "updated", "cancel": "cancelled"}


def add_parser(sub: argparse._SubParsersAction) -> None:
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


def _target(args: argparse.Namespace, publications: tuple[Any, ...]) -> tuple[str, str | None, str | None, Any]:
    """(URL, calendar name, user, the matching earlier Publication or None) from the options and the record."""
    from schedplan.export.caldav_publish.record import clean_url

    if args.caldav is not None:
        url, url_user = clean_url(args.caldav)
        previous = next((p for p in publications if p.same_target(url, args.calendar)), None)
        return url, args.calendar, args.user or url_user or (previous.user if previous else None), previous
    candidates = [p for p in publications if args.calendar is None or p.calendar == args.calendar]
    if not candidates:
        raise InputError(
            f"{args.plan_file} has not been published"
            + (f" to a calendar named {args.calendar!r}" if args.calendar and publications else "")
            + "; give the calendar with --caldav URL",
            field="caldav",
        )
    if len(candidates) > 1:
        where = ", ".join(p.url + (f" --calendar {p.calendar!r}" if p.calendar else "") for p in candidates)
        raise InputError(f"{args.plan_file} was published to several calendars ({where}); say which with --caldav URL")
    previous = candidates[0]
    return previous.url, previous.calendar, args.user or previous.user, previous


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
    from schedplan.commands.export import build_options, option_values, same_schedule
    from schedplan.commands.replan import recalculate
    from schedplan.export.caldav_publish.record import replace_publication
    from schedplan.export.caldav_publish.resources import describe, plan_actions
    from schedplan.export.ics import build_ics
    from schedplan.load.planfile import check_writable, open_plan, save_plan

    saved = open_plan(args.plan_file)
    url, calendar, user, previous = _target(args, saved.publications)
    if previous is None and args.audience is None:
        raise InputError(
            "the first publish to a calendar needs --audience: patient (no doses or calculations, for the"
            " patient's own calendar) or staff (everything, for the ward's)",
            field="audience",
        )
    plan, _ = recalculate(saved)
    if not same_schedule(saved.schedule, plan):
        raise InputError(
            f"the schedule in {args.plan_file} no longer matches protocol {saved.protocol_ref} as it is now;"
            f" run `schedplan replan {args.plan_file}` first and check the changes"
        )
    values = option_values(args, previous.options if previous else saved.export_options)
    options = build_options(values)
    result = build_ics(plan, plan_id=saved.plan_id, options=options, items=previous.items if previous else ())
    if args.dry_run:
        actions = plan_actions(result.items, previous)
        for a in actions:
            if a.kind != "unchanged":
                print(f"would {a.kind:<6} {describe(a.item)}")
        print(
            f"schedplan: --dry-run: {_counts(actions)} (from the plan file's record of the last publish;"
            " the server was not contacted)",
            file=sys.stderr,
        )
        return 0

    from schedplan.export.caldav_publish.server import Target, publish_export

    check_writable(args.plan_file)
    if (note := plain_http_note(url, user)) is not None:
        print(note, file=sys.stderr)
    target = Target(url=url, calendar=calendar, user=user)
    record, outcome = publish_export(
        result, target, previous, values, _password(user, url), after_each=after_each, overwrite=args.overwrite_changes
    )
    if record != previous and outcome.worth_recording():
        save_plan(args.plan_file, saved.updated(publications=replace_publication(saved.publications, record)))
    for a in outcome.done:
        print(f"{_DONE[a.kind]:<9} {describe(a.item)}")
    for a in outcome.found:
        print(f"{'was there':<9} {describe(a.item)} (written by an earlier publish that could not record it)")
    for a, why in outcome.conflicts:
        print(f"CONFLICT  {describe(a.item)}: {why}")
    for a in outcome.not_published:
        print(f"NOT DONE  {describe(a.item)}")
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
        return 2
    if outcome.conflicts:
        print(
            f"schedplan: error: {len(outcome.conflicts)} item(s) changed in the calendar since the last publish"
            " were not overwritten (CONFLICT above), the rest is published; check them there, then"
            " `--overwrite-changes` puts the plan's version back",
            file=sys.stderr,
        )
        return 2
    return 0


def _counts(actions: list[Any]) -> str:
    n = {k: sum(1 for a in actions if a.kind == k) for k in ("create", "update", "cancel", "unchanged")}
    return f"{n['create']} to create, {n['update']} to update, {n['cancel']} to cancel, {n['unchanged']} unchanged"
