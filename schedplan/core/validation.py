"""Pydantic validation errors as Problems a person can act on (the loader adds file:line:column)."""

from __future__ import annotations

from pydantic import ValidationError
from pydantic_core import ErrorDetails

from schedplan.errors import Problem


def problems_from_validation(exc: ValidationError) -> list[Problem]:
    """Pydantic's errors as Problems, with the path to each (positions are added by the loader).

    A value that fits none of a union's forms gives one problem naming the forms, not one per form.
    """
    grouped: dict[tuple[str | int, ...], list[ErrorDetails]] = {}
    for err in exc.errors(include_url=False):
        # Union members add their type name to the path; keep only the real keys and indexes.
        loc = tuple(p for p in err["loc"] if not _is_union_tag(p))
        grouped.setdefault(loc, []).append(err)
    out: list[Problem] = []
    for loc, errs in grouped.items():
        if len(errs) > 1 and all(e["type"] not in ("extra_forbidden", "missing") for e in errs):
            forms = list(dict.fromkeys(_form(e) for e in errs))
            out.append(
                Problem(message=f"{errs[0]['input']!r} is not valid here: expected {' or '.join(forms)}", loc=loc)
            )
            continue
        for err in errs:
            out.append(Problem(message=_message(err), loc=loc, at_key=err["type"] == "extra_forbidden"))
    return out


def _message(err: ErrorDetails) -> str:
    msg = err["msg"]
    if err["type"] == "extra_forbidden":
        return f"unknown key {err['loc'][-1]!r}"
    if err["type"] == "missing":
        return f"missing required key {err['loc'][-1]!r}"
    if msg.startswith("Value error, "):
        return msg[len("Value error, ") :]
    return msg


def _form(err: ErrorDetails) -> str:
    t = err["type"]
    if t.startswith("decimal") or t.startswith("float"):
        return "a number"
    if t.startswith("int"):
        return "a whole number"
    if t in ("dict_type", "model_type", "model_attributes_type"):
        return "a mapping"
    if t == "list_type":
        return "a list"
    if t.startswith("string"):
        return "text"
    return _message(err)


def _is_union_tag(part: str | int) -> bool:
    if not isinstance(part, str):
        return False
    return (
        part in {"int", "decimal", "ChoiceRef", "ByChoice", "str", "constrained-int", "Route"}
        or ("[" in part and "]" in part)
        or part.startswith("function-")
    )
