"""Prescribed dose x patient -> calculated dose, with the calculation written out for a pharmacist."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

from pydantic import BaseModel, ConfigDict, Field

from schedplan.core.patient import Patient
from schedplan.core.protocol import Dose, WeightBasis
from schedplan.core.units import Basis, DoseUnit, Per, fmt, quantize
from schedplan.errors import InputError


class CalculatedDose(BaseModel):
    """One administration's dose and how it was reached."""

    model_config = ConfigDict(frozen=True)

    value: Decimal = Field(description="the dose, in `unit`, reported to the unit's precision")
    unit: str = Field(description="mg, g, mcg, IU, cells or Gy (cells and IU as plain counts)")
    prescribed: str = Field(description="as the protocol states it, e.g. '40 mg/m2/day'")
    per_administration: str = Field(description="the prescribed amount that applies to this one day, e.g. '14 g/m2'")
    basis: str = Field(description="what it was scaled by: 'BSA 1.701 m2 (Mosteller, ...)', 'actual weight 62 kg', 'flat'")
    calculation: str = Field(description="every step, each checkable by hand")
    exact_value: Decimal = Field(description="the value before reporting precision was applied")


def prescribed_text(amount: Decimal, unit: DoseUnit, per: Per) -> str:
    suffix = {Per.DOSE: "", Per.DAY: "/day", Per.COURSE: "/course"}[per]
    return f"{fmt(amount)} {unit}{suffix}"


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


def _weight(patient: Patient, which: WeightBasis) -> tuple[Decimal, str]:
    if which is WeightBasis.ACTUAL:
        return patient.weight_kg, "actual weight"
    ibw = patient.ibw_kg
    if ibw is None:
        why = "the patient's sex is not given" if patient.sex is None else "height is under 152.4 cm (Devine IBW undefined)"
        raise InputError(
            f"this dose is on {which.value} body weight, which cannot be calculated: {why}",
            field="sex" if patient.sex is None else "height",
        )
    if which is WeightBasis.IDEAL:
        return ibw, "ideal body weight (Devine)"
    adj = patient.adjbw_kg
    assert adj is not None
    return adj, f"adjusted body weight (IBW {fmt(ibw)} kg + 0.4 x (actual {fmt(patient.weight_kg)} kg - IBW))"


def calculate(
    dose: Dose,
    amount: Decimal,
    patient: Patient,
    *,
    course_days: int,
    fraction: Fraction | None = None,
) -> CalculatedDose:
    """The dose of one administration.

    ``amount`` is the prescribed amount (already resolved from choices); ``course_days`` the number of
    days a per-course amount is divided over; ``fraction`` this day's share of a split course.
    """
    unit = dose.unit
    steps: list[str] = []
    prescribed = prescribed_text(amount, unit, dose.per)
    u = str(unit)

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
        bsa = patient.bsa_m2
        scaled = this * Fraction(bsa)
        basis = f"BSA {fmt(bsa)} m2 ({patient.bsa_source})"
        steps.append(f"{shown} {u} x {fmt(bsa)} m2 ({patient.bsa_source}) = {_amount(_dec(scaled))} {unit.scaled_quantity}")
    elif unit.basis is Basis.PER_KG:
        kg, which = _weight(patient, dose.weight)
        scaled = this * Fraction(kg)
        basis = f"{which} {fmt(kg)} kg"
        steps.append(f"{shown} {u} x {fmt(kg)} kg ({which}) = {_amount(_dec(scaled))} {unit.scaled_quantity}")
    else:
        scaled = this
        basis = "flat dose"
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
    if unit.exponent:
        steps[-1] += f" = {fmt(exact, 4)} {q}"
    if value != exact:
        precision = "whole " + q if step == 1 else f"{fmt(step)} {q}"
        steps.append(f"rounded to {precision}: {fmt(value)} {q}")

    return CalculatedDose(
        value=value,
        unit=q,
        prescribed=prescribed,
        per_administration=f"{_amount(_dec(this))} {u}",
        basis=basis,
        calculation="; ".join(steps),
        exact_value=exact,
    )
