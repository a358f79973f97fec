"""YAML in with positions: plain data (decimals, never floats; no date or yes/no guessing) + line/column per path.

Everything is bounded before it is built: the file's size (read_bounded), nesting depth, aliases (how many
and how much they expand to), the digits and exponent of every number, and no YAML tags or control
characters. Each refusal is one Problem at the file, line and column where it is written.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.composer import Composer
from ruamel.yaml.constructor import RoundTripConstructor
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.events import AliasEvent, MappingStartEvent, SequenceStartEvent
from ruamel.yaml.nodes import MappingNode, SequenceNode

from schedplan.core.text import describe, one_line, unsafe_characters
from schedplan.core.validation import problems_from_validation
from schedplan.errors import Problem
from schedplan.load.bounded import UnreadableFile, read_bounded

M = TypeVar("M", bound=BaseModel)

Loc = tuple[str | int, ...]
Positions = dict[Loc, tuple[int, int]]

# The limits (documented in docs/protocol-format.md, "Limits"). The largest shipped protocol is 6 KiB.
MAX_FILE_BYTES = 64 * 1024  # a protocol or site policy file (ruamel reads ~100 KiB a second on a loaded machine)
PROTOCOL_MAX_BYTES = POLICY_MAX_BYTES = MAX_FILE_BYTES
MAX_DEPTH = 20  # levels of mappings and lists, the top level counting as one
MAX_ALIASES = 100  # *name references
MAX_VALUES = 100_000  # keys, values and items once every alias is expanded
MAX_DIGITS = 15  # digits of a number
MAX_EXPONENT = 12  # a number with a point or an exponent: 1e-12 <= |x| <= 9.99...e12, or 0
# Text that may run over several lines; every other text (ids, names, labels, units, keys) is one line.
MULTI_LINE_KEYS = frozenset({"notes", "quote", "source", "help", "dose_note"})


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


class YamlDocument:
    """A YAML document as plain Python data, with the position of every key and item."""

    def __init__(self, data: Any, positions: Positions, key_positions: Positions, source: str):
        self.data = data
        self.positions = positions
        self.key_positions = key_positions
        self.source = source

    def position(self, loc: Loc, *, at_key: bool = False) -> tuple[int, int] | None:
        """(line, column), 1-based, of the value (or key) at ``loc``, or of its nearest parent that has one."""
        loc = tuple(loc)
        if at_key and loc in self.key_positions:
            return self.key_positions[loc]
        while True:
            if loc in self.positions:
                return self.positions[loc]
            if not loc:
                return None
            loc = loc[:-1]

    def locate(self, problem: Problem) -> Problem:
        pos = self.position(problem.loc, at_key=problem.at_key)
        line, col = pos if pos else (None, None)
        return Problem(message=problem.message, loc=problem.loc, line=line, column=col, source=self.source)


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


def parse_yaml(text: str, source: str) -> YamlDocument:
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


def read_yaml(path: Path, *, limit: int = MAX_FILE_BYTES, what: str = "a YAML file") -> tuple[YamlDocument, bytes]:
    """Read (bounded) and parse a YAML file; returns the document and the exact bytes read (for hashing).

    Raises UnreadableFile (too large, not a regular file, cannot be read) or YamlSyntaxError."""
    raw = read_bounded(path, limit, what)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise YamlSyntaxError(
            Problem(message=f"not UTF-8 text (byte {exc.start}); save the file as UTF-8", source=one_line(str(path)))
        ) from None
    return parse_yaml(text, str(path)), raw


class YamlSyntaxError(Exception):
    """The text is not YAML; carries the one Problem found."""

    def __init__(self, problem: Problem):
        super().__init__(problem.render())
        self.problem = problem


def validate_file(
    path: Path,
    model: type[M],
    semantic: Callable[[M], list[Problem]] | None = None,
    *,
    what: str,
    kind: str = "a YAML file",
) -> tuple[M | None, list[Problem], bytes | None]:
    """Read a YAML file into ``model``: (the object or None, every problem placed in the file, the bytes read).

    ``what`` says what the file should be when it is not a mapping at all; ``kind`` names it in a refusal
    of the file itself (too large, a device).
    """
    try:
        doc, raw = read_yaml(path, what=kind)
    except UnreadableFile as exc:
        return None, [Problem(message=exc.reason, source=one_line(str(path)))], None
    except YamlSyntaxError as exc:
        return None, [exc.problem], None
    if not isinstance(doc.data, dict):
        return None, [doc.locate(Problem(message=what))], raw
    try:
        obj = model.model_validate(doc.data)
    except ValidationError as exc:
        return None, [doc.locate(p) for p in problems_from_validation(exc)], raw
    except RecursionError:
        return None, [doc.locate(Problem(message="nested too deeply to read"))], raw
    problems = [doc.locate(p) for p in (semantic(obj) if semantic else [])]
    return (None if problems else obj), problems, raw
