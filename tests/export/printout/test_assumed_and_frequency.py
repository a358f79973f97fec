"""The staff schedule marks what the record does not state (user-test finding: "ASSUMED" appeared 0 times in the
staff PDF, and oral busulfan showed as "248 mg PO" with no word that it is a daily total)."""

from __future__ import annotations

from schedplan.cli import main
from tests.export.printout.conftest import save_plan
from tests.export.printout.test_amended_course import text_of


def test_the_staff_schedule_says_assumed_and_daily_total_where_the_record_is_silent(tmp_path):
    sets = ["donor=haploidentical", "conditioning=busulfan", "nk_dose_level=1"]
    plan = save_plan(tmp_path, "NCT07256210", sets)
    html = tmp_path / "staff.html"
    assert main(["print", str(plan), "--html", str(html), "--audience", "staff", "--locale", "en_GB"]) == 0
    text = text_of(html.read_text(encoding="utf-8"))
    # tocilizumab's route is the protocol's reading (the record gives none), the BSA formula is schedplan's default
    assert "ASSUMED: route" in text and "ASSUMED route: the record gives no route for tocilizumab" in text
    # busulfan PO: a daily total, the record states no frequency
    assert "daily total" in text and "frequency not stated in the record" in text
