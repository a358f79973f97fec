"""Templates (jinja2) to one self-contained HTML page; the PDF from that HTML with WeasyPrint."""

from __future__ import annotations

import datetime as dt
import re
from functools import cache
from typing import Any

import jinja2

from schedplan.export.printout import course, view
from schedplan.export.printout.i18n import language
from schedplan.export.printout.model import PrintOptions, PrintSource

PAPER = {"a4": "A4", "letter": "letter"}


@cache
def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("schedplan.export.printout", "templates"),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
    )
    return env


def _css_string(text: str) -> str:
    """A CSS string literal for ``text`` (for content: in @page rules)."""
    out = []
    for ch in text:
        if ch in '"\\<>&' or ord(ch) < 32:
            out.append(f"\\{ord(ch):x} ")  # a CSS escape: safe inside <style> and inside the string
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def page_counter(template: str) -> str:
    """'Page %(n)s of %(m)s' (translated) as a CSS content value with the page counters in place."""
    parts = re.split(r"(%\(n\)s|%\(m\)s)", template)
    out = []
    for part in parts:
        if part == "%(n)s":
            out.append("counter(page)")
        elif part == "%(m)s":
            out.append("counter(pages)")
        elif part:
            out.append(_css_string(part))
    return " ".join(out)


def render_html(source: PrintSource, options: PrintOptions) -> str:
    """The printout as one HTML document (inline CSS, @page rules), the same text for the same input."""
    lang = language(options.locale)
    env = _environment()
    template = env.get_template(f"{options.audience}.html.j2")
    by_day = view.days(lang, source, options)
    context: dict[str, Any] = {
        "_": lang.gettext,
        "gettext": lang.gettext,
        "ngettext": lang.ngettext,
        "lang": lang,
        "html_lang": str(lang.locale).replace("_", "-"),
        "options": options,
        "paper": PAPER[options.paper],
        "created": options.printed_at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "printed_at": lang.datetime(options.printed_at),
        "page_counter": page_counter(lang.gettext("Page %(n)s of %(m)s")),
        "css_string": _css_string,
        "schedule": source.schedule,
        "source": source,
        "header": view.header(lang, source, options),
        "days": by_day,
        "weekday_names": lang.weekday_names("wide"),
        "anchor_date": lang.long_date(dt.date.fromisoformat(source.schedule["anchor_date"])),
        "label": (options.label or "").strip() or None,
    }
    events = source.schedule.get("events", [])
    context["marks"] = course.marks_used(events)
    context["held_mark"], context["given_mark"], context["moved_mark"] = course.HELD, course.GIVEN, course.MOVED
    context["moved_note"] = lambda was: course.moved_note(lang, was)
    if options.audience == "patient":
        context["months"] = view.months(lang, source, options, by_day)
    else:
        context["totals"] = view.totals(lang, source)
        context["warnings"] = [
            {
                "date": lang.medium_date(dt.date.fromisoformat(w["date"])) if w.get("date") else None,
                "code": w.get("code"),
                "message": w.get("message"),
            }
            for w in source.schedule.get("warnings", [])
        ] + [{"date": None, "code": "course", "message": m} for m in source.course_warnings]
        context["history"] = course.history(source.schedule)
        context["course_totals"] = course.course_totals(source.schedule)
        context["unchecked"] = list(source.unchecked)
    return template.render(**context)


def render_pdf(html: str) -> bytes:
    """The PDF of a printout's HTML. Its dates come from the HTML's dcterms meta (the print time), so
    the same HTML gives the same bytes."""
    from weasyprint import HTML

    data = HTML(string=html, base_url=None).write_pdf(pdf_identifier=False, uncompressed_pdf=False)
    assert isinstance(data, bytes)
    return data
