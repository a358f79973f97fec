"""`schedplan show` (table) writes cell counts in the ISMP form every other view uses (466.7 x 10^6 cells),
not as long integers (466,666,667 cells) that are easy to misread by a factor of ten."""

from __future__ import annotations

PLAN = (
    "plan",
    "NCT07256210",
    "--weight",
    "70kg",
    "--height",
    "175cm",
    "--anchor-date",
    "2026-03-02",
    "--set",
    "donor=haploidentical",
    "--set",
    "conditioning=treosulfan",
    "--set",
    "nk_dose_level=1",
)


def test_show_table_prints_cell_counts_as_x_10_6_cells(cli, tmp_path):
    # dose level 1: 10 x 10^6 cells/kg a course, 2/3 on day -12 and 1/3 on day +5, at 70 kg:
    # 10e6 x 70 x 2/3 = 466,666,666.7 -> 466.7 x 10^6; 10e6 x 70 x 1/3 = 233,333,333.3 -> 233.3 x 10^6;
    # the course 700 x 10^6 cells. Given on day -12 as 460 x 10^6 cells: 240 x 10^6 less than planned remains.
    plan = tmp_path / "nk.json"
    assert cli(*PLAN, "--save", str(plan)).code == 0
    given = cli(
        "amend", str(plan), "given", "--drug", "nk-cells", "--day", "-12", "--dose", "460000000 cells", "--by", "RN A"
    )
    assert given.code == 0, given.err
    r = cli("show", str(plan))
    assert r.code == 0, r.err
    lines = r.out.splitlines()
    day_minus_12 = next(line for line in lines if "Day -12" in line and "NK cell" in line)
    day_plus_5 = next(line for line in lines if "Day +5" in line and "NK cell" in line)
    assert "466.7 x 10^6 cells" in day_minus_12
    assert "GIVEN" in day_minus_12 and "460 x 10^6 cells" in day_minus_12
    assert "233.3 x 10^6 cells" in day_plus_5
    total = next(line for line in lines if line.strip().startswith("NK cell infusion:"))
    assert total.strip() == (
        "NK cell infusion: planned 700 x 10^6 cells, given 460 x 10^6 cells, remaining 233.3 x 10^6 cells"
    )
    assert "466,666,667" not in r.out and "233,333,333" not in r.out and "700,000,000" not in r.out


def test_show_history_writes_an_amendments_dose_with_its_unit_in_ismp_form(cli, tmp_path):
    plan = tmp_path / "nk.json"
    assert cli(*PLAN, "--save", str(plan)).code == 0
    step = ("modify", "--drug", "nk-cells", "--day", "5", "--dose", "200000000 cells", "--reason", "yield", "--by", "B")
    assert cli("amend", str(plan), *step).code == 0
    r = cli("show", str(plan), "--history")
    assert r.code == 0, r.err
    line = next(line for line in r.out.splitlines() if line.strip().startswith("1. "))
    assert "dose 200 x 10^6 cells" in line  # 200,000,000 = 200 x 10^6
    assert "200000000" not in line and "unit cells" not in line
