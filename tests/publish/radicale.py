"""A real Radicale CalDAV server for the tests: 127.0.0.1, a free port, its own storage and htpasswd users."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from pathlib import Path

USER = "nurse"
PASSWORD = "correct horse battery staple"


def free_port() -> int:
    """A TCP port nothing listens on now, on the loopback address."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Radicale:
    """One Radicale process; ``stop()`` and ``start()`` again keep the same port and storage."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.port = free_port()
        self.proc: subprocess.Popen[bytes] | None = None
        htpasswd = folder / "users"
        htpasswd.write_text(f"{USER}:{PASSWORD}\n")  # plain: the test's own throwaway user
        self.config = folder / "config"
        self.config.write_text(
            "[server]\n"
            f"hosts = 127.0.0.1:{self.port}\n"
            "[auth]\n"
            "type = htpasswd\n"
            f"htpasswd_filename = {htpasswd}\n"
            "htpasswd_encryption = plain\n"
            "delay = 0\n"
            "[rights]\n"
            "type = owner_only\n"
            "[storage]\n"
            f"filesystem_folder = {folder / 'collections'}\n"
            "[web]\n"
            "type = none\n"
            "[logging]\n"
            "level = warning\n"
        )

    @property
    def url(self) -> str:
        """The base URL: http://127.0.0.1:PORT/"""
        return f"http://127.0.0.1:{self.port}/"

    @property
    def principal_url(self) -> str:
        return f"{self.url}{USER}/"

    def start(self) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "radicale", "--config", str(self.config)],
            stdout=subprocess.DEVNULL,
            stderr=(self.folder / "radicale.log").open("ab"),
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"radicale exited: {(self.folder / 'radicale.log').read_text()[-2000:]}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                    return
            except OSError:
                time.sleep(0.05)
        self.stop()
        raise RuntimeError("radicale did not start listening within 30 s")

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc = None
