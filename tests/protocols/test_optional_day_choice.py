"""A day or cycle count taken from a choice the protocol marks optional, left unset: one line asking for it
(exit 2), not an internal error (int(None)). No day is invented."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PATIENT = ["--weight", "70kg", "--height", "175cm", "--anchor-date", "2027-03-15"]


def test_an_unset_optional_choice_that_gives_a_day_asks_for_it(cli, tmp_path):
    # NCT03875495: melphalan is on {day: {choice: melphalan_day}}; here that choice is made optional
    text = (ROOT / "protocols" / "NCT03875495.yaml").read_text()
    anchor = '    help: "the record states no melphalan day: set the day of the unit\'s conditioning"\n'
    assert anchor in text
    path = tmp_path / "optional-day.yaml"
    path.write_text(text.replace(anchor, anchor + "    optional: true\n"))
    r = cli("plan", str(path), *PATIENT, "--set", "melphalan_dose_mg_m2=140", "--set", "temferon_day=1")
    assert r.code == 2 and r.out == "" and r.err.count("\n") == 1, (r.code, r.err)
    assert "melphalan_day" in r.err and "--set melphalan_day=" in r.err and "Traceback" not in r.err
