"""Every bad protocol or site-policy file (tests/fixtures/bad): `check` and `plan` answer exit 2 with one
located line per problem, quickly and in bounded memory - never a hang, never internal error (70)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.conftest import ROOT

BAD = ROOT / "tests" / "fixtures" / "bad"
PROTOCOL_FILES = sorted(p.name for p in BAD.glob("*.yaml") if not p.name.startswith("policy-"))
POLICY_FILES = sorted(p.name for p in BAD.glob("policy-*.yaml"))
PATIENT = ["--weight", "70kg", "--height", "175cm", "--anchor-date", "2027-03-15"]
NK = ["NCT07256210", "--set", "donor=haploidentical", "--set", "conditioning=treosulfan", "--set", "nk_dose_level=1"]


def located(line: str, path: Path) -> bool:
    return re.match(re.escape(str(path)) + r":\d+:\d+: \S", line) is not None


def assert_one_error_line(run, path: Path) -> str:
    assert run.code == 2, (run.code, run.err)
    lines = run.err.splitlines()
    assert len(lines) == 1, run.err
    assert lines[0].startswith("schedplan: error: ")
    assert "Traceback" not in run.err and "internal error" not in run.err
    return lines[0]


def test_every_finding_has_a_fixture():
    # the list of issue 9's bad files; a fixture removed by mistake must not make the tests below pass
    assert len(PROTOCOL_FILES) >= 15 and len(POLICY_FILES) >= 3


@pytest.mark.parametrize("name", PROTOCOL_FILES + POLICY_FILES)
def test_check_gives_located_one_line_problems_and_exit_1(guarded_cli, name):
    path = BAD / name
    run = guarded_cli("check", str(path))
    assert run.code == 1, (run.code, run.out, run.err)  # findings: 1, as linters (usage errors: 2)
    problems = run.out.splitlines()
    assert problems, run.err
    for line in problems:
        assert located(line, path), line
    assert run.err.splitlines() == [f"{path}: {len(problems)} problem{'s' if len(problems) != 1 else ''}"]


@pytest.mark.parametrize("name", PROTOCOL_FILES)
def test_plan_with_a_bad_protocol_file_is_one_located_line(guarded_cli, name):
    path = BAD / name
    line = assert_one_error_line(guarded_cli("plan", str(path), *PATIENT), path)
    assert re.search(re.escape(str(path)) + r":\d+:\d+: ", line), line


@pytest.mark.parametrize("name", POLICY_FILES)
def test_plan_with_a_bad_policy_file_is_one_located_line(guarded_cli, name):
    path = BAD / name
    line = assert_one_error_line(guarded_cli("plan", *NK, *PATIENT, "--site", str(path)), path)
    assert re.search(re.escape(str(path)) + r":\d+:\d+: ", line), line


def test_billion_laughs_is_refused_as_too_many_values(guarded_cli):
    run = guarded_cli("check", str(BAD / "billion-laughs.yaml"))
    assert run.code == 1 and "alias" in run.out, run.out


def test_a_control_character_in_a_name_is_refused_and_never_printed_raw(guarded_cli):
    for name, says in [
        ("name-escape.yaml", "control character U+001B"),
        ("label-escape.yaml", "control character"),
        ("policy-name-escape.yaml", "control character"),
        ("id-newline.yaml", "line break"),
        ("policy-name-newline.yaml", "line break"),
    ]:
        run = guarded_cli("check", str(BAD / name))
        assert run.code == 1 and says in run.out, run.out
        assert "\x1b" not in run.out + run.err and "\x07" not in run.out + run.err
