"""Each seed protocol planned for a worked patient and checked event by event.

The worked patient is 70 kg, 175 cm, male unless a test says otherwise. Mosteller BSA, by hand:
70 x 175 / 3600 = 3.402777...; its square root is 1.84466..., which schedplan rounds half up to 1.845 m2.
Every expected dose below is that BSA or weight times the prescribed amount, worked out in the comment.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest

from schedplan.errors import ChoiceError
from tests.protocols.conftest import rows

BSA = D("1.845")


def test_nk_donor_haplo_treosulfan_level1_event_by_event(make_plan):
    p = make_plan("NCT07256210", donor="haploidentical", conditioning="treosulfan", nk_dose_level="1")
    assert p.patient.bsa_m2 == BSA
    flu = D("73.8")  # 40 mg/m2 x 1.845
    assert rows(p) == [
        ("2027-03-01", "Day -14", "fludarabine", flu, "mg"),
        ("2027-03-01", "Day -14", "thiotepa", D("350"), "mg"),  # 10 mg/kg/course / 2 days x 70 kg
        ("2027-03-01", "Day -14", "cyclophosphamide", D("922.5"), "mg"),  # 500 x 1.845
        ("2027-03-02", "Day -13", "fludarabine", flu, "mg"),
        ("2027-03-02", "Day -13", "thiotepa", D("350"), "mg"),
        ("2027-03-03", "Day -12", "NK cell infusion", D("466666667"), "cells"),  # 10e6 x 70 x 2/3
        ("2027-03-11", "Day -4", "fludarabine", flu, "mg"),
        ("2027-03-11", "Day -4", "treosulfan", D("25.83"), "g"),  # 42/3 = 14 g/m2 x 1.845
        ("2027-03-12", "Day -3", "fludarabine", flu, "mg"),
        ("2027-03-12", "Day -3", "treosulfan", D("25.83"), "g"),
        ("2027-03-13", "Day -2", "treosulfan", D("25.83"), "g"),
        ("2027-03-14", "Day -1", "tocilizumab", D("560"), "mg"),  # 8 mg/kg x 70
        ("2027-03-14", "Day -1", "abatacept", D("700"), "mg"),  # 10 mg/kg x 70
        ("2027-03-15", "Day 0", "transplant", None, None),
        ("2027-03-20", "Day +5", "NK cell infusion", D("233333333"), "cells"),  # 10e6 x 70 x 1/3
        ("2027-03-22", "Day +7", "abatacept", D("700"), "mg"),
        ("2027-03-29", "Day +14", "abatacept", D("700"), "mg"),
        ("2027-04-12", "Day +28", "abatacept", D("700"), "mg"),
        # 2027-03-15 + 730 days: 2028 is a leap year, so one year on is day +366; +730 is 2029-03-14
        ("2029-03-14", "Day +730", "end of follow-up (2 years)", None, None),
    ]
    routes = {e.name: e.route for e in p.events}
    assert routes["busulfan" if "busulfan" in routes else "treosulfan"] == "IV"
    assert routes["tocilizumab"] == "IV"
    durations = {e.name: e.duration_minutes for e in p.events}
    assert durations["treosulfan"] == 120 and durations["fludarabine"] == 60


def test_issue_example_fludarabine_62kg_168cm(make_plan):
    # sqrt(62 x 168 / 3600) = sqrt(2.89333) = 1.70098 -> 1.701 m2; 40 x 1.701 = 68.04 mg
    p = make_plan(
        "NCT07256210", weight="62", height="168", donor="matched_related", conditioning="tbi", nk_dose_level="2"
    )
    flu = next(e for e in p.events if e.name == "fludarabine")
    assert flu.dose.value == D("68.04")
    assert flu.dose.prescribed == "40 mg/m2/day"
    assert "40 mg/m2 x 1.701 m2 (Mosteller, 62 kg, 168 cm) = 68.04 mg" in flu.dose.calculation


def test_nk_donor_matched_related_has_no_day28_abatacept(make_plan):
    p = make_plan("NCT07256210", donor="matched_related", conditioning="treosulfan", nk_dose_level="1")
    abatacept_days = [e.day for e in p.events if e.name == "abatacept"]
    assert abatacept_days == [-1, 7, 14]


@pytest.mark.parametrize(
    "conditioning, name, per_day, unit, route",
    [
        ("busulfan", "busulfan", D("280"), "mg", "PO"),  # 12 mg/kg/course / 3 = 4 mg/kg x 70 kg
        ("tbi", "total body irradiation", D("4"), "Gy", None),  # 12 Gy/course / 3 days
        ("treosulfan", "treosulfan", D("25.83"), "g", "IV"),  # 14 g/m2 x 1.845
    ],
)
def test_nk_donor_second_part_is_the_chosen_one_divided_over_three_days(
    make_plan, conditioning, name, per_day, unit, route
):
    p = make_plan("NCT07256210", donor="haploidentical", conditioning=conditioning, nk_dose_level="1")
    second = [e for e in p.events if e.day in (-4, -3, -2) and e.name != "fludarabine"]
    assert [(e.day, e.name, e.dose.value, e.dose.unit, e.route) for e in second] == [
        (d, name, per_day, unit, route) for d in (-4, -3, -2)
    ]
    others = {"busulfan", "total body irradiation", "treosulfan"} - {name}
    assert not [e for e in p.events if e.name in others]


@pytest.mark.parametrize("level, total_per_kg", [("0", 5), ("1", 10), ("2", 20), ("3", 30)])
def test_nk_levels_split_two_thirds_one_third_and_add_up(make_plan, level, total_per_kg):
    p = make_plan("NCT07256210", donor="haploidentical", conditioning="tbi", nk_dose_level=level)
    nk = [e for e in p.events if e.kind.value == "cell_product"]
    assert [e.day for e in nk] == [-12, 5]
    total = D(total_per_kg) * D(10) ** 6 * 70
    first, second = (e.dose.exact_value for e in nk)
    assert first == total * 2 / 3 and second == total / 3
    # reported to whole cells, the two add up to the total within one cell
    assert abs(sum(e.dose.value for e in nk) - total) <= 1


def test_alloreactive_nk_flu_cy_and_il2(make_plan):
    # 80 kg, 180 cm: 80 x 180 / 3600 = 4, BSA exactly 2 m2
    p = make_plan("NCT06885476", weight="80", height="180", sex=None, anchor=dt.date(2027, 3, 28))
    il2 = D("10000000")  # 10 x10^6 IU as a plain count
    assert rows(p) == [
        ("2027-03-23", "Day -5", "fludarabine", D("50"), "mg"),  # 25 mg/m2 x 2
        ("2027-03-24", "Day -4", "fludarabine", D("50"), "mg"),
        ("2027-03-25", "Day -3", "fludarabine", D("50"), "mg"),
        ("2027-03-26", "Day -2", "cyclophosphamide", D("4"), "g"),  # 2 g/m2 x 2
        ("2027-03-28", "Day 0", "NK cell infusion", None, None),
        ("2027-03-29", "Day +1", "interleukin-2", il2, "IU"),
        ("2027-03-31", "Day +3", "interleukin-2", il2, "IU"),
        ("2027-04-02", "Day +5", "interleukin-2", il2, "IU"),
        ("2027-04-05", "Day +8", "interleukin-2", il2, "IU"),
        ("2027-04-07", "Day +10", "interleukin-2", il2, "IU"),
        ("2027-04-09", "Day +12", "interleukin-2", il2, "IU"),
        ("2028-03-27", "Day +365", "follow-up (12 months)", None, None),  # leap day 2028-02-29 in between
    ]
    assert all(e.route == "SC" for e in p.events if e.name == "interleukin-2")
    codes = {(w.code, w.event_id) for w in p.warnings}
    assert ("route-not-stated", "fludarabine") in codes and ("route-not-stated", "cyclophosphamide") in codes
    assert ("ibw-not-calculated", None) in codes  # no sex given


def test_tem_mm_melphalan_dose_must_be_set(make_plan):
    with pytest.raises(ChoiceError) as exc:
        make_plan("NCT03875495")
    assert exc.value.key == "melphalan_dose_mg_m2"
    assert "melphalan_dose_mg_m2" in str(exc.value) and "200" in str(exc.value)


def test_tem_mm_melphalan_and_temferon_days_have_no_default(make_plan):
    # the record states neither day: both are required choices, named in one message
    with pytest.raises(ChoiceError) as exc:
        make_plan("NCT03875495", weight="80", height="180", melphalan_dose_mg_m2="140")
    assert "melphalan_day" in str(exc.value) and "temferon_day" in str(exc.value)


def test_tem_mm_days_as_set(make_plan):
    p = make_plan(
        "NCT03875495", weight="80", height="180", melphalan_dose_mg_m2="140", melphalan_day="-2", temferon_day="1"
    )
    assert rows(p) == [
        ("2027-03-13", "Day -2", "melphalan", D("280"), "mg"),  # 140 mg/m2 x 2 m2
        ("2027-03-15", "Day 0", "autologous stem cell transplant", None, None),
        ("2027-03-16", "Day +1", "Temferon infusion", None, None),
        ("2029-03-14", "Day +730", "follow-up visit (day +730)", None, None),
    ]
    assert {w.code for w in p.warnings} >= {"route-not-stated", "dose-not-stated"}
    assert "default-choice" not in {w.code for w in p.warnings}
    moved = make_plan(
        "NCT03875495", weight="80", height="180", melphalan_dose_mg_m2="100", melphalan_day="-3", temferon_day="2"
    )
    assert [(e.day, e.name, e.dose.value if e.dose else None) for e in moved.events][:3] == [
        (-3, "melphalan", D("200")),
        (0, "autologous stem cell transplant", None),
        (2, "Temferon infusion", None),
    ]
    assert moved.choices == {"melphalan_dose_mg_m2": D("100"), "melphalan_day": -3, "temferon_day": 2}


@pytest.mark.parametrize("bad", ["0", "-15", "1", "x"])
def test_tem_mm_melphalan_day_must_be_before_transplant(make_plan, bad):
    with pytest.raises(ChoiceError):
        make_plan("NCT03875495", melphalan_dose_mg_m2="140", melphalan_day=bad)


def test_islay_two_cycles_with_premedications_before_each_dose(make_plan):
    p = make_plan("NCT02999633", anchor=dt.date(2027, 3, 1))
    isa = [(e.date.isoformat(), e.label, e.dose.value) for e in p.events if e.name == "isatuximab"]
    # 20 mg/kg x 70 kg = 1400 mg; cycle 2 day 1 is 28 days after cycle 1 day 1
    assert isa == [
        ("2027-03-01", "C1 D1", D("1400")),
        ("2027-03-08", "C1 D8", D("1400")),
        ("2027-03-15", "C1 D15", D("1400")),
        ("2027-03-22", "C1 D22", D("1400")),
        ("2027-03-29", "C2 D1", D("1400")),
        ("2027-04-05", "C2 D8", D("1400")),
        ("2027-04-12", "C2 D15", D("1400")),
        ("2027-04-19", "C2 D22", D("1400")),
    ]
    first_day = [e for e in p.events if e.date == dt.date(2027, 3, 1)]
    assert [e.name for e in first_day] == [
        "dexamethasone",
        "acetaminophen",
        "ranitidine",
        "diphenhydramine",
        "isatuximab",
    ]
    assert all(e.dose is None and e.dose_note == "dose per local policy" for e in first_day[:4])
    assert first_day[0].route == "IV or PO"
    assert p.choices["cycles"] == "2"


def test_islay_one_cycle_and_a_premedication_dose_set(make_plan):
    p = make_plan("NCT02999633", anchor=dt.date(2027, 3, 1), cycles="1", dexamethasone_dose_mg="20")
    assert len([e for e in p.events if e.name == "isatuximab"]) == 4
    dex = [e for e in p.events if e.name == "dexamethasone"]
    assert len(dex) == 4 and all(e.dose.value == D("20") and e.dose.unit == "mg" for e in dex)


def test_deferoxamine_cycles_and_cohort(make_plan):
    p = make_plan("NCT05184816", anchor=dt.date(2027, 3, 1), cohort="9", cycles="3")
    got = [(e.date.isoformat(), e.label, e.dose.value) for e in p.events]
    mg = D("495")
    assert got == [
        ("2027-03-01", "C1 D1", mg),
        ("2027-03-04", "C1 D4", mg),
        ("2027-03-08", "C1 D8", mg),
        ("2027-03-11", "C1 D11", mg),
        ("2027-03-15", "C1 D15", mg),
        ("2027-03-18", "C1 D18", mg),
        ("2027-03-22", "C1 D22", mg),
        ("2027-03-25", "C1 D25", mg),
        ("2027-03-29", "C2 D1", mg),
        ("2027-04-05", "C2 D8", mg),
        ("2027-04-12", "C2 D15", mg),
        ("2027-04-19", "C2 D22", mg),
        ("2027-04-26", "C3 D1", mg),
        ("2027-05-10", "C3 D15", mg),
    ]
    assert {e.route for e in p.events} == {"IT"}
    assert {e.route_note for e in p.events} == {"via Ommaya reservoir"}


@pytest.mark.parametrize(
    "cohort, mg",
    [("1", 10), ("2", 30), ("3", 60), ("4", 100), ("5", 150), ("6", 210), ("7", 280), ("8", 372), ("9", 495)],
)
def test_deferoxamine_flat_dose_by_cohort_ignores_size(make_plan, cohort, mg):
    small = make_plan("NCT05184816", weight="40", height="150", cohort=cohort, cycles="1")
    large = make_plan("NCT05184816", weight="120", height="190", cohort=cohort, cycles="1")
    assert {e.dose.value for e in small.events} == {e.dose.value for e in large.events} == {D(mg)}


def test_deferoxamine_cycles_must_be_chosen(make_plan):
    with pytest.raises(ChoiceError) as exc:
        make_plan("NCT05184816", cohort="1")
    assert exc.value.key == "cycles"


def test_every_shipped_protocol_file_is_named_after_its_id():
    from schedplan.load.protocols import shipped_dir, shipped_protocols

    loaded = shipped_protocols()
    assert {lp.protocol.id for lp in loaded} == {
        "NCT03875495",
        "NCT07256210",
        "NCT06885476",
        "NCT02999633",
        "NCT05184816",
    }
    for lp in loaded:
        assert lp.path == shipped_dir() / f"{lp.protocol.id}.yaml"
