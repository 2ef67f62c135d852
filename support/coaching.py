"""Confidential coaching requests (Heads Up): ask, take, note, close, withdraw, forget.

Every email here is content-free: a neutral subject and a link to sign in. The
request's kind, words, the requester's name and the network are never in an email,
because email is stored and forwarded in places Headnet cannot see.
"""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from core.email import queue_templated_email
from members.models import User
from networks.models import Network

from .models import Coach, SupportNote, SupportRequest, SupportRequestOpening


def retention_days() -> int:
    """Days a closed or withdrawn request (and its notes) is kept before it is deleted."""
    return settings.SUPPORT_REQUEST_RETENTION_DAYS


def _notify(emails: list[str]) -> None:
    """A neutral email to each address separately (never one list of coaches in To:)."""
    for email in emails:
        queue_templated_email("support/email/waiting", to=[email], context={})


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
    _notify(coaches)
    return support_request


def _locked(support_request: SupportRequest) -> SupportRequest:
    return SupportRequest.objects.select_for_update().get(pk=support_request.pk)


@transaction.atomic
def take_request(*, support_request: SupportRequest, coach: User) -> SupportRequest:
    """One coach takes a waiting request; the other coaches then no longer see it."""
    locked = _locked(support_request)
    if locked.state != SupportRequest.State.WAITING:
        raise ValidationError("Another coach has already taken this request, or it was closed.")
    if locked.requester_id == coach.pk:
        raise ValidationError("You cannot take your own request.")
    locked.state = SupportRequest.State.TAKEN
    locked.coach = coach
    locked.taken_at = timezone.now()
    locked.save(update_fields=["state", "coach", "taken_at"])
    _notify([locked.requester.email])
    return locked


@transaction.atomic
def add_note(*, support_request: SupportRequest, author: User, text: str) -> SupportNote:
    """The coach's own note on a request they hold."""
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
def close_request(*, support_request: SupportRequest) -> SupportRequest:
    """The coach closes the request; it is deleted once the retention time has passed."""
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
