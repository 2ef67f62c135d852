"""Automatic networks: everyone eligible is enrolled, and lapses when no longer eligible."""

from django.db import models
from django.urls import reverse
from django.utils import timezone

from core.email import queue_templated_email
from members.models import Post, School, User

from .. import eligibility
from ..annual_fee import annual_fee
from ..models import Membership, Network
from .memberships import _audit_membership, _create_live, end_membership
from .seats import hand_over_school_seats

# Endings someone chose, which enrolment respects: the person left, or an administrator
# removed them. (A lapse or a declined request does not keep anyone out.)
CHOSEN_ENDINGS = (Membership.Status.LEFT, Membership.Status.REMOVED)


def sync_automatic_memberships(*, person: User, welcome: bool = True) -> list[Membership]:
    """Bring the person's automatic memberships in line with their posts.

    Enrols them in every automatic network they are eligible for (except ones they
    left or were removed from: they can rejoin) and lapses person-based automatic
    memberships they no longer qualify for. School seats move with
    hand_over_school_seats. Coordinators and administrators keep their place.
    Returns the new memberships; each new member is emailed a welcome (unless
    `welcome` is False: the demo's fictional people).
    """
    person = User.objects.with_posts().get(pk=person.pk)
    networks = Network.objects.filter(join_policy=Network.JoinPolicy.AUTOMATIC).prefetch_related(
        "areas"
    )
    memberships = {
        membership.network_id: membership
        for membership in Membership.objects.filter(person=person).order_by("requested_at")
    }
    enrolled = []
    for network in networks:
        membership = memberships.get(network.pk)
        if membership and membership.is_live:
            # Coming in takes a verified post; staying takes a current one, so members
            # from before posts were verified keep their place until their claim is
            # decided (a rejected post ends, and they lapse then).
            stays = (
                eligibility.eligibility_for(network, person, count_claims=True)
                or membership.role != Membership.Role.MEMBER
            )
            if not stays and not network.is_school_based:
                end_membership(membership=membership, status=Membership.Status.LAPSED, by=None)
            continue
        if membership and membership.status in CHOSEN_ENDINGS:
            continue
        allowed = eligibility.eligibility_for(network, person)
        if not allowed:
            continue
        new, created = _create_live(
            person=person,
            network=network,
            school=allowed.school if network.is_school_based else None,
            status=Membership.Status.ACTIVE,
            started_at=timezone.now(),
        )
        if created:
            _audit_membership(
                new,
                "membership.enrolled",
                "Enrolled automatically",
                by=None,
                changes={"Status": ["", Membership.Status.ACTIVE.label]},
            )
            enrolled.append(new)
            if welcome:
                _welcome_to_automatic_network(new)
    return enrolled


def _welcome_to_automatic_network(membership: Membership) -> None:
    """Tell a person enrolled automatically what they are now part of, and what it means."""
    queue_templated_email(
        "networks/email/welcome_automatic",
        to=[membership.holder.email],
        context={
            "membership": membership,
            "network": membership.network,
            "school": membership.school,
            "annual_fee": annual_fee(membership.network, membership.school),
            "me_path": reverse("me"),
        },
    )


def reconcile_automatic_memberships() -> tuple[int, int]:
    """Enrol everyone eligible for automatic networks and lapse those no longer eligible;
    pass school seats whose holder no longer leads the school. Returns (enrolled, lapsed).
    """
    lapsed_before = Membership.objects.filter(status=Membership.Status.LAPSED).count()
    enrolled = 0
    people = User.objects.filter(
        models.Q(posts__in=Post.objects.current())
        | models.Q(memberships__network__join_policy=Network.JoinPolicy.AUTOMATIC)
    ).distinct()
    for person in people.iterator():
        enrolled += len(sync_automatic_memberships(person=person))
    seat_schools = School.objects.filter(
        memberships__status__in=Membership.LIVE_STATUSES,
        memberships__network__basis=Network.Basis.SCHOOL,
    ).distinct()
    for school in seat_schools.iterator():
        enrolled += len(hand_over_school_seats(school=school))
    lapsed = Membership.objects.filter(status=Membership.Status.LAPSED).count() - lapsed_before
    return enrolled, lapsed
