"""Driving the app as a person would: focus a field, type, choose; reading what the views show."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from textual.pilot import Pilot
from textual.widgets import DataTable, Input, Select, TabbedContent

from schedplan.tui.widgets.calendar import ScheduleList
from schedplan.tui.widgets.doses import DoseCheck


async def type_into(pilot: Pilot, field_id: str, text: str) -> None:
    """Focus a form field, clear it, and type ``text`` key by key."""
    app = pilot.app
    widget = app.query_one(f"#f-{field_id}", Input)
    widget.focus()
    await pilot.pause()
    widget.value = ""
    for ch in text:
        await pilot.press(ch if len(ch) == 1 and ch.isalnum() else _key(ch))
    await pilot.pause()


def _key(ch: str) -> str:
    return {"-": "minus", ".": "full_stop", " ": "space", "/": "slash", ",": "comma", "+": "plus"}.get(ch, ch)


async def choose(pilot: Pilot, field_id: str, value: str) -> None:
    """Open a select with Enter and move down to ``value``, then Enter."""
    app = pilot.app
    select = app.query_one(f"#f-{field_id}", Select)
    select.focus()
    await pilot.pause()
    values = [v for _, v in select._options if v is not Select.NULL]
    await pilot.press("enter")
    await pilot.pause()
    # the overlay starts at the current value (or the blank prompt when there is one)
    current = select.value
    start = values.index(current) if current in values else -1  # -1: the blank prompt
    steps = values.index(value) - start
    for _ in range(abs(steps)):
        await pilot.press("down" if steps > 0 else "up")
    await pilot.press("enter")
    await pilot.pause()
    assert select.value == value, f"{field_id}: wanted {value!r}, got {select.value!r}"


async def patient(pilot: Pilot, weight: str = "70", height: str = "175", anchor: str = "2027-03-15") -> None:
    await type_into(pilot, "weight", weight)
    await type_into(pilot, "height", height)
    await type_into(pilot, "anchor", anchor)


async def answer_path(pilot: Pilot, path) -> None:
    """Type a path into the open file dialog and press Enter."""
    from schedplan.tui.dialogs import PathDialog

    assert isinstance(pilot.app.screen, PathDialog), pilot.app.screen
    pilot.app.screen.query_one("#path-input").value = str(path)
    await pilot.press("enter")
    await pilot.pause()


def text_of(app, selector: str) -> str:
    """What a Static shows, as plain text."""
    return str(app.screen.query_one(selector).render())


async def show_tab(pilot: Pilot, tab: str) -> None:
    """Open a view's tab, as a click on it would (views are drawn when opened)."""
    pilot.app.query_one(TabbedContent).active = f"tab-{tab}"
    await pilot.pause()


async def calendar_text(pilot: Pilot) -> str:
    await show_tab(pilot, "calendar")
    lst = pilot.app.query_one(ScheduleList)
    return "\n".join(lst.get_option_at_index(i).prompt.plain for i in range(lst.option_count))


async def dose_rows(pilot: Pilot) -> list[dict[str, str]]:
    await show_tab(pilot, "doses")
    """Every dose row with all its columns; the columns the table shows must agree with them cell for cell."""
    view = pilot.app.query_one(DoseCheck)
    table = view.query_one("#dose-table", DataTable)
    rows = view.row_values()
    names = [str(c.label) for c in table.ordered_columns]
    assert len(rows) == table.row_count
    for row, key in zip(rows, table.rows, strict=True):
        shown = {n: getattr(c, "plain", str(c)) for n, c in zip(names, table.get_row(key), strict=True)}
        assert shown == {n: row[n] for n in names}
    return rows


def mosteller(weight_kg: str, height_cm: str) -> Decimal:
    """BSA by Mosteller, rounded half up to 0.001 m2 - written here, not taken from schedplan."""
    bsa = (Decimal(weight_kg) * Decimal(height_cm) / 3600).sqrt()
    return bsa.quantize(Decimal("0.001"), rounding=ROUND_HALF_UP)


def money(value: Decimal, step: str = "0.01") -> str:
    """A dose as the views print it: rounded half up, trailing zeros dropped, thousands separated."""
    v = value.quantize(Decimal(step), rounding=ROUND_HALF_UP)
    if v == v.to_integral_value():
        return f"{int(v):,}"
    return f"{v.normalize():,f}"
