"""`schedplan publish` when the server or the target cannot be used: one line, exit 2, the plan file untouched."""

from __future__ import annotations

import json

import pytest

from schedplan.commands.publish import plain_http_note
from schedplan.load.planfile import open_plan, plan_file_text
from tests.publish.conftest import CALENDAR
from tests.publish.radicale import PASSWORD, USER, free_port


def _one_line_error(r, *fragments: str) -> None:
    assert r.code == 2, (r.out, r.err)
    assert r.err.count("\n") == 1 and r.err.startswith("schedplan: error: "), r.err
    assert "Traceback" not in r.err
    for f in fragments:
        assert f in r.err, r.err


@pytest.mark.parametrize(
    ("where", "extra", "expected"),
    [
        # nothing listens on this loopback port
        ("closed", ["--calendar", CALENDAR, "--user", USER], ("cannot reach the CalDAV server", "connection refused")),
        # TLS to a server that speaks plain HTTP
        ("https", ["--calendar", CALENDAR, "--user", USER], ("TLS failure talking to https://127.0.0.1",)),
        # the user's home is a collection, not a calendar
        ("principal", ["--user", USER], ("is a user's home (principal); give the calendar's own URL",)),
        # no login given: the server asks for one
        ("principal", ["--calendar", CALENDAR], ("refused a login (give --user NAME) (401)",)),
        # a calendar URL that is not there
        ("missing", ["--user", USER], ("no such calendar on the server (404)",)),
    ],
    ids=["unreachable", "tls", "not-a-calendar", "no-login", "no-such-calendar"],
)
def test_server_problems_are_one_line_exit_2_plan_untouched(cli, plan_file, radicale, password, where, extra, expected):
    url = {
        "closed": f"http://127.0.0.1:{free_port()}/nurse/",
        "https": radicale.principal_url.replace("http://", "https://"),
        "principal": radicale.principal_url,
        "missing": radicale.principal_url + "no-such-calendar/",
    }[where]
    before = plan_file.read_bytes()
    r = cli("publish", str(plan_file), "--caldav", url, "--audience", "staff", *extra)
    _one_line_error(r, *expected)
    assert plan_file.read_bytes() == before


def test_a_password_in_the_url_is_refused_before_anything_is_sent(cli, plan_file, radicale, password):
    before = plan_file.read_bytes()
    url = radicale.principal_url.replace("http://", f"http://{USER}:{PASSWORD}@")
    r = cli("publish", str(plan_file), "--caldav", url, "--calendar", CALENDAR, "--audience", "staff")
    _one_line_error(r, "URL contains a password; leave it out and set SCHEDPLAN_CALDAV_PASSWORD")
    assert PASSWORD not in r.err
    assert plan_file.read_bytes() == before


def test_no_password_and_no_terminal_says_where_to_put_it(cli, plan_file, radicale, monkeypatch):
    monkeypatch.delenv("SCHEDPLAN_CALDAV_PASSWORD", raising=False)
    monkeypatch.setattr("sys.stdin.isatty", lambda: False)
    r = cli("publish", str(plan_file), "--caldav", radicale.principal_url, "--calendar", CALENDAR, "--user", USER,
            "--audience", "staff")  # fmt: skip
    _one_line_error(r, "no password for 'nurse'", "set SCHEDPLAN_CALDAV_PASSWORD")


def test_the_first_publish_asks_for_the_audience(cli, plan_file, radicale, password):
    r = cli("publish", str(plan_file), "--caldav", radicale.principal_url, "--calendar", CALENDAR, "--user", USER)
    _one_line_error(r, "the first publish to a calendar needs --audience: patient")


def test_publish_without_url_needs_an_earlier_publish(cli, plan_file):
    r = cli("publish", str(plan_file))
    _one_line_error(r, "has not been published; give the calendar with --caldav URL")


def test_not_a_server_address(cli, plan_file):
    r = cli("publish", str(plan_file), "--caldav", "calendar.example", "--audience", "staff")
    _one_line_error(r, "is not a server address; write it as https://host/path/")


def test_an_old_plan_file_without_publications_reads_and_writes_as_before(plan_file):
    text = plan_file.read_text()
    assert "publications" not in json.loads(text)
    saved = open_plan(plan_file)
    assert saved.publications == ()
    assert plan_file_text(saved) == text


def test_a_password_over_plain_http_to_another_machine_gets_a_note():
    assert plain_http_note("http://calendar.example/dav/", "nurse") is not None
    assert plain_http_note("https://calendar.example/dav/", "nurse") is None
    assert plain_http_note("http://127.0.0.1:5232/nurse/", "nurse") is None  # this machine
    assert plain_http_note("http://localhost:5232/nurse/", "nurse") is None
    assert plain_http_note("http://calendar.example/dav/", None) is None  # no password sent
