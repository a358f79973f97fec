"""schedplan: conditioning and infusion schedules for transplant and cellular-therapy units."""

from __future__ import annotations

from typing import Any

__version__ = "0.1.0"

__all__ = ["__version__", "load_protocol", "plan"]


def __getattr__(name: str) -> Any:  # lazy, so `import schedplan` stays cheap
    if name == "load_protocol":
        from schedplan.load.protocols import load_protocol

        return load_protocol
    if name == "plan":
        from schedplan.core.schedule import plan

        return plan
    raise AttributeError(name)
