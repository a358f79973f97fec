"""`schedplan check POLICY.yaml --against PROTOCOL...`: the coverage of a site policy (issue 10 item 6)."""

from __future__ import annotations

from pathlib import Path

POLICY = str(Path(__file__).resolve().parents[2] / "policies" / "example-astct-2014.yaml")


def test_check_policy_against_a_protocol_lists_both_sides(cli, tmp_path):
    r = cli("check", POLICY, "--against", "NCT03875495")  # TEM-MM: melphalan, isatuximab ...; no busulfan
    assert r.code == 0, r.err
    lines = r.out.splitlines()
    assert "  policy drugs no protocol gives: abatacept, busulfan, cyclophosphamide, fludarabine, tocilizumab" in lines
    (uncovered,) = [line for line in lines if line.startswith("  protocol drugs no rule names: ")]
    assert "melphalan (NCT03875495)" in uncovered


def test_check_policy_against_an_unknown_protocol_is_one_line_and_exit_2(cli):
    r = cli("check", POLICY, "--against", "NCT00000000")
    assert r.code == 2 and "NCT00000000" in r.err and "Traceback" not in r.err
