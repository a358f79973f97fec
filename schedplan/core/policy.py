"""A site's dosing policy: dosing-weight, renal and age rules, BSA cap, maximum doses, rounding, thresholds.

A unit's rules outlive any protocol, so they live in their own file. No policy means no rule: the
protocol's dose, exactly. Each rule that changes a dose says so, in order, in the dose's calculation.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import Annotated

from pydantic import AfterValidator, Field, field_validator, model_validator

from schedplan.core.model import Model
from schedplan.core.protocol import EventKind, Protocol, Route
from schedplan.core.timeofday import Clock
from schedplan.core.units import Basis, Quantity

_Model = Model  # the one base of schedplan's models (core.model)


# Words that name a route or a dose form, not a drug: "busulfan iv" would escape a busulfan rule.
_NOT_A_DRUG_WORD = frozenset(
    "iv i.v. po p.o. oral orally intravenous intravenously sc s.c. subcutaneous subcut im i.m. intramuscular it i.t."
    " intrathecal inj inj. injection injectable infusion tablet tablets tab tabs capsule capsules cap caps solution"
    " suspension syrup elixir vial vials ampoule".split()
)
_DRUG_NAME = re.compile(r"[a-z0-9]+(?:[- ][a-z0-9]+)*")
_STRENGTH = re.compile(r"\d+(?:\.\d+)?\s*(?:mg|g|mcg|ug|ml|units|iu)\b")


def drug_name_problem(name: str) -> str | None:
    """Why ``name`` is not a drug name as protocols and policies write it, or None.

    A drug name is the lower-case generic name with no route, form or strength: ``busulfan``,
    ``interleukin-2``; not ``Busulfan``, ``busulfan iv``, ``busulfan tablets`` or ``busulfan 2 mg``.
    """
    if name != " ".join(name.split()):  # tabs, line breaks, doubled or outer spaces
        return f"drug name {name!r} has extra spaces; write {' '.join(name.split())!r}"
    if name != name.lower():
        return f"drug name {name!r} is not lower-case; write the generic name as {name.lower()!r}"
    words = [w for w in name.split(" ") if w.lower() in _NOT_A_DRUG_WORD]
    if words:
        rest = " ".join(w for w in name.split(" ") if w.lower() not in _NOT_A_DRUG_WORD)
        return (
            f"drug name {name!r} names a route or form ({', '.join(words)}); write the generic name alone"
            f" ({rest!r}) and give the route in `route`"
        )
    if _STRENGTH.search(name):
        return f"drug name {name!r} has a strength in it; write the generic name alone, the dose goes in `dose`"
    if not _DRUG_NAME.fullmatch(name):
        return f"drug name {name!r} is not a generic name: use lower-case letters, digits, hyphens and single spaces"
    return None


def _drug_name(name: str) -> str:
    """A policy's drug name, trimmed and lower-cased (any case is accepted), then checked."""
    name = " ".join(name.split()).lower()
    problem = drug_name_problem(name)
    if problem is not None:
        raise ValueError(problem)
    return name


DrugNames = Annotated[list[str], AfterValidator(lambda v: [_drug_name(n) for n in v])]


class DosingWeight(StrEnum):
    ACTUAL = "actual"
    IDEAL = "ideal"
    ADJUSTED = "adjusted"
    LESSER_OF_ACTUAL_AND_IDEAL = "lesser_of_actual_and_ideal"


class BelowDevineHeight(StrEnum):
    """What a dosing-weight rule does under 152.4 cm, where Devine defines no ideal body weight."""

    EXTRAPOLATE = "extrapolate"  # Devine's line continued below 60 in (2.3 kg less per inch)
    ACTUAL_WEIGHT = "actual_weight"  # the rule is not evaluated: actual weight, with a warning
    REFUSE = "refuse"  # the plan stops


class DoseBasis(StrEnum):
    PER_KG = "per_kg"
    PER_M2 = "per_m2"


class WeightRule(_Model):
    """Which weight a drug is dosed on, and from what degree of overweight the rule applies."""

    drugs: DrugNames = Field(min_length=1, description="generic names, as in the protocols (any case)")
    weight: DosingWeight
    adjusted_factor: Decimal = Field(
        default=Decimal("0.4"), gt=0, le=1, description="adjusted = IBW + factor x (actual - IBW); 0.25 or 0.4"
    )
    over_percent_ibw: Decimal | None = Field(
        default=None, gt=0, description="apply only when actual weight is over this % of IBW (e.g. 120); absent: always"
    )
    applies_to: list[DoseBasis] = Field(
        default_factory=lambda: [DoseBasis.PER_KG],
        min_length=1,
        description="which doses the rule acts on: per_kg (default) and/or per_m2 (the BSA is then calculated"
        " with the dosing weight). A rule written for mg/kg dosing must not change an mg/m2 dose",
    )
    source: str | None = Field(default=None, description="where the rule comes from")

    def acts_on(self, basis: Basis) -> bool:
        return (basis is Basis.PER_KG and DoseBasis.PER_KG in self.applies_to) or (
            basis is Basis.PER_M2 and DoseBasis.PER_M2 in self.applies_to
        )


class BsaCap(_Model):
    """The largest BSA a per-m2 dose is calculated with."""

    max_m2: Decimal = Field(gt=0, le=5)
    drugs: DrugNames | None = Field(default=None, description="absent: every drug")


class MaxDoseAction(StrEnum):
    """What a site's maximum single dose does to a calculated dose over it."""

    STOP = "stop"  # the plan stops (exit 2) unless overridden with a reason; overridden, the calculated dose stands
    CAP = "cap"  # the dose is the maximum (e.g. tocilizumab capped at 800 mg), with a rule and a warning that say so


class MaxDose(_Model):
    """The largest single dose of a drug, e.g. tocilizumab 800 mg, and whether a dose over it stops or is capped."""

    drug: str
    max: Decimal = Field(gt=0)
    unit: Quantity
    action: MaxDoseAction = Field(
        default=MaxDoseAction.STOP,
        description="stop (default): a dose over the maximum stops the plan unless overridden with a reason;"
        " cap: the dose is capped at the maximum",
    )
    source: str | None = Field(default=None, description="where the maximum comes from (a label, a guideline)")

    @field_validator("drug")
    @classmethod
    def _lower_drug(cls, v: str) -> str:
        return _drug_name(v)


class Rounding(_Model):
    """Round a calculated dose to a step (1 mg, 5 mg, a vial size), unless that changes it too much."""

    drugs: DrugNames | None = Field(default=None, description="absent: every drug given in `unit`")
    unit: Quantity
    to: Decimal = Field(gt=0, description="the step, in `unit`: 1, 5, 10, or a vial size")
    max_change_percent: Decimal = Field(gt=0, le=100, description="past this change, no rounding and a warning")


class Obesity(_Model):
    """When a patient counts as obese for the obesity warning."""

    percent_ibw: Decimal = Field(default=Decimal("120"), gt=100)
    bmi: Decimal = Field(default=Decimal("30"), gt=0)


class RenalEstimate(StrEnum):
    """How a site estimates renal function from creatinine, where no measured clearance is given."""

    COCKCROFT_GAULT = "cockcroft-gault"  # creatinine clearance, mL/min (product labels mostly use it)
    CKD_EPI_2021 = "ckd-epi-2021"  # eGFR, mL/min/1.73 m2 (an --egfr given is used as it is)


class RenalFunction(_Model):
    """The site's choice of renal estimate for its renal rules and AUC (Calvert) doses, and its GFR cap."""

    estimate: RenalEstimate = Field(description="used when no measured clearance (--crcl) is given")
    weight: str | None = Field(
        default=None, description="cockcroft-gault: the weight it uses - actual, ideal or adjusted (adjusted: 0.4)"
    )
    gfr_cap: Decimal | None = Field(
        default=None, gt=0, description="AUC doses: the largest GFR used, mL/min (e.g. 125)"
    )
    children: str | None = Field(
        default=None,
        description="under age.adult_from: 'bedside-schwartz' estimates a child's GFR; absent: a child's renal"
        " rules and AUC doses need a measured clearance",
    )
    change_percent: Decimal | None = Field(
        default=None, gt=0, le=100, description="replan: a change of renal function past this flags its doses"
    )
    source: str | None = None

    @model_validator(mode="after")
    def _weight(self) -> RenalFunction:
        if self.estimate is RenalEstimate.COCKCROFT_GAULT and self.weight not in ("actual", "ideal", "adjusted"):
            raise ValueError(
                "renal_function.weight: cockcroft-gault needs the weight it uses: actual, ideal or adjusted"
            )
        if self.estimate is not RenalEstimate.COCKCROFT_GAULT and self.weight is not None:
            raise ValueError("renal_function.weight belongs to the cockcroft-gault estimate")
        if self.children not in (None, "bedside-schwartz"):
            raise ValueError("renal_function.children: 'bedside-schwartz' or absent")
        return self


class RenalBand(_Model):
    """One band of renal function and what it does to a dose: a percent of it, or a stop."""

    at_least: Decimal | None = Field(default=None, ge=0, description="the band's lower bound (included)")
    below: Decimal = Field(gt=0, description="the band's upper bound (not included)")
    percent: Decimal | None = Field(default=None, gt=0, lt=100, description="the percent of the dose given")
    stop: bool = Field(default=False, description="true: the drug is not given (the plan stops unless overridden)")

    @model_validator(mode="after")
    def _one(self) -> RenalBand:
        if (self.percent is None) == (not self.stop):
            raise ValueError("a renal band gives exactly one of percent (of the dose) or stop: true")
        if self.at_least is not None and not self.at_least < self.below:
            raise ValueError(f"a renal band's at_least {self.at_least} must be under its below {self.below}")
        return self

    def holds(self, value: Decimal) -> bool:
        return value < self.below and (self.at_least is None or value >= self.at_least)

    def text(self) -> str:
        low = f"{self.at_least} to under " if self.at_least is not None else "under "
        return f"{low}{self.below}"


class RenalRule(_Model):
    """A drug's dose by renal function (creatinine clearance or the site's estimate), band by band."""

    drugs: DrugNames = Field(min_length=1)
    bands: list[RenalBand] = Field(min_length=1)
    source: str | None = Field(default=None, description="where the bands come from (a product label, a guideline)")

    @model_validator(mode="after")
    def _apart(self) -> RenalRule:
        ordered = sorted(self.bands, key=lambda b: b.below)
        for lower, upper in zip(ordered, ordered[1:], strict=False):
            if upper.at_least is None or upper.at_least < lower.below:
                raise ValueError(f"renal bands overlap: {lower.text()} and {upper.text()}")
        return self

    def band_for(self, value: Decimal) -> RenalBand | None:
        return next((b for b in self.bands if b.holds(value)), None)


class AgeRule(_Model):
    """Who is a child for dosing, and the weight a child's dose is on where the dosing-weight rules are adults'."""

    adult_from: int = Field(ge=1, le=30, description="age in whole years from which the adult rules apply")
    children_weight: DosingWeight = Field(
        description="under adult_from, the dosing-weight rules are not applied and a per-kg dose is on this weight"
        " (actual: the protocol's own weight)"
    )
    source: str | None = None


class DefaultTimes(_Model):
    """A unit's usual start of each kind of event where a protocol gives none; marked as the site's in every view."""

    drug: Clock | None = None
    cell_product: Clock | None = None
    radiation: Clock | None = None
    procedure: Clock | None = None
    visit: Clock | None = None
    sample: Clock | None = None
    routes: dict[Route, Clock] = Field(
        default_factory=dict, description='drugs and cell products by route, before `drug`: {PO: "09:00"}'
    )
    premedication_lead_minutes: int | None = Field(
        default=None,
        ge=1,
        le=24 * 60,
        description="how long before its drug a premedication timed `relative_to` it without minutes is given",
    )

    def time_for(self, kind: EventKind, routes: list[Route]) -> dt.time | None:
        """The site's time for an event of ``kind`` given by ``routes`` (one route only counts), or None."""
        if kind in (EventKind.DRUG, EventKind.CELL_PRODUCT) and len(routes) == 1 and routes[0] in self.routes:
            return self.routes[routes[0]]
        time: dt.time | None = getattr(self, kind.value, None)
        return time


class ContactPhone(_Model):
    label: str = Field(description="who answers, e.g. 'Day unit (8:00-18:00)' or 'Ward, day and night'")
    number: str


class Contacts(_Model):
    """Who the patient calls: printed on the patient handout's cover (optional)."""

    unit: str | None = Field(default=None, description="the unit's name, e.g. 'Haematology day unit, 3rd floor'")
    phones: list[ContactPhone] = Field(default_factory=list, description="each number with who answers and when")
    when_to_call: list[str] = Field(default_factory=list, description="plain words: 'a temperature of 38 C or more'")


class DoubleCheck(_Model):
    """How double checks are made at the site: signatures with the checker's SSH key (ssh-keygen -Y sign)."""

    require_signature: bool = Field(default=False, description="true: an unsigned check never holds")
    allowed_signers: str | None = Field(
        default=None, description="an ssh-keygen allowed-signers file (relative to the policy file's folder)"
    )


class SitePolicy(_Model):
    name: str
    version: str
    example: bool = Field(default=False, description="true: a shipped example, not a unit's real policy")
    country: str | None = Field(default=None, description="ISO country code for public holidays, e.g. IT, US")
    subdivision: str | None = Field(default=None, description="region for holidays, e.g. NY")
    obesity: Obesity = Field(default_factory=Obesity)
    dosing_weight: list[WeightRule] = Field(default_factory=list)
    below_devine_height: BelowDevineHeight | None = Field(
        default=None,
        description="under 152.4 cm, where a dosing-weight rule acts: extrapolate, actual_weight or refuse;"
        " absent: such a plan stops and asks for it",
    )
    bsa_cap: BsaCap | None = None
    renal_function: RenalFunction | None = Field(default=None, description="the renal estimate the rules use")
    renal: list[RenalRule] = Field(default_factory=list, description="doses by renal function, by drug")
    age: AgeRule | None = Field(default=None, description="paediatric vs adult dosing-weight rules")
    max_dose: list[MaxDose] = Field(default_factory=list)
    rounding: list[Rounding] = Field(default_factory=list)
    weight_change_percent: Decimal | None = Field(
        default=None, gt=0, le=100, description="a weight change past this forces recalculation"
    )
    measurement_max_age_days: int | None = Field(default=None, ge=0, description="older measurements are a warning")
    measured_bsa_max_difference_percent: Decimal = Field(
        default=Decimal("10"),
        gt=0,
        le=100,
        description="a measured BSA further than this from the formula's stops the plan unless overridden",
    )
    check_tolerance_percent: Decimal = Field(
        default=Decimal("0"), ge=0, le=50, description="how far a double-checker's dose may be from ours"
    )
    double_check: DoubleCheck = Field(default_factory=DoubleCheck, description="signatures of double checks")
    notes: list[str] = Field(default_factory=list)
    default_times: DefaultTimes | None = Field(
        default=None, description="usual start times by kind and route, and the premedication lead time"
    )
    contacts: Contacts | None = Field(default=None, description="the unit's contacts for the patient handout")

    @field_validator("version", mode="before")
    @classmethod
    def _version(cls, v: object) -> object:
        return str(v) if isinstance(v, int | Decimal) else v

    @model_validator(mode="after")
    def _one_rule_each(self) -> SitePolicy:
        seen: dict[str, int] = {}
        for i, rule in enumerate(self.dosing_weight):
            for d in rule.drugs:
                if d in seen:
                    raise ValueError(f"{d} has two dosing-weight rules (rules {seen[d] + 1} and {i + 1}); keep one")
                seen[d] = i
        renal_seen: set[str] = set()
        for renal_rule in self.renal:
            for d in renal_rule.drugs:
                if d in renal_seen:
                    raise ValueError(f"{d} has two renal rules; keep one")
                renal_seen.add(d)
        maxima = [m.drug for m in self.max_dose]
        twice = sorted({d for d in maxima if maxima.count(d) > 1})
        if twice:
            raise ValueError(f"{twice[0]} has two max_dose entries; keep one")
        return self

    def renal_rule(self, drug: str) -> RenalRule | None:
        return next((r for r in self.renal if drug.lower() in r.drugs), None)

    def weight_rule(self, drug: str) -> WeightRule | None:
        return next((r for r in self.dosing_weight if drug.lower() in r.drugs), None)

    def bsa_cap_for(self, drug: str) -> Decimal | None:
        cap = self.bsa_cap
        if cap is None or (cap.drugs is not None and drug.lower() not in cap.drugs):
            return None
        return cap.max_m2

    def max_dose_for(self, drug: str, unit: Quantity) -> Decimal | None:
        """The maximum single dose of ``drug`` in ``unit`` (converted: 0.8 g is 800 mg), or None."""
        found = self.max_dose_rule(drug, unit)
        return found[1] if found is not None else None

    def max_dose_rule(self, drug: str, unit: Quantity) -> tuple[MaxDose, Decimal] | None:
        """The maximum-dose rule for ``drug`` and its maximum in ``unit`` (converted), or None."""
        for m in self.max_dose:
            if m.drug == drug.lower():
                converted = convert(m.max, m.unit, unit)
                if converted is not None:
                    return m, converted
        return None

    def max_dose_source(self, rule: MaxDose) -> str:
        """Where a maximum comes from, as a stop and an override name it: this policy, its version, the rule."""
        text = f"site policy {self.name!r} version {self.version}, max_dose (action: {rule.action.value})"
        return text + (f": {rule.source}" if rule.source else "")

    def rounding_for(self, drug: str, unit: Quantity) -> tuple[Decimal, Decimal] | None:
        """(step in ``unit``, largest change %) of the rounding rule for ``drug``: a rule naming it first,
        then one for every drug; a step in another mass unit is converted (5 mg is 0.005 g)."""
        named = [r for r in self.rounding if r.drugs and drug.lower() in r.drugs]
        general = [r for r in self.rounding if r.drugs is None]
        for r in named + general:
            step = convert(r.to, r.unit, unit)
            if step is not None:
                return step, r.max_change_percent
        return None


_MASS_IN_MG = {Quantity.MCG: Decimal("0.001"), Quantity.MG: Decimal(1), Quantity.G: Decimal(1000)}


def convert(value: Decimal, from_unit: Quantity, to_unit: Quantity) -> Decimal | None:
    """``value`` in ``from_unit`` expressed in ``to_unit``; None when they measure different things."""
    if from_unit is to_unit:
        return value
    if from_unit in _MASS_IN_MG and to_unit in _MASS_IN_MG:
        return value * _MASS_IN_MG[from_unit] / _MASS_IN_MG[to_unit]
    return None


@dataclass(frozen=True)
class PolicyCoverage:
    """Which of a policy's drugs the protocols give, and which protocol drugs no rule names."""

    unmatched_policy_drugs: tuple[str, ...]  # named in a rule, given by none of the protocols
    uncovered_protocol_drugs: tuple[tuple[str, str], ...]  # (protocol id, drug) named by no rule

    @property
    def complete(self) -> bool:
        return not self.unmatched_policy_drugs and not self.uncovered_protocol_drugs


def policy_drugs(policy: SitePolicy) -> set[str]:
    """Every drug a rule of ``policy`` names (dosing weight, BSA cap, maximum dose, rounding)."""
    names = {d for r in policy.dosing_weight for d in r.drugs} | {m.drug for m in policy.max_dose}
    names |= {d for r in policy.rounding for d in (r.drugs or [])}
    names |= {d for r in policy.renal for d in r.drugs}
    if policy.bsa_cap is not None and policy.bsa_cap.drugs is not None:
        names |= set(policy.bsa_cap.drugs)
    return names


def policy_coverage(policy: SitePolicy, protocols: list[Protocol]) -> PolicyCoverage:
    """Policy drugs that match no drug event of ``protocols``, and protocol drugs that no rule names.

    Names match exactly, as the rules do: "busulfan iv" in a protocol is not covered by a busulfan rule
    (and `drug_name_problem` refuses it). A rule for every drug (a rounding or BSA cap without `drugs`)
    still acts on a drug listed here as named by no rule.
    """
    named = policy_drugs(policy)
    given: dict[str, list[str]] = {}
    for protocol in protocols:
        for ev in protocol.events:
            if ev.kind is EventKind.DRUG:
                ids = given.setdefault(ev.name, [])
                if protocol.id not in ids:
                    ids.append(protocol.id)
    return PolicyCoverage(
        unmatched_policy_drugs=tuple(sorted(named - set(given))),
        uncovered_protocol_drugs=tuple(sorted((pid, n) for n, ids in given.items() if n not in named for pid in ids)),
    )
