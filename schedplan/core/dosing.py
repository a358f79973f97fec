"""Prescribed dose x patient -> calculated dose, with the calculation written out for a pharmacist."""

from __future__ import annotations

from decimal import ROUND_FLOOR, Decimal
from fractions import Fraction

from pydantic import BaseModel, ConfigDict, Field

from schedplan.core.patient import Patient, devine_extrapolated
from schedplan.core.policy import BelowDevineHeight, DosingWeight, SitePolicy, WeightRule
from schedplan.core.protocol import Dose, WeightBasis
from schedplan.core.units import Basis, DoseUnit, Per, fmt, percent_shown, quantize
from schedplan.errors import InputError


class RuleAction(BaseModel):
    """A site-policy rule that acted on one dose: what it did and why."""

    model_config = ConfigDict(frozen=True)
    rule: str = Field(description="dosing-weight, bsa-cap, max-dose, rounding or rounding-refused")
    detail: str


class CalculatedDose(BaseModel):
    """One administration's dose and how it was reached."""

    model_config = ConfigDict(frozen=True)

    value: Decimal = Field(description="the dose, in `unit`, reported to the unit's precision")
    unit: str = Field(description="mg, g, mcg, IU, cells or Gy (cells and IU as plain counts)")
    prescribed: str = Field(description="as the protocol states it, e.g. '40 mg/m2/day'")
    per_administration: str = Field(description="the prescribed amount that applies to this one day, e.g. '14 g/m2'")
    basis: str = Field(description="what it was scaled by: 'BSA 1.701 m2 (Mosteller, ...)', 'actual weight 62 kg', 'flat'")
    scaled_by: str = Field(
        default="", description="the same without numbers, for a double checker: 'BSA (Mosteller)', 'actual weight'"
    )
    calculation: str = Field(description="every step, each checkable by hand")
    exact_value: Decimal = Field(description="the value before reporting precision was applied")
    per_administration_amount: Decimal = Field(description="the number in per_administration (exact to 28 digits)")
    per_administration_unit: str = Field(description="the unit in per_administration, e.g. g/m2")
    calculated_value: Decimal = Field(description="the calculated dose before a maximum dose or rounding acted")
    change_percent: Decimal | None = Field(
        default=None, description="(value - calculated_value) / calculated_value x 100, where a rule changed it"
    )
    rules: list[RuleAction] = Field(default_factory=list, description="each site-policy rule that acted, in order")
    share: str | None = Field(default=None, description="this day's part of a course: '2/3 of the course', '1/3 ...'")


def prescribed_text(amount: Decimal, unit: DoseUnit, per: Per) -> str:
    suffix = {Per.DOSE: "", Per.DAY: "/day", Per.COURSE: "/course"}[per]
    return f"{fmt(amount)} {unit.display}{suffix}"


def _frac(f: Fraction) -> str:
    return str(f.numerator) if f.denominator == 1 else f"{f.numerator}/{f.denominator}"


def _amount(value: Decimal) -> str:
    """An intermediate amount: up to 4 decimals, trailing zeros dropped."""
    return fmt(value, 4)


def _dec(value: Fraction) -> Decimal:
    """A fraction as a Decimal: exact where it terminates, else correctly rounded to 28 digits."""
    return Decimal(value.numerator) / Decimal(value.denominator)


def _exact_in(value: Fraction, places: int) -> bool:
    return (value * 10**places).denominator == 1


def _require_ibw(patient: Patient, needed_for: str) -> Decimal:
    """The Devine IBW, or an InputError saying why it cannot be calculated and what ``needed_for`` it."""
    ibw = patient.ibw_kg
    if ibw is None:
        why = "the patient's sex is not given" if patient.sex is None else "height is under 152.4 cm (Devine IBW undefined)"
        raise InputError(
            f"{needed_for}, which cannot be calculated: {why}", field="sex" if patient.sex is None else "height"
        )
    return ibw


def _weight(patient: Patient, which: WeightBasis) -> tuple[Decimal, str]:
    if which is WeightBasis.ACTUAL:
        return patient.weight_kg, "actual weight"
    ibw = _require_ibw(patient, f"this dose is on {which.value} body weight")
    if which is WeightBasis.IDEAL:
        return ibw, "ideal body weight (Devine)"
    adj = patient.adjbw_kg
    assert adj is not None
    return adj, f"adjusted body weight (IBW {fmt(ibw)} kg + 0.4 x (actual {fmt(patient.weight_kg)} kg - IBW))"


def _policy_weight(
    patient: Patient, rule: WeightRule, drug: str, policy: SitePolicy
) -> tuple[Decimal, str, RuleAction] | None:
    """The dosing weight a site rule gives, with what it did; None where the rule does not apply.

    Under 152.4 cm Devine defines no ideal weight: the policy's ``below_devine_height`` says what to do,
    and without it the plan stops (an InputError) rather than guess.
    """
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
            return patient.weight_kg, "actual weight", RuleAction(
                rule="dosing-weight-not-evaluated",
                detail=f"{drug}: {short}; the site's dosing-weight rule was not evaluated and the dose is on"
                " actual weight (below_devine_height: actual_weight)",
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
        ibw = _require_ibw(
            patient, f"the site policy doses {drug} by a weight rule that needs the ideal body weight (give --sex M or F)"
        )
    actual = patient.weight_kg
    pct = actual / ibw * 100  # unrounded: 120.014 % is over 120 %, though it reads "120.0 %"
    if rule.over_percent_ibw is not None and not pct > rule.over_percent_ibw:
        return None
    why = f"actual {fmt(actual)} kg is {percent_shown(pct, rule.over_percent_ibw)}% of IBW {fmt(ibw)} kg{extrapolated}" + (
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


def _round_to(value: Decimal, step: Decimal) -> Decimal:
    return quantize(value / step, Decimal(1)) * step


def _round_down(value: Decimal, step: Decimal) -> Decimal:
    return (value / step).to_integral_value(rounding=ROUND_FLOOR) * step


def calculate(
    dose: Dose,
    amount: Decimal,
    patient: Patient,
    *,
    course_days: int,
    fraction: Fraction | None = None,
    policy: SitePolicy | None = None,
    drug: str = "",
) -> CalculatedDose:
    """The dose of one administration.

    ``amount`` is the prescribed amount (already resolved from choices); ``course_days`` the number of
    days a per-course amount is divided over; ``fraction`` this day's share of a split course.
    With a site ``policy``, its rules for ``drug`` act in this order: dosing weight, BSA cap, maximum
    single dose, rounding; each one that acts is listed in ``rules`` and in the calculation.
    """
    unit = dose.unit
    steps: list[str] = []
    actions: list[RuleAction] = []
    rule = policy.weight_rule(drug) if policy is not None and dose.weight is WeightBasis.ACTUAL else None
    policy_weight = _policy_weight(patient, rule, drug, policy) if policy is not None and rule is not None and rule.acts_on(unit.basis) else None
    prescribed = prescribed_text(amount, unit, dose.per)
    u = unit.display

    # 1. The amount that applies to this administration, still in the prescribed unit. Where it has
    #    more than 4 decimals (a third of a course), later steps carry it as an expression, so every
    #    step can be checked by hand from the numbers it shows.
    if dose.per is Per.COURSE and fraction is not None:
        this = Fraction(amount) * fraction
        expr = f"{fmt(amount)} x {_frac(fraction)}"
        steps.append(f"{prescribed} x {_frac(fraction)} (this day's share) = {_amount(_dec(this))} {u}")
    elif dose.per is Per.COURSE and course_days > 1:
        this = Fraction(amount) / course_days
        expr = f"{fmt(amount)} / {course_days}"
        steps.append(f"{prescribed} / {course_days} days = {_amount(_dec(this))} {u}/day")
    else:
        this = Fraction(amount)
        expr = fmt(amount)
    shown = _amount(_dec(this)) if _exact_in(this, 4) else f"({expr})"

    # 2. Scale by BSA or weight.
    if unit.basis is Basis.PER_M2:
        bsa, source = patient.bsa_m2, patient.bsa_source
        if policy_weight is not None and policy_weight[2].rule != "dosing-weight":
            actions.append(policy_weight[2])  # the rule could not be evaluated: BSA on actual weight
            policy_weight = None
        if policy_weight is not None:
            kg, which, action = policy_weight
            if patient.measured_bsa_m2 is not None:
                action = RuleAction(
                    rule="dosing-weight",
                    detail=f"{drug}: the site rule ({which}) was not applied - a measured BSA was given",
                )
            else:
                bsa = patient.bsa_with_weight(kg)
                source = f"{patient.bsa_formula.label}, {which} {fmt(kg)} kg, {fmt(patient.height_cm)} cm; site policy"
            actions.append(action)
        cap = policy.bsa_cap_for(drug) if policy is not None else None
        if cap is not None and bsa > cap:
            actions.append(RuleAction(rule="bsa-cap", detail=f"BSA {fmt(bsa)} m2 capped at {fmt(cap)} m2 (site policy)"))
            source = f"capped from {fmt(bsa)} m2 ({source})"
            bsa = cap
        scaled = this * Fraction(bsa)
        basis = f"BSA {fmt(bsa)} m2 ({source})"
        how = "measured BSA" if patient.measured_bsa_m2 is not None else f"BSA by {patient.bsa_formula.label}"
        if policy_weight is not None and patient.measured_bsa_m2 is None:
            how += f" with the {policy_weight[1].split(' (')[0]} (site policy)"
        if any(a.rule == "bsa-cap" for a in actions):
            how += f", capped at {fmt(cap)} m2 (site policy)"
        scaled_by = how
        steps.append(f"{shown} {u} x {fmt(bsa)} m2 ({source}) = {_amount(_dec(scaled))} {unit.scaled_quantity}")
    elif unit.basis is Basis.PER_KG:
        if policy_weight is not None and policy_weight[2].rule != "dosing-weight":
            kg, which, action = policy_weight  # not evaluated: actual weight, and say so
            actions.append(action)
        elif policy_weight is not None:
            kg, which, action = policy_weight
            which += "; site policy"
            actions.append(action)
        else:
            kg, which = _weight(patient, dose.weight)
        scaled = this * Fraction(kg)
        basis = f"{which} {fmt(kg)} kg"
        scaled_by = which.split(" (")[0] + ("; site policy" if policy_weight is not None and "site policy" not in which.split(" (")[0] else "")
        steps.append(f"{shown} {u} x {fmt(kg)} kg ({which}) = {_amount(_dec(scaled))} {unit.scaled_quantity}")
    else:
        scaled = this
        basis = "flat dose"
        scaled_by = "flat dose"
        if not steps:
            steps.append(f"flat dose {_amount(_dec(this))} {u}")

    # 3. Scale x10^6 and friends to plain counts, then to the reporting precision.
    # Exact rational arithmetic up to here (no rounding of a third); one division at the end.
    exact = _dec(scaled * Fraction(unit.scale))
    # The unit's reporting step, but never fewer than 3 significant figures: 0.006 mg is not
    # "0.01 mg", and 0.003 mg is not "0 mg".
    step = unit.quantity.step
    if exact != 0:
        step = min(step, Decimal(1).scaleb(exact.adjusted() - 2))
    value = quantize(exact, step)
    q = unit.quantity.value
    word = unit.quantity.word
    if unit.exponent:
        steps[-1] += f" = {fmt(exact, 4)} {word}"
    if value != exact:
        precision = "whole " + word if step == 1 else f"{fmt(step)} {word}"
        steps.append(f"rounded to {precision}: {fmt(value)} {word}")
    calculated = value

    # 4. Site policy: the maximum single dose, then rounding (refused past its limit, never above the maximum).
    if policy is not None:
        most = policy.max_dose_for(drug, unit.quantity)
        if most is not None and value > most:
            action = RuleAction(
                rule="max-dose",
                detail=f"{fmt(value)} {word} is over the maximum single dose of {drug}, {fmt(most)} {word}:"
                f" {fmt(most)} {word} (site policy)",
            )
            actions.append(action)
            steps.append(action.detail)
            value = most
        rounding = policy.rounding_for(drug, unit.quantity)
        if rounding is not None:
            to, limit = rounding
            rounded = _round_to(value, to)
            if most is not None and rounded > most:
                rounded = _round_down(value, to)  # rounding never goes over the maximum
            if rounded != value:
                change = abs(rounded - value) / value * 100
                if rounded > 0 and change <= limit:
                    action = RuleAction(
                        rule="rounding",
                        detail=f"{fmt(value)} {word} rounded to the nearest {fmt(to)} {word}"
                        f"{' at or under the maximum' if most is not None and rounded < _round_to(value, to) else ''}:"
                        f" {fmt(rounded)} {word} ({fmt(change, 2)}% change, limit {fmt(limit)}%)",
                    )
                    value = rounded
                else:
                    action = RuleAction(
                        rule="rounding-refused",
                        detail=f"not rounded: to the nearest {fmt(to)} {word} would make {fmt(value)} {word}"
                        f" {fmt(rounded)} {word}, a {fmt(change, 2)}% change, over the {fmt(limit)}% limit",
                    )
                actions.append(action)
                steps.append(action.detail)
    change_percent = None if value == calculated else quantize((value - calculated) / calculated * 100, Decimal("0.01"))

    return CalculatedDose(
        value=value,
        unit=q,
        prescribed=prescribed,
        per_administration=f"{_amount(_dec(this))} {u}",
        basis=basis,
        scaled_by=scaled_by,
        calculation="; ".join(steps),
        exact_value=exact,
        per_administration_amount=_dec(this),
        per_administration_unit=u,
        calculated_value=calculated,
        change_percent=change_percent,
        rules=actions,
        share=(
            f"{_frac(fraction)} of the course"
            if dose.per is Per.COURSE and fraction is not None
            else f"1/{course_days} of the course ({course_days} days)"
            if dose.per is Per.COURSE and course_days > 1
            else None
        ),
    )
