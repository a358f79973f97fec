"""The month grid: weeks of Mon..Sun, days with events marked; Enter on a day opens its events."""

from __future__ import annotations

import calendar
import datetime as dt
from itertools import groupby
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.coordinate import Coordinate
from textual.widgets import DataTable, Static

from schedplan.tui.format import event_text
from schedplan.tui.messages import DayOpened

if TYPE_CHECKING:  # the app imports this view for its first frame (issue 8): the plan's modules when first used
    from schedplan.core.schedule import Plan, PlannedEvent

LEGEND = "• events  ◆ day 0  › today  Sa Su weekend  [ ] month  Enter: open day"
WEEKDAYS = ["Mo", "Tu", "We", "Th", "Fr", "Sa", "Su"]
CELL_WIDTH = 4  # a day's cell: see MonthGrid._cell


def month_weeks(year: int, month: int) -> list[list[dt.date | None]]:
    """The weeks of a month, Monday first; days of other months are None."""
    cal = calendar.Calendar(firstweekday=0)
    return [[d if d.month == month else None for d in week] for week in cal.monthdatescalendar(year, month)]


def _shift(first: dt.date, months: int) -> dt.date:
    m = first.month - 1 + months
    return dt.date(first.year + m // 12, m % 12 + 1, 1)


class MonthTable(DataTable[Text]):
    """The 7-column table of one month."""

    BINDINGS = [
        Binding("left_square_bracket,pageup", "month(-1)", "Prev month", show=False),
        Binding("right_square_bracket,pagedown", "month(1)", "Next month", show=False),
    ]

    def action_month(self, step: int) -> None:
        parent = self.parent
        if isinstance(parent, MonthGrid):
            parent.move(step)


class MonthGrid(Vertical):
    """A month at a time, starting at the month of the first event."""

    def __init__(self, **kw: Any) -> None:
        super().__init__(**kw)
        self.plan: Plan | None = None
        self.today = dt.date.today()
        self.first: dt.date | None = None
        self._by_date: dict[dt.date, list[PlannedEvent]] = {}
        self._weeks: list[list[dt.date | None]] = []

    def compose(self) -> ComposeResult:
        yield Static("", id="month-title")
        table: MonthTable = MonthTable(id="month-table", cursor_type="cell", zebra_stripes=False)
        # the weekday columns exist before any row can be drawn, each as wide as a day's cell ("›12•": today's
        # mark, the day, the events mark): never sized from the rows as they come (under load the header was
        # left as wide as its labels while the days were wider - a snapshot that failed in CI)
        for day in WEEKDAYS:
            table.add_column(day, width=CELL_WIDTH)
        yield table
        yield Static(LEGEND, id="month-legend", classes="hint")
        yield Static("", id="month-preview")

    def show(self, plan: Plan | None, today: dt.date) -> None:
        keep = self.selected_date
        self.plan, self.today = plan, today
        self._by_date = {} if plan is None else {d: list(e) for d, e in groupby(plan.events, key=lambda e: e.date)}
        if plan is None or not plan.events:
            self.first = None
        else:
            anchor = keep if keep is not None else plan.events[0].date
            if self.first is None or keep is None:
                self.first = anchor.replace(day=1)
        self._draw(keep)

    def move(self, step: int) -> None:
        if self.first is None:
            return
        self.first = _shift(self.first, step)
        self._draw(None)

    @property
    def selected_date(self) -> dt.date | None:
        if not self._weeks:
            return None
        c = self.query_one(MonthTable).cursor_coordinate
        if c.row < len(self._weeks) and c.column < 7:
            return self._weeks[c.row][c.column]
        return None

    def _cell(self, d: dt.date | None) -> Text:
        if d is None:
            return Text("   ")
        events = d in self._by_date
        day0 = self.plan is not None and d == self.plan.anchor_date
        mark = "◆" if day0 else "•" if events else " "
        prefix = "›" if d == self.today else " "
        style = "bold reverse" if day0 else "bold" if events else "dim"
        if d.weekday() >= 5:
            style += " italic"
        if d == self.today:
            style += " underline"
        return Text(f"{prefix}{d.day:>2}{mark}", style=style)

    def _draw(self, keep: dt.date | None) -> None:
        table = self.query_one(MonthTable)
        table.clear()
        title = self.query_one("#month-title", Static)
        if self.first is None:
            self._weeks = []
            title.update("No plan yet: fill in the patient form.")
            self._preview(None)
            return
        self._weeks = month_weeks(self.first.year, self.first.month)
        for week in self._weeks:
            table.add_row(*(self._cell(d) for d in week))
        n = sum(1 for d in self._by_date if (d.year, d.month) == (self.first.year, self.first.month))
        title.update(f"{self.first.strftime('%B %Y')}  ({n} day{'s' if n != 1 else ''} with events)")
        start = "cycle 1 day 1" if self.plan is not None and self.plan.anchor_type == "cycles" else "day 0"
        self.query_one("#month-legend", Static).update(LEGEND.replace("day 0", start))
        target = keep if keep is not None and keep.replace(day=1) == self.first else None
        if target is None:
            days = sorted(d for d in self._by_date if d.replace(day=1) == self.first)
            target = days[0] if days else self.first
        for r, week in enumerate(self._weeks):
            if target in week:
                table.cursor_coordinate = Coordinate(r, week.index(target))
        self._preview(target)

    def _preview(self, d: dt.date | None) -> None:
        box = self.query_one("#month-preview", Static)
        if d is None:
            box.update("")
            return
        evs = self._by_date.get(d, [])
        head = f"{evs[0].label if evs else ''} {d.strftime('%a')} {d.isoformat()}".strip()
        body = "\n".join(f"  • {event_text(e)}" for e in evs[:3]) or "  no events"
        more = f"\n  ... {len(evs) - 3} more (Enter)" if len(evs) > 3 else ""
        box.update(Text(f"{head}\n{body}{more}"))

    @on(DataTable.CellHighlighted)
    def _highlighted(self, event: DataTable.CellHighlighted) -> None:
        event.stop()
        self._preview(self.selected_date)

    @on(DataTable.CellSelected)
    def _selected(self, event: DataTable.CellSelected) -> None:
        event.stop()
        d = self.selected_date
        if d is not None:
            self.post_message(DayOpened(d))
