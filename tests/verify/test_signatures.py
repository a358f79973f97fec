"""Issue 10 item 8: a double check signed with the checker's SSH key (ssh-keygen -Y sign), verified with the
allowed-signers file the site policy names; a site can require signatures."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.verify.conftest import PLAN, answers

pytestmark = pytest.mark.skipif(shutil.which("ssh-keygen") is None, reason="ssh-keygen (OpenSSH) is not installed")

POLICY = """\
name: Test unit
version: "1"
double_check:
  require_signature: {require}
  allowed_signers: allowed_signers
"""


def _key(tmp_path: Path, name: str) -> Path:
    key = tmp_path / name
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", name, "-f", str(key)], check=True)
    return key


@pytest.fixture
def site(cli, tmp_path):
    """A plan under a policy requiring signatures, and the checker's key in its allowed-signers file."""
    key = _key(tmp_path, "checker")
    (tmp_path / "allowed_signers").write_text(f"ab@unit.example {(tmp_path / 'checker.pub').read_text()}")
    policy = tmp_path / "site.yaml"
    policy.write_text(POLICY.format(require="true"))
    plan = tmp_path / "p.json"
    r = cli(*PLAN, "--site", str(policy), "--save", str(plan))
    assert r.code == 0, r.err
    return plan, key, policy


def test_a_signed_check_holds_signed_by_its_principal(cli, site, tmp_path):
    plan, key, _ = site
    r = cli("verify", str(plan), "--checker", "A.B.", "--answers", str(answers(tmp_path)), "--sign-key", str(key))
    assert r.code == 0, r.out + r.err
    record = json.loads(plan.read_text())["checks"][0]
    assert record["signature"].startswith("-----BEGIN SSH SIGNATURE-----")
    status = cli("verify", str(plan), "--status")
    assert status.code == 0 and status.out.strip().endswith("- holds (signed by ab@unit.example)"), status.out


def test_a_required_signature_cannot_be_left_out(cli, site, tmp_path):
    plan, _, _ = site
    r = cli("verify", str(plan), "--checker", "A.B.", "--answers", str(answers(tmp_path)))
    assert r.code == 2 and "requires every double check to be signed: give --sign-key" in r.err
    assert json.loads(plan.read_text())["checks"] == []


def test_a_key_not_in_the_allowed_signers_does_not_hold(cli, site, tmp_path):
    plan, _, _ = site
    stranger = _key(tmp_path, "stranger")
    r = cli("verify", str(plan), "--checker", "A.B.", "--answers", str(answers(tmp_path)), "--sign-key", str(stranger))
    assert r.code == 0, r.err
    status = cli("verify", str(plan), "--status")
    assert status.code == 1 and "- holds" not in status.out
    assert "TAMPERED: its signature is not one of a key in" in status.out


def test_a_signature_removed_by_hand_does_not_hold_where_signatures_are_required(cli, site, tmp_path):
    plan, key, _ = site
    assert (
        cli("verify", str(plan), "--checker", "A.B.", "--answers", str(answers(tmp_path)), "--sign-key", str(key)).code
        == 0
    )
    data = json.loads(plan.read_text())
    del data["checks"][0]["signature"]
    plan.write_text(json.dumps(data))
    status = cli("verify", str(plan), "--status")
    assert "- holds" not in status.out and "NOT SIGNED: the site policy requires" in status.out
