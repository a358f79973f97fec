"""Renal estimates (Cockcroft-Gault, CKD-EPI 2021, bedside Schwartz), creatinine units, Calvert, age in years."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation, localcontext

from pydantic import BaseModel, ConfigDict, Field

from schedplan.core.patient import Sex
from schedplan.core.units import fmt, quantize
from schedplan.errors import InputError

UMOL_L_PER_MG_DL = Decimal("88.4")  # creatinine: 1 mg/dL = 88.4 umol/L
CREATININE_RANGE_MG_DL = (Decimal("0"), Decimal("30"))  # more than 0, at most 30 mg/dL (2,652 umol/L)
ESTIMATE_STEP = Decimal("0.1")  # clearance and eGFR are reported (and compared) to 0.1
CALVERT_STEP = Decimal("0.01")  # a carboplatin dose in mg, like every mg dose
ADULT_AGE = 18  # Cockcroft-Gault and CKD-EPI are adult equations; bedside Schwartz is for children


class Estimate(BaseModel):
    """A calculated renal value (or Calvert dose) and how it was reached, each step checkable by hand."""

    model_config = ConfigDict(frozen=True, defer_build=True)
    value: Decimal = Field(description="reported to ESTIMATE_STEP (a dose: to 0.01 mg)")
    unit: str = Field(description="mL/min, mL/min/1.73 m2, or mg")
    method: str = Field(description="'Cockcroft-Gault (ideal weight)', 'CKD-EPI 2021', 'bedside Schwartz', 'Calvert'")
    calculation: str
    exact_value: Decimal = Field(description="before reporting precision (28 significant digits)")


class Creatinine(BaseModel):
    """A serum creatinine as typed (with its unit) and in mg/dL, the unit the equations use."""

    model_config = ConfigDict(frozen=True, defer_build=True)
    mg_dl: Decimal
    entered: str = Field(description="as typed, e.g. '97 umol/L'")
    unit: str = Field(description="'mg/dL' or 'umol/L'")

    @property
    def conversion(self) -> str:
        """'97 umol/L / 88.4 = 1.0973 mg/dL', or '' when it was given in mg/dL."""
        if self.unit == "mg/dL":
            return ""
        umol = self.mg_dl * UMOL_L_PER_MG_DL
        return f"{fmt(umol, 4)} umol/L / {UMOL_L_PER_MG_DL} = {fmt(self.mg_dl, 4)} mg/dL"


_CREAT_UNITS = {
    "mg/dl": "mg/dL",
    "umol/l": "umol/L",
    "µmol/l": "umol/L",  # micro sign
    "μmol/l": "umol/L",  # Greek mu
    "micromol/l": "umol/L",
}
_CREAT_RE = re.compile(r"^\s*(?P<num>[+-]?(?:\d+(?:[.,]\d*)?|[.,]\d+))\s*(?P<unit>\S*(?:\s*/\s*\S+)?)\s*$")
_CREAT_EXAMPLE = "1.1 mg/dL or 97 umol/L"


def parse_creatinine(text: str) -> Creatinine:
    """``"1.1 mg/dL"`` or ``"97 umol/L"`` -> a Creatinine. Refuses a bare number, an unknown unit,
    an ambiguous ``1,040`` and a value that is not more than 0 or above 30 mg/dL."""
    m = _CREAT_RE.match(text or "")
    if m is None:
        raise InputError(
            f"creatinine {text!r} is not a number with a unit; write it like {_CREAT_EXAMPLE}",
            field="creatinine",
            value=text,
        )
    raw, unit_text = m.group("num"), re.sub(r"\s+", "", m.group("unit")).lower()
    if not unit_text:
        raise InputError(
            f"creatinine {text!r} has no unit; write it like {_CREAT_EXAMPLE} (units: mg/dL or umol/L)",
            field="creatinine",
            value=text,
        )
    unit = _CREAT_UNITS.get(unit_text)
    if unit is None:
        raise InputError(
            f"creatinine {text!r} has unknown unit {m.group('unit')!r}; accepted units: mg/dL or umol/L"
            f" (e.g. {_CREAT_EXAMPLE})",
            field="creatinine",
            value=text,
        )
    if re.fullmatch(r"[+-]?\d{1,3},\d{3}", raw):
        raise InputError(
            f"creatinine {text!r} is ambiguous: is the comma a decimal point or a thousands separator?"
            f" Write it without a thousands separator and with a point for decimals (e.g. {_CREAT_EXAMPLE})",
            field="creatinine",
            value=text,
        )
    try:
        number = Decimal(raw.replace(",", "."))
    except InvalidOperation:  # pragma: no cover - the pattern admits only numbers
        raise InputError(f"creatinine {text!r} is not a number", field="creatinine", value=text) from None
    return creatinine(number, unit, entered=text.strip())


def creatinine(value: Decimal, unit: str, *, entered: str | None = None) -> Creatinine:
    """A creatinine from a number and its unit ('mg/dL' or 'umol/L'), checked to be plausible."""
    if unit not in ("mg/dL", "umol/L"):
        raise InputError(f"creatinine unit {unit!r} is not accepted; use mg/dL or umol/L", field="creatinine")
    text = entered or f"{fmt(value)} {unit}"
    with localcontext() as ctx:
        ctx.prec = 28
        mg_dl = Decimal(value) if unit == "mg/dL" else Decimal(value) / UMOL_L_PER_MG_DL
    lo, hi = CREATININE_RANGE_MG_DL
    if not (lo < mg_dl <= hi):
        raise InputError(
            f"creatinine {text!r} is implausible; it must be more than 0 and at most {hi} mg/dL"
            f" ({fmt(hi * UMOL_L_PER_MG_DL)} umol/L)",
            field="creatinine",
            value=text,
        )
    return Creatinine(mg_dl=mg_dl, entered=text, unit=unit)


def age_years(birth_date: dt.date, on: dt.date) -> int:
    """Age in whole years on ``on`` (the birthday counts from the day itself; 29 February counts from 1 March
    in a common year). Refuses a birth date after ``on``."""
    if birth_date > on:
        raise InputError(
            f"birth date {birth_date.isoformat()} is after {on.isoformat()}; a birth date must be on or before it",
            field="birth-date",
            value=birth_date.isoformat(),
        )
    before_birthday = (on.month, on.day) < (birth_date.month, birth_date.day)
    return on.year - birth_date.year - (1 if before_birthday else 0)


def _positive(value: Decimal, what: str) -> Decimal:
    if not (isinstance(value, Decimal) and value.is_finite() and value > 0):
        raise InputError(f"{what} {value} must be a positive number", field=what, value=str(value))
    return value


def _adult(age: int, equation: str) -> None:
    if age < ADULT_AGE:
        raise InputError(
            f"{equation} is an adult equation and the patient is {age}; for a child use bedside Schwartz",
            field="age",
            value=str(age),
        )
    if age > 130:
        raise InputError(f"age {age} is implausible", field="age", value=str(age))


def _estimate(exact: Decimal, unit: str, method: str, steps: str, step: Decimal = ESTIMATE_STEP) -> Estimate:
    value = quantize(exact, step)
    places = 2 if step == CALVERT_STEP else 1
    return Estimate(
        value=value,
        unit=unit,
        method=method,
        calculation=f"{steps} = {fmt(exact, 4)} -> {fmt(value, places)} {unit}",
        exact_value=exact,
    )


WEIGHTS_USED = ("actual", "ideal", "adjusted")


def cockcroft_gault(*, age: int, weight_kg: Decimal, weight_used: str, creatinine_mg_dl: Decimal, sex: Sex) -> Estimate:
    """Cockcroft & Gault (1976) creatinine clearance, mL/min:
    (140 - age) x weight / (72 x creatinine mg/dL), x 0.85 for a woman.

    ``weight_used`` names the weight passed in (actual, ideal or adjusted); the calculation text says it.
    """
    basis = str(getattr(weight_used, "value", weight_used))
    if basis not in WEIGHTS_USED:
        raise ValueError(f"weight_used {weight_used!r} must be one of {', '.join(WEIGHTS_USED)}")
    _adult(age, "Cockcroft-Gault")
    _positive(weight_kg, "weight")
    _positive(creatinine_mg_dl, "creatinine")
    with localcontext() as ctx:
        ctx.prec = 28
        exact = (140 - Decimal(age)) * weight_kg / (72 * creatinine_mg_dl)
        female = ""
        if sex is Sex.FEMALE:
            exact *= Decimal("0.85")
            female = " x 0.85 (female)"
    steps = (
        f"(140 - {age} years) x {fmt(weight_kg)} kg ({basis} weight) / (72 x {fmt(creatinine_mg_dl, 4)} mg/dL){female}"
    )
    return _estimate(exact, "mL/min", f"Cockcroft-Gault ({basis} weight)", steps)


def ckd_epi_2021(*, creatinine_mg_dl: Decimal, age: int, sex: Sex) -> Estimate:
    """CKD-EPI 2021 creatinine eGFR, race-free (Inker et al., N Engl J Med 2021;385:1737-49), mL/min/1.73 m2:
    142 x min(Scr/k, 1)^a x max(Scr/k, 1)^-1.200 x 0.9938^age [x 1.012 female];
    k = 0.7 (F) / 0.9 (M), a = -0.241 (F) / -0.302 (M)."""
    _adult(age, "CKD-EPI 2021")
    _positive(creatinine_mg_dl, "creatinine")
    female = sex is Sex.FEMALE
    kappa = Decimal("0.7") if female else Decimal("0.9")
    alpha = Decimal("-0.241") if female else Decimal("-0.302")
    with localcontext() as ctx:
        ctx.prec = 28
        ratio = creatinine_mg_dl / kappa
        low = min(ratio, Decimal(1)) ** alpha
        high = max(ratio, Decimal(1)) ** Decimal("-1.200")
        age_factor = Decimal("0.9938") ** age
        exact = 142 * low * high * age_factor * (Decimal("1.012") if female else 1)
    steps = (
        f"142 x min({fmt(creatinine_mg_dl, 4)}/{kappa}, 1)^{alpha} x max({fmt(creatinine_mg_dl, 4)}/{kappa}, 1)^-1.200"
        f" x 0.9938^{age}" + (" x 1.012 (female)" if female else "")
    )
    return _estimate(exact, "mL/min/1.73 m2", "CKD-EPI 2021", steps)


def bedside_schwartz(*, height_cm: Decimal, creatinine_mg_dl: Decimal) -> Estimate:
    """Bedside Schwartz eGFR for children (Schwartz et al., J Am Soc Nephrol 2009;20:629-37), mL/min/1.73 m2:
    0.413 x height (cm) / creatinine (mg/dL)."""
    _positive(height_cm, "height")
    _positive(creatinine_mg_dl, "creatinine")
    with localcontext() as ctx:
        ctx.prec = 28
        exact = Decimal("0.413") * height_cm / creatinine_mg_dl
    steps = f"0.413 x {fmt(height_cm)} cm / {fmt(creatinine_mg_dl, 4)} mg/dL"
    return _estimate(exact, "mL/min/1.73 m2", "bedside Schwartz", steps)


def calvert(*, auc: Decimal, gfr_ml_min: Decimal, gfr_cap: Decimal | None = None, gfr_source: str = "") -> Estimate:
    """Calvert (J Clin Oncol 1989;7:1748-56) carboplatin dose, mg: target AUC (mg/mL x min) x (GFR + 25).

    ``gfr_cap`` (mL/min) limits the GFR used (e.g. 125); ``gfr_source`` names where the GFR came from."""
    _positive(auc, "AUC")
    _positive(gfr_ml_min, "GFR")
    if gfr_cap is not None:
        _positive(gfr_cap, "GFR cap")
    gfr = gfr_ml_min if gfr_cap is None else min(gfr_ml_min, gfr_cap)
    source = f" ({gfr_source})" if gfr_source else ""
    capped = f"; capped at {fmt(gfr_cap)} mL/min" if gfr_cap is not None and gfr_ml_min > gfr_cap else ""
    with localcontext() as ctx:
        ctx.prec = 28
        exact = auc * (gfr + 25)
    steps = f"GFR {fmt(gfr_ml_min, 4)} mL/min{source}{capped}; AUC {fmt(auc)} mg/mL x min x ({fmt(gfr, 4)} + 25)"
    return _estimate(exact, "mg", "Calvert", steps, CALVERT_STEP)
