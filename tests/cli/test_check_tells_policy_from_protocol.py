"""`schedplan check FILE` tells a site policy from a protocol by its keys: a policy with only `default_times` (or
any one of its parts) is checked as a policy, and a file that is neither says so in one problem (user test)."""

from __future__ import annotations

import pytest

# the keys only a site policy has (docs/site-policy.md); a protocol has none of them
POLICY_PARTS = {
    "default_times": 'default_times:\n  drug: "08:00"\n  routes: {PO: "09:00"}\n',
    "contacts": 'contacts:\n  unit: Day unit\n  phones:\n    - {label: "Day unit", number: "+39 02 0000 0001"}\n',
    "double_check": "double_check:\n  require_signature: false\n",
    "check_tolerance_percent": "check_tolerance_percent: 5\n",
    "measurement_max_age_days": "measurement_max_age_days: 14\n",
    "measured_bsa_max_difference_percent": "measured_bsa_max_difference_percent: 10\n",
    "weight_change_percent": "weight_change_percent: 10\n",
    "country": "country: IT\n",
    "obesity": "obesity:\n  bmi_threshold: 30\n",
}
HEAD = 'name: Ward 7\nversion: "3"\n'


def _write(tmp_path, text: str, name: str = "site.yaml"):
    path = tmp_path / name
    path.write_text(text)
    return path


def test_a_policy_with_only_default_times_is_checked_as_a_policy(cli, tmp_path):
    r = cli("check", str(_write(tmp_path, HEAD + POLICY_PARTS["default_times"])))
    assert r.code == 0, r.out + r.err
    assert "ok (site policy 'Ward 7', version 3)" in r.out
    assert "missing required key 'id'" not in r.out


@pytest.mark.parametrize("part", sorted(POLICY_PARTS))
def test_a_policy_with_any_one_part_is_checked_as_a_policy_not_a_protocol(cli, tmp_path, part):
    r = cli("check", str(_write(tmp_path, HEAD + POLICY_PARTS[part])))
    # whether the part is valid is the policy checker's to say; never the protocol's missing id, title, events
    assert "missing required key 'events'" not in r.out, r.out
    assert "unknown key 'name'" not in r.out, r.out
    if r.code == 0:
        assert "ok (site policy 'Ward 7'" in r.out


def test_a_policy_with_only_its_name_and_version_is_a_policy(cli, tmp_path):
    r = cli("check", str(_write(tmp_path, HEAD)))
    assert r.code == 0, r.out + r.err
    assert "ok (site policy 'Ward 7', version 3)" in r.out


def test_a_policy_with_a_protocol_key_by_mistake_is_still_checked_as_a_policy(cli, tmp_path):
    r = cli("check", str(_write(tmp_path, HEAD + POLICY_PARTS["default_times"] + "events: []\n")))
    assert r.code == 1
    assert "unknown key 'events'" in r.out and "missing required key 'id'" not in r.out, r.out


def test_a_file_that_is_neither_says_so_in_one_problem(cli, tmp_path):
    path = _write(tmp_path, "drugs:\n  - busulfan\nward: 7\n", "what.yaml")
    r = cli("check", str(path))
    assert r.code == 1
    [line] = r.out.strip().splitlines()
    assert line.startswith(f"{path}:1:1: neither a protocol nor a site policy"), line
    assert "it has drugs, ward" in line and "a protocol has id, title, source, anchor and events" in line


def test_shipped_protocols_and_policies_are_still_told_apart(cli):
    r = cli("check", "NCT02999633", "example-astct-2014")
    assert r.code == 0, r.out + r.err
    assert "NCT02999633: ok (NCT02999633" in r.out and "example-astct-2014: ok (site policy" in r.out
