"""A site policy's country (issue 8): checked against the holidays package when the file is first read (and by
`check`), but a policy read from the parsed-file cache does not import holidays (~100 ms) until a date needs it."""

from __future__ import annotations

import subprocess
import sys

import pytest

from schedplan.errors import InputError, ProtocolInvalid
from schedplan.load import parsed_cache
from schedplan.load.policy import holiday_lookup, load_policy
from schedplan.load.yaml_source import parse_yaml
from schedplan.plans.sources import check_file
from tests.conftest import ROOT

POLICY = ROOT / "policies" / "example-astct-2014.yaml"  # country: US
PLAN = (  # NCT02999633 has no outpatient visit: no date needs the policy country's holidays
    "plan",
    "NCT02999633",
    "--weight",
    "70kg",
    "--height",
    "175cm",
    "--sex",
    "M",
    "--anchor-date",
    "2027-03-15",
    "--format",
    "json",
    "--site",
    str(POLICY),
)
NO_COUNTRY = "name: Ruritania General\nversion: '1'\ncountry: XX\n"


def _modules_after_plan() -> tuple[str, set[str]]:
    code = "import sys, schedplan.cli as c\nc.main(sys.argv[1:])\nprint(' '.join(sorted(sys.modules)), file=sys.stderr)"
    r = subprocess.run([sys.executable, "-c", code, *PLAN], capture_output=True, text=True, cwd=ROOT, timeout=120)
    return r.stdout, set(r.stderr.split())


def test_a_plan_under_a_kept_policy_with_a_country_does_not_import_holidays_when_no_date_needs_them():
    first_out, first = _modules_after_plan()  # the policy is read, its country checked with holidays, and kept
    assert "holidays" in first
    out, loaded = _modules_after_plan()  # the policy from the cache
    assert out == first_out and '"events"' in out
    assert "schedplan.core.policy" in loaded  # the policy was in force
    assert "holidays" not in loaded


def test_a_policy_with_a_country_holidays_does_not_know_is_refused_each_time_and_never_kept(tmp_path):
    path = tmp_path / "site.yaml"
    path.write_text(NO_COUNTRY)
    for _ in range(2):
        with pytest.raises(ProtocolInvalid, match="no public holidays known for country 'XX'"):
            load_policy(path)
    assert parsed_cache.load(path.read_bytes()) is None


def test_a_kept_policy_whose_country_is_unknown_stops_at_its_first_holiday_lookup_with_one_line(tmp_path):
    # an entry kept under another holidays version that knew the country (planted here): the policy loads, and the
    # first date that needs its holidays says what is wrong instead of an internal error
    path = tmp_path / "site.yaml"
    path.write_text(NO_COUNTRY)
    parsed_cache.store(path.read_bytes(), parse_yaml(NO_COUNTRY, str(path)).data)
    loaded = load_policy(path)
    assert loaded.policy.country == "XX"
    with pytest.raises(InputError, match="no public holidays known for country 'XX'"):
        holiday_lookup(loaded.policy)
    # and `schedplan check` reads the file afresh: the problem is listed at its line
    problems = [p.render() for p in check_file(path).problems]
    said = "no public holidays known for country 'XX' (Country XX not available)"
    assert problems == [f"{path}:3:10: {said} (at country)"]


def test_an_outpatient_visit_under_a_kept_policy_is_still_checked_against_its_holidays(cli):
    # NCT07256210's end of follow-up is an outpatient visit on day +730: from 2027-06-20 that is 2029-06-19
    # (2028 has a 29 February), Juneteenth, a US federal holiday; the policy read from the cache still finds it
    args = ["plan", "NCT07256210", *PLAN[2:]]
    args[args.index("--anchor-date") + 1] = "2027-06-20"
    args += ["--set", "donor=haploidentical", "--set", "conditioning=treosulfan", "--set", "nk_dose_level=1"]
    first = cli(*args)
    again = cli(*args)  # the policy from the cache
    assert first.code == again.code == 0, again.err
    assert again.out == first.out
    assert "2029-06-19) falls on a public holiday (Juneteenth" in again.out
