"""The day-by-day calendar: one block per day with its events and doses; every day on request."""

from __future__ import annotations

import datetime as dt
from itertools import groupby
from typing import TYPE_CHECKING, Any

from textual import on
from textual.binding import Binding
from textual.content import Content
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from schedplan.tui.format import event_text, label_for
from schedplan.tui.messages import DayOpened

if TYPE_CHECKING:  # the app imports this view for its first frame (issue 8): the plan's modules when first used
    from schedplan.core.protocol import Protocol
    from schedplan.core.schedule import Plan, PlannedEvent

WEEKEND = (5, 6)


def day_block(
    label: str,
    date: dt.date,
    events: list[PlannedEvent],
    *,
    today: dt.date,
    day0: dt.date,
    day0_word: str = "DAY 0",
    width: int = 14,
) -> Content:
    """The lines of one day: label, weekday, date and markers, then one line per event."""
    weekend = date.weekday() in WEEKEND
    head_style = "bold"
    parts: list[tuple[str, str] | str] = [(f"{label:<{width}}", head_style)]
    parts.append((date.strftime("%a"), "bold $text-warning" if weekend else "bold"))
    parts.append((f" {date.isoformat()}", head_style))
    if weekend:
        parts.append((" weekend", "$text-warning"))
    if date == day0:
        parts.append((f" ◆ {day0_word}", "bold reverse $accent"))
    if date == today:
        parts.append((" ● TODAY", "bold reverse $success"))
    lines = [Content.assemble(*parts)]
    if not events:
        lines.append(Content.styled("   no events", "dim"))
    for e in events:
        lines.append(Content.assemble(("   • ", "dim"), event_text(e)))
        if e.notes:  # the protocol's criteria for this administration (e.g. what must hold before NK cells)
            lines.append(Content.styled(f"     note: {e.notes}", "italic"))
    return Content("\n").join(lines)


def notes_block(notes: list[str]) -> Content:
    """The protocol's notes that are on no day, at the end of the calendar."""
    return Content("\n").join(
        [Content.styled("Protocol notes", "bold"), *(Content.styled(f"   • {n}", "italic") for n in notes)]
    )


class ScheduleList(OptionList):
    """The calendar list. Enter on a day opens its events; `a` shows every day between the first and last."""

    BINDINGS = [
        Binding("a", "toggle_all", "All days", tooltip="Show every day, or only days with events"),
        Binding("t", "goto_today", "Today", show=False),
        Binding("0", "goto_day0", "Day 0", show=False),
    ]

    def __init__(self, **kw: Any) -> None:
        super().__init__(**kw)
        self.all_days = False
        self.plan: Plan | None = None
        self.protocol: Protocol | None = None
        self.today = dt.date.today()
        self._dates: list[dt.date] = []
        self._note_lines = 0
        self.course_note = ""  # set by the app when the plan shown is the course as it stands (amendments)

    def show(self, plan: Plan | None, protocol: Protocol | None, today: dt.date) -> None:
        """Redraw for this plan, keeping the highlighted date where it still exists."""
        keep = self.highlighted_date
        self.plan, self.protocol, self.today = plan, protocol, today
        self._redraw(keep)

    @property
    def highlighted_date(self) -> dt.date | None:
        i = None if self.highlighted is None else self.highlighted - self._note_lines
        if i is None or not 0 <= i < len(self._dates):
            return None
        return self._dates[i]

    def _redraw(self, keep: dt.date | None) -> None:
        from schedplan.words import in_time_order

        plan, protocol = self.plan, self.protocol
        options: list[Option] = []
        self._dates = []
        self._note_lines = 1 if self.course_note and plan is not None else 0  # the note is the first line, not a day
        if self._note_lines:
            options.append(Option(Content.styled(self.course_note, "bold"), disabled=True))
        if plan is not None and protocol is not None and plan.events:
            by_date = {d: in_time_order(evs) for d, evs in groupby(plan.events, key=lambda e: e.date)}
            if self.all_days:
                first, last = plan.events[0].date, plan.events[-1].date
                dates = [first + dt.timedelta(days=i) for i in range((last - first).days + 1)]
            else:
                dates = list(by_date)
            for d in dates:
                evs = by_date.get(d, [])
                label = evs[0].label if evs else label_for(protocol, plan.anchor_date, d)
                word = "START (C1 D1)" if protocol.is_cycles else "DAY 0"
                block = day_block(label, d, evs, today=self.today, day0=plan.anchor_date, day0_word=word)
                options.append(Option(block, id=d.isoformat()))
                self._dates.append(d)
            if plan.notes:
                options.append(Option(notes_block(plan.notes), disabled=True))
        self.set_options(options)
        if self._dates:
            target = keep if keep in self._dates else None
            self.highlighted = self._note_lines + (self._dates.index(target) if target else 0)

    def action_toggle_all(self) -> None:
        self.all_days = not self.all_days
        self._redraw(self.highlighted_date)
        self.notify("Showing every day" if self.all_days else "Showing days with events", timeout=2)

    def goto(self, date: dt.date) -> bool:
        if date in self._dates:
            self.highlighted = self._note_lines + self._dates.index(date)
            return True
        later = [d for d in self._dates if d >= date]
        if later:
            self.highlighted = self._note_lines + self._dates.index(later[0])
            return True
        return False

    def action_goto_today(self) -> None:
        if not self.goto(self.today):
            self.notify("Today is after the last day of this plan", timeout=3)

    def action_goto_day0(self) -> None:
        if self.plan is not None:
            self.goto(self.plan.anchor_date)

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id:
            self.post_message(DayOpened(dt.date.fromisoformat(event.option.id)))
