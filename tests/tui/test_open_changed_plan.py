"""Opening a plan file whose protocol changed since it was saved says so, at start as from the open dialog
(`schedplan tui PLAN.json` used to drop the notice that ctrl+o shows)."""

from __future__ import annotations

import shutil

from schedplan.cli import main
from schedplan.load.protocols import shipped_dir


async def test_a_plan_file_given_at_start_whose_protocol_changed_says_so(app_factory, tmp_path):
    protocol = tmp_path / "aml-nk.yaml"
    shutil.copy(shipped_dir() / "NCT06885476.yaml", protocol)
    plan = tmp_path / "p.json"
    argv = ["plan", str(protocol), "--weight", "70kg", "--height", "175cm", "--anchor-date", "2027-03-15"]
    assert main([*argv, "--save", str(plan)]) == 0
    text = protocol.read_text()
    assert "dose: {amount: 25, unit: mg/m2, per: day}" in text
    protocol.write_text(text.replace("amount: 25,", "amount: 30,", 1))  # fludarabine 25 -> 30 mg/m2

    app = app_factory(str(plan))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        shown = " ".join(n.message for n in app._notifications)
        assert "changed since it was saved" in shown


async def test_an_unchanged_plan_file_gives_no_such_notice(app_factory, tmp_path):
    plan = tmp_path / "p.json"
    argv = ["plan", "NCT06885476", "--weight", "70kg", "--height", "175cm", "--anchor-date", "2027-03-15"]
    assert main([*argv, "--save", str(plan)]) == 0
    app = app_factory(str(plan))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert "changed since it was saved" not in " ".join(n.message for n in app._notifications)
