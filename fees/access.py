"""Who may see a fee invoice: the network's administrators, site staff, and the school's
current verified heads (it is their school's bill), or, once the school has closed into
another (an academy conversion), that school's. Nobody else learns it exists."""

from django.contrib.auth.models import AnonymousUser
from django.http import Http404

from members.models import Post, User
from networks import access as network_access

from .models import FeeInvoice


def may_see_invoice(user: User | AnonymousUser, invoice: FeeInvoice) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser or invoice.network_id in network_access.administered_network_ids(user):
        return True
    return (
        Post.objects.current()
        .verified()
        .headships()
        .filter(person=user, school__in=invoice.school.line_ids)
        .exists()
    )


def get_invoice_for_user(user: User | AnonymousUser, pk: int) -> FeeInvoice:
    """The invoice if the user may see it; 404 otherwise."""
    invoice = (
        FeeInvoice.objects.select_related(
            "network__fee_scheme", "school__local_authority", "school__successor"
        )
        .filter(pk=pk)
        .first()
    )
    if invoice is None or not may_see_invoice(user, invoice):
        raise Http404("No such invoice.")
    return invoice
