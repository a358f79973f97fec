"""Issue 10 item 8: answers from a file are recorded as such (name and sha256); answers equal to the stored
values digit for digit are flagged as possibly copied; the record keeps the operating-system user."""

from __future__ import annotations

import getpass
import hashlib
import json

from tests.verify.conftest import answers


def test_an_answers_file_is_recorded_with_its_name_and_sha256(cli, plan_file, tmp_path):
    path = answers(tmp_path)
    r = cli("verify", str(plan_file), "--checker", "A.B.", "--answers", str(path))
    assert r.code == 0, r.out
    record = json.loads(plan_file.read_text())["checks"][0]
    assert record["answers_file"] == {"name": str(path), "sha256": hashlib.sha256(path.read_bytes()).hexdigest()}
    assert f"answers from {path}" in cli("verify", str(plan_file), "--status").out


def test_the_record_keeps_the_typed_name_and_the_os_user(cli, plan_file, tmp_path):
    assert cli("verify", str(plan_file), "--checker", "A.B.", "--answers", str(answers(tmp_path))).code == 0
    record = json.loads(plan_file.read_text())["checks"][0]
    assert record["checker"] == "A.B." and record["os_user"] == getpass.getuser()


def test_answers_copied_digit_for_digit_from_the_plan_file_are_flagged(cli, plan_file, tmp_path):
    stored = {
        f"{e['event_id']}@{e['key']}": str(e["dose"]["value"])
        for e in json.loads(plan_file.read_text())["schedule"]["events"]
        if e.get("dose")
    }
    copied = tmp_path / "copied.json"
    copied.write_text(
        json.dumps(
            {
                k: {"dose": v, "confirmed": True}
                for k, v in stored.items()
                if k in {"fludarabine@fludarabine/1", "cyclophosphamide@cyclophosphamide/1", "il-2@il-2/1"}
            }
        )
    )
    r = cli("verify", str(plan_file), "--checker", "A.B.", "--answers", str(copied))
    assert r.code == 0, r.out
    assert "possibly copied" in r.out
    assert json.loads(plan_file.read_text())["checks"][0]["possibly_copied"] is True
    assert "possibly copied" in cli("verify", str(plan_file), "--status").out


def test_answers_written_another_way_are_not_flagged(cli, plan_file, tmp_path):
    # 46.12 (from the unrounded BSA), 3.69 g and 10 x 10^6 units: not the file's 46.13, 3.69, 10000000
    path = answers(tmp_path, {"fludarabine@fludarabine/1": "46.12"})
    r = cli("verify", str(plan_file), "--checker", "A.B.", "--answers", str(path))
    assert r.code == 0 and "possibly copied" not in r.out
    assert json.loads(plan_file.read_text())["checks"][0]["possibly_copied"] is False
