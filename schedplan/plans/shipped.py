"""What ships with schedplan beside the code: the example site policies (listed, copied out) and the docs."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from schedplan.core.policy import SitePolicy
from schedplan.errors import InputError, PlanFileError

DOCS = ("protocol-format.md", "site-policy.md")  # the user documentation shipped in the wheel


@dataclass(frozen=True)
class ShippedPolicy:
    """A site policy shipped with schedplan: the name `--site` takes, its file, and what it says it is."""

    name: str
    path: Path
    policy: SitePolicy


def shipped_policies() -> list[ShippedPolicy]:
    """Every shipped site policy, by name."""
    from schedplan.load.policy import load_policy, shipped_policies_dir

    return [ShippedPolicy(p.stem, p, load_policy(p).policy) for p in sorted(shipped_policies_dir().glob("*.yaml"))]


def shipped_policy_path(name: str) -> Path | None:
    """The file of the shipped policy ``name`` (as `--site NAME` takes it); None when there is none."""
    from schedplan.load.policy import shipped_policies_dir

    if "/" in name or "\\" in name or name.startswith("."):
        return None
    path = shipped_policies_dir() / f"{name}.yaml"
    return path if path.is_file() else None


def copy_policy(name: str, dest: str, *, replace: bool = False) -> Path:
    """Write the shipped policy ``name`` to ``dest`` (byte for byte, atomically) for a site to edit; an
    existing file only with ``replace``. Returns the file written."""
    from schedplan.load.files import write_atomic

    source = shipped_policy_path(name)
    if source is None:
        known = ", ".join(p.name for p in shipped_policies())
        raise InputError(f"no shipped site policy {name!r}; the shipped ones are: {known}", field="policy")
    if not dest.strip():
        raise InputError("give the file to write, e.g. site.yaml", field="copy")
    target = Path(dest).expanduser()
    if target.exists() and not replace:
        raise PlanFileError(f"{dest} exists; give --replace to write over it, or another file name", path=dest)
    write_atomic(target, source.read_bytes(), new_mode=0o644)
    return target


def check_target(name: str) -> Path:
    """The file `schedplan check NAME` checks: a path as given; a name that is no file but a shipped
    policy's or protocol's (example-astct-2014, NCT07256210), that shipped file."""
    from schedplan.load.protocols import shipped_dir

    path = Path(name)
    if path.exists() or "/" in name or name.lower().endswith((".yaml", ".yml")):
        return path
    policy = shipped_policy_path(name)
    if policy is not None:
        return policy
    protocols = {p.stem.upper(): p for p in shipped_dir().glob("*.yaml")}
    return protocols.get(name.upper(), path)


def docs_dir() -> Path | None:
    """The folder of the user documentation (protocol format, site policy): in a wheel ``schedplan/_docs``,
    in a checkout ``docs/``; None when neither is there."""
    from schedplan.load.protocols import bundled_dir

    found = bundled_dir("docs")
    return found if all((found / name).is_file() for name in DOCS) else None
