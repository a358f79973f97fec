"""Issue 10 item 8: the checker confirms the arm / dose level, the days and the route of each dose, not only
the number - a number alone does not pass."""

from __future__ import annotations

import io
import json

from tests.verify.conftest import BY_HAND, answers


def test_a_dose_whose_days_and_route_are_not_confirmed_fails(cli, plan_file, tmp_path):
    r = cli("verify", str(plan_file), "--checker", "A.B.", "--answers", str(answers(tmp_path, confirmed=False)))
    assert r.code == 1
    assert "FAIL: arm / dose level, days or route not confirmed for 3 of 3 doses" in r.out
    doses = json.loads(plan_file.read_text())["checks"][0]["doses"]
    assert [d["confirmed"] for d in doses] == [False, False, False] and all(d["match"] for d in doses)


def test_numbers_alone_in_an_answers_file_are_not_a_confirmation(cli, plan_file, tmp_path):
    bare = tmp_path / "bare.json"
    bare.write_text(json.dumps(BY_HAND))
    r = cli("verify", str(plan_file), "--checker", "A.B.", "--answers", str(bare))
    assert r.code == 1 and "not confirmed for 3 of 3 doses" in r.out


def test_typed_no_to_the_order_fails_that_dose(cli, plan_file, monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO("46.13\ny\n3.69\nn\n10 x 10^6\ny\n"))
    r = cli("verify", str(plan_file), "--checker", "A.B.")
    assert r.code == 1, r.out
    assert "as on the order? arm / dose level none; days Day -2; route not stated [y/n]" in r.out
    assert "not confirmed for 1 of 3 doses: cyclophosphamide" in r.out
