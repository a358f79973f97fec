"""read_bounded: a file's bytes, refusing before any read a file over its limit, a folder, a device or a FIFO."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from schedplan.core.text import one_line
from schedplan.errors import SchedplanError


class UnreadableFile(SchedplanError, OSError):
    """A file that cannot or must not be read; ``str()`` is one line naming the file, ``reason`` the rest.

    It is an OSError too, so code that already handles a file it cannot read handles this one."""

    def __init__(self, reason: str, *, path: Path | str):
        super().__init__(f"{one_line(str(path))}: {reason}")
        self.path = str(path)
        self.reason = reason


def _size(n: int) -> str:
    return f"{n:,} bytes" if n < 1024 else f"{n:,} bytes ({n / 1024:,.0f} KiB)"


def read_bounded(path: Path | str, limit: int, what: str) -> bytes:
    """The bytes of the regular file ``path``, at most ``limit`` of them; ``what`` names what it should be
    (``a protocol file``). Raises UnreadableFile (one line: the file, what is wrong, the limit).

    The file is opened without blocking (a FIFO with no writer would wait forever) and checked with fstat
    on the open descriptor, so a device such as /dev/zero or a FIFO is never read; reading stops one byte
    past the limit, so a file that grows while it is read is refused too.
    """
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        raise UnreadableFile(f"cannot read {what}: {exc.strerror or exc}", path=path) from None
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise UnreadableFile(f"is a folder; give the path of {what}", path=path)
        if not stat.S_ISREG(info.st_mode):
            raise UnreadableFile(f"not a regular file (a device, FIFO or socket); give the path of {what}", path=path)
        if info.st_size > limit:
            raise UnreadableFile(
                f"{what} is larger than the limit of {_size(limit)} (this one: {_size(info.st_size)})",
                path=path,
            )
        chunks: list[bytes] = []
        total = 0
        while total <= limit:
            chunk = os.read(fd, limit + 1 - total)
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
        if total > limit:
            raise UnreadableFile(f"{what} grew past the limit of {_size(limit)} while it was read", path=path)
        return b"".join(chunks)
    except UnreadableFile:
        raise
    except OSError as exc:
        raise UnreadableFile(f"cannot read {what}: {exc.strerror or exc}", path=path) from None
    finally:
        os.close(fd)
