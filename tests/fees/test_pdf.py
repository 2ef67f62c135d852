"""The invoice PDF: made by WeasyPrint from our own template, showing what a school needs
to pay it; opened by the school's head and the network's administrators, nobody else."""

import pytest
from django.urls import reverse
from django.utils import timezone

from fees import pdf, services
from fees.models import FeeScheme

from .conftest import seat

pytestmark = pytest.mark.django_db


@pytest.fixture
def invoice(fee_network, administrator):
    FeeScheme.objects.filter(network=fee_network).update(
        bank_account_name="Oxfordshire Primary Heads",
        bank_sort_code="20-00-00",
        bank_account_number="12345678",
        how_to_pay="Cheques to the treasurer.",
        days_to_pay=30,
    )
    seat(fee_network, email="the.head@school.example")
    return services.raise_invoices(network=fee_network, by=administrator, email=False).raised[0]


def _document_text(document) -> str:
    """The text WeasyPrint laid out on the pages (what the PDF draws)."""
    words = []

    def walk(box):
        if getattr(box, "text", None):
            words.append(box.text)
        for child in getattr(box, "children", []):
            walk(child)

    for page in document.pages:
        walk(page._page_box)
    return " ".join(words)


def test_the_pdf_shows_the_school_amount_reference_due_date_and_payment_details(invoice):
    document = pdf.invoice_document(invoice)
    text = _document_text(document)

    for expected in [
        invoice.network.name, invoice.school.name, str(invoice.school.urn), "£450.00",
        invoice.reference, invoice.year_label, invoice.due_on.strftime("%-d %B %Y"),
        "Oxfordshire Primary Heads", "20-00-00", "12345678", "Cheques to the treasurer.",
    ]:  # fmt: skip
        assert expected in text, expected
    assert len(document.pages) == 1
    assert document.metadata.title == f"Invoice {invoice.reference}"


def test_the_pdf_is_a_real_pdf(invoice):
    made = pdf.invoice_pdf(invoice)

    assert made.startswith(b"%PDF-")
    assert made.rstrip().endswith(b"%%EOF")
    assert 2_000 < len(made) < 200_000


def test_once_paid_the_pdf_is_the_receipt(invoice, administrator):
    services.mark_paid(invoice=invoice, paid_on=timezone.localdate(), by=administrator,
                       reference="BACS 991")  # fmt: skip
    invoice.refresh_from_db()

    text = _document_text(pdf.invoice_document(invoice))

    assert f"Receipt {invoice.reference}" in text
    assert "BACS 991" in text and "Thank you" in text
    assert "Sort code" not in text


def test_data_in_the_pdf_is_text_never_markup_or_a_fetch(invoice):
    """A school's name is the register's data: in the PDF it is text, and nothing in the
    template makes WeasyPrint fetch a URL (its fetcher refuses every one)."""
    school = invoice.school
    school.name = '<img src="http://evil.example/x.png"> Academy'
    school.save(update_fields=["name"])

    text = _document_text(pdf.invoice_document(invoice))

    assert '<img src="http://evil.example/x.png"> Academy' in text
    assert "&lt;img src=&quot;http://evil.example/x.png&quot;&gt;" in pdf.invoice_html(invoice)


def test_the_head_downloads_the_pdf_from_the_invoice_page(client, invoice):
    client.force_login(invoice.school.posts.get().person)

    page = client.get(reverse("fees:invoice", args=[invoice.pk])).content.decode()
    response = client.get(reverse("fees:invoice_pdf", args=[invoice.pk]))

    assert reverse("fees:invoice_pdf", args=[invoice.pk]) in page
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


@pytest.mark.parametrize("persona", ["member", "coordinator", "outsider_administrator", "head"])
def test_nobody_else_downloads_the_pdf(client, request, invoice, persona):
    client.force_login(request.getfixturevalue(persona))

    response = client.get(reverse("fees:invoice_pdf", args=[invoice.pk]))

    assert response.status_code == 404
    assert not response.content.startswith(b"%PDF")
    assert invoice.school.name not in response.content.decode()


def test_a_visitor_is_asked_to_sign_in_for_the_pdf(client, invoice):
    response = client.get(reverse("fees:invoice_pdf", args=[invoice.pk]))

    assert response.status_code == 302 and reverse("account_login") in response["Location"]
