"""Text from files reaches a terminal without control characters: escaped, on one line where it must be."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from schedplan.core.text import one_line, printable


def test_escape_sequences_are_shown_escaped_not_sent():
    assert one_line("a\x1b[31mb") == "a\\x1b[31mb"
    assert printable("bell\x07") == "bell\\x07"
    assert one_line("c1 \x9b2J") == "c1 \\x9b2J"


def test_one_line_escapes_newlines_and_tabs_but_printable_keeps_newlines():
    assert one_line("a\nb\rc\td") == "a\\nb\\rc\\td"
    assert printable("a\nb\tc") == "a\nb\tc"
    assert printable("a\rb") == "a\\rb"


def test_bidi_overrides_and_line_separators_are_escaped():
    assert one_line("abc\u202edef") == "abc\\u202edef"
    assert one_line("a\u2028b") == "a\\u2028b"


def test_ordinary_text_is_unchanged():
    text = "José – 1,257 mg/m² x 10^6 cells/kg (day +28) 漢字"
    assert one_line(text) == text and printable(text) == text


def test_the_text_export_escapes_stored_names():
    from schedplan.core.patient import Patient
    from schedplan.core.protocol import Protocol
    from schedplan.core.schedule import plan
    from schedplan.export.text import render

    protocol = Protocol.from_data(
        {
            "id": "NCT\x1b[2J",
            "title": "t\x07",
            "version": "1",
            "source": {"registry": "x"},
            "notes": ["line one\x1b]0;title\x07"],
            "anchor": {"type": "day0", "event": "transplant", "date_label": "Day 0"},
            "events": [{"id": "e", "kind": "visit", "name": "visit\x1b[31m", "when": {"day": 1}, "notes": "x\x1b"}],
        }
    )
    patient = Patient(weight_kg=Decimal(70), height_cm=Decimal(175))
    text = render(plan(protocol, patient, dt.date(2027, 3, 15), {}, today=dt.date(2027, 1, 1)))
    assert "\x1b" not in text and "\x07" not in text
    assert "visit\\x1b[31m" in text and "NCT\\x1b[2J" in text


def test_the_error_handler_prints_one_escaped_line(cli, tmp_path):
    folder = tmp_path / "a\nb\x1b[31m"
    folder.mkdir()
    path = folder / "p.yaml"
    path.write_text("id: [\n")
    run = cli("plan", str(path), "--weight", "70kg", "--height", "175cm", "--anchor-date", "2027-03-15")
    assert run.code == 2
    assert len(run.err.splitlines()) == 1 and "\x1b" not in run.err, run.err


def test_a_lone_surrogate_is_escaped_so_it_can_be_encoded():
    assert one_line("a\ud800b") == "a\\ud800b"
    assert printable("a\udfffb").encode("utf-8") == b"a\\udfffb"
