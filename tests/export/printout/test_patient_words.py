"""The patient handout's own words: a protocol's patient_text and patient_notes, the site's contacts, and
day 0 / today / weekends marked with words and lines, not colour only."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from schedplan.cli import main
from tests.export.clients import FIXTURES
from tests.export.printout.conftest import SHIPPED, save_plan

POLICY_WITH_CONTACTS = """\
name: Test unit policy
version: "1"
contacts:
  unit: Haematology day unit, 3rd floor
  phones:
    - label: Day unit (8:00-18:00)
      number: "+39 02 0000 0001"
    - label: Ward, day and night
      number: "+39 02 0000 0002"
  when_to_call:
    - a temperature of 38 C or more
    - bleeding that does not stop
"""


@pytest.fixture
def worded_plan(tmp_path: Path) -> Path:
    """The frozen NK-cell protocol with patient words added, planned under a policy with contacts."""
    text = (FIXTURES / "NCT07256210.yaml").read_text(encoding="utf-8")
    text = text.replace(
        "  - id: thiotepa\n",
        '  - id: thiotepa\n    patient_text: "Thiotepa, a chemotherapy drip (1 hour)"\n',
        1,
    )
    text = text.replace(
        "bsa_formula: mosteller\n",
        'bsa_formula: mosteller\npatient_notes:\n  - "Bring your medicines list to every visit."\n',
        1,
    )
    protocol = tmp_path / "nk.yaml"
    protocol.write_text(text, encoding="utf-8")
    policy = tmp_path / "site.yaml"
    policy.write_text(POLICY_WITH_CONTACTS, encoding="utf-8")
    return save_plan(tmp_path, str(protocol), SHIPPED["NCT07256210"], "--site", str(policy))


def _patient_html(plan: Path, tmp_path: Path) -> str:
    html = tmp_path / "p.html"
    assert main(["print", str(plan), "--html", str(html), "--audience", "patient", "--locale", "en_GB"]) == 0
    return html.read_text(encoding="utf-8")


def test_patient_text_replaces_the_generated_words(worded_plan, tmp_path):
    text = _patient_html(worded_plan, tmp_path)
    assert text.count("Thiotepa, a chemotherapy drip (1 hour)") == 4  # days -14, -13: grid and list
    assert "Thiotepa - drip into a vein" not in text
    assert "Fludarabine - drip into a vein, 1 hour" in text  # no patient_text: name, route, length


def test_patient_notes_and_contacts_are_printed(worded_plan, tmp_path):
    text = _patient_html(worded_plan, tmp_path)
    for words in (
        "Bring your medicines list to every visit.",
        "Haematology day unit, 3rd floor",
        "+39 02 0000 0001",
        "Ward, day and night",
        "a temperature of 38 C or more",
    ):
        assert words in text


def test_staff_notes_never_reach_the_patient(worded_plan, tmp_path):
    text = _patient_html(worded_plan, tmp_path)
    # the protocol's staff note on NK-cell infusion criteria names a steroid dose in mg/kg
    assert "corticosteroids" not in text and "mbIL21" not in text


def test_without_contacts_the_cover_says_the_team_gives_them(frozen_plan, tmp_path):
    text = _patient_html(frozen_plan, tmp_path)
    assert "Your care team will give you the phone numbers to call." in text


def _cell(text: str, day: int, month_title: str) -> str:
    """The HTML of one month-grid cell, found by its day number on the page of ``month_title``."""
    page = text[text.index(f"<h2>{month_title}</h2>") :]
    page = page[: page.index("</table>")]
    m = re.search(rf'<td class="([^"]*)">\s*<span class="num">{day}</span>(.*?)</td>', page, re.S)
    assert m is not None, day
    return m.group(1) + "|" + m.group(2)


def test_day0_today_and_weekend_are_marked_without_colour(frozen_plan, tmp_path):
    # day 0 is Monday 2027-03-15; printed on Friday 2027-03-12 (SOURCE_DATE_EPOCH); 2027-03-13 is a Saturday
    text = _patient_html(frozen_plan, tmp_path)
    day0 = _cell(text, 15, "March 2027")
    assert "day0" in day0 and ">D0<" in day0
    today = _cell(text, 12, "March 2027")
    assert "today" in today and "TODAY" in today
    saturday = _cell(text, 13, "March 2027")
    assert "weekend" in saturday and "today" not in saturday
    assert "weekend" not in _cell(text, 16, "March 2027")
    css = text[text.index("<style>") : text.index("</style>")]
    # each mark is a line or a word, so it survives a black-and-white printer
    assert re.search(r"td\.day0 \{ border: [\d.]+pt double #000", css)
    assert re.search(r"td\.today \{ border: [\d.]+pt dashed #000", css)
    assert re.search(r"td\.weekend \.num \{ text-decoration: underline", css)
