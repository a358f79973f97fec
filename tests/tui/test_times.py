"""Times of day in the terminal UI at 80x24: the calendar line, the day's administration list, the dose check."""

from __future__ import annotations

import datetime as dt

from textual.app import App, ComposeResult
from textual.geometry import Region

from schedplan.load.protocols import load_protocol
from schedplan.tui.dialogs import DayDialog
from schedplan.tui.widgets.calendar import ScheduleList
from tests.times.conftest import TIMES, site, times_plan
from tests.tui.helpers import calendar_text, dose_rows, patient

ANCHOR = "2027-05-10"  # day -7 = 2027-05-03, day -6 = 2027-05-04


async def _busulfan(pilot) -> None:
    """62 kg, 170 cm: 12.8 mg/kg per course / 16 administrations = 0.8 mg/kg, x 62 kg = 49.6 mg each."""
    await patient(pilot, weight="62", height="170", anchor=ANCHOR)
    await pilot.press("escape")
    await pilot.pause()


def _lines(widget) -> list[str]:
    """What a widget shows, line by line, as drawn at its size."""
    strips = widget.render_lines(Region(0, 0, widget.size.width, widget.size.height))
    return [strip.text.rstrip() for strip in strips]


async def test_calendar_lines_start_with_the_time_and_say_n_of_m(app_factory):
    app = app_factory(str(TIMES / "busulfan-q6h.yaml"))
    async with app.run_test(size=(80, 24)) as pilot:
        await _busulfan(pilot)
        text = await calendar_text(pilot)
        assert "06:00 busulfan 49.6 mg IV over 2 hours (1 of 16)" in text
        day_minus_6 = text.split("Day -6")[1].split("Day -5")[0]
        times = [line.split("• ")[1][:5] for line in day_minus_6.splitlines() if "•" in line]
        assert times == ["00:00", "06:00", "12:00", "18:00"]


class _Calendar(App[None]):
    def __init__(self, plan, protocol) -> None:
        super().__init__()
        self.plan, self.protocol = plan, protocol

    def compose(self) -> ComposeResult:
        yield ScheduleList(id="calendar")

    def on_mount(self) -> None:
        self.query_one(ScheduleList).show(self.plan, self.protocol, dt.date(2027, 3, 10))


async def test_calendar_puts_a_days_events_in_time_order_even_when_the_plan_lists_them_otherwise():
    plan = times_plan("three-in-sequence", dt.date(2027, 5, 10), site(visit="11:00"))
    # as an amended course may list them: thiotepa 10:00, hydration 08:30, fludarabine 08:00, visit 11:00 (site)
    shuffled = plan.model_copy(update={"events": [plan.events[i] for i in (2, 1, 0, 3)]})
    protocol = load_protocol(TIMES / "three-in-sequence.yaml").protocol
    app = _Calendar(shuffled, protocol)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        block = app.query_one(ScheduleList).get_option_at_index(0).prompt.plain
        items = [line.split("• ")[1] for line in block.splitlines() if "•" in line]
        assert [i[:5] for i in items] == ["08:00", "08:30", "10:00", "11:00"]
        assert items[3] == "11:00 (site time) clinic visit"


async def test_enter_on_a_day_opens_its_administration_list_in_time_order_readable_at_80x24(app_factory):
    app = app_factory(str(TIMES / "busulfan-q6h.yaml"))
    async with app.run_test(size=(80, 24)) as pilot:
        await _busulfan(pilot)
        await calendar_text(pilot)
        app.query_one(ScheduleList).focus()
        await pilot.press("down", "enter")  # day -6
        await pilot.pause()
        assert isinstance(app.screen, DayDialog) and app.screen.date == dt.date(2027, 5, 4)
        lines = _lines(app.screen.query_one("#day-list"))
        head = lines[0].split()
        assert head == ["Time", "Item", "Dose", "Route", "No.", "Given", "at", "Initials"]  # no column dropped
        rows = [line.split() for line in lines if line[:2].isdigit()]
        assert [r[0] for r in rows] == ["00:00", "06:00", "12:00", "18:00"]
        assert [r[1:5] for r in rows] == [["busulfan", "49.6", "mg", "IV"]] * 4
        assert [" ".join(r[5:]) for r in rows] == ["4 of 16", "5 of 16", "6 of 16", "7 of 16"]
        assert all(len(line) <= 80 for line in lines)
        details = _lines(app.screen.query_one("#day-details"))
        assert "12.8 mg/kg/course / 16 administrations = 0.8 mg/kg" in " ".join(details)
        await pilot.press("enter")
        await pilot.pause()
        assert not isinstance(app.screen, DayDialog)


async def test_the_administration_list_scrolls_when_a_day_is_longer_than_the_screen(app_factory):
    app = app_factory(str(TIMES / "busulfan-q6h.yaml"))
    async with app.run_test(size=(80, 24)) as pilot:
        await _busulfan(pilot)
        plan = app.plan
        many = [e.model_copy(update={"date": dt.date(2027, 5, 4)}) for e in plan.events]  # all 16 on one day
        app.push_screen(DayDialog(dt.date(2027, 5, 4), many, "Day -6"))
        await pilot.pause()
        body = app.screen.query_one("#day-body")
        assert body.max_scroll_y > 0 and app.screen.focused is body
        await pilot.press("end")
        await pilot.pause()
        assert body.scroll_y == body.max_scroll_y


async def test_dose_check_has_a_time_column_that_goes_first_at_80_columns(app_factory):
    app = app_factory(str(TIMES / "busulfan-q6h.yaml"))
    async with app.run_test(size=(160, 45)) as pilot:
        await _busulfan(pilot)
        app.query_one("#form-box").display = False  # the form out of the way (F2): the table has the whole width
        await pilot.pause()
        rows = await dose_rows(pilot)
        assert [r["Time"] for r in rows[:5]] == ["06:00", "12:00", "18:00", "00:00", "06:00"]
        wide = [str(c.label) for c in app.query_one("#dose-table").ordered_columns]
        assert "Time" in wide
    app = app_factory(str(TIMES / "busulfan-q6h.yaml"))
    async with app.run_test(size=(80, 24)) as pilot:
        await _busulfan(pilot)
        await dose_rows(pilot)
        narrow = [str(c.label) for c in app.query_one("#dose-table").ordered_columns]
        assert "Time" not in narrow and {"Drug", "Day", "Dose"} <= set(narrow)
