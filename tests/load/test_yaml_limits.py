"""Limits the YAML reader applies before converting anything: number size, nesting depth, aliases,
tags, control characters - and ordinary protocols still read exactly."""

from __future__ import annotations

from decimal import Decimal

import pytest

from schedplan.load.yaml_source import (
    MAX_ALIASES,
    MAX_DEPTH,
    MAX_DIGITS,
    MAX_EXPONENT,
    MAX_VALUES,
    YamlSyntaxError,
    parse_yaml,
)


def problem(text: str) -> str:
    with pytest.raises(YamlSyntaxError) as info:
        parse_yaml(text, "x.yaml")
    rendered = info.value.problem.render()
    assert "\n" not in rendered
    return rendered


def test_ordinary_numbers_still_read_exactly():
    doc = parse_yaml("a: 1e6\nb: 0.25\nc: 123456789012345\nd: -14\ne: 1.5e-3\n", "x.yaml")
    expected = {"a": Decimal("1e6"), "b": Decimal("0.25"), "c": 123456789012345, "d": -14, "e": Decimal("0.0015")}
    assert doc.data == expected


@pytest.mark.parametrize(
    "text",
    [
        "a: " + "1" * 4301,
        "a: " + "1" * (MAX_DIGITS + 1),
        "a: 1e999999999",
        f"a: 1e{MAX_EXPONENT + 1}",
        f"a: 1e-{MAX_EXPONENT + 1}",
        "a: 1e400",
        "a: 1e-28",
        "a: 0." + "0" * 40 + "1",
    ],
)
def test_numbers_too_long_or_too_large_are_refused_before_conversion(text):
    assert problem(text + "\n").startswith("x.yaml:1:4: ")


def test_numbers_at_the_limits_are_read():
    big = "9" * MAX_DIGITS
    doc = parse_yaml(f"a: {big}\nb: 1e{MAX_EXPONENT}\nc: 1e-{MAX_EXPONENT}\n", "x.yaml")
    assert doc.data["a"] == int(big) and doc.data["b"] == Decimal(f"1e{MAX_EXPONENT}")


def test_nesting_deeper_than_the_limit_is_refused_at_its_place():
    ok = "a: " + "[" * (MAX_DEPTH - 1) + "]" * (MAX_DEPTH - 1) + "\n"  # with the top level: MAX_DEPTH
    parse_yaml(ok, "x.yaml")
    msg = problem("a: " + "[" * 300 + "]" * 300 + "\n")
    assert msg.startswith("x.yaml:1:") and "nest" in msg


def test_aliases_are_limited_in_count():
    anchors = "x: &x 1\n" + "".join(f"k{i}: *x\n" for i in range(MAX_ALIASES + 1))
    assert "alias" in problem(anchors)


def test_aliases_are_limited_in_expanded_size():
    # 4 levels of 10: 10,000 values expanded from a few lines, more than MAX_VALUES only if it is small
    levels = ["a: &a [" + ",".join(["1"] * 10) + "]"]
    for prev, cur in zip("abcdefg", "bcdefgh", strict=True):
        levels.append(f"{cur}: &{cur} [" + ",".join([f"*{prev}"] * 10) + "]")
    text = "\n".join(levels) + "\n"
    assert 10**8 > MAX_VALUES  # the file below expands to 10**8 values
    assert "alias" in problem(text)


@pytest.mark.parametrize(
    "text", ["a: !!bool maybe\n", "a: !!set {x, y}\n", 'a: !!int "1.0"\n', "a: !foo 1\n", "a: !!str 1\n"]
)
def test_yaml_tags_are_refused_at_their_place(text):
    msg = problem(text)
    assert msg.startswith("x.yaml:1:4: ") and "tag" in msg


@pytest.mark.parametrize("char", ["\x00", "\x1b", "\x7f", "\x85", "\u202e"])
def test_a_control_character_written_in_the_file_is_one_located_line(char):
    msg = problem(f"a: 1\nb: [x{char}y]\n")
    assert msg.startswith("x.yaml:2:6: ") and "control character" in msg and "U+" in msg


@pytest.mark.parametrize("escaped", ["\\e[31m", "\\x07", "\\0", "\\u202e", "\\x9b"])
def test_a_control_character_written_as_an_escape_is_refused(escaped):
    msg = problem(f'a: 1\nname: "x{escaped}y"\n')
    assert msg.startswith("x.yaml:2:7: ") and "control character" in msg


def test_a_newline_in_a_one_line_field_is_refused_but_notes_may_have_lines():
    assert "line" in problem('id: "NCT\\nX"\n')
    assert "line" in problem('name: "a\\nb"\n')
    assert "line" in problem('"a\\nb": 1\n')  # a key
    doc = parse_yaml('notes:\n  - |\n    two\n    lines\nsource: {quote: "a\\nb"}\n', "x.yaml")
    assert doc.data["notes"] == ["two\nlines\n"]


def test_a_lone_surrogate_written_as_an_escape_is_refused():
    # "\ud800" is no character: printed, it would crash the UTF-8 encoder (exit 70)
    msg = problem('name: "a\\ud800b"\n')
    assert msg.startswith("x.yaml:1:7: ") and "U+D800" in msg


def test_aliases_cannot_nest_deeper_than_the_limit():
    # each level written 10 deep, 60 levels chained by aliases: 600 deep once expanded (RecursionError, exit 70)
    lines = ["x0: &x0 " + "[" * 10 + "1" + "]" * 10]
    lines += [f"x{i}: &x{i} " + "[" * 10 + f"*x{i - 1}" + "]" * 10 for i in range(1, 60)]
    msg = problem("\n".join(lines) + "\n")
    assert "nested" in msg and "alias" in msg
