"""Issue 10 item 8: a record added, removed or edited by hand, or a stored dose edited by hand, is TAMPERED
in `verify --status` (and warned about by replan and export), never "holds"."""

from __future__ import annotations

import json
from pathlib import Path

from tests.verify.conftest import answers


def _edit(path: Path, change) -> None:
    data = json.loads(path.read_text())
    change(data)
    path.write_text(json.dumps(data, indent=2))


def _status(cli, path: Path):
    r = cli("verify", str(path), "--status")
    assert "- holds" not in r.out, r.out
    return r


def test_a_stored_dose_edited_by_hand_is_tampered_not_holds(cli, checked):
    def dose_to_500(d):
        event = next(e for e in d["schedule"]["events"] if e.get("dose"))
        event["dose"]["value"] = 500

    _edit(checked, dose_to_500)
    r = _status(cli, checked)
    assert r.code == 1
    assert "TAMPERED: the plan's stored doses or schedule were edited after this check" in r.out
    assert "the saved schedule is not what its inputs give" in r.out


def test_a_record_added_by_hand_is_tampered(cli, checked):
    def forge(d):
        forged = dict(d["checks"][-1], checker="Dr. Forged", doses=[], at="2030-01-01T00:00:00Z")
        d["checks"].append(forged)

    _edit(checked, forge)
    r = _status(cli, checked)
    assert r.code == 1
    lines = r.out.splitlines()
    forged = next(line for line in lines if "Dr. Forged" in line)
    assert "TAMPERED" in forged and "edited after it was recorded" in forged
    # the genuine records fit the chain, but a file someone forged a record into is not trusted
    assert r.out.count("NOT TRUSTED: this record fits the chain") == 2


def test_a_record_added_by_hand_without_a_seal_is_tampered(cli, checked):
    def forge(d):
        old_style = {
            k: v
            for k, v in d["checks"][-1].items()
            if k not in ("plan_sha256", "previous_sha256", "sealed_sha256", "os_user")
        }
        d["checks"].append(dict(old_style, checker="Dr. Forged"))

    _edit(checked, forge)
    r = _status(cli, checked)
    assert r.code == 1 and "3. " in r.out
    assert "TAMPERED: no seal, after sealed records" in next(x for x in r.out.splitlines() if "Dr. Forged" in x)


def test_the_first_record_removed_by_hand_is_tampered(cli, checked):
    _edit(checked, lambda d: d["checks"].pop(0))
    r = _status(cli, checked)
    assert r.code == 1 and "TAMPERED: the record before it was removed, added or edited" in r.out


def test_the_last_record_removed_by_hand_is_tampered(cli, checked):
    _edit(checked, lambda d: d["checks"].pop())
    r = _status(cli, checked)
    assert r.code == 1
    assert "TAMPERED: the chain does not end at the last record (a record was removed or added at the end)" in r.out


def test_every_record_removed_by_hand_is_tampered(cli, checked):
    _edit(checked, lambda d: d.update(checks=[]))
    r = _status(cli, checked)
    assert r.code == 1 and "TAMPERED: the plan file records a chain of checks, and its sealed records are gone" in r.out


def test_a_record_edited_by_hand_is_tampered(cli, checked, tmp_path):
    wrong = answers(tmp_path, {"fludarabine@fludarabine/1": "60 mg"}, name="wrong.json")
    assert cli("verify", str(checked), "--checker", "E.F.", "--answers", str(wrong)).code == 1  # a FAIL, recorded

    def fail_to_pass(d):
        d["checks"][-1].update(result="pass", summary="all 3 doses match")

    _edit(checked, fail_to_pass)
    r = _status(cli, checked)
    assert r.code == 1
    third = r.out.splitlines()[2]
    assert third.startswith("3. ") and "TAMPERED: its content was edited after it was recorded" in third


def test_replan_and_export_warn_about_a_tampered_record(cli, checked, tmp_path):
    _edit(checked, lambda d: d["checks"][0].update(checker="Someone else"))
    r = cli("replan", str(checked), "--dry-run")
    assert "TAMPERED - double check 1 was tampered with: its content was edited" in r.err
    r = cli("export", str(checked), "--ics", str(tmp_path / "c.ics"))
    assert r.code == 0 and "TAMPERED - double check 1 was tampered with" in r.err


def test_no_check_is_appended_onto_a_tampered_chain(cli, checked, tmp_path):
    # appending would make a removed last record look as if it had never been there
    _edit(checked, lambda d: d["checks"].pop())
    before = checked.read_bytes()
    r = cli("verify", str(checked), "--checker", "G.H.", "--answers", str(answers(tmp_path)))
    assert r.code == 2 and "nothing was recorded" in r.err
    assert checked.read_bytes() == before


def test_records_made_before_the_chain_are_unverifiable_not_holds(cli, checked):
    def unchain(d):
        d.pop("checks_sha256")
        for c in d["checks"]:
            for k in ("plan_sha256", "previous_sha256", "sealed_sha256"):
                c.pop(k, None)

    _edit(checked, unchain)
    r = cli("verify", str(checked), "--status")
    assert r.code == 0, r.out
    assert r.out.count("- unverifiable (made before the chain)") == 2 and "holds" not in r.out


def test_a_replan_makes_a_check_no_longer_valid_not_tampered(cli, checked):
    assert cli("replan", str(checked), "--weight", "72kg").code == 0
    r = cli("verify", str(checked), "--status")
    assert r.code == 0 and "TAMPERED" not in r.out
    assert r.out.count("NO LONGER VALID: the patient's inputs or the choices changed") == 2


def test_unsigned_checks_say_that_the_hash_chain_alone_can_be_recomputed(cli, checked):
    # a record whose hashes someone recomputed after editing it fits the chain; without a signature nothing
    # can tell, so `--status` must not let "holds" read as proof: it says unsigned, once, and what would prove it
    r = cli("verify", str(checked), "--status")
    assert r.code == 0
    assert r.out.count("- holds (unsigned)") == 2, r.out
    assert r.out.count("require_signature") == 1 and "recomputes" in r.out, r.out
