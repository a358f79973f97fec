"""The weight a dose is calculated on: the protocol's basis, or a site policy's dosing-weight rule."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from pydantic import BaseModel, ConfigDict, Field

from schedplan.core.patient import Patient, devine_extrapolated
from schedplan.core.protocol import WeightBasis
from schedplan.core.units import fmt, percent_shown, quantize
from schedplan.errors import InputError

if TYPE_CHECKING:  # a plan without a site policy never loads core.policy (start-up, issue 8)
    from schedplan.core.policy import SitePolicy, WeightRule


class RuleAction(BaseModel):
    """A site-policy rule that acted on one dose: what it did and why."""

    model_config = ConfigDict(frozen=True, defer_build=True)
    rule: str = Field(description="dosing-weight, bsa-cap, max-dose, rounding or rounding-refused")
    detail: str


PolicyWeight = tuple[Decimal, str, RuleAction]  # (kg, which weight, what the rule did)


def require_ibw(patient: Patient, needed_for: str) -> Decimal:
    """The Devine IBW, or an InputError saying why it cannot be calculated and what ``needed_for`` it."""
    ibw = patient.ibw_kg
    if ibw is None:
        short = "height is under 152.4 cm (Devine IBW undefined)"
        why = "the patient's sex is not given" if patient.sex is None else short
        raise InputError(
            f"{needed_for}, which cannot be calculated: {why}", field="sex" if patient.sex is None else "height"
        )
    return ibw


def protocol_weight(patient: Patient, which: WeightBasis) -> tuple[Decimal, str]:
    if which is WeightBasis.ACTUAL:
        return patient.weight_kg, "actual weight"
    ibw = require_ibw(patient, f"this dose is on {which.value} body weight")
    if which is WeightBasis.IDEAL:
        return ibw, "ideal body weight (Devine)"
    adj = patient.adjbw_kg
    assert adj is not None
    return adj, f"adjusted body weight (IBW {fmt(ibw)} kg + 0.4 x (actual {fmt(patient.weight_kg)} kg - IBW))"


def policy_weight_for(patient: Patient, rule: WeightRule, drug: str, policy: SitePolicy) -> PolicyWeight | None:
    """The dosing weight a site rule gives, with what it did; None where the rule does not apply.

    Under 152.4 cm Devine defines no ideal weight: the policy's ``below_devine_height`` says what to do,
    and without it the plan stops (an InputError) rather than guess.
    """
    from schedplan.core.policy import BelowDevineHeight, DosingWeight

    extrapolated = ""
    if patient.sex is not None and patient.ibw_kg is None:
        short = f"height {fmt(patient.height_cm)} cm is under 152.4 cm, where Devine defines no ideal body weight"
        setting = policy.below_devine_height
        if setting is None:
            raise InputError(
                f"{drug}: the site policy's dosing-weight rule needs the ideal body weight, and {short}; the site"
                " policy must say what to do (below_devine_height: extrapolate, actual_weight or refuse)",
                field="height",
            )
        if setting is BelowDevineHeight.REFUSE:
            raise InputError(
                f"{drug}: {short}, and the site policy refuses to dose by its weight rule there"
                " (below_devine_height: refuse)",
                field="height",
            )
        if setting is BelowDevineHeight.ACTUAL_WEIGHT:
            return (
                patient.weight_kg,
                "actual weight",
                RuleAction(
                    rule="dosing-weight-not-evaluated",
                    detail=f"{drug}: {short}; the site's dosing-weight rule was not evaluated and the dose is on"
                    " actual weight (below_devine_height: actual_weight)",
                ),
            )
        ibw = devine_extrapolated(patient.sex, patient.height_cm)
        if ibw <= 0:
            raise InputError(
                f"{drug}: {short}, and Devine's line extrapolated to {fmt(patient.height_cm)} cm gives"
                f" {fmt(ibw)} kg, not a weight; check the height",
                field="height",
            )
        extrapolated = " (Devine extrapolated under 152.4 cm, below_devine_height: extrapolate)"
    else:
        ibw = require_ibw(
            patient,
            f"the site policy doses {drug} by a weight rule that needs the ideal body weight (give --sex M or F)",
        )
    actual = patient.weight_kg
    pct = actual / ibw * 100  # unrounded: 120.014 % is over 120 %, though it reads "120.0 %"
    if rule.over_percent_ibw is not None and not pct > rule.over_percent_ibw:
        return None
    shown = percent_shown(pct, rule.over_percent_ibw)
    why = f"actual {fmt(actual)} kg is {shown}% of IBW {fmt(ibw)} kg{extrapolated}" + (
        f", over {fmt(rule.over_percent_ibw)}%" if rule.over_percent_ibw is not None else ""
    )
    source = f" [{rule.source}]" if rule.source else ""
    if rule.weight is DosingWeight.ACTUAL:
        return None
    if rule.weight is DosingWeight.IDEAL:
        kg, which = ibw, "ideal body weight (Devine, extrapolated)" if extrapolated else "ideal body weight (Devine)"
    elif rule.weight is DosingWeight.ADJUSTED:
        f = rule.adjusted_factor
        kg = quantize(ibw + f * (actual - ibw), Decimal("0.01"))
        which = f"adjusted body weight (IBW {fmt(ibw)} kg + {fmt(f)} x (actual {fmt(actual)} kg - IBW))"
    else:
        kg = min(actual, ibw)
        which = f"lesser of actual and ideal weight ({'ideal' if ibw < actual else 'actual'})"
    return kg, which, RuleAction(rule="dosing-weight", detail=f"{drug} dosed on {which} = {fmt(kg)} kg: {why}{source}")
