"""The YAML parser behind yaml_source (ruamel.yaml, bounded as it reads): imported only when a file is parsed."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.composer import Composer
from ruamel.yaml.constructor import RoundTripConstructor
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.events import AliasEvent, MappingStartEvent, SequenceStartEvent
from ruamel.yaml.nodes import MappingNode, SequenceNode

from schedplan.core.text import describe, one_line, unsafe_characters
from schedplan.errors import Problem
from schedplan.load.yaml_source import (
    MAX_ALIASES,
    MAX_DEPTH,
    MAX_DIGITS,
    MAX_EXPONENT,
    MAX_VALUES,
    MULTI_LINE_KEYS,
    Loc,
    Positions,
    YamlDocument,
    YamlSyntaxError,
)


class _Refused(Exception):
    """A limit or rule broken while reading: the message and the (0-based) mark where it is written."""

    def __init__(self, message: str, mark: Any):
        super().__init__(message)
        self.message = message
        self.mark = mark


class _Composer(Composer):
    """ruamel's composer, refusing tags, deep nesting and alias expansion past the limits as it goes."""

    def __init__(self, loader: Any = None) -> None:
        super().__init__(loader)
        self._sizes: dict[int, int] = {}
        self._heights: dict[int, int] = {}  # levels of collections at and below a node, aliases expanded
        self._aliases = 0
        self._nesting = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        event = self.parser.peek_event()
        if isinstance(event, AliasEvent):
            self._aliases += 1
            if self._aliases > MAX_ALIASES:
                raise _Refused(f"more than {MAX_ALIASES} aliases (*name); write the values out", event.start_mark)
            return super().compose_node(parent, index)
        if getattr(event, "ctag", None) is not None:
            tag = one_line(str(event.ctag)).replace("tag:yaml.org,2002:", "!!")
            raise _Refused(f"YAML tag {tag} is not accepted in this file; write the plain value", event.start_mark)
        collection = isinstance(event, MappingStartEvent | SequenceStartEvent)
        if collection:
            self._nesting += 1
            if self._nesting > MAX_DEPTH:
                raise _Refused(
                    f"nested more than {MAX_DEPTH} levels deep; this file's format needs far fewer", event.start_mark
                )
        node = super().compose_node(parent, index)
        if collection:
            self._nesting -= 1
        size, height = 1, 0
        if isinstance(node, SequenceNode):
            size += sum(self._sizes.get(id(child), 1) for child in node.value)
            height = 1 + max((self._heights.get(id(child), 0) for child in node.value), default=0)
        elif isinstance(node, MappingNode):
            size += sum(self._sizes.get(id(k), 1) + self._sizes.get(id(v), 1) for k, v in node.value)
            height = 1 + max((self._heights.get(id(n), 0) for pair in node.value for n in pair), default=0)
        if height > MAX_DEPTH:
            raise _Refused(
                f"nested more than {MAX_DEPTH} levels deep once its aliases (*name) are expanded", node.start_mark
            )
        if size > MAX_VALUES:
            raise _Refused(
                f"more than {MAX_VALUES:,} values once its aliases (*name) are expanded; write the values out",
                node.start_mark,
            )
        self._sizes[id(node)] = size
        self._heights[id(node)] = height
        return node


class _Constructor(RoundTripConstructor):
    """Floats become Decimal from their written digits; timestamps stay text; numbers are bounded first."""


def _digits_problem(text: str) -> str | None:
    digits = sum(c.isdigit() for c in text.lower().partition("e")[0])
    if len(text) > 3 * MAX_DIGITS or digits > MAX_DIGITS:
        return (
            f"a number of more than {MAX_DIGITS} digits ({one_line(text[:20])}...);"
            f" schedplan reads numbers of up to {MAX_DIGITS} digits"
        )
    return None


def _int(constructor: Any, node: Any) -> Any:
    text = str(node.value).replace("_", "")
    problem = _digits_problem(text.lstrip("+-").removeprefix("0x").removeprefix("0o"))
    if problem:
        raise _Refused(problem, node.start_mark)
    return RoundTripConstructor.construct_yaml_int(constructor, node)


def _decimal(constructor: Any, node: Any) -> Decimal | str:
    text = str(node.value).replace("_", "")
    try:
        value = Decimal(text)
    except InvalidOperation:
        return str(node.value)  # .inf / .nan: leave as text, validation refuses it
    if not value.is_finite():
        return str(node.value)
    problem = _digits_problem(text.lstrip("+-"))
    if problem:
        raise _Refused(problem, node.start_mark)
    if value and not -MAX_EXPONENT <= value.adjusted() <= MAX_EXPONENT:
        raise _Refused(
            f"number {one_line(text)} is out of range; numbers with a point or an exponent are from"
            f" 1e-{MAX_EXPONENT} to 1e{MAX_EXPONENT} (or 0)",
            node.start_mark,
        )
    return value


def _text(constructor: Any, node: Any) -> str:
    return str(node.value)


_Constructor.add_constructor("tag:yaml.org,2002:float", _decimal)
_Constructor.add_constructor("tag:yaml.org,2002:int", _int)
_Constructor.add_constructor("tag:yaml.org,2002:timestamp", _text)


def _yaml() -> YAML:
    y = YAML(typ="rt")
    y.Composer = _Composer
    y.Constructor = _Constructor
    y.version = (1, 2)  # YAML 1.2: 'no' and 'on' stay strings
    y.allow_duplicate_keys = False
    return y


def _check_text(text: str, loc: Loc, where: tuple[int, int], *, key: bool) -> None:
    """Refuse control characters in a string (and a line break, unless it is a note, quote, help ...)."""
    field = next((p for p in reversed(loc) if isinstance(p, str)), "")
    multi_line = not key and field in MULTI_LINE_KEYS
    bad = unsafe_characters(text, allow_lines=multi_line)
    if not bad:
        return
    _, ch = bad[0]
    what = "a key" if key else f"{one_line(field)!r}" if field else "text"
    if ch in "\n\r\u2028\u2029":
        message = f"{what} must be one line; it holds a line break"
    else:
        message = f"{what} holds the control character {describe(ch)}; remove it"
    raise _Refused(message, _Mark(where))


class _Mark:
    """A 1-based (line, column) as ruamel's 0-based mark."""

    def __init__(self, where: tuple[int, int]):
        self.line, self.column = where[0] - 1, where[1] - 1


def _plain(node: Any, loc: Loc, positions: Positions, keys: Positions) -> Any:
    if isinstance(node, CommentedMap):
        out = {}
        for key in node:
            if not isinstance(key, str | int | Decimal):
                kline, kcol = node.lc.line, node.lc.col
                where = _Mark((kline + 1, kcol + 1))
                raise _Refused("a key must be plain text or a number, not empty, a list or a mapping", where)
            k = str(key)
            try:
                # a scalar is placed at its value (the wrong unit itself), a container at its key
                kline, kcol = node.lc.key(key)
                nested = isinstance(node[key], CommentedMap | CommentedSeq)
                line, col = (kline, kcol) if nested else node.lc.value(key)
            except (KeyError, TypeError):
                line, col = kline, kcol = node.lc.line, node.lc.col
            positions[(*loc, k)] = (line + 1, col + 1)
            keys[(*loc, k)] = (kline + 1, kcol + 1)
            if isinstance(k, str):
                _check_text(k, (*loc, k), (kline + 1, kcol + 1), key=True)
            out[k] = _plain(node[key], (*loc, k), positions, keys)
        return out
    if isinstance(node, CommentedSeq):
        out_list = []
        for i, item in enumerate(node):
            try:
                line, col = node.lc.item(i)
            except (KeyError, TypeError):
                line, col = node.lc.line, node.lc.col
            positions[(*loc, i)] = (line + 1, col + 1)
            out_list.append(_plain(item, (*loc, i), positions, keys))
        return out_list
    if isinstance(node, str):
        _check_text(str(node), loc, positions.get(loc, (1, 1)), key=False)
        return str(node)  # ruamel's scalar string subclasses -> plain str
    if isinstance(node, bool):
        return bool(node)
    if isinstance(node, int):
        return int(node)
    return node


def _raw_control_character(text: str, source: str) -> Problem | None:
    """The first control character written into the file itself (a tab or a line end is fine)."""
    for index, ch in unsafe_characters(text, allow_lines=True):
        if ch == "\r":
            continue
        line = text.count("\n", 0, index) + 1
        column = index - text.rfind("\n", 0, index)
        return Problem(
            message=f"the control character {describe(ch)} is not allowed in a YAML file; remove it",
            line=line,
            column=column,
            source=source,
        )
    return None


def parse(text: str, source: str) -> YamlDocument:
    """Parse YAML text within the limits; raises YamlSyntaxError with the position of the first problem."""
    source = one_line(source)
    raw_problem = _raw_control_character(text, source)
    if raw_problem is not None:
        raise YamlSyntaxError(raw_problem)
    positions: Positions = {}
    keys: Positions = {}
    try:
        raw = _yaml().load(text)
        data = _plain(raw, (), positions, keys)
    except _Refused as exc:
        mark = exc.mark
        problem = Problem(message=exc.message, line=mark.line + 1, column=mark.column + 1, source=source)
        raise YamlSyntaxError(problem) from None
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark is not None else (None, None)
        message = f"YAML syntax: {one_line(str(exc.problem or exc.context or 'cannot parse'))}"
        raise YamlSyntaxError(Problem(message=message, line=line, column=col, source=source)) from None
    except YAMLError as exc:
        raise YamlSyntaxError(Problem(message=f"YAML: {one_line(str(exc))}", source=source)) from None
    positions[()] = (1, 1)
    return YamlDocument(data, positions, keys, source)
