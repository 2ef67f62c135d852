"""Invitations in bulk: sent over time within each network's allowance, reminded once,
withdrawn, and accepted in one step with the post they offer (docs/rules.md, "Bringing in
a member spreadsheet")."""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone

from core import audit
from members.models import EmailSuppression, Post, User

from .. import access
from ..models import ImportBatch, Invitation, Membership, Network
from .claims import add_post, confirm_claim
from .joining import email_invitation, join_network, withdraw_invitation

HOUR = datetime.timedelta(hours=1)


def _not_stopped() -> Q:
    """Invitations to an address bulk mail still reaches (members.suppression decides)."""
    stopped = EmailSuppression.objects.filter(suppressed_at__isnull=False).values("address")
    return ~Q(email__in=stopped)


def allowance(network: Network, now: datetime.datetime) -> int:
    """How many more invitation emails (reminders too) the network may send this hour."""
    since = now - HOUR
    sent = Invitation.objects.filter(network=network).filter(
        Q(sent_at__gt=since) | Q(reminded_at__gt=since)
    )
    return max(settings.IMPORT_INVITATIONS_PER_HOUR - sent.count(), 0)


def send_queued_invitations(
    *, network: Network | None = None, now: datetime.datetime | None = None
) -> int:
    """Send the queued invitations (of one network, or of all), oldest first, as many as
    each network's hourly allowance lets go now; the rest wait for the next run. Each is
    sent once, however many runs overlap. Returns how many were sent."""
    now = now or timezone.now()
    queued = Invitation.objects.filter(sent_at__isnull=True, accepted_at__isnull=True)
    if network is not None:
        queued = queued.filter(network=network)
    network_ids = set(queued.values_list("network_id", flat=True))
    return sum(_send_for(network_id, now) for network_id in sorted(network_ids))


@transaction.atomic
def _send_for(network_id: int, now: datetime.datetime) -> int:
    # The network row is locked while its allowance is counted, so two runs at once
    # cannot each spend the whole of it (PostgreSQL; SQLite writes one at a time anyway).
    network = Network.objects.select_for_update().get(pk=network_id)
    left = allowance(network, now)
    if not left:
        return 0
    waiting = (
        Invitation.objects.filter(network=network, sent_at__isnull=True, accepted_at__isnull=True)
        .filter(_not_stopped())
        .select_related("network", "invited_by", "school")
        .order_by("created_at", "pk")[:left]
    )
    return _mark_and_email(waiting, field="sent_at", now=now)


def _mark_and_email(
    invitations: QuerySet[Invitation], *, field: str, now: datetime.datetime
) -> int:
    sent = 0
    for invitation in invitations:
        # Only the run that marks it sends it.
        marked = Invitation.objects.filter(pk=invitation.pk, **{f"{field}__isnull": True}).update(
            **{field: now}
        )
        if marked:
            email_invitation(invitation, reminder=field == "reminded_at")
            sent += 1
    return sent


def send_invitation_reminders(*, now: datetime.datetime | None = None) -> int:
    """Remind, once, each person whose invitation went INVITATION_REMINDER_DAYS ago and is
    still unanswered (not to an address mail no longer reaches), within each network's
    hourly allowance. Returns how many were reminded."""
    now = now or timezone.now()
    due = _due_reminders(now)
    network_ids = set(due.values_list("network_id", flat=True))
    return sum(_remind_for(network_id, now) for network_id in sorted(network_ids))


def _due_reminders(now: datetime.datetime) -> QuerySet[Invitation]:
    sent_before = now - datetime.timedelta(days=settings.INVITATION_REMINDER_DAYS)
    return Invitation.objects.filter(
        accepted_at__isnull=True, reminded_at__isnull=True, sent_at__lte=sent_before
    ).filter(_not_stopped())


@transaction.atomic
def _remind_for(network_id: int, now: datetime.datetime) -> int:
    network = Network.objects.select_for_update().get(pk=network_id)
    left = allowance(network, now)
    if not left:
        return 0
    due = (
        _due_reminders(now)
        .filter(network=network)
        .select_related("network", "invited_by", "school")
        .order_by("sent_at", "pk")[:left]
    )
    return _mark_and_email(due, field="reminded_at", now=now)


@transaction.atomic
def revoke_invitation(*, invitation: Invitation, by: User) -> None:
    """Withdraw one unanswered invitation (from a spreadsheet or not), and record who did."""
    withdraw_invitation(invitation=invitation)
    if invitation.batch_id is not None:
        ImportBatch.objects.filter(pk=invitation.batch_id).update(
            withdrawn_count=F("withdrawn_count") + 1
        )
    audit.record(
        obj=invitation.network,
        action="invitation.withdrawn",
        summary="Withdrew an invitation",
        actor=by,
        network_id=invitation.network_id,
        # The address is the person's: the trail keeps only that one was withdrawn.
        object_repr=f"An invitation to {invitation.network.label}",
    )


# Accepting ---------------------------------------------------------------------


@dataclass(frozen=True)
class Acceptance:
    """What accepting did: the membership (None: not yet, and `reason` says why), and the
    post recorded on the way (a claim, or confirmed)."""

    membership: Membership | None
    post: Post | None = None
    reason: str = ""


def open_invitation(network: Network, person: User) -> Invitation | None:
    """The unanswered invitation to the person's address, with what it offers."""
    return (
        Invitation.objects.filter(network=network, email__iexact=person.email)
        .filter(accepted_at__isnull=True)
        .select_related("school", "invited_by")
        .first()
    )


def offered_post_held(invitation: Invitation, person: User) -> Post | None:
    """The person's current post at the invitation's school, if they hold one already."""
    return (
        Post.objects.current()
        .filter(person=person, school=invitation.school_id)
        .order_by("-started_on", "pk")
        .first()
    )


@transaction.atomic
def accept_invitation(
    *, person: User, network: Network, role: str = "", started_on: datetime.date | None = None
) -> Acceptance:
    """Accept the invitation to the person's address in one step: the post it offers is
    recorded first (`role` and `started_on` as the person gives them), then they join.

    The post follows the trust rules (docs/rules.md, "Posts and verification"): it is a
    claim unless its evidence verifies it, or the administrator who invited them vouched
    for it and may still confirm posts at the school, for the role they vouched for. Where
    the network cannot take them yet (a school's seat needs a confirmed headship) the post
    stays recorded, the invitation stays open, and `reason` says why."""
    invitation = open_invitation(network, person)
    if invitation is None:
        raise ValidationError(f"There is no invitation to {network.label} for {person.email}.")
    post = None
    if invitation.school is not None:
        post = offered_post_held(invitation, person)
        if post is None:
            if not role or started_on is None:
                raise ValidationError("Say what your role is, and since when.")
            post = add_post(
                person=person, school=invitation.school, role=role, started_on=started_on
            )
        post = _confirm_as_vouched(post, invitation)
    try:
        with transaction.atomic():
            membership = join_network(person=person, network=network)
    except ValidationError as error:
        return Acceptance(membership=None, post=post, reason=" ".join(error.messages))
    return Acceptance(membership=membership, post=post)


def _confirm_as_vouched(post: Post, invitation: Invitation) -> Post:
    """Confirm the claim if the inviting administrator vouched for this post and may confirm
    posts at its school now (never their own)."""
    inviter = invitation.invited_by
    if not post.is_claim or not invitation.confirm_post or inviter is None:
        return post
    if post.role != invitation.role:
        return post  # they vouched for another role: a claim, like any other
    how = access.how_user_may_decide(inviter, post)
    if not how:
        return post
    return confirm_claim(post=post, how=how, by=inviter)
