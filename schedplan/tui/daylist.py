"""One day's administration list as a table that fits the width it is drawn at, never cutting a word or a dose."""

from __future__ import annotations

from rich import box
from rich.console import Console, ConsoleOptions, RenderResult
from rich.table import Table
from rich.text import Text

from schedplan.core.amendments import AmendedEvent
from schedplan.core.schedule import PlannedEvent
from schedplan.tui.format import status_text
from schedplan.words import AdministrationRow, administration_rows, given_at_text, in_time_order

HEADINGS = ("Time", "Item", "Dose", "Route", "No.", "Given at", "Initials")
SITE_MARK = "(site time)"  # words.time_text's mark of a time from the site policy
GAP = 2  # between two columns: the box's blank divider and one cell of padding (collapse_padding)


def item_text(e: PlannedEvent) -> str:
    """The item as the list names it, with what a premedication is given before, a day that is approximate, and
    what the recorded amendments did to it (held, moved, modified, given: in words with a symbol)."""
    text = e.name
    if e.premedication_for:
        text += f" [before {e.premedication_for}]"
    if e.approximate_day:
        text += " (~ day approximate)"
    return text + status_text(e)


def cells(r: AdministrationRow) -> tuple[str, ...]:
    """A row's cells under HEADINGS: a held administration has no dose to give ("✗ HELD"), a given one its time
    and who in the bedside columns (given at, initials); otherwise those are left empty to fill in."""
    e = r.event
    route = r.route + (f" {e.route_note}" if r.route and e.route_note else "")
    dose, given_at, initials = r.dose, "", ""
    if isinstance(e, AmendedEvent) and e.status == "held":
        dose = "✗ HELD"
    elif isinstance(e, AmendedEvent) and e.status == "given" and e.given is not None:
        given_at = given_at_text(e.given.get("at"), e.date.isoformat())
        initials = str(e.given.get("by") or "")
    return (r.time, item_text(e), dose, route, r.number, given_at, initials)


def _longest_word(text: str) -> int:
    return max((len(w) for w in text.split()), default=0)


BEDSIDE = 2  # the last two columns, empty: the first to go where the width runs out


def fitted_widths(rows: list[tuple[str, ...]], room: int) -> list[int]:
    """Column widths that fit ``room`` cells: each column as wide as its longest cell, then the widest narrowed one
    cell at a time - never below its longest word, a dose never below the whole dose, a time of the site's never
    below "(site time)" (which goes under the time). Where even that does not
    fit, the empty bedside columns are left out (fewer widths); narrower still, the terminal folds what is left."""
    columns = list(zip(HEADINGS, *rows, strict=True))
    widths = [max(len(c) for c in col) for col in columns]
    floors = [max(_longest_word(c) for c in col) for col in columns]
    dose = HEADINGS.index("Dose")
    floors[dose] = widths[dose]  # "466.7 x 10^6 cells" on one line
    floors[0] = max(len(SITE_MARK) if any(SITE_MARK in row[0] for row in rows) else 0, len("all day"))
    if sum(floors) + GAP * (len(floors) - 1) > room:
        widths, floors = widths[:-BEDSIDE], floors[:-BEDSIDE]
    room -= GAP * (len(widths) - 1)
    while sum(widths) > room:
        wide = [(w, i) for i, (w, f) in enumerate(zip(widths, floors, strict=True)) if w > f]
        if not wide:
            break
        widths[max(wide)[1]] -= 1
    if floors[0] < widths[0] < len(max(columns[0], key=len)):  # "08:00 (site" / "time)": the mark on a line of its own
        widths[1] += widths[0] - floors[0]
        widths[0] = floors[0]
    return widths


class AdministrationList:
    """words.administration_rows (the rows the printed list has) as a table drawn to the width it gets."""

    def __init__(self, events: list[PlannedEvent]) -> None:
        self.rows = [cells(r) for r in administration_rows(events)]

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        table = Table(box=box.SIMPLE_HEAD, pad_edge=False, show_edge=False, collapse_padding=True)
        widths = fitted_widths(self.rows, options.max_width)
        for heading, width in zip(HEADINGS, widths, strict=False):
            table.add_column(heading, width=width, overflow="fold")
        for time, *rest in self.rows:
            if len(time) > widths[0]:  # the site's mark under the time, not cut in two
                time = time.replace(f" {SITE_MARK}", f"\n{SITE_MARK}")
            table.add_row(*(Text(c) for c in [time, *rest][: len(widths)]))  # Text: a name is never read as markup
        yield table


def day_details(events: list[PlannedEvent]) -> Text:
    """Under the list: how each dose was worked out and the protocol's notes, each said once for the day."""
    out: list[str] = []
    for e in in_time_order(events):
        for line in (
            f"{e.name}: {e.dose.calculation}" if e.dose is not None else None,
            f"{e.name}, note: {e.notes}" if e.notes else None,
        ):
            if line is not None and line not in out:
                out.append(line)
    return Text("\n".join(out))
