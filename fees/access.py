"""Who may see a fee invoice: the network's administrators, site staff, and the school's
current verified heads (it is their school's bill), or, once the school has closed into
another (an academy conversion), that school's. Nobody else learns it exists. Who may
name a school's finance contact: its own heads, and the administrators of a network the
school holds a seat in."""

from django.contrib.auth.models import AnonymousUser
from django.http import Http404

from members.models import Post, School, User
from networks import access as network_access
from networks.models import Membership

from .models import FeeInvoice


def _leads_school(user: User, school_ids: list[int]) -> bool:
    """The user is a current verified head of one of the schools."""
    return (
        Post.objects.current()
        .verified()
        .headships()
        .filter(person=user, school__in=school_ids)
        .exists()
    )


def may_see_invoice(user: User | AnonymousUser, invoice: FeeInvoice) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser or invoice.network_id in network_access.administered_network_ids(user):
        return True
    return _leads_school(user, invoice.school.line_ids)


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


def seating_networks_administered(user: User | AnonymousUser, school: School) -> list[int]:
    """The networks the user administers in which the school holds an active seat."""
    administered = network_access.administered_network_ids(user)
    if not administered:
        return []
    return sorted(
        Membership.objects.active()
        .filter(school=school, network__in=administered)
        .values_list("network_id", flat=True)
        .distinct()
    )


def get_school_for_finance_contact(
    user: User | AnonymousUser, urn: int
) -> tuple[School, int | None]:
    """The school whose finance contact the user may name, with the network they act for
    (None: as the school's head or site staff); 404 otherwise."""
    school = School.objects.filter(urn=urn).first()
    if school is None or not user.is_authenticated or not user.is_active:
        raise Http404("No such school.")
    if _leads_school(user, [school.pk]):
        return school, None
    networks = seating_networks_administered(user, school)
    if networks:
        return school, networks[0]
    if user.is_superuser:
        return school, None
    raise Http404("No such school.")
