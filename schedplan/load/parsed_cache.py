"""A cache of parsed YAML files (plain data) in the user's cache folder, so that a valid file is not re-parsed.

An entry is the plain data the YAML parser made of a file (dicts, lists, text, whole numbers, Decimals,
booleans, None), kept only for a file with no problem at all, under a name made from the file's sha256 and a
fingerprint of the parser (schedplan's version, the parser's own source, ruamel.yaml's). The data is checked
against the sha256 recorded with it before it is used; a missing, stale, damaged or unreadable entry is
treated as no entry (the file is parsed again) and never raises. Entries are written atomically (a temporary
file renamed into place), and a failure to write one is ignored: the cache only saves time.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

FORMAT = 1  # the layout of an entry; a change makes every older entry stale
_DECIMAL = "\x00decimal"  # the one key of an encoded Decimal: a YAML key never holds a control character
MAX_ENTRY_BYTES = 4 * 1024 * 1024  # far above any entry of a file within the YAML limits (64 KiB)
_ENVELOPE = frozenset({"format", "fingerprint", "file_sha256", "data_sha256", "data"})
# the source files whose change can change what the parser makes of a file
_PARSER_SOURCES = ("load/yaml_parser.py", "load/yaml_source.py", "load/parsed_cache.py", "core/text.py")


class _Damaged(Exception):
    """An entry that is not what this module writes."""


def cache_dir() -> Path:
    """Where the entries are: ``parsed`` in the user's cache folder (``$XDG_CACHE_HOME/schedplan`` on Linux)."""
    import platformdirs

    return Path(platformdirs.user_cache_dir("schedplan")) / "parsed"


@functools.cache
def fingerprint() -> str:
    """What the parse of a file depends on besides its bytes, as one sha256."""
    from schedplan import __version__

    digest = hashlib.sha256(f"schedplan-parsed {FORMAT} {__version__}\n".encode())
    package = Path(__file__).resolve().parent.parent
    for name in _PARSER_SOURCES:
        digest.update(name.encode() + b"\n" + _read_or_empty(package / name))
    digest.update(b"ruamel.yaml\n" + _read_or_empty(_ruamel_init()))
    return digest.hexdigest()


def _ruamel_init() -> Path | None:
    """ruamel.yaml's __init__.py (it holds its version), found without importing ruamel.yaml."""
    import importlib.util

    try:
        spec = importlib.util.find_spec("ruamel.yaml")
    except (ImportError, ValueError):
        return None
    return Path(spec.origin) if spec is not None and spec.origin else None


def _read_or_empty(path: Path | None) -> bytes:
    if path is None:
        return b"\x00missing"
    try:
        return path.read_bytes()
    except OSError:
        return b"\x00missing"


def entry_path(raw: bytes) -> Path:
    """The entry of a file whose bytes are ``raw``."""
    key = hashlib.sha256(f"{fingerprint()}\n{hashlib.sha256(raw).hexdigest()}".encode()).hexdigest()
    return cache_dir() / f"{key}.json"


def load(raw: bytes) -> Any | None:
    """The cached plain data of the file whose bytes are ``raw``, or None (no entry, or one not to be trusted)."""
    try:
        path = entry_path(raw)
        with path.open("rb") as f:
            text = f.read(MAX_ENTRY_BYTES + 1)
        if len(text) > MAX_ENTRY_BYTES:
            return None
        return _entry_data(text, raw)
    except (OSError, ValueError, _Damaged, RecursionError):
        return None


def _entry_data(text: bytes, raw: bytes) -> Any:
    envelope = json.loads(text)
    if not isinstance(envelope, dict) or set(envelope) != {
        "format",
        "fingerprint",
        "file_sha256",
        "data_sha256",
        "data",
    }:
        raise _Damaged("not an entry")
    if envelope["format"] != FORMAT or envelope["fingerprint"] != fingerprint():
        raise _Damaged("another parser's entry")
    if envelope["file_sha256"] != hashlib.sha256(raw).hexdigest():
        raise _Damaged("another file's entry")
    data_text = envelope["data"]
    if not isinstance(data_text, str) or envelope["data_sha256"] != hashlib.sha256(data_text.encode()).hexdigest():
        raise _Damaged("the data does not match its sha256")
    return decode(json.loads(data_text))


def store(raw: bytes, data: Any) -> None:
    """Keep ``data``, the parse of the file whose bytes are ``raw``; nothing is kept if it cannot be encoded
    exactly or written (never raises)."""
    try:
        encoded = encode(data)
        if not same(decode(encoded), data):
            return
        data_text = json.dumps(encoded, ensure_ascii=True, separators=(",", ":"))
        envelope = {
            "format": FORMAT,
            "fingerprint": fingerprint(),
            "file_sha256": hashlib.sha256(raw).hexdigest(),
            "data_sha256": hashlib.sha256(data_text.encode()).hexdigest(),
            "data": data_text,
        }
        _write_atomically(entry_path(raw), json.dumps(envelope, ensure_ascii=True).encode())
    except (OSError, ValueError, TypeError, _Damaged, RecursionError):
        return


def _write_atomically(path: Path, content: bytes) -> None:
    import tempfile  # only when an entry is written

    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".json")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(content)
        # no fsync: an entry cut short by a crash fails its sha256 check and is parsed again, like no entry
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def encode(data: Any) -> Any:
    """Plain YAML data as JSON values: a Decimal becomes ``{"\\x00decimal": "its exact text"}``; any other type
    than the parser makes raises _Damaged (it is then not cached)."""
    if data is None or isinstance(data, str | bool | int):
        return data
    if isinstance(data, Decimal):
        if not data.is_finite():
            raise _Damaged("a Decimal that is not a number")
        return {_DECIMAL: str(data)}
    if isinstance(data, list):
        return [encode(item) for item in data]
    if isinstance(data, dict):
        if not all(isinstance(k, str) and not k.startswith("\x00") for k in data):
            raise _Damaged("a key that is not plain text")
        return {k: encode(v) for k, v in data.items()}
    raise _Damaged(f"a value of type {type(data).__name__}")


def decode(value: Any) -> Any:
    """The inverse of encode; raises _Damaged on anything encode does not make."""
    if value is None or isinstance(value, str | bool | int):
        return value
    if isinstance(value, list):
        return [decode(item) for item in value]
    if isinstance(value, dict):
        if _DECIMAL in value:
            text = value[_DECIMAL]
            if len(value) != 1 or not isinstance(text, str):
                raise _Damaged("a damaged Decimal")
            try:
                number = Decimal(text)
            except InvalidOperation:
                raise _Damaged("a damaged Decimal") from None
            if not number.is_finite() or str(number) != text:
                raise _Damaged("a damaged Decimal")
            return number
        if any(k.startswith("\x00") for k in value):
            raise _Damaged("a key that is not plain text")
        return {k: decode(v) for k, v in value.items()}
    raise _Damaged(f"a value of type {type(value).__name__}")  # a float: encode never writes one


def same(a: Any, b: Any) -> bool:
    """Equal, and of the same types all the way down (``Decimal("1") == 1 == True`` are not the same here)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, dict):
        return list(a) == list(b) and all(same(a[k], b[k]) for k in a)
    if isinstance(a, Decimal):
        return str(a) == str(b)
    return bool(a == b)
