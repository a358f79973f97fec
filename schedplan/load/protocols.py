"""Protocol files in: read, validate with file:line:column for every problem, find shipped protocols by id."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from schedplan.core.protocol import Protocol, semantic_problems
from schedplan.core.sources import LoadedProtocol
from schedplan.errors import Problem, ProtocolInvalid, UnknownProtocolError
from schedplan.load.yaml_source import YamlDocument, validate_file


def bundled_dir(name: str) -> Path:
    """A folder shipped with schedplan (``protocols``, ``policies``): in an installed wheel it is
    ``schedplan/_<name>``, in a checkout ``<name>/`` beside the package."""
    here = Path(__file__).resolve().parent.parent
    installed = here / f"_{name}"
    return installed if installed.is_dir() else here.parent / name


def shipped_dir() -> Path:
    """Where the shipped protocols are."""
    return bundled_dir("protocols")


def protocol_problems(
    path: Path, *, document: tuple[YamlDocument, bytes] | None = None
) -> tuple[Protocol | None, list[Problem], bytes | None]:
    """Every problem in a protocol file, each placed at file:line:column where that is known (``document``:
    the file already read and parsed, not to parse it again)."""
    return validate_file(
        path,
        Protocol,
        semantic_problems,
        what="a protocol file is a mapping of keys (id, title, anchor, events ...)",
        kind="a protocol file",
        document=document,
    )


def load_protocol(path: Path) -> LoadedProtocol:
    """Load one protocol file; raises ProtocolInvalid listing every problem."""
    protocol, problems, raw = protocol_problems(path)
    if protocol is None:
        raise ProtocolInvalid(problems=problems, source=str(path))
    assert raw is not None
    return LoadedProtocol(protocol=protocol, path=path, sha256=hashlib.sha256(raw).hexdigest())


def shipped_protocols() -> list[LoadedProtocol]:
    """All shipped protocols, by id."""
    return sorted((load_protocol(p) for p in shipped_dir().glob("*.yaml")), key=lambda lp: lp.protocol.id)


def is_file_reference(name: str) -> bool:
    """A reference to a file, not a shipped name: it has a '/' (``./NAME``) or a .yaml/.yml suffix."""
    return "/" in name or os.sep in name or Path(name).suffix.lower() in (".yaml", ".yml")


def find_protocol(name: str) -> LoadedProtocol:
    """A shipped protocol by id (any case), or a YAML file by path.

    A name with no '/' and no .yaml suffix means the shipped protocol only: a file of that name in the
    current folder never replaces it (it is reached as ``./NAME``).
    """
    if is_file_reference(name):
        candidate = Path(name).expanduser()
        if candidate.is_dir():
            raise UnknownProtocolError(
                f"{name!r} is a folder, not a protocol file; give the path of a .yaml file", name=name
            )
        if not candidate.exists():
            raise UnknownProtocolError(f"protocol file {name!r} does not exist", name=name)
        return load_protocol(candidate)
    files = {p.stem.upper(): p for p in shipped_dir().glob("*.yaml")}
    path = files.get(name.strip().upper())
    if path is None:
        known = tuple(sorted(files))
        local = f"; for the file {name!r} in this folder, write ./{name}" if Path(name).exists() else ""
        raise UnknownProtocolError(
            f"no protocol {name!r}; shipped protocols: {', '.join(known)} (or give a path to a .yaml file){local}",
            name=name,
            known=known,
        )
    return load_protocol(path)
