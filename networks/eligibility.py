"""Who may join a network, and how, in one place (docs/rules.md, "Eligibility").

`eligibility_for(network, person)` answers "may this person join?" with the reason in
words; `join_option_for(network, person)` answers "what may they do about it now?" (the
network page's button, and the rule `join_network` enforces). Both read the network's own
settings and the person's current posts (prefetch posts__school to save queries).
"""

import datetime
from dataclasses import dataclass
from enum import StrEnum

from django.utils import timezone

from members.models import Post, School

from .models import Invitation, Membership, Network


@dataclass(frozen=True)
class Eligibility:
    """The answer to "may this person join?", with the reason in words when not."""

    eligible: bool
    reason: str = ""
    school: School | None = None

    def __bool__(self):
        return self.eligible


class JoinKind(StrEnum):
    """The one thing a network page offers the person looking at it."""

    SIGN_IN = "sign_in"
    SIGN_IN_IF_INVITED = "sign_in_if_invited"  # a visitor, at a network nobody simply joins
    JOIN = "join"  # open or automatic: a member at once
    REQUEST = "request"  # approval: a pending request
    ACCEPT = "accept"  # an invitation waits for them
    INVITED = "invited"  # an invitation waits, but no seat is theirs to take yet
    MEMBER = "member"
    PENDING = "pending"
    INVITATION_ONLY = "invitation_only"
    NOT_ELIGIBLE = "not_eligible"


@dataclass(frozen=True)
class JoinOption:
    """How the person may join the network now, if at all, and why not when not."""

    kind: JoinKind
    reason: str = ""
    school: School | None = None
    invitation: Invitation | None = None
    membership: Membership | None = None
    # The invitation offers a post (a school and role) the person does not hold yet:
    # accepting is then the one-screen form that records it (networks:accept).
    offers_post: bool = False

    @property
    def can_join(self) -> bool:
        return self.kind in (JoinKind.JOIN, JoinKind.REQUEST, JoinKind.ACCEPT)


def needs_verified_posts(network: Network) -> bool:
    """A school-based or automatic network counts only verified posts: a claim alone must
    not take a school's seat or enrol anyone."""
    return network.is_school_based or network.join_policy == Network.JoinPolicy.AUTOMATIC


def post_qualifies(network: Network, post: Post, area_ids: set[int]) -> bool:
    """The post is one the network covers: its roles, sectors, areas and funding."""
    school = post.school
    return (
        (not network.eligible_roles or post.role in network.eligible_roles)
        # The school is the member and its head holds the seat, whatever roles the
        # network lists: a deputy's post never takes a school's seat.
        and (not network.is_school_based or post.is_headship)
        and (not network.eligible_sectors or school.sector in network.eligible_sectors)
        and (not area_ids or school.local_authority_id in area_ids)
        and (not network.state_funded_only or school.state_funded)
        and school.is_open
    )


def eligibility_for(
    network: Network,
    person,
    on: datetime.date | None = None,
    *,
    check_seat: bool = True,
    count_claims: bool = False,
) -> Eligibility:
    """Whether the person may join, why not if not, and (school-based) for which school.

    check_seat=False skips the query for whether the school already holds a seat.
    count_claims=True counts unverified posts even where joining needs verified ones:
    whether a member may stay, not whether they may come in.
    """
    if not person.is_authenticated:
        return Eligibility(False, "Sign in to join.")
    if network.open_to_all:
        return Eligibility(True)
    on = on or timezone.localdate()
    current = [post for post in person.posts.all() if post.is_current(on)]
    if network.requires_parent_membership:
        return _parent_eligibility(network, person, current)
    area_ids = {area.pk for area in network.areas.all()}
    matching = [post for post in current if post_qualifies(network, post, area_ids)]
    if not matching:
        if not current:
            missing = "Add your current post to your profile so Headnet can check."
        else:
            held = "; ".join(f"{post.get_role_display()}, {post.school}" for post in current)
            missing = f"Your current post ({held}) is not one it covers."
        return Eligibility(False, f"{network.eligibility_text}. {missing}")
    if needs_verified_posts(network) and not count_claims:
        confirmed = [post for post in matching if post.is_verified]
        if not confirmed:
            return _unconfirmed(network, matching[0])
        matching = confirmed
    if not network.is_school_based or not check_seat:
        return Eligibility(True, school=matching[0].school)
    return _seat_eligibility(network, person, matching)


def _unconfirmed(network: Network, post: Post) -> Eligibility:
    return Eligibility(
        False,
        f"Your post as {post.get_role_display().lower()} at {post.school.name} "
        f"is not yet confirmed. {network.label} counts only confirmed posts; the "
        "school's head or an administrator of one of its networks can confirm it.",
    )


def _seat_eligibility(network: Network, person, matching: list[Post]) -> Eligibility:
    """The first of the person's schools whose seat is free (or theirs)."""
    # School-based: the school is the member, so its seat must be free (or theirs).
    schools = [post.school for post in matching]
    held = {
        seat.school_id: seat
        for seat in Membership.objects.live()
        .filter(network=network, school__in=schools)
        .select_related("person")
    }
    for school in schools:
        seat = held.get(school.pk)
        if seat is None or seat.person_id == person.pk:
            return Eligibility(True, school=school)
    seat = held[schools[0].pk]
    return Eligibility(
        False,
        f"{schools[0].name} is already a member of {network.label}: "
        f"its seat is held by {seat.person.get_full_name() or 'another member'}.",
    )


def _parent_eligibility(network: Network, person, current_posts: list[Post]) -> Eligibility:
    parent = network.parent
    if parent.memberships.active().filter(person=person).exists():
        return Eligibility(True)
    # Staff of a member school: a claim to work there is not enough.
    schools = [post.school_id for post in current_posts if post.is_verified]
    if schools and parent.memberships.active().filter(school__in=schools).exists():
        return Eligibility(True)
    return Eligibility(
        False,
        f"{network.eligibility_text}. You are not a member of {parent.label}"
        " and your school is not one of its members.",
    )


def join_option_for(network: Network, person, membership: Membership | None = None) -> JoinOption:
    """What the person may do about joining now: the page's button and join_network's rule.

    `membership` is the person's live membership of this network, if the caller has
    looked it up (None: they have none).
    """
    if not person.is_authenticated:
        if network.join_policy == Network.JoinPolicy.INVITATION:
            return JoinOption(JoinKind.SIGN_IN_IF_INVITED)
        return JoinOption(JoinKind.SIGN_IN)
    if membership is not None:
        kind = JoinKind.MEMBER if membership.is_active else JoinKind.PENDING
        return JoinOption(kind, membership=membership)
    # Administrators may invite people to a network of any policy; an invitation
    # is their yes, whatever the rules say about who the network is for.
    invitation = open_invitation_for(network, person)
    if invitation is not None:
        return _invited_option(network, person, invitation)
    if network.join_policy == Network.JoinPolicy.INVITATION:
        return JoinOption(
            JoinKind.INVITATION_ONLY,
            f"{network.name} is by invitation only. Its administrators invite new members.",
        )
    eligibility = eligibility_for(network, person)
    if not eligibility:
        return JoinOption(JoinKind.NOT_ELIGIBLE, eligibility.reason)
    if network.join_policy == Network.JoinPolicy.APPROVAL:
        return JoinOption(JoinKind.REQUEST, school=eligibility.school)
    return JoinOption(JoinKind.JOIN, school=eligibility.school)


def _invited_option(network: Network, person, invitation: Invitation) -> JoinOption:
    offers_post = invitation.school_id is not None and not any(
        post.school_id == invitation.school_id and post.is_current() for post in person.posts.all()
    )
    if offers_post or not network.is_school_based:
        # A post to record first: whether it lets them in is known once it is recorded.
        return JoinOption(JoinKind.ACCEPT, invitation=invitation, offers_post=offers_post)
    seat = _invited_seat(network, person)
    if not seat:
        return JoinOption(JoinKind.INVITED, seat.reason, invitation=invitation)
    return JoinOption(JoinKind.ACCEPT, school=seat.school, invitation=invitation)


def _invited_seat(network: Network, person) -> Eligibility:
    """The school an invited person accepts a school-based network's invitation for.

    The invitation waives who the network is for (its roles, sectors and area), never
    the seat: the school is the member, so accepting takes the seat of a school the
    person leads by a verified headship, free or already theirs. Without one there is no
    membership yet (a membership without a school would be a member no fee invoices and
    no hand-over moves); the invitation stays open until there is (docs/rules.md, "Joining").
    """
    on = timezone.localdate()
    headships = [
        post
        for post in person.posts.all()
        if post.is_current(on) and post.is_headship and post.school.is_open
    ]
    if not headships:
        return Eligibility(
            False,
            f"{network.label} is a network of schools: its members are schools, each "
            "seat held by the school's head, so accepting needs a current headship. "
            "Add yours to your profile.",
        )
    confirmed = [post for post in headships if post.is_verified]
    if not confirmed:
        return _unconfirmed(network, headships[0])
    return _seat_eligibility(network, person, confirmed)


def open_invitation_for(network: Network, person) -> Invitation | None:
    """The invitation waiting for the person's address, if any."""
    return network.invitations.waiting_for(person.email).select_related("school").first()
