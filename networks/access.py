"""Who may do what with a network. Every view asks here, for the object in hand.

`for_network(user, network)` looks the person's membership up once and answers
every question a page asks about it; views pass the answer to templates
(`perms.can_coordinate`), so no template works a rule out for itself. Site
staff are superusers (is_staff only opens the admin site).
"""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import Http404
from django.shortcuts import get_object_or_404

from members.models import Post

from .models import Membership, Network, Workhub


@dataclass(frozen=True)
class NetworkAccess:
    """What one person may do in one network, from their live membership (if any)."""

    network: Network
    membership: Membership | None
    is_signed_in: bool
    is_site_staff: bool

    @property
    def is_member(self) -> bool:
        """Active members (of any role) and site staff."""
        return self.is_site_staff or (self.membership is not None and self.membership.is_active)

    @property
    def can_coordinate(self) -> bool:
        """Coordinators and administrators of this network, and site staff."""
        return self.is_site_staff or (
            self.membership is not None and self.membership.can_coordinate
        )

    @property
    def can_administer(self) -> bool:
        """Administrators of this network, and site staff."""
        return self.is_site_staff or (
            self.membership is not None and self.membership.can_administer
        )

    @property
    def can_see_members(self) -> bool:
        """The member list: members, or only coordinators where the network says so."""
        if self.network.member_list_visibility == Network.MemberListVisibility.COORDINATORS:
            return self.can_coordinate
        return self.is_member

    def may_see_email_of(self, person) -> bool:
        """On the member list: addresses people chose to share, and all of them for staff."""
        return self.can_see_members and (self.is_site_staff or person.show_email_to_members)


def membership_of(user, network: Network) -> Membership | None:
    """The user's live (pending or active) membership of the network, if any (one query)."""
    if not user.is_authenticated:
        return None
    return Membership.objects.live().filter(person=user, network=network).first()


def for_network(user, network: Network) -> NetworkAccess:
    """Everything the user may do in the network, in at most one query."""
    return with_membership(user, network, membership_of(user, network))


def with_membership(user, network: Network, membership: Membership | None) -> NetworkAccess:
    """As for_network, for a caller that has looked up the user's live membership itself."""
    return NetworkAccess(
        network=network,
        membership=membership,
        is_signed_in=user.is_authenticated,
        is_site_staff=user.is_authenticated and user.is_superuser,
    )


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


def can_see_person(viewer, person) -> bool:
    """A person's page: themselves, site staff, people who see them on a member list
    (as that list allows), and coordinators of a network they are in or asked to join."""
    if not viewer.is_authenticated:
        return False
    if viewer.is_superuser or viewer.pk == person.pk:
        return True
    viewer_places = Membership.objects.active().filter(person=viewer)
    coordinated = viewer_places.filter(
        role__in=[Membership.Role.COORDINATOR, Membership.Role.ADMINISTRATOR]
    ).values("network")
    open_lists = viewer_places.filter(
        network__member_list_visibility=Network.MemberListVisibility.MEMBERS
    ).values("network")
    return (
        Membership.objects.filter(person=person)
        .filter(
            models.Q(status=Membership.Status.ACTIVE, network__in=open_lists)
            | models.Q(status__in=Membership.LIVE_STATUSES, network__in=coordinated)
        )
        .exists()
    )


def administered_network_ids(user) -> set[int]:
    """The networks the user administers (remembered on the user object for the request)."""
    if not user.is_authenticated:
        return set()
    if not hasattr(user, "_administered_network_ids"):
        user._administered_network_ids = set(
            Membership.objects.active()
            .filter(person=user, role=Membership.Role.ADMINISTRATOR)
            .values_list("network_id", flat=True)
        )
    return user._administered_network_ids


def get_network(slug: str) -> Network:
    """A network by its slug, or 404."""
    return get_object_or_404(Network.objects.select_related("parent"), slug=slug)


def get_network_for_member_list(user, slug: str) -> NetworkAccess:
    """The user's access to the network if they may see its member list; 403 otherwise."""
    perms = for_network(user, get_network(slug))
    if not perms.can_see_members:
        raise PermissionDenied(f"Only members of {perms.network.name} can see who its members are.")
    return perms


def get_network_to_coordinate(user, slug: str) -> NetworkAccess:
    """The user's access to the network if they coordinate it; 403 otherwise."""
    perms = for_network(user, get_network(slug))
    if not perms.can_coordinate:
        raise PermissionDenied(f"Only coordinators of {perms.network.name} can do this.")
    return perms


def get_network_to_administer(user, slug: str) -> NetworkAccess:
    """The user's access to the network if they administer it; 403 otherwise."""
    perms = for_network(user, get_network(slug))
    if not perms.can_administer:
        raise PermissionDenied(
            f"Only administrators of {perms.network.name} can manage its requests."
        )
    return perms


def get_workhub(slug: str, workhub_slug: str) -> Workhub:
    """A workhub of the network with that slug, or 404 (another network's is a 404 too)."""
    return get_object_or_404(
        Workhub.objects.select_related("network__parent"), network__slug=slug, slug=workhub_slug
    )


# Claimed posts ----------------------------------------------------------------


def _seated_schools_of(network: Network):
    """The schools holding a live seat in the network: its member schools."""
    return Membership.objects.live().filter(network=network, school__isnull=False).values("school")


def claims_for_network(network: Network):
    """Claims waiting at the network's member schools, oldest first (the network's queue)."""
    return (
        Post.objects.claims()
        .filter(school__in=_seated_schools_of(network))
        .select_related("person", "school")
        .order_by("created_at", "pk")
    )


def how_user_may_decide(user, post: Post) -> str:
    """In what capacity the user may confirm or reject the claimed post ("" if they may not).

    Site staff; the school's current verified head; an administrator of a network in
    which the school holds a live seat. Never the claimant, whoever they are.
    """
    if not user.is_authenticated or not user.is_active or user.pk == post.person_id:
        return ""
    if user.is_superuser:
        return Post.How.SITE_STAFF
    heads_school = (
        Post.objects.current()
        .verified()
        .headships()
        .filter(person=user, school=post.school_id)
        .exists()
    )
    if heads_school:
        return Post.How.SCHOOL_HEAD
    administers_its_network = (
        Membership.objects.active()
        .filter(
            person=user, role=Membership.Role.ADMINISTRATOR, network__basis=Network.Basis.SCHOOL
        )
        .filter(
            network__in=Membership.objects.live().filter(school=post.school_id).values("network")
        )
        .exists()
    )
    if administers_its_network:
        return Post.How.NETWORK_ADMINISTRATOR
    return ""


def get_claim_to_decide(user, pk: int) -> tuple[Post, str]:
    """A claim waiting for a decision and the capacity the user decides it in; 404 to anyone
    who may not decide it, so nobody learns who claims what."""
    post = (
        Post.objects.claims()
        .select_related("person", "school__local_authority")
        .filter(pk=pk)
        .first()
    )
    how = how_user_may_decide(user, post) if post is not None else ""
    if not how:
        raise Http404("No such claim.")
    return post, how
