"""Closing polls, and the one reminder before a poll closes. No request, no permission
checks: callers decide who may.

The reminder goes once, a day before closing, to each person who may vote and has not:
for a poll of every member, the network's active members without a vote record; for a
poll of one vote per school, the heads holding the seats of schools that have not voted.
Who has voted is read from VoteRecord, which a secret poll keeps too (it says only that
someone voted, never how), so a secret poll's reminder links no ballot to anyone.
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from core import audit
from core.email import queue_templated_email
from members.models import User
from networks.models import Membership

from .models import Poll, VoteRecord

REMIND_BEFORE = datetime.timedelta(days=1)


def _audit_closing(poll: Poll, by: User | None) -> None:
    audit.record(
        obj=poll,
        action="poll.closed",
        summary="Poll closed" if by else "Poll closed at its closing time",
        actor=by,
        network_id=poll.network_id,
        changes={"State": ["Open", "Closed"]},
        object_repr=poll.title,
    )


@transaction.atomic
def close_poll(*, poll: Poll, by: User | None = None, now: datetime.datetime | None = None) -> Poll:
    """Close an open poll (by a person, or at its closing time when `by` is None) and ask
    its starter to record the outcome; a closed one is returned as it is."""
    # Locked, so a "Close now" and the command at the same moment close it once (only the
    # poll's row: PostgreSQL will not lock the outer side of a join to an empty starter).
    locked = (
        Poll.objects.select_for_update(of=("self",))
        .select_related("network", "created_by")
        .get(pk=poll.pk)
    )
    if locked.state == Poll.State.CLOSED:
        return locked
    if locked.state != Poll.State.OPEN:
        raise ValidationError("Only an open poll can be closed.")
    locked.state = Poll.State.CLOSED
    locked.closed_at = now or timezone.now()
    locked.save(update_fields=["state", "closed_at"])
    _audit_closing(locked, by)
    starter = locked.created_by
    # The starter who closed it is on the page already; anyone else's closing tells them.
    if starter is not None and starter.is_active and (by is None or by.pk != starter.pk):
        queue_templated_email(
            "voice/email/poll_closed",
            to=[starter.email],
            context={
                "poll": locked,
                "network": locked.network,
                "outcome_path": reverse(
                    "voice:poll_outcome", args=[locked.network.slug, locked.pk]
                ),
            },
        )
    return locked


def close_due_polls(*, now: datetime.datetime | None = None) -> int:
    """Close every open poll whose closing time has passed; safe to run twice at once."""
    now = now or timezone.now()
    closed = 0
    for poll in Poll.objects.filter(state=Poll.State.OPEN, closes_at__lte=now):
        if close_poll(poll=poll, now=now).closed_at == now:
            closed += 1
    return closed


def not_yet_voted(poll: Poll) -> list[User]:
    """Who may vote in the poll and has not (for a school poll, the heads holding the
    seats of the schools that have not voted), in two queries."""
    seats = (
        Membership.objects.active()
        .filter(network=poll.network_id, person__is_active=True)
        .select_related("person")
        .order_by("pk")
    )
    if poll.voters == Poll.Voters.SCHOOLS:
        voted_schools = VoteRecord.objects.filter(poll=poll, school__isnull=False).values("school")
        seats = seats.filter(school__isnull=False).exclude(school__in=voted_schools)
    else:
        voted = VoteRecord.objects.filter(
            poll=poll, school__isnull=True, person__isnull=False
        ).values("person")
        seats = seats.exclude(person__in=voted)
    return [seat.holder for seat in seats]


def send_reminders(*, now: datetime.datetime | None = None) -> int:
    """Remind those who have not voted in polls closing within a day; each poll's reminder
    goes once, however many runs there are at once. The number of emails queued."""
    now = now or timezone.now()
    due = Poll.objects.filter(
        state=Poll.State.OPEN,
        reminded_at__isnull=True,
        closes_at__gt=now,
        closes_at__lte=now + REMIND_BEFORE,
    ).select_related("network")
    sent = 0
    for poll in due:
        sent += _remind(poll, now)
    return sent


@transaction.atomic
def _remind(poll: Poll, now: datetime.datetime) -> int:
    # Claimed by a conditional update: a second run waits on the row, then finds it
    # claimed. In one transaction with the emails, so a failure sends none and claims none.
    claimed = Poll.objects.filter(
        pk=poll.pk, state=Poll.State.OPEN, reminded_at__isnull=True
    ).update(reminded_at=now)
    if not claimed:
        return 0
    vote_path = reverse("voice:poll_detail", args=[poll.network.slug, poll.pk])
    people = not_yet_voted(poll)
    for person in people:
        queue_templated_email(
            "voice/email/poll_reminder",
            to=[person.email],
            context={
                "poll": poll,
                "network": poll.network,
                "for_school": poll.voters == Poll.Voters.SCHOOLS,
                "vote_path": vote_path,
            },
        )
    return len(people)
