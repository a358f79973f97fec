"""PlanInputs: what a person typed to make a plan, kept as typed (the one type of a plan's inputs)."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from schedplan.core.model import Model

FACTOR_FIELDS = ("birth_date", "creatinine", "creatinine_date", "crcl", "egfr")


class PlanInputs(Model):
    """What the user typed to make a plan; recalculating from these gives the same plan.

    Every value is kept as typed (strings), so a plan file shows what was entered and the same parsing
    (with the same messages) runs whether the plan is new, replanned or opened in the terminal UI.
    """

    # declared in the order a plan file writes them
    weight: str = Field(description='with its unit, e.g. "70kg", "136.7lb"')
    height: str = Field(description='with its unit, e.g. "175cm", "66.1in"')
    sex: str | None = None
    bsa_formula: str | None = Field(default=None, description="None: the protocol's")
    bsa: str | None = Field(default=None, description="a measured BSA, m2")
    anchor_date: str = Field(description="YYYY-MM-DD: day 0 or cycle 1 day 1")
    choices: dict[str, str] = Field(default_factory=dict, description="the --set KEY=VALUE pairs as given")
    site: str | None = Field(
        default=None, description="the site policy file (absolute path, or a shipped example's name); None: none"
    )
    measured_on: str | None = Field(default=None, description="YYYY-MM-DD: when weight and height were measured")
    overrides: dict[str, str] = Field(
        default_factory=dict, description="limits overridden on purpose: {code: the reason given}"
    )
    # patient factors (issue 16): written to a plan file only when given, so older files stay as they were
    birth_date: str | None = Field(default=None, description="YYYY-MM-DD; age is counted on each dose date")
    creatinine: str | None = Field(default=None, description='serum creatinine with its unit, e.g. "97 umol/L"')
    creatinine_date: str | None = Field(default=None, description="YYYY-MM-DD: when the creatinine was measured")
    crcl: str | None = Field(default=None, description="a measured creatinine clearance, mL/min")
    egfr: str | None = Field(default=None, description="an eGFR, mL/min/1.73 m2")
    labs: dict[str, str] = Field(
        default_factory=dict, description="other values by measure, as typed: {alt: '40/50'} (VALUE or VALUE/ULN)"
    )

    def factor_data(self) -> dict[str, Any]:
        """The patient-factor fields that were given, in the order a plan file writes them."""
        out: dict[str, Any] = {k: getattr(self, k) for k in FACTOR_FIELDS if getattr(self, k) is not None}
        if self.labs:
            out["labs"] = dict(self.labs)
        return out

    def factors_text(self) -> str | None:
        """The patient factors as typed, for a double checker (a renal or AUC dose is worked out from them);
        None when none were given."""
        parts = [
            f"born {self.birth_date}" if self.birth_date else None,
            f"serum creatinine {self.creatinine}"
            + (f" (measured {self.creatinine_date})" if self.creatinine_date else "")
            if self.creatinine
            else None,
            f"measured CrCl {self.crcl} mL/min" if self.crcl else None,
            f"eGFR {self.egfr} mL/min/1.73 m2" if self.egfr else None,
            *(f"{k} {v}" for k, v in sorted(self.labs.items())),
        ]
        given = [x for x in parts if x]
        return "Patient factors: " + "; ".join(given) if given else None

    def replaced(self, **changes: Any) -> PlanInputs:
        """A copy with the fields given (not None) replaced; ``choices`` are merged over the current ones."""
        new_choices = changes.pop("choices", None) or {}
        new_overrides = changes.pop("overrides", None) or {}
        new_labs = changes.pop("labs", None) or {}
        update = {k: v for k, v in changes.items() if v is not None}
        update["choices"] = {**self.choices, **new_choices}
        update["overrides"] = {**self.overrides, **new_overrides}
        update["labs"] = {**self.labs, **new_labs}
        return self.model_copy(update=update)
