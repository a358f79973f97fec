"""Numbers typed by a person beyond what schedplan calculates with (a 27-digit weight, 1e999999999 typed at
verify's prompt) are one line - at the prompt asked again, the answers typed so far kept - never exit 70."""

from __future__ import annotations

import json

from .conftest import ARGS


def test_a_27_digit_weight_is_one_line_and_exit_2(cli):
    argv = [a if a != "70kg" else "123456789012345678901234567kg" for a in ARGS]
    r = cli(*argv)
    assert r.code == 2 and r.err.count("\n") == 1 and "15 digits" in r.err, r.err


def test_1e999999999_typed_at_the_verify_prompt_is_asked_again_and_the_answers_kept(cli, saved_plan, monkeypatch):
    import io

    ids = [
        line.split(":")[0]
        for line in cli("verify", str(saved_plan), "--list").out.splitlines()
        if "@" in line.split(":")[0]
    ]
    # the first answer is out of reach; the prompt asks again, then every dose is answered 1 (and confirmed
    # as on the order: arm, days and route)
    typed = "A.B.\n1e999999999\n" + "1\ny\n" * len(ids)
    monkeypatch.setattr("sys.stdin", io.StringIO(typed))
    r = cli("verify", str(saved_plan))
    assert r.code == 1, r.err  # every answer 1: recorded as a mismatch
    assert "out of reach" in r.out and r.out.count("your dose in") == len(ids) + 1
    checks = json.loads(saved_plan.read_text())["checks"]
    assert len(checks) == 1 and checks[0]["checker"] == "A.B."


def test_1e999999999_in_an_answers_file_is_one_line(cli, saved_plan, tmp_path):
    ids = [
        line.split(":")[0]
        for line in cli("verify", str(saved_plan), "--list").out.splitlines()
        if "@" in line.split(":")[0]
    ]
    answers = tmp_path / "answers.json"
    answers.write_text(json.dumps({i: "1e999999999" for i in ids}))
    r = cli("verify", str(saved_plan), "--checker", "A.B.", "--answers", str(answers))
    assert r.code == 2 and r.err.count("\n") == 1 and "out of reach" in r.err, r.err
    assert json.loads(saved_plan.read_text())["checks"] == []
