"""The UI's modify dialog (ctrl+r -> m) can override a site maximum that stops, as `amend modify --override CODE
--reason TEXT` can: an Override field, the amendment's reason recorded as the override's (review finding)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from textual.widgets import Input

from schedplan.cli import main
from tests.tui.test_amend import amendments, choose, fill_and_enter, open_menu

ROOT = Path(__file__).resolve().parents[2]
TOCILIZUMAB = str(ROOT / "tests" / "fixtures" / "tocilizumab-per-kg.yaml")
DAY_MINUS_1 = dt.date(2027, 3, 14)  # day 0 2027-03-15
CODE = "max-dose:tocilizumab"


def saved_70kg(tmp_path: Path) -> Path:
    """Tocilizumab 8 mg/kg x 70 kg = 560 mg on day -1, under a site maximum of 800 mg that stops."""
    site = tmp_path / "site.yaml"
    site.write_text(
        "name: Test unit\nversion: '3'\nmax_dose:\n  - drug: tocilizumab\n    max: 800\n    unit: mg\n"
        '    source: "Actemra US label: doses over 800 mg per infusion are not recommended"\n'
    )
    plan = tmp_path / "toci.json"
    argv = ["plan", TOCILIZUMAB, "--weight", "70kg", "--height", "175cm", "--anchor-date", "2027-03-15"]
    assert main([*argv, "--site", str(site), "--save", str(plan)]) == 0
    return plan


def _inside(widget, size: tuple[int, int]) -> bool:
    r = widget.region
    return r.width > 0 and r.height > 0 and r.x >= 0 and r.y >= 0 and r.right <= size[0] and r.bottom <= size[1]


async def test_a_modified_dose_over_a_stop_maximum_is_stopped_then_recorded_with_its_override(app_factory, tmp_path):
    plan_file = saved_70kg(tmp_path)
    before = plan_file.read_bytes()
    app = app_factory(str(plan_file))
    async with app.run_test(size=(80, 24)) as pilot:
        await open_menu(pilot, DAY_MINUS_1)
        dialog = await choose(pilot, "m", drug="tocilizumab")
        override = dialog.query_one("#amend-override", Input)
        assert _inside(override, (80, 24))  # the field is on screen at 80x24

        why = "PI: 900 mg per protocol amendment 4"
        await fill_and_enter(pilot, dose="900 mg", reason=why, by="Dr B")
        assert app.screen is dialog  # stopped: nothing recorded
        error = dialog.query_one("#amend-error-override")
        said = str(error.render())
        assert "900 mg is over the maximum single dose of tocilizumab, 800 mg" in said
        assert f"Override {CODE}" in said  # the code to type, in the dialog's own words
        assert _inside(error, (80, 24)) and override.has_focus
        assert plan_file.read_bytes() == before

        await fill_and_enter(pilot, override=CODE)
        assert app.screen is not dialog
        [modify] = amendments(plan_file)
        assert modify["params"] == {"dose": 900, "unit": "mg", "override": CODE}
        assert modify["reason"] == why and modify["by"] == "Dr B"


async def test_an_override_needs_a_reason_and_one_no_dose_passes_is_refused(app_factory, tmp_path):
    plan_file = saved_70kg(tmp_path)
    before = plan_file.read_bytes()
    app = app_factory(str(plan_file))
    async with app.run_test(size=(80, 24)) as pilot:
        await open_menu(pilot, DAY_MINUS_1)
        dialog = await choose(pilot, "m", drug="tocilizumab")
        await fill_and_enter(pilot, dose="900 mg", override=CODE, reason="  ", by="Dr B")
        assert app.screen is dialog
        assert "Reason is required" in str(dialog.query_one("#amend-error-reason").render())
        # 700 mg is under the maximum: an override of it is refused, on its field
        await fill_and_enter(pilot, dose="700 mg", override=CODE, reason="x", by="Dr B")
        assert app.screen is dialog
        assert "not over a site maximum of that code" in str(dialog.query_one("#amend-error-override").render())
        assert plan_file.read_bytes() == before
        assert json.loads(plan_file.read_text()).get("amendments") is None
