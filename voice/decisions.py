"""A poll's outcome: closing it by hand, recording what was decided, turning a meeting-time
poll's slot into a draft meeting, and "What we decided".

Who may (docs/permissions.md, "Polls: results, outcomes and decisions"):
- close an open poll now: its starter while a member of its network, the network's
  coordinators and administrators, and site staff;
- record the outcome of a closed poll, and make its draft meeting: the network's
  coordinators and administrators, and site staff (the starter, normally one of them,
  may no longer be);
- read the decisions: the network's members, and site staff.

The services below take no request and check no permission: the views ask the
`get_...` helpers first.
"""

import datetime

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404

from core import audit
from meetings import services as meeting_services
from meetings.models import Meeting
from members.models import User
from networks import access as network_access
from networks.access import NetworkAccess

from . import counting, results
from .models import Decision, Option, Poll
from .results import PollAccess

# A draft meeting made from a slot has no venue yet; the coordinator sets it on the draft.
VENUE_TO_CONFIRM = "To be confirmed"


# Who may ---------------------------------------------------------------------------


def may_close(poll: Poll, user: User | AnonymousUser, perms: NetworkAccess) -> bool:
    """An open poll: its starter (still a member), or its network's coordinators and staff."""
    if poll.state != Poll.State.OPEN:
        return False
    is_starter = user.is_authenticated and poll.created_by_id == user.pk
    return perms.can_coordinate or (is_starter and perms.is_member)


def may_record_outcome(poll: Poll, perms: NetworkAccess) -> bool:
    return poll.state == Poll.State.CLOSED and perms.can_coordinate


def may_make_meeting(poll: Poll, perms: NetworkAccess) -> bool:
    return may_record_outcome(poll, perms) and poll.kind == Poll.Kind.MEETING_TIME


def may_read_decisions(perms: NetworkAccess) -> bool:
    return perms.is_member


def get_poll_to_close(user: User | AnonymousUser, slug: str, pk: int) -> PollAccess:
    """A poll the person may close now (a closed one too, which closing leaves alone);
    403 otherwise."""
    found = results.get_poll(user, slug, pk)
    if found.poll.state == Poll.State.CLOSED and found.perms.is_member:
        return found
    if not may_close(found.poll, user, found.perms):
        raise PermissionDenied(
            f"Only the poll's starter and the coordinators of {found.perms.network.name} "
            "can close it."
        )
    return found


def get_poll_for_outcome(user: User | AnonymousUser, slug: str, pk: int) -> PollAccess:
    """A closed poll whose outcome the person may record; 403 otherwise."""
    found = results.get_poll(user, slug, pk)
    if not found.perms.can_coordinate:
        raise PermissionDenied(
            f"Only the coordinators of {found.perms.network.name} can record an outcome."
        )
    if found.poll.state != Poll.State.CLOSED:
        raise PermissionDenied("The outcome is recorded once the poll has closed.")
    return found


def get_poll_for_meeting(user: User | AnonymousUser, slug: str, pk: int) -> PollAccess:
    """A closed meeting-time poll whose slot the person may make a draft meeting; 404 for
    any other kind of poll, 403 for anyone else."""
    found = get_poll_for_outcome(user, slug, pk)
    if found.poll.kind != Poll.Kind.MEETING_TIME:
        raise Http404("Only a meeting-time poll makes a meeting.")
    return found


def get_decisions(user: User | AnonymousUser, slug: str) -> NetworkAccess:
    """The person's access to the network if they may read its decisions; 403 otherwise."""
    perms = network_access.for_network(user, network_access.get_network(slug))
    if not may_read_decisions(perms):
        raise PermissionDenied(f"Only members of {perms.network.name} can read its decisions.")
    return perms


# What was decided ------------------------------------------------------------------


def decisions_of(perms: NetworkAccess) -> QuerySet[Decision]:
    """The network's decisions, newest first, with their polls (one query for a page)."""
    return Decision.objects.filter(network=perms.network).select_related("poll")


@transaction.atomic
def record_outcome(
    *, poll: Poll, statement: str, review_on: datetime.date | None, by: User | None
) -> Decision:
    """Record (or correct) what a closed poll decided, with when to review it; audited."""
    locked = Poll.objects.select_for_update().get(pk=poll.pk)
    if locked.state != Poll.State.CLOSED:
        raise ValidationError("The outcome is recorded once the poll has closed.")
    statement = statement.strip()
    if not statement:
        raise ValidationError("Say what was decided.")
    decision = Decision.objects.filter(poll=locked).first()
    before = ("", "")
    if decision is None:
        decision = Decision(poll=locked, network_id=locked.network_id)
    else:
        before = (decision.statement, _date(decision.review_on))
    decision.statement = statement
    decision.review_on = review_on
    decision.recorded_by = by
    decision.save()
    changes: audit.Changes = {}
    for label, old, new in (
        ("Decision", before[0], statement),
        ("Review on", before[1], _date(review_on)),
    ):
        if old != new:
            changes[label] = [old, new]
    audit.record(
        obj=decision,
        action="decision.recorded" if before == ("", "") else "decision.corrected",
        summary=f"Outcome of the poll {locked.title!r} recorded",
        actor=by,
        network_id=locked.network_id,
        changes=changes,
        object_repr=locked.title,
    )
    return decision


def _date(day: datetime.date | None) -> str:
    return f"{day:%d %b %Y}" if day else ""


# A meeting-time poll's meeting ---------------------------------------------------------


def best_slot(poll: Poll) -> Option | None:
    count = counting.tally(poll)
    return count.best if isinstance(count, counting.MeetingTimeTally) else None


@transaction.atomic
def make_draft_meeting(*, poll: Poll, slot: Option | None, by: User | None) -> Meeting:
    """A draft meeting of the poll's network at the slot (the best one when None), named
    after the poll; a second call returns the meeting already made."""
    locked = (
        Poll.objects.select_for_update(of=("self",))
        .select_related("network", "meeting")
        .get(pk=poll.pk)
    )
    if locked.meeting is not None:
        return locked.meeting
    if locked.kind != Poll.Kind.MEETING_TIME or locked.state != Poll.State.CLOSED:
        raise ValidationError("Only a closed meeting-time poll makes a meeting.")
    slot = slot or best_slot(locked)
    if slot is None:
        raise ValidationError("No slot has any yes or if-need-be answers: pick one.")
    if slot.poll_id != locked.pk or slot.starts_at is None or slot.ends_at is None:
        raise ValidationError("That slot has no times to make a meeting from.")
    meeting = meeting_services.create_meeting(
        network=locked.network,
        by=by,
        title=locked.title,
        starts_at=slot.starts_at,
        ends_at=slot.ends_at,
        venue_address=VENUE_TO_CONFIRM,
    )
    locked.meeting = meeting
    locked.save(update_fields=["meeting"])
    audit.record(
        obj=locked,
        action="poll.meeting_made",
        summary=f"Draft meeting made from the slot {slot.label!r}",
        actor=by,
        network_id=locked.network_id,
        object_repr=locked.title,
    )
    return meeting
