"""PlanInputs: what a person typed to make a plan, kept as typed (the one type of a plan's inputs)."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from schedplan.core.model import Model


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

    def replaced(self, **changes: Any) -> PlanInputs:
        """A copy with the fields given (not None) replaced; ``choices`` are merged over the current ones."""
        new_choices = changes.pop("choices", None) or {}
        new_overrides = changes.pop("overrides", None) or {}
        update = {k: v for k, v in changes.items() if v is not None}
        update["choices"] = {**self.choices, **new_choices}
        update["overrides"] = {**self.overrides, **new_overrides}
        return self.model_copy(update=update)
