"""Hard stops: doses outside a protocol's limits or over a site policy's maximum (action: stop), and a measured BSA
far from the formula's, each stopping a plan unless the user overrides it by its code with a reason, which the plan
then records with the dose."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import TYPE_CHECKING

from pydantic import BaseModel, ConfigDict, Field

from schedplan.core.dosing_maximum import MAX_DOSE_EXCEEDED
from schedplan.core.patient import Patient, bsa_formula_value
from schedplan.core.protocol import DoseLimit, Protocol
from schedplan.core.safety import PlanWarning
from schedplan.core.units import Basis, dose_display, fmt
from schedplan.errors import InputError

if TYPE_CHECKING:  # core.policy: a plan without a site policy never loads it (start-up, issue 8)
    from schedplan.core.dosing import CalculatedDose
    from schedplan.core.policy import SitePolicy
    from schedplan.core.schedule import PlannedEvent

MEASURED_BSA_LIMIT_PERCENT = Decimal("10")  # without a site policy: how far a measured BSA may be from the formula's
MEASURED_BSA_CODE = "measured-bsa"
WEIGHT_HEIGHT_CODE = "weight-height"
# A plausibility bound, not a clinical rule: a body-mass index outside it is almost always a weight or height typed
# wrong (6.2 kg for 62 kg, 35 cm for 135 cm) - the extremes seen in practice (severe anorexia, newborns, extreme
# obesity) lie inside it. Outside it the plan stops until the person confirms the numbers with a reason.
BMI_PLAUSIBLE = (Decimal(10), Decimal(80))


def dose_limit_code(event_id: str) -> str:
    """The override code of the limits of one protocol event: ``dose-limit:tocilizumab``."""
    return f"dose-limit:{event_id}"


def max_dose_code(event_id: str) -> str:
    """The override code of a site policy's maximum single dose for one protocol event: ``max-dose:tocilizumab``."""
    return f"max-dose:{event_id}"


_EVENT_CODES = ("dose-limit:", "max-dose:")  # codes whose override warning names the protocol event after the colon


class Override(BaseModel):
    """A limit the user chose to pass, and why: recorded with every dose it concerns."""

    model_config = ConfigDict(frozen=True, defer_build=True)
    code: str = Field(description="what was overridden: dose-limit:EVENT_ID or measured-bsa")
    limit: str = Field(description="the limit and how far past it, e.g. '1,500 mg is over the maximum 1,000 mg'")
    source: str = Field(description="where the limit comes from")
    reason: str = Field(description="the user's reason, as typed")


class Breach(BaseModel):
    """One limit a plan is outside of."""

    model_config = ConfigDict(frozen=True, defer_build=True)
    code: str
    limit: str
    source: str
    keys: tuple[str, ...] = Field(description="the planned events (keys) whose dose it concerns")
    where: str = Field(description="what and when, e.g. 'abatacept Day -1'")
    file: str | None = Field(default=None, description="the file the limit is read from, for the stop line only")

    def message(self) -> str:
        source = self.source + (f"; file {self.file}" if self.file else "")
        return (
            f"{self.where}: {self.limit} ({source}); to give it anyway, --override {self.code}"
            " --reason 'WHY' (recorded with the dose)"
        )


def _compare(
    amount: Decimal, lim: DoseLimit, dose: CalculatedDose, patient: Patient
) -> tuple[Decimal, Decimal, str, str] | None:
    """(the dose, the bound, the dose as text, the bound as text) in one unit; None if not comparable."""
    u = lim.unit
    if dose.per_administration_unit == u.display:
        # the unit of the prescription (e.g. mg/m2): compare the prescribed amounts, exactly
        a = dose.per_administration_amount
        return a, amount, f"{fmt(a)} {u.display}", f"{fmt(amount)} {u.display}"
    plain = amount * u.scale
    if u.basis is Basis.PER_KG:
        plain, how = plain * patient.weight_kg, f"{fmt(amount)} {u.display} x {fmt(patient.weight_kg)} kg = "
    elif u.basis is Basis.PER_M2:
        plain, how = plain * patient.bsa_m2, f"{fmt(amount)} {u.display} x {fmt(patient.bsa_m2)} m2 = "
    else:
        how = ""
    given = dose.unit
    if u.quantity is given:
        converted: Decimal | None = plain
    else:
        from schedplan.core.policy import convert  # loaded only when a conversion is needed (start-up)

        converted = convert(plain, u.quantity, given)
    if converted is None:
        return None
    return dose.value, converted, dose_display(dose.value, dose.unit), how + dose_display(converted, dose.unit)


def _broken(limits: list[DoseLimit], dose: CalculatedDose, patient: Patient) -> tuple[str, str] | None:
    """(what is broken, its source) for the first limit ``dose`` is outside of, or None."""
    for lim in limits:
        for amount, over in ((lim.max, True), (lim.min, False)):
            if amount is None:
                continue
            compared = _compare(amount, lim, dose, patient)
            if compared is None:
                continue
            value, bound, value_text, bound_text = compared
            if (value > bound) if over else (value < bound):
                word = "over the maximum" if over else "under the plausible minimum"
                return f"{value_text} is {word} of {bound_text} per dose", lim.source
    return None


def _dose_breaches(protocol: Protocol, events: Iterable[PlannedEvent], patient: Patient) -> list[Breach]:
    found: dict[str, Breach] = {}
    for e in events:
        ev = protocol.event(e.event_id)
        if ev is None or e.dose is None or not ev.limits:
            continue
        broken = _broken(ev.limits, e.dose, patient)
        if broken is None:
            continue
        code = dose_limit_code(ev.id)
        if code in found:
            found[code] = found[code].model_copy(update={"keys": (*found[code].keys, e.key)})
        else:
            found[code] = Breach(
                code=code, limit=broken[0], source=broken[1], keys=(e.key,), where=f"{e.name} {e.label}"
            )
    return list(found.values())


def _bmi_breach(events: list[PlannedEvent], patient: Patient) -> Breach | None:
    """Weight and height that do not fit each other (a decimal slip): every weight- or BSA-based dose stops."""
    scaled = [e.key for e in events if e.dose is not None and e.dose.per_administration_unit.endswith(("/kg", "/m2"))]
    metres = patient.height_cm / 100
    bmi = patient.weight_kg / (metres * metres)  # unrounded: the bound is compared exactly
    low, high = BMI_PLAUSIBLE
    if not scaled or low <= bmi <= high:
        return None
    return Breach(
        code=WEIGHT_HEIGHT_CODE,
        limit=f"weight {fmt(patient.weight_kg)} kg and height {fmt(patient.height_cm)} cm give a body-mass index of"
        f" {fmt(bmi, 1)} kg/m2, outside {fmt(low)} to {fmt(high)} - one of them is probably mistyped",
        source=f"plausibility bound of schedplan (BMI {fmt(low)} to {fmt(high)} kg/m2), not a clinical rule",
        keys=tuple(scaled),
        where="weight and height",
    )


def _bsa_breach(
    protocol: Protocol, events: list[PlannedEvent], patient: Patient, policy: SitePolicy | None
) -> Breach | None:
    measured = patient.measured_bsa_m2
    per_m2 = [e.key for e in events if e.dose is not None and e.dose.per_administration_unit.endswith("/m2")]
    if measured is None or not per_m2:
        return None
    limit = policy.measured_bsa_max_difference_percent if policy is not None else MEASURED_BSA_LIMIT_PERCENT
    formula = bsa_formula_value(patient.bsa_formula, patient.weight_kg, patient.height_cm)  # unrounded
    diff = (measured - formula) / formula * 100
    if abs(diff) <= limit:
        return None
    where = "site policy" if policy is not None else "schedplan's default; a site policy may set another"
    return Breach(
        code=MEASURED_BSA_CODE,
        limit=f"the measured BSA {fmt(measured)} m2 is {fmt(abs(diff), 1)}% {'above' if diff > 0 else 'below'} the"
        f" {patient.bsa_formula.label} BSA for {fmt(patient.weight_kg)} kg and {fmt(patient.height_cm)} cm"
        f" ({fmt(formula, 3)} m2), more than {fmt(limit)}% - check the measurement, weight and height",
        source=f"measured-BSA limit {fmt(limit)}% ({where})",
        keys=tuple(per_m2),
        where="measured BSA",
    )


def max_dose_breach(e: PlannedEvent, policy: SitePolicy, policy_file: str | None = None) -> Breach | None:
    """The site maximum (action: stop) ``e``'s dose is over, as a breach of code ``max-dose:EVENT_ID``; else None."""
    d = e.dose
    if d is None or not any(a.rule == MAX_DOSE_EXCEEDED for a in d.rules):
        return None
    q = d.unit
    found = policy.max_dose_rule(e.name, q)
    if found is None:
        return None
    rule, most = found
    return Breach(
        code=max_dose_code(e.event_id),
        limit=f"{fmt(d.value)} {q.word} is over the maximum single dose of {e.name}, {fmt(most)} {q.word}",
        source=policy.max_dose_source(rule),
        keys=(e.key,),
        where=f"{e.name} {e.label}",
        file=policy_file,
    )


def max_dose_breaches(
    events: Iterable[PlannedEvent], policy: SitePolicy | None, policy_file: str | None = None
) -> list[Breach]:
    """The doses over a site maximum whose action is stop, one breach per protocol event (its first dose named)."""
    if policy is None:
        return []
    found: dict[str, Breach] = {}
    for e in events:
        b = max_dose_breach(e, policy, policy_file)
        if b is None:
            continue
        if b.code in found:
            found[b.code] = found[b.code].model_copy(update={"keys": (*found[b.code].keys, e.key)})
        else:
            found[b.code] = b
    return list(found.values())


def limit_breaches(
    protocol: Protocol,
    events: list[PlannedEvent],
    patient: Patient,
    policy: SitePolicy | None,
    policy_file: str | None = None,
) -> list[Breach]:
    """Every limit the planned ``events`` are outside of: the measured BSA first, then each event's dose limits
    (the protocol's), then the site policy's maximum doses whose action is stop (``policy_file``: named in the
    stop line)."""
    bsa = _bsa_breach(protocol, events, patient, policy)
    bmi = _bmi_breach(events, patient)
    return (
        ([bmi] if bmi else [])
        + ([bsa] if bsa else [])
        + _dose_breaches(protocol, events, patient)
        + max_dose_breaches(events, policy, policy_file)
    )


def apply_overrides(
    events: list[PlannedEvent], breaches: list[Breach], overrides: Mapping[str, str]
) -> tuple[list[PlannedEvent], list[PlanWarning]]:
    """The events with each overridden breach recorded on its doses, and the warnings that say so.

    Raises InputError (one line: the limit, its source and how to override) for a breach not overridden.
    """
    open_ = [b for b in breaches if b.code not in overrides]
    if open_:
        more = f" [and {len(open_) - 1} more: {', '.join(b.code for b in open_[1:])}]" if len(open_) > 1 else ""
        raise InputError(f"stopped: {open_[0].message()}{more}", field="override", value=open_[0].code)
    records: dict[str, list[Override]] = {}
    warnings: list[PlanWarning] = []
    for b in breaches:
        reason = overrides[b.code]
        o = Override(code=b.code, limit=b.limit, source=b.source, reason=reason)
        for key in b.keys:
            records.setdefault(key, []).append(o)
        warnings.append(
            PlanWarning(
                code="override",
                message=f"OVERRIDDEN {b.code} - {b.where}: {b.limit} ({b.source}); reason: {reason}",
                event_id=b.code.split(":", 1)[1] if b.code.startswith(_EVENT_CODES) else None,
            )
        )
    used = {b.code for b in breaches}
    for code in overrides:
        if code not in used:
            warnings.append(
                PlanWarning(
                    code="override-unused",
                    message=f"--override {code} was given, but no limit {code} is exceeded in this plan",
                )
            )
    out = [
        e.model_copy(update={"overrides": [*e.overrides, *records[e.key]]}) if e.key in records else e for e in events
    ]
    return out, warnings
