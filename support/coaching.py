"""Confidential coaching requests (Heads Up): ask, take, note, close, withdraw, forget;
and the coach pool itself: adding and removing coaches.

Every email about a request is content-free: it says what waits ("a request is waiting
for a coach", "a coach has taken your request") and links to a page that names no
network (support:link), which sends the coach to their queue and the requester to their
request. The request's kind, words, the requester's name and the network are never in
an email, because email is stored and forwarded in places Headnet cannot see.

Joining the pool is the way in to people's requests, so nobody adds themselves: a
network's administrator or site staff adds someone else, the audit trail records who
added whom, and the pool is told by email. Staff and administrators see the pool,
never a request.
"""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from core import audit, pagecache
from core.email import queue_templated_email
from members.models import User
from networks.models import Network

from .models import SUPPORT_SCOPE, Coach, SupportNote, SupportRequest, SupportRequestOpening


def retention_days() -> int:
    """Days a closed or withdrawn request (and its notes) is kept before it is deleted."""
    return settings.SUPPORT_REQUEST_RETENTION_DAYS


def _tell_coaches(emails: list[str], support_request_pk: int) -> None:
    """To each coach separately (never one list of coaches in To:): a request waits."""
    for email in sorted(set(emails)):
        queue_templated_email(
            "support/email/coaching_waiting",
            to=[email],
            context={"support_request_pk": support_request_pk},
        )


@transaction.atomic
def ask_for_support(
    *,
    network: Network,
    requester: User,
    help: str,
    contact_by: str,
    contact_details: str = "",
    contact_when: str = "",
    note: str = "",
) -> SupportRequest:
    """Record a request for the network's coach pool and tell each coach, without detail."""
    coaches = list(
        Coach.objects.filter(network=network, person__is_active=True)
        .exclude(person=requester)
        .values_list("person__email", flat=True)
    )
    if not coaches:
        raise ValidationError("This network has no coaches to ask.")
    support_request = SupportRequest.objects.create(
        network=network,
        requester=requester,
        help=help,
        contact_by=contact_by,
        contact_details=contact_details.strip(),
        contact_when=contact_when.strip(),
        note=note.strip(),
    )
    _tell_coaches(coaches, support_request.pk)
    return support_request


def _locked(support_request: SupportRequest) -> SupportRequest:
    return SupportRequest.objects.select_for_update().get(pk=support_request.pk)


def _check_holds(support_request: SupportRequest, coach: User) -> None:
    """Notes and closing are for the coach who holds the request (who took it), no other."""
    if support_request.coach_id is None or support_request.coach_id != coach.pk:
        raise ValidationError("Take the request first.")


@transaction.atomic
def take_request(*, support_request: SupportRequest, coach: User) -> SupportRequest:
    """One coach takes a waiting request; the other coaches then no longer see it."""
    # The pool row first, locked: a coach removed meanwhile takes nothing, and this is
    # the order remove_coach locks in (pool row, then requests).
    in_pool = (
        Coach.objects.select_for_update()
        .filter(network_id=support_request.network_id, person=coach)
        .first()
    )
    if in_pool is None:
        raise ValidationError("Only the network's coaches take its requests.")
    locked = _locked(support_request)
    if locked.state != SupportRequest.State.WAITING:
        raise ValidationError("Another coach has already taken this request, or it was closed.")
    if locked.requester_id == coach.pk:
        raise ValidationError("You cannot take your own request.")
    locked.state = SupportRequest.State.TAKEN
    locked.coach = coach
    locked.taken_at = timezone.now()
    locked.save(update_fields=["state", "coach", "taken_at"])
    queue_templated_email(
        "support/email/coaching_taken",
        to=[locked.requester.email],
        context={"support_request_pk": locked.pk},
    )
    return locked


@transaction.atomic
def add_note(*, support_request: SupportRequest, author: User, text: str) -> SupportNote:
    """The coach's own note on a request they hold."""
    support_request = _locked(support_request)
    _check_holds(support_request, author)
    if not support_request.is_open:
        raise ValidationError("This request is closed.")
    if not text.strip():
        raise ValidationError("Write a note first.")
    return SupportNote.objects.create(request=support_request, author=author, text=text.strip())


def _close(support_request: SupportRequest, state: str) -> SupportRequest:
    locked = _locked(support_request)
    if not locked.is_open:
        raise ValidationError("This request is already closed.")
    locked.state = state
    locked.closed_at = timezone.now()
    locked.save(update_fields=["state", "closed_at"])
    return locked


@transaction.atomic
def close_request(*, support_request: SupportRequest, coach: User) -> SupportRequest:
    """The coach who holds the request closes it; it is deleted once the retention time
    has passed."""
    _check_holds(_locked(support_request), coach)
    return _close(support_request, SupportRequest.State.CLOSED)


@transaction.atomic
def withdraw_request(*, support_request: SupportRequest) -> SupportRequest:
    """The requester withdraws it; it is deleted once the retention time has passed."""
    return _close(support_request, SupportRequest.State.WITHDRAWN)


def record_opening(*, support_request: SupportRequest, by: User) -> SupportRequestOpening:
    """Someone other than the requester opened it: who and when (the requester sees this)."""
    return SupportRequestOpening.objects.create(
        request=support_request,
        request_number=support_request.pk,
        network_id=support_request.network_id,
        opened_by=by,
    )


@transaction.atomic
def delete_closed_requests(*, now: datetime.datetime | None = None) -> int:
    """Delete requests closed or withdrawn more than the retention time ago, with their
    notes; the record of who opened them stays, with no link and no content."""
    cutoff = (now or timezone.now()) - datetime.timedelta(days=retention_days())
    expired = SupportRequest.objects.exclude(state__in=SupportRequest.OPEN_STATES).filter(
        closed_at__lt=cutoff
    )
    count = expired.count()
    SupportRequestOpening.objects.filter(request__in=expired).update(request=None)
    expired.delete()
    return count


# The coach pool ------------------------------------------------------------------------


def why_cannot_add_coach(*, network: Network, person: User, by: User) -> str:
    """Why `by` may not add `person` to the network's coach pool ("" if they may)."""
    if person.pk == by.pk:
        return (
            "Nobody adds themselves to a coach pool: coaches read people's requests for "
            "help, so someone else adds you."
        )
    if not person.is_active:
        return "That account is closed."
    if Coach.objects.filter(network=network, person=person).exists():
        return "They are already in this coach pool."
    return ""


def _name(person: User) -> str:
    return person.get_full_name() or person.email


def _tell_pool(
    *, network: Network, people: list[User], person: User, by: User, added: bool
) -> None:
    """Each of them, separately: who joined or left the pool and who did it. Nothing about
    any request."""
    context = {
        "pool": f"the coach pool of {network.name}",
        "person_name": _name(person),
        "by_name": _name(by),
        "added": added,
    }
    for email in sorted({someone.email for someone in people}):
        queue_templated_email("support/email/pool_changed", to=[email], context=context)


def _pool(network: Network) -> list[User]:
    return [
        coach.person
        for coach in Coach.objects.filter(network=network, person__is_active=True).select_related(
            "person"
        )
    ]


def _record(coach: Coach, *, action: str, summary: str, by: User) -> None:
    audit.record(
        obj=coach,
        action=action,
        summary=summary,
        actor=by,
        subject=coach.person,
        network_id=coach.network_id,
        object_repr=f"Coach pool of {coach.network.label}",
    )


@transaction.atomic
def add_coach(*, network: Network, person: User, by: User) -> Coach:
    """Add someone (never oneself) to the network's coach pool: recorded in the audit trail,
    and the pool, the new coach included, is told who added whom."""
    reason = why_cannot_add_coach(network=network, person=person, by=by)
    if reason:
        raise ValidationError(reason)
    try:
        with transaction.atomic():
            coach = Coach.objects.create(network=network, person=person, added_by=by)
    except IntegrityError:  # added by someone else at the same moment
        raise ValidationError("They are already in this coach pool.") from None
    _record(coach, action="support.coach_added", summary="Added to the coach pool", by=by)
    _tell_pool(network=network, people=_pool(network), person=person, by=by, added=True)
    return coach


@transaction.atomic
def remove_coach(*, coach: Coach, by: User) -> None:
    """Take someone out of a coach pool. The requests they held go back to the pool in the
    same step (nobody is left holding a request they can no longer open); the pool and
    the person are told who removed whom, and the coaches that something waits."""
    coach = Coach.objects.select_for_update().select_related("network", "person").get(pk=coach.pk)
    _record(coach, action="support.coach_removed", summary="Removed from the coach pool", by=by)
    coach.delete()
    return_held_requests(coach=coach.person, network=coach.network)
    people = [*_pool(coach.network), coach.person]
    _tell_pool(network=coach.network, people=people, person=coach.person, by=by, added=False)


def return_held_requests(*, coach: User, network: Network | None = None) -> int:
    """The open requests the person holds (in one network, or in all when they close their
    account) wait for their pool again; its other coaches get the neutral email. Runs
    inside the caller's transaction."""
    held = SupportRequest.objects.select_for_update().filter(
        coach=coach, state=SupportRequest.State.TAKEN
    )
    if network is not None:
        held = held.filter(network=network)
    held_rows = list(held.values("pk", "network_id", "requester_id"))
    if not held_rows:
        return 0
    SupportRequest.objects.filter(pk__in=[row["pk"] for row in held_rows]).update(
        state=SupportRequest.State.WAITING, coach=None, taken_at=None
    )
    pagecache.invalidate(SUPPORT_SCOPE)  # a queryset update sends no model signals
    for network_id in sorted({row["network_id"] for row in held_rows}):
        rows = [row for row in held_rows if row["network_id"] == network_id]
        _tell_coaches(
            list(
                Coach.objects.filter(network_id=network_id, person__is_active=True)
                .exclude(person=coach)
                .exclude(person_id__in={row["requester_id"] for row in rows})
                .values_list("person__email", flat=True)
            ),
            rows[0]["pk"],
        )
    return len(held_rows)
