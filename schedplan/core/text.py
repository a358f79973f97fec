"""Terminal-safe text: control characters in stored strings shown escaped (\\x1b), never sent raw."""

from __future__ import annotations

import re
import unicodedata

# The bidirectional marks, overrides and isolates (they reorder what a reader sees), the Unicode line and
# paragraph separators and lone surrogates (no character; they cannot be encoded); with C0, C1 and DEL below.
_FORMAT = "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029\ud800-\udfff"
_ONE_LINE = re.compile(f"[\x00-\x1f\x7f-\x9f{_FORMAT}]")  # newline and tab too
_MULTI_LINE = re.compile(f"[\x00-\x08\x0b-\x1f\x7f-\x9f{_FORMAT}]")  # newline and tab kept
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape(match: re.Match[str]) -> str:
    ch = match.group()
    if ch in _NAMED:
        return _NAMED[ch]
    code = ord(ch)
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def unsafe_characters(text: str, *, allow_lines: bool = False) -> list[tuple[int, str]]:
    """(index, character) of each character ``one_line`` (with allow_lines: ``printable``) would escape."""
    pattern = _MULTI_LINE if allow_lines else _ONE_LINE
    return [(m.start(), m.group()) for m in pattern.finditer(text)]


def describe(ch: str) -> str:
    """``U+001B``, with the character's name where Unicode has one: a character a person can look up."""
    name = unicodedata.name(ch, "")
    return f"U+{ord(ch):04X}" + (f" ({name})" if name else "")


def one_line(text: str) -> str:
    """``text`` for a one-line message: every control character, newline and tab included, escaped."""
    return _ONE_LINE.sub(_escape, text)


def printable(text: str) -> str:
    """``text`` for a terminal, newlines and tabs kept: every other control character escaped."""
    return _MULTI_LINE.sub(_escape, text)
