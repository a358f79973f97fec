"""The user's choices (--set KEY=VALUE) checked against a protocol's declared choices, defaults filled in."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal, InvalidOperation

from schedplan.core.protocol import Choice, ChoiceType, Protocol
from schedplan.core.safety import PlanWarning
from schedplan.errors import ChoiceError

ChoiceValue = str | int | Decimal | None


def _parse_choice(c: Choice, raw: str) -> ChoiceValue:
    text = raw.strip()
    if c.type is ChoiceType.ENUM:
        values = c.values or []
        if text in values:
            return text
        folded = {v.lower(): v for v in values}
        if text.lower() in folded:
            return folded[text.lower()]
        raise ChoiceError(
            f"{c.key} {raw!r} is not accepted; accepted values: {c.accepted()}",
            key=c.key,
            value=raw,
            accepted=tuple(values),
        )
    try:
        number = Decimal(text)
        if not number.is_finite():
            raise InvalidOperation
    except InvalidOperation:
        raise ChoiceError(f"{c.key} {raw!r} is not a number; accepted: {c.accepted()}", key=c.key, value=raw) from None
    if c.type is ChoiceType.INTEGER and number != number.to_integral_value():
        raise ChoiceError(f"{c.key} {raw!r} is not a whole number; accepted: {c.accepted()}", key=c.key, value=raw)
    if (c.min is not None and number < c.min) or (c.max is not None and number > c.max):
        raise ChoiceError(f"{c.key} {raw} is out of range; accepted: {c.accepted()}", key=c.key, value=raw)
    return int(number) if c.type is ChoiceType.INTEGER else number


def resolve_choices(protocol: Protocol, raw: Mapping[str, str]) -> tuple[dict[str, ChoiceValue], list[PlanWarning]]:
    """The user's ``--set`` values checked against the protocol, defaults filled in.

    Raises ChoiceError for an undeclared key, a value not accepted, or required choices left unset
    (all of those listed in one message, each with its accepted values).
    """
    declared = {c.key for c in protocol.choices}
    for key in raw:
        if key not in declared:
            known = ", ".join(c.key for c in protocol.choices) or "none"
            raise ChoiceError(
                f"{protocol.id} declares no choice {key!r}; its choices are: {known}",
                key=key,
                value=raw[key],
                accepted=tuple(c.key for c in protocol.choices),
            )
    resolved: dict[str, ChoiceValue] = {}
    warnings: list[PlanWarning] = []
    missing: list[Choice] = []
    for c in protocol.choices:
        if c.key in raw:
            resolved[c.key] = _parse_choice(c, raw[c.key])
        elif c.default is not None:
            resolved[c.key] = _parse_choice(c, str(c.default))
            warnings.append(
                PlanWarning(
                    code="default-choice",
                    message=f"{c.key} not set: using the protocol's default {c.default}"
                    + (f" ({c.help})" if c.help else ""),
                )
            )
        elif c.optional:
            resolved[c.key] = None
        else:
            missing.append(c)
    if missing:
        parts = "; ".join(f"{c.key} ({c.accepted()})" for c in missing)
        first = missing[0]
        raise ChoiceError(
            f"{protocol.id} needs {'this choice' if len(missing) == 1 else 'these choices'}: {parts}"
            f" - set each with --set KEY=VALUE, e.g. --set {first.key}={(first.values or ['VALUE'])[0]}",
            key=first.key,
            accepted=tuple(first.values or ()),
        )
    return resolved, warnings
