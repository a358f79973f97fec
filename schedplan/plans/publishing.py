"""Publishing a saved plan to a CalDAV calendar: which calendar, what would change, and the publish itself.

    ready = prepare(path, given, caldav=URL, calendar=NAME, user=NAME)   # reads the plan; no network
    ready.actions                                                      # what would be created/updated/cancelled
    outcome = publish(ready, password)                                 # writes to the server, then the record

The plan file is read once at the start and, after the network work, only its ``publications`` are
replaced - under the plan file's lock, re-read there (load.planfile.update_plan), so whatever else
changed the file in the meantime is kept.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from schedplan.core.publication import Publication, clean_url, replace_publication
from schedplan.core.saved import ExportOptions, SavedPlan
from schedplan.errors import InputError, PlanFileError

if TYPE_CHECKING:
    from schedplan.export.caldav_publish.resources import Action
    from schedplan.export.caldav_publish.server import Outcome, Target
    from schedplan.export.ics import IcsExport


@dataclass(frozen=True)
class Ready:
    """A publish worked out from the plan file and the options, before the server is contacted."""

    plan_path: str
    saved: SavedPlan
    target: Target
    previous: Publication | None  # the record of the last publish to this calendar, if any
    export: IcsExport  # the calendar built with the previous record's items (their UIDs and SEQUENCEs)
    options: ExportOptions  # as used (the zone resolved), recorded for the next publish
    actions: tuple[Action, ...]  # create / update / cancel / unchanged, per item, in export order

    @property
    def url(self) -> str:
        return self.target.url

    @property
    def user(self) -> str | None:
        return self.target.user


def find_target(
    plan_path: str, publications: tuple[Publication, ...], caldav: str | None, calendar: str | None, user: str | None
) -> tuple[str, str | None, str | None, Publication | None]:
    """(URL, calendar name, user, the matching earlier Publication or None) from the options and the record."""
    if caldav is not None:
        url, url_user = clean_url(caldav)
        previous = next((p for p in publications if p.same_target(url, calendar)), None)
        return url, calendar, user or url_user or (previous.user if previous else None), previous
    candidates = [p for p in publications if calendar is None or p.calendar == calendar]
    if not candidates:
        raise InputError(
            f"{plan_path} has not been published"
            + (f" to a calendar named {calendar!r}" if calendar and publications else "")
            + "; give the calendar with --caldav URL",
            field="caldav",
        )
    if len(candidates) > 1:
        where = ", ".join(p.url + (f" --calendar {p.calendar!r}" if p.calendar else "") for p in candidates)
        raise InputError(f"{plan_path} was published to several calendars ({where}); say which with --caldav URL")
    previous = candidates[0]
    return previous.url, previous.calendar, user or previous.user, previous


def prepare(
    plan_path: str,
    given: dict[str, Any],
    *,
    caldav: str | None = None,
    calendar: str | None = None,
    user: str | None = None,
) -> Ready:
    """Read the plan file and work out the publish: the calendar (``caldav``/``calendar``, else the recorded
    one), the calendar options (``given`` over the last publish's to it, else the last export's) and the
    items. Nothing is written and the server is not contacted. Raises InputError / PlanFileError."""
    from schedplan.export.caldav_publish.resources import plan_actions
    from schedplan.export.caldav_publish.server import Target
    from schedplan.plans.checking import current, open_plan
    from schedplan.plans.exporting import calendar as build_calendar

    saved = open_plan(plan_path)
    url, name, login, previous = find_target(plan_path, saved.publications, caldav, calendar, user)
    if previous is None and given.get("audience") is None:
        raise InputError(
            "the first publish to a calendar needs --audience: patient (no doses or calculations, for the"
            " patient's own calendar) or staff (everything, for the ward's)",
            field="audience",
        )
    now = current(saved)
    if not now.same:
        raise InputError(
            f"the schedule in {plan_path} no longer matches protocol {saved.protocol_ref} as it is now;"
            f" run `schedplan replan {plan_path}` first and check the changes"
        )
    kept = ExportOptions.model_validate(previous.options) if previous else saved.export_options or ExportOptions()
    export, recorded = build_calendar(
        now.plan, kept.merged(given), plan_id=saved.plan_id, items=previous.items if previous else ()
    )
    return Ready(
        plan_path=plan_path,
        saved=saved,
        target=Target(url=url, calendar=name, user=login),
        previous=previous,
        export=export,
        options=recorded,
        actions=tuple(plan_actions(export.items, previous)),
    )


def publish(
    ready: Ready,
    password: str | None,
    *,
    overwrite: bool = False,
    after_each: Callable[[Action], None] | None = None,
) -> Outcome:
    """Write ``ready``'s items to the server, then record the publication in the plan file (only its
    ``publications``, under the lock). ``overwrite``: write over items changed on the server since (a person
    checked the conflicts); ``after_each(action)`` is called after each item written.

    Raises PublishError, having written nothing, when the server cannot be used (the plan file is then
    untouched); a failure part way is in the returned Outcome, with the progress recorded.
    """
    from schedplan.export.caldav_publish.server import publish_export
    from schedplan.load.files import check_writable
    from schedplan.load.planfile import update_plan

    check_writable(ready.plan_path)  # before anything goes to the server: the record must be writable
    record, outcome = publish_export(
        ready.export,
        ready.target,
        ready.previous,
        ready.options.model_dump(),
        password,
        after_each=after_each,
        overwrite=overwrite,
    )
    if record != ready.previous and outcome.worth_recording():

        def record_it(now: SavedPlan) -> SavedPlan:
            if now.plan_id != ready.saved.plan_id:
                raise PlanFileError(
                    f"{ready.plan_path} was replaced by another plan while publishing; the publication was not"
                    " recorded in it (the items are in the calendar)",
                    path=ready.plan_path,
                )
            return now.updated(publications=replace_publication(now.publications, record))

        update_plan(ready.plan_path, record_it)
    return outcome
