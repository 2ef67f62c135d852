"""HTML to PDF with WeasyPrint, for documents made from our own templates (invoices,
certificates of attendance, CPD records).

Nothing is stored: a PDF is made when it is downloaded or attached, so it always shows
things as they stand.
"""

PDF_TYPE = "application/pdf"


def document(html: str):
    """The laid-out document (its pages and boxes: what tests read the text from)."""
    # Imported here, not at the top: WeasyPrint takes over a second to import, and only
    # the few processes that make a PDF should pay for it.
    import weasyprint

    # Our templates hold everything they need (styles inline, no images): a URL in one
    # could only have come from data, and making a PDF must never fetch one.
    refuse_every_url = weasyprint.URLFetcher(allowed_protocols=(), fail_on_errors=True)
    return weasyprint.HTML(string=html, url_fetcher=refuse_every_url).render()


def pdf_bytes(html: str) -> bytes:
    return document(html).write_pdf()
