"""The printouts show times of day (issue 13): each administration at its time, a day's entries in time order
with the all-day ones first, "n of m" for a series, a site policy's usual time marked as such; the staff
schedule's day is the administration list with given / at / initials to fill in."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from schedplan.cli import main
from tests.export.printout.test_amended_course import text_of

TIMES = Path(__file__).resolve().parents[2] / "fixtures" / "times"
PATIENT = ["--weight", "62kg", "--height", "170cm", "--sex", "F", "--anchor-date", "2027-05-10"]


def _plan(folder: Path, fixture: str, *extra: str, name: str | None = None) -> Path:
    path = folder / f"{name or fixture}.json"
    assert main(["plan", str(TIMES / f"{fixture}.yaml"), *PATIENT, *extra, "--save", str(path)]) == 0
    return path


def _html(plan: Path, audience: str) -> str:
    out = plan.with_name(f"{plan.stem}-{audience}.html")
    assert main(["print", str(plan), "--html", str(out), "--audience", audience, "--locale", "en_GB"]) == 0
    return out.read_text(encoding="utf-8")


def _day_rows(page: str, heading: str) -> list[str]:
    """The staff rows of one day (after its heading row, up to the next day), as text."""
    table = re.search(r'<table class="sched">.*?</table>', page, flags=re.S)
    assert table is not None
    rows = [text_of(tr) for tr in re.findall(r"<tr[^>]*>.*?</tr>", table.group(0), flags=re.S)]
    start = next(i for i, r in enumerate(rows) if r.startswith(heading))
    out = []
    for r in rows[start + 1 :]:
        if re.match(r"D[-+]?\d+ - ", r):
            break
        out.append(r)
    return out


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("times")


def test_staff_day_lists_busulfan_q6h_at_its_times_with_n_of_16_and_columns_to_fill(folder):
    # every 6 hours from 06:00 on day -7 (2027-05-03): day -6 (4 May) has 00:00, 06:00, 12:00, 18:00 =
    # administrations 4 to 7 of 16; 12.8 mg/kg x 62 kg / 16 = 49.6 mg each
    page = _html(_plan(folder, "busulfan-q6h"), "staff")
    rows = _day_rows(page, "D-6 - Tuesday, 4 May 2027")
    assert [r.split()[:4] for r in rows] == [
        ["00:00", "4", "of", "16"],
        ["06:00", "5", "of", "16"],
        ["12:00", "6", "of", "16"],
        ["18:00", "7", "of", "16"],
    ]
    assert all("49.6 mg" in r for r in rows)
    head = next(text_of(h) for h in re.findall(r"<thead>.*?</thead>", page, flags=re.S))
    assert head.startswith("Time Event Dose") and head.endswith("Given At Initials")


def test_staff_day_is_in_time_order_all_day_first_and_a_site_time_is_marked(folder, tmp_path):
    site = tmp_path / "site.yaml"
    site.write_text('name: test site\nversion: "1"\ndefault_times: {visit: "11:00"}\n', encoding="utf-8")
    page = _html(_plan(folder, "three-in-sequence", "--site", str(site), name="site-times"), "staff")
    rows = _day_rows(page, "D-6 - Tuesday, 4 May 2027")
    # fludarabine at 08:00 for 30 min, then sodium chloride (90 min) at 08:30, then thiotepa at 10:00;
    # the visit has no time in the protocol: the site's 11:00, said to be the site's
    assert [r.split()[0] for r in rows] == ["08:00", "08:30", "10:00", "11:00"]
    assert rows[3].startswith("11:00 the site policy's usual time clinic visit")
    assert "usual time" not in " ".join(rows[:3])
    patient = text_of(_html(folder / "site-times.json", "patient"))
    assert "11:00 (the unit's usual time) Clinic visit" in patient
    assert "08:00 Fludarabine - drip into a vein, 30 minutes" in patient


def test_untimed_entries_are_all_day_and_come_first(folder):
    # without a site policy the visit has no time: all day, before the timed infusions
    page = _html(_plan(folder, "three-in-sequence"), "staff")
    rows = _day_rows(page, "D-6 - Tuesday, 4 May 2027")
    assert [r.split()[0] for r in rows] == ["all", "08:00", "08:30", "10:00"]
    assert rows[0].startswith("all day clinic visit")
    patient = text_of(_html(folder / "three-in-sequence.json", "patient"))
    assert patient.index("Clinic visit") < patient.index("08:00 Fludarabine") < patient.index("10:00 Thiotepa")
