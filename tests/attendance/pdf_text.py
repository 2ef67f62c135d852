"""The text a PDF's pages draw, read from WeasyPrint's laid-out boxes (as tests/fees/test_pdf.py
reads an invoice's)."""


def document_text(document) -> str:
    words = []

    def walk(box):
        if getattr(box, "text", None):
            words.append(box.text)
        for child in getattr(box, "children", []):
            walk(child)

    for page in document.pages:
        walk(page._page_box)
    return " ".join(words)
