"""The fee section of a network's page: a member school's fee for this year (networks asks;
it never imports us)."""

from networks.sections import Section

from .models import FeeInvoice, FeeScheme


def school_fee_state(
    scheme: FeeScheme, school_id: int
) -> tuple[FeeInvoice | None, list[FeeInvoice]]:
    """The school's invoice for the scheme's current fee year, if one has been raised, and
    the invoices of the schools it carries on (an academy conversion), newest first. One
    query."""
    invoices = list(
        FeeInvoice.objects.of_schools([school_id])
        .filter(network_id=scheme.network_id)
        .select_related("school")
        .order_by("-year", "school__name")
    )
    this_year = [
        invoice
        for invoice in invoices
        if invoice.year == scheme.current_year() and invoice.year_kind == scheme.year_kind
    ]
    # Its own first: a closed school's invoice stands for the year only if it has none.
    this_year.sort(key=lambda invoice: invoice.school_id != school_id)
    earlier = [invoice for invoice in invoices if invoice.school_id != school_id]
    return (this_year[0] if this_year else None), earlier


def fee_section(request, perms) -> Section | None:
    """For a member holding their school's seat: whether this year's fee is paid, and the
    fee history of the schools it carries on."""
    membership = perms.membership
    if membership is None or not membership.is_active or not membership.school_id:
        return None
    scheme = FeeScheme.objects.filter(network=perms.network).first()
    if scheme is None:
        return None
    invoice, predecessors = school_fee_state(scheme, membership.school_id)
    return Section(
        "fees/_network_section.html",
        {
            "scheme": scheme,
            "year_label": scheme.year_label(scheme.current_year()),
            "school": membership.school,
            "invoice": invoice,
            "predecessors_invoices": predecessors,
        },
        order=40,
    )
