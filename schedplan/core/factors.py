"""Patient factors beyond weight and height: birth date and measured values (creatinine, eGFR, ALT ...)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field, model_validator

from schedplan.core.renal import Creatinine, age_years


class Measure(StrEnum):
    """What an eligibility criterion (and a patient value) measures. The unit of each is fixed (MEASURES)."""

    AGE = "age"
    CREATININE = "creatinine"
    EGFR = "egfr"
    CREATININE_CLEARANCE = "creatinine_clearance"
    BILIRUBIN = "bilirubin"
    ALT = "alt"
    AST = "ast"
    ALP = "alp"
    OXYGEN_SATURATION = "oxygen_saturation"
    ECOG = "ecog"
    KARNOFSKY = "karnofsky"
    LANSKY = "lansky"
    LVEF = "lvef"
    DLCO = "dlco"
    FEV1 = "fev1"
    FVC = "fvc"
    LUNG_CAPACITY = "lung_capacity"
    WBC = "wbc"
    ANC = "anc"
    PLATELETS = "platelets"
    HEMOGLOBIN = "hemoglobin"

    @property
    def label(self) -> str:
        return MEASURES[self][0]

    @property
    def unit(self) -> str:
        return MEASURES[self][1]

    @property
    def has_uln(self) -> bool:
        """Whether a criterion may give a limit as a multiple of the upper limit of normal."""
        return self in _ULN_MEASURES


# label, unit of the patient value (and of an absolute limit), highest plausible value
MEASURES: dict[Measure, tuple[str, str, Decimal]] = {
    Measure.AGE: ("age", "years", Decimal(130)),
    Measure.CREATININE: ("serum creatinine", "mg/dL", Decimal(30)),
    Measure.EGFR: ("eGFR", "mL/min/1.73 m2", Decimal(300)),
    Measure.CREATININE_CLEARANCE: ("measured creatinine clearance", "mL/min", Decimal(300)),
    Measure.BILIRUBIN: ("total bilirubin", "mg/dL", Decimal(100)),
    Measure.ALT: ("ALT", "U/L", Decimal(100000)),
    Measure.AST: ("AST", "U/L", Decimal(100000)),
    Measure.ALP: ("alkaline phosphatase", "U/L", Decimal(100000)),
    Measure.OXYGEN_SATURATION: ("oxygen saturation", "%", Decimal(100)),
    Measure.ECOG: ("ECOG/WHO performance status", "", Decimal(5)),
    Measure.KARNOFSKY: ("Karnofsky score", "%", Decimal(100)),
    Measure.LANSKY: ("Lansky score", "%", Decimal(100)),
    Measure.LVEF: ("left ventricular ejection fraction", "%", Decimal(100)),
    Measure.DLCO: ("DLCO", "% predicted", Decimal(300)),
    Measure.FEV1: ("FEV1", "% predicted", Decimal(300)),
    Measure.FVC: ("FVC", "% predicted", Decimal(300)),
    Measure.LUNG_CAPACITY: ("lung capacity", "% predicted", Decimal(300)),
    Measure.WBC: ("white blood cell count", "x 10^9/L", Decimal(1000)),
    Measure.ANC: ("absolute neutrophil count", "x 10^9/L", Decimal(1000)),
    Measure.PLATELETS: ("platelet count", "x 10^9/L", Decimal(5000)),
    Measure.HEMOGLOBIN: ("hemoglobin", "g/dL", Decimal(30)),
}
_ULN_MEASURES = frozenset({Measure.CREATININE, Measure.BILIRUBIN, Measure.ALT, Measure.AST, Measure.ALP})
WHOLE_NUMBER_MEASURES = frozenset({Measure.ECOG})


class LabValue(BaseModel):
    """One measured value in its measure's unit, with the laboratory's upper limit of normal where it has one."""

    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)
    value: Decimal = Field(ge=0)
    uln: Decimal | None = Field(default=None, gt=0, description="upper limit of normal, same unit")
    entered: str | None = Field(default=None, description="as typed, e.g. '97 umol/L'")
    measured_on: dt.date | None = None

    @classmethod
    def of_creatinine(
        cls, creatinine: Creatinine, *, uln: Creatinine | None = None, measured_on: dt.date | None = None
    ) -> LabValue:
        """A serum creatinine (from parse_creatinine) as a value in mg/dL, keeping what was typed."""
        return cls(
            value=creatinine.mg_dl,
            uln=None if uln is None else uln.mg_dl,
            entered=creatinine.entered,
            measured_on=measured_on,
        )


class PatientFactors(BaseModel):
    """What is known about a patient besides weight and height; anything may be missing."""

    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)
    birth_date: dt.date | None = None
    values: dict[Measure, LabValue] = Field(default_factory=dict, description="by measure; age comes from birth_date")

    @model_validator(mode="after")
    def _shape(self) -> PatientFactors:
        for measure, lab in self.values.items():
            if measure is Measure.AGE:
                raise ValueError("age is not given as a value: give birth_date")
            if lab.uln is not None and not measure.has_uln:
                raise ValueError(f"{measure.label} has no upper limit of normal")
            hi = MEASURES[measure][2]
            if lab.value > hi:
                raise ValueError(f"{measure.label} {lab.value} {measure.unit} is implausible (at most {hi})")
            if measure in WHOLE_NUMBER_MEASURES and lab.value != lab.value.to_integral_value():
                raise ValueError(f"{measure.label} {lab.value} is not a whole number (0 to 5)")
            if measure is Measure.CREATININE and lab.value == 0:
                raise ValueError("serum creatinine must be more than 0 mg/dL")
        return self

    def age_on(self, day: dt.date) -> int | None:
        """Whole years on ``day``; None without a birth date. Refuses a birth date after ``day``."""
        return None if self.birth_date is None else age_years(self.birth_date, day)

    def get(self, measure: Measure) -> LabValue | None:
        return self.values.get(measure)
