"""YAML in with positions: plain data (decimals, never floats; no date or yes/no guessing) + line/column per path."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.constructor import RoundTripConstructor
from ruamel.yaml.error import MarkedYAMLError, YAMLError

from schedplan.core.validation import problems_from_validation
from schedplan.errors import Problem

M = TypeVar("M", bound=BaseModel)

Loc = tuple[str | int, ...]
Positions = dict[Loc, tuple[int, int]]


class _Constructor(RoundTripConstructor):
    """Floats become Decimal from their written digits; timestamps stay text."""


def _decimal(constructor: Any, node: Any) -> Decimal | str:
    text = str(node.value).replace("_", "")
    try:
        value = Decimal(text)
    except InvalidOperation:
        return str(node.value)  # .inf / .nan: leave as text, validation refuses it
    return value if value.is_finite() else str(node.value)


def _text(constructor: Any, node: Any) -> str:
    return str(node.value)


_Constructor.add_constructor("tag:yaml.org,2002:float", _decimal)
_Constructor.add_constructor("tag:yaml.org,2002:timestamp", _text)


def _yaml() -> YAML:
    y = YAML(typ="rt")
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


def _plain(node: Any, loc: Loc, positions: Positions, keys: Positions) -> Any:
    if isinstance(node, CommentedMap):
        out = {}
        for key in node:
            k = str(key) if isinstance(key, int | Decimal) else key
            try:
                # a scalar is placed at its value (the wrong unit itself), a container at its key
                kline, kcol = node.lc.key(key)
                nested = isinstance(node[key], CommentedMap | CommentedSeq)
                line, col = (kline, kcol) if nested else node.lc.value(key)
            except (KeyError, TypeError):
                line, col = kline, kcol = node.lc.line, node.lc.col
            positions[(*loc, k)] = (line + 1, col + 1)
            keys[(*loc, k)] = (kline + 1, kcol + 1)
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
        return str(node)  # ruamel's scalar string subclasses -> plain str
    if isinstance(node, bool):
        return bool(node)
    if isinstance(node, int):
        return int(node)
    return node


def parse_yaml(text: str, source: str) -> YamlDocument:
    """Parse YAML text; raises YamlSyntaxError with the position of the first syntax problem."""
    try:
        raw = _yaml().load(text)
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark is not None else (None, None)
        message = f"YAML syntax: {exc.problem or exc.context or 'cannot parse'}"
        raise YamlSyntaxError(Problem(message=message, line=line, column=col, source=source)) from None
    except YAMLError as exc:
        raise YamlSyntaxError(Problem(message=f"YAML: {exc}", source=source)) from None
    positions: Positions = {}
    keys: Positions = {}
    data = _plain(raw, (), positions, keys)
    positions[()] = (1, 1)
    return YamlDocument(data, positions, keys, source)


def read_yaml(path: Path) -> tuple[YamlDocument, bytes]:
    """Read and parse a YAML file; returns the document and the exact bytes read (for hashing)."""
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise YamlSyntaxError(
            Problem(message=f"not UTF-8 text (byte {exc.start}); save the file as UTF-8", source=str(path))
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
) -> tuple[M | None, list[Problem], bytes | None]:
    """Read a YAML file into ``model``: (the object or None, every problem placed in the file, the bytes read).

    ``what`` says what the file should be when it is not a mapping at all.
    """
    try:
        doc, raw = read_yaml(path)
    except OSError as exc:
        return None, [Problem(message=f"cannot read the file: {exc.strerror or exc}", source=str(path))], None
    except YamlSyntaxError as exc:
        return None, [exc.problem], None
    if not isinstance(doc.data, dict):
        return None, [doc.locate(Problem(message=what))], raw
    try:
        obj = model.model_validate(doc.data)
    except ValidationError as exc:
        return None, [doc.locate(p) for p in problems_from_validation(exc)], raw
    problems = [doc.locate(p) for p in (semantic(obj) if semantic else [])]
    return (None if problems else obj), problems, raw
