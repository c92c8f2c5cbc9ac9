"""PDFs rendered on the server (WeasyPrint): A4, the service's letterhead, page numbers, Italian dates.

Templates extend ``pdf/base.html`` and fill ``{% block body %}``; the letterhead comes from the service settings
(``ceis.service``), the logo inline. Nothing is fetched from outside: the only URLs WeasyPrint may follow are
``data:`` URIs, so a value typed into a record can never make the server fetch a page. Dates in the templates go
through Django's formats in the active language (``{{ date|date:"DATE_FORMAT" }}`` is "5 dicembre 2026").
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation

PDF_CSS = Path(settings.BASE_DIR) / "static" / "css" / "pdf.css"


def _data_only_fetcher():
    from weasyprint.urls import URLFetcher

    return URLFetcher(allowed_protocols={"data"}, allow_redirects=False, timeout=1)


@lru_cache(maxsize=1)
def _stylesheet():
    from weasyprint import CSS

    return CSS(string=PDF_CSS.read_text(encoding="utf-8"))


def letterhead_context() -> dict:
    from ceis.service.selectors import service_settings

    return {"letterhead": service_settings()}


def render_pdf(template_name: str, context: dict, *, language: str | None = None) -> bytes:
    """The PDF of ``template_name`` (which extends ``pdf/base.html``), in ``language`` (default: Italian)."""
    from weasyprint import HTML

    with translation.override(language or settings.LANGUAGE_CODE):
        html = render_to_string(template_name, {**letterhead_context(), **context})
    return HTML(string=html, url_fetcher=_data_only_fetcher(), base_url="data:,").write_pdf(stylesheets=[_stylesheet()])
