"""schedplan.words: the one wording of durations, doses and dates that text, UI and calendars share."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest

from schedplan.words import date_text, dose_value_text, duration_text


@pytest.mark.parametrize(
    ("minutes", "text"),
    [
        (None, ""),
        (0, ""),
        (30, "30 min"),
        (60, "1 hour"),
        (90, "90 min"),
        (120, "2 hours"),
        (150, "150 min"),
        (1440, "24 hours"),
    ],
)
def test_duration_wording(minutes, text):
    assert duration_text(minutes) == text


def test_dose_wording_is_ismp():
    assert dose_value_text(D("68.04"), "mg") == "68.04 mg"
    assert dose_value_text(D("0.5"), "mg") == "0.5 mg"
    assert dose_value_text(D("466666667"), "cells") == "466.7 x 10^6 cells"


def test_date_wording():
    assert date_text(dt.date(2027, 3, 15)) == "2027-03-15 Mon"


def test_every_view_uses_the_shared_wording():
    # the text table, the calendar description and the terminal UI call the same functions
    from schedplan.export import ics, text
    from schedplan.tui import format as tui_format
    from schedplan.words import dose_text

    assert tui_format.duration is duration_text and tui_format.dose is dose_text
    assert text.duration_text is duration_text and ics.duration_text is duration_text
    assert text.dose_text is dose_text and ics.dose_text is dose_text
