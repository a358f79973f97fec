"""A protocol or site policy as loaded from its file: the model, where it came from, and the file's hash."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from schedplan.core.protocol import Protocol

if TYPE_CHECKING:  # a plan without a site policy never loads core.policy (start-up, issue 8)
    from schedplan.core.policy import SitePolicy


@dataclass(frozen=True)
class LoadedProtocol:
    """A protocol read from a file (shipped with schedplan, or a .yaml the user named)."""

    protocol: Protocol
    path: Path
    sha256: str
    shipped: bool = False  # one of schedplan's protocols (a plan names it by id, not by path)

    @property
    def source(self) -> str:
        """'shipped', or the file it was read from."""
        return "shipped" if self.shipped else str(self.path)

    @property
    def anchor_kind(self) -> str:
        p = self.protocol
        if p.is_cycles:
            return f"cycles of {p.anchor.cycle_days} days"
        return f"day 0 = {p.anchor.event}"


@dataclass(frozen=True)
class LoadedPolicy:
    """A site policy read from a file, as every plan it is in force for is calculated under it."""

    policy: SitePolicy
    path: Path
    sha256: str
    ref: str | None = None  # as a saved plan keeps it (inputs.site): an absolute path or a shipped name
    holidays: Callable[[dt.date], str | None] | None = None  # the public holiday on a date, if any
    from_config: bool = False  # found as site.yaml in the config folder, not named with --site
