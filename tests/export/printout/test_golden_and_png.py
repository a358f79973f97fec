"""Golden HTML for one plan per audience (looked at before each update), and page 1 of each PDF as a picture.

Update the golden files, after looking at the new HTML and PDF: UPDATE_PRINT_GOLDEN=1 pytest this file.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from schedplan.cli import main

GOLDEN = Path(__file__).parent / "golden"
_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def normalise(html: str) -> str:
    """The plan id (random per saved plan) replaced; trailing spaces dropped."""
    html = _UUID.sub("PLAN-ID", html)
    return "\n".join(line.rstrip() for line in html.splitlines()) + "\n"


@pytest.mark.parametrize("audience", ["patient", "staff"])
def test_golden_html(frozen_plan, tmp_path, audience):
    html = tmp_path / "out.html"
    assert (
        main(
            [
                "print",
                str(frozen_plan),
                "--html",
                str(html),
                "--audience",
                audience,
                "--locale",
                "en_GB",
                "--label",
                "A.B.",
            ]
        )
        == 0
    )
    got = normalise(html.read_text(encoding="utf-8"))
    golden = GOLDEN / f"NCT07256210-{audience}.html"
    if os.environ.get("UPDATE_PRINT_GOLDEN"):
        golden.write_text(got, encoding="utf-8")
    assert got == golden.read_text(encoding="utf-8")


def _dark_fraction(png: Path) -> float:
    from PIL import Image

    with Image.open(png) as img:
        gray = img.convert("L")
        hist = gray.histogram()
    total = sum(hist)
    return sum(hist[:128]) / total


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="pdftoppm (poppler-utils) is not installed")
@pytest.mark.parametrize("audience", ["patient", "staff"])
def test_page_one_is_not_blank(shipped_plans, tmp_path, audience):
    for pid, plan in shipped_plans.items():
        pdf = tmp_path / f"{pid}-{audience}.pdf"
        assert main(["print", str(plan), "--pdf", str(pdf), "--audience", audience, "--locale", "en_GB"]) == 0
        subprocess.run(
            [
                "pdftoppm",
                "-r",
                "40",
                "-f",
                "1",
                "-l",
                "1",
                "-singlefile",
                "-png",
                str(pdf),
                str(tmp_path / f"{pid}-{audience}"),
            ],
            check=True,
        )
        fraction = _dark_fraction(tmp_path / f"{pid}-{audience}.png")
        # text and lines cover some of the page, but not most of it (not blank, not black)
        assert 0.005 < fraction < 0.5, (pid, fraction)
