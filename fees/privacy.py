"""Fee invoices are the school's records, not a person's: closing an account keeps them,
without the link to whoever raised them. So are the finance contacts schools name: kept,
without the link to whoever named them."""

from .models import FeeInvoice, FinanceContact


def personal_data(person) -> dict:
    """The invoices the person raised (as a network's administrator), and the schools that
    send their invoices to the person's address (as a finance contact)."""
    return {
        "fee_invoices_raised": [
            {"reference": invoice.reference, "school": invoice.school.name}
            for invoice in FeeInvoice.objects.filter(created_by=person).select_related("school")
        ],
        "finance_contact_for": [
            {"school": contact.school.name, "name": contact.name, "email": contact.email}
            for contact in FinanceContact.objects.filter(email__iexact=person.email).select_related(
                "school"
            )
        ],
    }


def forget_person(person) -> None:
    FeeInvoice.objects.filter(created_by=person).update(created_by=None)
    FinanceContact.objects.filter(updated_by=person).update(updated_by=None)
