"""`schedplan publish` against a real Radicale server: same items as export, updates in place, cancels, errors."""

from __future__ import annotations

import datetime as dt
import json
from zoneinfo import ZoneInfo

import icalendar
from caldav.calendarobjectresource import Event
from caldav.davclient import DAVClient

from schedplan.cli import build_parser
from schedplan.commands import publish as publish_command
from tests.publish.conftest import CALENDAR, export_items, read_calendar, start_date
from tests.publish.radicale import PASSWORD, USER

# The NK-cell plan's items, counted by hand from the protocol (NCT07256210, haploidentical donor, treosulfan):
# fludarabine -14,-13 (2) + thiotepa -14,-13 (2) + cyclophosphamide -14 (1) + NK cells -12,+5 (2)
# + fludarabine -4,-3 (2) + treosulfan -4,-3,-2 (3) + tocilizumab -1 (1) + abatacept -1,+7,+14 (3)
# + abatacept +28 (haploidentical only) (1) + transplant 0 (1) + end of follow-up +730 (1)
NK_ITEMS = 2 + 2 + 1 + 2 + 2 + 3 + 1 + 3 + 1 + 1 + 1


def _publish(cli, plan, radicale, *extra):
    return cli("publish", str(plan), "--caldav", radicale.principal_url, "--calendar", CALENDAR, "--user", USER, *extra)


def test_publish_puts_the_same_items_as_export_with_the_same_uids_and_dates(
    cli, plan_file, radicale, password, tmp_path
):
    assert NK_ITEMS == 19
    r = _publish(cli, plan_file, radicale, "--audience", "staff")
    assert r.code == 0, r.err
    assert f"{NK_ITEMS} created, 0 updated, 0 cancelled, 0 unchanged" in r.err
    on_server = read_calendar(radicale)
    exported = export_items(cli, plan_file, tmp_path, "--audience", "staff")
    assert len(exported) == NK_ITEMS
    assert len(on_server) == NK_ITEMS
    assert set(on_server) == set(exported)
    for uid, item in on_server.items():
        assert start_date(item.event) == start_date(exported[uid])
        assert str(item.event["SUMMARY"]) == str(exported[uid]["SUMMARY"])
        assert item.event["SEQUENCE"] == 0
    # day 0 of the plan is the transplant, on the anchor date
    assert {start_date(i.event) for i in on_server.values() if "Transplant" in str(i.event["SUMMARY"])} == {
        dt.date(2027, 3, 15)
    }


def test_the_record_keeps_target_and_etags_but_never_the_password(cli, plan_file, radicale, password):
    url_with_user = radicale.principal_url.replace("http://", f"http://{USER}@")
    r = cli("publish", str(plan_file), "--caldav", url_with_user, "--calendar", CALENDAR, "--audience", "patient")
    assert r.code == 0, r.err
    text = plan_file.read_text()
    assert PASSWORD not in text
    [record] = json.loads(text)["publications"]
    assert record["url"] == radicale.principal_url  # the user name taken out of the URL ...
    assert record["user"] == USER  # ... and kept apart
    assert record["calendar"] == CALENDAR and record["options"]["audience"] == "patient"
    on_server = read_calendar(radicale)
    assert {i["uid"]: i["etag"] for i in record["items"]} == {u: s.etag for u, s in on_server.items()}
    # the next publish needs only the plan: nothing changed, nothing written, the plan file not rewritten
    before = plan_file.read_bytes()
    r = cli("publish", str(plan_file))
    assert r.code == 0, r.err
    assert f"0 created, 0 updated, 0 cancelled, {len(on_server)} unchanged" in r.err
    assert plan_file.read_bytes() == before
    assert {u: s.etag for u, s in read_calendar(radicale).items()} == {u: s.etag for u, s in on_server.items()}


def test_patient_audience_publishes_no_doses(cli, plan_file, radicale, password, tmp_path):
    r = _publish(cli, plan_file, radicale, "--audience", "patient")
    assert r.code == 0, r.err
    on_server = read_calendar(radicale)
    exported = export_items(cli, plan_file, tmp_path, "--audience", "patient")
    assert {u: str(e["SUMMARY"]) for u, e in exported.items()} == {
        u: str(i.event["SUMMARY"]) for u, i in on_server.items()
    }
    texts = [str(i.event["SUMMARY"]) + str(i.event["DESCRIPTION"]) for i in on_server.values()]
    assert not [t for t in texts if " mg" in t or "Dose" in t or "Calculation" in t]


def test_replan_three_days_later_updates_every_item_in_place_with_no_duplicate(
    cli, plan_file, radicale, password, tmp_path
):
    assert _publish(cli, plan_file, radicale, "--audience", "staff").code == 0
    before = read_calendar(radicale)
    r = cli("replan", str(plan_file), "--anchor-date", "2027-03-18")
    assert r.code == 0 and "Moved (19)" in r.out, r.out + r.err
    r = cli("publish", str(plan_file))
    assert r.code == 0, r.err
    assert "0 created, 19 updated, 0 cancelled, 0 unchanged" in r.err
    after = read_calendar(radicale)
    assert set(after) == set(before) and len(after) == 19
    for uid, item in after.items():
        assert start_date(item.event) == start_date(before[uid].event) + dt.timedelta(days=3)
        assert item.event["SEQUENCE"] == 1
        assert item.href == before[uid].href  # the same resource, rewritten
    exported = export_items(cli, plan_file, tmp_path, "--audience", "staff")
    assert {u: start_date(e) for u, e in exported.items()} == {u: start_date(i.event) for u, i in after.items()}


def test_an_item_that_left_the_plan_is_cancelled_and_the_rest_untouched(cli, plan_file, radicale, password):
    assert _publish(cli, plan_file, radicale, "--audience", "staff").code == 0
    before = read_calendar(radicale)
    r = cli("replan", str(plan_file), "--set", "donor=matched_related")  # no abatacept on day +28
    assert r.code == 0 and "Removed (1)" in r.out, r.out + r.err
    r = cli("publish", str(plan_file))
    assert r.code == 0, r.err
    assert "0 created, 0 updated, 1 cancelled, 18 unchanged" in r.err
    after = read_calendar(radicale)
    assert set(after) == set(before)
    cancelled = {u for u, i in after.items() if i.event.get("STATUS") == "CANCELLED"}
    assert len(cancelled) == 1
    [uid] = cancelled
    assert str(after[uid].event["SUMMARY"]).startswith("D+28 Abatacept")
    assert start_date(after[uid].event) == dt.date(2027, 4, 12)  # stays where it was
    assert after[uid].event["SEQUENCE"] == 1
    assert {u: i.etag for u, i in after.items() if u != uid} == {u: i.etag for u, i in before.items() if u != uid}


def test_a_change_made_on_the_server_is_reported_not_overwritten(cli, plan_file, radicale, password):
    assert _publish(cli, plan_file, radicale, "--audience", "staff").code == 0
    target = next(i for i in read_calendar(radicale).values() if "D0 Transplant" in str(i.event["SUMMARY"]))
    with DAVClient(url=radicale.url, username=USER, password=PASSWORD, enable_rfc6764=False) as client:
        obj = client.principal().calendar(name=CALENDAR).event_by_url(target.href)
        obj.load()
        edited = obj.data.replace("SUMMARY:D0 Transplant", "SUMMARY:D0 Transplant (room 12)")
        assert edited != obj.data
        obj.data = edited
        obj.save(increase_seqno=False)
    assert cli("replan", str(plan_file), "--anchor-date", "2027-03-18").code == 0
    r = cli("publish", str(plan_file))
    assert r.code == 2
    assert "CONFLICT  2027-03-18 D0 Transplant" in r.out and "not overwritten" in r.out
    assert "0 created, 18 updated" in r.err
    after = read_calendar(radicale)
    assert str(after[target.uid].event["SUMMARY"]) == "D0 Transplant (room 12)"
    assert start_date(after[target.uid].event) == dt.date(2027, 3, 15)  # the server's copy, as edited
    # a second publish does not overwrite it either
    r = cli("publish", str(plan_file))
    assert r.code == 2 and "CONFLICT" in r.out and "0 created, 0 updated, 0 cancelled, 18 unchanged" in r.err
    assert str(read_calendar(radicale)[target.uid].event["SUMMARY"]) == "D0 Transplant (room 12)"
    # once a person has checked it: the plan's version put back, and then nothing left to do
    r = cli("publish", str(plan_file), "--overwrite-changes")
    assert r.code == 0, r.err
    assert "0 created, 1 updated, 0 cancelled, 18 unchanged" in r.err
    back = read_calendar(radicale)[target.uid].event
    assert str(back["SUMMARY"]) == "D0 Transplant" and start_date(back) == dt.date(2027, 3, 18)
    assert back["SEQUENCE"] == 1
    r = cli("publish", str(plan_file))
    assert r.code == 0 and "0 created, 0 updated, 0 cancelled, 19 unchanged" in r.err, r.err


def test_an_item_removed_on_the_server_is_reported_and_made_again_only_when_asked(cli, plan_file, radicale, password):
    assert _publish(cli, plan_file, radicale, "--audience", "staff").code == 0
    target = next(i for i in read_calendar(radicale).values() if "D0 Transplant" in str(i.event["SUMMARY"]))
    with DAVClient(url=radicale.url, username=USER, password=PASSWORD, enable_rfc6764=False) as client:
        client.principal().calendar(name=CALENDAR).event_by_url(target.href).delete()
    assert cli("replan", str(plan_file), "--anchor-date", "2027-03-18").code == 0
    r = cli("publish", str(plan_file))
    assert r.code == 2 and "CONFLICT  2027-03-18 D0 Transplant: changed or removed" in r.out
    assert target.uid not in read_calendar(radicale)
    r = cli("publish", str(plan_file), "--overwrite-changes")
    assert r.code == 0, r.err
    on_server = read_calendar(radicale)
    assert len(on_server) == 19 and start_date(on_server[target.uid].event) == dt.date(2027, 3, 18)


def test_wrong_password_exit_2_one_line_plan_untouched(cli, plan_file, radicale, monkeypatch):
    monkeypatch.setenv("SCHEDPLAN_CALDAV_PASSWORD", "not the password")
    before = plan_file.read_bytes()
    r = _publish(cli, plan_file, radicale, "--audience", "staff")
    assert r.code == 2
    assert r.err.count("\n") == 1 and r.err.startswith("schedplan: error: ") and "refused user 'nurse' (401)" in r.err
    assert "Traceback" not in r.err and "not the password" not in r.out + r.err
    assert plan_file.read_bytes() == before


def test_server_stopped_mid_publish_then_a_second_publish_completes_it(cli, plan_file, radicale, password, capsys):
    written: list[str] = []

    def stop_after_seven(action) -> None:
        written.append(action.item.uid)
        if len(written) == 7:
            radicale.stop()

    args = build_parser("publish").parse_args(
        ["publish", str(plan_file), "--caldav", radicale.principal_url, "--calendar", CALENDAR, "--user", USER,
         "--audience", "staff"]
    )  # fmt: skip
    code = publish_command.run(args, after_each=stop_after_seven)
    out, err = capsys.readouterr()
    assert code == 2
    assert "cannot reach the CalDAV server" in err and "7 of 19 items were published" in err
    assert out.count("created ") == 7 and out.count("NOT DONE ") == 12
    record = json.loads(plan_file.read_text())["publications"][0]
    assert sorted(i["uid"] for i in record["items"]) == sorted(written)  # progress kept for the next run

    radicale.start()
    assert sorted(read_calendar(radicale)) == sorted(written)
    r = cli("publish", str(plan_file))
    assert r.code == 0, r.err
    assert "12 created, 0 updated, 0 cancelled, 7 unchanged" in r.err
    on_server = read_calendar(radicale)
    assert len(on_server) == 19
    assert sorted(i["uid"] for i in json.loads(plan_file.read_text())["publications"][0]["items"]) == sorted(on_server)


def test_items_written_but_not_recorded_are_found_not_duplicated(cli, plan_file, radicale, password):
    before = plan_file.read_bytes()
    assert _publish(cli, plan_file, radicale, "--audience", "staff").code == 0
    on_server = read_calendar(radicale)
    plan_file.write_bytes(before)  # as if the answers were lost: the server has the items, the plan no record
    r = _publish(cli, plan_file, radicale, "--audience", "staff")
    assert r.code == 0, r.err
    assert "0 created" in r.err and "19 found already there" in r.err
    assert read_calendar(radicale).keys() == on_server.keys()
    assert len(json.loads(plan_file.read_text())["publications"][0]["items"]) == 19


def test_dry_run_says_what_would_change_and_contacts_no_server(cli, plan_file, radicale, password):
    assert _publish(cli, plan_file, radicale, "--audience", "staff").code == 0
    assert cli("replan", str(plan_file), "--set", "donor=matched_related").code == 0
    radicale.stop()  # a dry run needs no server
    before = plan_file.read_bytes()
    r = cli("publish", str(plan_file), "--dry-run")
    assert r.code == 0, r.err
    assert r.out.splitlines() == ["would cancel 2027-04-12 D+28 Abatacept 700 mg IV"]
    assert "0 to create, 0 to update, 1 to cancel, 18 unchanged" in r.err
    assert plan_file.read_bytes() == before


def test_timed_items_carry_their_time_zone_into_each_resource(cli, plan_file, radicale, password, tmp_path):
    options = ("--audience", "staff", "--time", "08:00", "--tz", "Europe/Rome")
    r = _publish(cli, plan_file, radicale, *options)
    assert r.code == 0, r.err
    on_server = read_calendar(radicale)  # read_calendar insists every TZID has its VTIMEZONE in the resource
    exported = export_items(cli, plan_file, tmp_path, *options)
    assert {u: e.start for u, e in exported.items()} == {u: i.event.start for u, i in on_server.items()}
    fludarabine = next(i.event for i in on_server.values() if str(i.event["SUMMARY"]).startswith("D-14 Fludarabine"))
    assert fludarabine.start == dt.datetime(2027, 3, 1, 8, 0, tzinfo=ZoneInfo("Europe/Rome"))
    assert fludarabine["DTSTART"].params["TZID"] == "Europe/Rome"
    timed = [i for i in on_server.values() if isinstance(i.event.start, dt.datetime)]
    assert len(timed) == NK_ITEMS - 2  # --time is for drugs and cell products: not the transplant, not the visit
    assert all(i.zones == ("Europe/Rome",) for i in timed)
    assert all(i.zones == () for i in on_server.values() if i not in timed)  # all-day: no zone needed


def test_an_item_imported_earlier_under_another_name_is_a_conflict_not_a_duplicate(
    cli, plan_file, radicale, password, tmp_path
):
    exported = export_items(cli, plan_file, tmp_path, "--audience", "staff")
    transplant = next(e for e in exported.values() if str(e["SUMMARY"]) == "D0 Transplant")
    single = icalendar.Calendar.new(prodid="-//someone's client//EN")
    single.add_component(transplant)
    with DAVClient(url=radicale.url, username=USER, password=PASSWORD, enable_rfc6764=False) as client:
        calendar = client.principal().make_calendar(name=CALENDAR)
        assert calendar.url is not None
        Event(client=client, url=calendar.url.join("imported-by-hand.ics"), parent=calendar).save(
            raw_data=single.to_ical()
        )
    r = _publish(cli, plan_file, radicale, "--audience", "staff")
    assert r.code == 2
    assert "CONFLICT  2027-03-15 D0 Transplant: an item with the same UID is already in this calendar" in r.out
    assert "18 created" in r.err
    on_server = read_calendar(radicale)  # fails on a UID seen twice
    assert len(on_server) == 19 and on_server[str(transplant["UID"])].href.endswith("/imported-by-hand.ics")
