"""Joining, leaving, requests and invitations (docs/rules.md, "Joining")."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from core.email import queue_templated_email
from members.models import Post, User

from .. import eligibility
from ..eligibility import JoinKind
from ..models import Invitation, Membership, Network
from .memberships import (
    _audit_membership,
    _create_live,
    _live_membership,
    _status_change,
    end_membership,
)


@transaction.atomic
def join_network(*, person: User, network: Network) -> Membership:
    """Join (open), request to join (approval) or accept an invitation; idempotent."""
    existing = _live_membership(person, network)
    if existing:
        return existing
    option = eligibility.join_option_for(network, person)
    if not option.can_join:
        raise ValidationError(option.reason)
    if option.offers_post:
        # The post comes first (accept_invitation records it): in a network of schools
        # the seat is the school's, and a membership without one is no member at all.
        raise ValidationError(
            f"Your invitation to {network.label} offers a post: accept it on the invitation's "
            "page, which records the post first."
        )

    now = timezone.now()
    school = option.school if network.is_school_based else None
    if option.kind == JoinKind.REQUEST:
        membership, created = _create_live(
            person=person, network=network, school=school, status=Membership.Status.PENDING
        )
        if created:
            _audit_membership(
                membership,
                "membership.requested",
                "Asked to join",
                by=person,
                changes={"Status": ["", Membership.Status.PENDING.label]},
            )
            _email_administrators_of_request(membership)
        return membership

    membership, created = _create_live(
        person=person,
        network=network,
        school=school,
        status=Membership.Status.ACTIVE,
        started_at=now,
    )
    if created:
        _audit_membership(
            membership,
            "membership.joined",
            "Accepted an invitation" if option.invitation is not None else "Joined",
            by=person,
            changes={"Status": ["", Membership.Status.ACTIVE.label]},
        )
    if option.invitation is not None and created:
        option.invitation.accepted_at = now
        option.invitation.save(update_fields=["accepted_at"])
    return membership


@transaction.atomic
def leave_network(*, person: User, network: Network) -> Membership:
    """End the person's membership (or withdraw their pending request)."""
    membership = _live_membership(person, network)
    if membership is None:
        raise ValidationError(f"You are not a member of {network.name}.")
    return end_membership(
        membership=membership,
        status=Membership.Status.LEFT,
        by=person,
        summary="Withdrew the request" if membership.is_pending else "Left",
    )


@transaction.atomic
def approve_membership(*, membership: Membership, by: User) -> Membership:
    """Make a pending request an active membership and tell the person."""
    membership = (
        Membership.objects.select_for_update(of=("self",))
        .select_related("person", "network", "school")
        .get(pk=membership.pk)
    )
    if not membership.is_pending:
        raise ValidationError("This request has already been decided.")
    if eligibility.needs_verified_posts(membership.network) and not _has_confirmed_post(membership):
        where = f" at {membership.school.name}" if membership.school else ""
        raise ValidationError(
            f"{membership.person}'s post{where} is not yet confirmed, so "
            f"{membership.network.label} cannot take them in yet. Confirm the post first."
        )
    now = timezone.now()
    membership.status = Membership.Status.ACTIVE
    membership.started_at = now
    membership.decided_by = by
    membership.decided_at = now
    membership.save(update_fields=["status", "started_at", "decided_by", "decided_at"])
    _audit_membership(
        membership,
        "membership.approved",
        "Request approved",
        by=by,
        changes=_status_change(Membership.Status.PENDING, membership.status),
    )
    queue_templated_email(
        "networks/email/request_approved",
        to=[membership.holder.email],
        context={"membership": membership, "network": membership.network},
    )
    return membership


def _has_confirmed_post(membership: Membership) -> bool:
    """A current verified post behind the request: for a school's seat, a verified
    headship at that school (only a verified headship takes a seat)."""
    posts = Post.objects.current().verified().filter(person=membership.person)
    if membership.network.is_school_based:
        posts = posts.headships().filter(school=membership.school_id)
    return posts.exists()


@transaction.atomic
def decline_membership(*, membership: Membership, by: User, reason: str = "") -> Membership:
    """Decline a pending request, with an optional reason, and tell the person."""
    membership = end_membership(
        membership=membership, status=Membership.Status.DECLINED, by=by, reason=reason
    )
    queue_templated_email(
        "networks/email/request_declined",
        to=[membership.holder.email],
        context={"membership": membership, "network": membership.network},
    )
    return membership


@transaction.atomic
def remove_member(*, membership: Membership, by: User, reason: str = "") -> Membership:
    """An administrator ends someone's active membership; the person is told, with the
    reason if one is given."""
    if not membership.is_active:
        raise ValidationError("Only an active membership can be ended; decline a request.")
    membership = end_membership(
        membership=membership, status=Membership.Status.REMOVED, by=by, reason=reason
    )
    queue_templated_email(
        "networks/email/membership_removed",
        to=[membership.holder.email],
        context={"membership": membership, "network": membership.network, "reason": reason},
    )
    return membership


@transaction.atomic
def invite(*, network: Network, email: str, by: User) -> Invitation:
    """Invite an email address to join; sends the invitation (again, if asked twice)."""
    email = email.strip().lower()
    if Membership.objects.live().filter(network=network, person__email=email).exists():
        raise ValidationError(f"{email} is already a member of {network.name}.")
    invitation = Invitation.objects.filter(
        network=network, email=email, accepted_at__isnull=True
    ).first() or Invitation.objects.create(network=network, email=email, invited_by=by)
    invitation.sent_at = timezone.now()
    invitation.save(update_fields=["sent_at"])
    email_invitation(invitation)
    return invitation


def email_invitation(invitation: Invitation, *, reminder: bool = False) -> None:
    """The invitation's email: the network, who invited them, the post it offers and where
    to accept (the one-screen page when it offers a post)."""
    network = invitation.network
    path = (
        reverse("networks:accept", args=[network.slug])
        if invitation.school_id is not None
        else network.get_absolute_url()
    )
    queue_templated_email(
        "networks/email/invitation_reminder" if reminder else "networks/email/invitation",
        to=[invitation.email],
        context={
            "network": network,
            "invited_by": invitation.invited_by,
            "invitation": invitation,
            "accept_path": path,
        },
    )


@transaction.atomic
def withdraw_invitation(*, invitation: Invitation) -> None:
    """Withdraw an invitation not yet accepted (an accepted one is a record: it stays)."""
    if invitation.accepted_at is not None:
        raise ValidationError(f"{invitation.email} has already accepted the invitation.")
    Invitation.objects.filter(pk=invitation.pk, accepted_at__isnull=True).delete()


def _email_administrators_of_request(membership: Membership) -> None:
    network = membership.network
    recipients = network.administrator_emails()
    if recipients:
        queue_templated_email(
            "networks/email/request_received",
            to=recipients,
            context={
                "membership": membership,
                "network": network,
                "requests_path": reverse("networks:requests", args=[network.slug]),
            },
        )
