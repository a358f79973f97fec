"""The parsed-file cache (load/parsed_cache): the same protocol, policy and plan with and without it; an entry
of a changed file, of another parser or damaged in any way is ignored; bad files are never cached and keep
their file:line:column problems."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from schedplan.load import parsed_cache, yaml_parser
from schedplan.load.policy import load_policy, policy_problems
from schedplan.load.protocols import load_protocol, protocol_problems, shipped_dir
from schedplan.load.yaml_source import parse_yaml
from schedplan.plans.sources import check_file
from tests.conftest import PROTOCOLS, ROOT

SHIPPED = sorted(PROTOCOLS.glob("*.yaml"))
POLICY = ROOT / "policies" / "example-astct-2014.yaml"

PROTOCOL = """\
id: NCTCACHE
title: Cache test
version: "1"
source: {registry: NCTCACHE}
anchor:
  type: day0
  event: transplant
  date_label: Transplant date (day 0)
events:
  - id: flu
    kind: drug
    name: fludarabine
    route: IV
    when: {range: {from: -5, to: -3}}
    dose: {amount: 30.0, unit: mg/m2, per: day}
"""


def entries() -> list[Path]:
    folder = parsed_cache.cache_dir()
    return sorted(folder.glob("*.json")) if folder.is_dir() else []


def test_the_cache_folder_is_the_tests_own():
    # conftest points XDG_CACHE_HOME at a temporary folder: the tests never read or write the user's cache
    assert str(parsed_cache.cache_dir()).startswith(str(Path(__import__("os").environ["XDG_CACHE_HOME"])))


@pytest.mark.parametrize("path", [*SHIPPED, POLICY], ids=lambda p: p.stem)
def test_the_cached_data_is_exactly_the_parse_types_and_all(path):
    parsed = parse_yaml(path.read_text(), str(path)).data
    parsed_cache.store(path.read_bytes(), parsed)
    cached = parsed_cache.load(path.read_bytes())
    assert parsed_cache.same(cached, parsed)
    assert json.dumps(cached, default=repr) == json.dumps(parsed, default=repr)  # the same order of keys too


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_a_shipped_protocol_read_from_the_cache_is_the_protocol_parsed(path, monkeypatch):
    parsed = load_protocol(path)  # parsed, and kept
    assert len(entries()) == 1
    monkeypatch.setattr(yaml_parser, "parse", lambda text, source: pytest.fail("parsed again"))
    cached = load_protocol(path)
    assert cached.protocol == parsed.protocol
    assert cached.protocol.model_dump(mode="json") == parsed.protocol.model_dump(mode="json")
    assert cached.sha256 == parsed.sha256


def test_a_site_policy_read_from_the_cache_is_the_policy_parsed(monkeypatch):
    parsed = load_policy(POLICY)
    monkeypatch.setattr(yaml_parser, "parse", lambda text, source: pytest.fail("parsed again"))
    assert load_policy(POLICY).policy == parsed.policy


PLAN = [
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
    "conditioning=treosulfan",
    "--set",
    "nk_dose_level=1",
    "--format",
    "json",
]


def test_the_same_plan_with_and_without_the_cache(cli, monkeypatch):
    without = cli(*PLAN)  # an empty cache: the protocol is parsed (and kept)
    assert without.code == 0, without.err
    assert len(entries()) == 1
    monkeypatch.setattr(yaml_parser, "parse", lambda text, source: pytest.fail("parsed again"))
    with_cache = cli(*PLAN)
    assert with_cache.code == 0, with_cache.err
    assert with_cache.out == without.out
    doses = [e["dose"] for e in json.loads(with_cache.out)["events"] if e.get("dose")]
    assert doses  # the plan has doses: the comparison above is of something


def test_a_plan_from_a_cached_protocol_does_not_import_the_yaml_parser(cli_process):
    first = cli_process(*PLAN)
    assert first.code == 0, first.err
    code = "import sys, schedplan.cli as c\nc.main(sys.argv[1:])\nprint(' '.join(sorted(sys.modules)), file=sys.stderr)"
    r = subprocess.run([sys.executable, "-c", code, *PLAN], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert r.stdout == first.out
    loaded = set(r.stderr.split())
    assert "schedplan.cli" in loaded
    assert not {m for m in loaded if m.startswith(("ruamel.yaml", "schedplan.load.yaml_parser"))}


def test_a_changed_protocol_file_is_read_anew_not_from_its_old_entry(tmp_path):
    path = tmp_path / "p.yaml"
    path.write_text(PROTOCOL)
    assert load_protocol(path).protocol.events[0].dose.amount == Decimal(30)
    path.write_text(PROTOCOL.replace("amount: 30.0", "amount: 25.0"))
    assert load_protocol(path).protocol.events[0].dose.amount == Decimal(25)
    assert len(entries()) == 2  # one entry per content; the old one is never the new file's


def test_an_entry_of_another_parser_is_ignored(tmp_path, monkeypatch):
    path = tmp_path / "p.yaml"
    path.write_text(PROTOCOL)
    load_protocol(path)
    # schedplan (or its parser) changed since: the entry is another fingerprint's and is not looked for
    monkeypatch.setattr(parsed_cache, "fingerprint", lambda: "0" * 64)
    assert parsed_cache.load(path.read_bytes()) is None
    calls: list[str] = []
    real = yaml_parser.parse
    monkeypatch.setattr(yaml_parser, "parse", lambda text, source: calls.append(source) or real(text, source))
    load_protocol(path)
    assert calls == [str(path)]


def _tamper_envelope(field: str, value: object):
    def tamper(text: str) -> str:
        envelope = json.loads(text)
        envelope[field] = value
        return json.dumps(envelope)

    return tamper


def _tamper_data(old: str, new: str):
    """Change the cached data and leave its recorded sha256 as it was (a flipped bit on the disk)."""

    def tamper(text: str) -> str:
        envelope = json.loads(text)
        assert old in envelope["data"]
        envelope["data"] = envelope["data"].replace(old, new)
        return json.dumps(envelope)

    return tamper


def _tamper_data_consistently(old: str, new: str):
    """Change the cached data AND its sha256, so that only the decoding can refuse it."""

    def tamper(text: str) -> str:
        import hashlib

        envelope = json.loads(text)
        assert old in envelope["data"]
        envelope["data"] = envelope["data"].replace(old, new)
        envelope["data_sha256"] = hashlib.sha256(envelope["data"].encode()).hexdigest()
        return json.dumps(envelope)

    return tamper


DECIMAL_30 = '"\\u0000decimal":"30.0"'  # amount: 30.0 as an entry writes it
CORRUPTIONS = {
    "empty": lambda text: "",
    "cut short": lambda text: text[: len(text) // 2],
    "not JSON": lambda text: "\x00\xff garbage",
    "a JSON list": lambda text: "[1, 2, 3]",
    "a key missing": lambda text: json.dumps({k: v for k, v in json.loads(text).items() if k != "data_sha256"}),
    "an older format": _tamper_envelope("format", 0),
    "another fingerprint": _tamper_envelope("fingerprint", "0" * 64),
    "another file's": _tamper_envelope("file_sha256", "0" * 64),
    "the dose changed": _tamper_data('"30.0"', '"300.0"'),
    "a float for a Decimal": _tamper_data_consistently("{" + DECIMAL_30 + "}", "30.0"),
    "a Decimal's text not its own": _tamper_data_consistently(DECIMAL_30, DECIMAL_30.replace('"30', '" 30')),
    "a Decimal with a second key": _tamper_data_consistently(
        '"\\u0000decimal":"30.0"', '"\\u0000decimal":"30.0","x":1'
    ),
    "a key with a control character": _tamper_data_consistently('"name":', '"\\u0000name":'),
}


@pytest.mark.parametrize("corrupt", CORRUPTIONS.values(), ids=CORRUPTIONS.keys())
def test_a_damaged_entry_is_ignored_and_the_file_parsed(corrupt, tmp_path, monkeypatch):
    path = tmp_path / "p.yaml"
    path.write_text(PROTOCOL)
    load_protocol(path)
    (entry,) = entries()
    entry.write_text(corrupt(entry.read_text()))
    assert parsed_cache.load(path.read_bytes()) is None
    calls: list[str] = []
    real = yaml_parser.parse
    monkeypatch.setattr(yaml_parser, "parse", lambda text, source: calls.append(source) or real(text, source))
    assert load_protocol(path).protocol.events[0].dose.amount == Decimal(30)
    assert calls == [str(path)]  # parsed, not read from the damaged entry
    assert parsed_cache.load(path.read_bytes()) is not None  # and kept afresh


def test_an_entry_that_is_a_folder_or_unreadable_is_ignored(tmp_path):
    path = tmp_path / "p.yaml"
    path.write_text(PROTOCOL)
    parsed_cache.entry_path(path.read_bytes()).mkdir(parents=True)
    assert load_protocol(path).protocol.id == "NCTCACHE"


def test_a_cache_folder_that_cannot_be_written_does_not_stop_a_plan(cli, tmp_path, monkeypatch):
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the cache folder would be")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocked))
    first, second = cli(*PLAN), cli(*PLAN)
    assert (first.code, second.code) == (0, 0), first.err + second.err
    assert first.out == second.out


BAD = PROTOCOL.replace("unit: mg/m2", "unit: mg/parsec")


def test_a_bad_file_is_never_cached_and_keeps_its_located_problems(tmp_path):
    path = tmp_path / "p.yaml"
    path.write_text(BAD)
    first = [p.render() for p in protocol_problems(path)[1]]
    assert entries() == []
    second = [p.render() for p in protocol_problems(path)[1]]
    assert first == second
    assert any(":15:" in r and "parsec" in r for r in first), first  # the unit's line, as written


def test_a_planted_entry_of_a_bad_file_still_gives_its_located_problems(tmp_path):
    path = tmp_path / "p.yaml"
    path.write_text(BAD)
    # an entry as if the bad file had been kept: its data fails validation, so the file is parsed for positions
    parsed_cache.store(path.read_bytes(), parse_yaml(BAD, str(path)).data)
    assert parsed_cache.load(path.read_bytes()) is not None
    rendered = [p.render() for p in protocol_problems(path)[1]]
    assert rendered and all(f"{path}:15:" in r for r in rendered), rendered


def test_a_planted_entry_of_a_file_with_a_semantic_problem_still_gives_it_located(tmp_path):
    path = tmp_path / "p.yaml"
    flu = PROTOCOL[PROTOCOL.index("  - id: flu") :]
    text = PROTOCOL + flu  # valid as a model; the one problem, an event id used twice, is found after
    path.write_text(text)
    parsed_cache.store(path.read_bytes(), parse_yaml(text, str(path)).data)
    assert parsed_cache.load(path.read_bytes()) is not None
    protocol, problems, _ = protocol_problems(path)
    assert protocol is None
    assert [p.render() for p in problems] == [f"{path}:16:9: event id 'flu' is used twice (at events.1.id)"]


def test_a_policy_file_that_is_not_a_protocol_is_not_taken_from_the_protocol_cache(tmp_path):
    # the cache holds plain YAML data, whatever it is for: a valid policy read as a protocol is still refused
    path = tmp_path / "site.yaml"
    path.write_text(POLICY.read_text())
    load_policy(path)
    policy, problems, _ = policy_problems(path)
    assert policy is not None and problems == []
    protocol, problems, _ = protocol_problems(path)
    assert protocol is None and problems and all(p.line is not None for p in problems)


def test_check_parses_a_file_once(tmp_path, monkeypatch):
    calls: list[str] = []
    real = yaml_parser.parse
    monkeypatch.setattr(yaml_parser, "parse", lambda text, source: calls.append(source) or real(text, source))
    for path in (shipped_dir() / "NCT07256210.yaml", POLICY):
        calls.clear()
        found = check_file(path)
        assert found.problems == []
        assert calls == [str(path)]


# --- the encoding of an entry -----------------------------------------------------------------------------

decimals = st.decimals(allow_nan=False, allow_infinity=False, places=None).filter(lambda d: d.is_finite())
scalars = st.none() | st.booleans() | st.integers() | decimals | st.text()
values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(st.text().filter(lambda k: not k.startswith("\x00")), inner, max_size=4)
    ),
    max_leaves=30,
)


@given(values)
def test_encoding_then_decoding_gives_back_the_same_values_and_types(value):
    text = json.dumps(parsed_cache.encode(value), ensure_ascii=True)
    assert parsed_cache.same(parsed_cache.decode(json.loads(text)), value)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (Decimal("1"), 1),
        (1, True),
        (Decimal("1.0"), Decimal("1")),
        (Decimal("-0"), Decimal("0")),
        (Decimal("1E+3"), Decimal("1000")),
        ("1.5", Decimal("1.5")),
        ({"a": 1, "b": 2}, {"b": 2, "a": 1}),
    ],
)
def test_values_equal_in_python_but_written_differently_are_not_the_same(a, b):
    assert not parsed_cache.same(a, b)
    text_a = json.dumps(parsed_cache.encode(a))
    text_b = json.dumps(parsed_cache.encode(b))
    assert text_a != text_b
    assert parsed_cache.same(parsed_cache.decode(json.loads(text_a)), a)


def test_a_value_the_parser_never_makes_is_not_cached(tmp_path):
    raw = textwrap.dedent(PROTOCOL).encode()
    parsed_cache.store(raw, {"a": 1.5})  # a float: never from the parser, never kept
    parsed_cache.store(raw, {"\x00decimal": "1"})  # a key that would read as a Decimal
    assert parsed_cache.load(raw) is None
