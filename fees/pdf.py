"""An invoice as a PDF, made by WeasyPrint from our own HTML template (fees/invoice_pdf.html).

Nothing is stored: the PDF is made when it is downloaded or emailed (the email's attachment
maker, registered in FeesConfig.ready, gets the invoice's id at send time), so it always
shows the invoice as it stands.
"""

from django.template.loader import render_to_string

from core.pdf import PDF_TYPE, document

from .models import FeeInvoice, FeeScheme


def invoice_html(invoice: FeeInvoice) -> str:
    """The invoice's HTML as the PDF prints it (the invoice with its network, school and
    the network's scheme)."""
    scheme = FeeScheme.objects.filter(network_id=invoice.network_id).first()
    return render_to_string("fees/invoice_pdf.html", {"invoice": invoice, "scheme": scheme})


def invoice_document(invoice: FeeInvoice):
    """The laid-out document (its pages and boxes: what tests read the text from)."""
    return document(invoice_html(invoice))


def invoice_pdf(invoice: FeeInvoice) -> bytes:
    return invoice_document(invoice).write_pdf()


def invoice_attachment(*, invoice_id: int) -> tuple[str, bytes, str] | None:
    """The email's attachment: the invoice's PDF as it stands when the email is sent."""
    invoice = (
        FeeInvoice.objects.filter(pk=invoice_id)
        .select_related("network", "school__local_authority")
        .first()
    )
    if invoice is None:
        return None
    return invoice.pdf_filename, invoice_pdf(invoice), PDF_TYPE
