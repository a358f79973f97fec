"""Print and Publish from the terminal UI: the plan file in use printed to PDF/HTML, and publishing it."""

from __future__ import annotations

import json
import re

from pypdf import PdfReader

from schedplan.tui.printing import PasswordDialog, PrintDialog
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
    async with app.run_test(size=(100, 40)) as pilot:
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
