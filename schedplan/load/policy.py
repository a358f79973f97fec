"""Site policy files in: --site FILE, or site.yaml in the user's config folder; and the country's holidays."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from schedplan.core.sources import LoadedPolicy
from schedplan.core.text import one_line
from schedplan.errors import InputError, Problem, ProtocolInvalid
from schedplan.load.protocols import bundled_dir, is_file_reference
from schedplan.load.yaml_source import YamlDocument, validate_file

if TYPE_CHECKING:  # a plan without a site policy never loads core.policy (start-up, issue 8)
    from schedplan.core.policy import SitePolicy

CONFIG_NAME = "site.yaml"
NO_POLICY = "none"  # `--site none`: no site policy, not even the config folder's


def shipped_policies_dir() -> Path:
    return bundled_dir("policies")


def config_policy_path() -> Path:
    """Where a unit's policy is found when --site is not given."""
    import platformdirs

    return Path(platformdirs.user_config_dir("schedplan")) / CONFIG_NAME


def _semantic(policy: SitePolicy) -> list[Problem]:
    """Every check of a policy file beyond its model: its name, and its country against the holidays package."""
    return _name_problems(policy) or _country_problems(policy)


def _name_problems(policy: SitePolicy) -> list[Problem]:
    """The checks of a policy read from the parsed-file cache, which was kept only after passing every check: the
    country is not checked again there, since that imports holidays (~100 ms, start-up: issue 8) on every plan;
    it is checked where it is used (holiday_lookup, the first date that needs it) and by `schedplan check`."""
    if policy.name.strip().lower().startswith(NO_POLICY):
        # "none (the protocol's doses exactly)" is what a plan without a policy says
        message = f"a policy name must not begin with {NO_POLICY!r}: it would read as no policy"
        return [Problem(message=message, loc=("name",))]
    return []


def _country_problems(policy: SitePolicy) -> list[Problem]:
    if policy.country is None:
        return []
    try:
        import holidays

        holidays.country_holidays(policy.country, subdiv=policy.subdivision)
    except (NotImplementedError, KeyError) as exc:
        return [Problem(message=_no_holidays(policy, exc), loc=("country",))]
    return []


def _no_holidays(policy: SitePolicy, exc: Exception) -> str:
    return f"no public holidays known for country {policy.country!r} ({exc})"


def policy_problems(
    path: Path, *, document: tuple[YamlDocument, bytes] | None = None
) -> tuple[SitePolicy | None, list[Problem], bytes | None]:
    """Every problem in a site policy file, each placed at file:line:column where that is known (``document``:
    the file already read and parsed, not to parse it again)."""
    from schedplan.core.policy import SitePolicy

    return validate_file(
        path,
        SitePolicy,
        _semantic,
        cached_semantic=_name_problems,
        what="a site policy file is a mapping of keys (name, version, rules ...)",
        kind="a site policy file",
        document=document,
    )


def load_policy(path: Path) -> LoadedPolicy:
    policy, problems, raw = policy_problems(path)
    if policy is None:
        raise ProtocolInvalid(problems=problems, source=str(path), kind="site policy")
    assert raw is not None
    return LoadedPolicy(policy=policy, path=path, sha256=hashlib.sha256(raw).hexdigest())


def find_policy(site: str | None) -> LoadedPolicy | None:
    """The policy in force for a new plan or a recalculation.

    ``site`` is what --site gave: ``none`` (no policy, the config folder's turned off), a file path (it has a
    '/' or a .yaml suffix: ``./mysite.yaml``), or a shipped example's name - never a file in the current
    folder that happens to have that name. Without --site: the config folder's site.yaml if there is
    one (``from_config``; say so with policy_note), else none.
    """
    if site is not None:
        if site.strip().lower() == NO_POLICY:
            return None
        if is_file_reference(site):
            path = Path(site).expanduser()
            if not path.exists():
                raise InputError(f"site policy file {site!r} does not exist", field="site", value=site)
            return load_policy(path)
        shipped = shipped_policies_dir() / f"{site}.yaml"
        if shipped.is_file() and "/" not in site:
            return load_policy(shipped)
        examples = ", ".join(sorted(p.stem for p in shipped_policies_dir().glob("*.yaml")))
        local = f"; for the file {site!r} in this folder, write ./{site}" if Path(site).exists() else ""
        raise InputError(
            f"no shipped site policy {site!r}; give a policy file's path (a .yaml file, or ./NAME), `none`,"
            f" or a shipped example: {examples}{local}",
            field="site",
            value=site,
        )
    default = config_policy_path()
    if not default.exists():
        return None
    return dataclasses.replace(load_policy(default), from_config=True)


def policy_note(loaded: LoadedPolicy | None) -> str:
    """One line for stderr naming the policy in force and its file (and, from the config folder, how to
    plan without it), control characters escaped."""
    if loaded is None:
        return "site policy: none (the protocol's doses exactly)"
    name = one_line(loaded.policy.name)
    path = one_line(str(loaded.path))
    if loaded.from_config or loaded.path == config_policy_path():
        return (
            f"site policy: {name!r} (version {one_line(loaded.policy.version)}) from the config folder: {path}"
            " (applies to every new plan; --site none plans without it)"
        )
    return f"site policy: {name!r} (version {one_line(loaded.policy.version)}) from {path}"


def holiday_lookup(policy: SitePolicy | None) -> Callable[[dt.date], str | None] | None:
    """date -> the name of the public holiday on it, for the policy's country; None without a country."""
    if policy is None or policy.country is None:
        return None
    import holidays

    from schedplan.core.safety import PublicCalendar

    try:
        calendar = holidays.country_holidays(policy.country, subdiv=policy.subdivision)
    except (NotImplementedError, KeyError) as exc:  # a policy kept in the cache under another holidays version
        raise InputError(
            f"site policy: {_no_holidays(policy, exc)}; `schedplan check` on the policy file lists its problems",
            field="site",
            value=policy.country,
        ) from None
    return PublicCalendar(holiday=calendar.get, weekend=frozenset(calendar.weekend))  # Israel: Friday, Saturday
