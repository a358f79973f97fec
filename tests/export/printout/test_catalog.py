"""The message catalog: up to date with the code and templates, and a unit's translation is used."""

from __future__ import annotations

import io
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

import schedplan.export.printout.i18n as i18n
from schedplan.cli import main

PKG = Path(i18n.__file__).parent
METHODS = [("**.py", "python"), ("templates/**.j2", "jinja2")]
KEYWORDS = {"gettext": None, "ngettext": (1, 2), "_": None, "_n_": None}


def test_catalog_template_lists_every_message():
    found = {m[2] if isinstance(m[2], str) else m[2][0] for m in extract_from_dir(str(PKG), METHODS, keywords=KEYWORDS)}
    with open(PKG / "locale" / "schedplan-print.pot", "rb") as fh:
        pot = {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(fh) if m.id}
    assert found == pot, f"missing from the .pot: {sorted(found - pot)}; no longer used: {sorted(pot - found)}"


def test_a_units_translation_is_used(frozen_plan, tmp_path, monkeypatch):
    catalog = Catalog(locale="it", domain=i18n.DOMAIN)
    catalog.add("Day by day", "Giorno per giorno")
    catalog.add("by mouth", "per bocca")
    catalog.add(("%(n)d hour", "%(n)d hours"), ("%(n)d ora", "%(n)d ore"))
    folder = tmp_path / "locale" / "it" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    buf = io.BytesIO()
    write_mo(buf, catalog)
    (folder / f"{i18n.DOMAIN}.mo").write_bytes(buf.getvalue())
    monkeypatch.setattr(i18n, "LOCALE_DIR", tmp_path / "locale")
    html = tmp_path / "it.html"
    assert main(["print", str(frozen_plan), "--html", str(html), "--audience", "patient", "--locale", "it_IT"]) == 0
    text = html.read_text(encoding="utf-8")
    assert "Giorno per giorno" in text and "Day by day" not in text
    assert "1 ora" in text  # fludarabine, 60 minutes
    assert "How to read this calendar" in text  # untranslated words stay English
