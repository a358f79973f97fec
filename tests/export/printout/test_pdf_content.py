"""What the printed PDFs say, read back with pypdf: each event on its month's page, no dose for the patient,
every dose and calculation for the staff, one page per month."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from schedplan.cli import main
from tests.export.printout.conftest import SHIPPED, read_plan
from tests.export.printout.helpers import expected_label, month_title, pages_text, plain_number, squash


@pytest.fixture(scope="module")
def printed(shipped_plans: dict[str, Path], tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, str], Path]:
    out = tmp_path_factory.mktemp("pdf")
    mp = pytest.MonkeyPatch()
    mp.setenv("SOURCE_DATE_EPOCH", "1804838400")
    try:
        result = {}
        for pid, plan in shipped_plans.items():
            for audience in ("patient", "staff"):
                pdf = out / f"{pid}-{audience}.pdf"
                assert main(["print", str(plan), "--pdf", str(pdf), "--audience", audience, "--locale", "en_GB"]) == 0
                result[(pid, audience)] = pdf
        return result
    finally:
        mp.undo()


def _month_pages(pages: list[str]) -> dict[str, int]:
    """Month heading -> index of the page it heads (a heading is a line of its own)."""
    found: dict[str, int] = {}
    names = "January|February|March|April|May|June|July|August|September|October|November|December"
    heading = re.compile(rf"^({names}) \d{{4}}$")
    for i, text in enumerate(pages):
        for line in text.splitlines():
            if heading.match(line.strip()):
                assert line.strip() not in found, f"{line.strip()} heads two pages"
                found[line.strip()] = i
    return found


@pytest.mark.parametrize("pid", sorted(SHIPPED))
def test_every_event_is_on_its_months_page_with_date_label_and_name(pid, printed, shipped_plans):
    events = read_plan(shipped_plans[pid])["schedule"]["events"]
    pages = pages_text(printed[(pid, "patient")])
    months = _month_pages(pages)
    for e in events:
        d = dt.date.fromisoformat(e["date"])
        page = squash(pages[months[month_title(d)]])
        # the cell starts with the day of the month and its label: "12 D-3"
        assert squash(f"{d.day} {expected_label(e)}") in page, (e["date"], e["name"])
        assert squash(e["name"]) in page, (e["date"], e["name"])


@pytest.mark.parametrize("pid", sorted(SHIPPED))
def test_patient_page_count_is_cover_months_with_events_and_the_day_list(pid, printed, shipped_plans):
    events = read_plan(shipped_plans[pid])["schedule"]["events"]
    with_events = sorted({(int(e["date"][:4]), int(e["date"][5:7])) for e in events})
    pages = pages_text(printed[(pid, "patient")])
    months = _month_pages(pages)
    assert sorted(months) == sorted(month_title(dt.date(y, m, 1)) for y, m in with_events)
    # page 1 the cover, then one page per month in order, then the day-by-day list
    assert sorted(months.values()) == list(range(1, 1 + len(with_events)))
    assert "Day by day" in pages[1 + len(with_events)]
    list_pages = len(pages) - 1 - len(with_events)
    assert 1 <= list_pages <= 2


_MASS_OR_BODY = re.compile(r"\d\s*(mg|mcg|µg|g|kg|lb|cm|in|m2|gy)\b|\b(weight|height|bsa|mosteller|dose)\b", re.I)


@pytest.mark.parametrize("pid", sorted(SHIPPED))
def test_patient_pdf_has_no_dose_mass_unit_weight_or_height(pid, printed, shipped_plans):
    schedule = read_plan(shipped_plans[pid])["schedule"]
    text = "\n".join(pages_text(printed[(pid, "patient")]))
    assert not _MASS_OR_BODY.search(text), _MASS_OR_BODY.search(text)
    flat = squash(text)
    for e in schedule["events"]:
        if e["dose"] is not None:
            assert squash(e["dose"]["calculation"]) not in flat
    assert "70kg" not in flat and "175cm" not in flat


@pytest.mark.parametrize("pid", sorted(SHIPPED))
def test_staff_pdf_has_every_dose_and_calculation(pid, printed, shipped_plans):
    schedule = read_plan(shipped_plans[pid])["schedule"]
    flat = squash("\n".join(pages_text(printed[(pid, "staff")])))
    doses = [e for e in schedule["events"] if e["dose"] is not None]
    assert doses or pid == "NCT06885476"
    for e in doses:
        dose = e["dose"]
        assert squash(dose["calculation"]) in flat, (e["date"], e["name"])
        if dose["unit"] in ("mg", "g", "mcg", "Gy"):
            assert squash(f"{plain_number(dose['value'])} {dose['unit']}") in flat, (e["date"], e["name"])
        for rule in dose["rules"]:
            assert squash(rule["rule"]) in flat
    for w in schedule["warnings"]:
        assert squash(w["message"]) in flat


def test_staff_header_is_on_every_page_with_page_n_of_m(printed, shipped_plans):
    saved = read_plan(shipped_plans["NCT02999633"])
    pages = pages_text(printed[("NCT02999633", "staff")])
    assert len(pages) > 1
    for n, text in enumerate(pages, 1):
        flat = squash(text)
        assert squash(saved["plan_id"]) in flat
        assert squash(f"sha256 {saved['protocol']['sha256'][:12]}") in flat
        assert "example-notarealunit'spolicy" in flat
        assert squash(f"Page {n} of {len(pages)}") in flat
        assert squash("Printed 12 Mar 2027, 08:00:00 UTC") in flat
