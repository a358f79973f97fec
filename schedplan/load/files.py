"""Files going out: checking a destination before anything runs, writing it atomically, cleaning up after a crash."""

from __future__ import annotations

import os
import signal
import tempfile
import time
from collections.abc import Iterable
from pathlib import Path

from schedplan.errors import PlanFileError

PathLike = str | os.PathLike[str]


def real_path(path: PathLike) -> Path:
    """The file ``path`` names after following every symbolic link (it need not exist)."""
    return Path(os.path.realpath(Path(path).expanduser()))


def check_writable(path: PathLike) -> Path:
    """The real file ``path`` names (through a symbolic link, so a synced calendar behind a link is the one
    updated), after checking it can be written: a regular file or none yet, in a folder that exists and
    can be written. Raises PlanFileError saying what is wrong; writes nothing."""
    name = str(path)
    if not name.strip():
        raise PlanFileError("the file name is empty; give a path, e.g. plan.json", path=name)
    target = real_path(path)
    if target.exists() and not target.is_file():
        what = "a directory" if target.is_dir() else "not a regular file (a device, pipe or socket)"
        raise PlanFileError(f"cannot write {name!r}: it is {what}", path=name)
    directory = target.parent
    if not directory.is_dir():
        raise PlanFileError(f"cannot write {name!r}: the folder {str(directory)!r} does not exist", path=name)
    if not os.access(directory, os.W_OK) or (target.exists() and not os.access(target, os.W_OK)):
        raise PlanFileError(f"cannot write {name!r}: permission denied", path=name)
    return target


def refuse_same_file(named: Iterable[tuple[str, PathLike | None]]) -> None:
    """Raise PlanFileError when two of the ``(what, path)`` given are the same file - by name, through a
    symbolic link or a hard link - e.g. a calendar written over the plan file it is made from."""
    seen: dict[Path, tuple[str, str]] = {}
    for what, path in named:
        if path is None or not str(path).strip():
            continue
        real = real_path(path)
        key = real
        try:
            st = real.stat()
            key = Path(f"/dev/{st.st_dev}/inode/{st.st_ino}")
        except OSError:
            pass
        if key in seen:
            other_what, other = seen[key]
            same = f"{other!r} and {str(path)!r} are" if other != str(path) else f"{other!r} is"
            raise PlanFileError(
                f"{same} both the {other_what} and the {what}; one file cannot be both (nothing was written)",
                path=str(path),
            )
        seen[key] = (what, str(path))


STOP_AT = "SCHEDPLAN_TEST_STOP_AT"  # tests: the write step at which the process kills itself (kill -9)
STALE_SECONDS = 600  # a temporary file with no process id in its name is left behind once this old


def stop_at(step: str) -> None:
    """The crash tests' hook: when SCHEDPLAN_TEST_STOP_AT names ``step``, the process dies here at once,
    as a kill -9 or a power cut would stop it (nothing flushed, nothing cleaned up)."""
    if os.environ.get(STOP_AT) == step:
        os.kill(os.getpid(), signal.SIGKILL)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # exists, owned by someone else
        return True
    return True


def clean_stale_temps(target: Path) -> list[Path]:
    """Remove the temporary files a killed write of ``target`` left beside it (``.NAME.<pid>.<random>.tmp``
    whose process is gone; one without a process id once STALE_SECONDS old). Returns those removed."""
    removed: list[Path] = []
    prefix = f".{target.name}."
    try:
        names = [n for n in os.listdir(target.parent) if n.startswith(prefix) and n.endswith(".tmp")]
    except OSError:
        return removed
    for name in names:
        path = target.parent / name
        pid = name[len(prefix) :].split(".", 1)[0]
        try:
            if pid.isdigit():
                if int(pid) == os.getpid() or _alive(int(pid)):
                    continue
            elif time.time() - path.stat().st_mtime < STALE_SECONDS:
                continue
            path.unlink()
            removed.append(path)
        except OSError:
            continue
    return removed


def write_atomic(path: PathLike, data: bytes, *, new_mode: int = 0o600, step: str | None = None) -> None:
    """Write ``data`` to ``path`` so that a crash leaves either the old file or the new one, never half.

    A temporary file in the same directory is written, flushed to disk, given the old file's
    permissions (``new_mode`` for a new file) and renamed over ``path``; temporary files an earlier,
    killed write of the same file left behind are removed first. ``step`` names the write for the crash
    tests (stop_at ``STEP:temp`` before the rename, ``STEP:renamed`` after it). Raises PlanFileError.
    """
    target = check_writable(path)
    directory = target.parent
    clean_stale_temps(target)
    try:
        mode = target.stat().st_mode & 0o777
    except FileNotFoundError:
        mode = new_mode
    except OSError as exc:
        raise PlanFileError(f"cannot write {str(path)!r}: {exc.strerror or exc}", path=str(path)) from None
    tmp_name = None
    try:
        fd, tmp_name = tempfile.mkstemp(dir=directory, prefix=f".{target.name}.{os.getpid()}.", suffix=".tmp")
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp_name, mode)
        if step:
            stop_at(f"{step}:temp")
        os.replace(tmp_name, target)
        tmp_name = None
        _sync_dir(directory)
        if step:
            stop_at(f"{step}:renamed")
    except OSError as exc:
        raise PlanFileError(f"cannot write {str(target)!r}: {exc.strerror or exc}", path=str(target)) from None
    finally:
        if tmp_name is not None:
            try:
                os.unlink(tmp_name)
            except OSError:
                pass


def _sync_dir(directory: Path) -> None:
    try:
        dir_fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return  # no directory handles on this system; the rename is done
    try:
        os.fsync(dir_fd)
    except OSError:
        pass
    finally:
        os.close(dir_fd)
