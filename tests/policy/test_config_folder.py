"""Without --site, the policy in the user's config folder applies; with neither, none does."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ARGS = [
    "plan",
    "NCT07256210",
    "--weight",
    "70kg",
    "--height",
    "175cm",
    "--sex",
    "M",
    "--anchor-date",
    "2027-03-15",
    "--set",
    "donor=haploidentical",
    "--set",
    "conditioning=tbi",
    "--set",
    "nk_dose_level=1",
    "--format",
    "json",
]


def run(env_home: Path) -> str:
    import json
    import os

    env = {**os.environ, "XDG_CONFIG_HOME": str(env_home)}
    r = subprocess.run([sys.executable, "-m", "schedplan", *ARGS], capture_output=True, text=True, env=env, cwd=ROOT)
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout)["policy"]


def test_config_folder_policy_applies_when_no_site_is_given(tmp_path):
    assert run(tmp_path) is None
    (tmp_path / "schedplan").mkdir()
    shutil.copy(ROOT / "policies" / "example-astct-2014.yaml", tmp_path / "schedplan" / "site.yaml")
    policy = run(tmp_path)
    assert policy["example"] is True and policy["name"].startswith("Example policy")


def test_a_saved_plan_without_a_policy_does_not_pick_up_one_added_later(tmp_path):
    import json
    import os

    env = {**os.environ, "XDG_CONFIG_HOME": str(tmp_path / "config")}
    plan_file = tmp_path / "p.json"
    base = [a for a in ARGS if a not in ("--format", "json")]
    r = subprocess.run(
        [sys.executable, "-m", "schedplan", *base, "--save", str(plan_file)],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
    )
    assert r.returncode == 0, r.stderr
    (tmp_path / "config" / "schedplan").mkdir(parents=True)
    shutil.copy(ROOT / "policies" / "example-astct-2014.yaml", tmp_path / "config" / "schedplan" / "site.yaml")
    r = subprocess.run(
        [sys.executable, "-m", "schedplan", "replan", str(plan_file), "--weight", "71kg"],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
    )
    assert r.returncode == 0, r.stderr
    saved = json.loads(plan_file.read_text())
    assert saved["inputs"]["site"] is None and saved["schedule"]["policy"] is None
