"""Every `source` quote in a shipped protocol is taken word for word from its study record.

The records are in ../shared/seeds/ beside the checkout (CI has them there); a quote may leave words out
with '...'. This keeps the protocols honest: a dose or day typed into a quote that the record does not
contain fails here.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from schedplan.load.protocols import shipped_protocols

SEEDS = Path(__file__).resolve().parents[2].parent / "shared" / "seeds"


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().lower()


def _quotes(lp):
    p = lp.protocol
    if p.source.quote:
        yield "source.quote", p.source.quote
    for e in p.events:
        if e.source:
            yield f"events.{e.id}.source", e.source


@pytest.mark.skipif(not SEEDS.is_dir(), reason="shared/seeds is not beside this checkout")
@pytest.mark.parametrize("lp", shipped_protocols(), ids=lambda lp: lp.protocol.id)
def test_quotes_are_in_the_record(lp):
    record_file = SEEDS / Path(lp.protocol.source.record or "").name
    assert record_file.is_file(), f"{lp.protocol.id}: source.record {lp.protocol.source.record!r} is not in {SEEDS}"
    record = _norm(record_file.read_text(encoding="utf-8"))
    assert lp.protocol.id.lower() in record
    for where, quote in _quotes(lp):
        for fragment in quote.split("..."):
            fragment = _norm(fragment).strip(" ;,")
            if fragment:
                assert fragment in record, f"{lp.protocol.id} {where}: {fragment!r} is not in {record_file.name}"
