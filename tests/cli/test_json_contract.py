"""The JSON contract of `schedplan plan --format json`, checked on NCT07256210 for a worked patient.

Worked patient: 70 kg, 175 cm, male, day 0 = 2027-03-15, haploidentical donor, treosulfan, NK level 1.
By hand: Mosteller BSA sqrt(70 x 175 / 3600) = sqrt(3.402777) = 1.844662 -> 1.845 m2.
Devine IBW 50 + 2.3 x (175 / 2.54 - 60) = 50 + 2.3 x 8.897638 = 70.46 kg;
adjusted 70.46 + 0.4 x (70 - 70.46) = 70.276 -> 70.28 kg.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import subprocess
import sys
from decimal import Decimal as D

import pytest

from tests.conftest import PROTOCOLS, ROOT

ARGS = [
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
ANCHOR = dt.date(2027, 3, 15)


def run_json(*args: str, flags: tuple[str, ...] = ()) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *flags, "-m", "schedplan", *args], capture_output=True, text=True, cwd=ROOT, timeout=120
    )


@pytest.fixture(scope="module")
def raw() -> str:
    proc = run_json(*ARGS)
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == ""
    return proc.stdout


@pytest.fixture(scope="module")
def doc(raw) -> dict:
    # numbers as Decimal: a dose must survive the round trip with every digit
    return json.loads(raw, parse_float=D)


def test_top_level_keys(doc):
    for key in ("protocol", "patient", "anchor_date", "choices", "events", "warnings"):
        assert key in doc


def test_protocol_block_and_its_sha256_is_of_the_file_bytes(doc):
    p = doc["protocol"]
    assert p["id"] == "NCT07256210"
    assert isinstance(p["title"], str) and p["title"]
    assert isinstance(p["version"], str) and p["version"]
    expected = hashlib.sha256((PROTOCOLS / "NCT07256210.yaml").read_bytes()).hexdigest()
    assert p["sha256"] == expected


def test_sha256_of_a_protocol_given_by_path_is_of_that_file(tmp_path):
    # one changed byte (a comment) must change the hash
    text = (PROTOCOLS / "NCT07256210.yaml").read_bytes() + b"# a local copy\n"
    path = tmp_path / "copy.yaml"
    path.write_bytes(text)
    args = list(ARGS)
    args[1] = str(path)
    proc = run_json(*args)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["protocol"]["sha256"] == hashlib.sha256(text).hexdigest()


def test_patient_block(doc):
    assert doc["patient"]["weight_kg"] == 70
    assert doc["patient"]["height_cm"] == 175
    assert doc["patient"]["sex"] == "M"
    assert doc["patient"]["bsa_m2"] == D("1.845")
    assert doc["patient"]["bsa_formula"] == "mosteller"
    assert doc["patient"]["ibw_kg"] == D("70.46")
    assert doc["patient"]["adjbw_kg"] == D("70.28")


def test_anchor_date_and_choices(doc):
    assert doc["anchor_date"] == "2027-03-15"
    assert {k: str(v) for k, v in doc["choices"].items()} == {
        "donor": "haploidentical",
        "conditioning": "treosulfan",
        "nk_dose_level": "1",
    }


EVENT_KEYS = {"date", "day", "cycle", "kind", "name", "route", "duration_minutes", "dose"}
DOSE_KEYS = {"value", "unit", "prescribed", "calculation"}


def test_every_event_has_the_contract_keys_and_types(doc):
    assert doc["events"]
    for e in doc["events"]:
        assert EVENT_KEYS <= set(e), e
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", e["date"])
        assert isinstance(e["day"], int) and e["cycle"] is None  # a day-0 protocol
        assert e["kind"] in {"drug", "cell_product", "radiation", "procedure", "visit", "sample", "note"}
        assert isinstance(e["name"], str) and e["name"]
        assert e["route"] is None or isinstance(e["route"], str)
        assert e["duration_minutes"] is None or isinstance(e["duration_minutes"], int)
        if e["dose"] is not None:
            assert DOSE_KEYS <= set(e["dose"]), e["dose"]
            assert isinstance(e["dose"]["value"], int | D) and not isinstance(e["dose"]["value"], bool)
            assert e["dose"]["unit"] in {"mg", "g", "mcg", "IU", "cells", "Gy"}
            assert isinstance(e["dose"]["prescribed"], str) and isinstance(e["dose"]["calculation"], str)


def test_events_are_sorted_by_date_and_day_is_days_from_day_0(doc):
    dates = [e["date"] for e in doc["events"]]
    assert dates == sorted(dates)
    for e in doc["events"]:
        assert dt.date.fromisoformat(e["date"]) - ANCHOR == dt.timedelta(days=e["day"])


# (date, day, name, value, unit), each worked out by hand from the protocol and the worked patient
EXPECTED = [
    ("2027-03-01", -14, "fludarabine", D("73.8"), "mg"),  # 40 mg/m2 x 1.845 m2
    ("2027-03-01", -14, "thiotepa", D("350"), "mg"),  # 10 mg/kg/course / 2 days = 5 mg/kg x 70 kg
    ("2027-03-01", -14, "cyclophosphamide", D("922.5"), "mg"),  # 500 x 1.845
    ("2027-03-03", -12, "NK cell infusion", D("466666667"), "cells"),  # 10e6 x 70 x 2/3 = 466,666,666.67
    ("2027-03-13", -2, "treosulfan", D("25.83"), "g"),  # 42 g/m2 / 3 = 14 x 1.845 = 25.83
    ("2027-03-14", -1, "tocilizumab", D("560"), "mg"),  # 8 x 70
    ("2027-03-15", 0, "transplant", None, None),
    ("2027-03-20", 5, "NK cell infusion", D("233333333"), "cells"),  # 10e6 x 70 x 1/3 = 233,333,333.33
    ("2027-04-12", 28, "abatacept", D("700"), "mg"),  # 10 x 70; day +28 only with a haploidentical donor
    ("2029-03-14", 730, "end of follow-up (2 years)", None, None),  # 2028 is a leap year: +730 is 03-14
]


@pytest.mark.parametrize("date, day, name, value, unit", EXPECTED, ids=[f"{r[2]}@{r[1]}" for r in EXPECTED])
def test_events_carry_the_doses_worked_out_by_hand(doc, date, day, name, value, unit):
    matches = [e for e in doc["events"] if e["day"] == day and e["name"] == name]
    assert len(matches) == 1, matches
    e = matches[0]
    assert e["date"] == date
    if value is None:
        assert e["dose"] is None
    else:
        assert e["dose"]["value"] == value and e["dose"]["unit"] == unit


def test_nk_cells_split_adds_up_to_the_total(doc):
    nk = [e["dose"]["value"] for e in doc["events"] if e["name"] == "NK cell infusion"]
    assert sum(nk) == D("10") * 10**6 * 70  # 700,000,000 cells


def test_treosulfan_days_add_up_to_the_course(doc):
    treo = [e["dose"]["value"] for e in doc["events"] if e["name"] == "treosulfan"]
    assert [e["day"] for e in doc["events"] if e["name"] == "treosulfan"] == [-4, -3, -2]
    assert sum(treo) == D("42") * D("1.845")  # 77.49 g


def test_dose_numbers_are_written_exactly_never_as_floats(raw):
    # plain digits, no exponent, no float noise such as 73.80000000000001
    assert re.search(r'"value": 466666667\b', raw)
    assert re.search(r'"value": 73\.8\b', raw)
    assert not re.search(r'"value": [0-9.]*[eE]', raw)
    assert not re.search(r"\d\.\d*0000000\d", raw)


def test_calculation_text_shows_each_step(doc):
    thiotepa = next(e for e in doc["events"] if e["name"] == "thiotepa")["dose"]
    assert thiotepa["prescribed"] == "10 mg/kg/course"
    assert "10 mg/kg/course / 2 days = 5 mg/kg/day" in thiotepa["calculation"]
    assert "5 mg/kg x 70 kg" in thiotepa["calculation"] and thiotepa["calculation"].endswith("= 350 mg")
    flu = next(e for e in doc["events"] if e["name"] == "fludarabine")["dose"]
    assert flu["calculation"] == "40 mg/m2 x 1.845 m2 (Mosteller, 70 kg, 175 cm) = 73.8 mg"


def test_warnings_are_objects_with_code_and_message(doc):
    assert isinstance(doc["warnings"], list)
    for w in doc["warnings"]:
        assert isinstance(w["code"], str) and w["code"]
        assert isinstance(w["message"], str) and w["message"]


def test_measured_bsa_and_pounds_and_inches_in_the_contract():
    # 154.3 lb x 0.45359237 = 68.0388555 (150 lb) + 1.950447191 (4.3 lb) = 69.989302691 kg;
    # 68.9 in x 2.54 = 137.8 + 34.45 + 2.756 = 175.006 cm
    args = list(ARGS)
    args[args.index("70kg")] = "154.3lb"
    args[args.index("175cm")] = "68.9in"
    proc = run_json(*args, "--bsa", "1.9")
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout, parse_float=D)
    assert doc["patient"]["weight_kg"] == D("69.989302691")
    assert doc["patient"]["height_cm"] == D("175.006")
    assert doc["patient"]["bsa_m2"] == D("1.9") and doc["patient"]["bsa_formula"] == "measured"
    flu = next(e for e in doc["events"] if e["name"] == "fludarabine")["dose"]
    assert flu["value"] == D("76")  # 40 x 1.9


def test_json_output_does_not_import_textual():
    # -X importtime lists every module the real command imported, on stderr
    proc = run_json(*ARGS, flags=("-X", "importtime"))
    assert proc.returncode == 0, proc.stderr
    imported = {line.rsplit("|", 1)[-1].strip() for line in proc.stderr.splitlines() if line.startswith("import time:")}
    assert "schedplan.core.dosing" in imported  # the check sees our own imports
    assert not {m for m in imported if m == "textual" or m.startswith("textual.")}
