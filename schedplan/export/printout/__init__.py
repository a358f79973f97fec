"""Printable calendars from a saved plan: a patient handout and a staff schedule, as HTML and PDF.

doc = PrintSource(schedule=saved.schedule, plan_id=saved.plan_id, ...)
html = render_html(doc, PrintOptions(audience="patient", locale="en_GB", ...))
pdf = render_pdf(html)                      # WeasyPrint; the same html gives the same bytes
"""

from __future__ import annotations

from schedplan.export.printout.model import CheckStatus, PrintOptions, PrintSource
from schedplan.export.printout.render import render_html, render_pdf

__all__ = ["CheckStatus", "PrintOptions", "PrintSource", "render_html", "render_pdf"]
