"""Hypothesis over YAML values: any field of a shipped protocol replaced by any value (text with control
characters, huge or tiny numbers, tags, aliases, nesting) gives exit 0 or 2 from `check` and `plan`, one
located line per problem and one line on stderr - never internal error (70), never a traceback."""

from __future__ import annotations

import json
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from schedplan.load.yaml_source import parse_yaml
from tests.conftest import PROTOCOLS

SOURCE = PROTOCOLS / "NCT07256210.yaml"
PLAN_ARGS = [
    "--weight",
    "70kg",
    "--height",
    "175cm",
    "--anchor-date",
    "2027-03-15",
    "--set",
    "donor=haploidentical",
    "--set",
    "conditioning=treosulfan",
    "--set",
    "nk_dose_level=1",
    "--format",
    "json",
]
RAW = [  # YAML as written, placed as the value: the findings of issue 9 and their neighbours
    "1e999999999",
    "-1e999999999",
    "1e400",
    "1e-28",
    "1" * 4301,
    "9" * 16,
    '"1e-99999999"',
    "!!bool maybe",
    "!!set {a, b}",
    '!!int "1.0"',
    "!!str 1",
    "!custom x",
    ".nan",
    ".inf",
    "-.inf",
    "null",
    "~",
    "[]",
    "{}",
    "2027-03-15",
    "0x1F",
    "0o17",
    "yes",
    "true",
    "[" * 30 + "]" * 30,
    "*undefined",
    '"\\e[31m"',
    '"a\\nb"',
    '"\\0"',
    '"\\x85"',
    '"\\u202e"',
    '"\\ud800"',
    "1_000",
    "+1",
    "-0",
    "0.0000000000001",
    "{<<: {a: 1}}",
]


def paths(data: Any, loc: tuple = ()) -> list[tuple]:
    out = [loc]
    if isinstance(data, dict):
        for k, v in data.items():
            out += paths(v, (*loc, k))
    elif isinstance(data, list):
        for i, v in enumerate(data):
            out += paths(v, (*loc, i))
    return out


BASE = parse_yaml(SOURCE.read_text(), str(SOURCE)).data
PATHS = [p for p in paths(BASE) if p]

scalars = st.one_of(
    st.integers(min_value=-(10**20), max_value=10**20),
    st.decimals(allow_nan=False, allow_infinity=False),
    st.text(max_size=20),
    st.booleans(),
    st.none(),
    st.sampled_from(RAW).map(lambda raw: ("raw", raw)),
)
values = st.recursive(
    scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=8), inner, max_size=4)),
    max_leaves=12,
)


def to_yaml(value: Any, raws: list[str]) -> Any:
    """``value`` as JSON-able data; raw YAML fragments become placeholders filled in after json.dumps."""
    if isinstance(value, tuple):
        raws.append(value[1])
        return f"@@RAW{len(raws) - 1}@@"
    if isinstance(value, Decimal):
        raws.append(str(value))
        return f"@@RAW{len(raws) - 1}@@"
    if isinstance(value, list):
        return [to_yaml(v, raws) for v in value]
    if isinstance(value, dict):
        return {str(k): to_yaml(v, raws) for k, v in value.items()}
    return value


def mutated(loc: tuple, value: Any, base: Any = None) -> str:
    raws: list[str] = []
    data = json.loads(json.dumps(BASE if base is None else base, default=str))
    target = data
    for part in loc[:-1]:
        target = target[part]
    target[loc[-1]] = to_yaml(value, raws)
    text = json.dumps(data, indent=1)  # JSON is YAML 1.2
    return re.sub(r'"@@RAW(\d+)@@"', lambda m: raws[int(m.group(1))], text)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(loc=st.sampled_from(PATHS), value=values)
def test_any_value_anywhere_gives_exit_0_or_1_and_one_line_per_problem(cli, tmp_path, loc, value):
    path = tmp_path / "p.yaml"
    path.write_text(mutated(loc, value), encoding="utf-8", errors="surrogatepass")
    checked = cli("check", str(path))
    assert checked.code in (0, 1), (loc, value, checked)  # 1: problems found
    assert "Traceback" not in checked.err
    for line in checked.out.splitlines():
        assert line.startswith(f"{path}:"), (loc, value, line)
    assert len(checked.err.splitlines()) <= 1, checked.err
    planned = cli("plan", str(path), *PLAN_ARGS)
    assert planned.code in (0, 2), (loc, value, planned)
    if planned.code == 2:
        assert len(planned.err.splitlines()) == 1 and planned.err.startswith("schedplan: error: "), planned.err
    if checked.code == 1:  # what check refuses, plan refuses too
        assert planned.code == 2, (loc, value, checked.out)


POLICY = {
    **parse_yaml((PROTOCOLS.parent / "policies" / "example-astct-2014.yaml").read_text(), "policy.yaml").data,
    "bsa_cap": {"max_m2": Decimal("2.0")},
    "rounding": [{"unit": "mg", "to": 5, "max_change_percent": 10}],
}
POLICY_PATHS = [p for p in paths(POLICY) if p]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(loc=st.sampled_from(POLICY_PATHS), value=values)
def test_any_value_anywhere_in_a_site_policy_gives_exit_0_or_1_and_one_line(cli, tmp_path, loc, value):
    path = tmp_path / "site.yaml"
    path.write_text(mutated(loc, value, POLICY), encoding="utf-8", errors="surrogatepass")
    checked = cli("check", str(path))
    assert checked.code in (0, 1), (loc, value, checked)  # 1: problems found
    for line in checked.out.splitlines():
        assert line.startswith(f"{path}:"), (loc, value, line)
    planned = cli("plan", "NCT07256210", *PLAN_ARGS, "--site", str(path))
    assert planned.code in (0, 2), (loc, value, planned)
    if planned.code == 2:
        assert len(planned.err.splitlines()) == 1 and planned.err.startswith("schedplan: error: "), planned.err


def test_the_mutation_keeps_the_file_valid_when_nothing_changes(tmp_path, cli):
    # the harness itself: the shipped protocol, written back as JSON-YAML, still checks ok
    path = tmp_path / "p.yaml"
    path.write_text(mutated(("title",), BASE["title"]))
    assert cli("check", str(path)).code == 0
    assert Path(path).read_text().count("\n") > 50
    path.write_text(mutated(("name",), POLICY["name"], POLICY))
    assert cli("check", str(path)).out.endswith(
        "ok (site policy 'Example policy (ASTCT 2014 obesity recommendations"
        " for conditioning)', version 2014-example-1)\n"
    )
