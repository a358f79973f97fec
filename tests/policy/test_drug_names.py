"""Issue 10 item 6: drug names are lower-case generic names with no route, form or strength, and a policy's
rules are listed against the protocols they should act on."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from schedplan.core.policy import SitePolicy, drug_name_problem, policy_coverage
from schedplan.core.protocol import EventKind
from schedplan.load.policy import find_policy
from schedplan.load.protocols import find_protocol

PROTOCOLS = sorted(p.stem for p in (Path(__file__).resolve().parents[2] / "protocols").glob("*.yaml"))


@pytest.mark.parametrize("name", ["busulfan", "interleukin-2", "anti-thymocyte globulin", "cyclophosphamide"])
def test_generic_names_pass(name):
    assert drug_name_problem(name) is None


@pytest.mark.parametrize(
    ("name", "says"),
    [
        ("busulfan iv", "route or form (iv)"),
        ("busulfan IV", "not lower-case"),
        ("Busulfan", "not lower-case"),
        ("oral busulfan", "route or form (oral)"),
        ("busulfan tablets", "route or form (tablets)"),
        ("melphalan injection", "'melphalan'"),
        ("busulfan 2 mg", "strength"),
        ("busulfan  ", "extra spaces"),
        ("busulfan/cy", "not a generic name"),
    ],
)
def test_names_with_a_route_form_strength_or_case_are_refused_saying_what_to_write(name, says):
    problem = drug_name_problem(name)
    assert problem is not None and says in problem


@pytest.mark.parametrize("protocol_id", PROTOCOLS)
def test_every_shipped_protocol_drug_name_is_a_generic_name(protocol_id):
    protocol = find_protocol(protocol_id).protocol
    assert [e.name for e in protocol.events if e.kind is EventKind.DRUG and drug_name_problem(e.name)] == []


def test_a_policy_rule_with_a_route_in_the_drug_name_is_refused():
    with pytest.raises(ValidationError, match="route or form"):
        SitePolicy(name="p", version="1", dosing_weight=[{"drugs": ["busulfan iv"], "weight": "ideal"}])
    with pytest.raises(ValidationError, match="route or form"):
        SitePolicy(name="p", version="1", max_dose=[{"drug": "tocilizumab iv", "max": 800, "unit": "mg"}])
    # any case is still accepted in a policy, and matched lower-case
    policy = SitePolicy(name="p", version="1", max_dose=[{"drug": "Tocilizumab", "max": 800, "unit": "mg"}])
    assert policy.max_dose[0].drug == "tocilizumab"


def test_example_policy_against_the_nk_protocol():
    # the example names busulfan, cyclophosphamide (weight rules), tocilizumab and abatacept (maximums) and
    # fludarabine (renal rule, issue 16); NCT07256210 gives all five, and thiotepa and treosulfan that no rule names
    cov = policy_coverage(find_policy("example-astct-2014").policy, [find_protocol("NCT07256210").protocol])
    assert cov.unmatched_policy_drugs == ()
    uncovered = {d for _, d in cov.uncovered_protocol_drugs}
    assert {"thiotepa", "treosulfan"} <= uncovered
    assert not uncovered & {"busulfan", "cyclophosphamide", "tocilizumab", "abatacept", "fludarabine"}
    assert not cov.complete


def test_a_policy_drug_no_protocol_gives_is_listed():
    policy = SitePolicy(
        name="p",
        version="1",
        max_dose=[{"drug": "busulfan", "max": 1, "unit": "g"}],
        rounding=[{"drugs": ["melphalan"], "unit": "mg", "to": 5, "max_change_percent": 5}],
    )
    cov = policy_coverage(policy, [find_protocol("NCT03875495").protocol])  # TEM-MM: melphalan, no busulfan
    assert cov.unmatched_policy_drugs == ("busulfan",)
    assert ("NCT03875495", "melphalan") not in cov.uncovered_protocol_drugs


def test_drug_name_messages_in_full():
    assert drug_name_problem("busulfan  iv") == "drug name 'busulfan  iv' has extra spaces; write 'busulfan iv'"
    assert drug_name_problem(" busulfan") == "drug name ' busulfan' has extra spaces; write 'busulfan'"
    assert drug_name_problem("Busulfan") == (
        "drug name 'Busulfan' is not lower-case; write the generic name as 'busulfan'"
    )
    assert drug_name_problem("anti-thymocyte globulin iv infusion") == (
        "drug name 'anti-thymocyte globulin iv infusion' names a route or form (iv, infusion); write the generic name"
        " alone ('anti-thymocyte globulin') and give the route in `route`"
    )
    assert drug_name_problem("busulfan 2mg") == (
        "drug name 'busulfan 2mg' has a strength in it; write the generic name alone, the dose goes in `dose`"
    )
    # a tab is not a space between words
    assert drug_name_problem("busulfan\tiv") == "drug name 'busulfan\\tiv' has extra spaces; write 'busulfan iv'"
    assert drug_name_problem("busulfan/cy") == (
        "drug name 'busulfan/cy' is not a generic name: use lower-case letters, digits, hyphens and single spaces"
    )


def test_policy_drugs_include_named_caps_and_rounding():
    from schedplan.core.policy import policy_drugs

    policy = SitePolicy(
        name="p",
        version="1",
        bsa_cap={"max_m2": 2, "drugs": ["fludarabine"]},
        rounding=[
            {"drugs": ["melphalan"], "unit": "mg", "to": 5, "max_change_percent": 5},
            {"unit": "mg", "to": 1, "max_change_percent": 5},
        ],
        max_dose=[{"drug": "tocilizumab", "max": 800, "unit": "mg"}],
        dosing_weight=[{"drugs": ["busulfan"], "weight": "ideal"}],
    )
    assert policy_drugs(policy) == {"fludarabine", "melphalan", "tocilizumab", "busulfan"}
    every = SitePolicy(name="p", version="1", bsa_cap={"max_m2": 2})  # a cap for every drug names none
    assert policy_drugs(every) == set()


def test_coverage_names_the_protocol_of_each_uncovered_drug():
    cov = policy_coverage(
        find_policy("example-astct-2014").policy,
        [find_protocol("NCT07256210").protocol, find_protocol("NCT03875495").protocol],
    )
    assert ("NCT07256210", "thiotepa") in cov.uncovered_protocol_drugs  # fludarabine: the renal rule names it
    assert ("NCT03875495", "melphalan") in cov.uncovered_protocol_drugs
    assert all(pid in ("NCT07256210", "NCT03875495") for pid, _ in cov.uncovered_protocol_drugs)
