"""The UI's given dialog (ctrl+r -> g) gets the shared rule of `amend given --at`: a time after now, or on another
day than the administration's, is refused on the "Given at" field and nothing is written (user test)."""

from __future__ import annotations

from tests.tui.test_amend import C1, amendments, choose, fill_and_enter, open_menu, recorded_on_c1d1, saved_plan


async def test_a_given_time_after_now_is_refused_on_the_given_at_field(app_factory, tmp_path, monkeypatch):
    recorded_on_c1d1(monkeypatch)  # now: 2027-03-15 15:00 (+01:00), the afternoon of C1 D1
    plan_file = saved_plan(tmp_path)
    before = plan_file.read_bytes()
    app = app_factory(str(plan_file))
    async with app.run_test(size=(80, 24)) as pilot:
        await open_menu(pilot, C1[0])
        dialog = await choose(pilot, "g")
        await fill_and_enter(pilot, at="2027-03-16 09:10", by="AB")  # tomorrow, by a typo
        assert app.screen is dialog  # still asking
        error = str(dialog.query_one("#amend-error-at").render())
        assert "Given at 2027-03-16 09:10 is after now (2027-03-15 15:00 UTC+01:00)" in error
        assert dialog.query_one("#amend-at").has_focus
        assert plan_file.read_bytes() == before
        # corrected on its field: recorded
        await fill_and_enter(pilot, at="2027-03-15 09:10", by="AB")
        assert app.screen is not dialog
        assert amendments(plan_file)[0]["params"]["given_at"] == "2027-03-15 09:10"


async def test_a_given_time_on_another_day_is_refused_on_the_given_at_field(app_factory, tmp_path, monkeypatch):
    monkeypatch.setattr("schedplan.plans.amending.local_now", lambda: "2027-03-30T12:00:00+02:00")
    plan_file = saved_plan(tmp_path)
    before = plan_file.read_bytes()
    app = app_factory(str(plan_file))
    async with app.run_test(size=(80, 24)) as pilot:
        await open_menu(pilot, C1[0])
        dialog = await choose(pilot, "g")
        await fill_and_enter(pilot, at="2027-03-16 09:10", by="AB")
        assert app.screen is dialog
        error = str(dialog.query_one("#amend-error-at").render())
        assert "is not on 2027-03-15, the day isatuximab C1 D1 is on" in error
        assert "record a delay of 1 day first (amend delay)" in error
        assert plan_file.read_bytes() == before
