"""Who may do what with a network. Every view asks here, for the object in hand.

Site staff are superusers (is_staff only opens the admin site).
"""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from .models import Membership, Network, Workhub

# "Not looked up yet", as distinct from None, "looked up: not a member".
UNKNOWN = object()


def membership_of(user, network: Network) -> Membership | None:
    """The user's live membership of the network, if any (one query)."""
    if not user.is_authenticated:
        return None
    return Membership.objects.live().filter(person=user, network=network).first()


def _membership_grants(user, network: Network, membership, flag: str) -> bool:
    """Site staff always; otherwise the user's membership must have the flag set."""
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    if membership is UNKNOWN:
        membership = membership_of(user, network)
    return membership is not None and getattr(membership, flag)


def is_member(user, network: Network, membership=UNKNOWN) -> bool:
    """Active members (of any role) and site staff."""
    return _membership_grants(user, network, membership, "is_active")


def can_coordinate(user, network: Network, membership=UNKNOWN) -> bool:
    """Coordinators and administrators of this network, and site staff."""
    return _membership_grants(user, network, membership, "can_coordinate")


def can_administer(user, network: Network, membership=UNKNOWN) -> bool:
    """Administrators of this network, and site staff."""
    return _membership_grants(user, network, membership, "can_administer")


def can_see_member_list(user, network: Network, membership=UNKNOWN) -> bool:
    if network.member_list_visibility == Network.MemberListVisibility.COORDINATORS:
        return can_coordinate(user, network, membership)
    return is_member(user, network, membership)


def can_see_email(viewer, person) -> bool:
    """Site staff and the person always; members of a network the person is in, if the
    person allows it; nobody else, ever."""
    if not viewer.is_authenticated:
        return False
    if viewer.is_superuser or viewer.pk == person.pk:
        return True
    if not person.show_email_to_members:
        return False
    return (
        Membership.objects.active()
        .filter(
            person=viewer,
            network__memberships__in=Membership.objects.active().filter(person=person),
        )
        .exists()
    )


def get_network(slug: str) -> Network:
    """A network by its slug, or 404."""
    return get_object_or_404(Network.objects.select_related("parent"), slug=slug)


def get_network_for_member_list(user, slug: str) -> Network:
    """The network if the user may see its member list; 403 otherwise."""
    network = get_network(slug)
    if not can_see_member_list(user, network):
        raise PermissionDenied(f"Only members of {network.name} can see who its members are.")
    return network


def get_workhub(slug: str, workhub_slug: str) -> Workhub:
    """A workhub of the network with that slug, or 404 (another network's is a 404 too)."""
    return get_object_or_404(
        Workhub.objects.select_related("network"), network__slug=slug, slug=workhub_slug
    )


def get_network_to_administer(user, slug: str) -> Network:
    """The network if the user administers it; 403 otherwise."""
    network = get_network(slug)
    if not can_administer(user, network):
        raise PermissionDenied(f"Only administrators of {network.name} can manage its requests.")
    return network
