"""The one pydantic base of schedplan's models: unknown keys refused, values frozen."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class Model(BaseModel):
    """Base of every schedplan model: extra keys are an error, instances are immutable."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)
