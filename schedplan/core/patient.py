"""Patient measurements and the body-size formulas: BSA (five formulas), Devine IBW, adjusted weight."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, localcontext
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field, computed_field

from schedplan.core.units import CM_PER_IN, fmt, quantize

BSA_STEP = Decimal("0.001")  # BSA used in calculations, in m2, rounded half up to this
WEIGHT_STEP = Decimal("0.01")  # IBW / adjusted weight, kg
ADJUSTED_FACTOR = Decimal("0.4")  # adjusted BW = IBW + 0.4 x (actual - IBW)
DEVINE_MIN_HEIGHT_CM = 60 * CM_PER_IN  # 152.4 cm: Devine is defined from 5 feet up


class Sex(StrEnum):
    MALE = "M"
    FEMALE = "F"


class BSAFormula(StrEnum):
    """The body-surface-area formulas schedplan offers (weight in kg, height in cm)."""

    MOSTELLER = "mosteller"
    DUBOIS = "dubois"
    HAYCOCK = "haycock"
    GEHAN_GEORGE = "gehan-george"
    BOYD = "boyd"

    @property
    def label(self) -> str:
        return _LABELS[self]


_LABELS = {
    BSAFormula.MOSTELLER: "Mosteller",
    BSAFormula.DUBOIS: "DuBois & DuBois",
    BSAFormula.HAYCOCK: "Haycock",
    BSAFormula.GEHAN_GEORGE: "Gehan & George",
    BSAFormula.BOYD: "Boyd",
}


def _pow(base: Decimal, exponent: str | Decimal) -> Decimal:
    return base ** Decimal(exponent)


def bsa_formula_value(formula: BSAFormula, weight_kg: Decimal, height_cm: Decimal) -> Decimal:
    """BSA in m2 by the named formula, unrounded (28 significant digits).

    - Mosteller (1987): sqrt(W x H / 3600)
    - DuBois & DuBois (1916): 0.007184 x W^0.425 x H^0.725
    - Haycock (1978): 0.024265 x W^0.5378 x H^0.3964
    - Gehan & George (1970): 0.0235 x W^0.51456 x H^0.42246
    - Boyd (1935): 0.0003207 x H^0.3 x Wg^(0.7285 - 0.0188 x log10 Wg), Wg = weight in grams
    """
    w, h = Decimal(weight_kg), Decimal(height_cm)
    with localcontext() as ctx:
        ctx.prec = 28
        if formula is BSAFormula.MOSTELLER:
            return (w * h / 3600).sqrt()
        if formula is BSAFormula.DUBOIS:
            return Decimal("0.007184") * _pow(w, "0.425") * _pow(h, "0.725")
        if formula is BSAFormula.HAYCOCK:
            return Decimal("0.024265") * _pow(w, "0.5378") * _pow(h, "0.3964")
        if formula is BSAFormula.GEHAN_GEORGE:
            return Decimal("0.0235") * _pow(w, "0.51456") * _pow(h, "0.42246")
        if formula is BSAFormula.BOYD:
            grams = w * 1000
            exponent = Decimal("0.7285") - Decimal("0.0188") * grams.log10()
            return Decimal("0.0003207") * _pow(h, "0.3") * _pow(grams, exponent)
    raise ValueError(f"unknown BSA formula {formula!r}")  # pragma: no cover - enum is closed


def ideal_body_weight(sex: Sex, height_cm: Decimal) -> Decimal | None:
    """Devine (1974) ideal body weight in kg, or None below 152.4 cm (5 ft), where it is not defined.

    Men 50 kg, women 45.5 kg, plus 2.3 kg per inch over 60 inches.
    """
    if height_cm < DEVINE_MIN_HEIGHT_CM:
        return None
    base = Decimal("50") if sex is Sex.MALE else Decimal("45.5")
    inches_over_60 = Decimal(height_cm) / CM_PER_IN - 60
    return quantize(base + Decimal("2.3") * inches_over_60, WEIGHT_STEP)


def devine_extrapolated(sex: Sex, height_cm: Decimal) -> Decimal:
    """Devine's line continued below 152.4 cm (2.3 kg less per inch under 60 in), in kg; may be 0 or less.

    Only for a site policy that says ``below_devine_height: extrapolate``; Devine did not define it.
    """
    base = Decimal("50") if sex is Sex.MALE else Decimal("45.5")
    return quantize(base + Decimal("2.3") * (Decimal(height_cm) / CM_PER_IN - 60), WEIGHT_STEP)


def adjusted_body_weight(ideal_kg: Decimal | None, actual_kg: Decimal) -> Decimal | None:
    """IBW + 0.4 x (actual - IBW), in kg; None when the ideal weight is not defined."""
    if ideal_kg is None:
        return None
    return quantize(ideal_kg + ADJUSTED_FACTOR * (Decimal(actual_kg) - ideal_kg), WEIGHT_STEP)


class Patient(BaseModel):
    """The measurements a plan is calculated from. Weight in kg and height in cm, as Decimals."""

    model_config = ConfigDict(frozen=True, defer_build=True)

    weight_kg: Decimal = Field(gt=Decimal("0.5"), le=Decimal("350"), description="actual body weight, kg")
    height_cm: Decimal = Field(ge=Decimal("30"), le=Decimal("250"), description="height, cm")
    sex: Sex | None = Field(default=None, description="needed for the ideal (Devine) body weight")
    bsa_formula: BSAFormula = Field(default=BSAFormula.MOSTELLER, description="formula used when no measured BSA")
    measured_bsa_m2: Decimal | None = Field(
        default=None, gt=Decimal("0.1"), le=Decimal("5"), description="a measured BSA that replaces the formula"
    )
    weight_entered: str | None = Field(default=None, description="the weight as the user typed it, e.g. 136.7lb")
    height_entered: str | None = Field(default=None, description="the height as the user typed it, e.g. 66.1in")
    measured_on: dt.date | None = Field(default=None, description="the date weight and height were measured")

    @computed_field  # type: ignore[prop-decorator]
    @property
    def bsa_m2(self) -> Decimal:
        """The BSA every per-m2 dose is calculated with, rounded half up to 0.001 m2."""
        if self.measured_bsa_m2 is not None:
            return self.measured_bsa_m2
        return quantize(bsa_formula_value(self.bsa_formula, self.weight_kg, self.height_cm), BSA_STEP)

    @property
    def bsa_source(self) -> str:
        """How the BSA was obtained, for a calculation text: ``Mosteller, 62 kg, 168 cm``.

        Weight and height are shown with every digit the formula used (136.7 lb is 62.006076979 kg), so
        the BSA can be reproduced by hand from the text; rounded figures would give a different BSA for
        about one patient in seven entered in lb and in.
        """
        if self.measured_bsa_m2 is not None:
            return "measured BSA"
        return f"{self.bsa_formula.label}, {fmt(self.weight_kg)} kg, {fmt(self.height_cm)} cm"

    @computed_field  # type: ignore[prop-decorator]
    @property
    def ibw_kg(self) -> Decimal | None:
        """Devine ideal body weight; None without sex or below 152.4 cm."""
        if self.sex is None:
            return None
        return ideal_body_weight(self.sex, self.height_cm)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def adjbw_kg(self) -> Decimal | None:
        """Adjusted body weight, IBW + 0.4 x (actual - IBW); None where IBW is None."""
        return adjusted_body_weight(self.ibw_kg, self.weight_kg)

    @property
    def bmi(self) -> Decimal:
        """Body-mass index, kg/m2, to 0.1."""
        metres = self.height_cm / 100
        return quantize(self.weight_kg / (metres * metres), Decimal("0.1"))

    @property
    def percent_ibw(self) -> Decimal | None:
        """Actual weight as a percentage of the ideal weight, to 0.1 %, for reading; None without IBW.

        Compare thresholds with ``percent_ibw_exact``: 120.014 % reads "120.0 %" but is over 120 %.
        """
        exact = self.percent_ibw_exact
        return None if exact is None else quantize(exact, Decimal("0.1"))

    @property
    def percent_ibw_exact(self) -> Decimal | None:
        """Actual weight as a percentage of the (0.01 kg) ideal weight, unrounded; None without IBW."""
        ibw = self.ibw_kg
        return None if ibw is None else self.weight_kg / ibw * 100

    def bsa_with_weight(self, weight_kg: Decimal) -> Decimal:
        """The BSA by this patient's formula and height, for another (dosing) weight; rounded like bsa_m2."""
        return quantize(bsa_formula_value(self.bsa_formula, weight_kg, self.height_cm), BSA_STEP)
