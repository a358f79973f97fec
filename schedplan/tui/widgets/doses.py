"""The pharmacist's dose check: the site policy in force, warnings first, a row per administration with the
rules that acted, the selected dose worked out step by step, totals per drug as prescribed."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.widgets import DataTable, Static

from schedplan.tui.format import (
    WARN,
    administrations,
    dose_detail,
    ordered_warnings,
    overridden,
    rule_marks,
    status_mark,
    status_text,
    time_text,
    totals,
    ward_words,
    warning_title,
)

if TYPE_CHECKING:  # the app imports this view for its first frame (issue 8): the plan's modules when first used
    from schedplan.core.protocol import Protocol
    from schedplan.core.schedule import Plan, PlanWarning

COLUMNS = ("Drug", "Day", "Date", "Time", "Dose", "Site rules", "Prescribed", "Basis", "Route", "Duration")
# Which columns stay when the width runs out (the rest are in the detail pane below the table): whole columns
# only, so a value is never cut by sideways scrolling. The time is in the calendar and the detail pane: it goes first.
PRIORITY = (0, 1, 4, 5, 2, 6, 7, 8, 9, 3)
CELL_PADDING = 1
_PARENS = re.compile(r"\s*\((?:[^()]|\([^()]*\))*\)")


def short_basis(basis: str) -> str:
    """The basis without its parenthesised detail (kept for the calculation panel): 'BSA 1.845 m2'."""
    return _PARENS.sub("", basis).strip()


def warning_text(warnings: list[PlanWarning], protocol: Protocol | None = None) -> Text:
    """Every warning, critical first: the symbol, its title in words, the message (in the form's words); the code
    in grey."""
    out = Text()
    for n, w in enumerate(ordered_warnings(warnings)):
        if n:
            out.append("\n")
        out.append(f"{WARN} {warning_title(w.code)}: ", style="bold")
        out.append(ward_words(w.message, protocol))
        out.append(f"  ({w.code})", style="dim")
    return out


class WarningsPanel(VerticalScroll, can_focus=True):
    """Every warning of the plan; scrolls when focused (Tab, then the arrows); hidden when there are none."""

    def compose(self) -> ComposeResult:
        yield Static("", id="dose-warnings-text")

    def show(self, warnings: list[PlanWarning], protocol: Protocol | None = None) -> None:
        self.display = bool(warnings)
        self.border_title = f"{WARN} {len(warnings)} WARNING{'S' if len(warnings) != 1 else ''} - read before giving"
        self.border_subtitle = "F6 all warnings" if warnings else ""
        self.query_one("#dose-warnings-text", Static).update(warning_text(warnings, protocol))


class DoseCheck(Vertical):
    """Dose check view. The table's cursor picks the row whose calculation is written out below."""

    def __init__(self, **kw: Any) -> None:
        super().__init__(**kw)
        self.plan: Plan | None = None
        self._keys: list[str] = []
        self._rows: list[tuple[Text, ...]] = []
        self._shown: tuple[int, ...] = ()

    def compose(self) -> ComposeResult:
        yield Static("", id="dose-policy")
        yield WarningsPanel(id="dose-warnings")
        table: DataTable[str | Text] = DataTable(
            id="dose-table", cursor_type="row", fixed_columns=1, zebra_stripes=True
        )
        yield table
        with VerticalScroll(id="dose-calculation-box"):
            yield Static("", id="dose-calculation")
        with VerticalScroll(id="dose-totals-box"):
            yield Static("", id="dose-totals")

    def on_mount(self) -> None:
        self.query_one(WarningsPanel).display = False
        self._fill()

    def fitting(self, width: int) -> tuple[int, ...]:
        """The columns (indexes into COLUMNS, in their order) whose every value fits whole in ``width`` cells."""
        widths = [
            max([len(label), *(row[i].cell_len for row in self._rows)]) + 2 * CELL_PADDING
            for i, label in enumerate(COLUMNS)
        ]
        if width <= 0:
            return tuple(range(len(COLUMNS)))
        chosen: list[int] = []
        used = 0
        for i in PRIORITY:
            if used + widths[i] > width and len(chosen) >= 3:
                break
            chosen.append(i)
            used += widths[i]
        return tuple(sorted(chosen))

    def on_resize(self) -> None:
        if self.fitting(self._room()) != self._shown:
            self._fill(self.selected_key)

    def _room(self) -> int:
        return self.size.width - 2  # the vertical scrollbar

    def _fill(self, keep: str | None = None) -> None:
        """(Re)build the table with the columns that fit, the cursor on the row ``keep`` if it is there."""
        table = self.query_one("#dose-table", DataTable)
        self._shown = self.fitting(self._room())
        table.clear(columns=True)
        table.add_columns(*(COLUMNS[i] for i in self._shown))
        for key, row in zip(self._keys, self._rows, strict=True):
            table.add_row(*(row[i] for i in self._shown), key=key)
        if keep in self._keys:
            table.move_cursor(row=self._keys.index(keep), animate=False)

    def show_header(self, policy: str, checks: str) -> None:
        """The site policy in force and the double checks recorded, above the warnings."""
        self.query_one("#dose-policy", Static).update(Text.assemble((policy, "bold"), f"\n{checks}" if checks else ""))

    def show(self, plan: Plan | None, protocol: Protocol | None = None) -> None:
        self.plan = plan
        keep = self.selected_key
        self._keys, self._rows = [], []
        self.query_one(WarningsPanel).show(plan.warnings if plan else [], protocol)
        if plan is None:
            self._fill()
            self.query_one("#dose-calculation", Static).update("No plan yet: fill in the patient form.")
            self.query_one("#dose-totals", Static).update("")
            return
        from schedplan.words import dose_text as dose
        from schedplan.words import duration_text as duration

        for e in administrations(plan):
            d = e.dose
            row = (
                f"{e.name} {status_mark(e)}".strip(),  # held, moved, modified, given: a word and a symbol
                e.label,
                e.date.strftime("%a %Y-%m-%d"),
                time_text(e) or "all day",
                Text(dose(e), style="bold", justify="right") if d else Text(f"{WARN} none", style="bold"),
                Text(rule_marks(d) + (f" {WARN} OVERRIDDEN" if e.overrides else ""), style="bold") if d else "",
                d.prescribed if d else (e.dose_note or "not stated"),
                short_basis(d.basis) if d else "-",
                e.route or f"{WARN} not stated",
                duration(e.duration_minutes) or "-",
            )
            self._rows.append(tuple(c if isinstance(c, Text) else Text(c) for c in row))
            self._keys.append(e.key)
        self._fill(keep)
        lines = totals(plan)
        self.query_one("#dose-totals", Static).update(
            Text("Totals per drug (whole plan, then each cycle)\n" + "\n".join(f"  {t}" for t in lines))
        )
        self._describe()

    def row_values(self) -> list[dict[str, str]]:
        """Every row with every column, shown or not (the ones the width leaves out are in the detail pane)."""
        return [{name: cell.plain for name, cell in zip(COLUMNS, row, strict=True)} for row in self._rows]

    @property
    def selected_key(self) -> str | None:
        table = self.query_one("#dose-table", DataTable)
        if not self._keys or table.cursor_row >= len(self._keys):
            return None
        return self._keys[table.cursor_row]

    def select(self, key: str) -> None:
        if key in self._keys:
            self.query_one("#dose-table", DataTable).move_cursor(row=self._keys.index(key), animate=False)
            self._describe()

    def _describe(self) -> None:
        box = self.query_one("#dose-calculation", Static)
        key = self.selected_key
        e = next((x for x in self.plan.events if x.key == key), None) if self.plan and key else None
        if e is None:
            box.update("")
            return
        from schedplan.words import dose_text as dose
        from schedplan.words import duration_text as duration
        from schedplan.words import series_text

        when = ", ".join(x for x in (e.date.strftime("%a %Y-%m-%d"), time_text(e), series_text(e)) if x)
        head = f"{e.name}, {e.label} ({when}){status_text(e)}: "
        if e.dose is None:
            box.update(Text(head + f"{WARN} no calculated dose - {e.dose_note or 'not stated'}"))
            return
        over = f", over {duration(e.duration_minutes)}" if e.duration_minutes else ""
        given = f"Route {e.route or 'not stated'}{over}"
        course = list(getattr(e, "course_lines", ()))  # what the recorded amendments did to it
        box.update(Text("\n".join([head + dose(e), *course, *overridden(e), *dose_detail(e.dose), given])))

    @on(DataTable.RowHighlighted)
    def _row(self, event: DataTable.RowHighlighted) -> None:
        event.stop()
        self._describe()
