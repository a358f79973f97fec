"""`schedplan check` refuses bad timing with file:line:col and what would be right."""

from __future__ import annotations

import re

import pytest

from tests.times.conftest import TIMES

BAD = TIMES / "bad"


@pytest.mark.parametrize(
    ("name", "line", "message"),
    [
        ("relative-unknown", 12, "relative_to names no event 'antibdy'"),
        ("after-cycle", 12, "first -> second -> first goes round in a cycle"),
        ("times-and-every", 13, "not times and every together"),
        ("time-25", 11, "time '25:00' is not a time of day; write HH:MM"),
        # a premedication on every day of a series that starts on one: untimed doses on the other days
        ("tied-to-series-days", 18, "an every series that starts on one day"),
        ("frequency-and-times", 7, "frequency not_stated says the record gives no administrations a day"),
    ],
)
def test_bad_timing_is_one_located_problem(cli, name, line, message):
    path = BAD / f"{name}.yaml"
    r = cli("check", str(path))
    assert r.code == 1, r  # check: 1 for findings in the file
    where = re.compile(rf"^{re.escape(str(path))}:(\d+):(\d+): (.*)$")
    located = [m for x in (r.out + r.err).splitlines() if (m := where.match(x))]
    assert len(located) == 1, r
    m = located[0]
    assert int(m.group(1)) == line and message in m.group(3)
    assert "Traceback" not in r.err


def test_the_fixture_protocols_and_the_seeds_check_clean(cli):
    for path in sorted(TIMES.glob("*.yaml")):
        r = cli("check", str(path))
        assert r.code == 0, (path, r)
