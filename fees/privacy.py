"""Fee invoices are the school's records, not a person's: closing an account keeps them,
without the link to whoever raised them."""

from .models import FeeInvoice


def personal_data(person) -> dict:
    """The invoices the person raised (as a network's administrator)."""
    return {
        "fee_invoices_raised": [
            {"reference": invoice.reference, "school": invoice.school.name}
            for invoice in FeeInvoice.objects.filter(created_by=person).select_related("school")
        ]
    }


def forget_person(person) -> None:
    FeeInvoice.objects.filter(created_by=person).update(created_by=None)
