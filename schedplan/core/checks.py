"""Independent double check: the doses a checker must work out, how answers are read and compared, the record."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from decimal import Decimal
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from schedplan.core.model import Model
from schedplan.core.plan_inputs import PlanInputs
from schedplan.core.policy import MaxDoseAction, RenalRule, SitePolicy
from schedplan.core.schedule import Plan
from schedplan.core.units import Basis, Quantity, fmt, parse_decimal, quantity_of, quantize
from schedplan.errors import InputError

# Without a tolerance in the site policy: correct independent arithmetic differs from ours only in the
# last places (e.g. 46.12 mg from a BSA rounded to 1.85 m2 against 46.13 mg from the unrounded 1.8447 m2,
# 0.02 %), while a wrong basis or a slipped decimal is 10 % or more. 0.1 % separates the two.
DEFAULT_TOLERANCE_PERCENT = Decimal("0.1")


class DoseToCheck(BaseModel):
    """One dose a checker works out: the same event, at the same dose, on one or more days."""

    model_config = ConfigDict(frozen=True, defer_build=True)
    id: str = Field(description="stable within a plan: the event id and the first day's key")
    name: str
    days: list[str] = Field(description="day labels, e.g. ['Day -14', 'Day -13']")
    prescribed: str
    per_administration: str
    share: str | None = Field(default=None, description="this day's part of a course, e.g. '2/3 of the course'")
    basis_kind: str = Field(
        description="what to scale by, without our number: 'BSA (Mosteller)', 'actual weight', 'flat'"
    )
    unit: Quantity
    policy_rules: list[str] = Field(default_factory=list, description="the site rules for this drug, not their result")
    value: Decimal = Field(description="ours: shown only after the checker's answer")
    route: str | None = Field(default=None, description="as the plan gives it; the checker confirms it")
    modification: str | None = Field(
        default=None, description="a dose modification recorded as an amendment: part of the order, like prescribed"
    )
    keys: tuple[str, ...] = Field(default=(), description="the event keys of the administrations this dose covers")

    @property
    def unit_word(self) -> str:
        """The unit as a person writes it (``units``, never ``IU``)."""
        return self.unit.word


class CheckResult(BaseModel):
    model_config = ConfigDict(frozen=True, defer_build=True)
    dose: DoseToCheck
    entered: Decimal
    difference_percent: Decimal
    match: bool
    confirmed: bool | None = Field(
        default=None, description="the checker confirmed the arm / dose level, days and route (None: not asked)"
    )

    @property
    def digit_for_digit(self) -> bool:
        """The answer is the plan file's number exactly as it is stored (what copying it would give)."""
        return str(self.entered) == _stored_text(self.dose.value)

    @property
    def holds(self) -> bool:
        """The number is within tolerance and the arm, days and route were confirmed (where asked)."""
        return self.match and self.confirmed is not False

    def verdict(self, tolerance_percent: Decimal) -> str:
        """'match', 'match within 0.1 % (difference -0.02 %)', or 'MISMATCH (+50.00%)'."""
        if not self.match:
            return f"MISMATCH ({self.difference_percent:+}%)"
        if self.entered == self.dose.value:
            return "match"
        return f"match within {fmt(tolerance_percent)} % (difference {fmt(self.difference_percent, 2)} %)"


class CheckedDose(Model):
    """One dose of a recorded double check: the checker's number against ours."""

    id: str
    name: str
    entered: Decimal
    ours: Decimal
    unit: str
    match: bool
    confirmed: bool | None = Field(default=None, description="arm / dose level, days and route (None: older record)")

    def to_data(self) -> dict[str, Any]:
        data = self.model_dump(exclude={"confirmed"})
        return data if self.confirmed is None else {**data, "confirmed": self.confirmed}


class AnswersFile(Model):
    """Where the answers of a check came from when they were not typed: the file and its content's hash."""

    name: str
    sha256: str


# the fields records made before the chain do not have: written only when set, so older files stay as they were
_LATER = (
    "os_user",
    "answers_file",
    "possibly_copied",
    "signature_key",
    "plan_sha256",
    "previous_sha256",
    "sealed_sha256",
    "signature",
    "amendments",
    "amendments_sha256",
)


class CheckRecord(Model):
    """One independent double check, as a plan file's append-only ``checks`` list keeps it."""

    checker: str = Field(min_length=1)
    at: str = Field(description="when, UTC: YYYY-MM-DDTHH:MM:SSZ")
    result: Literal["pass", "fail"]
    summary: str
    tolerance_percent: Decimal
    doses: tuple[CheckedDose, ...]
    protocol_sha256: str | None
    policy_sha256: str | None
    inputs_sha256: str
    os_user: str | None = Field(default=None, description="the operating-system user who ran the check")
    answers_file: AnswersFile | None = Field(default=None, description="None: the answers were typed")
    possibly_copied: bool | None = Field(
        default=None, description="every answer equals the plan file's value digit for digit"
    )
    signature_key: str | None = Field(default=None, description="the public key that signed the record")
    plan_sha256: str | None = Field(default=None, description="of the plan content checked (core.check_chain)")
    previous_sha256: str | None = Field(default=None, description="the seal of the record before (None: the first)")
    sealed_sha256: str | None = Field(default=None, description="of this record's content (None: before the chain)")
    signature: str | None = Field(default=None, description="an ssh-keygen -Y sign signature of the seal")
    amendments: int | None = Field(
        default=None, description="how many amendments the plan file held: the course checked (None: before them)"
    )
    amendments_sha256: str | None = Field(default=None, description="of those amendments (core.check_course)")

    def to_data(self) -> dict[str, Any]:
        """The record as JSON data (decimals as Decimal), keys in the order plan files keep them."""
        data = self.model_dump(exclude=set(_LATER))
        data["doses"] = [d.to_data() for d in self.doses]
        for key in _LATER:
            value = getattr(self, key)
            if value is not None:
                data[key] = value.model_dump() if isinstance(value, BaseModel) else value
        return data


def policy_rules(policy: SitePolicy | None, drug: str, unit: str, basis: Basis | None = None) -> list[str]:
    """The site rules a checker must apply to ``drug`` (maximum dose, rounding), as text without results."""
    if policy is None:
        return []
    out = []
    rule = policy.weight_rule(drug)
    if rule is not None and basis is not None and not rule.acts_on(basis):
        rule = None
    if rule is not None:
        weight = rule.weight.value.replace("_", " ") + (
            f" ({fmt(rule.adjusted_factor)} x the excess)" if rule.weight.value == "adjusted" else ""
        )
        when = f" when actual weight is over {fmt(rule.over_percent_ibw)}% of IBW" if rule.over_percent_ibw else ""
        out.append(f"dosing weight: {weight}{when}")
    cap = policy.bsa_cap_for(drug)
    if cap is not None:
        out.append(f"BSA capped at {fmt(cap)} m2")
    renal = policy.renal_rule(drug)
    if renal is not None:
        out.append(renal_rule_text(policy, renal))
    q = Quantity(unit) if unit in {x.value for x in Quantity} else None
    maximum = policy.max_dose_rule(drug, q) if q else None
    if maximum is not None and q is not None:
        most = f"{fmt(maximum[1])} {q.word}"
        if maximum[0].action is MaxDoseAction.CAP:
            out.append(f"maximum single dose {most}: a dose over it is capped at {most}")
        else:
            out.append(
                f"maximum single dose {most}: a dose over it is NOT capped - it stops the plan unless the limit is"
                " overridden with a reason, and an overridden dose is given as calculated"
            )
    rounding = policy.rounding_for(drug, q) if q else None
    if rounding is not None and q is not None:
        to, limit = rounding
        out.append(
            f"round to the nearest {fmt(to)} {q.word} (never from at or under a maximum to over it) unless that"
            f" changes the dose by more than {fmt(limit)}%"
        )
    return out


def renal_rule_text(policy: SitePolicy, rule: RenalRule) -> str:
    """The site's renal rule as the checker applies it, without its result: the estimate, then each band."""
    how = policy.renal_function
    if how is None:
        estimate = "a measured creatinine clearance"
    elif how.weight is not None:
        estimate = f"{how.estimate.value} (a measured clearance if given; else with the {how.weight} weight)"
    else:
        estimate = f"{how.estimate.value} (a measured clearance if given)"
    unit = "mL/min/1.73 m2" if how is not None and how.estimate.value == "ckd-epi-2021" else "mL/min"
    ordered = sorted(rule.bands, key=lambda b: b.below)
    bands = "; ".join(
        f"{b.text()}: {'not given (stop)' if b.stop else f'{fmt(b.percent)} %' if b.percent is not None else ''}"
        for b in ordered
    )
    source = f" ({rule.source})" if rule.source else ""
    return (
        f"renal function by {estimate}, on each dose date (the age that day), in {unit}: {bands};"
        f" {fmt(ordered[-1].below)} or more: 100 %{source}"
    )


def _basis(per_administration_unit: str) -> Basis:
    if per_administration_unit.endswith("/m2"):
        return Basis.PER_M2
    return Basis.PER_KG if per_administration_unit.endswith("/kg") else Basis.FLAT


def neutral_basis(scaled_by: str, basis: Basis) -> str:
    """What a dose is scaled by, without the program's own decision (which weight a site rule gave, a cap
    that acted): the checker derives the dosing weight and the BSA from the inputs and the rules."""
    if basis is Basis.PER_M2:
        if scaled_by.startswith("measured BSA"):
            return "the measured BSA"
        formula = scaled_by.split(" with the ")[0].split(", capped")[0]  # 'BSA by Mosteller'
        return f"{formula} - work out the BSA (and the weight it uses) from the inputs and the site rules"
    if basis is Basis.PER_KG:
        if "site policy" in scaled_by:
            return "the dosing weight - work it out from the inputs and the site rules"
        return f"{scaled_by.split(' (')[0]} (the protocol's dosing weight) - work it out from the inputs"
    return "flat dose"


def modification_text(modification: dict[str, Any] | None) -> str | None:
    """A dose modification as the checker reads it with the order: 'x 80 % (amendment 2: grade 3 neutropenia)'."""
    if not modification:
        return None
    why = f"amendment {modification['amendment']}: {modification['reason']}"
    if modification.get("percent") is not None:
        return f"x {fmt(modification['percent'])} % ({why})"
    if modification.get("dose_level") is not None:
        return f"dose level {modification['dose_level']} ({why})"
    dose = modification.get("dose") or {}
    value = dose.get("value")
    amount = fmt(value) if isinstance(value, Decimal) else str(value)
    return f"set by hand to {amount} {dose.get('unit')} ({why})"


def doses_to_check(plan: Plan, policy: SitePolicy | None = None) -> list[DoseToCheck]:
    """Each distinct dose of the plan once, in plan order, with what it is calculated from. On a course with
    amendments (core.amendments.AmendedEvent) the doses as they stand: a held administration is not given,
    so not checked; a modified one is its own dose, with the modification as part of its order."""
    groups: dict[tuple[Any, ...], dict[str, Any]] = {}
    for e in plan.events:
        if e.dose is None or getattr(e, "status", "planned") == "held":
            continue
        d = e.dose
        modification = modification_text(getattr(e, "modification", None))
        key = (e.event_id, d.value, d.unit, d.per_administration, modification)
        if key not in groups:
            basis = _basis(d.per_administration_unit)
            groups[key] = {
                "id": f"{e.event_id}@{e.key}",
                "name": e.name,
                "days": [],
                "keys": [],
                "prescribed": d.prescribed,
                "per_administration": d.per_administration,
                "basis_kind": neutral_basis(d.scaled_by, basis),
                "unit": d.unit,
                "policy_rules": policy_rules(policy, e.name, d.unit, basis),
                "share": d.share,
                "value": d.value,
                "route": e.route,
                "modification": modification,
            }
        groups[key]["days"].append(e.label)
        groups[key]["keys"].append(e.key)
    return [DoseToCheck(**g) for g in groups.values()]


def tolerance_for(policy: SitePolicy | None) -> tuple[Decimal, str]:
    """The tolerance of a double check and where it comes from: the site policy's when it states one,
    else DEFAULT_TOLERANCE_PERCENT."""
    if policy is not None and "check_tolerance_percent" in policy.model_fields_set:
        return policy.check_tolerance_percent, "site policy"
    return DEFAULT_TOLERANCE_PERCENT, "default" if policy is None else "default; the site policy states none"


def compare(
    dose: DoseToCheck, entered: Decimal, tolerance_percent: Decimal, confirmed: bool | None = None
) -> CheckResult:
    """The checker's number against ours: a match when within ``tolerance_percent`` of ours.

    With a tolerance of 0, the checker's number is first reported to the same precision as ours
    (so 73.80 matches 73.8, and 73.84 does not).
    """
    ours = dose.value
    if not entered.is_finite() or abs(entered) > abs(ours) * 1000 + 1:
        # far off (or a typo of a thousand times): a mismatch, without arithmetic that could overflow
        return CheckResult(
            dose=dose, entered=entered, difference_percent=Decimal("99999.99"), match=False, confirmed=confirmed
        )
    if tolerance_percent == 0:
        exponent = ours.as_tuple().exponent
        step = Decimal(1).scaleb(min(exponent, 0) if isinstance(exponent, int) else 0)
        match = quantize(entered, step) == ours
    else:
        match = abs(entered - ours) <= abs(ours) * tolerance_percent / 100
    diff = Decimal(0) if ours == 0 else quantize((entered - ours) / ours * 100, Decimal("0.01"))
    return CheckResult(dose=dose, entered=entered, difference_percent=diff, match=match, confirmed=confirmed)


def _stored_text(value: Decimal) -> str:
    """A number as a plan file stores it (core.jsontext.number_text)."""
    return f"{value.normalize():f}"


_TIMES_TEN = re.compile(r"^(?P<num>[^x×*]+?)\s*(?:x|×|\*)\s*10\s*\^\s*(?P<exp>[+-]?\d{1,2})$", re.IGNORECASE)
_THOUSANDS = re.compile(r"^[+-]?\d{1,3}(?:,\d{3}){2,}(?:\.\d+)?$")
_UNIT_WORDS = {
    Quantity.MG: ("mg",),
    Quantity.G: ("g",),
    Quantity.MCG: ("mcg",),
    Quantity.IU: ("units", "unit", "iu"),
    Quantity.CELLS: ("cells", "cell"),
    Quantity.GY: ("gy",),
}


def parse_answer(text: str, unit: Quantity | str) -> Decimal:
    """A dose as a checker writes it, in ``unit``: a plain number (``46.13``, ``826666667``, ``826,666,667``)
    or the forms the program prints (``3.69 g``, ``826.7 x 10^6 cells``, ``10 x 10^6 units``).
    InputError (one line) when it is not a dose in ``unit``."""
    q = quantity_of(unit)
    word = q.word if q is not None else unit
    examples = {Quantity.CELLS: "826.7 x 10^6 cells", Quantity.IU: "10 x 10^6 units"}
    example = examples.get(q, f"46.13 {word}") if q is not None else f"46.13 {word}"
    raw = " ".join(str(text).split())
    body = raw
    if q is not None:
        words = _UNIT_WORDS[q]
        found = re.search(r"\s*([A-Za-zµ]+)$", body)
        if found is not None:
            typed = found.group(1).lower()
            if typed not in words:
                raise InputError(
                    f"dose {raw!r}: the unit asked is {word}; write the dose in {word}, e.g. {example}",
                    field="dose",
                    value=raw,
                )
            body = body[: found.start()].strip()
    scale = 0
    m = _TIMES_TEN.match(body)
    if m is not None:
        body, scale = m.group("num").strip(), int(m.group("exp"))
    if _THOUSANDS.match(body):
        body = body.replace(",", "")
    return parse_decimal(body, "dose").scaleb(scale)  # a decimal comma; an ambiguous "1,040" refused


def inputs_sha256(inputs: PlanInputs) -> str:
    """A hash of everything the user typed for the plan (measurements, choices, dates, site)."""
    i = inputs
    data = {
        "weight": i.weight,
        "height": i.height,
        "sex": i.sex,
        "bsa_formula": i.bsa_formula,
        "bsa": i.bsa,
        "anchor_date": i.anchor_date,
        "choices": dict(sorted(i.choices.items())),
        "site": i.site,
        "measured_on": i.measured_on,
        **i.factor_data(),  # only those given, so the hash of a plan without them is unchanged
    }
    return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()


def check_record(
    checker: str,
    results: list[CheckResult],
    *,
    tolerance_percent: Decimal,
    protocol_sha256: str | None,
    policy_sha256: str | None,
    inputs_sha256: str,
    at: dt.datetime,
    os_user: str | None = None,
    answers_file: AnswersFile | None = None,
) -> CheckRecord:
    """The record of one double check, as a plan file's append-only ``checks`` list keeps it (its place in
    the chain - plan_sha256, previous_sha256, sealed_sha256 - is set when it is appended: core.check_chain)."""
    ok = all(r.holds for r in results)
    return CheckRecord(
        checker=checker,
        at=at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        result="pass" if ok else "fail",
        summary=summary(results),
        tolerance_percent=tolerance_percent,
        doses=tuple(
            CheckedDose(
                id=r.dose.id,
                name=r.dose.name,
                entered=r.entered,
                ours=r.dose.value,
                unit=r.dose.unit,
                match=r.match,
                confirmed=r.confirmed,
            )
            for r in results
        ),
        protocol_sha256=protocol_sha256,
        policy_sha256=policy_sha256,
        inputs_sha256=inputs_sha256,
        os_user=os_user,
        answers_file=answers_file,
        possibly_copied=bool(results) and all(r.digit_for_digit for r in results),
    )


def invalid_reasons(
    record: CheckRecord, *, protocol_sha256: str | None, policy_sha256: str | None, inputs_sha256: str
) -> list[str]:
    """Why a recorded double check no longer holds for the plan as it is now (empty: it still holds)."""
    out = []
    if record.protocol_sha256 != protocol_sha256:
        out.append("the protocol file changed")
    if record.policy_sha256 != policy_sha256:
        both = record.policy_sha256 and policy_sha256
        out.append("the site policy changed" if both else "the site policy is not the same one")
    if record.inputs_sha256 != inputs_sha256:
        out.append("the patient's inputs or the choices changed")
    return out


def summary(results: list[CheckResult]) -> str:
    bad = [r for r in results if not r.match]
    unconfirmed = [r for r in results if r.confirmed is False]
    if not bad and not unconfirmed:
        return f"all {len(results)} doses match"
    parts = []
    if bad:
        parts.append(
            f"{len(bad)} of {len(results)} doses do not match: "
            + ", ".join(f"{r.dose.name} ({fmt(r.entered)} vs {fmt(r.dose.value)} {r.dose.unit_word})" for r in bad)
        )
    if unconfirmed:
        parts.append(
            f"arm / dose level, days or route not confirmed for {len(unconfirmed)} of {len(results)} doses: "
            + ", ".join(r.dose.name for r in unconfirmed)
        )
    return "; ".join(parts)
