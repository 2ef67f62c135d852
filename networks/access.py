"""Who may do what with a network. Every view asks here, for the object in hand.

`for_network(user, network)` looks the person's membership up once and answers
every question a page asks about it; views pass the answer to templates
(`perms.can_coordinate`), so no template works a rule out for itself. Site
staff are superusers (is_staff only opens the admin site).
"""

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TypedDict

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from core import pagecache
from core.prepared import Prepared
from members.models import Post, PostQuerySet, User

from .models import Membership, Network, Workhub, network_scope


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

    def may_see_email_of(self, person: User) -> bool:
        """On the member list: addresses people chose to share, and all of them for staff."""
        return self.can_see_members and (self.is_site_staff or person.show_email_to_members)


def _live_membership_query(person_id: int, network_id: int) -> models.QuerySet[Membership]:
    # One row at most: one live membership a person and network (networks_membership_one_live).
    return Membership.objects.live().filter(person_id=person_id, network_id=network_id)[:1]


# Asked on most signed-in pages: compiled once (core.prepared).
LIVE_MEMBERSHIP = Prepared(Membership, _live_membership_query, arity=2)

# A caller's own query of the membership, by the person's and the network's ids.
MembershipReader = Callable[[int, int], Membership | None]


def membership_of(
    user: User | AnonymousUser, network: Network, reader: MembershipReader | None = None
) -> Membership | None:
    """The user's live (pending or active) membership of the network, if any (one query,
    compiled once; `reader`, a Prepared query's `first`, reads it with what else its
    caller needs)."""
    if not user.is_authenticated:
        return None
    membership = (reader or LIVE_MEMBERSHIP.first)(user.pk, network.pk)
    if membership is not None:
        membership.network = network  # the row in hand: no query where it is named
    return membership


def for_network(user: User | AnonymousUser, network: Network) -> NetworkAccess:
    """Everything the user may do in the network, in at most one query."""
    return with_membership(user, network, membership_of(user, network))


def with_membership(
    user: User | AnonymousUser, network: Network, membership: Membership | None
) -> NetworkAccess:
    """As for_network, for a caller that has looked up the user's live membership itself."""
    return NetworkAccess(
        network=network,
        membership=membership,
        is_signed_in=user.is_authenticated,
        is_site_staff=user.is_authenticated and user.is_superuser,
    )


def sees_every_address(viewer: User | AnonymousUser) -> bool:
    """Site staff, who run the service, see every address; everyone else (a network's
    administrators in the admin and its exports among them) only the addresses people
    chose to show to members of their networks."""
    return viewer.is_authenticated and viewer.is_superuser


def can_see_email(viewer: User | AnonymousUser, person: User) -> bool:
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


def can_see_person(viewer: User | AnonymousUser, person: User) -> bool:
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


def administered_network_ids(user: User | AnonymousUser) -> set[int]:
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


def network_at(slug: str) -> Network | None:
    """The network at this address, with its parent: the same for everyone, so kept for
    all (core.pagecache) while it is unchanged (a write to it, its parent or a sub-group
    names its scope)."""
    key = f"networks:at:{slug}"
    kept, versions = pagecache.look_up(key, [network_scope(slug)])
    if isinstance(kept, Network):
        return kept
    network = Network.objects.select_related("parent").filter(slug=slug).first()
    if network is not None:
        pagecache.keep(key, versions, network)
    return network


def get_network(slug: str) -> Network:
    """A network by its slug, or 404."""
    network = network_at(slug)
    if network is None:
        raise Http404("No such network.")
    return network


def for_slug(
    user: User | AnonymousUser, slug: str, reader: MembershipReader | None = None
) -> NetworkAccess:
    """for_network(user, get_network(slug)): the network is kept, the user's membership
    read afresh (membership_of, with `reader`); 404 for no network."""
    network = get_network(slug)
    return with_membership(user, network, membership_of(user, network, reader))


def get_network_for_member_list(user: User | AnonymousUser, slug: str) -> NetworkAccess:
    """The user's access to the network if they may see its member list; 403 otherwise."""
    perms = for_slug(user, slug)
    if not perms.can_see_members:
        raise PermissionDenied(f"Only members of {perms.network.name} can see who its members are.")
    return perms


def get_network_to_coordinate(user: User | AnonymousUser, slug: str) -> NetworkAccess:
    """The user's access to the network if they coordinate it; 403 otherwise."""
    perms = for_slug(user, slug)
    if not perms.can_coordinate:
        raise PermissionDenied(f"Only coordinators of {perms.network.name} can do this.")
    return perms


def get_network_to_administer(user: User | AnonymousUser, slug: str) -> NetworkAccess:
    """The user's access to the network if they administer it; 403 otherwise."""
    perms = for_slug(user, slug)
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


class _SchoolRow(TypedDict):
    school: int


def _seated_schools_of(network: Network) -> models.QuerySet[Membership, _SchoolRow]:
    """The schools holding a live seat in the network: its member schools."""
    return Membership.objects.live().filter(network=network, school__isnull=False).values("school")


def claims_for_network(network: Network) -> PostQuerySet:
    """Claims and seat questions waiting at the network's member schools, oldest first (the
    network's queue)."""
    return (
        Post.objects.awaiting_decision()
        .filter(school__in=_seated_schools_of(network))
        .select_related("person", "school")
        .order_by("created_at", "pk")
    )


# How long, and how many, the queue lists headships verified by evidence alone (each
# stays revocable from its own page, which the administrators were emailed).
RECENT_AUTOMATIC_DAYS = 30
RECENT_AUTOMATIC_SHOWN = 50


def automatic_headships_for_network(network: Network) -> list[Post]:
    """The latest headships verified automatically at the network's member schools in the
    last RECENT_AUTOMATIC_DAYS, newest first: for its administrators to check, and revoke."""
    since = timezone.now() - datetime.timedelta(days=RECENT_AUTOMATIC_DAYS)
    return list(
        Post.objects.verified_automatically()
        .filter(school__in=_seated_schools_of(network), decided_at__gte=since)
        .select_related("person", "school")
        .with_account_evidence()
        .order_by("-decided_at", "-pk")[:RECENT_AUTOMATIC_SHOWN]
    )


def _seated_where_user_administers(user: User, school_ids: set[int]) -> set[int]:
    """Of the schools, those holding a live seat in a school-based network the user
    administers (Membership.objects.administering_for_school, seen from the user's side)."""
    administered = (
        Membership.objects.active()
        .filter(
            person=user, role=Membership.Role.ADMINISTRATOR, network__basis=Network.Basis.SCHOOL
        )
        .values("network")
    )
    return set(
        Membership.objects.live()
        .filter(network__in=administered, school__in=school_ids)
        .values_list("school_id", flat=True)
    )


def _administers_a_network_of(user: User, school_id: int) -> bool:
    """An administrator of a school-based network in which the school holds a live seat."""
    return school_id in _seated_where_user_administers(user, {school_id})


def capacities_at(user: User | AnonymousUser, school_ids: Iterable[int]) -> dict[int, str]:
    """Of the schools, those at which the user may decide about someone else's post, each
    with the capacity they decide in (a Post.How): site staff, anywhere; the school's
    current verified head; an administrator of a school-based network in which the school
    holds a live seat. At most two queries, for any number of schools."""
    ids = set(school_ids)
    if not user.is_authenticated or not user.is_active or not ids:
        return {}
    if user.is_superuser:
        return dict.fromkeys(ids, Post.How.SITE_STAFF)
    headed = set(
        Post.objects.current()
        .verified()
        .headships()
        .filter(person=user, school__in=ids)
        .values_list("school_id", flat=True)
    )
    capacities: dict[int, str] = dict.fromkeys(headed, Post.How.SCHOOL_HEAD)
    if ids - headed:
        for school_id in _seated_where_user_administers(user, ids - headed):
            capacities[school_id] = Post.How.NETWORK_ADMINISTRATOR
    return capacities


def how_user_may_decide(user: User | AnonymousUser, post: Post) -> str:
    """In what capacity the user may decide about the post ("" if they may not): confirm or
    reject a claim, or pass a school's seats to a verified headship waiting for them.

    Those of capacities_at, for the post's school; never the person whose post it is.
    """
    if not user.is_authenticated or user.pk == post.person_id:
        return ""
    return capacities_at(user, [post.school_id]).get(post.school_id, "")


def how_user_may_revoke(user: User | AnonymousUser, post: Post) -> str:
    """In what capacity the user may revoke a headship verified automatically ("" if they
    may not): site staff, or an administrator of one of the school's networks."""
    if not user.is_authenticated or not user.is_active or user.pk == post.person_id:
        return ""
    if user.is_superuser:
        return Post.How.SITE_STAFF
    if _administers_a_network_of(user, post.school_id):
        return Post.How.NETWORK_ADMINISTRATOR
    return ""


@dataclass(frozen=True)
class PostDecisions:
    """What the user may decide about one post now, and in what capacity (a Post.How)."""

    post: Post
    decide_as: str = ""  # a claim, or a seat question
    revoke_as: str = ""  # a headship verified automatically

    @property
    def claim(self) -> bool:
        return bool(self.decide_as) and self.post.is_claim

    @property
    def seats(self) -> bool:
        return bool(self.decide_as) and self.post.awaits_seat_decision

    @property
    def revoke(self) -> bool:
        return bool(self.revoke_as)

    @property
    def anything(self) -> bool:
        return self.claim or self.seats or self.revoke


def decisions_on(user: User | AnonymousUser, pk: int) -> PostDecisions:
    """Everything the user may decide about the post; 404 when nothing (or no such post),
    so nobody learns who claims what."""
    post = Post.objects.select_related("person", "school__local_authority").filter(pk=pk).first()
    if post is None:
        raise Http404("No such claim.")
    decisions = PostDecisions(
        post=post,
        decide_as=(
            how_user_may_decide(user, post) if post.is_claim or post.awaits_seat_decision else ""
        ),
        revoke_as=how_user_may_revoke(user, post) if post.is_revocable else "",
    )
    if not decisions.anything:
        raise Http404("No such claim.")
    return decisions


def get_claim_to_decide(user: User | AnonymousUser, pk: int) -> tuple[Post, str]:
    """A claim waiting for a decision and the capacity the user decides it in; 404 to anyone
    who may not decide it."""
    decisions = decisions_on(user, pk)
    if not decisions.claim:
        raise Http404("No such claim.")
    return decisions.post, decisions.decide_as


def get_seat_question_to_decide(user: User | AnonymousUser, pk: int) -> tuple[Post, str]:
    """A verified headship waiting for the school's seats, and the capacity the user decides
    in; 404 to anyone who may not decide it."""
    decisions = decisions_on(user, pk)
    if not decisions.seats:
        raise Http404("No such question.")
    return decisions.post, decisions.decide_as


def get_headship_to_revoke(user: User | AnonymousUser, pk: int) -> tuple[Post, str]:
    """A headship verified automatically that the user may revoke, and in what capacity."""
    decisions = decisions_on(user, pk)
    if not decisions.revoke:
        raise Http404("No such post.")
    return decisions.post, decisions.revoke_as
