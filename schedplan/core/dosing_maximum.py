"""The site's last steps of a dose: its maximum single dose (a cap, or a stop to be overridden) and its rounding."""

from __future__ import annotations

from decimal import ROUND_FLOOR, Decimal
from typing import TYPE_CHECKING

from schedplan.core.dosing_weight import RuleAction
from schedplan.core.units import Quantity, fmt, quantize

if TYPE_CHECKING:  # a plan without a site policy never loads core.policy (start-up, issue 8)
    from schedplan.core.policy import SitePolicy

__all__ = ["MAX_DOSE_EXCEEDED", "apply_max_dose", "apply_rounding", "max_dose_exceeded"]


def _round_to(value: Decimal, step: Decimal) -> Decimal:
    return quantize(value / step, Decimal(1)) * step


def _round_down(value: Decimal, step: Decimal) -> Decimal:
    return (value / step).to_integral_value(rounding=ROUND_FLOOR) * step


MAX_DOSE_EXCEEDED = "max-dose-exceeded"  # a dose over a maximum whose action is stop: the plan stops unless overridden


def apply_max_dose(
    value: Decimal, policy: SitePolicy, drug: str, quantity: Quantity
) -> tuple[Decimal, Decimal | None, RuleAction | None]:
    """Step 4: (the dose, the site's maximum single dose or None, the action where a cap acted).

    A maximum whose action is ``cap`` caps the dose; one whose action is ``stop`` never changes it (see
    max_dose_exceeded, after rounding)."""
    found = policy.max_dose_rule(drug, quantity)
    if found is None:
        return value, None, None
    rule, most = found
    from schedplan.core.policy import MaxDoseAction

    if rule.action is not MaxDoseAction.CAP or not value > most:
        return value, most, None
    word = quantity.word
    action = RuleAction(
        rule="max-dose",
        detail=f"{fmt(value)} {word} is over the maximum single dose of {drug}, {fmt(most)} {word}:"
        f" {fmt(most)} {word} (site policy)",
    )
    return most, most, action


def max_dose_exceeded(value: Decimal, policy: SitePolicy, drug: str, quantity: Quantity) -> RuleAction | None:
    """Step 6: a dose (after rounding) over a maximum whose action is ``stop`` - not capped; the plan stops unless
    the limit is overridden with a reason (core.limits.max_dose_breaches), and then the dose stands as calculated."""
    found = policy.max_dose_rule(drug, quantity)
    from schedplan.core.policy import MaxDoseAction

    if found is None or found[0].action is not MaxDoseAction.STOP or not value > found[1]:
        return None
    word = quantity.word
    return RuleAction(
        rule=MAX_DOSE_EXCEEDED,
        detail=f"{fmt(value)} {word} is over the maximum single dose of {drug}, {fmt(found[1])} {word}: not capped"
        " - the site policy stops the plan unless the limit is overridden with a reason (max_dose action: stop)",
    )


def apply_rounding(
    value: Decimal, most: Decimal | None, policy: SitePolicy, drug: str, quantity: Quantity
) -> tuple[Decimal, RuleAction | None]:
    """Step 5: the site's rounding step, never from at or under the maximum to over it, refused past its change
    limit. A dose over the maximum already (a stop, to be overridden) is rounded to the nearest step."""
    rounding = policy.rounding_for(drug, quantity)
    if rounding is None:
        return value, None
    to, limit = rounding
    word = quantity.word
    rounded = _round_to(value, to)
    under = False
    if most is not None and value <= most < rounded:
        # rounding never takes a dose at or under the maximum over it; a calculated dose already over a stop
        # maximum is rounded to the nearest step and stops (never pulled down to the maximum: that is a cap)
        rounded, under = _round_down(value, to), True
    if rounded == value:
        return value, None
    change = abs(rounded - value) / value * 100
    if rounded > 0 and change <= limit:
        where = " at or under the maximum" if under else ""
        return rounded, RuleAction(
            rule="rounding",
            detail=f"{fmt(value)} {word} rounded to the nearest {fmt(to)} {word}{where}:"
            f" {fmt(rounded)} {word} ({fmt(change, 2)}% change, limit {fmt(limit)}%)",
        )
    return value, RuleAction(
        rule="rounding-refused",
        detail=f"not rounded: to the nearest {fmt(to)} {word} would make {fmt(value)} {word}"
        f" {fmt(rounded)} {word}, a {fmt(change, 2)}% change, over the {fmt(limit)}% limit",
    )
