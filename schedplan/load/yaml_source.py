"""YAML in with positions: plain data (decimals, never floats; no date or yes/no guessing) + line/column per path.

Everything is bounded before it is built: the file's size (read_bounded), nesting depth, aliases (how many
and how much they expand to), the digits and exponent of every number, and no YAML tags or control
characters. Each refusal is one Problem at the file, line and column where it is written.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from schedplan.core.text import one_line
from schedplan.core.validation import problems_from_validation
from schedplan.errors import Problem
from schedplan.load import parsed_cache
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


def parse_yaml(text: str, source: str) -> YamlDocument:
    """Parse YAML text within the limits; raises YamlSyntaxError with the position of the first problem."""
    from schedplan.load.yaml_parser import parse  # ruamel.yaml is imported only when a file is parsed

    return parse(text, source)


def read_yaml(path: Path, *, limit: int = MAX_FILE_BYTES, what: str = "a YAML file") -> tuple[YamlDocument, bytes]:
    """Read (bounded) and parse a YAML file; returns the document and the exact bytes read (for hashing).

    Raises UnreadableFile (too large, not a regular file, cannot be read) or YamlSyntaxError."""
    raw = read_bounded(path, limit, what)
    return _parse_bytes(raw, path), raw


def _parse_bytes(raw: bytes, path: Path) -> YamlDocument:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise YamlSyntaxError(
            Problem(message=f"not UTF-8 text (byte {exc.start}); save the file as UTF-8", source=one_line(str(path)))
        ) from None
    return parse_yaml(text, str(path))


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
    document: tuple[YamlDocument, bytes] | None = None,
    cached_semantic: Callable[[M], list[Problem]] | None = None,
) -> tuple[M | None, list[Problem], bytes | None]:
    """Read a YAML file into ``model``: (the object or None, every problem placed in the file, the bytes read).

    ``what`` says what the file should be when it is not a mapping at all; ``kind`` names it in a refusal
    of the file itself (too large, a device). ``document``: the file already read and parsed (read_yaml), so
    that it is not parsed twice. A file that passes every check is kept in the parsed-file cache
    (parsed_cache), so the next read of the same bytes skips the YAML parser; any problem, or a cache entry
    that is missing, stale or damaged, means the file is parsed, and each problem is placed in it as always.
    ``cached_semantic``: the checks that still apply to data from the cache (default: all of ``semantic``), for a
    check that the caller makes where its result is used instead.
    """
    if document is None:
        try:
            raw = read_bounded(path, MAX_FILE_BYTES, kind)
        except UnreadableFile as exc:
            return None, [Problem(message=exc.reason, source=one_line(str(path)))], None
        cached = _from_cache(raw, model, cached_semantic or semantic)
        if cached is not None:
            return cached, [], raw
        try:
            doc = _parse_bytes(raw, path)
        except YamlSyntaxError as exc:
            return None, [exc.problem], None
    else:
        doc, raw = document
    if not isinstance(doc.data, dict):
        return None, [doc.locate(Problem(message=what))], raw
    try:
        obj = model.model_validate(doc.data)
    except ValidationError as exc:
        return None, [doc.locate(p) for p in problems_from_validation(exc)], raw
    except RecursionError:
        return None, [doc.locate(Problem(message="nested too deeply to read"))], raw
    problems = [doc.locate(p) for p in (semantic(obj) if semantic else [])]
    if problems:
        return None, problems, raw
    parsed_cache.store(raw, doc.data)  # only a file with no problem at all is kept
    return obj, [], raw


def _from_cache(raw: bytes, model: type[M], semantic: Callable[[M], list[Problem]] | None) -> M | None:
    """``model`` from the cached parse of ``raw``, when there is one and it passes every check as it stands;
    else None (the file is then parsed and checked with positions)."""
    data = parsed_cache.load(raw)
    if not isinstance(data, dict):
        return None
    try:
        obj = model.model_validate(data)
    except (ValidationError, RecursionError):
        return None
    if semantic is not None and semantic(obj):
        return None
    return obj
