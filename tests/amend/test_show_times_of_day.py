"""`schedplan show` (table) shows each administration's time of day as the other views do (issue 13): a day in
time order with the all-day entries first, "n of m" for a series, a site policy's usual time marked."""

from __future__ import annotations

from pathlib import Path

TIMES = Path(__file__).resolve().parents[1] / "fixtures" / "times"
PATIENT = ("--weight", "62kg", "--height", "170cm", "--sex", "F", "--anchor-date", "2027-05-10")


def test_show_lists_busulfan_q6h_at_its_times_with_n_of_16(cli, tmp_path):
    # every 6 hours from 06:00 on day -7 (2027-05-03): 06:00, 12:00, 18:00 that day, 00:00 the next
    plan = tmp_path / "bu.json"
    assert cli("plan", str(TIMES / "busulfan-q6h.yaml"), *PATIENT, "--save", str(plan)).code == 0
    r = cli("show", str(plan))
    assert r.code == 0, r.err
    rows = [line.split() for line in r.out.splitlines() if "busulfan" in line and "Day" in line]
    assert [row[3:7] for row in rows[:4]] == [
        ["06:00", "busulfan", "(1", "of"],
        ["12:00", "busulfan", "(2", "of"],
        ["18:00", "busulfan", "(3", "of"],
        ["00:00", "busulfan", "(4", "of"],
    ]
    assert rows[3][2] == "2027-05-04" and rows[15][7] == "16)"


def test_show_puts_a_day_in_time_order_and_marks_the_sites_time(cli, tmp_path):
    site = tmp_path / "site.yaml"
    site.write_text('name: test site\nversion: "1"\ndefault_times: {visit: "11:00"}\n', encoding="utf-8")
    plan = tmp_path / "seq.json"
    made = cli("plan", str(TIMES / "three-in-sequence.yaml"), *PATIENT, "--site", str(site), "--save", str(plan))
    assert made.code == 0, made.err
    # sodium chloride moved a day: the day it leaves keeps its time order (the site's 11:00 visit after the
    # protocol's 10:00 thiotepa), the day it reaches has it at its 08:30
    step = ("delay", "--drug", "hydration", "--day", "-6", "--days", "1", "--reason", "line", "--by", "RN A")
    assert cli("amend", str(plan), *step).code == 0
    lines = [line for line in cli("show", str(plan)).out.splitlines() if "2027-05-0" in line]
    assert [line[line.index("2027-05-0") + 11 :] for line in lines] == [
        "08:00 fludarabine  51.33 mg",
        "10:00 thiotepa  310 mg",
        "11:00 (site time) clinic visit",
        "(planned 2027-05-04) 08:30 sodium chloride  1,000 mg",
    ]
