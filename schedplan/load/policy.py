"""Site policy files in: --site FILE, or site.yaml in the user's config folder; and the country's holidays."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from schedplan.core.policy import SitePolicy
from schedplan.errors import InputError, Problem, ProtocolInvalid
from schedplan.load.protocols import bundled_dir
from schedplan.load.yaml_source import validate_file

CONFIG_NAME = "site.yaml"


@dataclass(frozen=True)
class LoadedPolicy:
    policy: SitePolicy
    path: Path
    sha256: str


def shipped_policies_dir() -> Path:
    return bundled_dir("policies")


def config_policy_path() -> Path:
    """Where a unit's policy is found when --site is not given."""
    import platformdirs

    return Path(platformdirs.user_config_dir("schedplan")) / CONFIG_NAME


def _semantic(policy: SitePolicy) -> list[Problem]:
    if policy.country is None:
        return []
    try:
        import holidays

        holidays.country_holidays(policy.country, subdiv=policy.subdivision)
    except (NotImplementedError, KeyError) as exc:
        return [Problem(message=f"no public holidays known for country {policy.country!r} ({exc})", loc=("country",))]
    return []


def policy_problems(path: Path) -> tuple[SitePolicy | None, list[Problem], bytes | None]:
    return validate_file(
        path,
        SitePolicy,
        _semantic,
        what="a site policy file is a mapping of keys (name, version, rules ...)",
        kind="a site policy file",
    )


def load_policy(path: Path) -> LoadedPolicy:
    policy, problems, raw = policy_problems(path)
    if policy is None:
        raise ProtocolInvalid(problems=problems, source=str(path), kind="site policy")
    assert raw is not None
    return LoadedPolicy(policy=policy, path=path, sha256=hashlib.sha256(raw).hexdigest())


def find_policy(site: str | None) -> LoadedPolicy | None:
    """The policy named by --site (a path, or a shipped example's name), else the config folder's, else none."""
    if site is not None:
        path = Path(site).expanduser()
        if not path.is_file():
            shipped = shipped_policies_dir() / f"{site}.yaml"
            if shipped.is_file():
                path = shipped
            else:
                examples = ", ".join(sorted(p.stem for p in shipped_policies_dir().glob("*.yaml")))
                raise InputError(f"site policy {site!r} does not exist; give a .yaml path (examples shipped: {examples})", field="site")
        return load_policy(path)
    default = config_policy_path()
    return load_policy(default) if default.is_file() else None


def holiday_lookup(policy: SitePolicy | None) -> Callable[[dt.date], str | None] | None:
    """date -> the name of the public holiday on it, for the policy's country; None without a country."""
    if policy is None or policy.country is None:
        return None
    import holidays

    calendar = holidays.country_holidays(policy.country, subdiv=policy.subdivision)

    def lookup(day: dt.date) -> str | None:
        return calendar.get(day)

    return lookup
