"""`schedplan print`: bad input is one line and exit 2 with nothing written; the same input gives the same bytes."""

from __future__ import annotations

import datetime as dt
import json
import os

import pytest
from pypdf import PdfReader

from schedplan.cli import main
from tests.export.printout.conftest import EPOCH


def _one_line_exit_2(capsys: pytest.CaptureFixture[str], args: list[str], *needles: str) -> str:
    assert main(args) == 2
    err = capsys.readouterr().err
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1, err
    assert "Traceback" not in err
    for n in needles:
        assert n in lines[0], lines[0]
    return lines[0]


def test_missing_plan_file(tmp_path, capsys):
    _one_line_exit_2(capsys, ["print", str(tmp_path / "nope.json"), "--pdf", str(tmp_path / "a.pdf")], "does not exist")
    assert not (tmp_path / "a.pdf").exists()


def test_damaged_plan_file(tmp_path, capsys):
    bad = tmp_path / "bad.json"
    bad.write_text('{"format": "schedplan-plan", "format_version": 1, "plan_id": ', encoding="utf-8")
    _one_line_exit_2(capsys, ["print", str(bad), "--html", str(tmp_path / "a.html")], "not valid JSON")
    assert not (tmp_path / "a.html").exists()


def test_unknown_locale(frozen_plan, tmp_path, capsys):
    _one_line_exit_2(
        capsys, ["print", str(frozen_plan), "--html", str(tmp_path / "a.html"), "--locale", "xx_QQ"], "xx_QQ", "it_IT"
    )
    assert not (tmp_path / "a.html").exists()


def test_from_after_to(frozen_plan, tmp_path, capsys):
    _one_line_exit_2(
        capsys,
        ["print", str(frozen_plan), "--html", str(tmp_path / "a.html"), "--from", "2027-04-01", "--to", "2027-03-01"],
        "--from 2027-04-01 is after --to 2027-03-01",
    )


def test_impossible_date(frozen_plan, tmp_path, capsys):
    _one_line_exit_2(
        capsys,
        ["print", str(frozen_plan), "--html", str(tmp_path / "a.html"), "--from", "2027-02-30"],
        "February 2027 has 28 days",
    )


def test_range_without_events(frozen_plan, tmp_path, capsys):
    _one_line_exit_2(
        capsys,
        ["print", str(frozen_plan), "--html", str(tmp_path / "a.html"), "--from", "2030-01-01", "--to", "2030-02-01"],
        "no event",
    )


def test_no_destination(frozen_plan, capsys):
    _one_line_exit_2(capsys, ["print", str(frozen_plan)], "--pdf", "--html")


def test_destination_folder_missing(frozen_plan, tmp_path, capsys):
    _one_line_exit_2(capsys, ["print", str(frozen_plan), "--pdf", str(tmp_path / "no" / "a.pdf")], "does not exist")


def test_destination_is_a_directory(frozen_plan, tmp_path, capsys):
    _one_line_exit_2(capsys, ["print", str(frozen_plan), "--html", str(tmp_path)], "directory")


@pytest.mark.skipif(os.geteuid() == 0, reason="root can write a read-only folder, so there is no refusal to see")
def test_destination_not_writable(frozen_plan, tmp_path, capsys):
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        _one_line_exit_2(capsys, ["print", str(frozen_plan), "--pdf", str(folder / "a.pdf")], "permission denied")
    finally:
        folder.chmod(0o700)


def test_bad_html_destination_writes_no_pdf_either(frozen_plan, tmp_path, capsys):
    """Both destinations are checked before anything is written: no PDF next to a refused HTML."""
    pdf = tmp_path / "a.pdf"
    _one_line_exit_2(capsys, ["print", str(frozen_plan), "--pdf", str(pdf), "--html", str(tmp_path / "x" / "a.html")])
    assert not pdf.exists()


def test_bad_source_date_epoch(frozen_plan, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "yesterday")
    _one_line_exit_2(capsys, ["print", str(frozen_plan), "--html", str(tmp_path / "a.html")], "SOURCE_DATE_EPOCH")


def test_an_old_file_is_replaced_whole(frozen_plan, tmp_path):
    html = tmp_path / "a.html"
    html.write_text("old " * 100000, encoding="utf-8")
    assert main(["print", str(frozen_plan), "--html", str(html)]) == 0
    text = html.read_text(encoding="utf-8")
    assert text.startswith("<!DOCTYPE html>") and "old old" not in text
    assert [p.name for p in tmp_path.iterdir()] == ["a.html"]  # no temporary file left behind


@pytest.mark.parametrize("audience", ["patient", "staff"])
def test_same_plan_options_and_print_time_give_the_same_bytes(frozen_plan, tmp_path, audience):
    outs = []
    for n in range(2):
        pdf, html = tmp_path / f"{n}.pdf", tmp_path / f"{n}.html"
        assert main(["print", str(frozen_plan), "--pdf", str(pdf), "--html", str(html), "--audience", audience]) == 0
        outs.append((pdf.read_bytes(), html.read_bytes()))
    assert outs[0] == outs[1]


def test_source_date_epoch_is_the_print_time(frozen_plan, tmp_path, monkeypatch):
    pdfs = []
    for epoch in (EPOCH, str(int(EPOCH) + 86400)):
        monkeypatch.setenv("SOURCE_DATE_EPOCH", epoch)
        pdf = tmp_path / f"{epoch}.pdf"
        assert main(["print", str(frozen_plan), "--pdf", str(pdf)]) == 0
        created = PdfReader(str(pdf)).metadata.creation_date
        assert created == dt.datetime.fromtimestamp(int(epoch), tz=dt.UTC)
        pdfs.append(pdf.read_bytes())
    assert pdfs[0] != pdfs[1]


def test_italian_dates_and_monday_first(frozen_plan, tmp_path):
    html = tmp_path / "it.html"
    assert main(["print", str(frozen_plan), "--html", str(html), "--audience", "patient", "--locale", "it_IT"]) == 0
    text = html.read_text(encoding="utf-8")
    assert "marzo 2027" in text
    assert text.index("lunedì") < text.index("domenica")  # the Italian week starts on Monday
    assert 'lang="it-IT"' in text


def test_us_week_starts_on_sunday(frozen_plan, tmp_path):
    html = tmp_path / "us.html"
    assert (
        main(
            [
                "print",
                str(frozen_plan),
                "--html",
                str(html),
                "--audience",
                "patient",
                "--locale",
                "en_US",
                "--paper",
                "letter",
            ]
        )
        == 0
    )
    text = html.read_text(encoding="utf-8")
    head = text[text.index("<thead>") :]
    assert head.index("Sunday") < head.index("Monday")
    assert "size: letter landscape" in text


def test_from_to_prints_only_those_days(frozen_plan, tmp_path):
    html = tmp_path / "part.html"
    assert (
        main(
            [
                "print",
                str(frozen_plan),
                "--html",
                str(html),
                "--audience",
                "patient",
                "--from",
                "2027-03-14",
                "--to",
                "2027-03-20",
            ]
        )
        == 0
    )
    text = html.read_text(encoding="utf-8")
    saved = json.loads(frozen_plan.read_text(encoding="utf-8"))
    inside = [e for e in saved["schedule"]["events"] if "2027-03-14" <= e["date"] <= "2027-03-20"]
    outside = [e for e in saved["schedule"]["events"] if not "2027-03-14" <= e["date"] <= "2027-03-20"]
    assert inside and outside
    day_list = text[text.index("Day by day") :]
    for e in inside:
        assert e["name"].lower() in day_list.lower()
    assert "Thiotepa" not in text  # days -14 and -13 only
    assert "April 2027" not in text


def test_label_is_escaped_and_is_the_only_name(frozen_plan, tmp_path):
    html = tmp_path / "l.html"
    assert (
        main(
            [
                "print",
                str(frozen_plan),
                "--html",
                str(html),
                "--audience",
                "patient",
                "--label",
                'A.B. <script>"x"</script>',
            ]
        )
        == 0
    )
    text = html.read_text(encoding="utf-8")
    assert "<script>" not in text
    assert "A.B. &lt;script&gt;" in text
    assert "A.B. \\3c script\\3e \\22 x\\22 \\3c /script\\3e " in text  # the page footer's CSS string


def test_print_is_a_listed_command(capsys):
    with pytest.raises(SystemExit):
        main(["print", "--help"])
    out = capsys.readouterr().out
    for opt in ("--pdf", "--html", "--audience", "--locale", "--from", "--to", "--label", "--paper"):
        assert opt in out


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        ({"LANG": "it_IT.UTF-8"}, "it_IT"),
        ({"LC_ALL": "en_US.UTF-8", "LANG": "it_IT.UTF-8"}, "en_US"),
        ({"LANG": "C.UTF-8"}, "en_GB"),  # C/POSIX names no language
        ({"LANG": "xx_QQ.UTF-8"}, "en_GB"),  # a locale nobody knows is not an error the user typed
        ({}, "en_GB"),
    ],
)
def test_default_locale_from_the_environment(environ, expected):
    from schedplan.export.printout.i18n import environment_locale

    assert environment_locale(environ) == expected


def test_environment_locale_is_used_without_locale_option(frozen_plan, tmp_path, monkeypatch):
    monkeypatch.delenv("LC_ALL", raising=False)
    monkeypatch.delenv("LANGUAGE", raising=False)
    monkeypatch.delenv("LC_MESSAGES", raising=False)
    monkeypatch.setenv("LANG", "it_IT.UTF-8")
    html = tmp_path / "env.html"
    assert main(["print", str(frozen_plan), "--html", str(html), "--audience", "patient"]) == 0
    assert "marzo 2027" in html.read_text(encoding="utf-8")


def test_letter_paper_is_landscape_letter_for_the_patient_and_portrait_for_staff(frozen_plan, tmp_path):
    sizes = {}
    for audience in ("patient", "staff"):
        pdf = tmp_path / f"{audience}.pdf"
        assert main(["print", str(frozen_plan), "--pdf", str(pdf), "--audience", audience, "--paper", "letter"]) == 0
        box = PdfReader(str(pdf)).pages[0].mediabox
        sizes[audience] = (round(float(box.width)), round(float(box.height)))
    # US Letter is 8.5 x 11 in = 612 x 792 pt
    assert sizes == {"patient": (792, 612), "staff": (612, 792)}


def test_staff_header_has_measurement_date_and_bsa_with_formula(tmp_path):
    from tests.export.printout.conftest import SHIPPED, save_plan
    from tests.export.printout.helpers import pages_text, squash

    plan = save_plan(tmp_path, "NCT07256210", SHIPPED["NCT07256210"], "--measured-on", "2026-11-02")
    pdf = tmp_path / "s.pdf"
    assert main(["print", str(plan), "--pdf", str(pdf), "--locale", "en_GB"]) == 0
    # Mosteller by hand: sqrt(70 x 175 / 3600) = sqrt(3.40278) = 1.8447 -> 1.845 m2
    for text in pages_text(pdf):
        flat = squash(text)
        assert squash("measured on 2 Nov 2026") in flat
        assert squash("BSA 1.845 m2 (Mosteller)") in flat
        assert squash("weight 70kg") in flat and squash("height 175cm") in flat


def test_premedication_names_its_drug_and_approximate_days_say_so(shipped_plans, frozen_plan, tmp_path):
    html = tmp_path / "s.html"
    assert main(["print", str(shipped_plans["NCT02999633"]), "--html", str(html)]) == 0
    assert "premedication before isatuximab" in html.read_text(encoding="utf-8")
    patient = tmp_path / "p.html"
    assert main(["print", str(frozen_plan), "--html", str(patient), "--audience", "patient"]) == 0
    # the NK-cell infusion of day +5 is 'approximately on day +5' in the record
    assert "NK cell infusion - into a vein (the day is approximate)" in patient.read_text(encoding="utf-8")


def test_a_printout_over_its_own_plan_file_is_refused_and_the_plan_kept(frozen_plan, capsys):
    before = frozen_plan.read_bytes()
    _one_line_exit_2(capsys, ["print", str(frozen_plan), "--html", str(frozen_plan)], "plan file", "HTML")
    assert frozen_plan.read_bytes() == before
