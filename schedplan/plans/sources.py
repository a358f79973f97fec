"""Finding what a plan is made from (protocol, site policy) and calculating it: the one path from inputs to a Plan."""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from schedplan.core.plan_inputs import PlanInputs
from schedplan.core.protocol import Protocol
from schedplan.core.sources import LoadedPolicy, LoadedProtocol
from schedplan.errors import Problem
from schedplan.inputs import plan_from_inputs

if TYPE_CHECKING:  # a plan without a site policy never loads core.policy (start-up, issue 8)
    from schedplan.core.policy import PolicyCoverage, SitePolicy
    from schedplan.core.schedule import Plan  # the UI's protocol list needs no schedule (first paint)


def _marked(lp: LoadedProtocol) -> LoadedProtocol:
    from schedplan.load.protocols import shipped_dir

    try:
        shipped = lp.path.resolve().parent == shipped_dir().resolve()
    except OSError:
        shipped = False
    return dataclasses.replace(lp, shipped=shipped)


def find_protocol(ref: str) -> LoadedProtocol:
    """A shipped protocol by id, or a protocol file by path (UnknownProtocolError, ProtocolInvalid)."""
    from schedplan.load.protocols import find_protocol as find

    return _marked(find(ref))


def shipped_protocols() -> list[LoadedProtocol]:
    """Every shipped protocol, by id."""
    from schedplan.load.protocols import shipped_protocols as shipped

    return [dataclasses.replace(lp, shipped=True) for lp in shipped()]


def protocol_ref(loaded: LoadedProtocol) -> str:
    """How a plan names its protocol: a shipped one by its id; a file by its absolute path (found from anywhere)."""
    if loaded.shipped:
        return loaded.protocol.id
    return str(loaded.path.resolve())


def site_ref(site: str | None) -> str | None:
    """The policy of a new plan as its inputs keep it: a file by its absolute path; without --site, the
    config folder's site.yaml if there is one (by its path), else None (no policy)."""
    from schedplan.load.policy import config_policy_path
    from schedplan.load.protocols import is_file_reference

    if site is None:
        default = config_policy_path()
        return str(default) if default.is_file() else None
    path = Path(site).expanduser()
    return str(path.resolve()) if is_file_reference(site) and path.is_file() else site  # NAME: shipped only


def load_site(ref: str | None, *, config_default: bool = False) -> LoadedPolicy | None:
    """The site policy a reference names, with its holiday lookup; None when there is none.

    None means no policy - except with ``config_default``, for a new plan, where None means the config
    folder's site.yaml if there is one. A saved plan records the policy it was made with (None: none),
    so recalculating it never picks up a policy that appeared on the machine later.
    """
    from schedplan.load.policy import find_policy

    loaded = find_policy(ref) if ref is not None or config_default else None
    if loaded is None:
        return None
    return dataclasses.replace(loaded, ref=site_ref(ref), holidays=_holidays_when_asked(loaded.policy))


def _holidays_when_asked(policy: SitePolicy) -> Callable[[dt.date], str | None] | None:
    """The policy country's holiday lookup, built on its first use (an outpatient event's date), not before."""
    if policy.country is None:
        return None
    table: list[Callable[[dt.date], str | None] | None] = []

    def lookup(day: dt.date) -> str | None:
        if not table:
            from schedplan.load.policy import holiday_lookup

            table.append(holiday_lookup(policy))
        found = table[0]
        return found(day) if found is not None else None

    return lookup


@dataclass(frozen=True)
class Calculated:
    """A plan, with the protocol and the site policy (None: none) it was calculated from."""

    plan: Plan
    protocol: LoadedProtocol
    site: LoadedPolicy | None


def calculate(ref: str, inputs: PlanInputs, *, today: dt.date | None = None) -> Calculated:
    """The plan of the protocol ``ref`` for ``inputs`` under the policy they name: the one path from what a
    person typed to a plan, for plan, replan, export and verify. Raises the errors of bad input."""
    loaded = find_protocol(ref)
    site = load_site(inputs.site)
    plan = plan_from_inputs(
        loaded.protocol, inputs, sha256=loaded.sha256, site=site, holidays=site.holidays if site else None, today=today
    )
    return Calculated(plan, loaded, site)


@dataclass(frozen=True)
class FileCheck:
    """Every problem in a protocol or site policy file, and what the file is when it has none."""

    policy: bool  # a site policy file (else a protocol file)
    problems: list[Problem]
    protocol: Protocol | None = None
    site_policy: SitePolicy | None = None


@functools.cache
def _only_keys() -> tuple[frozenset[str], frozenset[str]]:
    """(the top-level keys only a site policy has, those only a protocol has; both have version and notes):
    read from the models when `check` first asks (a plan never loads core.policy without a policy)."""
    from schedplan.core.policy import SitePolicy

    policy, protocol = frozenset(SitePolicy.model_fields), frozenset(Protocol.model_fields)
    return policy - protocol, protocol - policy


def _looks_like_policy(data: object) -> bool | None:
    """True: a site policy (more keys only a policy has - name, default_times, max_dose ... - than keys only a
    protocol has); False: a protocol, or not a mapping (the protocol check says what a file is); None: neither,
    a mapping with no key only one of them has."""
    if not isinstance(data, dict):
        return False
    keys = {str(k) for k in data}
    policy_keys, protocol_keys = _only_keys()
    policy, protocol = len(keys & policy_keys), len(keys & protocol_keys)
    if policy == protocol == 0:
        return None
    return policy > protocol


def _neither(path: Path, data: dict[object, object]) -> Problem:
    has = ", ".join(sorted(str(k) for k in data)) or "no keys"
    return Problem(
        message=f"neither a protocol nor a site policy: it has {has}; a protocol has id, title, source, anchor and"
        " events (docs/protocol-format.md), a site policy has name and version with its rules - dosing_weight,"
        " max_dose, default_times ... (docs/site-policy.md)",
        line=1,
        column=1,
        source=str(path),
    )


def check_file(path: Path) -> FileCheck:
    """Check one protocol or site policy file (which one is told from its keys), collecting every problem; the
    file is read and parsed once."""
    from schedplan.load.policy import policy_problems
    from schedplan.load.protocols import protocol_problems
    from schedplan.load.yaml_source import YamlSyntaxError, read_yaml

    try:
        document = read_yaml(path)
    except (OSError, YamlSyntaxError):
        document = None  # checked as a protocol file, which reports what is wrong with it
    kind = _looks_like_policy(document[0].data) if document is not None else False
    if kind is None and document is not None and isinstance(document[0].data, dict):
        return FileCheck(False, [_neither(path, document[0].data)])
    if kind:
        policy, problems, _ = policy_problems(path, document=document)
        return FileCheck(True, problems, site_policy=policy)
    protocol, problems, _ = protocol_problems(path, document=document)
    return FileCheck(False, problems, protocol=protocol)


def coverage(policy: SitePolicy, protocol_refs: list[str]) -> PolicyCoverage:
    """Which of ``policy``'s drugs the protocols named do not give, and which of their drugs no rule names."""
    from schedplan.core.policy import policy_coverage

    return policy_coverage(policy, [find_protocol(ref).protocol for ref in protocol_refs])
