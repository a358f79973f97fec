"""Fixtures for the publish tests: a real Radicale server per test, a saved NK-cell plan, reading the calendar back."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import icalendar
import pytest
from caldav.davclient import DAVClient

from tests.export.clients import FIXTURES, icalendar_read
from tests.publish.radicale import PASSWORD, USER, Radicale

PROTOCOL = str(FIXTURES / "NCT07256210.yaml")  # the frozen copy the export tests use
PATIENT = ["--weight", "70kg", "--height", "175cm", "--sex", "M"]
CHOICES = ["--set", "donor=haploidentical", "--set", "conditioning=treosulfan", "--set", "nk_dose_level=1"]
CALENDAR = "NK plan"


@pytest.fixture
def radicale(tmp_path_factory) -> Iterator[Radicale]:
    """A Radicale server on 127.0.0.1 (a free port, a temporary folder, htpasswd login); stopped at the end."""
    server = Radicale(tmp_path_factory.mktemp("radicale"))
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def password(monkeypatch) -> str:
    monkeypatch.setenv("SCHEDPLAN_CALDAV_PASSWORD", PASSWORD)
    return PASSWORD


@pytest.fixture
def plan_file(cli, tmp_path) -> Path:
    """The NK-cell plan (NCT07256210), day 0 2027-03-15, saved."""
    path = tmp_path / "plan.json"
    r = cli("plan", PROTOCOL, *PATIENT, "--anchor-date", "2027-03-15", *CHOICES, "--save", str(path))
    assert r.code == 0, r.err
    return path


@dataclass(frozen=True)
class ServerItem:
    uid: str
    event: icalendar.Event
    etag: str | None
    href: str
    zones: tuple[str, ...]  # TZIDs of the VTIMEZONEs in the resource


def read_calendar(server: Radicale, name: str = CALENDAR) -> dict[str, ServerItem]:
    """Every item in the calendar named ``name``, as the caldav client reads it and icalendar parses it."""
    with DAVClient(url=server.url, username=USER, password=PASSWORD, enable_rfc6764=False) as client:
        calendar = client.principal().calendar(name=name)
        out: dict[str, ServerItem] = {}
        for obj in calendar.events():
            raw = obj.data
            cal = icalendar_read(raw.encode() if isinstance(raw, str) else raw)
            assert "METHOD" not in cal  # RFC 4791 4.1: no METHOD in a calendar resource
            [event] = cal.walk("VEVENT")  # one item per resource
            assert isinstance(event, icalendar.Event)
            uid = str(event["UID"])
            assert uid not in out, f"UID {uid} twice in the calendar"
            zones = tuple(str(z["TZID"]) for z in cal.walk("VTIMEZONE"))
            out[uid] = ServerItem(uid=uid, event=event, etag=obj.etag, href=str(obj.url), zones=zones)
        return out


def export_items(cli, plan: Path, tmp_path: Path, *options: str) -> dict[str, icalendar.Event]:
    """UID -> VEVENT of what `schedplan export` writes for the plan now (the reference for publish)."""
    copy = tmp_path / f"export-copy-{len(list(tmp_path.iterdir()))}.json"
    copy.write_bytes(plan.read_bytes())  # export records its own state: leave the real plan file alone
    out = tmp_path / "export.ics"
    r = cli("export", str(copy), "--ics", str(out), *options)
    assert r.code == 0, r.err
    events = icalendar_read(out.read_bytes()).walk("VEVENT")
    return {str(e["UID"]): e for e in events if isinstance(e, icalendar.Event)}


def start_date(event: icalendar.Event) -> dt.date:
    value = event.start
    return value.date() if isinstance(value, dt.datetime) else value
