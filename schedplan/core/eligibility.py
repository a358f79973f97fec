"""A protocol's eligibility criteria (structured checks, each with the record's sentence) and their evaluation."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, localcontext
from enum import StrEnum
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator, model_validator

from schedplan.core.factors import Measure, PatientFactors
from schedplan.core.patient import Patient
from schedplan.core.renal import ADULT_AGE, Estimate, bedside_schwartz, ckd_epi_2021
from schedplan.core.units import fmt, quantize
from schedplan.errors import InputError

_ID_RE = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
BSA_REFERENCE = Decimal("1.73")  # m2: a clearance 'per 1.73 m2' is scaled to this body surface


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


class Scale(StrEnum):
    ABSOLUTE = "absolute"  # in the measure's own unit (mg/dL, %, years ...)
    ULN = "uln"  # a multiple of the laboratory's upper limit of normal


class Equation(StrEnum):
    """The eGFR estimate a criterion names, when the patient's eGFR is not given but creatinine is."""

    CKD_EPI_2021 = "ckd-epi-2021"
    BEDSIDE_SCHWARTZ = "bedside-schwartz"


class Limit(_Model):
    """One measured value against a bound or two: ``{measure: egfr, more_than: 30}``."""

    measure: Measure
    at_least: Decimal | None = None
    more_than: Decimal | None = None
    at_most: Decimal | None = None
    less_than: Decimal | None = None
    scale: Scale = Field(default=Scale.ABSOLUTE, description="uln: the bound is a multiple of the upper limit")
    comparator_stated: bool = Field(
        default=True,
        description="false: the record gives the bound but its sign is lost; a value exactly at it is not checked",
    )
    equation: Equation | None = Field(default=None, description="egfr only: the estimate the record names")
    per_1_73_m2: bool = Field(
        default=False, description="creatinine_clearance only: the record's bound is per 1.73 m2 of body surface"
    )

    @model_validator(mode="after")
    def _shape(self) -> Limit:
        lower = [k for k in ("at_least", "more_than") if getattr(self, k) is not None]
        upper = [k for k in ("at_most", "less_than") if getattr(self, k) is not None]
        if not lower and not upper:
            raise ValueError("give a bound: at_least, more_than, at_most or less_than")
        if len(lower) > 1 or len(upper) > 1:
            raise ValueError("give at most one lower bound (at_least or more_than) and one upper (at_most, less_than)")
        if not self.comparator_stated and lower and upper:
            raise ValueError("comparator_stated: false takes a single bound")
        if self.scale is Scale.ULN and not self.measure.has_uln:
            raise ValueError(f"{self.measure.value} has no upper limit of normal (scale: uln)")
        if self.equation is not None and self.measure is not Measure.EGFR:
            raise ValueError("equation belongs to an egfr limit")
        if self.per_1_73_m2 and self.measure is not Measure.CREATININE_CLEARANCE:
            raise ValueError("per_1_73_m2 belongs to a creatinine_clearance limit")
        return self

    def bounds_text(self) -> str:
        """The bounds as a person reads them: 'more than 30 mL/min/1.73 m2', 'at most 3 x ULN'."""
        unit = "x ULN" if self.scale is Scale.ULN else self.measure.unit
        parts = []
        for key, word in (
            ("at_least", "at least"),
            ("more_than", "more than"),
            ("at_most", "at most"),
            ("less_than", "less than"),
        ):
            bound = getattr(self, key)
            if bound is not None:
                if not self.comparator_stated:
                    word = ("under" if key in ("at_most", "less_than") else "over") + " (the record's sign is lost)"
                parts.append(f"{word} {fmt(bound)}{' ' + unit if unit else ''}")
        return " and ".join(parts)

    def text(self) -> str:
        """The measure and its bounds: 'eGFR more than 30 mL/min/1.73 m2'."""
        return f"{self.measure.label} {self.bounds_text()}"


class Group(_Model):
    """Checks joined by or (``any_of``) or by and (``all_of``); items are limits or groups."""

    any_of: list[Limit | Group] | None = Field(default=None, min_length=2)
    all_of: list[Limit | Group] | None = Field(default=None, min_length=2)

    @model_validator(mode="after")
    def _one(self) -> Group:
        if (self.any_of is None) == (self.all_of is None):
            raise ValueError("give exactly one of any_of or all_of")
        return self


class Criterion(_Model):
    """One eligibility criterion of the record, as a check: ``check`` (one limit), ``any_of`` or ``all_of``."""

    id: str = Field(description="unique within the protocol, e.g. 'renal'")
    quote: str = Field(min_length=1, description="the record's sentence, word for word")
    check: Limit | None = None
    any_of: list[Limit | Group] | None = Field(default=None, min_length=2)
    all_of: list[Limit | Group] | None = Field(default=None, min_length=2)
    exception: str | None = Field(default=None, description="the record's exception, shown when not met")
    note: str | None = Field(default=None, description="how the sentence was read, where it is not plain")

    @field_validator("id")
    @classmethod
    def _id(cls, v: str) -> str:
        if not _ID_RE.match(v):
            raise ValueError(f"criterion id {v!r}: use lower-case letters, digits, _ and -")
        return v

    @model_validator(mode="after")
    def _one(self) -> Criterion:
        given = [k for k in ("check", "any_of", "all_of") if getattr(self, k) is not None]
        if len(given) != 1:
            found = f" (found {', '.join(given)})" if given else ""
            raise ValueError(f"give exactly one of check, any_of or all_of{found}")
        return self

    @property
    def root(self) -> Limit | Group:
        if self.check is not None:
            return self.check
        return Group(any_of=self.any_of) if self.any_of is not None else Group(all_of=self.all_of)


def _unique_ids(criteria: list[Criterion]) -> list[Criterion]:
    ids = [c.id for c in criteria]
    twice = sorted({cid for cid in ids if ids.count(cid) > 1})
    if twice:
        raise ValueError(f"eligibility id {', '.join(repr(t) for t in twice)} is used twice")
    return criteria


Criteria = Annotated[list[Criterion], AfterValidator(_unique_ids)]
"""The protocol's ``eligibility:`` block: criteria with distinct ids."""


# --- evaluation ----------------------------------------------------------------------------------


class Status(StrEnum):
    MET = "met"
    NOT_MET = "not met"
    NOT_CHECKED = "not checked"


class Finding(BaseModel):
    """What one criterion came to for this patient, and why."""

    model_config = ConfigDict(frozen=True, defer_build=True)
    criterion_id: str
    status: Status
    detail: str = Field(description="the values compared (with their calculation), or what was missing")
    quote: str
    exception: str | None = None
    estimates: list[Estimate] = Field(default_factory=list, description="any eGFR calculated for the check")

    @property
    def code(self) -> str | None:
        """The plan-warning code; None when the criterion is met (a met criterion is no warning)."""
        return {Status.MET: None, Status.NOT_MET: "eligibility-not-met", Status.NOT_CHECKED: "eligibility-not-checked"}[
            self.status
        ]

    @property
    def message(self) -> str:
        text = f'eligibility {self.status.value}: {self.detail} - the record: "{self.quote}"'
        if self.exception and self.status is not Status.MET:
            text += f' (the record allows: "{self.exception}")'
        return text


def _show(value: Decimal) -> str:
    """A value as typed, or to 4 decimals when it came from a conversion (97 umol/L = 1.0973 mg/dL)."""
    exponent = value.as_tuple().exponent
    return fmt(value) if isinstance(exponent, int) and exponent >= -4 else fmt(value, 4)


def _age_words(age: int) -> str:
    return f"{age} years ({'a child' if age < ADULT_AGE else 'an adult'})"


class _Context:
    def __init__(self, factors: PatientFactors, patient: Patient | None, on: dt.date) -> None:
        self.factors, self.patient, self.on = factors, patient, on
        self.estimates: list[Estimate] = []
        self._age: int | None = None
        self.age_error: str | None = None
        try:
            self._age = factors.age_on(on)
        except InputError as exc:
            self.age_error = str(exc)

    @property
    def age(self) -> int | None:
        return self._age


def _egfr(limit: Limit, ctx: _Context) -> tuple[Decimal | None, str]:
    given = ctx.factors.get(Measure.EGFR)
    if given is not None:
        return given.value, f"eGFR {fmt(given.value)} mL/min/1.73 m2 (given)"
    creat = ctx.factors.get(Measure.CREATININE)
    if creat is None:
        return None, "no eGFR and no serum creatinine given"
    equation = limit.equation
    if equation is None:
        if ctx.age is None:
            return None, (
                "eGFR not given; from creatinine it needs the age (no birth date given) to choose CKD-EPI 2021"
                " (adults) or bedside Schwartz (children)"
            )
        equation = Equation.BEDSIDE_SCHWARTZ if ctx.age < ADULT_AGE else Equation.CKD_EPI_2021
    if equation is Equation.BEDSIDE_SCHWARTZ:
        if ctx.patient is None:
            return None, "eGFR not given; bedside Schwartz needs the height"
        est = bedside_schwartz(height_cm=ctx.patient.height_cm, creatinine_mg_dl=creat.value)
    else:
        if ctx.age is None:
            return None, "eGFR not given; CKD-EPI 2021 needs the age (no birth date given)"
        if ctx.age < ADULT_AGE:
            return None, (
                f"eGFR not given; the record names CKD-EPI 2021, an adult equation, and the patient is"
                f" {_age_words(ctx.age)}"
            )
        if ctx.patient is None or ctx.patient.sex is None:
            return None, "eGFR not given; CKD-EPI 2021 needs the patient's sex"
        est = ckd_epi_2021(creatinine_mg_dl=creat.value, age=ctx.age, sex=ctx.patient.sex)
    ctx.estimates.append(est)
    return est.value, f"eGFR {fmt(est.value)} mL/min/1.73 m2 ({est.method}: {est.calculation})"


def _value(limit: Limit, ctx: _Context) -> tuple[Decimal | None, str]:
    m = limit.measure
    if m is Measure.AGE:
        if ctx.age_error:
            return None, ctx.age_error
        if ctx.age is None:
            return None, "age: no birth date given"
        return Decimal(ctx.age), f"age {_age_words(ctx.age)} on {ctx.on.isoformat()}"
    if m is Measure.EGFR:
        return _egfr(limit, ctx)
    lab = ctx.factors.get(m)
    if lab is None:
        return None, f"{m.label}: not given"
    shown = f"{m.label} {_show(lab.value)}{' ' + m.unit if m.unit else ''}"
    if lab.entered and lab.entered.strip() != f"{fmt(lab.value)} {m.unit}":
        shown += f" (entered {lab.entered})"
    if limit.scale is Scale.ULN:
        if lab.uln is None:
            return None, f"{shown}, but its upper limit of normal (ULN) is not given"
        with localcontext() as c:
            c.prec = 28
            ratio = lab.value / lab.uln
        return quantize(ratio, Decimal("0.01")), f"{shown} = {fmt(ratio, 2)} x ULN (ULN {fmt(lab.uln)} {m.unit})"
    if limit.per_1_73_m2:
        if ctx.patient is None:
            return None, f"{shown}; the record's bound is per 1.73 m2 and the BSA is not known"
        bsa = ctx.patient.bsa_m2
        with localcontext() as c:
            c.prec = 28
            scaled = quantize(lab.value * BSA_REFERENCE / bsa, Decimal("0.1"))
        return scaled, f"{shown} x 1.73 / BSA {fmt(bsa)} m2 = {fmt(scaled)} mL/min/1.73 m2"
    return lab.value, shown


def _limit(limit: Limit, ctx: _Context) -> tuple[Status, str]:
    value, shown = _value(limit, ctx)
    if value is None:
        return Status.NOT_CHECKED, shown
    checks = []
    if limit.at_least is not None:
        checks.append((limit.at_least, value >= limit.at_least, value == limit.at_least))
    if limit.more_than is not None:
        checks.append((limit.more_than, value > limit.more_than, value == limit.more_than))
    if limit.at_most is not None:
        checks.append((limit.at_most, value <= limit.at_most, value == limit.at_most))
    if limit.less_than is not None:
        checks.append((limit.less_than, value < limit.less_than, value == limit.less_than))
    wanted = limit.bounds_text()
    if not limit.comparator_stated and any(at_bound for _, _, at_bound in checks):
        return Status.NOT_CHECKED, f"{shown}: exactly at the bound, and the record does not say if it is allowed"
    ok = all(passed for _, passed, _ in checks)
    return (Status.MET, f"{shown}, {wanted}") if ok else (Status.NOT_MET, f"{shown} is not {wanted}")


def _check(node: Limit | Group, ctx: _Context) -> tuple[Status, str]:
    if isinstance(node, Limit):
        return _limit(node, ctx)
    items = node.any_of if node.any_of is not None else node.all_of
    assert items is not None
    results = [_check(item, ctx) for item in items]
    statuses = [s for s, _ in results]
    if node.any_of is not None:
        status = (
            Status.MET
            if Status.MET in statuses
            else Status.NOT_CHECKED
            if Status.NOT_CHECKED in statuses
            else Status.NOT_MET
        )
        joiner = " or "
    else:
        status = (
            Status.NOT_MET
            if Status.NOT_MET in statuses
            else Status.NOT_CHECKED
            if Status.NOT_CHECKED in statuses
            else Status.MET
        )
        joiner = " and "
    return status, "(" + joiner.join(detail for _, detail in results) + ")"


def evaluate(criteria: list[Criterion], factors: PatientFactors, patient: Patient | None, on: dt.date) -> list[Finding]:
    """Each criterion met, not met or not checked (with why), for the patient on ``on`` (the day age is counted
    on: the plan's first day). Nothing is passed silently: a value not given makes its criterion 'not checked'."""
    findings = []
    for criterion in criteria:
        ctx = _Context(factors, patient, on)
        status, detail = _check(criterion.root, ctx)
        if detail.startswith("(") and detail.endswith(")") and criterion.check is None:
            detail = detail[1:-1]
        findings.append(
            Finding(
                criterion_id=criterion.id,
                status=status,
                detail=detail,
                quote=criterion.quote,
                exception=criterion.exception,
                estimates=ctx.estimates,
            )
        )
    return findings
