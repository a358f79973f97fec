"""Issue 10, item 9: the record's IT deferoxamine exclusions are in the notes, and ranitidine is marked as
withdrawn (2020) with the record's wording kept - each word for word from the record where it quotes it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from schedplan.load.protocols import find_protocol

SEEDS = Path(__file__).resolve().parents[2].parent / "shared" / "seeds"


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().lower()


def test_deferoxamine_exclusions_in_the_notes(make_plan):
    notes = " ".join(make_plan("NCT05184816", cohort="1", cycles="1").notes)
    for drug in ("iron chelators", "ascorbic acid", "prochlorperazine"):
        assert drug in notes


def test_ranitidine_is_marked_withdrawn_with_the_records_wording(make_plan):
    p = make_plan("NCT02999633", cycles="1")
    ranitidine = next(e for e in p.events if e.name == "ranitidine")
    assert ranitidine.notes and "withdrawn" in ranitidine.notes and "2020" in ranitidine.notes
    assert any("withdrawn" in n and "Drug: ranitidine" in n for n in p.notes)
    assert find_protocol("NCT02999633").protocol.event("ranitidine").name == "ranitidine"  # the record's name kept


@pytest.mark.skipif(not SEEDS.is_dir(), reason="shared/seeds is not beside this checkout")
def test_the_quoted_notes_are_word_for_word_from_the_records():
    for pid, seed in (("NCT05184816", "004_0a9c47014bce9f14.txt"), ("NCT02999633", "003_41935b04e7e9fa1d.txt")):
        record = _norm((SEEDS / seed).read_text(encoding="utf-8"))
        notes = [n for n in find_protocol(pid).protocol.notes if n.startswith(("Exclusions", "Ranitidine"))]
        quotes = [q for n in notes for q in re.findall(r"'([^']{20,})'", n)]
        assert quotes, pid
        for q in quotes:
            assert _norm(q) in record, (pid, q)
