"""Signatures of double-check records with the checker's SSH key (ssh-keygen -Y sign / verify)."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from schedplan.errors import InputError

NAMESPACE = "schedplan-check"


def _ssh_keygen() -> str:
    found = shutil.which("ssh-keygen")
    if found is None:
        raise InputError("signing a double check needs ssh-keygen (OpenSSH 8.1 or later), which is not installed")
    return found


def public_key(key: str) -> str:
    """The public key of the private key file ``key`` (InputError when it cannot be read)."""
    r = subprocess.run([_ssh_keygen(), "-y", "-f", key], capture_output=True, text=True, stdin=subprocess.DEVNULL)
    if r.returncode != 0:
        why = (r.stderr.strip().splitlines() or ["cannot read it"])[-1]
        raise InputError(f"--sign-key {key!r}: {why}", field="sign_key")
    return r.stdout.strip()


def sign(message: str, key: str) -> str:
    """An armored ssh-keygen signature of ``message`` with the private key file ``key``."""
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "seal"
        data.write_text(message, encoding="ascii")
        r = subprocess.run(
            [_ssh_keygen(), "-Y", "sign", "-n", NAMESPACE, "-f", key, str(data)], capture_output=True, text=True
        )
        if r.returncode != 0:
            why = (r.stderr.strip().splitlines() or ["failed"])[-1]
            raise InputError(f"--sign-key {key!r}: signing failed: {why}", field="sign_key")
        return (Path(tmp) / "seal.sig").read_text(encoding="ascii")


def signer(message: str, signature: str, allowed_signers: Path) -> str | None:
    """The principal of ``allowed_signers`` whose key made ``signature`` of ``message``; None when none did."""
    if shutil.which("ssh-keygen") is None or not allowed_signers.is_file():
        return None
    with tempfile.TemporaryDirectory() as tmp:
        sig = Path(tmp) / "seal.sig"
        sig.write_text(signature, encoding="ascii")
        found = subprocess.run(
            [_ssh_keygen(), "-Y", "find-principals", "-s", str(sig), "-f", str(allowed_signers)],
            capture_output=True,
            text=True,
            stdin=subprocess.DEVNULL,
        )
        for principal in found.stdout.split() if found.returncode == 0 else []:
            r = subprocess.run(
                [
                    _ssh_keygen(),
                    "-Y",
                    "verify",
                    "-f",
                    str(allowed_signers),
                    "-I",
                    principal,
                    "-n",
                    NAMESPACE,
                    "-s",
                    str(sig),
                ],
                input=message,
                capture_output=True,
                text=True,
            )
            if r.returncode == 0:
                return principal
    return None
