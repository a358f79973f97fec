"""Fixtures for the issue-10 tests: the shipped protocols planned through the core, and the CLI run in-process."""

from __future__ import annotations

from tests.protocols.conftest import make_plan  # noqa: F401  (the fixture, shared)
