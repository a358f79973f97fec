"""One exception family for schedplan; every error carries its data as fields."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import IntEnum


class Exit(IntEnum):
    """The exit codes of the command line."""

    OK = 0
    BAD_INPUT = 2  # the user's input or a protocol file is unusable (`check`: problems found)
    INTERRUPTED = 130
    INTERNAL = 70  # a bug in schedplan (EX_SOFTWARE)


class SchedplanError(Exception):
    """Base of every error schedplan raises on purpose.

    ``str(error)`` is a complete one-line message for a person: what is wrong
    and, where it is known, what would be right.
    """


class InputError(SchedplanError):
    """A value the user typed (weight, height, date, choice...) is not usable."""

    def __init__(self, message: str, *, field: str | None = None, value: str | None = None):
        super().__init__(message)
        self.field = field
        self.value = value


class ChoiceError(InputError):
    """A protocol choice or parameter is missing, unknown or out of range."""

    def __init__(
        self,
        message: str,
        *,
        key: str,
        value: str | None = None,
        accepted: tuple[str, ...] = (),
    ):
        super().__init__(message, field=key, value=value)
        self.key = key
        self.accepted = accepted


class UnknownProtocolError(InputError):
    """A protocol id or path that names no protocol."""

    def __init__(self, message: str, *, name: str, known: tuple[str, ...] = ()):
        super().__init__(message, field="protocol", value=name)
        self.name = name
        self.known = known


@dataclass(frozen=True)
class Problem:
    """One problem found in a protocol (or other) document.

    ``loc`` is the path of keys and indexes to the offending value; ``line``
    and ``column`` (1-based) are set only when they are really known.
    """

    message: str
    loc: tuple[str | int, ...] = ()
    line: int | None = None
    column: int | None = None
    source: str | None = None
    at_key: bool = False  # place it at the key itself (an unknown key), not at its value

    def render(self) -> str:
        where = self.source or "<protocol>"
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        path = ".".join(str(p) for p in self.loc)
        return f"{where}: {self.message}" + (f" (at {path})" if path else "")


@dataclass
class ProtocolInvalid(SchedplanError):
    """A protocol document has one or more problems; all are collected."""

    problems: list[Problem] = field(default_factory=list)
    source: str | None = None
    kind: str = "protocol"  # what the file is: "protocol", "site policy"

    def __post_init__(self) -> None:
        super().__init__(self.summary())

    def summary(self) -> str:
        n = len(self.problems)
        first = self.problems[0].render() if self.problems else "no details"
        more = ""
        if n > 1:
            more = f" (and {n - 1} more problem{'s' if n > 2 else ''}; run `schedplan check {self.source}`)"
        return f"invalid {self.kind}: {first}{more}"

    def __str__(self) -> str:  # dataclass would otherwise replace Exception.__str__
        return self.summary()


class PlanFileError(SchedplanError):
    """A saved plan file cannot be read or written."""

    def __init__(self, message: str, *, path: str | None = None):
        super().__init__(message)
        self.path = path
