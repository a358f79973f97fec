"""Renal function for a site's renal rules (measured, or the site's estimate, calculated) and the renal step."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import TYPE_CHECKING

from schedplan.core.dosing_weight import RuleAction
from schedplan.core.factors import LabValue, Measure, PatientFactors
from schedplan.core.patient import Patient
from schedplan.core.renal import (
    ADULT_AGE,
    UMOL_L_PER_MG_DL,
    Estimate,
    bedside_schwartz,
    calvert,
    ckd_epi_2021,
    cockcroft_gault,
)
from schedplan.core.units import fmt, quantize
from schedplan.errors import InputError

if TYPE_CHECKING:  # core.policy: a plan without a site policy never loads it (start-up, issue 8)
    from schedplan.core.limits import Breach
    from schedplan.core.policy import SitePolicy
    from schedplan.core.schedule import PlannedEvent

RENAL_STOP = "renal-stop"


@dataclass(frozen=True)
class RenalValue:
    """The renal function a site rule compares (mL/min, or mL/min/1.73 m2 for an eGFR), or why there is none."""

    value: Decimal | None
    unit: str = "mL/min"
    name: str = "creatinine clearance"  # or "eGFR"
    text: str = ""  # how it was reached: "measured, given" or the estimate's calculation
    missing: str = ""  # why there is no value, and what to give
    method: str = ""  # short: "measured, given", "Cockcroft-Gault (actual weight)"

    @property
    def shown(self) -> str:
        """'creatinine clearance 60 mL/min (measured, given)'."""
        if self.value is None:
            return f"{self.name} not known: {self.missing}"
        return f"{self.name} {fmt(self.value)} {self.unit} ({self.text})"

    @property
    def brief(self) -> str:
        """'creatinine clearance 64.7 mL/min (Cockcroft-Gault (actual weight))': the calculation is in the header."""
        if self.value is None:
            return self.shown
        return f"{self.name} {fmt(self.value)} {self.unit} ({self.method or self.text})"


def adult_from(policy: SitePolicy | None) -> int:
    """The age from which a patient is an adult for dosing: the policy's, else 18."""
    return policy.age.adult_from if policy is not None and policy.age is not None else ADULT_AGE


def _creatinine_text(lab: LabValue) -> str:
    if lab.entered and "umol" in lab.entered.lower():
        return f"creatinine {lab.entered} / {UMOL_L_PER_MG_DL} = {fmt(lab.value, 4)} mg/dL; "
    return ""


def _from(est: Estimate, name: str, lab: LabValue) -> RenalValue:
    dated = f", creatinine of {lab.measured_on.isoformat()}" if lab.measured_on else ""
    text = f"{est.method}{dated}: {_creatinine_text(lab)}{est.calculation}"
    return RenalValue(est.value, est.unit, name, text, method=est.method)


def _missing(why: str) -> RenalValue:
    return RenalValue(None, missing=why)


def renal_value(factors: PatientFactors | None, patient: Patient, policy: SitePolicy | None, on: dt.date) -> RenalValue:
    """The patient's renal function on ``on`` for the site's renal rules: a measured clearance (--crcl) if given,
    else the estimate the site policy names (renal_function), calculated with the age on that day."""
    factors = factors or PatientFactors()
    measured = factors.get(Measure.CREATININE_CLEARANCE)
    if measured is not None:
        return RenalValue(measured.value, "mL/min", "creatinine clearance", "measured, given")
    rf = policy.renal_function if policy is not None else None
    if rf is None:
        return _missing("the site policy names no renal estimate (renal_function); give a measured --crcl")
    from schedplan.core.policy import RenalEstimate

    creat = factors.get(Measure.CREATININE)
    age = factors.age_on(on)
    if age is not None and age < adult_from(policy):
        if rf.children != "bedside-schwartz":
            return _missing(f"the patient is {age} (a child) and the site names no estimate for children; give --crcl")
        if creat is None:
            return _missing("bedside Schwartz needs the serum creatinine (--creatinine VALUE UNIT)")
        return _from(bedside_schwartz(height_cm=patient.height_cm, creatinine_mg_dl=creat.value), "eGFR", creat)
    if rf.estimate is RenalEstimate.CKD_EPI_2021:
        given = factors.get(Measure.EGFR)
        if given is not None:
            return RenalValue(given.value, "mL/min/1.73 m2", "eGFR", "given")
    if creat is None:
        return _missing(f"{rf.estimate.value} needs the serum creatinine (--creatinine VALUE UNIT); or give --crcl")
    if age is None:
        return _missing(f"{rf.estimate.value} needs the age (--birth-date); or give --crcl")
    if patient.sex is None:
        return _missing(f"{rf.estimate.value} needs the patient's sex (--sex); or give --crcl")
    if rf.estimate is RenalEstimate.CKD_EPI_2021:
        return _from(ckd_epi_2021(creatinine_mg_dl=creat.value, age=age, sex=patient.sex), "eGFR", creat)
    weights = {"actual": patient.weight_kg, "ideal": patient.ibw_kg, "adjusted": patient.adjbw_kg}
    kg = weights[rf.weight or "actual"]
    if kg is None:
        return _missing(f"Cockcroft-Gault on {rf.weight} weight needs the ideal body weight (height under 152.4 cm)")
    est = cockcroft_gault(
        age=age, weight_kg=kg, weight_used=rf.weight or "actual", creatinine_mg_dl=creat.value, sex=patient.sex
    )
    return _from(est, "creatinine clearance", creat)


@dataclass(frozen=True)
class RenalStep:
    """The renal step of one dose: the scaled amount after it, its calculation text, and the rule's action."""

    scaled: Fraction
    step: str | None
    action: RuleAction | None


def apply_renal(scaled: Fraction, word: str, policy: SitePolicy, drug: str, renal: RenalValue | None) -> RenalStep:
    """The site's renal rule for ``drug`` on a scaled dose (``word``: its unit): a percent of it, a stop
    (the dose is kept and the plan stops unless overridden), or nothing - each said in the calculation."""
    rule = policy.renal_rule(drug)
    if rule is None:
        return RenalStep(scaled, None, None)
    source = f" [{rule.source}]" if rule.source else ""
    if renal is None or renal.value is None:
        why = renal.missing if renal is not None else "no renal function given"
        detail = f"{drug}: the site's renal rule was not evaluated - {why}; the dose is NOT adjusted for renal function"
        return RenalStep(scaled, detail, RuleAction(rule="renal-not-evaluated", detail=detail))
    band = rule.band_for(renal.value)
    if band is None:
        return RenalStep(scaled, f"site renal rule: {renal.shown} is in no reduction band: full dose", None)
    where = f"{renal.brief} is {band.text()} {renal.unit}"
    if band.stop:
        detail = f"{drug} NOT TO BE GIVEN: {where} (site renal rule{source})"
        return RenalStep(scaled, detail, RuleAction(rule=RENAL_STOP, detail=detail))
    assert band.percent is not None
    reduced = scaled * Fraction(band.percent) / 100
    detail = f"{drug} reduced to {fmt(band.percent)}% of the dose: {where} (site renal rule{source})"
    value = Decimal(reduced.numerator) / Decimal(reduced.denominator)
    rule_text = f"site renal rule: {renal.shown} is {band.text()} {renal.unit}"
    step = f"x {fmt(band.percent)}% ({rule_text}) = {fmt(value, 4)} {word}"
    return RenalStep(reduced, step, RuleAction(rule="renal-reduced", detail=detail))


@dataclass(frozen=True)
class AucDose:
    """An AUC dose by Calvert: the dose in mg (exact), what it was scaled by, and its calculation."""

    exact: Fraction
    basis: str
    scaled_by: str
    step: str


def dose_by_auc(
    auc: Fraction, shown: str, renal: RenalValue | None, patient: Patient, policy: SitePolicy | None, drug: str
) -> AucDose:
    """Calvert: mg = AUC x (GFR + 25), the GFR being the renal function the site names (an eGFR per 1.73 m2 is
    first made the patient's own: x BSA / 1.73), capped at the policy's gfr_cap. No GFR, no dose: InputError."""
    if renal is None or renal.value is None:
        why = (
            renal.missing
            if renal is not None
            else (
                "give a measured --crcl, or --creatinine VALUE UNIT under a site policy that names its renal estimate"
            )
        )
        raise InputError(f"{drug}: a dose by target AUC (Calvert) needs the GFR - {why}", field="crcl")
    gfr, source = renal.value, f"{renal.name}, {renal.method or renal.text}"
    if renal.unit != "mL/min":
        gfr = quantize(renal.value * patient.bsa_m2 / Decimal("1.73"), Decimal("0.1"))
        source += f"; {fmt(renal.value)} {renal.unit} x BSA {fmt(patient.bsa_m2)} m2 / 1.73 = {fmt(gfr)} mL/min"
    cap = policy.renal_function.gfr_cap if policy is not None and policy.renal_function is not None else None
    target = Decimal(auc.numerator) / Decimal(auc.denominator)
    est = calvert(auc=target, gfr_ml_min=gfr, gfr_cap=cap, gfr_source=source)
    capped = " (capped, site policy)" if cap is not None and gfr > cap else ""
    return AucDose(
        exact=Fraction(est.exact_value),
        basis=f"GFR {fmt(min(gfr, cap) if cap is not None else gfr)} mL/min{capped} ({source})",
        scaled_by=f"Calvert (GFR: {renal.name})",
        step=f"Calvert: {est.calculation.rsplit(' = ', 1)[0]} = {fmt(est.exact_value, 4)} mg (target AUC {shown})",
    )


def renal_breaches(events: list[PlannedEvent]) -> list[Breach]:
    """A stop of a site renal rule, per protocol event: the plan stops unless it is overridden with a reason."""
    from schedplan.core.limits import Breach

    found: dict[str, Breach] = {}
    for e in events:
        action = next((a for a in (e.dose.rules if e.dose else []) if a.rule == RENAL_STOP), None)
        if action is None:
            continue
        code = f"{RENAL_STOP}:{e.event_id}"
        if code in found:
            found[code] = found[code].model_copy(update={"keys": (*found[code].keys, e.key)})
        else:
            found[code] = Breach(
                code=code,
                limit=action.detail,
                source="site policy renal rule",
                keys=(e.key,),
                where=f"{e.name} {e.label}",
            )
    return list(found.values())
