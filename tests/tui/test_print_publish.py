"""Print and Publish from the terminal UI: the plan file in use printed to PDF/HTML, and publishing it."""

from __future__ import annotations

import json
import re

from pypdf import PdfReader

from schedplan.tui.printing import PasswordDialog, PrintDialog
from tests.publish.conftest import password, plan_file, radicale  # noqa: F401  (the Radicale fixtures)
from tests.tui.test_keys import saved_nk_plan

# a mass, unit or body measure after a digit, or the words that introduce one (as tests/export/printout)
_MASS_OR_BODY = re.compile(r"\d\s*(mg|mcg|µg|g|kg|lb|cm|in|m2|gy)\b|\b(weight|height|bsa|mosteller|dose)\b", re.I)


def notes_of(app) -> str:
    return "\n".join(str(n.message) for n in app._notifications)


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text).lower()


async def test_print_a_saved_nk_plan_to_pdf_and_html_for_the_patient_has_no_dose(app_factory, tmp_path, capsys):
    plan = saved_nk_plan(tmp_path, capsys)
    app = app_factory(plan)
    pdf, html = tmp_path / "out" / "handout.pdf", tmp_path / "out" / "handout.html"
    pdf.parent.mkdir()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f9")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, PrintDialog)
        assert dialog.query_one("#print-audience").value == "patient"
        dialog.query_one("#print-pdf").value = str(pdf)
        dialog.query_one("#print-html").value = str(html)
        dialog.query_one("#print-label").focus()
        await pilot.press("enter")
        await pilot.pause()
        assert not isinstance(app.screen, PrintDialog)
        said = notes_of(app)
    assert pdf.is_file() and html.is_file()
    assert str(pdf) in said and str(html) in said
    text = "\n".join(page.extract_text() or "" for page in PdfReader(str(pdf)).pages)
    assert "fludarabine" in text.lower()  # the schedule is there ...
    assert not _MASS_OR_BODY.search(text), _MASS_OR_BODY.search(text)  # ... and no dose
    schedule = json.loads(open(plan, encoding="utf-8").read())["schedule"]
    doses = [e["dose"]["calculation"] for e in schedule["events"] if e["dose"] is not None]
    assert doses
    for calculation in doses:
        assert squash(calculation) not in squash(text)


async def test_print_to_a_missing_folder_is_one_line_and_writes_nothing(app_factory, tmp_path, capsys):
    app = app_factory(saved_nk_plan(tmp_path, capsys))
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.press("f9")
        await pilot.pause()
        app.screen.query_one("#print-pdf").value = str(tmp_path / "nowhere" / "x.pdf")
        app.screen.query_one("#print-pdf").focus()
        await pilot.press("enter")
        await pilot.pause()
        failed = [str(n.message) for n in app._notifications if "Print failed" in str(n.message)]
    assert len(failed) == 1 and "\n" not in failed[0] and "Traceback" not in failed[0]
    assert "nowhere" in failed[0]
    assert not (tmp_path / "nowhere").exists()


async def test_print_without_a_plan_file_says_to_save_first(app_factory):
    app = app_factory("NCT07256210")
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.press("f9")
        await pilot.pause()
        assert not isinstance(app.screen, PrintDialog)
        said = notes_of(app)
    assert "save the plan first" in said


async def test_publish_without_a_recorded_publication_says_how_to_set_it_up(app_factory, tmp_path, capsys):
    plan = saved_nk_plan(tmp_path, capsys)
    app = app_factory(plan)
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.press("f10")
        await pilot.pause()
        assert not isinstance(app.screen, PasswordDialog)
        said = notes_of(app)
    assert f"schedplan publish {plan} --caldav URL --audience" in said


async def test_print_for_the_staff_from_the_dialog_has_the_doses(app_factory, tmp_path, capsys):
    """The other audience: the same check that finds no dose on the patient's handout finds them here."""
    plan = saved_nk_plan(tmp_path, capsys)
    app = app_factory(plan)
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.press("f9")
        await pilot.pause()
        dialog = app.screen
        dialog.query_one("#print-audience").value = "staff"
        await pilot.pause()
        assert dialog.query_one("#print-pdf").value.endswith("nk-staff.pdf")  # the suggestion followed
        dialog.query_one("#print-pdf").focus()
        await pilot.press("enter")
        await pilot.pause()
    text = "\n".join(page.extract_text() or "" for page in PdfReader(str(tmp_path / "nk-staff.pdf")).pages)
    assert _MASS_OR_BODY.search(text)
    schedule = json.loads(open(plan, encoding="utf-8").read())["schedule"]
    for e in schedule["events"]:
        if e["dose"] is not None:
            assert squash(e["dose"]["calculation"]) in squash(text)


async def test_publish_from_the_ui_to_radicale_asks_the_password_and_says_the_counts(
    app_factory,
    cli,
    plan_file,  # noqa: F811  (the fixtures imported above)
    radicale,  # noqa: F811
    password,  # noqa: F811
):
    """Set up once on the command line (19 items, counted in tests/publish), then Publish (F10) from the UI:
    a wrong password is one line and leaves the plan file as it was; the right one finds all 19 unchanged."""
    from tests.publish.conftest import CALENDAR, read_calendar
    from tests.publish.radicale import USER
    from tests.publish.test_publish_radicale import NK_ITEMS

    r = cli("publish", str(plan_file), "--caldav", radicale.principal_url, "--calendar", CALENDAR, "--user", USER,
            "--audience", "staff")  # fmt: skip
    assert r.code == 0, r.err
    before = plan_file.read_bytes()
    app = app_factory(str(plan_file))
    async with app.run_test(size=(100, 40)) as pilot:
        for typed in ("not the password", password):
            await pilot.press("f10")
            await pilot.pause()
            dialog = app.screen
            assert isinstance(dialog, PasswordDialog)
            field = dialog.query_one("#publish-password")
            assert field.password  # hidden as typed
            field.value = typed
            field.focus()
            await pilot.press("enter")
            await pilot.pause()
            if typed != password:
                failed = [str(n.message) for n in app._notifications if "Publish failed" in str(n.message)]
                assert len(failed) == 1 and "\n" not in failed[0] and "(401)" in failed[0]
                assert "not the password" not in failed[0]
                assert plan_file.read_bytes() == before
        said = notes_of(app)
    assert f"0 created, 0 updated, 0 cancelled, {NK_ITEMS} unchanged" in said
    assert len(read_calendar(radicale)) == NK_ITEMS
    assert password not in plan_file.read_text(encoding="utf-8")
