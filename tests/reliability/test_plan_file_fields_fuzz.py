"""Any damaged plan-file field gives exit 0 (or 1, a mismatch) or one line and exit 2 - never an internal
error (70): replan, export and verify --status over a saved plan whose JSON values and types are mutated
(30 examples a command; SCHEDPLAN_FUZZ_EXAMPLES=500 for a longer search)."""

from __future__ import annotations

import contextlib
import copy
import io
import json
import os
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from schedplan.cli import main

from .conftest import ARGS

VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.sampled_from([0, -1, 1, 10**30, -(10**30), 2**63, 123456789012345678901234567]),
    st.integers(),
    st.sampled_from([float("nan"), float("inf"), -float("inf"), 1e308, -0.0, 1e-320]),
    st.floats(),
    st.sampled_from(
        [
            "",
            " ",
            "NaN",
            "Infinity",
            "1e999999999",
            "-1e999999999",
            "1e-999999999",
            "123456789012345678901234567kg",
            "70kg",
            "2027-02-30",
            "9999-12-31",
            "0001-01-01",
            "x\x1b[31my",
            "a\nb",
            "\udcff",
            "Jos\u00e9",
            "UTC",
            "Mars/Olympus",
            "00000000-0000-0000-0000-000000000000",
            "../../etc/passwd",
            "/dev/zero",
        ]
    ),
    st.text(max_size=12),
    st.just([]),
    st.just({}),
    st.just([{}]),
    st.lists(st.integers(), max_size=3),
    st.dictionaries(st.text(max_size=4), st.integers(), max_size=2),
)


def _paths(data: Any, here: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every place in the JSON tree (the root excluded)."""
    out: list[tuple[Any, ...]] = []
    if isinstance(data, dict):
        for k, v in data.items():
            out.append((*here, k))
            out.extend(_paths(v, (*here, k)))
    elif isinstance(data, list):
        for i, v in enumerate(data):
            out.append((*here, i))
            out.extend(_paths(v, (*here, i)))
    return out


def _base(folder: Path) -> dict[str, Any]:
    """A saved plan that exported once and has one recorded check: every field a command reads is present."""
    plan = folder / "p.json"
    _run(*ARGS, "--save", str(plan))
    _run("export", str(plan), "--ics", str(folder / "a.ics"))
    listing = _run("verify", str(plan), "--list")[1]
    answers = folder / "answers.json"
    ids = [line.split(":")[0] for line in listing.splitlines() if "@" in line.split(":")[0]]
    answers.write_text(json.dumps({i: {"dose": "1", "confirmed": True} for i in ids}))
    _run("verify", str(plan), "--checker", "A.B.", "--answers", str(answers))
    data = json.loads(plan.read_text())
    assert data["items"] and data["checks"], "the base plan has exported items and a check"
    return data


def _run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(list(argv))
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 1
    return code, out.getvalue(), err.getvalue()


_BASE: dict[str, Any] = {}
_PLACES: list[tuple[Any, ...]] = []


@pytest.fixture(scope="module", autouse=True)
def base_plan(tmp_path_factory):
    with pytest.MonkeyPatch.context() as mp:  # no site policy of this machine's (as tests/conftest.py)
        mp.setenv("XDG_CONFIG_HOME", str(tmp_path_factory.mktemp("config")))
        _BASE.update(_base(tmp_path_factory.mktemp("base")))
        # the schedule's events are many and alike: the first two of each list stand for the rest
        _PLACES.extend(p for p in _paths(_BASE) if not any(isinstance(k, int) and k > 1 for k in p))
        yield


def _mutated(data: dict[str, Any], place: tuple[Any, ...], value: Any, delete: bool) -> dict[str, Any]:
    new = copy.deepcopy(data)
    parent = new
    for k in place[:-1]:
        parent = parent[k]
    if delete:
        del parent[place[-1]]
    else:
        parent[place[-1]] = value
    return new


def _assert_clean(code: int, err: str, what: str) -> None:
    assert code in (0, 1, 2), f"{what}: exit {code}: {err}"
    if code == 2:
        lines = err.strip("\n").split("\n")
        assert len(lines) == 1 and lines[0].startswith("schedplan: error:"), f"{what}: {err!r}"


COMMANDS = {
    "verify --status": lambda p, d: ("verify", p, "--status"),
    "replan": lambda p, d: ("replan", p, "--anchor-date", "2027-03-20"),
    "export": lambda p, d: ("export", p, "--ics", os.path.join(d, "b.ics")),
}


@pytest.mark.parametrize("command", list(COMMANDS))
@settings(
    max_examples=int(os.environ.get("SCHEDPLAN_FUZZ_EXAMPLES", "30")),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(place=st.integers(min_value=0), value=VALUES, delete=st.booleans())
def test_a_damaged_plan_file_field_is_one_line_and_exit_2_never_an_internal_error(command, place, value, delete):
    where = _PLACES[place % len(_PLACES)]
    data = _mutated(_BASE, where, value, delete)
    with tempfile.TemporaryDirectory() as folder:
        plan = os.path.join(folder, "p.json")
        Path(plan).write_text(json.dumps(data), encoding="utf-8", errors="surrogatepass")
        code, _, err = _run(*COMMANDS[command](plan, folder))
    _assert_clean(code, err, f"{command} with {'/'.join(map(str, where))} = {'(deleted)' if delete else repr(value)}")


# The findings of the fuzzer (and of the issue), kept as plain regression tests.
FOUND = [
    (("schedule", "patient", "weight_kg"), float("nan")),
    (("items", 0, "sequence"), 10**30),
    (("inputs", "weight"), "123456789012345678901234567kg"),
    (("export_options", "tz"), 5),
    (("export_options", "label"), "\udcff"),
    (("checks",), [{}]),
]


@pytest.mark.parametrize("command", list(COMMANDS))
@pytest.mark.parametrize(("where", "value"), FOUND, ids=["/".join(map(str, w)) for w, _ in FOUND])
def test_known_damaged_fields_are_one_line(command, where, value, tmp_path):
    data = _mutated(_BASE, where, value, False)
    plan = tmp_path / "p.json"
    plan.write_text(json.dumps(data), encoding="utf-8", errors="surrogatepass")
    code, _, err = _run(*COMMANDS[command](str(plan), str(tmp_path)))
    _assert_clean(code, err, f"{command} with {where} = {value!r}")


def test_a_missing_patient_is_one_line(tmp_path):
    data = copy.deepcopy(_BASE)
    del data["schedule"]["patient"]
    plan = tmp_path / "p.json"
    plan.write_text(json.dumps(data))
    for command in COMMANDS.values():
        code, _, err = _run(*command(str(plan), str(tmp_path)))
        _assert_clean(code, err, "no patient")


def test_a_schedule_protocol_that_is_not_an_object_is_one_line(tmp_path):
    data = _mutated(_BASE, ("schedule", "protocol"), True, False)
    plan = tmp_path / "p.json"
    plan.write_text(json.dumps(data))
    for command in COMMANDS.values():
        code, _, err = _run(*command(str(plan), str(tmp_path)))
        _assert_clean(code, err, "schedule.protocol = true")
        assert code == 2 and "schedule.protocol" in err


def test_a_non_utf8_label_on_the_command_line_is_one_line(saved_plan, tmp_path):
    label = b"\xff".decode("utf-8", "surrogateescape")  # what Python makes of a non-UTF-8 argument
    code, _, err = _run("export", str(saved_plan), "--ics", str(tmp_path / "a.ics"), "--label", label)
    _assert_clean(code, err, "--label \\xff")
    assert code == 2 and "label" in err and not (tmp_path / "a.ics").exists()


def test_an_unknown_bsa_formula_in_a_plan_file_is_one_line(tmp_path):
    data = _mutated(_BASE, ("inputs", "bsa_formula"), " ", False)  # found by the fuzzer: exit 70 before
    plan = tmp_path / "p.json"
    plan.write_text(json.dumps(data))
    for command in COMMANDS.values():
        code, _, err = _run(*command(str(plan), str(tmp_path)))
        _assert_clean(code, err, "inputs.bsa_formula = ' '")
        assert code == 2 and "BSA formula" in err
