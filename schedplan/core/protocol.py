"""The protocol model: metadata, anchor (day 0 or cycles), choices, and events with when / what / dose."""

from __future__ import annotations

import re
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    ValidationError,
    field_validator,
    model_validator,
)

from schedplan.core.eligibility import Criteria
from schedplan.core.model import Model
from schedplan.core.patient import BSAFormula
from schedplan.core.timeofday import MAX_ADMINISTRATIONS, Clock, Every, RelativeTo
from schedplan.core.units import Basis, DoseUnit, Per
from schedplan.core.validation import problems_from_validation
from schedplan.errors import Problem, ProtocolInvalid

DAY0_MIN, DAY0_MAX = -365, 3650  # days a day-0 protocol may name (the seeds use -14 .. +730)
MAX_CYCLES = 100  # cycles a cycles protocol may give (docs/protocol-format.md, "Limits")
MAX_ENTRIES = 10_000  # dated entries a plan may have (events x days x cycles), so a small file cannot ask for millions
MAX_NUMBER = Decimal("1e12")  # the largest amount; the YAML reader bounds every number the same way


def _day(v: Any) -> Any:
    # compared before pydantic turns it into an int: 1e999999999 must not become a billion-digit number
    if isinstance(v, int | Decimal) and not isinstance(v, bool) and not DAY0_MIN <= v <= DAY0_MAX:
        raise ValueError(f"day {v} is outside days {DAY0_MIN} to +{DAY0_MAX}")
    return v


Day = Annotated[int, BeforeValidator(_day)]
ID_RE = re.compile(r"^[a-z0-9][a-z0-9_-]*$")


_Model = Model  # the one base of schedplan's models (core.model)


def _scalar_to_str(v: Any) -> Any:
    # YAML gives 0 or 1 for enumeration values written as numbers; choices compare as text.
    if isinstance(v, bool):
        return v
    if isinstance(v, int | Decimal):
        return str(v)
    return v


ChoiceText = Annotated[str, BeforeValidator(_scalar_to_str)]


def _parse_unit(v: Any) -> Any:
    if isinstance(v, str):
        return DoseUnit.parse(v)
    return v


UnitField = Annotated[DoseUnit, BeforeValidator(_parse_unit), PlainSerializer(str, return_type=str)]


_FRACTION_RE = re.compile(r"^\s*(\d{1,15}(/\d{1,15})?|\d{0,15}\.\d{1,15})\s*$")


def _parse_fraction(v: Any) -> Any:
    if isinstance(v, Decimal) and v.is_finite() and v and not -12 <= v.adjusted() <= 12:
        raise ValueError(f"fraction {v} is out of range; write it like 2/3 or 0.5")
    if isinstance(v, int | Decimal):
        v = f"{v:f}" if isinstance(v, Decimal) else str(v)
    if isinstance(v, str):
        if not _FRACTION_RE.match(v):  # checked before Fraction() builds huge numbers from 1e-99999999
            raise ValueError(f"{v[:40]!r} is not a fraction; write it like 2/3 or 0.5")
        try:
            f = Fraction(v.strip())
        except (ValueError, ZeroDivisionError):
            raise ValueError(f"{v!r} is not a fraction; write it like 2/3 or 0.5") from None
        if not (0 < f <= 1):
            raise ValueError(f"fraction {v} must be more than 0 and at most 1")
        return f
    return v


FractionField = Annotated[Fraction, BeforeValidator(_parse_fraction), PlainSerializer(str, return_type=str)]


# --- what the record does not state: assumed values, frequency, limits ---------------------------------


class AssumedField(StrEnum):
    """An event's field whose value is the protocol author's reading, not the record's."""

    DAYS = "days"
    ROUTE = "route"
    FREQUENCY = "frequency"
    DURATION = "duration"
    DOSE = "dose"


class AnchorAssumedField(StrEnum):
    CYCLE_DAYS = "cycle_days"
    CYCLES = "cycles"


class ProtocolAssumedField(StrEnum):
    BSA_FORMULA = "bsa_formula"


def _reasons(v: dict[Any, str]) -> dict[Any, str]:
    for key, why in v.items():
        if not why.strip():
            raise ValueError(f"assumed {getattr(key, 'value', key)}: say why the value is a reading, not the record's")
    return v


class Frequency(StrEnum):
    """How often a day's amount is given, where that is not once: ``not_stated``, the record does not say."""

    NOT_STATED = "not_stated"


FREQUENCY_NOT_STATED = "frequency not stated in the record - per local protocol"


class DoseLimit(_Model):
    """A hard limit on one administration: outside it a plan stops unless the user overrides it with a reason."""

    max: Decimal | None = Field(default=None, gt=0, description="the largest dose, in `unit`")
    min: Decimal | None = Field(default=None, gt=0, description="the smallest plausible dose, in `unit`")
    unit: UnitField = Field(description="mg, g, mcg (a flat limit), mg/kg (x actual weight), mg/m2 (x BSA) ...")
    source: str = Field(min_length=1, description="where the limit comes from: a label, a guideline, the record")

    @model_validator(mode="after")
    def _shape(self) -> DoseLimit:
        if self.max is None and self.min is None:
            raise ValueError("a limit needs max, min or both")
        if self.max is not None and self.min is not None and self.min > self.max:
            raise ValueError(f"limit min {self.min} is more than its max {self.max}")
        return self


class AnchorType(StrEnum):
    DAY0 = "day0"
    CYCLES = "cycles"


class ChoiceRef(_Model):
    """A value the user supplies through a declared choice or parameter: ``{choice: melphalan_day}``."""

    choice: str


class ByChoice(_Model):
    """A value picked by an enumeration choice: ``{by: cohort, values: {1: 10, 2: 30}}``."""

    by: str
    values: dict[ChoiceText, Decimal]


class Anchor(_Model):
    """What day 0 (or cycle 1 day 1) is."""

    type: AnchorType = Field(description="day0: days ..., -1, 0, +1 ... around one event; cycles: numbered cycles")
    event: str = Field(description="what happens on day 0 / what a cycle is, e.g. 'transplant', 'NK cell infusion'")
    date_label: str = Field(description="how to ask for the anchor date, e.g. 'Transplant date (day 0)'")
    cycle_days: int | None = Field(default=None, ge=1, le=366, description="cycle length in days (cycles only)")
    cycles: int | ChoiceRef | None = Field(
        default=None, description="number of cycles: a fixed number, or {choice: KEY} when the user must choose"
    )
    assumed: Annotated[dict[AnchorAssumedField, str], AfterValidator(_reasons)] = Field(
        default_factory=dict, description="cycle_days / cycles -> why the value is the author's reading"
    )

    @field_validator("cycles")
    @classmethod
    def _cycles(cls, v: int | ChoiceRef | None) -> int | ChoiceRef | None:
        if isinstance(v, int) and not 1 <= v <= MAX_CYCLES:
            raise ValueError(f"cycles must be from 1 to {MAX_CYCLES}")
        return v

    @model_validator(mode="after")
    def _shape(self) -> Anchor:
        if self.type is AnchorType.CYCLES:
            if self.cycle_days is None:
                raise ValueError("a cycles anchor needs cycle_days (the cycle length)")
            if self.cycles is None:
                raise ValueError("a cycles anchor needs cycles: a number, or {choice: KEY}")
        elif self.cycle_days is not None or self.cycles is not None:
            raise ValueError("cycle_days and cycles belong only to a cycles anchor")
        if self.assumed and self.type is not AnchorType.CYCLES:
            raise ValueError("assumed cycle_days / cycles belong only to a cycles anchor")
        return self


class ChoiceType(StrEnum):
    ENUM = "enum"
    NUMBER = "number"
    INTEGER = "integer"


class Choice(_Model):
    """Something the user decides or supplies when planning: a choice among values, or a parameter."""

    key: str = Field(description="the name used with --set KEY=VALUE")
    label: str = Field(description="the question, as shown to a person")
    type: ChoiceType
    values: list[ChoiceText] | None = Field(default=None, description="enum: the accepted values")
    value_labels: dict[ChoiceText, str] | None = Field(default=None, description="enum: text shown per value")
    unit: str | None = Field(default=None, description="number/integer: the unit of the value, e.g. mg/m2 or day")
    min: Decimal | None = None
    max: Decimal | None = None
    default: ChoiceText | Decimal | None = Field(
        default=None, description="used when the user sets nothing; absent means the user must set it"
    )
    optional: bool = Field(
        default=False, description="true: may be left unset (then whatever uses it shows 'not stated')"
    )
    help: str | None = Field(default=None, description="why the protocol asks, e.g. 'the record gives no dose'")

    @field_validator("key")
    @classmethod
    def _key(cls, v: str) -> str:
        if not ID_RE.match(v):
            raise ValueError(f"choice key {v!r}: use lower-case letters, digits, _ and -")
        return v

    @model_validator(mode="after")
    def _shape(self) -> Choice:
        if self.type is ChoiceType.ENUM:
            if not self.values:
                raise ValueError(f"enum choice {self.key!r} needs values")
            if len(set(self.values)) != len(self.values):
                raise ValueError(f"enum choice {self.key!r} lists a value twice")
            if self.default is not None and str(self.default) not in self.values:
                raise ValueError(f"default {self.default!r} is not one of the values {self.values}")
            if self.min is not None or self.max is not None:
                raise ValueError("min and max belong to number or integer parameters, not to enum choices")
            if self.value_labels and set(self.value_labels) - set(self.values):
                raise ValueError(f"value_labels name values not in {self.values}")
        else:
            if self.values is not None or self.value_labels is not None:
                raise ValueError(f"{self.type.value} parameter {self.key!r} takes min/max, not values")
            if self.default is not None:
                try:
                    d = Decimal(str(self.default))
                except ArithmeticError:
                    raise ValueError(f"default {self.default!r} is not a number") from None
                if self.type is ChoiceType.INTEGER and d != d.to_integral_value():
                    raise ValueError(f"default {self.default!r} is not a whole number")
                if (self.min is not None and d < self.min) or (self.max is not None and d > self.max):
                    raise ValueError(f"default {self.default} is outside min/max")
        if self.optional and self.default is not None:
            raise ValueError("a choice with a default is never unset: drop optional or the default")
        return self

    @property
    def required(self) -> bool:
        return self.default is None and not self.optional

    def accepted(self) -> str:
        """The accepted values as one phrase, for messages and forms."""
        if self.type is ChoiceType.ENUM:
            return " | ".join(self.values or [])
        kind = "a whole number" if self.type is ChoiceType.INTEGER else "a number"
        lo = f" from {self.min}" if self.min is not None else ""
        hi = f" to {self.max}" if self.max is not None else ""
        unit = f" {self.unit}" if self.unit and self.unit != "day" else ""
        return f"{kind}{lo}{hi}{unit}"


class EventKind(StrEnum):
    DRUG = "drug"
    CELL_PRODUCT = "cell_product"
    RADIATION = "radiation"
    PROCEDURE = "procedure"
    VISIT = "visit"
    SAMPLE = "sample"
    NOTE = "note"


class Route(StrEnum):
    IV = "IV"
    PO = "PO"
    SC = "SC"
    IM = "IM"
    IT = "IT"


class WeightBasis(StrEnum):
    ACTUAL = "actual"
    IDEAL = "ideal"
    ADJUSTED = "adjusted"


class Weekly(_Model):
    """A weekly pattern: ``first_day`` + each offset, for ``weeks`` weeks ("3 times a week for 2 weeks")."""

    first_day: Day
    offsets: list[int] = Field(min_length=1, description="days after first_day within each week, 0..6")
    weeks: int = Field(ge=1, le=520)
    doses: int | None = Field(default=None, description="the total the source states; checked against the pattern")

    @model_validator(mode="after")
    def _shape(self) -> Weekly:
        if any(not 0 <= o <= 6 for o in self.offsets):
            raise ValueError("weekly offsets must be from 0 to 6")
        if sorted(set(self.offsets)) != list(self.offsets):
            raise ValueError("weekly offsets must be increasing, each once")
        if self.doses is not None and self.doses != len(self.offsets) * self.weeks:
            raise ValueError(
                f"weekly pattern gives {len(self.offsets) * self.weeks} doses "
                f"({len(self.offsets)} a week x {self.weeks} weeks), but doses says {self.doses}"
            )
        return self

    def days(self) -> list[int]:
        return [self.first_day + 7 * w + o for w in range(self.weeks) for o in self.offsets]


class DayRange(_Model):
    """Every day from ``from`` to ``to``, both included."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True, defer_build=True)
    start: Day = Field(alias="from")
    end: Day = Field(alias="to")

    @model_validator(mode="after")
    def _order(self) -> DayRange:
        if self.end < self.start:
            raise ValueError(f"range from {self.start} to {self.end} runs backwards")
        return self


CYCLE_KEY_RE = re.compile(r"^(\d{1,3})(\+)?$")


class When(_Model):
    """On which days an event happens. Exactly one of the keys is given."""

    day: int | ChoiceRef | None = None
    days: list[int] | None = Field(default=None, min_length=1)
    range: DayRange | None = None
    weekly: Weekly | None = None
    by_cycle: dict[ChoiceText, When] | None = Field(
        default=None, description="cycle protocols: day sets per cycle, keys '1', '2', '3+' (3 and after)"
    )
    same_as: str | None = Field(default=None, description="the days of another event (premedications)")

    @model_validator(mode="after")
    def _one(self) -> When:
        given = [k for k in ("day", "days", "range", "weekly", "by_cycle", "same_as") if getattr(self, k) is not None]
        if len(given) != 1:
            raise ValueError(
                "give exactly one of day, days, range, weekly, by_cycle, same_as"
                + (f" (found {', '.join(given)})" if given else "")
            )
        if self.days is not None and len(set(self.days)) != len(self.days):
            raise ValueError("days lists a day twice")
        if self.by_cycle is not None:
            for key, sub in self.by_cycle.items():
                m = CYCLE_KEY_RE.match(key)
                if m is None or not 1 <= int(m.group(1)) <= MAX_CYCLES:
                    raise ValueError(
                        f"by_cycle key {key[:20]!r}: write a cycle number from 1 to {MAX_CYCLES}, or 3+ for 3 and after"
                    )
                if sub.by_cycle is not None or sub.same_as is not None:
                    raise ValueError("by_cycle entries give days, not another by_cycle or same_as")
        return self

    def literal_days(self) -> list[int] | None:
        """The days when they do not depend on a choice, the cycle, or another event."""
        if isinstance(self.day, int):
            return [self.day]
        if self.days is not None:
            return list(self.days)
        if self.range is not None:
            return list(range(self.range.start, self.range.end + 1))
        if self.weekly is not None:
            return self.weekly.days()
        return None


def _per_word(v: Any) -> Any:
    # `per: administration` is the same as `per: dose`: each administration gets the amount as written
    return "dose" if v == "administration" else v


class Dose(_Model):
    """A prescribed dose: amount, unit, per dose/day/course, and how a course is split."""

    amount: Decimal | ChoiceRef | ByChoice = Field(
        description="a number, {choice: KEY} (a parameter), or {by: KEY, values: {...}} (by an enum choice)"
    )
    unit: UnitField = Field(description="mg/m2, g/m2, mg/kg, x10^6 cells/kg, mg, x10^6 IU, Gy ...")
    per: Annotated[Per, BeforeValidator(_per_word)] = Field(
        default=Per.DOSE,
        description="dose or administration (each time), day, or course (a total over the days and administrations)",
    )
    split: list[FractionField] | None = Field(
        default=None, description="per course only: the fraction given on each day, in day order; adds up to 1"
    )
    weight: WeightBasis = Field(default=WeightBasis.ACTUAL, description="per-kg doses: which body weight")

    @model_validator(mode="after")
    def _shape(self) -> Dose:
        if isinstance(self.amount, Decimal) and not (self.amount > 0 and self.amount.is_finite()):
            raise ValueError(f"amount {self.amount} must be a positive number")
        if isinstance(self.amount, Decimal) and self.amount > MAX_NUMBER:
            raise ValueError(f"amount {self.amount} is past the largest accepted, {MAX_NUMBER:,}")
        if isinstance(self.amount, ByChoice) and any(v <= 0 for v in self.amount.values.values()):
            raise ValueError("every amount in values must be positive")
        if isinstance(self.amount, ByChoice) and any(v > MAX_NUMBER for v in self.amount.values.values()):
            raise ValueError(f"every amount in values must be at most {MAX_NUMBER:,}")
        if self.split is not None:
            if self.per is not Per.COURSE:
                raise ValueError("split is for a course total (per: course)")
            if sum(self.split, Fraction(0)) != 1:
                total = sum(self.split, Fraction(0))
                raise ValueError(f"split fractions add up to {total}, not 1")
        if self.weight is not WeightBasis.ACTUAL and self.unit.basis is not Basis.PER_KG:
            raise ValueError("weight (actual/ideal/adjusted) applies only to per-kg doses")
        return self


class Event(_Model):
    """One thing in the protocol that happens on one or more days."""

    id: str = Field(description="unique within the protocol; stable, used for calendar identities")
    kind: EventKind
    name: str = Field(description="drugs: lower-case generic name; otherwise a short label")
    when: When
    route: Route | list[Route] | None = Field(default=None, description="absent: the source does not state it")
    route_note: str | None = Field(default=None, description="e.g. 'via Ommaya reservoir'")
    duration_minutes: int | None = Field(default=None, ge=1, le=24 * 60, description="infusion duration")
    dose: Dose | None = None
    dose_note: str | None = Field(
        default=None, description="why there is no calculated dose, e.g. 'dose per local policy'"
    )
    only_if: dict[str, ChoiceText | list[ChoiceText]] | None = Field(
        default=None, description="the event happens only when each named choice has (one of) these values"
    )
    premedication_for: str | None = Field(default=None, description="id of the event this one is given before")
    outpatient: bool = Field(default=False, description="an outpatient visit: weekends and public holidays are flagged")
    approximate_day: bool | list[int] = Field(
        default=False, description="true, or the list of days, that the source gives as approximate"
    )
    notes: str | None = None
    patient_text: str | None = Field(
        default=None, description="plain words for the patient handout, e.g. 'fludarabine - a drip into a vein, 1 hour'"
    )
    source: str | None = Field(default=None, description="the sentence of the study record this comes from")
    assumed: Annotated[dict[AssumedField, str], AfterValidator(_reasons)] = Field(
        default_factory=dict, description="field -> why its value is the protocol author's reading, not the record's"
    )
    frequency: Frequency | None = Field(
        default=None, description="not_stated: each day's amount is a daily total; the record gives no frequency"
    )
    limits: list[DoseLimit] = Field(default_factory=list, description="hard limits on each administration")
    time: Clock | None = Field(default=None, description='the clock time of the administration, "08:00"')
    times: list[Clock] | None = Field(
        default=None, min_length=1, max_length=MAX_ADMINISTRATIONS, description="several administrations a day"
    )
    every: Every | None = Field(default=None, description="every N hours, count times, from the first day")
    relative_to: RelativeTo | None = Field(default=None, description="timed from another event's administrations")
    after: str | None = Field(default=None, description="starts when this event (same day) ends: start + duration")

    @field_validator("id")
    @classmethod
    def _id(cls, v: str) -> str:
        if not ID_RE.match(v):
            raise ValueError(f"event id {v!r}: use lower-case letters, digits, _ and -")
        return v

    @field_validator("route", mode="before")
    @classmethod
    def _route_upper(cls, v: Any) -> Any:
        if isinstance(v, str):
            return v.upper()
        if isinstance(v, list):
            return [x.upper() if isinstance(x, str) else x for x in v]
        return v

    @model_validator(mode="after")
    def _shape(self) -> Event:
        if self.dose is not None and self.dose_note is not None and not isinstance(self.dose.amount, ChoiceRef):
            raise ValueError(
                "give a dose or a dose_note, not both (a dose_note goes with a dose only when "
                "its amount is an optional parameter: the note shows while it is unset)"
            )
        if isinstance(self.approximate_day, list):
            days = self.when.literal_days()
            if days is not None and set(self.approximate_day) - set(days):
                raise ValueError(
                    f"approximate_day names days the event is not on: {sorted(set(self.approximate_day) - set(days))}"
                )
        if self.dose is not None and self.dose.split is not None:
            days = self.when.literal_days()
            if days is not None and len(days) != len(self.dose.split):
                raise ValueError(f"split has {len(self.dose.split)} fractions for {len(days)} days")
        self._check_marks()
        self._check_times()
        return self

    def _check_times(self) -> None:
        """Times in order, each once; `every` with a per-day dose fits a day (one way of timing: timing_problems)."""
        if self.times is not None and (sorted(set(self.times)) != list(self.times)):
            raise ValueError("times must be in order through the day, each once")
        if self.every is not None and self.dose is not None:
            if self.dose.split is not None:
                raise ValueError(
                    "split gives a course's share per day; with every, the course divides over the"
                    " administrations - drop split"
                )
            if self.dose.per is Per.DAY and 24 % self.every.hours:
                raise ValueError(
                    f"a per-day dose every {self.every.hours} hours does not divide into whole"
                    " administrations a day; write the dose per administration or per course"
                )
        if self.frequency is not None and (self.times is not None or self.every is not None):
            raise ValueError(
                "frequency not_stated says the record gives no administrations a day, but times or every"
                " gives them: drop one"
            )
        if self.every is not None:
            days = self.when.literal_days()
            if days is not None and len(days) > 1 and sorted(days) != list(range(min(days), max(days) + 1)):
                raise ValueError(
                    "with every, when gives the first day (or a range of days): the series runs across days"
                )

    def _check_marks(self) -> None:
        """assumed names only values the event has; frequency and limits need a dose in a matching unit."""
        has = {
            AssumedField.ROUTE: self.route is not None,
            AssumedField.DURATION: self.duration_minutes is not None,
            AssumedField.DOSE: self.dose is not None,
            AssumedField.FREQUENCY: self.dose is not None,
            AssumedField.DAYS: True,
        }
        for key in self.assumed:
            if not has[key]:
                raise ValueError(f"assumed {key.value}: the event states no {key.value} to be assumed")
        if self.frequency is not None and self.dose is None:
            raise ValueError("frequency belongs to an event with a dose")
        if self.limits and self.dose is None:
            raise ValueError("limits belong to an event with a dose")
        for lim in self.limits:
            assert self.dose is not None
            same = lim.unit.quantity is self.dose.unit.quantity and lim.unit.exponent == self.dose.unit.exponent
            masses = {"mg", "g", "mcg"}
            if not same and not (lim.unit.quantity.value in masses and self.dose.unit.quantity.value in masses):
                raise ValueError(
                    f"limit in {lim.unit.display} cannot be compared with a dose in {self.dose.unit.display}"
                )

    @property
    def routes(self) -> list[Route]:
        if self.route is None:
            return []
        return list(self.route) if isinstance(self.route, list) else [self.route]

    def route_text(self) -> str | None:
        return " or ".join(r.value for r in self.routes) or None


class Source(_Model):
    registry: str = Field(description="registry id, e.g. NCT07256210")
    record: str | None = Field(default=None, description="the record file or page the protocol was encoded from")
    quote: str | None = Field(default=None, description="the sentence(s) the schedule was taken from")


class Protocol(_Model):
    """A whole protocol, as written once in YAML."""

    id: str = Field(description="the registry number, e.g. NCT07256210")
    title: str
    version: str
    source: Source
    bsa_formula: BSAFormula = Field(default=BSAFormula.MOSTELLER, description="the BSA formula the protocol uses")
    notes: list[str] = Field(default_factory=list, description="what the record says that is not on a day")
    assumed: Annotated[dict[ProtocolAssumedField, str], AfterValidator(_reasons)] = Field(
        default_factory=dict, description="bsa_formula -> why it is the author's choice (the record states none)"
    )
    patient_notes: list[str] = Field(
        default_factory=list, description="plain words for the patient handout (staff notes are never printed there)"
    )
    anchor: Anchor
    choices: list[Choice] = Field(default_factory=list)
    events: list[Event] = Field(min_length=1)
    eligibility: Criteria = Field(
        default_factory=list, description="the record's eligibility criteria as checks (core/eligibility.py)"
    )

    @field_validator("version", mode="before")
    @classmethod
    def _version(cls, v: Any) -> Any:
        return str(v) if isinstance(v, int | Decimal) else v

    def choice(self, key: str) -> Choice | None:
        return next((c for c in self.choices if c.key == key), None)

    def event(self, event_id: str) -> Event | None:
        return next((e for e in self.events if e.id == event_id), None)

    @property
    def is_cycles(self) -> bool:
        return self.anchor.type is AnchorType.CYCLES

    @classmethod
    def from_data(cls, data: Any, *, source: str | None = None) -> Protocol:
        """Validate a plain mapping (as read from YAML/JSON) into a Protocol, collecting every problem."""
        try:
            protocol = cls.model_validate(data)
        except ValidationError as exc:
            raise ProtocolInvalid(problems=problems_from_validation(exc), source=source) from None
        problems = semantic_problems(protocol)
        if problems:
            raise ProtocolInvalid(problems=problems, source=source)
        return protocol


def entry_bound(p: Protocol) -> int:
    """The most dated entries any plan of ``p`` can have: each event's days (per cycle) x its administrations a
    day (an `every` series: its count) x the most cycles."""
    cycles = 1
    if p.is_cycles:
        n = p.anchor.cycles
        c = p.choice(n.choice) if isinstance(n, ChoiceRef) else None
        if isinstance(n, int):
            cycles = n
        elif c is not None and c.type is ChoiceType.ENUM and all((v or "").isdigit() for v in c.values or []):
            cycles = max((int(v) for v in c.values or [] if len(v) <= 3), default=MAX_CYCLES)
        elif c is not None and c.max is not None and c.max <= MAX_CYCLES:
            cycles = int(c.max)
        else:
            cycles = MAX_CYCLES

    def days(w: When) -> int:
        literal = w.literal_days()
        if literal is not None:
            return len(literal)
        if w.by_cycle is not None:
            return max((days(sub) for sub in w.by_cycle.values()), default=0)
        if w.same_as is not None:
            target = p.event(w.same_as)
            return days(target.when) if target is not None and target.when.same_as is None else 0
        return 1  # a day chosen by a parameter

    def per_day(e: Event, depth: int = 0) -> int:
        """Administrations an occurrence has: times, an `every` series (on its first day only), or its target's."""
        if e.times is not None:
            return len(e.times)
        if e.every is not None:
            return e.every.count
        ref = e.relative_to.event if e.relative_to is not None else e.after
        target = p.event(ref) if ref is not None else None
        if target is not None and depth < len(p.events):  # a cycle of references is refused elsewhere
            return per_day(target, depth + 1)
        return 1

    def occurrences(e: Event) -> int:
        return e.every.count if e.every is not None else days(e.when) * per_day(e)

    return cycles * sum(occurrences(e) for e in p.events)


def semantic_problems(p: Protocol) -> list[Problem]:
    """Problems a single model cannot see: references, day ranges, choices used but not declared."""
    problems: list[Problem] = []

    def add(msg: str, *loc: str | int) -> None:
        problems.append(Problem(message=msg, loc=tuple(loc)))

    keys = [c.key for c in p.choices]
    for i, key in enumerate(keys):
        if keys.index(key) != i:
            add(f"choice {key!r} is declared twice", "choices", i, "key")
    ids = [e.id for e in p.events]
    for i, eid in enumerate(ids):
        if ids.index(eid) != i:
            add(f"event id {eid!r} is used twice", "events", i, "id")

    def check_ref(key: str, loc: tuple[str | int, ...], want: set[ChoiceType]) -> Choice | None:
        c = p.choice(key)
        if c is None:
            add(f"{key!r} is not a declared choice (declared: {', '.join(keys) or 'none'})", *loc)
            return None
        if c.type not in want:
            add(f"choice {key!r} is {c.type.value}, but here it must be {' or '.join(t.value for t in want)}", *loc)
        return c

    if isinstance(p.anchor.cycles, ChoiceRef):
        c = check_ref(p.anchor.cycles.choice, ("anchor", "cycles", "choice"), {ChoiceType.ENUM, ChoiceType.INTEGER})
        if (
            c is not None
            and c.type is ChoiceType.ENUM
            and not all((v or "").isdigit() and len(v) <= 3 and 1 <= int(v) <= MAX_CYCLES for v in c.values or [])
        ):
            add(
                f"choice {c.key!r} gives the number of cycles, so its values must be whole numbers from 1 to {MAX_CYCLES}",  # noqa: E501
                "anchor",
                "cycles",
            )
        if c is not None and c.type is ChoiceType.INTEGER and (c.max is None or c.max > MAX_CYCLES or (c.min or 0) < 1):
            add(
                f"choice {c.key!r} gives the number of cycles: give it min 1 (or more) and max {MAX_CYCLES} (or less)",
                "choices",
                keys.index(c.key),
            )

    lo, hi = (1, p.anchor.cycle_days or 1) if p.is_cycles else (DAY0_MIN, DAY0_MAX)
    day_kind = f"days 1 to {hi} of a {hi}-day cycle" if p.is_cycles else f"days {DAY0_MIN} to +{DAY0_MAX}"

    def check_days(days: list[int], loc: tuple[str | int, ...]) -> None:
        for d in days:
            if not lo <= d <= hi:
                add(f"day {d:+d} is impossible here: this protocol has {day_kind}", *loc)
                return
            if p.is_cycles and d == 0:
                add("cycle days are numbered from 1; there is no day 0 in a cycle", *loc)
                return

    for i, e in enumerate(p.events):
        base = ("events", i)
        w = e.when
        days = w.literal_days()
        if days is not None:
            check_days(days, (*base, "when"))
        if isinstance(w.day, ChoiceRef):
            c = check_ref(w.day.choice, (*base, "when", "day", "choice"), {ChoiceType.INTEGER})
            if c is not None and c.type is ChoiceType.INTEGER:
                if c.min is None or c.max is None:
                    add(
                        f"day parameter {c.key!r} needs min and max, so an impossible day cannot be chosen",
                        "choices",
                        keys.index(c.key),
                    )
                else:
                    check_days([int(c.min), int(c.max)], ("choices", keys.index(c.key)))
        if w.by_cycle is not None:
            if not p.is_cycles:
                add("by_cycle is for cycle protocols", *base, "when", "by_cycle")
            for k, sub in w.by_cycle.items():
                sub_days = sub.literal_days()
                if sub_days is None:
                    add("by_cycle entries give literal days", *base, "when", "by_cycle", k)
                else:
                    check_days(sub_days, (*base, "when", "by_cycle", k))
            open_keys = [k for k in w.by_cycle if k.endswith("+")]
            if len(open_keys) > 1:
                add("only one by_cycle key may end in + (the cycles after the listed ones)", *base, "when", "by_cycle")
        if w.same_as is not None:
            target = p.event(w.same_as)
            if target is None:
                add(f"same_as names no event {w.same_as!r}", *base, "when", "same_as")
            elif target.when.same_as is not None:
                add("same_as must name an event with days of its own", *base, "when", "same_as")
        if e.premedication_for is not None and p.event(e.premedication_for) is None:
            add(f"premedication_for names no event {e.premedication_for!r}", *base, "premedication_for")
        if e.only_if:
            for key, val in e.only_if.items():
                c = check_ref(key, (*base, "only_if", key), {ChoiceType.ENUM})
                if c is not None and c.type is ChoiceType.ENUM:
                    for v in val if isinstance(val, list) else [val]:
                        if v not in (c.values or []):
                            add(f"{key} has no value {v!r} (values: {c.accepted()})", *base, "only_if", key)
        if e.dose is not None:
            amt = e.dose.amount
            if isinstance(amt, ChoiceRef):
                check_ref(amt.choice, (*base, "dose", "amount", "choice"), {ChoiceType.NUMBER})
            elif isinstance(amt, ByChoice):
                c = check_ref(amt.by, (*base, "dose", "amount", "by"), {ChoiceType.ENUM})
                if c is not None and c.type is ChoiceType.ENUM and set(amt.values) != set(c.values or []):
                    add(
                        f"values must give an amount for each value of {c.key} ({c.accepted()}), no more, no less",
                        *base,
                        "dose",
                        "amount",
                        "values",
                    )
        if e.dose is not None and e.dose.split is not None:
            n = len(e.dose.split)
            counts: list[int] = []
            if isinstance(w.day, ChoiceRef):
                counts = [1]
            elif w.same_as is not None and (target := p.event(w.same_as)) is not None:
                target_days = target.when.literal_days()
                counts = (
                    [len(target_days)]
                    if target_days is not None
                    else [len(sub.literal_days() or []) for sub in (target.when.by_cycle or {}).values()]
                )
            elif w.by_cycle is not None:
                counts = [len(sub.literal_days() or []) for sub in w.by_cycle.values()]
            if any(c != n for c in counts):
                add(
                    f"split has {n} fractions, but the event is given on {' or '.join(str(c) for c in sorted(set(counts)))}"  # noqa: E501
                    " day(s): give one fraction per day",
                    *base,
                    "dose",
                    "split",
                )
        if e.kind is EventKind.DRUG and e.dose is None and e.dose_note is None:
            add("a drug needs a dose, or a dose_note saying why there is none (e.g. 'not stated')", *base)
    problems.extend(timing_problems(p))
    entries = entry_bound(p)
    if entries > MAX_ENTRIES:
        add(
            f"a plan of this protocol can have {entries:,} dated entries (events x days x cycles);"
            f" the limit is {MAX_ENTRIES:,}",
            "events",
        )
    return problems


TIMINGS = ("time", "times", "every", "relative_to", "after")  # the ways of timing an event, one at most


def timing_problems(p: Protocol) -> list[Problem]:
    """One way of timing an event; `relative_to` and `after` name events of the protocol, never going round."""
    problems: list[Problem] = []
    ids = {e.id for e in p.events}
    for i, e in enumerate(p.events):
        given = [k for k in TIMINGS if getattr(e, k) is not None]
        if len(given) > 1:
            problems.append(
                Problem(
                    message=f"give one of {', '.join(TIMINGS)} - not {' and '.join(given)} together",
                    loc=("events", i, given[-1]),
                )
            )
    refs: dict[str, str] = {}
    for i, e in enumerate(p.events):
        if e.relative_to is not None:
            where: tuple[str | int, ...] = ("events", i, "relative_to", "event")
            target = e.relative_to.event
        elif e.after is not None:
            where, target = ("events", i, "after"), e.after
        else:
            continue
        if target not in ids:
            problems.append(
                Problem(message=f"{where[2]} names no event {target!r} (events: {', '.join(sorted(ids))})", loc=where)
            )
        elif target == e.id:
            problems.append(Problem(message=f"{where[2]} names the event itself", loc=where))
        else:
            refs[e.id] = target
            series = p.event(target)
            own_days = e.when.literal_days()
            if own_days is None and e.when.same_as is not None and (same := p.event(e.when.same_as)) is not None:
                own_days = same.when.literal_days()
            if series is not None and series.every is not None and (own_days is None or len(own_days) != 1):
                problems.append(
                    Problem(
                        message=f"{where[2]} names {target!r}, an every series that starts on one day: give this event"
                        " that one day (when: {day: ...}); it is then tied to each administration of the series",
                        loc=("events", i, "when"),
                    )
                )
    reported: set[str] = set()
    for i, e in enumerate(p.events):
        seen = [e.id]
        nxt = refs.get(e.id)
        while nxt is not None and nxt not in seen:
            seen.append(nxt)
            nxt = refs.get(nxt)
        if nxt == e.id and not reported & set(seen):
            reported |= set(seen)
            key = "after" if e.after is not None else "relative_to"
            problems.append(
                Problem(
                    message=f"{' -> '.join([*seen, e.id])} goes round in a cycle: one of them needs a time of its own",
                    loc=("events", i, key),
                )
            )
    return problems
