"""Every message the app's widgets send, in one place."""

from __future__ import annotations

import datetime as dt

from textual.message import Message


class FormChanged(Message):
    """A field of the patient form changed; the app recalculates."""


class DayOpened(Message):
    """A day was chosen in the month grid; the app shows its events."""

    def __init__(self, date: dt.date) -> None:
        super().__init__()
        self.date = date


class RowChosen(Message):
    """A dose-check row was highlighted; carries the event key."""

    def __init__(self, key: str | None) -> None:
        super().__init__()
        self.key = key
