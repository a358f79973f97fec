"""What the record does not state, marked on each planned event: assumed values and an unstated frequency."""

from __future__ import annotations

from schedplan.core.patient import Patient
from schedplan.core.protocol import FREQUENCY_NOT_STATED, Event, Frequency, Protocol
from schedplan.core.safety import PlanWarning
from schedplan.core.units import Basis


def event_assumed(protocol: Protocol, event: Event, patient: Patient) -> dict[str, str]:
    """Field -> why, for every value of ``event`` that is the protocol author's reading: the event's own,
    the cycle length (cycle protocols: every date after cycle 1 depends on it) and the BSA formula (per-m2
    doses calculated by the protocol's formula)."""
    out = {k.value: why for k, why in event.assumed.items()}
    for k, why in protocol.anchor.assumed.items():
        out[k.value] = why
    if (
        event.dose is not None
        and event.dose.unit.basis is Basis.PER_M2
        and patient.measured_bsa_m2 is None
        and patient.bsa_formula is protocol.bsa_formula
    ):
        for pk, why in protocol.assumed.items():
            out[pk.value] = why
    return out


def frequency_note(event: Event) -> str | None:
    """The text every view shows beside a daily total whose frequency the record does not state."""
    return FREQUENCY_NOT_STATED if event.frequency is Frequency.NOT_STATED else None


def mark_warnings(protocol: Protocol, event: Event) -> list[PlanWarning]:
    """One warning per assumed field of the event, and one for a frequency the record does not state."""
    out = [
        PlanWarning(
            code="assumed",
            message=f"{event.name}: the {field.value} shown are the protocol's reading, not the record's - {why}"
            if field.value == "days"
            else f"{event.name}: the {field.value} shown is the protocol's reading, not the record's - {why}",
            event_id=event.id,
        )
        for field, why in event.assumed.items()
    ]
    if event.frequency is Frequency.NOT_STATED:
        out.append(
            PlanWarning(
                code="frequency-not-stated",
                message=f"{event.name}: each day's amount is a daily total; {FREQUENCY_NOT_STATED}",
                event_id=event.id,
            )
        )
    return out


def protocol_mark_warnings(protocol: Protocol, patient: Patient) -> list[PlanWarning]:
    """Warnings for the protocol's own assumed values: the cycle length, the number of cycles, the BSA formula."""
    words = {"cycle_days": f"cycle length ({protocol.anchor.cycle_days} days)", "cycles": "number of cycles"}
    out = [
        PlanWarning(
            code="assumed", message=f"the {words[field.value]} is the protocol's reading, not the record's - {why}"
        )
        for field, why in protocol.anchor.assumed.items()
    ]
    per_m2 = any(e.dose is not None and e.dose.unit.basis is Basis.PER_M2 for e in protocol.events)
    if per_m2 and patient.measured_bsa_m2 is None and patient.bsa_formula is protocol.bsa_formula:
        out.extend(
            PlanWarning(
                code="assumed",
                message=f"the BSA formula ({patient.bsa_formula.label}) is the protocol's"
                f" choice, not the record's - {why}",
            )
            for _, why in protocol.assumed.items()
        )
    return out
