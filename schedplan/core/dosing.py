"""Prescribed dose x patient -> calculated dose in steps (share, scaling, precision, maximum, rounding), written out."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import TYPE_CHECKING

from pydantic import BaseModel, ConfigDict, Field

from schedplan.core.dosing_maximum import (  # steps 4 to 6
    apply_max_dose,
    apply_rounding,
    max_dose_exceeded,
)
from schedplan.core.dosing_renal import RenalValue, apply_renal, dose_by_auc
from schedplan.core.dosing_weight import PolicyWeight, RuleAction, policy_weight_for, protocol_weight
from schedplan.core.patient import Patient
from schedplan.core.protocol import Dose, WeightBasis
from schedplan.core.units import Basis, DoseUnit, Per, Quantity, fmt, quantize

if TYPE_CHECKING:  # a plan without a site policy never loads core.policy (start-up, issue 8)
    from schedplan.core.policy import SitePolicy, WeightRule


class CalculatedDose(BaseModel):
    """One administration's dose and how it was reached."""

    model_config = ConfigDict(frozen=True, defer_build=True)

    value: Decimal = Field(description="the dose, in `unit`, reported to the unit's precision")
    unit: Quantity = Field(description="mg, g, mcg, IU, cells or Gy (cells and IU as plain counts)")
    prescribed: str = Field(description="as the protocol states it, e.g. '40 mg/m2/day'")
    per_administration: str = Field(description="the prescribed amount that applies to this one day, e.g. '14 g/m2'")
    basis: str = Field(
        description="what it was scaled by: 'BSA 1.701 m2 (Mosteller, ...)', 'actual weight 62 kg', 'flat'"
    )
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
    return bool((value * 10**places).denominator == 1)


@dataclass(frozen=True)
class Share:
    """Step 1: the prescribed amount that applies to this one administration, in the prescribed unit."""

    amount: Fraction
    shown: str  # as later steps write it: "5", or "(42 x 1/3)" where 4 decimals would not be exact
    step: str | None  # the calculation text of the step, where there was one


def share_of_course(dose: Dose, amount: Decimal, course_days: int, fraction: Fraction | None) -> Share:
    """A per-course amount divided by its days or split by this day's ``fraction``; anything else as it is.

    Where the share has more than 4 decimals (a third of a course), later steps carry it as an expression,
    so every step can be checked by hand from the numbers it shows.
    """
    prescribed = prescribed_text(amount, dose.unit, dose.per)
    u = dose.unit.display
    step: str | None = None
    if dose.per is Per.COURSE and fraction is not None:
        this = Fraction(amount) * fraction
        expr = f"{fmt(amount)} x {_frac(fraction)}"
        step = f"{prescribed} x {_frac(fraction)} (this day's share) = {_amount(_dec(this))} {u}"
    elif dose.per is Per.COURSE and course_days > 1:
        this = Fraction(amount) / course_days
        expr = f"{fmt(amount)} / {course_days}"
        step = f"{prescribed} / {course_days} days = {_amount(_dec(this))} {u}/day"
    else:
        this = Fraction(amount)
        expr = fmt(amount)
    return Share(this, _amount(_dec(this)) if _exact_in(this, 4) else f"({expr})", step)


def share_of_administrations(share: Share, dose: Dose, amount: Decimal, administrations: int) -> Share:
    """A day's (or a series' course) amount divided equally over its ``administrations``; a per-dose amount
    is each administration's as written. The step reads "3.2 mg/kg/day / 4 administrations = 0.8 mg/kg"."""
    if administrations <= 1 or dose.per is Per.DOSE:
        return share
    u = dose.unit.display
    this = share.amount / administrations
    if share.step is None:  # the prescribed amount itself: "12.8 mg/kg/course"
        before = prescribed_text(amount, dose.unit, dose.per)
    else:  # a day's share of a course: "3.2 mg/kg/day"
        before = f"{share.shown} {u}/day"
    step = f"{before} / {administrations} administrations = {_amount(_dec(this))} {u}"
    expr = share.shown[1:-1] if share.shown.startswith("(") else share.shown
    shown = _amount(_dec(this)) if _exact_in(this, 4) else f"({expr} / {administrations})"
    return Share(this, shown, step if share.step is None else f"{share.step}; {step}")


@dataclass(frozen=True)
class Scaled:
    """Step 2: the share scaled by BSA, by weight, or not at all (a flat dose), in the unit's quantity."""

    value: Fraction
    basis: str
    scaled_by: str
    step: str | None
    actions: tuple[RuleAction, ...] = ()


def cap_bsa(bsa: Decimal, source: str, policy: SitePolicy | None, drug: str) -> tuple[Decimal, str, RuleAction | None]:
    """The site's BSA cap for ``drug``: (BSA, its source, the action) - capped only when over the cap."""
    cap = policy.bsa_cap_for(drug) if policy is not None else None
    if cap is None or not bsa > cap:
        return bsa, source, None
    action = RuleAction(rule="bsa-cap", detail=f"BSA {fmt(bsa)} m2 capped at {fmt(cap)} m2 (site policy)")
    return cap, f"capped from {fmt(bsa)} m2 ({source})", action


def scale_by_bsa(
    share: Share,
    unit: DoseUnit,
    patient: Patient,
    policy_weight: PolicyWeight | None,
    policy: SitePolicy | None,
    drug: str,
) -> Scaled:
    """A per-m2 share x the BSA: the patient's, or by the site's dosing weight (not over a measured BSA),
    then capped by the site's BSA cap."""
    actions: list[RuleAction] = []
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
    bsa, source, capped = cap_bsa(bsa, source, policy, drug)
    if capped is not None:
        actions.append(capped)
    scaled = share.amount * Fraction(bsa)
    how = "measured BSA" if patient.measured_bsa_m2 is not None else f"BSA by {patient.bsa_formula.label}"
    if policy_weight is not None and patient.measured_bsa_m2 is None:
        how += f" with the {policy_weight[1].split(' (')[0]} (site policy)"
    if capped is not None:
        how += f", capped at {fmt(bsa)} m2 (site policy)"
    step = f"{share.shown} {unit.display} x {fmt(bsa)} m2 ({source}) = {_amount(_dec(scaled))} {unit.scaled_quantity}"
    return Scaled(scaled, f"BSA {fmt(bsa)} m2 ({source})", how, step, tuple(actions))


def scale_by_weight(
    share: Share, unit: DoseUnit, patient: Patient, weight: WeightBasis, policy_weight: PolicyWeight | None
) -> Scaled:
    """A per-kg share x the weight: the site's dosing weight where its rule acted, else the protocol's."""
    actions: tuple[RuleAction, ...] = ()
    if policy_weight is not None and policy_weight[2].rule != "dosing-weight":
        kg, which, action = policy_weight  # not evaluated: actual weight, and say so
        actions = (action,)
    elif policy_weight is not None:
        kg, which, action = policy_weight
        which += "; site policy"
        actions = (action,)
    else:
        kg, which = protocol_weight(patient, weight)
    scaled = share.amount * Fraction(kg)
    name = which.split(" (")[0]
    scaled_by = name + ("; site policy" if policy_weight is not None else "")  # name is before " (...); site policy"
    step = f"{share.shown} {unit.display} x {fmt(kg)} kg ({which}) = {_amount(_dec(scaled))} {unit.scaled_quantity}"
    return Scaled(scaled, f"{which} {fmt(kg)} kg", scaled_by, step, actions)


def scale_flat(share: Share, unit: DoseUnit) -> Scaled:
    """A flat dose is the share itself; the text says so where no share step did."""
    step = None if share.step is not None else f"flat dose {_amount(_dec(share.amount))} {unit.display}"
    return Scaled(share.amount, "flat dose", "flat dose", step)


@dataclass(frozen=True)
class Reported:
    """Step 3: the scaled dose in plain counts, and to the unit's reporting precision."""

    exact: Decimal
    value: Decimal
    counted: str  # appended to the scaling step for x10^n units: " = 466,666,666.6667 cells"
    step: str | None  # "rounded to 0.01 mg: 68.04 mg", where reporting changed the number


def report(scaled: Fraction, unit: DoseUnit) -> Reported:
    """x10^6 and friends as plain counts, then the unit's reporting step - never fewer than 3 significant
    figures: 0.006 mg is not "0.01 mg", and 0.003 mg is not "0 mg". Exact rational arithmetic up to here
    (no rounding of a third); one division at the end."""
    exact = _dec(scaled * Fraction(unit.scale))
    step = unit.quantity.step
    if exact != 0:
        step = min(step, Decimal(1).scaleb(exact.adjusted() - 2))
    value = quantize(exact, step)
    word = unit.quantity.word
    counted = f" = {fmt(exact, 4)} {word}" if unit.exponent else ""
    rounded = None
    if value != exact:
        precision = "whole " + word if step == 1 else f"{fmt(step)} {word}"
        rounded = f"rounded to {precision}: {fmt(value)} {word}"
    return Reported(exact, value, counted, rounded)


def share_text(dose: Dose, course_days: int, fraction: Fraction | None, administrations: int = 1) -> str | None:
    """'2/3 of the course', '1/3 of the course (3 days)', '1/2 of the day's dose', or None for a dose that
    is not a part of a course or a day."""
    n = administrations if dose.per is not Per.DOSE else 1
    of_day = f", 1/{n} of the day's share ({n} administrations)" if n > 1 else ""
    if dose.per is Per.COURSE and fraction is not None:
        return f"{_frac(fraction)} of the course{of_day}"
    if dose.per is Per.COURSE and course_days > 1:
        return f"1/{course_days} of the course ({course_days} days){of_day}"
    if dose.per is Per.COURSE and n > 1:
        return f"1/{n} of the course ({n} administrations)"
    if n > 1:
        return f"1/{n} of the day's dose ({n} administrations)"
    return None


def age_weight_rule(
    rule: WeightRule | None, policy: SitePolicy | None, age: int | None, drug: str
) -> tuple[WeightRule | None, RuleAction | None]:
    """The site's age rule over its dosing-weight rule: a child (under ``age.adult_from``) is not dosed by the
    adult rule but on the policy's children's weight; without the age, the adult rule acts and that is said."""
    if policy is None or policy.age is None or rule is None:
        return rule, None
    rule_age = policy.age
    source = f" [{rule_age.source}]" if rule_age.source else ""
    if age is None:
        return rule, RuleAction(
            rule="age-not-given",
            detail=f"{drug}: the site's dosing-weight rule is for adults ({rule_age.adult_from} years and over) and no"
            f" birth date was given; applied as for an adult - give --birth-date{source}",
        )
    if age >= rule_age.adult_from:
        return rule, None
    words = f"the patient is {age} years, a child (under {rule_age.adult_from})"
    from schedplan.core.policy import DosingWeight

    if rule_age.children_weight is DosingWeight.ACTUAL:
        return None, RuleAction(
            rule="age", detail=f"{drug}: {words}: the adult dosing-weight rule is not applied; actual weight{source}"
        )
    child_rule = rule.model_copy(update={"weight": rule_age.children_weight, "over_percent_ibw": None})
    return child_rule, RuleAction(
        rule="age",
        detail=f"{drug}: {words}: dosed on {rule_age.children_weight.value.replace('_', ' ')} weight (site age rule)"
        f" instead of the adult rule{source}",
    )


def calculate(
    dose: Dose,
    amount: Decimal,
    patient: Patient,
    *,
    course_days: int,
    fraction: Fraction | None = None,
    policy: SitePolicy | None = None,
    drug: str = "",
    renal: RenalValue | None = None,
    age: int | None = None,
    administrations: int = 1,
) -> CalculatedDose:
    """The dose of one administration.

    ``amount`` is the prescribed amount (already resolved from choices); ``course_days`` the number of
    days a per-course amount is divided over; ``fraction`` this day's share of a split course;
    ``administrations`` the number the day's share (or an `every` series' course) is divided equally over.
    With a site ``policy``, its rules for ``drug`` act in this order: dosing weight, BSA cap, maximum
    single dose (a cap), rounding, maximum single dose (a stop: the dose is kept, the plan stops unless
    overridden); each one that acts is listed in ``rules`` and in the calculation. ``age`` (years on the
    dose date) decides, under the policy's ``age:`` rule, whether the adult dosing-weight rule applies; ``renal`` is
    the renal function the policy's ``renal:`` rule for ``drug`` compares (after scaling, before the maximum).
    """
    unit = dose.unit
    rule = policy.weight_rule(drug) if policy is not None and dose.weight is WeightBasis.ACTUAL else None
    rule, age_action = age_weight_rule(rule, policy, age, drug)
    policy_weight = (
        policy_weight_for(patient, rule, drug, policy)
        if policy is not None and rule is not None and rule.acts_on(unit.basis)
        else None
    )
    if age_action is not None and age_action.rule == "age-not-given" and policy_weight is None:
        age_action = None  # the adult rule does not act on this dose: the age does not matter to it
    share = share_of_administrations(
        share_of_course(dose, amount, course_days, fraction), dose, amount, administrations
    )
    if unit.basis is Basis.PER_M2:
        scaled = scale_by_bsa(share, unit, patient, policy_weight, policy, drug)
    elif unit.basis is Basis.PER_KG:
        scaled = scale_by_weight(share, unit, patient, dose.weight, policy_weight)
    elif unit.basis is Basis.AUC:
        auc = dose_by_auc(share.amount, share.shown, renal, patient, policy, drug)
        scaled = Scaled(auc.exact, auc.basis, auc.scaled_by, auc.step)
    else:
        scaled = scale_flat(share, unit)
    steps = [s for s in (share.step, scaled.step) if s is not None]
    actions = ([age_action] if age_action is not None else []) + list(scaled.actions)
    if age_action is not None:
        steps.insert(0, age_action.detail)
    amount_scaled = scaled.value
    if policy is not None:
        renal_step = apply_renal(amount_scaled, unit.scaled_quantity, policy, drug, renal)
        amount_scaled = renal_step.scaled
        steps += [renal_step.step] if renal_step.step is not None else []
        actions += [renal_step.action] if renal_step.action is not None else []
    reported = report(amount_scaled, unit)
    steps[-1] += reported.counted
    if reported.step is not None:
        steps.append(reported.step)
    value = reported.value
    if policy is not None:
        value, most, maximum = apply_max_dose(value, policy, drug, unit.quantity)
        value, rounding = apply_rounding(value, most, policy, drug, unit.quantity)
        exceeded = max_dose_exceeded(value, policy, drug, unit.quantity)
        for action in (maximum, rounding, exceeded):
            if action is not None:
                actions.append(action)
                steps.append(action.detail)
    calculated = reported.value
    change_percent = None if value == calculated else quantize((value - calculated) / calculated * 100, Decimal("0.01"))
    return CalculatedDose(
        value=value,
        unit=unit.quantity,
        prescribed=prescribed_text(amount, unit, dose.per),
        per_administration=f"{_amount(_dec(share.amount))} {unit.display}",
        basis=scaled.basis,
        scaled_by=scaled.scaled_by,
        calculation="; ".join(steps),
        exact_value=reported.exact,
        per_administration_amount=_dec(share.amount),
        per_administration_unit=unit.display,
        calculated_value=calculated,
        change_percent=change_percent,
        rules=actions,
        share=share_text(dose, course_days, fraction, administrations),
    )
